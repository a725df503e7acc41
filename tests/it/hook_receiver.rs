//! The crash and cluster tests' view of the webhook receiver ([`WebhookReceiver`]): each request
//! as the meeting uuid it notifies, its `webhook-id`, whether its Standard Webhooks signature
//! verifies, and when it came; answered 200 after a delay, so that deliveries can be in flight when
//! a relay is killed.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use crate::webhook::WebhookReceiver;

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Hook {
    pub path: String,
    pub webhook_id: String,
    /// `data.meeting.uuid` of the notification, or `<unparsable: …>`.
    pub uuid: String,
    /// The Standard Webhooks signature verified against the receiver's secret.
    pub signed: bool,
    pub at: Instant,
}

pub struct HookReceiver {
    pub addr: SocketAddr,
    inner: WebhookReceiver,
    secret: &'static str,
}

impl HookReceiver {
    /// Listens on 127.0.0.1:0; signatures are checked with `secret` (a `whsec_` secret) and each
    /// answer waits `delay`.
    pub async fn start(secret: &'static str, delay: Duration) -> HookReceiver {
        let inner = WebhookReceiver::start().await;
        if !delay.is_zero() {
            inner.set_delay(delay);
        }
        HookReceiver {
            addr: inner.addr,
            inner,
            secret,
        }
    }

    pub fn url(&self, path: &str) -> String {
        self.inner.url(path)
    }

    /// Every request so far, in arrival order.
    pub fn deliveries(&self) -> Vec<Hook> {
        let verifier = standardwebhooks::Webhook::new(self.secret).expect("secret");
        self.inner
            .requests()
            .into_iter()
            .map(|r| Hook {
                signed: verifier.verify(&r.body, &r.headers).is_ok(),
                webhook_id: r
                    .headers
                    .get("webhook-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string(),
                uuid: serde_json::from_slice::<Value>(&r.body)
                    .ok()
                    .and_then(|v| v["data"]["meeting"]["uuid"].as_str().map(str::to_string))
                    .unwrap_or_else(|| {
                        format!("<unparsable: {}>", String::from_utf8_lossy(&r.body))
                    }),
                path: r.path,
                at: r.at,
            })
            .collect()
    }

    /// The meeting uuids notified so far.
    pub fn uuids(&self) -> BTreeSet<String> {
        self.deliveries().into_iter().map(|d| d.uuid).collect()
    }

    /// Per meeting uuid, the instants its notifications arrived.
    pub fn by_uuid(&self) -> BTreeMap<String, Vec<Instant>> {
        let mut m: BTreeMap<String, Vec<Instant>> = BTreeMap::new();
        for d in self.deliveries() {
            m.entry(d.uuid).or_default().push(d.at);
        }
        m
    }
}
