//! Parsing what people type: `/cmd[@BotName] args`, and durations such as `2h` or `1h30m`.
//! Pure functions, so the rules are unit-tested without Telegram.

use std::time::Duration;

pub use crate::service::codes::parse_duration;

use crate::i18n::Lang;

/// The longest mute accepted: long enough for a holiday, short enough to be noticed.
pub const MAX_MUTE: Duration = Duration::from_secs(90 * 24 * 3600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/start` with its deep-link payload, if any.
    Start(Option<String>),
    Help,
    Subscribe(Option<String>),
    /// `/unsubscribe` (everything) or `/unsubscribe ROUTE`.
    Unsubscribe(Option<String>),
    List,
    Mute(MuteArg),
    Link(Option<String>),
    Unlink(Option<String>),
    Status,
    Routes,
    Test(Option<String>),
    Pause(Option<String>),
    Resume(Option<String>),
    Notices,
    /// An organizer stops being one (every account they organize).
    Leave,
    /// `/language` (list), `/language es` (choose) or `/language auto` (follow Telegram again).
    Language(Option<String>),
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MuteArg {
    For(Duration),
    Off,
    Missing,
    /// Not a duration we understand, or longer than [`MAX_MUTE`].
    Bad(String),
}

/// A command found in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub command: Command,
    /// The `@BotName` suffix, when the command was addressed to a bot explicitly.
    pub addressed_to: Option<String>,
}

impl Parsed {
    /// Whether this message is for a bot called `username` (Telegram usernames are
    /// case-insensitive). A bare `/cmd` is for every bot in the chat.
    pub fn is_for(&self, username: Option<&str>) -> bool {
        match (&self.addressed_to, username) {
            (Some(to), Some(me)) => to.eq_ignore_ascii_case(me),
            _ => true,
        }
    }
}

/// Parses `text` as a bot command, or None when it is not one. Telegram commands are `/` plus
/// up to 32 letters, digits and underscores, optionally followed by `@botname`.
pub fn parse(text: &str) -> Option<Parsed> {
    let text = text.trim();
    let rest = text.strip_prefix('/')?;
    let (head, args) = match rest.split_once(char::is_whitespace) {
        Some((h, a)) => (h, a.trim()),
        None => (rest, ""),
    };
    let (name, addressed_to) = match head.split_once('@') {
        Some((n, to)) => (n, Some(to.to_string())),
        None => (head, None),
    };
    if name.is_empty()
        || name.len() > 32
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return None;
    }
    let arg = || {
        let first = args.split_whitespace().next()?;
        Some(first.to_string())
    };
    let command = match name.to_ascii_lowercase().as_str() {
        "start" => Command::Start(arg()),
        "help" => Command::Help,
        "subscribe" => Command::Subscribe(arg()),
        "unsubscribe" | "stop" => Command::Unsubscribe(non_empty(args)),
        "list" => Command::List,
        "mute" => Command::Mute(mute_arg(args)),
        "unmute" => Command::Mute(MuteArg::Off),
        "link" => Command::Link(arg()),
        "unlink" => Command::Unlink(non_empty(args)),
        "status" => Command::Status,
        "routes" => Command::Routes,
        "test" => Command::Test(non_empty(args)),
        "pause" => Command::Pause(non_empty(args)),
        "resume" => Command::Resume(non_empty(args)),
        "notices" => Command::Notices,
        "leave" => Command::Leave,
        "language" | "lang" => Command::Language(arg()),
        other => Command::Unknown(other.to_string()),
    };
    Some(Parsed {
        command,
        addressed_to,
    })
}

/// Route names may contain spaces, so the whole rest of the line is the argument.
fn non_empty(args: &str) -> Option<String> {
    (!args.is_empty()).then(|| args.to_string())
}

fn mute_arg(args: &str) -> MuteArg {
    let a = args.trim();
    if a.is_empty() {
        return MuteArg::Missing;
    }
    if a.eq_ignore_ascii_case("off") {
        return MuteArg::Off;
    }
    match parse_duration(a) {
        Some(d) if d <= MAX_MUTE => MuteArg::For(d),
        _ => MuteArg::Bad(a.to_string()),
    }
}

/// `2 h`, `1 h 30 min`, `3 d` for replies, with the units of `lang`.
pub fn describe_duration(d: Duration, lang: Lang) -> String {
    let mut secs = d.as_secs();
    let mut parts = Vec::new();
    let units = [
        (86_400, "bot-unit-days"),
        (3600, "bot-unit-hours"),
        (60, "bot-unit-minutes"),
        (1, "bot-unit-seconds"),
    ];
    for (unit, key) in units {
        if secs >= unit {
            parts.push(lang.t(key, &[("count", (secs / unit).into())]));
            secs %= unit;
        }
    }
    if parts.is_empty() {
        lang.t("bot-unit-seconds", &[("count", 0.into())])
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(text: &str) -> Command {
        parse(text).expect("a command").command
    }

    /// Each text and the command it parses as.
    fn parses_as(cases: &[(&str, Command)]) {
        for (text, want) in cases {
            assert_eq!(&cmd(text), want, "{text}");
        }
    }

    #[test]
    fn commands_parse_with_arguments_and_bot_names() {
        let some = |s: &str| Some(s.to_string());
        parses_as(&[
            ("/start", Command::Start(None)),
            ("/start abc123", Command::Start(some("abc123"))),
            ("/START@Relay_Bot  xyz ", Command::Start(some("xyz"))),
            ("/subscribe  CODE1", Command::Subscribe(some("CODE1"))),
            ("/unsubscribe", Command::Unsubscribe(None)),
            (
                "/unsubscribe Tuesday group: started",
                Command::Unsubscribe(some("Tuesday group: started")),
            ),
            ("/link@relay_bot L-1", Command::Link(some("L-1"))),
            ("/pause Weekly sync", Command::Pause(some("Weekly sync"))),
            ("/leave", Command::Leave),
            ("/language", Command::Language(None)),
            (
                "/language@relay_bot pt-BR",
                Command::Language(some("pt-BR")),
            ),
            ("/frobnicate", Command::Unknown("frobnicate".into())),
        ]);
        assert_eq!(parse("hello"), None);
        assert_eq!(parse("/"), None);
        assert_eq!(parse("/not-a-command"), None);
    }

    #[test]
    fn a_command_for_another_bot_is_not_ours() {
        let p = parse("/help@other_bot").unwrap();
        assert!(!p.is_for(Some("relay_bot")));
        assert!(parse("/help@RELAY_bot").unwrap().is_for(Some("relay_bot")));
        assert!(parse("/help").unwrap().is_for(Some("relay_bot")));
        assert!(p.is_for(None), "before getMe answered, accept");
    }

    #[test]
    fn mute_arguments() {
        parses_as(&[
            (
                "/mute 2h",
                Command::Mute(MuteArg::For(Duration::from_secs(7200))),
            ),
            ("/mute OFF", Command::Mute(MuteArg::Off)),
            ("/unmute", Command::Mute(MuteArg::Off)),
            ("/mute", Command::Mute(MuteArg::Missing)),
            ("/mute soon", Command::Mute(MuteArg::Bad("soon".into()))),
            ("/mute 1000d", Command::Mute(MuteArg::Bad("1000d".into()))),
        ]);
    }

    #[test]
    fn durations() {
        let d = |s| parse_duration(s).map(|d| d.as_secs());
        assert_eq!(d("90m"), Some(5400));
        assert_eq!(d("2h"), Some(7200));
        assert_eq!(d("1h30m"), Some(5400));
        assert_eq!(d("3D"), Some(259_200));
        assert_eq!(d("1w"), Some(604_800));
        assert_eq!(d("45s"), Some(45));
        for bad in [
            "",
            "2",
            "h",
            "0h",
            "2x",
            "1.5h",
            "-1h",
            "2 h",
            "99999999999999999999w",
        ] {
            assert_eq!(d(bad), None, "{bad:?}");
        }
        let en = Lang::english();
        assert_eq!(
            describe_duration(Duration::from_secs(5400), en),
            "1 h 30 min"
        );
        assert_eq!(
            describe_duration(Duration::from_secs(86_400 * 2), en),
            "2 d"
        );
        let ru = Lang::from_tag("ru").unwrap();
        assert_eq!(
            describe_duration(Duration::from_secs(5400), ru),
            "1 ч 30 мин"
        );
    }
}
