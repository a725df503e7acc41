//! The few Bot API calls the bot makes itself (everything it *sends* goes through the outbox and
//! `delivery/telegram.rs`).
//!
//! Plain JSON over reqwest rather than teloxide's typed requests: getUpdates must hand back every
//! update's `update_id` even when the rest of an update does not decode (a new Telegram field, a
//! message kind teloxide does not know), or one odd update would stall the offset forever. The same
//! leniency suits getChatMember, where only `status` matters.
//!
//! Requests go to `{api_url}/bot{token}/{method}` (core.telegram.org/bots/api#making-requests); the
//! token is in the path, so error texts drop the URL and are scrubbed before anyone sees them.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

/// A failed call, with the token already removed from every text.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("Telegram answered {code}: {description}")]
    Telegram { code: u16, description: String },
    #[error("Telegram did not answer: {0}")]
    Network(String),
}

pub struct BotApi {
    client: reqwest::Client,
    api_url: String,
    token: SecretString,
}

impl std::fmt::Debug for BotApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotApi")
            .field("api_url", &self.api_url)
            .finish_non_exhaustive()
    }
}

/// Answers that are not long polls.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

impl BotApi {
    pub fn new(api_url: &str, token: SecretString) -> anyhow::Result<BotApi> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(BotApi {
            client,
            api_url: api_url.trim_end_matches('/').to_string(),
            token,
        })
    }

    fn scrub(&self, text: &str) -> String {
        let t = self.token.expose_secret();
        if t.is_empty() {
            text.to_string()
        } else {
            text.replace(t, "<bot-token>")
        }
    }

    async fn call(&self, method: &str, body: Value, timeout: Duration) -> Result<Value, ApiError> {
        let url = format!(
            "{}/bot{}/{method}",
            self.api_url,
            self.token.expose_secret()
        );
        let resp = self
            .client
            .post(url)
            .json(&body)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| ApiError::Network(self.scrub(&e.without_url().to_string())))?;
        let status = resp.status().as_u16();
        let v: Value = resp
            .json()
            .await
            .map_err(|e| ApiError::Network(self.scrub(&e.without_url().to_string())))?;
        if v["ok"].as_bool() == Some(true) {
            return Ok(v["result"].clone());
        }
        Err(ApiError::Telegram {
            code: v["error_code"].as_u64().map(|c| c as u16).unwrap_or(status),
            description: self.scrub(v["description"].as_str().unwrap_or("no description")),
        })
    }

    /// The bot's Telegram id and @username, as getMe reports them.
    pub async fn get_me_full(&self) -> Result<(i64, String), ApiError> {
        let me = self.call("getMe", json!({}), CALL_TIMEOUT).await?;
        match (me["id"].as_i64(), me["username"].as_str()) {
            (Some(id), Some(name)) => Ok((id, name.to_string())),
            _ => Err(ApiError::Network("getMe returned no id or username".into())),
        }
    }

    /// The bot's @username, for deep links and for recognising `/cmd@username`.
    pub async fn get_me(&self) -> Result<String, ApiError> {
        let me = self.call("getMe", json!({}), CALL_TIMEOUT).await?;
        me["username"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| ApiError::Network("getMe returned no username".into()))
    }

    /// Long-polls for updates after `offset`, waiting up to `timeout_secs` for one to arrive.
    /// Only messages are asked for: commands are all the bot reads.
    pub async fn get_updates(
        &self,
        offset: Option<i64>,
        timeout_secs: u64,
    ) -> Result<Vec<Value>, ApiError> {
        let mut body = json!({"timeout": timeout_secs, "allowed_updates": ["message"]});
        if let Some(o) = offset {
            body["offset"] = json!(o);
        }
        let res = self
            .call(
                "getUpdates",
                body,
                Duration::from_secs(timeout_secs) + CALL_TIMEOUT,
            )
            .await?;
        Ok(res.as_array().cloned().unwrap_or_default())
    }

    /// The chat as Telegram describes it (`first_name`, `last_name`, `username` of a private chat,
    /// `title` of a group).
    pub async fn get_chat(&self, chat_id: i64) -> Result<Value, ApiError> {
        self.call("getChat", json!({ "chat_id": chat_id }), CALL_TIMEOUT)
            .await
    }

    /// The member's `status` in the chat: creator, administrator, member, restricted, left or
    /// kicked.
    pub async fn chat_member_status(&self, chat_id: i64, user_id: i64) -> Result<String, ApiError> {
        let m = self
            .call(
                "getChatMember",
                json!({"chat_id": chat_id, "user_id": user_id}),
                CALL_TIMEOUT,
            )
            .await?;
        Ok(m["status"].as_str().unwrap_or("").to_string())
    }

    /// Registers the command menu for one scope (`all_private_chats`, `all_group_chats`), for
    /// users whose app speaks `language` (a two-letter ISO 639-1 code), or the default menu with
    /// None.
    pub async fn set_my_commands(
        &self,
        commands: &[(&str, String)],
        scope: &str,
        language: Option<&str>,
    ) -> Result<(), ApiError> {
        let list: Vec<Value> = commands
            .iter()
            .map(|(c, d)| json!({"command": c, "description": d}))
            .collect();
        let mut body = json!({"commands": list, "scope": {"type": scope}});
        if let Some(l) = language {
            body["language_code"] = json!(l);
        }
        self.call("setMyCommands", body, CALL_TIMEOUT)
            .await
            .map(|_| ())
    }

    pub async fn set_webhook(&self, url: &str, secret: &str) -> Result<(), ApiError> {
        self.call(
            "setWebhook",
            json!({"url": url, "secret_token": secret, "allowed_updates": ["message"]}),
            CALL_TIMEOUT,
        )
        .await
        .map(|_| ())
    }

    /// getUpdates answers 409 while a webhook is set, so polling removes it first (pending updates
    /// are kept).
    pub async fn delete_webhook(&self) -> Result<(), ApiError> {
        self.call(
            "deleteWebhook",
            json!({"drop_pending_updates": false}),
            CALL_TIMEOUT,
        )
        .await
        .map(|_| ())
    }
}
