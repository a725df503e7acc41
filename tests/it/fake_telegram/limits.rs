//! Telegram's limits and length rule as FakeTelegram applies them, per bot token.

use std::time::{Duration, Instant};

use super::{FakeState, JITTER};

/// Length as Telegram counts it: UTF-16 units after entity parsing (tags dropped, `&lt;` and
/// `&#128512;` count as the character they stand for).
pub fn telegram_len(text: &str, html: bool) -> usize {
    if !html {
        return text.encode_utf16().count();
    }
    let mut n = 0;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            rest = &rest[end + 1..];
            continue;
        }
        if c == '&'
            && let Some(end) = rest.find(';').filter(|e| *e < 12)
        {
            let body = &rest[1..end];
            let decoded = match body {
                "lt" | "gt" | "amp" | "quot" => Some('x'),
                _ => body
                    .strip_prefix("#x")
                    .map(|h| u32::from_str_radix(h, 16).ok())
                    .unwrap_or_else(|| body.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            if let Some(ch) = decoded {
                n += ch.len_utf16();
                rest = &rest[end + 1..];
                continue;
            }
        }
        n += c.len_utf16();
        rest = &rest[c.len_utf8()..];
    }
    n
}

/// The wait Telegram would ask for, or None when the send is within the limits.
pub(super) fn over_limit(s: &FakeState, token: &str, chat: i64, now: Instant) -> Option<Duration> {
    let mut wait = Duration::ZERO;
    if let Some(sent) = s.per_chat.get(&(token.to_string(), chat)) {
        if let Some(last) = sent.last() {
            let gap = now.duration_since(*last) + JITTER;
            if gap < Duration::from_secs(1) {
                wait = wait.max(Duration::from_secs(1) - gap);
            }
        }
        if chat < 0 {
            let in_minute: Vec<&Instant> = sent
                .iter()
                .filter(|t| now.duration_since(**t) < Duration::from_secs(60))
                .collect();
            if in_minute.len() >= 20 {
                wait = wait.max(Duration::from_secs(60) - now.duration_since(*in_minute[0]));
            }
        }
    }
    let in_second: Vec<&Instant> = s
        .overall
        .get(token)
        .into_iter()
        .flatten()
        .filter(|t| now.duration_since(**t) + JITTER < Duration::from_secs(1))
        .collect();
    if in_second.len() >= 30 {
        wait = wait.max(Duration::from_secs(1) - now.duration_since(*in_second[0]));
    }
    (!wait.is_zero()).then_some(wait)
}
