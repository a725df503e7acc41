//! Bot codes: `codes create | list | revoke`, for the CLI and the admin API alike.
//!
//! A code is shown once, at creation; the store keeps only its SHA-256, and `list`/`revoke` name it
//! by the hash's first 12 hex digits. Subscribe codes are reusable until revoked; link and organizer
//! codes work once and expire (24 h unless `ttl` says otherwise).

use std::time::Duration;

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::{Ctx, ServiceError, of_tenant};
use crate::store::bot::{CodeKind, CodeRecord, code_id};
use crate::store::{OfTenant, TenantId};

/// How long link and organizer codes live unless `ttl` is given.
pub const DEFAULT_TTL_SECS: u64 = 24 * 3600;

/// Letters and digits without look-alikes (0/O, 1/l/I), so a code read aloud or typed survives.
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
/// 16 of 55 symbols: about 92 bits, far beyond guessing; deep-link payloads allow up to 64.
const CODE_LEN: usize = 16;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreateCode {
    pub kind: CodeKind,
    /// Required for subscribe and link codes; optional for organizer codes.
    pub route: Option<String>,
    #[serde(default)]
    pub app: Option<String>,
    /// Needed when several accounts have a route of that name, and for organizer codes without a
    /// route.
    #[serde(default)]
    pub account: Option<String>,
    /// Lifetime such as `24h` or `7d`; default 24 h for link and organizer codes, none for
    /// subscribe codes.
    #[serde(default)]
    pub ttl: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreatedCode {
    /// The code itself, shown this once.
    pub code: String,
    pub record: CodeRecord,
    /// `https://t.me/<bot>?start=<code>` (subscribe, organizer) or `?startgroup=` (link), when
    /// the bot's username is known.
    pub deep_link: Option<String>,
    /// Subscribe codes: the route's join page (`{public_url}/join/<code>`), one link to share where
    /// members choose Telegram or email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_url: Option<String>,
}

fn invalid(field: &str, message: impl Into<String>) -> ServiceError {
    ServiceError::invalid(field, message)
}

fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The additional data a sealed subscribe code is bound to: a sealed code copied into another
/// record does not open.
const SEAL_AAD: &[u8] = b"zoom-relay subscribe code v1";

fn seal_code(ctx: &Ctx, code: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(crate::crypto::seal(
        ctx.config.security.data_key.bytes(),
        SEAL_AAD,
        code.as_bytes(),
    ))
}

fn open_code(ctx: &Ctx, sealed: &str) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .ok()?;
    let plain = crate::crypto::open(ctx.config.security.data_key.bytes(), SEAL_AAD, &bytes).ok()?;
    String::from_utf8(plain).ok()
}

/// A route's join link, from one of its subscribe codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct JoinLink {
    /// The code's ID, as `codes list` shows it (to revoke it).
    pub id: String,
    /// `{public_url}/join/<code>`.
    pub url: String,
    pub created_at_ms: i64,
}

/// The join links of the tenant's route, newest first: every subscribe code that still works and
/// was made since codes keep their sealed copy.
pub async fn join_links(
    ctx: &Ctx,
    app: &str,
    account: &str,
    route: &str,
) -> Result<Vec<JoinLink>, ServiceError> {
    let now = chrono::Utc::now().timestamp_millis();
    let mut out: Vec<JoinLink> = ctx
        .db
        .list_codes(Some(&TenantId::new(app, account)))
        .await?
        .into_iter()
        .filter(|c| c.kind == CodeKind::Subscribe && c.route.as_deref() == Some(route))
        .filter(|c| !c.revoked && c.expires_at_ms.is_none_or(|e| e > now))
        .filter_map(|c| {
            let code = open_code(ctx, c.sealed_code.as_deref()?)?;
            Some(JoinLink {
                id: c.id,
                url: format!("{}/join/{code}", ctx.config.server.public_url),
                created_at_ms: c.created_at_ms,
            })
        })
        .collect();
    out.reverse();
    Ok(out)
}

pub fn deep_link(username: &str, kind: CodeKind, code: &str) -> String {
    let param = if kind == CodeKind::Link {
        "startgroup"
    } else {
        "start"
    };
    format!("https://t.me/{username}?{param}={code}")
}

