//! What the Telegram channel must remember across restarts, and one outbox operation it needs.
//!
//! Trees (opened on use, so the store's open path stays as it was):
//! - `telegram_pace_bots`: bot id -> [`BotPace`], the bot's most recent sends, and
//!   `telegram_pace_chats`: bot id, chat id -> [`ChatPace`], a chat's recent sends and 429 block.
//!   The store's [`PaceBook`] in memory decides (this process is the only one on the store); the
//!   trees carry it across a restart, so a restart cannot burst past Telegram's limits. The
//!   arithmetic is `pacing.rs`, shared with PostgreSQL;
//! - `telegram_parts`: job id -> [`PartProgress`], how far a multi-part message got, so a retry
//!   does not resend earlier parts;
//! - `telegram_migrations`: old chat id -> new chat id, after a group became a supergroup.

use serde::{Deserialize, Serialize};

use super::keys::{chat_key, decode_pace_chat_key, job_key, pace_chat_key};
use super::pacing::{Clock, Limits, PaceBook, Slot};
use super::{Store, StoreError, decode, decode_opt, encode};
use crate::routing::{Destination, Route};

pub use super::pacing::ChatPace;
use crate::store::OfTenant;

const PACE_BOTS: &str = "telegram_pace_bots";
const PACE_CHATS: &str = "telegram_pace_chats";
/// Where pacing records were kept before they were keyed by bot. Dropped when the book is first
/// loaded: it held at most a minute of send times (and any 429 block then running), which is
/// forgotten once, at the upgrade.
const LEGACY_PACING: &str = "telegram_pacing";
const PARTS: &str = "telegram_parts";
const MIGRATIONS: &str = "telegram_migrations";

/// A migration chain longer than this is a loop or nonsense; resolving stops there.
const MAX_MIGRATION_HOPS: usize = 8;

/// How far a job's message got: parts before `next` were delivered. `plain` means part `next`
/// is resent as plain text, because Telegram refused its HTML.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartProgress {
    pub next: u32,
    pub plain: bool,
}

fn decode_i64(v: &[u8]) -> Option<i64> {
    Some(i64::from_be_bytes(v.try_into().ok()?))
}

impl Store {
    fn telegram_tree(&self, name: &str) -> Result<sled::Tree, StoreError> {
        Ok(self.inner.db.open_tree(name)?)
    }

