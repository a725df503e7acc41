//! What the Telegram bot remembers: self-service codes, organizer links, member mutes, and its own
//! progress through Telegram's update stream.
//!
//! Trees:
//! - `bot_codes`: SHA-256(code) -> [`CodeRecord`]. Only the hash is kept, so a leaked store does not
//!   leak usable codes; the code itself is shown once, when it is created.
//! - `bot_organizers`: tenant prefix, Telegram user id -> [`OrganizerLink`].
//! - `bot_mutes`: tenant prefix, chat id -> muted-until (ms). Kept per tenant so an uninstall
//!   removes them with the rest of the tenant ([`Store::purge_bot_tenant`]).
//! - `bot_state`: the last handled `update_id`, the notice watermark and the bot's username; none of
//!   it names a tenant. Also the flag that the chat-link migration ran.
//! - `bot_chats`: chat id -> [`ChatLink`], which tenant a Telegram group or channel belongs to.
//!   Written with compare-and-swap, so two tenants racing to link one chat cannot both win.
//!
//! Every record that names an account lives in the first three trees, and
//! [`Store::purge_bot_tenant`] removes all of them.

use serde::{Deserialize, Serialize};

use super::keys::tenant_prefix;
use super::{Store, StoreError, decode};
use crate::store::TenantId;

mod chats;
mod codes;
mod members;
mod state;

/// The bot's trees, opened with the store.
pub(super) struct BotTrees {
    codes: sled::Tree,
    organizers: sled::Tree,
    mutes: sled::Tree,
    state: sled::Tree,
    chats: sled::Tree,
}

impl BotTrees {
    pub(super) fn open(db: &sled::Db) -> Result<BotTrees, sled::Error> {
        Ok(BotTrees {
            codes: db.open_tree("bot_codes")?,
            organizers: db.open_tree("bot_organizers")?,
            mutes: db.open_tree("bot_mutes")?,
            state: db.open_tree("bot_state")?,
            chats: db.open_tree("bot_chats")?,
        })
    }
}

#[derive(Clone, Copy)]
enum T {
    Codes,
    Organizers,
    Mutes,
    State,
    Chats,
}
use T::{Chats as CHATS, Codes as CODES, Mutes as MUTES, Organizers as ORGANIZERS, State as STATE};

const LAST_UPDATE: &[u8] = b"last_update_id";
const NOTICE_WATERMARK: &[u8] = b"notice_watermark";
const USERNAME: &[u8] = b"username";
const CHATS_MIGRATED: &[u8] = b"chat_links_migrated";

/// What kind of Telegram chat a [`ChatLink`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChatKind {
    Group,
    Supergroup,
    Channel,
    /// Recorded by the startup migration from an existing route, without asking Telegram.
    Unknown,
}

impl ChatKind {
    /// From Telegram's `chat.type`.
    pub fn from_telegram(kind: &str) -> ChatKind {
        match kind {
            "group" => ChatKind::Group,
            "supergroup" => ChatKind::Supergroup,
            "channel" => ChatKind::Channel,
            _ => ChatKind::Unknown,
        }
    }
}

/// A Telegram group or channel proven to belong to one tenant: an admin of the chat sent a link
/// code there, or the startup migration found only that tenant's routes using it. Only that
/// tenant's routes may post there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChatLink {
    pub chat_id: i64,
    pub app_id: String,
    pub account_id: String,
    pub kind: ChatKind,
    /// The Telegram user who linked it; None when the migration recorded it.
    pub linked_by: Option<i64>,
    pub linked_at_ms: i64,
    /// The group's title when it was linked, so organizers see "Tuesday Readers" rather than a
    /// chat id. Absent for links recorded before titles were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl ChatLink {
    pub fn is_tenant(&self, app_id: &str, account_id: &str) -> bool {
        self.app_id == app_id && self.account_id == account_id
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    /// Members subscribe themselves to a route. Reusable until revoked.
    Subscribe,
    /// An administrator links a group or forum topic to a route. Single use, expires.
    Link,
    /// A Telegram user becomes an organizer of the tenant. Single use, expires.
    Organizer,
}

