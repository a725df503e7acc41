//! A webhook receiver on loopback for the crash and cluster tests: it records every request on
//! arrival (path, `webhook-id`, meeting uuid, whether the Standard Webhooks signature verifies,
//! when it came), then answers 200 after a delay, so that deliveries can be in flight when a relay
//! is killed.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use serde_json::Value;
use tokio::time::Instant;

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

struct Shared {
    secret: &'static str,
    delay: Duration,
    seen: Mutex<Vec<Hook>>,
}

pub struct HookReceiver {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl HookReceiver {
    /// Listens on 127.0.0.1:0; signatures are checked with `secret` (a `whsec_` secret) and each
    /// answer waits `delay`.
    pub async fn start(secret: &'static str, delay: Duration) -> HookReceiver {
        let shared = Arc::new(Shared {
            secret,
            delay,
            seen: Mutex::default(),
        });
        let router = axum::Router::new()
            .fallback(receive)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        HookReceiver { addr, shared, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Every request so far, in arrival order.
    pub fn deliveries(&self) -> Vec<Hook> {
        self.shared.seen.lock().unwrap().clone()
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

impl Drop for HookReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let at = Instant::now();
    let signed = standardwebhooks::Webhook::new(shared.secret)
        .expect("secret")
        .verify(&body, &headers)
        .is_ok();
    let webhook_id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let uuid = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["data"]["meeting"]["uuid"].as_str().map(str::to_string))
        .unwrap_or_else(|| format!("<unparsable: {}>", String::from_utf8_lossy(&body)));
    shared.seen.lock().unwrap().push(Hook {
        path: uri.path().to_string(),
        webhook_id,
        uuid,
        signed,
        at,
    });
    tokio::time::sleep(shared.delay).await;
    StatusCode::OK
}

/// A route document: one route named `name` that sends every `meeting.started` of `account` to a
/// webhook at each of `urls`, signed with `secret`.
pub fn webhook_routes(name: &str, account: &str, urls: &[String], secret: &str) -> String {
    let mut doc = format!(
        "[[routes]]\nname = \"{name}\"\napp_id = \"default\"\naccount_id = \"{account}\"\nevents = [\"meeting.started\"]\n"
    );
    for url in urls {
        doc.push_str(&format!(
            "  [[routes.destinations]]\n  kind = \"webhook\"\n  url = \"{url}\"\n  secret = \"{secret}\"\n"
        ));
    }
    doc
}
