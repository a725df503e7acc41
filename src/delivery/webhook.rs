//! The `webhook` destination: a signed JSON POST to the organizer's URL.
//!
//! Signing follows Standard Webhooks (DESIGN section 7): `webhook-id` is the job's idempotency key, so
//! a receiver can dedupe our at-least-once retries; `webhook-signature` is
//! `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")) with key = base64 of the `whsec_` secret.
//!
//! Outcomes follow the spec's status etiquette (reference/anchors.md, Standard Webhooks and Svix rows):
//! 2xx is sent; 410 disables the destination and tells the organizer; 429/503 with `Retry-After` wait
//! as told, clamped so a hostile value can neither stall nor hammer; other 429/5xx, timeouts and
//! connection errors retry on the schedule; 3xx (never followed) and other 4xx are dead.
//!
//! SSRF guard: a URL is organizer input, so the relay refuses to reach loopback, private, link-local
//! and similar addresses unless the operator allows them. The check runs inside the client's DNS
//! resolver, so the address checked is the address connected to (no rebinding between check and
//! connect); IP-literal URLs skip the resolver and are checked before sending.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sha2::Sha256;

use super::{SendResult, Sender};
use crate::config::WebhooksConfig;
use crate::routing::{Channel, Target};
use crate::store::{Job, Message, Store, snippet};

/// Sent on every request so receivers can tell who calls them.
pub const USER_AGENT: &str = concat!("zoom-relay/", env!("CARGO_PKG_VERSION"));

/// Bounds for a server's `Retry-After`: at least a second (no hammering), at most an hour (no stall).
const RETRY_AFTER_MIN: Duration = Duration::from_secs(1);
const RETRY_AFTER_MAX: Duration = Duration::from_secs(3600);

/// How much of a response body is kept for history.
const SNIPPET_BYTES: usize = 2048;

/// Delivers `Channel::Webhook` jobs. Holds one pooled client for all destinations.
pub struct WebhookSender {
    client: reqwest::Client,
    guard: AddressGuard,
    store: Store,
    timeout_secs: u64,
}

impl WebhookSender {
    /// Builds the shared client: `timeout_secs` per request, no redirects (a 3xx is a failure under
    /// Standard Webhooks), no proxy (a proxy would resolve the host itself, past the SSRF guard).
    /// The store is needed to disable a destination that answers 410.
    pub fn new(config: &WebhooksConfig, store: Store) -> Result<Self, reqwest::Error> {
        let guard = AddressGuard::new(config.allow_private_networks, config.allow_cidrs.clone());
        let timeout_secs = config.timeout_secs.max(1);
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(Duration::from_secs(timeout_secs))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver {
                guard: guard.clone(),
            }))
            .build()?;
        Ok(WebhookSender {
            client,
            guard,
            store,
            timeout_secs,
        })
    }

    /// A 410 means the receiver is gone for good: stop dispatching to it and tell the organizer.
    fn disable_gone(&self, job: &Job, url: &str, reason: &str) {
        super::disable_with_notice(
            &self.store,
            job,
            &job.target.key(),
            reason,
            "webhook_gone",
            &format!(
                "{url} answered 410 Gone; the destination is disabled. Fix the receiver and re-enable it."
            ),
        );
    }
}

impl Sender for WebhookSender {
    fn channel(&self) -> Channel {
        Channel::Webhook
    }

    async fn send(&self, job: &Job) -> SendResult {
        let (Target::Webhook { url, secret }, Message::Webhook { json }) =
            (&job.target, &job.message)
        else {
            return dead(
                None,
                "not a webhook job (target or message of another channel)",
            );
        };
        // Jobs queued before a 410 would hit the gone receiver again.
        match self
            .store
            .is_target_disabled(&job.app_id, &job.account_id, &job.target.key())
        {
            Ok(true) => return dead(None, "skipped: the destination is disabled; re-enable it"),
            Ok(false) => {}
            Err(e) => {
                return SendResult::Retry {
                    status: None,
                    detail: format!("store error: {e}"),
                    after: None,
                };
            }
        }
        let parsed = match reqwest::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => u,
            _ => return dead(None, &format!("`{url}` is not an http(s) URL")),
        };
        // IP literals never reach the resolver, so they are checked here.
        // The URL parser has already normalized IPv4 forms such as `0x7f.1`; IPv6 comes bracketed.
        let Some(host) = parsed.host_str() else {
            return dead(None, &format!("`{url}` has no host"));
        };
        let literal = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>();
        if let Ok(ip) = literal
            && let Err(b) = self.guard.check(ip)
        {
            b.log(host);
            return dead(None, &b.to_string());
        }