impl CodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CodeKind::Subscribe => "subscribe",
            CodeKind::Link => "link",
            CodeKind::Organizer => "organizer",
        }
    }

    pub fn single_use(self) -> bool {
        !matches!(self, CodeKind::Subscribe)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CodeRecord {
    /// The first 12 hex digits of the hash: names the code in `codes list` and `codes revoke`
    /// without revealing it.
    pub id: String,
    pub kind: CodeKind,
    pub app_id: String,
    pub account_id: String,
    /// The route the code subscribes to or links to; for organizer codes, optional.
    pub route: Option<String>,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    /// Single-use codes: when it was used.
    #[serde(default)]
    pub used_at_ms: Option<i64>,
    #[serde(default)]
    pub revoked: bool,
    /// How often it was redeemed.
    #[serde(default)]
    pub uses: u64,
    /// Subscribe codes only: the code itself, sealed with the data key (`crypto::seal`, base64),
    /// so the console can show the route's join link again. A subscribe code is meant to be
    /// shared (flyers, group chats); link and organizer codes stay hash-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_code: Option<String>,
}

impl CodeRecord {
    /// Why this code cannot be redeemed now for one of the `accepted` kinds, or None when it can:
    /// the one rule for redeeming on either backend and for checking a code without using it.
    pub fn refusal(&self, accepted: &[CodeKind], now_ms: i64) -> Option<Redeem> {
        if self.revoked {
            Some(Redeem::Revoked)
        } else if self.kind.single_use() && self.used_at_ms.is_some() {
            Some(Redeem::Used)
        } else if self.expires_at_ms.is_some_and(|e| e <= now_ms) {
            Some(Redeem::Expired)
        } else if !accepted.contains(&self.kind) {
            Some(Redeem::WrongKind(self.kind))
        } else {
            None
        }
    }

    /// Counts one redemption; a single-use code is used up by it.
    pub(crate) fn count_use(&mut self, now_ms: i64) {
        self.uses += 1;
        if self.kind.single_use() {
            self.used_at_ms = Some(now_ms);
        }
    }
}

#[cfg(test)]
impl CodeRecord {
    /// A code for the tests: of `kind`, of tenant (`default`, `account`), made at `created_at_ms`,
    /// naming no route, never used, revoked or expiring. Tests change what they look at with
    /// struct update syntax.
    pub(crate) fn fixture(id: &str, kind: CodeKind, account: &str, created_at_ms: i64) -> Self {
        CodeRecord {
            id: id.into(),
            kind,
            app_id: "default".into(),
            account_id: account.into(),
            route: None,
            created_at_ms,
            expires_at_ms: None,
            used_at_ms: None,
            revoked: false,
            uses: 0,
            sealed_code: None,
        }
    }
}

/// What redeeming a code came to. Only `Ok` changed anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeem {
    Ok(CodeRecord),
    Unknown,
    Expired,
    Used,
    Revoked,
    /// A valid code of another kind than the command accepts; nothing was consumed.
    WrongKind(CodeKind),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrganizerLink {
    pub app_id: String,
    pub account_id: String,
    pub user_id: i64,
    /// The private chat notices are pushed to (for a private chat it equals the user id).
    pub chat_id: i64,
    pub linked_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mute {
    pub app_id: String,
    pub account_id: String,
    pub chat_id: i64,
    pub until_ms: i64,
}

pub use super::keys::code_hash;

/// The public name of a code: the first 12 hex digits of its hash.
pub fn code_id(code: &str) -> String {
    hex::encode(&code_hash(code)[..6])
}

fn i64_of(v: &[u8]) -> Option<i64> {
    Some(i64::from_be_bytes(v.try_into().ok()?))
}

impl Store {
    fn bot_tree(&self, t: T) -> Result<&sled::Tree, StoreError> {
        let b = &self.inner.bot;
        Ok(match t {
            T::Codes => &b.codes,
            T::Organizers => &b.organizers,
            T::Mutes => &b.mutes,
            T::State => &b.state,
            T::Chats => &b.chats,
        })
    }

    /// Deletes every bot record of the tenant: its codes, chat links, organizer links and member
    /// mutes.
    /// Returns how many records were removed. Route destinations (member subscriptions, linked
    /// groups) live in the routes and go with them.
    pub fn purge_bot_tenant(&self, tenant: &TenantId) -> Result<u64, StoreError> {
        let mut removed = 0;
        let codes = self.bot_tree(CODES)?;
        for item in codes.iter() {
            let (k, v) = item?;
            let rec: CodeRecord = decode(&v)?;
            if rec.app_id == tenant.app_id && rec.account_id == tenant.account_id {
                codes.remove(k)?;
                removed += 1;
            }
        }
        for link in self.all_chat_links()? {
            if link.is_tenant(&tenant.app_id, &tenant.account_id) {
                self.unlink_chat(link.chat_id)?;
                removed += 1;
            }
        }
        let prefix = tenant_prefix(&tenant.app_id, &tenant.account_id);
        for name in [ORGANIZERS, MUTES] {
            let tree = self.bot_tree(name)?;
            for k in tree.scan_prefix(&prefix).keys() {
                tree.remove(k?)?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests;
