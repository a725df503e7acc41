//! What a fan-out scenario measured from the fake Telegram's log, and the report every fan-out
//! scenario (`telegram_fanout`, `telegram_fanout_bots`, `pg_fanout`) shares.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::json;

use super::FANOUT_RATIO_TARGET;
use super::fake::FakeState;
use crate::intake::{round, verdict};
use crate::{Report, Row};

/// What sets a fan-out's bound besides the chat count, for the table: the number of bots when
/// several share the chats (`None`: the one shared bot).
#[derive(Default)]
pub struct FanoutSetup {
    pub bots: Option<usize>,
}

/// How many distinct chats the fake has accepted a message for.
pub fn chats_reached(s: &FakeState) -> usize {
    s.accepted
        .iter()
        .map(|(c, _)| *c)
        .collect::<HashSet<_>>()
        .len()
}

pub struct FanoutMeasure {
    complete: bool,
    /// From the webhook's 200 to the message that completed the set of chats.
    elapsed: Option<Duration>,
    first: Option<Duration>,
    received_chats: usize,
    accepted: usize,
    throttled: usize,
    refused: usize,
    max_in_1s: usize,
    longest_gap: Duration,
    deferrals: Option<f64>,
}

impl FanoutMeasure {
    pub fn new(
        s: &FakeState,
        acked: Instant,
        n: usize,
        complete: bool,
        deferrals: Option<f64>,
    ) -> FanoutMeasure {
        let mut seen = HashSet::new();
        let mut elapsed = None;
        for (chat, at) in &s.accepted {
            if seen.insert(*chat) && seen.len() == n {
                elapsed = Some(at.saturating_duration_since(acked));
            }
        }
        let times: Vec<Instant> = s.accepted.iter().map(|(_, t)| *t).collect();
        let mut max_in_1s = 0;
        let mut lo = 0;
        for hi in 0..times.len() {
            while times[hi].duration_since(times[lo]) >= Duration::from_secs(1) {
                lo += 1;
            }
            max_in_1s = max_in_1s.max(hi - lo + 1);
        }
        let longest_gap = times
            .windows(2)
            .map(|w| w[1].duration_since(w[0]))
            .max()
            .unwrap_or_default();
        FanoutMeasure {
            complete: complete && elapsed.is_some(),
            elapsed,
            first: times.first().map(|t| t.saturating_duration_since(acked)),
            received_chats: seen.len(),
            accepted: s.accepted.len(),
            throttled: s.throttled,
            refused: s.refused,
            max_in_1s,
            longest_gap,
            deferrals,
        }
    }

    /// How the one shared bot paced the messages: duplicates, the first message, the longest gap.
    pub fn pacing_detail(&self) -> serde_json::Value {
        json!({
            "duplicate_messages": self.accepted.saturating_sub(self.received_chats),
            "first_message_ms": self.first.map(|f| round(f.as_secs_f64() * 1e3, 1)),
            "longest_gap_ms": round(self.longest_gap.as_secs_f64() * 1e3, 1),
        })
    }

    /// The report every fan-out scenario shares (the ratio to its bound, zero 429s), plus the
    /// scenario's own `extra` JSON fields.
    pub fn report(
        &self,
        scenario: &str,
        n: usize,
        bound: Duration,
        setup: FanoutSetup,
        extra: serde_json::Value,
        load_before: Option<f64>,
    ) -> Report {
        let m = self;
        let ratio = m.elapsed.map(|e| e.as_secs_f64() / bound.as_secs_f64());
        let flagged = !m.complete || m.refused > 0;
        let pass = !flagged && m.throttled == 0 && ratio.is_some_and(|r| r <= FANOUT_RATIO_TARGET);
        let mut j = json!({
            "scenario": scenario,
            "value": ratio.map(|r| round(r, 3)),
            "target": format!("ratio<={FANOUT_RATIO_TARGET} and 0 429s"),
            "pass": pass,
            "errors": m.throttled + m.refused,
            "flagged": flagged,
            "chats": n,
            "received_chats": m.received_chats,
            "messages_accepted": m.accepted,
            "elapsed_s": m.elapsed.map(|e| round(e.as_secs_f64(), 3)),
            "bound_s": round(bound.as_secs_f64(), 3),
            "http_429": m.throttled,
            "refused": m.refused,
            "max_in_any_1s": m.max_in_1s,
            "telegram_deferrals": m.deferrals,
        });
        if let (Some(j), serde_json::Value::Object(extra)) = (j.as_object_mut(), extra) {
            j.extend(extra);
        }
        let (bots, per) = match setup.bots {
            Some(b) => (format!(", {b} bots"), format!("N/{b}")),
            None => (String::new(), "N".to_string()),
        };
        let row = Row {
            scenario: scenario.into(),
            rate: match (ratio, m.elapsed) {
                (Some(r), Some(e)) => format!("{r:.3} ({:.1} s, N={n}{bots})", e.as_secs_f64()),
                _ => format!("{} of {n} chats", m.received_chats),
            },
            p50: "-".into(),
            p99: "-".into(),
            errors: (m.throttled + m.refused).to_string(),
            target: format!("<= {FANOUT_RATIO_TARGET} x {per}/30s, 0 429"),
            verdict: verdict(pass, flagged),
        };
        Report::with_load(j, row, load_before)
    }
}
