//! Telegram's send limits as pure arithmetic, shared by every backend (DESIGN section 9).
//!
//! Why it lives in the store: the decision "may this bot send to this chat now, and if not, when?"
//! has to be taken where the state is. On PostgreSQL that is inside one transaction holding the
//! bot's row and the chat's row (`pg/aggregates/chat_state.rs`), so that every replica on the
//! database spends one shared budget; on sled (one process) it is an in-memory [`PaceBook`] kept
//! by the store and written through to two trees (`telegram.rs`). Both call the functions below,
//! so the limits are written once and are tested here with made-up clocks.
//!
//! Every limit has the form "at most N sends in any window W", so the earliest allowed time is the
//! latest of a few fixed bounds: the N-th most recent send plus W, and a 429 block.
//!
//! State is keyed by bot: the numeric id before the ':' of its token (the token itself is never
//! stored), so that several bots would each get their own 30/s.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

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

/// A clock in milliseconds since the epoch. The store reads it only once it holds the state it
/// decides on (the row locks, the book's mutex): a time read before waiting for a lock would be
/// stale by the wait, and a send would be recorded earlier than it goes out.
pub type Clock = dyn Fn() -> i64 + Send + Sync;

/// One bot's most recent sends across all its chats, for the overall limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotPace {
    /// Send times (ms), oldest first; at most `overall_per_sec` kept.
    pub sent_ms: Vec<i64>,
}

/// One chat's recent sends and 429 block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatPace {
    /// Send times (ms), oldest first; only the most recent ones that can still matter are kept.
    pub sent_ms: Vec<i64>,
    /// Telegram answered 429 for this chat: nothing goes there before this time (ms).
    #[serde(default)]
    pub blocked_until_ms: Option<i64>,
}

/// The answer to "may I send now?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Yes: the send is counted at `at_ms` (the store's clock when it decided).
    Granted { at_ms: i64 },
    /// No: nothing may go to that chat before this time (ms).
    NotBefore(i64),
}

fn is_group(chat_id: i64) -> bool {
    chat_id < 0
}

/// The earliest time (ms) `chat_id` may receive a message, never before `now_ms`.
pub fn earliest(l: &Limits, bot: &BotPace, chat_id: i64, chat: &ChatPace, now_ms: i64) -> i64 {
    let mut t = now_ms;
    let n = l.overall_per_sec;
    if n > 0 && bot.sent_ms.len() >= n {
        t = t.max(bot.sent_ms[bot.sent_ms.len() - n] + l.overall_window_ms);
    }
    if let Some(until) = chat.blocked_until_ms {
        t = t.max(until);
    }
    if let Some(last) = chat.sent_ms.last() {
        t = t.max(last + l.chat_interval_ms);
    }
    let g = l.group_per_min;
    if is_group(chat_id) && g > 0 && chat.sent_ms.len() >= g {
        t = t.max(chat.sent_ms[chat.sent_ms.len() - g] + MINUTE_MS);
    }
    t
}

/// Inserts `at` keeping `times` sorted (replicas' clocks may disagree by a little), then keeps only
/// the `keep` most recent.
fn push_sorted(times: &mut Vec<i64>, at: i64, keep: usize) {
    let pos = times.partition_point(|t| *t <= at);
    times.insert(pos, at);
    let excess = times.len().saturating_sub(keep.max(1));
    times.drain(..excess);
}

/// Counts a send to `chat_id` at `at_ms` in both records.
pub fn record(l: &Limits, bot: &mut BotPace, chat_id: i64, chat: &mut ChatPace, at_ms: i64) {
    push_sorted(&mut bot.sent_ms, at_ms, l.overall_per_sec);
    let keep = if is_group(chat_id) {
        l.group_per_min
    } else {
        1
    };
    chat.sent_ms.retain(|t| *t > at_ms - MINUTE_MS);
    push_sorted(&mut chat.sent_ms, at_ms, keep);
    if chat.blocked_until_ms.is_some_and(|u| u <= at_ms) {
        chat.blocked_until_ms = None;
    }
}

/// Telegram said 429 for this chat: nothing goes there before `until_ms` (a later block wins).
pub fn block(chat: &mut ChatPace, until_ms: i64) {
    chat.blocked_until_ms = Some(chat.blocked_until_ms.unwrap_or(until_ms).max(until_ms));
}

/// Takes a slot at `now_ms` if every limit allows it, recording the send; else says when.
pub fn take(l: &Limits, bot: &mut BotPace, chat_id: i64, chat: &mut ChatPace, now_ms: i64) -> Slot {
    let at = earliest(l, bot, chat_id, chat, now_ms);
    if at > now_ms {
        return Slot::NotBefore(at);
    }
    record(l, bot, chat_id, chat, now_ms);
    Slot::Granted { at_ms: now_ms }
}

/// Every bot's and chat's state in memory: the sled backend's fast path (one process owns the
/// store, so its memory is the whole truth; the trees only carry it across a restart).
#[derive(Debug, Default)]
pub struct PaceBook {
    bots: HashMap<i64, BotPace>,
    chats: HashMap<(i64, i64), ChatPace>,
}

/// The records a granted slot changed, to be written through.
pub type Changed<'a> = (&'a BotPace, &'a ChatPace);

impl PaceBook {
    pub fn from_records(bots: Vec<(i64, BotPace)>, chats: Vec<((i64, i64), ChatPace)>) -> Self {
        PaceBook {
            bots: bots.into_iter().collect(),
            chats: chats.into_iter().collect(),
        }
    }

    pub fn earliest(&self, l: &Limits, bot_id: i64, chat_id: i64, now_ms: i64) -> i64 {
        let empty_bot = BotPace::default();
        let empty_chat = ChatPace::default();
        earliest(
            l,
            self.bots.get(&bot_id).unwrap_or(&empty_bot),
            chat_id,
            self.chats.get(&(bot_id, chat_id)).unwrap_or(&empty_chat),
            now_ms,
        )
    }

