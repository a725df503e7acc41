//! Who is calling: the operator (every tenant) or one tenant, through a bearer token or a console
//! session cookie. Every `/api/v1` handler and every console page takes a [`Principal`] and asks it
//! for the scope of what it may read or change; a resource outside that scope answers 404, never 403,
//! so a tenant cannot even learn that another tenant's resource exists.
//!
//! - `Authorization: Bearer <admin_token>`: the operator (compared in constant time).
//! - `Authorization: Bearer zrt_...`: a tenant API token (looked up by its SHA-256).
//! - Cookie `zr_session`: a console session (by its SHA-256). A state-changing request authenticated
//!   by the cookie must also carry the session's CSRF token (`X-CSRF-Token` header, or the `csrf`
//!   form field, which console handlers check themselves): cookies are sent by browsers on
//!   cross-site requests, bearer tokens are not.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use super::{ApiError, AppState};
use crate::store::auth::{Grant, Session};

pub const SESSION_COOKIE: &str = "zr_session";
/// Console sessions last 12 hours.
pub const SESSION_TTL_MS: i64 = 12 * 3600 * 1000;
pub use crate::service::tokens::TOKEN_PREFIX;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Operator {
        via: Via,
    },
    Tenant {
        app_id: String,
        account_id: String,
        via: Via,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    Bearer,
    /// A console session; `csrf` is the token its forms must carry.
    Session {
        csrf: String,
        user: String,
    },
}

impl Principal {
    fn from_grant(grant: Grant, via: Via) -> Principal {
        match grant {
            Grant::Operator => Principal::Operator { via },
            Grant::Tenant { app_id, account_id } => Principal::Tenant {
                app_id,
                account_id,
                via,
            },
        }
    }

    pub fn is_operator(&self) -> bool {
        matches!(self, Principal::Operator { .. })
    }

    /// The one tenant this principal is limited to; None for the operator.
    pub fn tenant(&self) -> Option<(&str, &str)> {
        match self {
            Principal::Operator { .. } => None,
            Principal::Tenant {
                app_id, account_id, ..
            } => Some((app_id, account_id)),
        }
    }

    /// May this principal see (app, account)'s resources?
    pub fn can_see(&self, app: &str, account: &str) -> bool {
        self.tenant()
            .is_none_or(|(a, acc)| a == app && acc == account)
    }

    /// The tenant filter for a list: the principal's own tenant, or for the operator whatever the
    /// query asked (possibly nothing = all). A tenant asking for another tenant gets an empty scope
    /// marker (`Err`), which handlers turn into an empty list or a 404.
    pub fn filter<'a>(
        &'a self,
        app: Option<&'a str>,
        account: Option<&'a str>,
    ) -> Result<(Option<&'a str>, Option<&'a str>), ApiError> {
        match self.tenant() {
            None => Ok((app, account)),
            Some((a, acc)) => {
                if app.is_some_and(|x| x != a) || account.is_some_and(|x| x != acc) {
                    Err(ApiError::NotFound("no such tenant".into()))
                } else {
                    Ok((Some(a), Some(acc)))
                }
            }
        }
    }

    /// 404 unless the principal may see (app, account).
    pub fn require(&self, app: &str, account: &str) -> Result<(), ApiError> {
        if self.can_see(app, account) {
            Ok(())
        } else {
            Err(ApiError::NotFound(format!(
                "no tenant {account} for app `{app}`"
            )))
        }
    }

    /// Operator-only resources (tenants, backup): a tenant gets 404, as for anything not theirs.
    pub fn require_operator(&self) -> Result<(), ApiError> {
        if self.is_operator() {
            Ok(())
        } else {
            Err(ApiError::NotFound("not found".into()))
        }
    }

    pub fn csrf(&self) -> Option<&str> {
        match self {
            Principal::Operator {
                via: Via::Session { csrf, .. },
            }
            | Principal::Tenant {
                via: Via::Session { csrf, .. },
                ..
            } => Some(csrf),
            _ => None,
        }
    }
}

/// How long a request with wrong credentials is held. Correct credentials never wait; failures from
/// one client address (see [`crate::http::server::ip_key`]) wait one after the other, so a guesser
/// gets at most a few tries per second per address whatever it sends in parallel (an operator may
/// have chosen a weak admin_token), while a typo from anyone else is not queued behind it.
pub const FAILURE_PENALTY: std::time::Duration = std::time::Duration::from_millis(250);

