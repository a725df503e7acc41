//! The parts of a Telegram update the bot reads, as serde types. A missing `Option` field reads as
//! `None` (serde's rule for `Option`), so only the other fields need `#[serde(default)]`.

use serde::Deserialize;

/// The parts of an update the bot reads. Everything is optional or defaulted, so a new Telegram
/// field or kind never makes an update unreadable.
#[derive(Debug, Clone, Deserialize)]
pub struct Update {
    pub update_id: i64,
    pub message: Option<IncomingMessage>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IncomingMessage {
    pub chat: Chat,
    pub from: Option<User>,
    pub text: Option<String>,
    /// In a forum supergroup, the topic the message was posted in.
    pub message_thread_id: Option<i64>,
    #[serde(default)]
    pub is_topic_message: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Chat {
    pub id: i64,
    /// private, group, supergroup or channel.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub id: i64,
    #[serde(default)]
    pub is_bot: bool,
    /// The IETF tag of the user's Telegram app language (`es`, `pt-br`), when Telegram sends it.
    pub language_code: Option<String>,
    /// The name the user gave Telegram, kept when they subscribe so organizers see who it is.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
}
