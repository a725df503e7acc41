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

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::{SendResult, Sender};
use crate::config::WebhooksConfig;
use crate::routing::{Channel, Target};
use crate::store::{Db, Job, Message, snippet};

mod protocol;

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
            .is_target_disabled(&job.app_id, &job.account_id, &job.target.key())
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
// SSRF guard.

pub use super::addresses::{embedded_v4, restricted_kind};

/// A refused destination address. Its message is what the organizer sees in the delivery log, so it
/// never names the address: a tenant could otherwise resolve internal DNS names through the relay.
/// The operator's log line ([`Blocked::log`]) has the address and its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "blocked: the address resolves to a private or reserved network, which webhooks may not reach; \
     the relay operator can allow it with webhooks.allow_cidrs"
)]
pub struct Blocked {
    pub ip: IpAddr,
    pub kind: &'static str,
}

impl Blocked {
    /// Records the refusal with the address for the operator (never shown to tenants).
    pub fn log(&self, host: &str) {
        tracing::warn!(
            host,
            ip = %self.ip,
            kind = self.kind,
            "webhook destination blocked by the SSRF guard"
        );
    }
}

/// Decides which addresses the relay may connect to.
#[derive(Debug, Clone, Default)]
pub struct AddressGuard {
    allow_private_networks: bool,
    allow_cidrs: Vec<Cidr>,
}

impl AddressGuard {
    pub fn new(allow_private_networks: bool, allow_cidrs: Vec<Cidr>) -> Self {
        AddressGuard {
            allow_private_networks,
            allow_cidrs,
        }
    }

    pub fn check(&self, ip: IpAddr) -> Result<(), Blocked> {
        let Some(kind) = restricted_kind(ip) else {
            return Ok(());
        };
        if self.allow_private_networks {
            return Ok(());
        }
        let mapped = match ip {
            IpAddr::V6(v6) => embedded_v4(v6).map(IpAddr::V4),
            IpAddr::V4(_) => None,
        };
        let allowed = self
            .allow_cidrs
            .iter()
            .any(|c| c.contains(ip) || mapped.is_some_and(|m| c.contains(m)));
        if allowed {
            Ok(())
        } else {
            Err(Blocked { ip, kind })
        }
    }
}

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

/// An address block for `webhooks.allow_cidrs`: `10.20.0.0/16`, `fd00::/8`, or a bare address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix as u32).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix as u32).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = String;

    /// Rejects host bits below the prefix (`10.0.0.5/8`): such a block is usually a typo.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("`{addr}` is not an IP address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`/{p}` is not a prefix length (0..={max})"))?,
        };
        let cidr = Cidr { addr, prefix };
        let network = cidr.network();
        if network != addr {
            return Err(format!(
                "`{s}` has bits set below the prefix; did you mean {network}/{prefix}?"
            ));
        }
        Ok(cidr)
    }
}

impl Cidr {
    fn network(&self) -> IpAddr {
        match self.addr {
            IpAddr::V4(a) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix as u32).unwrap_or(0);
                IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask))
            }
            IpAddr::V6(a) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix as u32).unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
            }
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_allows_by_flag_or_cidr_and_explains_refusals() {
        let ip: IpAddr = "10.0.0.5".parse().unwrap();
        let err = AddressGuard::new(false, vec![]).check(ip).unwrap_err();
        assert_eq!(err.kind, "a private address");
        assert!(!err.to_string().contains("10.0.0.5"), "{err}");
        assert!(err.to_string().contains("allow_cidrs"), "{err}");
        assert!(AddressGuard::new(true, vec![]).check(ip).is_ok());
        let cidrs = vec!["10.0.0.0/24".parse().unwrap(), "fd00::/8".parse().unwrap()];
        let g = AddressGuard::new(false, cidrs);
        assert!(g.check(ip).is_ok());
        assert!(g.check("::ffff:10.0.0.9".parse().unwrap()).is_ok());
        assert!(g.check("fd00::1".parse().unwrap()).is_ok());
        assert!(g.check("10.0.1.5".parse().unwrap()).is_err());
        assert!(g.check("127.0.0.1".parse().unwrap()).is_err());
        assert!(g.check("8.8.8.8".parse().unwrap()).is_ok());
    }

    #[test]
    fn cidr_parsing() {
        let c: Cidr = "192.168.0.0/16".parse().unwrap();
        assert!(c.contains("192.168.44.1".parse().unwrap()));
        assert!(!c.contains("192.169.0.1".parse().unwrap()));
        assert!(!c.contains("::1".parse().unwrap()));
        let one: Cidr = "10.1.2.3".parse().unwrap();
        assert_eq!(one.to_string(), "10.1.2.3/32");
        assert!(one.contains("10.1.2.3".parse().unwrap()));
        assert!(!one.contains("10.1.2.4".parse().unwrap()));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("1.2.3.4".parse().unwrap()));
        assert!(
            "10.0.0.5/8"
                .parse::<Cidr>()
                .unwrap_err()
                .contains("10.0.0.0/8")
        );
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("example.org/24".parse::<Cidr>().is_err());
        assert!("fd00::/7".parse::<Cidr>().is_err(), "host bits under /7");
    }
}
