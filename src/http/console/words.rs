//! Plain words for the console: what organizers read says "Meeting started", "3 min ago" and
//! "Telegram group", not `meeting.started`, ISO timestamps or `telegram:-100…`. Values keep their
//! exact form where a person may need it (a `<time>` element's `datetime` and tooltip).

use maud::{Markup, html};

use crate::zoom::EventKind;

/// An event or job name in words ("Meeting started", "Confirmation email", "Test message").
pub fn event(name: &str) -> String {
    match name {
        crate::service::join::CONFIRM_EVENT => "Confirmation email".into(),
        other => EventKind::parse(other).plain().to_string(),
    }
}

/// What a delivery carried: the event in words, marked when it was a test.
pub fn what(event_name: &str, test: bool) -> String {
    if test {
        format!("Test message ({})", event(event_name))
    } else {
        event(event_name)
    }
}

/// A delivery's state in words.
pub fn delivery_state(state: &str) -> &'static str {
    match state {
        "sent" => "Delivered",
        "dead" => "Failed",
        _ => "Waiting to send",
    }
}

/// An event's status in words.
pub fn event_status(status: &str) -> &'static str {
    match status {
        "dispatched" => "passed on",
        "unroutable" => "not understood",
        "no_tenant" => "from an account that has not installed the app",
        _ => "waiting",
    }
}

/// `n thing` or `n things`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A destination key in words, naming a linked group by its title or a member by their name when
/// `names` (by chat id) has it.
pub fn destination_named(key: &str, names: &std::collections::BTreeMap<i64, String>) -> String {
    if let Some((chat, topic)) = key.strip_prefix("telegram:").map(telegram_parts) {
        if let Some((id, name)) = chat
            .parse::<i64>()
            .ok()
            .and_then(|c| Some((c, names.get(&c)?)))
        {
            let what = if id < 0 {
                "Telegram group"
            } else {
                "Telegram member"
            };
            return match topic {
                Some(t) => format!("{what} “{name}”, topic {t}"),
                None => format!("{what} “{name}”"),
            };
        }
    }
    destination(key)
}

/// The chat and forum topic of a Telegram key's rest (`-100…:7@bot9`), without the `@bot<id>` a
/// community's own bot adds: which bot sends is not what organizers ask about.
fn telegram_parts(rest: &str) -> (&str, Option<&str>) {
    let rest = rest.split('@').next().unwrap_or(rest);
    match rest.split_once(':') {
        Some((c, t)) => (c, Some(t)),
        None => (rest, None),
    }
}

/// A destination key (`telegram:-100…`, `email:…`, `webhook:…`, `log`) in words.
pub fn destination(key: &str) -> String {
    if let Some((chat, topic)) = key.strip_prefix("telegram:").map(telegram_parts) {
        let what = if chat.starts_with('-') {
            "Telegram group"
        } else {
            "Telegram member"
        };
        return match topic {
            Some(t) => format!("{what} {chat}, topic {t}"),
            None => format!("{what} {chat}"),
        };
    }
    if let Some(a) = key.strip_prefix("email:") {
        return format!("Email to {a}");
    }
    if let Some(url) = key.strip_prefix("webhook:") {
        let host = url
            .split("://")
            .nth(1)
            .and_then(|r| r.split(['/', '?']).next())
            .unwrap_or(url);
        return format!("Webhook to {host}");
    }
    if key == "log" {
        return "The relay's log".into();
    }
    key.to_string()
}

/// "just now", "3 min ago", "2 h ago", "yesterday", "5 days ago", or the date.
pub fn ago_ms(ms: i64, now_ms: i64) -> String {
    let secs = (now_ms - ms) / 1000;
    match secs {
        s if s < 0 => "in the future".into(),
        s if s < 60 => "just now".into(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s if s < 2 * 86_400 => "yesterday".into(),
        s if s < 14 * 86_400 => format!("{} days ago", s / 86_400),
        _ => chrono::DateTime::from_timestamp_millis(ms)
            .map(|d| d.format("%-d %B %Y").to_string())
            .unwrap_or_default(),
    }
}

/// A time as a `<time>` element: relative words, with the exact UTC time in `datetime` and as
/// a tooltip. `at` is RFC 3339 as the service layer writes it; anything else is shown as is.
pub fn time(at: &str) -> Markup {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => {
            let words = ago_ms(t.timestamp_millis(), chrono::Utc::now().timestamp_millis());
            let exact = t
                .with_timezone(&chrono::Utc)
                .format("%-d %B %Y, %H:%M UTC")
                .to_string();
            html! { time datetime=(at) title=(exact) { (words) } }
        }
        Err(_) => html! { (at) },
    }
}

/// The first letter in upper case (notices are written mid-sentence by several layers).
pub fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_people() {
        assert_eq!(event("meeting.started"), "Meeting started");
        assert_eq!(
            destination("telegram:-1001234567"),
            "Telegram group -1001234567"
        );
        assert_eq!(destination("telegram:42"), "Telegram member 42");
        assert_eq!(destination("email:a@b.org"), "Email to a@b.org");
        assert_eq!(
            destination("webhook:https://hooks.example.org/x?y=1"),
            "Webhook to hooks.example.org"
        );
        assert_eq!(count(1, "delivery", "deliveries"), "1 delivery");
        assert_eq!(count(3, "delivery", "deliveries"), "3 deliveries");
        let now = 1_000_000_000_000;
        assert_eq!(ago_ms(now - 5_000, now), "just now");
        assert_eq!(ago_ms(now - 180_000, now), "3 min ago");
        assert_eq!(ago_ms(now - 7_200_000, now), "2 h ago");
        assert_eq!(sentence("destination disabled"), "Destination disabled");
    }

    #[test]
    fn chats_are_named_by_title_or_member_name() {
        let names = std::collections::BTreeMap::from([
            (-1005, "Tuesday Readers".to_string()),
            (42, "Ana Pérez".to_string()),
        ]);
        assert_eq!(
            destination_named("telegram:-1005:7@bot9", &names),
            "Telegram group “Tuesday Readers”, topic 7"
        );
        assert_eq!(
            destination_named("telegram:42@bot9", &names),
            "Telegram member “Ana Pérez”"
        );
        assert_eq!(
            destination_named("telegram:43@bot9", &names),
            "Telegram member 43"
        );
    }
}
