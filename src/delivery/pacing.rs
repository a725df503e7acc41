//! Our own Telegram pacer, durable through the store (DESIGN section 9).
//!
//! teloxide's Throttle keeps its queue and timers in memory, so a restart forgets recent sends and
//! can burst straight into 429s; it also freezes every chat when one chat gets a 429. This pacer
//! persists each chat's recent send times and 429 block, rebuilds the overall window from them at
//! startup, and blocks only the chat Telegram named.
//!
//! Every limit has the form "at most N sends in any window W", so the earliest allowed time is the
//! latest of a few fixed bounds: the N-th most recent send plus W, and a 429 block.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::store::telegram::ChatPace;
use crate::store::{Db, StoreError};

/// Telegram's published limits (Bot FAQ): 30 messages/s overall, about 1/s per chat, 20/min per
/// group. Negative chat ids are groups, supergroups and channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub overall_per_sec: usize,
    /// The window `overall_per_sec` applies to. A little over a second: sends are timed when they
    /// start, and transit jitter can squeeze 30 starts into less than a second as Telegram sees them
    /// (the fan-out benchmark saw 33 arrive in one second with an exact 1 s window).
    pub overall_window_ms: i64,
    pub chat_interval_ms: i64,
    pub group_per_min: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            overall_per_sec: 30,
            overall_window_ms: 1040,
            chat_interval_ms: 1000,
            group_per_min: 20,
        }
    }
}

const MINUTE_MS: i64 = 60_000;

/// The pacing state without I/O, so the arithmetic is testable with made-up clocks.
#[derive(Debug, Default)]
pub struct PaceBook {
    limits: Limits,
    chats: HashMap<i64, ChatPace>,
    /// Every send time (ms) across chats, oldest first; at most `overall_per_sec` kept.
    overall: VecDeque<i64>,
}

impl PaceBook {
    pub fn new(limits: Limits) -> Self {
        PaceBook {
            limits,
            ..PaceBook::default()
        }
    }

    /// Rebuilds the book from stored records. The overall window is the merge of the chats' recent
    /// sends, which is exact for the last second since no chat sends more than once a second.
    pub fn from_records(limits: Limits, records: Vec<(i64, ChatPace)>) -> Self {
        let mut book = PaceBook::new(limits);
        let mut all: Vec<i64> = records
            .iter()
            .flat_map(|(_, p)| p.sent_ms.iter().copied())
            .collect();
        all.sort_unstable();
        let keep = all.len().saturating_sub(limits.overall_per_sec);
        book.overall = all.into_iter().skip(keep).collect();
        book.chats = records.into_iter().collect();
        book
    }

    fn is_group(chat_id: i64) -> bool {
        chat_id < 0
    }

    /// The earliest time (ms) a message to `chat_id` may be sent, never before `now_ms`.
    pub fn earliest(&self, chat_id: i64, now_ms: i64) -> i64 {
        let l = &self.limits;
        let mut t = now_ms;
        if l.overall_per_sec > 0 && self.overall.len() >= l.overall_per_sec {
            t = t.max(self.overall[self.overall.len() - l.overall_per_sec] + l.overall_window_ms);
        }
        if let Some(p) = self.chats.get(&chat_id) {
            if let Some(until) = p.blocked_until_ms {
                t = t.max(until);
            }
            if let Some(last) = p.sent_ms.last() {
                t = t.max(last + l.chat_interval_ms);
            }
            if Self::is_group(chat_id) && l.group_per_min > 0 && p.sent_ms.len() >= l.group_per_min
            {
                t = t.max(p.sent_ms[p.sent_ms.len() - l.group_per_min] + MINUTE_MS);
            }
        }
        t
    }

    /// Counts a send to `chat_id` at `at_ms` and returns the chat's updated record.
    pub fn record(&mut self, chat_id: i64, at_ms: i64) -> &ChatPace {
        self.overall.push_back(at_ms);
        while self.overall.len() > self.limits.overall_per_sec.max(1) {
            self.overall.pop_front();
        }
        let keep = if Self::is_group(chat_id) {
            self.limits.group_per_min.max(1)
        } else {
            1
        };
        let p = self.chats.entry(chat_id).or_default();
        p.sent_ms.push(at_ms);
        p.sent_ms.retain(|t| *t > at_ms - MINUTE_MS);
        let excess = p.sent_ms.len().saturating_sub(keep);
        p.sent_ms.drain(..excess);
        if p.blocked_until_ms.is_some_and(|u| u <= at_ms) {
            p.blocked_until_ms = None;
        }
        p
    }

    /// Telegram said 429 for this chat: nothing goes there before `until_ms`.
    pub fn block(&mut self, chat_id: i64, until_ms: i64) -> &ChatPace {
        let p = self.chats.entry(chat_id).or_default();
        p.blocked_until_ms = Some(p.blocked_until_ms.unwrap_or(until_ms).max(until_ms));
        p
    }
}