        let timestamp = chrono::Utc::now().timestamp();
        let signature = match sign(secret, &job.idempotency_key, timestamp, json.as_bytes()) {
            Ok(s) => s,
            Err(e) => return dead(None, &e.to_string()),
        };
        let sent = self
            .client
            .post(parsed)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &job.idempotency_key)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(json.clone())
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => return self.classify_error(&e),
        };
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
        let body = read_snippet(resp).await;
        let result = classify(status, retry_after, &body);
        if status == reqwest::StatusCode::GONE
            && let SendResult::Dead { detail, .. } = &result
        {
            self.disable_gone(job, url, detail);
        }
        result
    }
}

impl WebhookSender {
    fn classify_error(&self, e: &reqwest::Error) -> SendResult {
        if let Some(b) = find_source::<Blocked>(e) {
            // The resolver logged the host and address already.
            return dead(None, &b.to_string());
        }
        let detail = if e.is_timeout() {
            format!("timed out after {} s", self.timeout_secs)
        } else {
            error_chain(e)
        };
        SendResult::Retry {
            status: None,
            detail,
            after: None,
        }
    }
}

fn dead(status: Option<u16>, detail: &str) -> SendResult {
    SendResult::dead(status, detail)
}

/// Maps a response to an outcome. `retry_after` is the server's parsed `Retry-After`, unclamped.
fn classify(status: reqwest::StatusCode, retry_after: Option<Duration>, body: &str) -> SendResult {
    let code = status.as_u16();
    let head = match status.canonical_reason() {
        Some(r) => format!("HTTP {code} {r}"),
        None => format!("HTTP {code}"),
    };
    let with_body = |prefix: String| {
        if body.is_empty() {
            prefix
        } else {
            format!("{prefix}: {body}")
        }
    };
    match code {
        200..=299 => SendResult::Sent {
            status: Some(code),
            detail: with_body(head),
        },
        410 => SendResult::Dead {
            status: Some(code),
            detail: with_body(format!("{head}; the destination is disabled")),
        },
        429 | 503 if retry_after.is_some() => SendResult::Retry {
            status: Some(code),
            detail: with_body(head),
            after: retry_after.map(|d| d.clamp(RETRY_AFTER_MIN, RETRY_AFTER_MAX)),
        },
        429 | 500..=599 => SendResult::Retry {
            status: Some(code),
            detail: with_body(head),
            after: None,
        },
        300..=399 => SendResult::Dead {
            status: Some(code),
            detail: with_body(format!(
                "{head} (redirects are not followed; point the destination at the final URL)"
            )),
        },
        _ => SendResult::Dead {
            status: Some(code),
            detail: with_body(head),
        },
    }
}

/// Reads at most about [`SNIPPET_BYTES`] of the body: history needs a snippet, and a hostile
/// receiver must not make us buffer megabytes. A read error just ends the snippet.
async fn read_snippet(mut resp: reqwest::Response) -> String {
    let mut buf = Vec::new();
    while buf.len() < SNIPPET_BYTES {
        match resp.chunk().await {
            Ok(Some(c)) => buf.extend_from_slice(&c),
            _ => break,
        }
    }
    snippet(String::from_utf8_lossy(&buf).trim())
}

fn find_source<'a, T: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(t) = err.downcast_ref::<T>() {
            return Some(t);
        }
        cur = err.source();
    }
    None
}

/// "error sending request" alone says nothing; the causes (refused, reset, TLS) do.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(err) = cur {
        let s = err.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = err.source();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Signing.

/// The destination's secret is not `whsec_` + base64; routes are validated, so this means a store
/// written by hand or by an older version.
#[derive(Debug, thiserror::Error)]
#[error("the destination secret is not `whsec_` followed by base64; set a new secret on the route")]
pub struct BadSecret;

/// `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), key = base64-decoded secret after
/// `whsec_` (Standard Webhooks). The prefix is optional, as in the reference libraries.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, BadSecret> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = b64
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|_| BadSecret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| BadSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!("v1,{}", b64.encode(mac.finalize().into_bytes())))
}

// ---------------------------------------------------------------------------------------------
// Retry-After.

