//! Targets and channels: where one message goes once a route's destinations are expanded.

use serde::{Deserialize, Serialize};

/// One concrete place a message goes: an email destination fans out to one target per recipient,
/// so recipients never see each other's addresses and overlapping routes dedupe per address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    Telegram {
        chat_id: i64,
        thread_id: Option<i64>,
        /// Which bot sends: a community's own bot by its Telegram id, or the shared bot (none).
        /// Absent in jobs queued before own bots existed, which therefore stay on the shared bot.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bot: Option<i64>,
    },
    Email {
        to: String,
    },
    Webhook {
        url: String,
        /// Sealed when a job is stored (`crypto::job_secret`), plaintext in memory.
        #[serde(with = "crate::crypto::job_secret")]
        #[schemars(with = "String")]
        secret: String,
    },
    Log,
}

impl Target {
    /// Identity for dedup and per-destination ordering, and the only place a target key is
    /// written (the store keys disabled destinations and per-destination order by it). Secrets are
    /// not part of it; an address counts as written however it is spaced or capitalised.
    pub fn key(&self) -> String {
        match self {
            // The shared bot keeps the key it always had, so existing disabled destinations and
            // per-destination order stay as they are; an own bot's chat is another destination
            // (kicking one bot from a group does not silence the other).
            Target::Telegram {
                chat_id,
                thread_id,
                bot,
            } => {
                let chat = match thread_id {
                    Some(t) => format!("telegram:{chat_id}:{t}"),
                    None => format!("telegram:{chat_id}"),
                };
                match bot {
                    Some(b) => format!("{chat}@bot{b}"),
                    None => chat,
                }
            }
            Target::Email { to } => format!("email:{}", to.trim().to_lowercase()),
            Target::Webhook { url, .. } => format!("webhook:{url}"),
            Target::Log => "log".into(),
        }
    }

    pub fn channel(&self) -> Channel {
        match self {
            Target::Telegram { .. } => Channel::Telegram,
            Target::Email { .. } => Channel::Email,
            Target::Webhook { .. } => Channel::Webhook,
            Target::Log => Channel::Log,
        }
    }

    /// A description safe to show and log (no webhook secret).
    pub fn describe(&self) -> String {
        self.key()
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Telegram,
    Email,
    Webhook,
    Log,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Telegram,
        Channel::Email,
        Channel::Webhook,
        Channel::Log,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Telegram => "telegram",
            Channel::Email => "email",
            Channel::Webhook => "webhook",
            Channel::Log => "log",
        }
    }

    pub fn tag(self) -> u8 {
        match self {
            Channel::Telegram => 1,
            Channel::Email => 2,
            Channel::Webhook => 3,
            Channel::Log => 4,
        }
    }
}