    /// Runs `f` on the pacing book, loading it from the trees on first use. The mutex is held
    /// while the changed records are written through, so two writes of one chat cannot land out
    /// of order.
    fn with_pace_book<T>(
        &self,
        f: impl FnOnce(&mut PaceBook, &sled::Tree, &sled::Tree) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let (bots, chats) = (
            self.telegram_tree(PACE_BOTS)?,
            self.telegram_tree(PACE_CHATS)?,
        );
        let mut guard = self.inner.pacing.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            self.inner.db.drop_tree(LEGACY_PACING)?;
            let mut bot_records = Vec::new();
            for item in bots.iter() {
                let (k, v) = item?;
                let Some(bot) = decode_i64(&k) else { continue };
                bot_records.push((bot, decode(&v)?));
            }
            let mut chat_records = Vec::new();
            for item in chats.iter() {
                let (k, v) = item?;
                let Some(key) = decode_pace_chat_key(&k) else {
                    continue;
                };
                chat_records.push((key, decode(&v)?));
            }
            *guard = Some(PaceBook::from_records(bot_records, chat_records));
        }
        let book = guard.as_mut().expect("loaded above");
        f(book, &bots, &chats)
    }

    /// Takes a send slot for `chat_id` of bot `bot_id`, or says when one frees up (see
    /// `ChatStateStore::take_telegram_slot`).
    pub fn take_telegram_slot(
        &self,
        bot_id: i64,
        chat_id: i64,
        limits: &Limits,
        clock: &Clock,
    ) -> Result<Slot, StoreError> {
        self.with_pace_book(|book, bots, chats| {
            let (slot, changed) = book.take(limits, bot_id, chat_id, clock());
            if let Some((bot, chat)) = changed {
                bots.insert(bot_id.to_be_bytes(), encode(bot)?)?;
                chats.insert(pace_chat_key(bot_id, chat_id), encode(chat)?)?;
            }
            Ok(slot)
        })
    }

    /// Records Telegram's 429 for this chat: nothing goes there before `until_ms`.
    pub fn block_telegram_chat(
        &self,
        bot_id: i64,
        chat_id: i64,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        self.with_pace_book(|book, _, chats| {
            let chat = book.block(bot_id, chat_id, until_ms);
            chats.insert(pace_chat_key(bot_id, chat_id), encode(chat)?)?;
            Ok(())
        })
    }

    /// The earliest time `chat_id` may receive a message, never before `now_ms`.
    pub fn telegram_send_at(
        &self,
        bot_id: i64,
        chat_id: i64,
        limits: &Limits,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        self.with_pace_book(|book, _, _| Ok(book.earliest(limits, bot_id, chat_id, now_ms)))
    }

    pub fn part_progress(&self, job_id: u64) -> Result<PartProgress, StoreError> {
        decode_opt(self.telegram_tree(PARTS)?.get(job_key(job_id))?).map(Option::unwrap_or_default)
    }

    pub fn set_part_progress(&self, job_id: u64, p: &PartProgress) -> Result<(), StoreError> {
        self.telegram_tree(PARTS)?
            .insert(job_key(job_id), encode(p)?)?;
        Ok(())
    }

    pub fn clear_part_progress(&self, job_id: u64) -> Result<(), StoreError> {
        self.telegram_tree(PARTS)?.remove(job_key(job_id))?;
        Ok(())
    }

    /// The chat a message for `chat_id` must go to now, following recorded migrations.
    pub fn resolve_telegram_chat(&self, chat_id: i64) -> Result<i64, StoreError> {
        let tree = self.telegram_tree(MIGRATIONS)?;
        let mut chat = chat_id;
        for _ in 0..MAX_MIGRATION_HOPS {
            match tree.get(chat_key(chat))?.and_then(|v| decode_i64(&v)) {
                Some(next) if next != chat => chat = next,
                _ => break,
            }
        }
        Ok(chat)
    }

    /// Records that chat `old` is now `new` and points every route destination (of any tenant) at
    /// the new chat. Returns the routes that changed. The migration record goes first, so jobs
    /// already queued for the old chat follow it even if a crash cuts the route updates short.
    pub fn migrate_telegram_chat(&self, old: i64, new: i64) -> Result<Vec<Route>, StoreError> {
        self.telegram_tree(MIGRATIONS)?
            .insert(chat_key(old), &new.to_be_bytes())?;
        // The group's owner stays its owner under its new id.
        self.move_chat_link(old, new)?;
        let mut changed = Vec::new();
        for route in self.list_routes(None)? {
            if !posts_to_chat(&route, old) {
                continue;
            }
            let updated = self.update_route(
                &route.tenant_id(),
                &route.name,
                |r| -> Result<Route, StoreError> {
                    move_chat(r, old, new);
                    Ok(r.clone())
                },
            )?;
            changed.extend(updated);
        }
        Ok(changed)
    }
}

/// Whether a Telegram destination of `route` posts to `chat`.
pub(super) fn posts_to_chat(route: &Route, chat: i64) -> bool {
    route
        .destinations
        .iter()
        .any(|d| matches!(d, Destination::Telegram { chat_id, .. } if *chat_id == chat))
}

/// Points every Telegram destination of `route` that posts to `old` at `new` (a migrated group).
pub(super) fn move_chat(route: &mut Route, old: i64, new: i64) {
    for d in &mut route.destinations {
        if let Destination::Telegram { chat_id, .. } = d
            && *chat_id == old
        {
            *chat_id = new;
        }
    }
}
