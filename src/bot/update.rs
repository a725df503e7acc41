//! The parts of a Telegram update the bot reads, as serde types.

use serde::Deserialize;

/// The parts of an update the bot reads. Everything is optional or defaulted, so a new Telegram
/// field or kind never makes an update unreadable.
#[derive(Debug, Clone, Deserialize)]
pub struct Update {
    pub update_id: i64,
    #[serde(default)]
    pub message: Option<IncomingMessage>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IncomingMessage {
    pub chat: Chat,
    #[serde(default)]
    pub from: Option<User>,
    #[serde(default)]
    pub text: Option<String>,
    /// In a forum supergroup, the topic the message was posted in.
    #[serde(default)]
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
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub id: i64,
    #[serde(default)]
    pub is_bot: bool,
    /// The IETF tag of the user's Telegram app language (`es`, `pt-br`), when Telegram sends it.
    #[serde(default)]
    pub language_code: Option<String>,
    /// The name the user gave Telegram, kept when they subscribe so organizers see who it is.
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
}