/// Parses `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 section 10.2.3; IMF-fixdate and
/// the two obsolete forms). A date in the past is a zero wait. The caller clamps.
pub fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long digit strings overflow u64; they mean "very long", which clamps to the max.
        return Some(Duration::from_secs(v.parse().unwrap_or(u64::MAX)));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v)
        .map(|d| d.with_timezone(&chrono::Utc))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(v, "%A, %d-%b-%y %H:%M:%S GMT")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(v, "%a %b %e %H:%M:%S %Y"))
                .map(|n| n.and_utc())
        })
        .ok()?;
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

// ---------------------------------------------------------------------------------------------
// SSRF guard.

pub use crate::net::{AddressGuard, Blocked, Cidr, embedded_v4, restricted_kind};

/// Resolves with the system resolver, then drops refused addresses, so the connector only ever sees
/// addresses that passed the guard.
struct GuardedResolver {
    guard: AddressGuard,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.guard.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = None;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| match guard.check(a.ip()) {
                    Ok(()) => true,
                    Err(b) => {
                        b.log(&host);
                        refused.get_or_insert(b);
                        false
                    }
                })
                .collect();
            if allowed.is_empty() {
                return Err(match refused {
                    Some(b) => Box::new(b) as Box<dyn std::error::Error + Send + Sync>,
                    None => format!("{host} resolved to no address").into(),
                });
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks conformance vector (standard-webhooks spec and reference libraries).
    #[test]
    fn signature_matches_the_standard_webhooks_vector() {
        let sig = sign(
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1649367553,
            br#"{"email":"test@example.com","username":"test_user"}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
    }

    #[test]
    fn signature_changes_with_each_signed_part() {
        let s = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        let base = sign(s, "id", 1, b"{}").unwrap();
        assert_ne!(base, sign(s, "id2", 1, b"{}").unwrap());
        assert_ne!(base, sign(s, "id", 2, b"{}").unwrap());
        assert_ne!(base, sign(s, "id", 1, b"{ }").unwrap());
        assert!(sign("whsec_not base64!", "id", 1, b"{}").is_err());
    }

    #[test]
    fn retry_after_parses_seconds_and_http_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let cases: &[(&str, Option<u64>)] = &[
            ("1", Some(1)),
            (" 120 ", Some(120)),
            ("0", Some(0)),
            ("99999999999999999999999", Some(u64::MAX)),
            ("Wed, 21 Oct 2015 07:28:30 GMT", Some(30)),
            ("Wednesday, 21-Oct-15 07:29:00 GMT", Some(60)),
            ("Wed Oct 21 07:28:05 2015", Some(5)),
            ("Wed, 21 Oct 2015 07:00:00 GMT", Some(0)),
            ("-5", None),
            ("1.5", None),
            ("soon", None),
            ("", None),
        ];
        for (v, want) in cases {
            let got = parse_retry_after(v, now).map(|d| d.as_secs());
            assert_eq!(got, *want, "{v:?}");
        }
    }

    #[test]
    fn classification_follows_the_status_etiquette() {
        use reqwest::StatusCode as S;
        let is = |r: &SendResult| match r {
            SendResult::Sent { .. } => "sent",
            SendResult::Retry { .. } => "retry",
            SendResult::Dead { .. } => "dead",
            SendResult::Defer { .. } => "defer",
        };
        for (code, want) in [
            (200, "sent"),
            (204, "sent"),
            (301, "dead"),
            (302, "dead"),
            (400, "dead"),
            (404, "dead"),
            (410, "dead"),
            (429, "retry"),
            (500, "retry"),
            (502, "retry"),
            (503, "retry"),
        ] {
            let r = classify(S::from_u16(code).unwrap(), None, "");
            assert_eq!(is(&r), want, "{code}");
        }
        // Retry-After is clamped to [1 s, 1 h] and only honoured on 429 and 503.
        let after = |code, secs| match classify(
            S::from_u16(code).unwrap(),
            Some(Duration::from_secs(secs)),
            "",
        ) {
            SendResult::Retry { after, .. } => after,
            other => panic!("{other:?}"),
        };
        assert_eq!(after(429, 0), Some(Duration::from_secs(1)));
        assert_eq!(after(429, 30), Some(Duration::from_secs(30)));
        assert_eq!(after(503, 86_400 * 365), Some(Duration::from_secs(3600)));
        assert_eq!(after(500, 30), None);
        let SendResult::Dead { status, detail } = classify(S::NOT_FOUND, None, "no such hook")
        else {
            panic!()
        };
        assert_eq!(status, Some(404));
        assert_eq!(detail, "HTTP 404 Not Found: no such hook");
    }
}
