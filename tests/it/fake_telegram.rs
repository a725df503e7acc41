//! FakeTelegram: a Bot API peer on loopback that speaks the real wire shape, records every call,
//! enforces Telegram's limits with real 429 bodies, and fails on cue per chat.
//!
//! Shapes follow core.telegram.org/bots/api and reference/anchors.md: `POST /bot{token}/{method}`
//! with a JSON body, method names matched case-insensitively (teloxide sends `SendMessage`),
//! answers `{"ok":true,"result":Message}` or `{"ok":false,"error_code":..,"description":..,
//! "parameters":{..}}`.
//!
//! Everything is kept per bot token, as Telegram keeps it per bot: the limits (a bot's 30/s and its
//! per-chat budget), the update queue of [`FakeTelegram::push_update_to`], getMe's id (the number
//! before the token's ':') and username ([`FakeTelegram::name_bot`]), and revocation
//! ([`FakeTelegram::revoke`]: 401 for every call with that token).
//!
//! For the bot it also answers getMe (`@fake_bot` unless named), setMyCommands, setWebhook, deleteWebhook,
//! getChatMember (status per chat and user, `member` unless told) and getUpdates from a queue the
//! test fills with real update JSON. Unlike Telegram, the queue never forgets confirmed updates: it
//! returns every update at or after the `offset` asked for, so a bot that lost its offset would
//! visibly get old updates again.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::helpers::{DEADLINE, STEP};

mod limits;

use limits::over_limit;
pub use limits::telegram_len;

/// Requests sent a second apart can arrive slightly closer; this much is forgiven.
const JITTER: Duration = Duration::from_millis(50);

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Call {
    pub token: String,
    /// Lowercased, e.g. `sendmessage`.
    pub method: String,
    pub chat_id: i64,
    pub text: String,
    pub parse_mode: Option<String>,
    pub message_thread_id: Option<i64>,
    pub link_preview_disabled: Option<bool>,
    pub disable_notification: Option<bool>,
    pub at: Instant,
    /// What the fake answered: 200, 400, 403 or 429.
    pub status: u16,
}

#[derive(Default)]
struct FakeState {
    calls: Vec<Call>,
    /// Accepted (not 429) sends per (bot token, chat), for the limits.
    per_chat: HashMap<(String, i64), Vec<Instant>>,
    /// Recent accepted sends per bot token.
    overall: HashMap<String, VecDeque<Instant>>,
    /// Tokens Telegram no longer accepts: 401 for every call.
    revoked: HashSet<String>,
    /// getMe usernames per token; `fake_bot` for the others.
    usernames: HashMap<String, String>,
    /// Updates pushed for one bot token only (see `push_update_to`); `updates` reach every bot.
    updates_for: Vec<(String, Value)>,
    kicked: HashSet<i64>,
    migrated: HashMap<i64, i64>,
    refuse_html: HashSet<i64>,
    throttle_once: HashMap<i64, u64>,
    next_message_id: i64,
    /// Every update ever pushed, in order.
    updates: Vec<Value>,
    next_update_id: i64,
    updates_pushed: Arc<tokio::sync::Notify>,
    /// getChatMember answers: (chat, user) -> status.
    members: HashMap<(i64, i64), String>,
    /// Every call other than sendMessage: (lowercased method, body, token).
    api_calls: Vec<(String, Value, String)>,
    /// Who called getUpdates, in order: the path segment before `/bot{token}` (see
    /// [`FakeTelegram::url_for`]), empty for the plain URL.
    pollers: Vec<String>,
    /// The same calls' tokens, in the same order.
    poller_tokens: Vec<String>,
}

