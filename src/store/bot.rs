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

use super::keys::{chat_key, decode_member_key, member_key, tenant_prefix};
use super::{Store, StoreError, json_err};
use serde::{Deserialize, Serialize};

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

    // --- chat links -------------------------------------------------------------------------

    /// The tenant `chat_id` is linked to, if any.
    pub fn chat_link(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError> {
        self.bot_tree(CHATS)?
            .get(chat_key(chat_id))?
            .map(|v| serde_json::from_slice(&v).map_err(json_err))
            .transpose()
    }

    /// Links a chat to `link`'s tenant unless it is linked already. Returns the link that holds
    /// afterwards: `link` itself, or the existing one (which may name another tenant, in which case
    /// nothing was written). A compare-and-swap, so of two tenants racing only one wins.
    pub fn link_chat(&self, link: &ChatLink) -> Result<ChatLink, StoreError> {
        let tree = self.bot_tree(CHATS)?;
        let v = serde_json::to_vec(link).map_err(json_err)?;
        match tree.compare_and_swap(chat_key(link.chat_id), None as Option<&[u8]>, Some(v))? {
            Ok(()) => Ok(link.clone()),
            Err(e) => match e.current {
                Some(cur) => serde_json::from_slice(&cur).map_err(json_err),
                // Removed between the read and the swap: try once more.
                None => self.link_chat(link),
            },
        }
    }

    /// Frees a chat (`/unlink` by a group admin once no route posts there, or an uninstall).
    /// Returns the link that was removed.
    pub fn unlink_chat(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError> {
        self.bot_tree(CHATS)?
            .remove(chat_key(chat_id))?
            .map(|v| serde_json::from_slice(&v).map_err(json_err))
            .transpose()
    }

    /// A group became a supergroup and got a new id: its link moves along, unless the new id is
    /// linked already.
    pub fn move_chat_link(&self, old: i64, new: i64) -> Result<(), StoreError> {
        if let Some(mut link) = self.chat_link(old)? {
            link.chat_id = new;
            self.link_chat(&link)?;
            self.unlink_chat(old)?;
        }
        Ok(())
    }

    /// Every chat link, of every tenant.
    pub fn all_chat_links(&self) -> Result<Vec<ChatLink>, StoreError> {
        self.bot_tree(CHATS)?
            .iter()
            .values()
            .map(|v| serde_json::from_slice(&v?).map_err(json_err))
            .collect()
    }

    /// Whether the one-time chat-link migration already ran on this store.
    pub fn chat_links_migrated(&self) -> Result<bool, StoreError> {
        Ok(self.bot_tree(STATE)?.get(CHATS_MIGRATED)?.is_some())
    }

    pub fn set_chat_links_migrated(&self) -> Result<(), StoreError> {
        self.bot_tree(STATE)?.insert(CHATS_MIGRATED, &[1u8])?;
        Ok(())
    }

    // --- codes ------------------------------------------------------------------------------

    /// Stores a new code (by hash). Returns false if that hash exists already (a collision or a
    /// repeated call), in which case nothing is written.
    pub fn put_code(&self, code: &str, rec: &CodeRecord) -> Result<bool, StoreError> {
        let v = serde_json::to_vec(rec).map_err(json_err)?;
        let res = self.bot_tree(CODES)?.compare_and_swap(
            code_hash(code),
            None as Option<&[u8]>,
            Some(v),
        )?;
        Ok(res.is_ok())
    }

    /// The record of `code`, if it exists; nothing is consumed.
    pub fn code_record(&self, code: &str) -> Result<Option<CodeRecord>, StoreError> {
        self.bot_tree(CODES)?
            .get(code_hash(code))?
            .map(|v| serde_json::from_slice(&v).map_err(json_err))
            .transpose()
    }

    /// Codes, oldest first; one tenant's or everyone's.
    pub fn list_codes(&self, tenant: Option<(&str, &str)>) -> Result<Vec<CodeRecord>, StoreError> {
        let mut out = Vec::new();
        for v in self.bot_tree(CODES)?.iter().values() {
            let rec: CodeRecord = serde_json::from_slice(&v?).map_err(json_err)?;
            if tenant.is_none_or(|(a, acc)| rec.app_id == a && rec.account_id == acc) {
                out.push(rec);
            }
        }
        out.sort_by_key(|r| r.created_at_ms);
        Ok(out)
    }

    /// Marks every code whose id starts with `id` (at least 6 hex digits) revoked; with `tenant`,
    /// only that tenant's. Returns the revoked records.
    pub fn revoke_code(
        &self,
        id: &str,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<CodeRecord>, StoreError> {
        let tree = self.bot_tree(CODES)?;
        let mut out = Vec::new();
        for item in tree.iter() {
            let (k, v) = item?;
            let mut rec: CodeRecord = serde_json::from_slice(&v).map_err(json_err)?;
            if !rec.id.starts_with(id)
                || tenant.is_some_and(|(a, acc)| rec.app_id != a || rec.account_id != acc)
            {
                continue;
            }
            rec.revoked = true;
            tree.insert(k, serde_json::to_vec(&rec).map_err(json_err)?)?;
            out.push(rec);
        }
        Ok(out)
    }

    /// Redeems `code` if it is of one of the `accepted` kinds. A single-use code is consumed with a
    /// compare-and-swap, so two people sending it at once cannot both succeed.
    pub fn redeem_code(
        &self,
        code: &str,
        accepted: &[CodeKind],
        now_ms: i64,
    ) -> Result<Redeem, StoreError> {
        let tree = self.bot_tree(CODES)?;
        let key = code_hash(code);
        loop {
            let Some(old) = tree.get(key)? else {
                return Ok(Redeem::Unknown);
            };
            let mut rec: CodeRecord = serde_json::from_slice(&old).map_err(json_err)?;
            if rec.revoked {
                return Ok(Redeem::Revoked);
            }
            if rec.kind.single_use() && rec.used_at_ms.is_some() {
                return Ok(Redeem::Used);
            }
            if rec.expires_at_ms.is_some_and(|e| e <= now_ms) {
                return Ok(Redeem::Expired);
            }
            if !accepted.contains(&rec.kind) {
                return Ok(Redeem::WrongKind(rec.kind));
            }
            rec.uses += 1;
            if rec.kind.single_use() {
                rec.used_at_ms = Some(now_ms);
            }
            let new = serde_json::to_vec(&rec).map_err(json_err)?;
            if tree.compare_and_swap(key, Some(old), Some(new))?.is_ok() {
                return Ok(Redeem::Ok(rec));
            }
        }
    }

    // --- organizers -------------------------------------------------------------------------

    pub fn add_organizer(&self, link: &OrganizerLink) -> Result<(), StoreError> {
        self.bot_tree(ORGANIZERS)?.insert(
            member_key(&link.app_id, &link.account_id, link.user_id),
            serde_json::to_vec(link).map_err(json_err)?,
        )?;
        Ok(())
    }

    /// The tenants Telegram user `user_id` organizes.
    pub fn organizer_links(&self, user_id: i64) -> Result<Vec<OrganizerLink>, StoreError> {
        let mut out = Vec::new();
        for item in self.bot_tree(ORGANIZERS)?.iter() {
            let (k, v) = item?;
            if decode_member_key(&k).is_some_and(|(_, _, u)| u == user_id) {
                out.push(serde_json::from_slice(&v).map_err(json_err)?);
            }
        }
        Ok(out)
    }

    /// Removes every organizer link of Telegram user `user_id` (`/leave`); returns how many.
    pub fn remove_organizer_links(&self, user_id: i64) -> Result<usize, StoreError> {
        let tree = self.bot_tree(ORGANIZERS)?;
        let mut n = 0;
        for k in tree.iter().keys() {
            let k = k?;
            if decode_member_key(&k).is_some_and(|(_, _, u)| u == user_id) {
                tree.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Removes one organizer link; returns whether there was one.
    pub fn remove_organizer(
        &self,
        app_id: &str,
        account_id: &str,
        user_id: i64,
    ) -> Result<bool, StoreError> {
        Ok(self
            .bot_tree(ORGANIZERS)?
            .remove(member_key(app_id, account_id, user_id))?
            .is_some())
    }

    /// Every organizer link, of every tenant.
    pub fn all_organizers(&self) -> Result<Vec<OrganizerLink>, StoreError> {
        self.bot_tree(ORGANIZERS)?
            .iter()
            .values()
            .map(|v| serde_json::from_slice(&v?).map_err(json_err))
            .collect()
    }

    /// A tenant's organizers, for pushing its notices.
    pub fn tenant_organizers(
        &self,
        app_id: &str,
        account_id: &str,
    ) -> Result<Vec<OrganizerLink>, StoreError> {
        self.bot_tree(ORGANIZERS)?
            .scan_prefix(tenant_prefix(app_id, account_id))
            .values()
            .map(|v| serde_json::from_slice(&v?).map_err(json_err))
            .collect()
    }

    // --- mutes ------------------------------------------------------------------------------

    pub fn set_mute(
        &self,
        app_id: &str,
        account_id: &str,
        chat_id: i64,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        self.bot_tree(MUTES)?.insert(
            member_key(app_id, account_id, chat_id),
            &until_ms.to_be_bytes(),
        )?;
        Ok(())
    }

    /// Every mute of `chat_id`, in any tenant (expired ones included).
    pub fn mutes_of(&self, chat_id: i64) -> Result<Vec<Mute>, StoreError> {
        let mut out = Vec::new();
        for item in self.bot_tree(MUTES)?.iter() {
            let (k, v) = item?;
            if let Some((app_id, account_id, chat)) = decode_member_key(&k)
                && chat == chat_id
            {
                out.push(Mute {
                    app_id,
                    account_id,
                    chat_id,
                    until_ms: i64_of(&v).unwrap_or(0),
                });
            }
        }
        Ok(out)
    }

    /// Removes every mute of `chat_id`; returns how many there were.
    pub fn clear_mutes(&self, chat_id: i64) -> Result<usize, StoreError> {
        let tree = self.bot_tree(MUTES)?;
        let mutes = self.mutes_of(chat_id)?;
        for m in &mutes {
            tree.remove(member_key(&m.app_id, &m.account_id, chat_id))?;
        }
        Ok(mutes.len())
    }

    /// Whether a member's chat asked for silence in this tenant until after `now_ms`. The dispatcher
    /// asks this for member-owned Telegram destinations only.
    pub fn is_member_muted(
        &self,
        app_id: &str,
        account_id: &str,
        chat_id: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        Ok(self
            .bot_tree(MUTES)?
            .get(member_key(app_id, account_id, chat_id))?
            .and_then(|v| i64_of(&v))
            .is_some_and(|until| until > now_ms))
    }

    // --- the bot's own progress --------------------------------------------------------------

    /// The highest `update_id` handled so far. Telegram's ids grow, so anything at or below it was
    /// seen before and is skipped.
    pub fn bot_last_update(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .bot_tree(STATE)?
            .get(LAST_UPDATE)?
            .and_then(|v| i64_of(&v)))
    }

    /// Records `update_id` as handled. Callers flush afterwards for durability.
    pub fn set_bot_last_update(&self, update_id: i64) -> Result<(), StoreError> {
        self.bot_tree(STATE)?
            .insert(LAST_UPDATE, &update_id.to_be_bytes())?;
        Ok(())
    }

    /// The highest notice id already pushed to organizers.
    pub fn bot_notice_watermark(&self) -> Result<Option<u64>, StoreError> {
        Ok(self
            .bot_tree(STATE)?
            .get(NOTICE_WATERMARK)?
            .and_then(|v| Some(u64::from_be_bytes(v.as_ref().try_into().ok()?))))
    }

    pub fn set_bot_notice_watermark(&self, id: u64) -> Result<(), StoreError> {
        self.bot_tree(STATE)?
            .insert(NOTICE_WATERMARK, &id.to_be_bytes())?;
        Ok(())
    }

    /// The bot's @username as getMe last reported it, for deep links.
    pub fn bot_username(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .bot_tree(STATE)?
            .get(USERNAME)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    pub fn set_bot_username(&self, username: &str) -> Result<(), StoreError> {
        self.bot_tree(STATE)?
            .insert(USERNAME, username.as_bytes())?;
        Ok(())
    }

    // --- uninstall --------------------------------------------------------------------------

    /// Deletes every bot record of the tenant: its codes, chat links, organizer links and member
    /// mutes.
    /// Returns how many records were removed. Route destinations (member subscriptions, linked
    /// groups) live in the routes and go with them.
    pub fn purge_bot_tenant(&self, app_id: &str, account_id: &str) -> Result<u64, StoreError> {
        let mut removed = 0;
        let codes = self.bot_tree(CODES)?;
        for item in codes.iter() {
            let (k, v) = item?;
            let rec: CodeRecord = serde_json::from_slice(&v).map_err(json_err)?;
            if rec.app_id == app_id && rec.account_id == account_id {
                codes.remove(k)?;
                removed += 1;
            }
        }
        for link in self.all_chat_links()? {
            if link.is_tenant(app_id, account_id) {
                self.unlink_chat(link.chat_id)?;
                removed += 1;
            }
        }
        let prefix = tenant_prefix(app_id, account_id);
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
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        crate::store::temp_store()
    }

    fn rec(kind: CodeKind, code: &str, account: &str) -> CodeRecord {
        CodeRecord {
            id: code_id(code),
            kind,
            app_id: "default".into(),
            account_id: account.into(),
            route: Some("r".into()),
            created_at_ms: 1,
            expires_at_ms: kind.single_use().then_some(1_000),
            used_at_ms: None,
            revoked: false,
            uses: 0,
        }
    }

    #[test]
    fn single_use_codes_work_once_and_expire() {
        let (_d, s) = store();
        assert!(s.put_code("L1", &rec(CodeKind::Link, "L1", "A")).unwrap());
        assert!(s.put_code("L2", &rec(CodeKind::Link, "L2", "A")).unwrap());
        assert_eq!(
            s.redeem_code("L1", &[CodeKind::Subscribe], 10).unwrap(),
            Redeem::WrongKind(CodeKind::Link),
            "a wrong kind consumes nothing"
        );
        assert!(matches!(
            s.redeem_code(" L1 ", &[CodeKind::Link], 10).unwrap(),
            Redeem::Ok(_)
        ));
        assert_eq!(
            s.redeem_code("L1", &[CodeKind::Link], 11).unwrap(),
            Redeem::Used
        );
        assert_eq!(
            s.redeem_code("L2", &[CodeKind::Link], 1_000).unwrap(),
            Redeem::Expired
        );
        assert_eq!(
            s.redeem_code("nope", &[CodeKind::Link], 1).unwrap(),
            Redeem::Unknown
        );
    }

    #[test]
    fn subscribe_codes_are_reusable_until_revoked() {
        let (_d, s) = store();
        s.put_code("S", &rec(CodeKind::Subscribe, "S", "A"))
            .unwrap();
        for _ in 0..3 {
            assert!(matches!(
                s.redeem_code("S", &[CodeKind::Subscribe], 5).unwrap(),
                Redeem::Ok(_)
            ));
        }
        assert_eq!(s.list_codes(None).unwrap()[0].uses, 3);
        assert_eq!(
            s.revoke_code(&code_id("S"), Some(("default", "B")))
                .unwrap()
                .len(),
            0,
            "another tenant's revoke does not reach it"
        );
        assert_eq!(s.revoke_code(&code_id("S"), None).unwrap().len(), 1);
        assert_eq!(
            s.redeem_code("S", &[CodeKind::Subscribe], 5).unwrap(),
            Redeem::Revoked
        );
    }

    #[test]
    fn a_chat_links_to_one_tenant_only() {
        let (_d, s) = store();
        let link = |acc: &str| ChatLink {
            chat_id: -100,
            app_id: "default".into(),
            account_id: acc.into(),
            kind: ChatKind::Supergroup,
            linked_by: Some(1),
            linked_at_ms: 1,
        };
        assert_eq!(s.link_chat(&link("A")).unwrap().account_id, "A");
        assert_eq!(
            s.link_chat(&link("B")).unwrap().account_id,
            "A",
            "the second tenant does not take it over"
        );
        assert_eq!(s.purge_bot_tenant("default", "B").unwrap(), 0);
        assert_eq!(s.purge_bot_tenant("default", "A").unwrap(), 1);
        assert!(s.chat_link(-100).unwrap().is_none());
        assert_eq!(s.link_chat(&link("B")).unwrap().account_id, "B");
        s.move_chat_link(-100, -200).unwrap();
        assert!(s.chat_link(-100).unwrap().is_none());
        assert_eq!(s.chat_link(-200).unwrap().unwrap().account_id, "B");
    }

    #[test]
    fn purge_removes_every_record_of_the_tenant_only() {
        let (_d, s) = store();
        s.put_code("a", &rec(CodeKind::Subscribe, "a", "A"))
            .unwrap();
        s.put_code("b", &rec(CodeKind::Subscribe, "b", "B"))
            .unwrap();
        for (acc, user) in [("A", 7), ("B", 7)] {
            s.add_organizer(&OrganizerLink {
                app_id: "default".into(),
                account_id: acc.into(),
                user_id: user,
                chat_id: user,
                linked_at_ms: 1,
            })
            .unwrap();
            s.set_mute("default", acc, 42, i64::MAX).unwrap();
        }
        assert!(s.is_member_muted("default", "A", 42, 0).unwrap());
        assert_eq!(s.purge_bot_tenant("default", "A").unwrap(), 3);
        assert!(!s.is_member_muted("default", "A", 42, 0).unwrap());
        assert!(s.is_member_muted("default", "B", 42, 0).unwrap());
        assert_eq!(s.list_codes(None).unwrap().len(), 1);
        assert_eq!(s.organizer_links(7).unwrap().len(), 1);
        assert_eq!(s.mutes_of(42).unwrap().len(), 1);
        assert_eq!(s.clear_mutes(42).unwrap(), 1);
        assert!(s.mutes_of(42).unwrap().is_empty());
    }
}
