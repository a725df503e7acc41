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

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::{SendResult, Sender};
use crate::config::WebhooksConfig;
use crate::routing::{Channel, Target};
use crate::store::{Db, Job, Message};
use crate::text::{error_chain, snippet};

mod protocol;

use crate::store::OfTenant;
use protocol::classify;
pub use protocol::{BadSecret, parse_retry_after, sign};

/// Sent on every request so receivers can tell who calls them.
pub const USER_AGENT: &str = concat!("zoom-relay/", env!("CARGO_PKG_VERSION"));

/// How much of a response body is kept for history.
const SNIPPET_BYTES: usize = 2048;

/// Delivers `Channel::Webhook` jobs. Holds one pooled client for all destinations.
pub struct WebhookSender {
    client: reqwest::Client,
    guard: AddressGuard,
    db: Db,
    timeout_secs: u64,
}

impl WebhookSender {
    /// Builds the shared client: `timeout_secs` per request, no redirects (a 3xx is a failure under
    /// Standard Webhooks), no proxy (a proxy would resolve the host itself, past the SSRF guard).
    /// The store is needed to disable a destination that answers 410.
    pub fn new(config: &WebhooksConfig, db: Db) -> Result<Self, reqwest::Error> {
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
            db,
            timeout_secs,
        })
    }

    /// A 410 means the receiver is gone for good: stop dispatching to it and tell the organizer.
    async fn disable_gone(&self, job: &Job, url: &str, reason: &str) {
        super::disable_with_notice(
            &*self.db,
            job,
            &job.target.key(),
            reason,
            "webhook_gone",
            &format!(
                "{url} answered 410 Gone; the destination is disabled. Fix the receiver and re-enable it."
            ),
        )
        .await;
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
            .db
            .is_target_disabled(&job.tenant_id(), &job.target.key())
            .await
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
            self.disable_gone(job, url, detail).await;
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