pub struct FakeTelegram {
    pub addr: SocketAddr,
    state: Arc<Mutex<FakeState>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeTelegram {
    pub async fn start() -> FakeTelegram {
        Self::start_on(0).await
    }

    /// Starts on a given loopback port (0 picks one), e.g. where a relay already points while the
    /// peer was down.
    pub async fn start_on(port: u16) -> FakeTelegram {
        let state = Arc::new(Mutex::new(FakeState {
            next_message_id: 1,
            next_update_id: 1000,
            ..FakeState::default()
        }));
        let router = axum::Router::new()
            .fallback(handle)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        FakeTelegram { addr, state, task }
    }

    /// The `api_url` to configure.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The `api_url` for one of several relays sharing this fake: requests through it are told
    /// apart by `tag` (see [`FakeTelegram::pollers`]).
    pub fn url_for(&self, tag: &str) -> String {
        format!("http://{}/{tag}", self.addr)
    }

    /// The tag of every getUpdates call so far, in the order they arrived.
    pub fn pollers(&self) -> Vec<String> {
        self.state.lock().unwrap().pollers.clone()
    }

    /// The tag of every getUpdates call made with `token`, in order.
    pub fn pollers_of(&self, token: &str) -> Vec<String> {
        let s = self.state.lock().unwrap();
        s.pollers
            .iter()
            .zip(&s.poller_tokens)
            .filter(|(_, t)| *t == token)
            .map(|(tag, _)| tag.clone())
            .collect()
    }

    /// Telegram stops accepting `token` (revoked in @BotFather): 401 for every call with it.
    pub fn revoke(&self, token: &str) {
        self.state.lock().unwrap().revoked.insert(token.to_string());
    }

    /// getMe answers `@username` for `token`.
    pub fn name_bot(&self, token: &str, username: &str) {
        self.state
            .lock()
            .unwrap()
            .usernames
            .insert(token.to_string(), username.to_string());
    }

    /// Queues an update that only the bot with `token` receives; returns its id (assigned from
    /// the same sequence as [`FakeTelegram::push_update`]).
    pub fn push_update_to(&self, token: &str, mut update: Value) -> i64 {
        let mut s = self.state.lock().unwrap();
        let id = match update["update_id"].as_i64() {
            Some(id) => id,
            None => {
                let id = s.next_update_id;
                update["update_id"] = json!(id);
                id
            }
        };
        s.next_update_id = s.next_update_id.max(id + 1);
        s.updates_for.push((token.to_string(), update));
        s.updates_pushed.notify_waiters();
        id
    }

    /// Bodies of the calls to `method` (case-insensitive) made with `token`.
    pub fn api_calls_for(&self, token: &str, method: &str) -> Vec<Value> {
        let m = method.to_ascii_lowercase();
        self.state
            .lock()
            .unwrap()
            .api_calls
            .iter()
            .filter(|(name, _, t)| *name == m && t == token)
            .map(|(_, b, _)| b.clone())
            .collect()
    }

    /// Messages `chat` really received through the bot with `token`.
    pub fn delivered_via(&self, token: &str, chat: i64) -> Vec<Call> {
        self.delivered_to(chat)
            .into_iter()
            .filter(|c| c.token == token)
            .collect()
    }

    /// The bot was kicked from `chat`: 403 from now on.
    pub fn kick(&self, chat: i64) {
        self.state.lock().unwrap().kicked.insert(chat);
    }

    /// The bot was added to `chat` again: sends there succeed once more.
    pub fn unkick(&self, chat: i64) {
        self.state.lock().unwrap().kicked.remove(&chat);
    }

    /// `old` became supergroup `new`: every send to `old` answers with `migrate_to_chat_id`.
    pub fn migrate(&self, old: i64, new: i64) {
        self.state.lock().unwrap().migrated.insert(old, new);
    }

    /// Every HTML send to `chat` is refused with "can't parse entities"; plain text passes.
    pub fn refuse_html(&self, chat: i64) {
        self.state.lock().unwrap().refuse_html.insert(chat);
    }

    /// The next send to `chat` gets 429 with `retry_after = secs`.
    pub fn throttle_once(&self, chat: i64, secs: u64) {
        self.state.lock().unwrap().throttle_once.insert(chat, secs);
    }

    /// Queues an update for getUpdates; `update_id` is assigned when absent. Returns the id.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let mut s = self.state.lock().unwrap();
        let id = match update["update_id"].as_i64() {
            Some(id) => id,
            None => {
                let id = s.next_update_id;
                update["update_id"] = json!(id);
                id
            }
        };
        s.next_update_id = s.next_update_id.max(id + 1);
        s.updates.push(update);
        s.updates_pushed.notify_waiters();
        id
    }