/// Addresses with their own penalty queue; beyond this the least recently failed one is forgotten,
/// so a spray from many addresses costs bounded memory.
pub const PENALTY_ADDRESSES: usize = 4096;

/// One penalty queue per client address, in a bounded map.
#[derive(Default)]
pub struct Penalties {
    queues: std::sync::Mutex<PenaltyMap>,
}

#[derive(Default)]
struct PenaltyMap {
    by_addr:
        std::collections::HashMap<std::net::IpAddr, (std::sync::Arc<tokio::sync::Mutex<()>>, u64)>,
    tick: u64,
}

impl Penalties {
    /// The queue of `client` (grouped like the connection limits: IPv6 by /64).
    fn queue(&self, client: std::net::IpAddr) -> std::sync::Arc<tokio::sync::Mutex<()>> {
        let key = crate::http::server::ip_key(client);
        let mut m = self.queues.lock().expect("penalty lock");
        m.tick += 1;
        let tick = m.tick;
        if let Some((q, used)) = m.by_addr.get_mut(&key) {
            *used = tick;
            return q.clone();
        }
        if m.by_addr.len() >= PENALTY_ADDRESSES {
            // Forget the least recently used queue nobody waits in (else the oldest of all).
            let victim = m
                .by_addr
                .iter()
                .filter(|(_, (q, _))| std::sync::Arc::strong_count(q) == 1)
                .min_by_key(|(_, (_, used))| *used)
                .or_else(|| m.by_addr.iter().min_by_key(|(_, (_, used))| *used))
                .map(|(k, _)| *k);
            if let Some(k) = victim {
                m.by_addr.remove(&k);
            }
        }
        let q = std::sync::Arc::new(tokio::sync::Mutex::new(()));
        m.by_addr.insert(key, (q.clone(), tick));
        q
    }

