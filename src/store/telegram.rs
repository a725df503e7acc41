//! What the Telegram channel must remember across restarts, and one outbox operation it needs.
//!
//! Trees (opened on use, so the store's open path stays as it was):
//! - `telegram_pacing`: chat id -> [`ChatPace`], recent send times and a 429 block, so a restart
//!   cannot burst past Telegram's limits;
//! - `telegram_parts`: job id -> [`PartProgress`], how far a multi-part message got, so a retry
//!   does not resend earlier parts;
//! - `telegram_migrations`: old chat id -> new chat id, after a group became a supergroup.

use serde::{Deserialize, Serialize};

use super::keys::{chat_key, decode_chat_key, job_key};
use super::{Store, StoreError, json_err};
use crate::routing::{Destination, Route};

const PACING: &str = "telegram_pacing";
const PARTS: &str = "telegram_parts";
const MIGRATIONS: &str = "telegram_migrations";

/// A migration chain longer than this is a loop or nonsense; resolving stops there.
const MAX_MIGRATION_HOPS: usize = 8;

/// One chat's recent sends, as the pacer needs them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatPace {
    /// Send times (ms), oldest first; only the most recent ones that can still matter are kept.
    pub sent_ms: Vec<i64>,
    /// Telegram answered 429 for this chat: nothing goes there before this time (ms).
    #[serde(default)]
    pub blocked_until_ms: Option<i64>,
}

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

    /// Every chat's pacing record.
    pub fn telegram_paces(&self) -> Result<Vec<(i64, ChatPace)>, StoreError> {
        let mut out = Vec::new();
        for item in self.telegram_tree(PACING)?.iter() {
            let (k, v) = item?;
            let Some(chat) = decode_chat_key(&k) else {
                continue;
            };
            out.push((chat, serde_json::from_slice(&v).map_err(json_err)?));
        }
        Ok(out)
    }

    pub fn put_telegram_pace(&self, chat_id: i64, pace: &ChatPace) -> Result<(), StoreError> {
        self.telegram_tree(PACING)?.insert(
            chat_key(chat_id),
            serde_json::to_vec(pace).map_err(json_err)?,
        )?;
        Ok(())
    }

    pub fn part_progress(&self, job_id: u64) -> Result<PartProgress, StoreError> {
        self.telegram_tree(PARTS)?
            .get(job_key(job_id))?
            .map(|v| serde_json::from_slice(&v).map_err(json_err))
            .transpose()
            .map(Option::unwrap_or_default)
    }

    pub fn set_part_progress(&self, job_id: u64, p: &PartProgress) -> Result<(), StoreError> {
        self.telegram_tree(PARTS)?
            .insert(job_key(job_id), serde_json::to_vec(p).map_err(json_err)?)?;
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
                &route.app_id,
                &route.account_id,
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