    /// [`take`] on this book; a granted slot also returns the records it changed.
    pub fn take(
        &mut self,
        l: &Limits,
        bot_id: i64,
        chat_id: i64,
        now_ms: i64,
    ) -> (Slot, Option<Changed<'_>>) {
        let at = self.earliest(l, bot_id, chat_id, now_ms);
        if at > now_ms {
            return (Slot::NotBefore(at), None);
        }
        let bot = self.bots.entry(bot_id).or_default();
        let chat = self.chats.entry((bot_id, chat_id)).or_default();
        record(l, bot, chat_id, chat, now_ms);
        (Slot::Granted { at_ms: now_ms }, Some((bot, chat)))
    }

    /// [`block`] on this book; returns the chat's updated record.
    pub fn block(&mut self, bot_id: i64, chat_id: i64, until_ms: i64) -> &ChatPace {
        let chat = self.chats.entry((bot_id, chat_id)).or_default();
        block(chat, until_ms);
        chat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOT: i64 = 123;
    const PRIVATE: i64 = 42;
    const GROUP: i64 = -100_123;

    fn book() -> (PaceBook, Limits) {
        (PaceBook::default(), Limits::default())
    }

    fn granted(s: Slot) -> bool {
        matches!(s, Slot::Granted { .. })
    }

    #[test]
    fn one_message_per_second_per_chat() {
        let (mut b, l) = book();
        assert_eq!(b.earliest(&l, BOT, PRIVATE, 10_000), 10_000);
        assert!(granted(b.take(&l, BOT, PRIVATE, 10_000).0));
        assert_eq!(b.take(&l, BOT, PRIVATE, 10_100).0, Slot::NotBefore(11_000));
        assert_eq!(b.earliest(&l, BOT, PRIVATE, 12_000), 12_000);
        assert_eq!(b.earliest(&l, BOT, 7, 10_100), 10_100, "other chats go on");
    }

    #[test]
    fn twenty_per_minute_per_group() {
        let (mut b, l) = book();
        for i in 0..20 {
            let t = 1_000_000 + i * 1000;
            assert!(granted(b.take(&l, BOT, GROUP, t).0), "send {i} is allowed");
        }
        // The 21st waits until the first leaves the minute window.
        assert_eq!(b.earliest(&l, BOT, GROUP, 1_020_000), 1_060_000);
        // A private chat has no minute limit.
        for i in 0..25 {
            assert!(granted(b.take(&l, BOT, PRIVATE, 2_000_000 + i * 1000).0));
        }
        assert_eq!(b.earliest(&l, BOT, PRIVATE, 2_025_000), 2_025_000);
    }

    #[test]
    fn thirty_per_second_per_bot() {
        let (mut b, l) = book();
        for chat in 0..30 {
            assert!(granted(b.take(&l, BOT, chat + 1, 5_000 + chat).0));
        }
        assert_eq!(
            b.take(&l, BOT, 999, 5_100).0,
            Slot::NotBefore(6_040),
            "the first send plus the 1.04 s window"
        );
        assert_eq!(b.earliest(&l, BOT, 999, 6_500), 6_500);
        assert_eq!(
            b.earliest(&l, 456, 999, 5_100),
            5_100,
            "another bot has its own budget"
        );
    }

    #[test]
    fn a_429_blocks_only_that_chat_for_retry_after() {
        let (mut b, l) = book();
        b.block(BOT, PRIVATE, 50_000);
        b.block(BOT, PRIVATE, 40_000);
        assert_eq!(
            b.earliest(&l, BOT, PRIVATE, 10_000),
            50_000,
            "the later block wins"
        );
        assert_eq!(b.earliest(&l, BOT, GROUP, 10_000), 10_000);
        assert!(granted(b.take(&l, BOT, PRIVATE, 50_000).0));
        assert_eq!(
            b.chats[&(BOT, PRIVATE)].blocked_until_ms,
            None,
            "block served"
        );
    }

    #[test]
    fn a_send_recorded_out_of_order_keeps_the_window_sorted() {
        let l = Limits::default();
        let (mut bot, mut chat) = (BotPace::default(), ChatPace::default());
        for t in [100, 300, 200] {
            record(&l, &mut bot, GROUP, &mut chat, t);
        }
        assert_eq!(bot.sent_ms, [100, 200, 300]);
        assert_eq!(chat.sent_ms, [100, 200, 300]);
    }

    #[test]
    fn a_book_rebuilt_from_its_records_keeps_every_limit() {
        let (mut b, l) = book();
        for i in 0..20 {
            b.take(&l, BOT, GROUP, 100_000 + i * 1000);
        }
        for chat in 1..=29 {
            b.take(&l, BOT, chat, 119_500);
        }
        b.block(BOT, 7_000, 200_000);
        let r = PaceBook::from_records(
            b.bots.iter().map(|(k, v)| (*k, v.clone())).collect(),
            b.chats.iter().map(|(k, v)| (*k, v.clone())).collect(),
        );
        for (chat, now) in [(GROUP, 119_600), (5, 119_600), (999, 119_600), (7_000, 0)] {
            assert_eq!(
                r.earliest(&l, BOT, chat, now),
                b.earliest(&l, BOT, chat, now),
                "chat {chat}"
            );
        }
        assert_eq!(
            r.earliest(&l, BOT, 999, 119_600),
            120_040,
            "30 in the last 1.04 s window"
        );
        assert_eq!(
            r.earliest(&l, BOT, GROUP, 119_600),
            160_000,
            "20 in the last minute"
        );
    }
}