/// The pacer the Telegram sender asks before every request. Records are written to the store as
/// they change (no fsync of their own: sled flushes within half a second, and a clean shutdown
/// flushes everything).
pub struct Pacer {
    db: Db,
    book: Mutex<PaceBook>,
}

impl Pacer {
    /// Loads the stored records, so limits hold across a restart.
    pub async fn load(db: Db, limits: Limits) -> Result<Pacer, StoreError> {
        let book = PaceBook::from_records(limits, db.telegram_paces().await?);
        Ok(Pacer {
            db,
            book: Mutex::new(book),
        })
    }

    fn book(&self) -> std::sync::MutexGuard<'_, PaceBook> {
        self.book.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn earliest(&self, chat_id: i64, now_ms: i64) -> i64 {
        self.book().earliest(chat_id, now_ms)
    }

    /// Takes a send slot for `chat_id` now, or says when one frees up. The slot is recorded (and
    /// persisted) before the request goes out: Telegram counts a request whatever its outcome.
    pub async fn try_acquire(
        &self,
        chat_id: i64,
        now_ms: i64,
    ) -> Result<Result<(), i64>, StoreError> {
        let rec = {
            let mut book = self.book();
            let at = book.earliest(chat_id, now_ms);
            if at > now_ms {
                return Ok(Err(at));
            }
            book.record(chat_id, now_ms).clone()
        };
        self.db.put_telegram_pace(chat_id, &rec).await?;
        Ok(Ok(()))
    }

    /// Records a 429's `retry_after` for this chat only.
    pub async fn block(&self, chat_id: i64, until_ms: i64) -> Result<(), StoreError> {
        let rec = self.book().block(chat_id, until_ms).clone();
        self.db.put_telegram_pace(chat_id, &rec).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVATE: i64 = 42;
    const GROUP: i64 = -100_123;

    #[test]
    fn one_message_per_second_per_chat() {
        let mut b = PaceBook::new(Limits::default());
        assert_eq!(b.earliest(PRIVATE, 10_000), 10_000);
        b.record(PRIVATE, 10_000);
        assert_eq!(b.earliest(PRIVATE, 10_100), 11_000);
        assert_eq!(b.earliest(PRIVATE, 12_000), 12_000);
        assert_eq!(b.earliest(7, 10_100), 10_100, "other chats go on");
    }

    #[test]
    fn twenty_per_minute_per_group() {
        let mut b = PaceBook::new(Limits::default());
        for i in 0..20 {
            let t = 1_000_000 + i * 1000;
            assert_eq!(b.earliest(GROUP, t), t, "send {i} is allowed");
            b.record(GROUP, t);
        }
        // The 21st waits until the first leaves the minute window.
        assert_eq!(b.earliest(GROUP, 1_020_000), 1_060_000);
        // A private chat has no minute limit.
        for i in 0..25 {
            b.record(PRIVATE, 2_000_000 + i * 1000);
        }
        assert_eq!(b.earliest(PRIVATE, 2_025_000), 2_025_000);
    }

    #[test]
    fn thirty_per_second_overall() {
        let mut b = PaceBook::new(Limits::default());
        for chat in 0..30 {
            b.record(chat + 1, 5_000 + chat);
        }
        assert_eq!(
            b.earliest(999, 5_100),
            6_040,
            "the first send plus the 1.04 s window"
        );
        assert_eq!(b.earliest(999, 6_500), 6_500);
    }

    #[test]
    fn a_429_blocks_only_that_chat_for_retry_after() {
        let mut b = PaceBook::new(Limits::default());
        b.block(PRIVATE, 50_000);
        assert_eq!(b.earliest(PRIVATE, 10_000), 50_000);
        assert_eq!(b.earliest(GROUP, 10_000), 10_000);
        b.record(PRIVATE, 50_000);
        assert_eq!(b.chats[&PRIVATE].blocked_until_ms, None, "block served");
    }

    #[test]
    fn rebuilt_book_keeps_every_limit() {
        let mut b = PaceBook::new(Limits::default());
        for i in 0..20 {
            b.record(GROUP, 100_000 + i * 1000);
        }
        for chat in 1..=29 {
            b.record(chat, 119_500);
        }
        b.block(7_000, 200_000);
        let records: Vec<(i64, ChatPace)> = b.chats.iter().map(|(k, v)| (*k, v.clone())).collect();
        let r = PaceBook::from_records(Limits::default(), records);
        for (chat, now) in [(GROUP, 119_600), (5, 119_600), (999, 119_600), (7_000, 0)] {
            assert_eq!(r.earliest(chat, now), b.earliest(chat, now), "chat {chat}");
        }
        assert_eq!(
            r.earliest(999, 119_600),
            120_040,
            "30 in the last 1.04 s window"
        );
        assert_eq!(r.earliest(GROUP, 119_600), 160_000, "20 in the last minute");
    }
}