    /// The update Telegram sends for `text` typed by user `user` in a private chat with the bot.
    pub fn private_message(user: i64, text: &str) -> Value {
        json!({"message": {
            "message_id": 1,
            "date": chrono::Utc::now().timestamp(),
            "from": {"id": user, "is_bot": false, "first_name": "Member", "language_code": "en"},
            "chat": {"id": user, "type": "private", "first_name": "Member"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": text.split(' ').next().unwrap_or("").len()}]
        }})
    }

    /// The update for `text` by user `user` in group `chat`; with `topic`, posted in that forum
    /// topic of a forum supergroup (`message_thread_id`, `is_topic_message`).
    pub fn group_message(chat: i64, user: i64, text: &str, topic: Option<i64>) -> Value {
        let mut chat_v = chat_json(chat);
        if topic.is_some() {
            chat_v["is_forum"] = json!(true);
        }
        let mut m = json!({
            "message_id": 2,
            "date": chrono::Utc::now().timestamp(),
            "from": {"id": user, "is_bot": false, "first_name": "Someone"},
            "chat": chat_v,
            "text": text,
        });
        if let Some(t) = topic {
            m["message_thread_id"] = json!(t);
            m["is_topic_message"] = json!(true);
        }
        json!({ "message": m })
    }

    /// What getChatMember answers for `user` in `chat`: creator, administrator, member, ...
    pub fn set_member_status(&self, chat: i64, user: i64, status: &str) {
        self.state
            .lock()
            .unwrap()
            .members
            .insert((chat, user), status.to_string());
    }

    /// Bodies of the calls to `method` (case-insensitive) other than sendMessage.
    pub fn api_calls(&self, method: &str) -> Vec<Value> {
        let m = method.to_ascii_lowercase();
        self.state
            .lock()
            .unwrap()
            .api_calls
            .iter()
            .filter(|(name, _, _)| *name == m)
            .map(|(_, b, _)| b.clone())
            .collect()
    }

    /// Polls until a message to `chat` containing `needle` was delivered, within [`DEADLINE`].
    pub async fn wait_text(&self, chat: i64, needle: &str) -> Call {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            if let Some(c) = self
                .delivered_to(chat)
                .into_iter()
                .find(|c| c.text.contains(needle))
            {
                return c;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no message containing {needle:?} reached chat {chat}; it got: {:#?}",
                self.delivered_to(chat)
                    .iter()
                    .map(|c| c.text.clone())
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(STEP).await;
        }
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    /// Calls to `chat`, in arrival order.
    pub fn calls_to(&self, chat: i64) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.chat_id == chat)
            .collect()
    }

    /// Messages `chat` really received (answered 200).
    pub fn delivered_to(&self, chat: i64) -> Vec<Call> {
        self.calls_to(chat)
            .into_iter()
            .filter(|c| c.status == 200)
            .collect()
    }

    pub fn count_429(&self) -> usize {
        self.calls().iter().filter(|c| c.status == 429).count()
    }

    /// Polls until `chat` received at least `n` messages, within [`DEADLINE`] (plus `extra`).
    pub async fn wait_delivered(&self, chat: i64, n: usize, extra: Duration) -> Vec<Call> {
        let deadline = tokio::time::Instant::now() + DEADLINE + extra;
        loop {
            let got = self.delivered_to(chat);
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "chat {chat} received {} of {n} messages; calls: {:#?}",
                got.len(),
                self.calls()
            );
            tokio::time::sleep(STEP).await;
        }
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The bot's methods; None for the others (getMe, sendMessage).
async fn bot_method(
    state: &Arc<Mutex<FakeState>>,
    tag: &str,
    token: &str,
    method: &str,
    body: &Bytes,
) -> Option<Response> {
    let req: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if method == "getupdates" {
        let mut s = state.lock().unwrap();
        s.pollers.push(tag.to_string());
        s.poller_tokens.push(token.to_string());
    }
    if matches!(
        method,
        "getupdates"
            | "getchatmember"
            | "getchat"
            | "setmycommands"
            | "setwebhook"
            | "deletewebhook"
    ) {
        state
            .lock()
            .unwrap()
            .api_calls
            .push((method.to_string(), req.clone(), token.to_string()));
    }
    let ok = |result: Value| Some(Json(json!({"ok": true, "result": result})).into_response());
    match method {
        "setmycommands" | "setwebhook" | "deletewebhook" => ok(json!(true)),
        // A private chat is the "Fake" user; a kicked or blocked chat answers 403 as Telegram does.
        "getchat" => {
            let id = req["chat_id"].as_i64()?;
            if state.lock().unwrap().kicked.contains(&id) {
                return Some(error(403, "Forbidden: bot was blocked by the user", None));
            }
            ok(chat_json(id))
        }
        "getchatmember" => {
            let (Some(chat), Some(user)) = (req["chat_id"].as_i64(), req["user_id"].as_i64())
            else {
                return Some(error(
                    400,
                    "Bad Request: chat_id and user_id are required",
                    None,
                ));
            };
            let status = state
                .lock()
                .unwrap()
                .members
                .get(&(chat, user))
                .cloned()
                .unwrap_or_else(|| "member".into());
            let mut m = json!({
                "status": status,
                "user": {"id": user, "is_bot": false, "first_name": "Someone"},
            });
            if status == "administrator" {
                for k in [
                    "can_be_edited",
                    "is_anonymous",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                ] {
                    m[k] = json!(k != "can_be_edited" && k != "is_anonymous");
                }
            }
            ok(m)
        }
        "getupdates" => {
            let offset = req["offset"].as_i64().unwrap_or(i64::MIN);
            let wait = Duration::from_secs(req["timeout"].as_u64().unwrap_or(0));
            let deadline = tokio::time::Instant::now() + wait;
            let notify = state.lock().unwrap().updates_pushed.clone();
            loop {
                let notified = notify.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                let ready: Vec<Value> = {
                    let s = state.lock().unwrap();
                    let mut all: Vec<Value> = s
                        .updates
                        .iter()
                        .chain(
                            s.updates_for
                                .iter()
                                .filter(|(t, _)| t == token)
                                .map(|(_, u)| u),
                        )
                        .filter(|u| u["update_id"].as_i64().unwrap_or(0) >= offset)
                        .cloned()
                        .collect();
                    all.sort_by_key(|u| u["update_id"].as_i64().unwrap_or(0));
                    all.truncate(100);
                    all
                };
                if !ready.is_empty() || tokio::time::Instant::now() >= deadline {
                    return ok(Value::Array(ready));
                }
                let _ = tokio::time::timeout_at(deadline, notified).await;
            }
        }
        _ => None,
    }
}

fn error(code: u16, description: &str, parameters: Option<Value>) -> Response {
    let mut body = json!({"ok": false, "error_code": code, "description": description});
    if let Some(p) = parameters {
        body["parameters"] = p;
    }
    (StatusCode::from_u16(code).expect("status"), Json(body)).into_response()
}

fn chat_json(id: i64) -> Value {
    if id > 0 {
        json!({"id": id, "type": "private", "first_name": "Fake"})
    } else if id < -1_000_000_000_000 {
        json!({"id": id, "type": "supergroup", "title": "Fake supergroup"})
    } else {
        json!({"id": id, "type": "group", "title": "Fake group"})
    }
}

async fn handle(
    State(state): State<Arc<Mutex<FakeState>>>,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    // A base URL with a path (`url_for`) gets an empty segment from clients that push onto it.
    let segs: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    let (tag, bot, method) = match segs.as_slice() {
        [bot, method] => ("", *bot, *method),
        [tag, bot, method] => (*tag, *bot, *method),
        _ => return error(404, "Not Found", None),
    };
    let Some(token) = bot.strip_prefix("bot") else {
        return error(404, "Not Found", None);
    };
    let method = method.to_ascii_lowercase();
    if state.lock().unwrap().revoked.contains(token) {
        return error(401, "Unauthorized", None);
    }
    if let Some(answer) = bot_method(&state, tag, token, &method, &body).await {
        return answer;
    }
    if method == "getme" {
        let id = token
            .split_once(':')
            .and_then(|(id, _)| id.parse::<i64>().ok())
            .unwrap_or(123);
        let name = state
            .lock()
            .unwrap()
            .usernames
            .get(token)
            .cloned()
            .unwrap_or_else(|| "fake_bot".into());
        return Json(json!({"ok": true, "result": {
            "id": id, "is_bot": true, "first_name": "Fake", "username": name
        }}))
        .into_response();
    }
    if method != "sendmessage" {
        return error(404, "Not Found: method not found", None);
    }
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return error(400, "Bad Request: the body is not JSON", None);
    };
    let Some(chat_id) = req["chat_id"].as_i64() else {
        return error(400, "Bad Request: chat_id is empty", None);
    };
    let text = req["text"].as_str().unwrap_or_default().to_string();
    let parse_mode = req["parse_mode"].as_str().map(str::to_string);
    let thread = req["message_thread_id"].as_i64();
    let now = Instant::now();

    let mut s = state.lock().unwrap();
    let mut call = Call {
        token: token.to_string(),
        method,
        chat_id,
        text: text.clone(),
        parse_mode: parse_mode.clone(),
        message_thread_id: thread,
        link_preview_disabled: req["link_preview_options"]["is_disabled"].as_bool(),
        disable_notification: req["disable_notification"].as_bool(),
        at: now,
        status: 429,
    };
    let throttled = s
        .throttle_once
        .remove(&chat_id)
        .map(Duration::from_secs)
        .or_else(|| over_limit(&s, token, chat_id, now));
    if let Some(wait) = throttled {
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        s.calls.push(call);
        return error(
            429,
            &format!("Too Many Requests: retry after {secs}"),
            Some(json!({"retry_after": secs})),
        );
    }
    s.per_chat
        .entry((token.to_string(), chat_id))
        .or_default()
        .push(now);
    let overall = s.overall.entry(token.to_string()).or_default();
    overall.push_back(now);
    while overall.len() > 64 {
        overall.pop_front();
    }

    let refusal = if s.kicked.contains(&chat_id) {
        Some((
            403,
            "Forbidden: bot was kicked from the group chat".to_string(),
            None,
        ))
    } else if let Some(new) = s.migrated.get(&chat_id) {
        Some((
            400,
            "Bad Request: group chat was upgraded to a supergroup chat".to_string(),
            Some(json!({"migrate_to_chat_id": new})),
        ))
    } else if s.refuse_html.contains(&chat_id) && parse_mode.is_some() {
        Some((
            400,
            "Bad Request: can't parse entities: Unsupported start tag \"br\" at byte offset 0"
                .to_string(),
            None,
        ))
    } else if text.trim().is_empty() {
        Some((400, "Bad Request: message text is empty".to_string(), None))
    } else if telegram_len(&text, parse_mode.is_some()) > 4096 {
        Some((400, "Bad Request: message is too long".to_string(), None))
    } else {
        None
    };
    if let Some((code, desc, params)) = refusal {
        call.status = code;
        s.calls.push(call);
        return error(code, &desc, params);
    }
    call.status = 200;
    s.calls.push(call);
    let id = s.next_message_id;
    s.next_message_id += 1;
    let mut message = json!({
        "message_id": id,
        "date": chrono::Utc::now().timestamp(),
        "chat": chat_json(chat_id),
        "from": {"id": 123, "is_bot": true, "first_name": "Fake", "username": "fake_bot"},
        "text": text,
    });
    if let Some(t) = thread {
        message["message_thread_id"] = json!(t);
        message["is_topic_message"] = json!(true);
    }
    Json(json!({"ok": true, "result": message})).into_response()
}
