//! Chat links: which tenant a Telegram group or channel belongs to (`bot_chats`).

use super::{CHATS, CHATS_MIGRATED, ChatLink, STATE};
use crate::store::keys::chat_key;
use crate::store::{Store, StoreError, decode, decode_all, decode_opt, encode};

impl Store {
    /// The tenant `chat_id` is linked to, if any.
    pub fn chat_link(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError> {
        decode_opt(self.bot_tree(CHATS)?.get(chat_key(chat_id))?)
    }

    /// Links a chat to `link`'s tenant unless it is linked already. Returns the link that holds
    /// afterwards: `link` itself, or the existing one (which may name another tenant, in which case
    /// nothing was written). A compare-and-swap, so of two tenants racing only one wins.
    pub fn link_chat(&self, link: &ChatLink) -> Result<ChatLink, StoreError> {
        let tree = self.bot_tree(CHATS)?;
        let v = encode(link)?;
        match tree.compare_and_swap(chat_key(link.chat_id), None as Option<&[u8]>, Some(v))? {
            Ok(()) => Ok(link.clone()),
            Err(e) => match e.current {
                Some(cur) => decode(&cur),
                // Removed between the read and the swap: try once more.
                None => self.link_chat(link),
            },
        }
    }

    /// Frees a chat (`/unlink` by a group admin once no route posts there, or an uninstall).
    /// Returns the link that was removed.
    pub fn unlink_chat(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError> {
        decode_opt(self.bot_tree(CHATS)?.remove(chat_key(chat_id))?)
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
        decode_all(self.bot_tree(CHATS)?.iter())
    }

    /// Whether the one-time chat-link migration already ran on this store.
    pub fn chat_links_migrated(&self) -> Result<bool, StoreError> {
        self.bot_state_flag(CHATS_MIGRATED)
    }

    pub fn set_chat_links_migrated(&self) -> Result<(), StoreError> {
        self.set_bot_state_flag(CHATS_MIGRATED)
    }

    /// A one-time flag in `bot_state` (a migration that ran).
    pub(crate) fn bot_state_flag(&self, key: &[u8]) -> Result<bool, StoreError> {
        Ok(self.bot_tree(STATE)?.get(key)?.is_some())
    }

    pub(crate) fn set_bot_state_flag(&self, key: &[u8]) -> Result<(), StoreError> {
        self.bot_tree(STATE)?.insert(key, &[1u8])?;
        Ok(())
    }
}