/// Creates a code for a route (or, for organizers, a tenant) and returns it with its record.
///
/// Refused unless the bot answers commands (`[telegram]` with `bot_commands = true`): Telegram
/// configured for delivery alone redeems nothing, and a code nobody can redeem only misleads the
/// organizer who hands it out. The check lives here, not in a front end, so the API, the console
/// and the CLI cannot disagree about it.
pub async fn create(ctx: &Ctx, req: &CreateCode) -> Result<CreatedCode, ServiceError> {
    // A subscribe code also opens the route's join page, where members sign up by email: with
    // `[email]` configured it is useful without the bot.
    let email_join = req.kind == CodeKind::Subscribe && ctx.config.email.is_some();
    let ttl_secs = match &req.ttl {
        Some(t) => Some(
            parse_duration(t)
                .ok_or_else(|| invalid("ttl", format!("`{t}` is not a duration like 24h or 7d")))?
                .as_secs(),
        ),
        None => req.kind.single_use().then_some(DEFAULT_TTL_SECS),
    };
    let (app, account, route) = match (&req.route, req.kind) {
        (Some(name), _) => {
            let hits: Vec<_> = ctx
                .db
                .list_routes(None)
                .await?
                .into_iter()
                .filter(|r| r.name == *name)
                .filter(|r| req.app.as_ref().is_none_or(|a| *a == r.app_id))
                .filter(|r| req.account.as_ref().is_none_or(|a| *a == r.account_id))
                .collect();
            match hits.as_slice() {
                [r] => (r.app_id.clone(), r.account_id.clone(), Some(r.name.clone())),
                [] => {
                    return Err(ServiceError::NotFound(format!(
                        "no route named `{name}`{}; `routes list` shows them",
                        req.account
                            .as_ref()
                            .map(|a| format!(" for account {a}"))
                            .unwrap_or_default()
                    )));
                }
                _ => {
                    return Err(invalid(
                        "account",
                        format!("several accounts have a route named `{name}`; pass --account"),
                    ));
                }
            }
        }
        (None, CodeKind::Organizer) => match &req.account {
            Some(acc) => (
                req.app.clone().unwrap_or_else(|| "default".into()),
                acc.clone(),
                None,
            ),
            None => {
                return Err(invalid(
                    "account",
                    "an organizer code needs --account (or --route, whose account it then uses)",
                ));
            }
        },
        (None, kind) => {
            return Err(invalid(
                "route",
                format!("a {} code needs --route", kind.as_str()),
            ));
        }
    };
    // A community with its own bot redeems its codes there, shared bot or not.
    let own_bot = super::own_bots::active_username(ctx, &app, &account)
        .await?
        .is_some();
    if ctx.config.bot.is_none() && !email_join && !own_bot {
        return Err(invalid(
            "kind",
            "codes are redeemed through a Telegram bot: connect the community's own bot, or add a \
             [telegram] section with bot_token and bot_commands = true",
        ));
    }
    let now = chrono::Utc::now().timestamp_millis();
    loop {
        let code = new_code();
        let record = CodeRecord {
            id: code_id(&code),
            kind: req.kind,
            app_id: app.clone(),
            account_id: account.clone(),
            route: route.clone(),
            created_at_ms: now,
            expires_at_ms: ttl_secs.map(|s| now.saturating_add((s as i64).saturating_mul(1000))),
            used_at_ms: None,
            revoked: false,
            uses: 0,
            sealed_code: (req.kind == CodeKind::Subscribe).then(|| seal_code(ctx, &code)),
        };
        // A collision of 92-bit codes will not happen, but costs nothing to rule out.
        if ctx.db.put_code(&code, &record).await? {
            // Organizer codes go to the shared bot, which pushes notices.
            let bot = match req.kind {
                CodeKind::Organizer => ctx.db.bot_username().await?,
                _ => super::own_bots::link_username(ctx, &app, &account).await?,
            };
            let deep_link = bot.map(|u| deep_link(&u, req.kind, &code));
            ctx.durable().await?;
            let join_url = (req.kind == CodeKind::Subscribe)
                .then(|| format!("{}/join/{code}", ctx.config.server.public_url));
            return Ok(CreatedCode {
                code,
                record,
                deep_link,
                join_url,
            });
        }
    }
}

pub async fn list(
    ctx: &Ctx,
    app: Option<&str>,
    account: Option<&str>,
) -> Result<Vec<CodeRecord>, ServiceError> {
    Ok(of_tenant(ctx.db.list_codes(None).await?, app, account))
}

/// Revokes the code named `id` (its listed id, or a prefix of at least 6 hex digits).
pub async fn revoke(
    ctx: &Ctx,
    id: &str,
    app: Option<&str>,
    account: Option<&str>,
) -> Result<CodeRecord, ServiceError> {
    let id = id.trim().to_ascii_lowercase();
    if id.len() < 6 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(
            "id",
            "use the code's ID as `codes list` shows it (12 hex digits)",
        ));
    }
    let matching: Vec<CodeRecord> = list(ctx, app, account)
        .await?
        .into_iter()
        .filter(|c| c.id.starts_with(&id))
        .collect();
    match matching.as_slice() {
        [] => Err(ServiceError::NotFound(format!(
            "no code with ID {id}; `codes list` shows them"
        ))),
        [one] => {
            ctx.db.revoke_code(&one.id, Some(&one.tenant_id())).await?;
            ctx.durable().await?;
            let mut r = one.clone();
            r.revoked = true;
            Ok(r)
        }
        _ => Err(invalid(
            "id",
            format!("{id} matches several codes; give more digits"),
        )),
    }
}

/// Parses `90m`, `2h`, `1h30m`, `3d`, `1w` (units s, m, h, d, w; no spaces inside). Every number
/// needs a unit, and the total must be positive.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim().to_ascii_lowercase();
    if s.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        let n: u64 = num.parse().ok()?;
        num.clear();
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    if !num.is_empty() || total == 0 {
        return None;
    }
    Some(Duration::from_secs(total))
}
