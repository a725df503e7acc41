//! The fake Bot API the Telegram scenarios run against, adapted from the integration tests'
//! FakeTelegram: it enforces 30/s overall, 1/s per chat and 20/min per group (negative ids) and
//! answers 429 with `retry_after` when a send exceeds them, forgiving 50 ms of jitter as the
//! tests' fake does. Limits are per bot token, as Telegram keeps them: the shared bot's token and
//! the communities' own bots of `telegram_fanout_bots` each have their own 30/s.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{BOT_TOKEN, POLL, bots::OWN_TOKENS};

/// Telegram's overall limit, the bound of the fan-out.
pub(super) const OVERALL_PER_SEC: usize = 30;
const CHAT_INTERVAL: Duration = Duration::from_secs(1);
const GROUP_PER_MIN: usize = 20;
/// Sends a limit's length apart can arrive slightly closer; this much is forgiven (as in the
/// tests' fake).
const JITTER: Duration = Duration::from_millis(50);

#[derive(Default)]
pub(super) struct FakeState {
    /// Accepted `sendMessage` calls: (chat, arrival), in arrival order.
    pub(super) accepted: Vec<(i64, Instant)>,
    /// Accepted `sendMessage` calls per bot token.
    pub(super) accepted_by: HashMap<String, usize>,
    pub(super) throttled: usize,
    /// Answers other than 200 and 429 (bad token, bad body, unknown method).
    pub(super) refused: usize,
    /// Per (bot token, chat).
    pub(super) per_chat: HashMap<(String, i64), Vec<Instant>>,
    /// Per bot token.
    pub(super) overall: HashMap<String, VecDeque<Instant>>,
    pub(super) next_message_id: i64,
}