    /// How many addresses have a queue (tests check the bound).
    pub fn len(&self) -> usize {
        self.queues.lock().expect("penalty lock").by_addr.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Waits out the penalty for wrong credentials from `client`. Failures from one address queue
/// behind each other, so its parallel guesses are as slow as sequential ones.
pub async fn penalize_failure(st: &AppState, client: std::net::IpAddr) {
    let queue = st.auth_failures.queue(client);
    let _one_at_a_time = queue.lock().await;
    tokio::time::sleep(FAILURE_PENALTY).await;
}

/// The value of cookie `name`.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Who the request comes from, or 401. Does not check CSRF (see [`Principal::from_request_parts`]).
///
/// A wrong bearer token is penalized per `client` address. An unknown or expired session cookie is
/// not: session ids are 256-bit random values nobody can guess, and a stale cookie is the normal
/// state of a browser after a restart or 12 hours, which must go to sign-in at once.
pub async fn authenticate(
    st: &AppState,
    headers: &HeaderMap,
    client: std::net::IpAddr,
) -> Result<Principal, ApiError> {
    if let Some(auth) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let Some(given) = auth.strip_prefix("Bearer ") else {
            return Err(ApiError::Unauthorized(
                "use `Authorization: Bearer <token>`".into(),
            ));
        };
        if let Some(expected) = &st.config.security.admin_token
            && bool::from(given.as_bytes().ct_eq(expected.expose_secret().as_bytes()))
        {
            return Ok(Principal::Operator { via: Via::Bearer });
        }
        if given.starts_with(TOKEN_PREFIX) {
            if let Some(t) = st.db.api_token(given).await? {
                return Ok(Principal::Tenant {
                    app_id: t.app_id,
                    account_id: t.account_id,
                    via: Via::Bearer,
                });
            }
        }
        penalize_failure(st, client).await;
        return Err(ApiError::Unauthorized(
            "missing or wrong bearer token".into(),
        ));
    }
    if cookie(headers, SESSION_COOKIE).is_some() {
        return session_principal(st, headers).await;
    }
    if st.config.security.admin_token.is_none() {
        return Err(ApiError::Unauthorized(
            "no credentials; the operator token is not configured (security.admin_token)".into(),
        ));
    }
    Err(ApiError::Unauthorized(
        "no credentials: send `Authorization: Bearer <token>` or sign in to the console".into(),
    ))
}

/// The principal of the console session cookie, or 401 at once: a missing, stale or unknown cookie
/// is never penalized (session ids are 256-bit random values, and an old cookie is the normal state
/// of a browser after a restart). The console uses only this, never bearer tokens: browsers reach
/// it with the cookie, and a wrong bearer token there would need a client address to be penalized
/// per address.
pub async fn session_principal(st: &AppState, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let Some(id) = cookie(headers, SESSION_COOKIE) else {
        return Err(ApiError::Unauthorized("sign in to the console".into()));
    };
    match session(st, id).await? {
        Some(s) => Ok(Principal::from_grant(
            s.grant,
            Via::Session {
                csrf: s.csrf,
                user: s.user,
            },
        )),
        None => Err(ApiError::Unauthorized(
            "the session expired; sign in again".into(),
        )),
    }
}

pub async fn session(st: &AppState, id: &str) -> Result<Option<Session>, ApiError> {
    Ok(st
        .db
        .get_session(id, chrono::Utc::now().timestamp_millis())
        .await?)
}

/// Starts a console session and returns the `Set-Cookie` value.
pub async fn start_session(st: &AppState, grant: Grant, user: &str) -> Result<String, ApiError> {
    let id = crate::zoom::oauth::random_token();
    let now = chrono::Utc::now().timestamp_millis();
    let s = Session {
        grant,
        user: user.to_string(),
        csrf: crate::zoom::oauth::random_token(),
        created_at_ms: now,
        expires_at_ms: now + SESSION_TTL_MS,
    };
    st.db.put_session(&id, &s).await?;
    st.db.flush().await?;
    Ok(session_cookie(st, &id, SESSION_TTL_MS / 1000))
}

/// `Set-Cookie` for the session (`max_age_secs = 0` clears it).
pub fn session_cookie(st: &AppState, id: &str, max_age_secs: i64) -> String {
    format!(
        "{SESSION_COOKIE}={id}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{}",
        if st.config.server.public_url.starts_with("https://") {
            "; Secure"
        } else {
            ""
        }
    )
}

/// Constant-time comparison of a submitted CSRF token with the session's.
pub fn csrf_ok(principal: &Principal, submitted: Option<&str>) -> bool {
    match (principal.csrf(), submitted) {
        (None, _) => true, // bearer tokens: not sent by browsers on their own
        (Some(expected), Some(given)) => bool::from(given.as_bytes().ct_eq(expected.as_bytes())),
        (Some(_), None) => false,
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    /// Authenticates, and for a session-authenticated state-changing request (not GET/HEAD)
    /// requires the `X-CSRF-Token` header. Console form handlers, which carry the token in the
    /// form body instead, use [`authenticate`] and [`csrf_ok`] directly.
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let client = super::ClientAddr::from_request_parts(parts, st)
            .await
            .unwrap_or_else(|never| match never {});
        let p = authenticate(st, &parts.headers, client.0).await?;
        let safe = parts.method == Method::GET || parts.method == Method::HEAD;
        if !safe {
            let given = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            if !csrf_ok(&p, given) {
                return Err(ApiError::Forbidden(
                    "missing or wrong X-CSRF-Token for this session".into(),
                ));
            }
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    #[test]
    fn penalty_queues_are_per_address_and_bounded() {
        let p = Penalties::default();
        let a: IpAddr = "203.0.113.1".parse().unwrap();
        let b: IpAddr = "203.0.113.2".parse().unwrap();
        assert!(!std::sync::Arc::ptr_eq(&p.queue(a), &p.queue(b)));
        assert!(std::sync::Arc::ptr_eq(&p.queue(a), &p.queue(a)));
        // One host's /64 shares a queue.
        let v6a: IpAddr = "2001:db8::1".parse().unwrap();
        let v6b: IpAddr = "2001:db8::ffff:2".parse().unwrap();
        assert!(std::sync::Arc::ptr_eq(&p.queue(v6a), &p.queue(v6b)));
        for i in 0..(PENALTY_ADDRESSES as u32 + 100) {
            p.queue(IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i)));
        }
        assert_eq!(p.len(), PENALTY_ADDRESSES);
    }
}