pub struct FakeTelegram {
    addr: SocketAddr,
    state: Arc<Mutex<FakeState>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeTelegram {
    pub(super) async fn start() -> anyhow::Result<FakeTelegram> {
        let state = Arc::new(Mutex::new(FakeState {
            next_message_id: 1,
            ..FakeState::default()
        }));
        let router = axum::Router::new()
            .fallback(handle)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the fake Telegram")?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(FakeTelegram { addr, state, task })
    }

    pub(super) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(super) fn with<R>(&self, f: impl FnOnce(&FakeState) -> R) -> R {
        f(&self.state.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Polls until `done` holds or `deadline` passes; whether it held.
    pub(super) async fn wait_for(
        &self,
        deadline: Instant,
        done: impl Fn(&FakeState) -> bool,
    ) -> bool {
        loop {
            if self.with(&done) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn error(code: u16, description: &str, parameters: Option<Value>) -> Response {
    let mut body = json!({"ok": false, "error_code": code, "description": description});
    if let Some(p) = parameters {
        body["parameters"] = p;
    }
    (StatusCode::from_u16(code).expect("status"), Json(body)).into_response()
}

/// The wait Telegram would ask for, or None when the send is within the limits.
fn over_limit(s: &FakeState, token: &str, chat: i64, now: Instant) -> Option<Duration> {
    let mut wait = Duration::ZERO;
    if let Some(sent) = s.per_chat.get(&(token.to_string(), chat)) {
        if let Some(last) = sent.last() {
            let gap = now.duration_since(*last) + JITTER;
            if gap < CHAT_INTERVAL {
                wait = wait.max(CHAT_INTERVAL - gap);
            }
        }
        if chat < 0 {
            let in_minute: Vec<&Instant> = sent
                .iter()
                .filter(|t| now.duration_since(**t) < Duration::from_secs(60))
                .collect();
            if in_minute.len() >= GROUP_PER_MIN {
                wait = wait.max(Duration::from_secs(60) - now.duration_since(*in_minute[0]));
            }
        }
    }
    let in_second: Vec<&Instant> = s
        .overall
        .get(token)
        .into_iter()
        .flatten()
        .filter(|t| now.duration_since(**t) + JITTER < Duration::from_secs(1))
        .collect();
    if in_second.len() >= OVERALL_PER_SEC {
        wait = wait.max(Duration::from_secs(1) - now.duration_since(*in_second[0]));
    }
    (!wait.is_zero()).then_some(wait)
}

fn chat_json(id: i64) -> Value {
    if id > 0 {
        json!({"id": id, "type": "private", "first_name": "Fake"})
    } else {
        json!({"id": id, "type": "supergroup", "title": "Fake supergroup"})
    }
}

async fn handle(
    State(state): State<Arc<Mutex<FakeState>>>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let now = Instant::now();
    let segs: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let [bot, method] = segs.as_slice() else {
        s.refused += 1;
        return error(404, "Not Found", None);
    };
    let token = bot.strip_prefix("bot").unwrap_or_default().to_string();
    if token != BOT_TOKEN && !OWN_TOKENS.contains(&token.as_str()) {
        s.refused += 1;
        return error(401, "Unauthorized", None);
    }
    let method = method.to_ascii_lowercase();
    let id = token
        .split_once(':')
        .and_then(|(id, _)| id.parse::<i64>().ok())
        .unwrap_or(0);
    match method.as_str() {
        "getme" => {
            return Json(json!({"ok": true, "result": {
                "id": id, "is_bot": true, "first_name": "Fake", "username": format!("bench_{id}_bot")
            }}))
            .into_response();
        }
        "setmycommands" | "deletewebhook" | "setwebhook" => {
            return Json(json!({"ok": true, "result": true})).into_response();
        }
        "getupdates" => {
            // A long poll with nothing to say: wait as asked (without the lock), then no updates.
            drop(s);
            let wait = serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|v| v["timeout"].as_u64())
                .unwrap_or(0);
            tokio::time::sleep(Duration::from_secs(wait.min(50))).await;
            return Json(json!({"ok": true, "result": []})).into_response();
        }
        _ => {}
    }
    if method != "sendmessage" {
        s.refused += 1;
        return error(404, "Not Found: method not found", None);
    }
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        s.refused += 1;
        return error(400, "Bad Request: the body is not JSON", None);
    };
    let Some(chat_id) = req["chat_id"].as_i64() else {
        s.refused += 1;
        return error(400, "Bad Request: chat_id is empty", None);
    };
    let text = req["text"].as_str().unwrap_or_default().to_string();
    if text.trim().is_empty() {
        s.refused += 1;
        return error(400, "Bad Request: message text is empty", None);
    }
    if let Some(wait) = over_limit(&s, &token, chat_id, now) {
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        s.throttled += 1;
        return error(
            429,
            &format!("Too Many Requests: retry after {secs}"),
            Some(json!({"retry_after": secs})),
        );
    }
    s.per_chat
        .entry((token.clone(), chat_id))
        .or_default()
        .push(now);
    let overall = s.overall.entry(token.clone()).or_default();
    overall.push_back(now);
    while overall.len() > 64 {
        overall.pop_front();
    }
    s.accepted.push((chat_id, now));
    *s.accepted_by.entry(token).or_default() += 1;
    let id = s.next_message_id;
    s.next_message_id += 1;
    drop(s);
    Json(json!({"ok": true, "result": {
        "message_id": id,
        "date": chrono::Utc::now().timestamp(),
        "chat": chat_json(chat_id),
        "from": {"id": 123, "is_bot": true, "first_name": "Fake", "username": "fake_bot"},
        "text": text,
    }}))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_limits_overall_and_per_chat() {
        let mut s = FakeState::default();
        let t0 = Instant::now();
        let t = BOT_TOKEN;
        for c in 1..=30 {
            assert!(over_limit(&s, t, c, t0).is_none());
            s.overall.entry(t.into()).or_default().push_back(t0);
            s.per_chat.entry((t.into(), c)).or_default().push(t0);
        }
        assert!(over_limit(&s, t, 31, t0 + Duration::from_millis(100)).is_some());
        assert!(over_limit(&s, t, 1, t0 + Duration::from_millis(500)).is_some());
        assert!(over_limit(&s, t, 31, t0 + Duration::from_millis(1000)).is_none());
        // Another bot has a budget of its own.
        assert!(over_limit(&s, OWN_TOKENS[0], 31, t0 + Duration::from_millis(100)).is_none());
    }
}
