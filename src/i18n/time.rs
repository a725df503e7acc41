//! Dates and times in the reader's language: names from the locale data (chrono's
//! `unstable-locales`, glibc's locale database), the hour cycle from the same data, and the
//! sentence around them from the catalogue.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use fluent_bundle::FluentValue;

use super::Lang;

/// How a moment is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeStyle<'a> {
    /// "Tuesday, December 8 at 6:30 PM EST", "martes, 8 de diciembre, 18:30 CET".
    DateTime,
    /// "Tuesday, December 8".
    Date,
    /// "Tue Dec 8".
    DateShort,
    /// "6:30 PM EST" or "18:30 CET", by the locale's clock.
    Time,
    /// A strftime pattern chosen by a template; names still come out in the language.
    Pattern(&'a str),
}

impl<'a> TimeStyle<'a> {
    /// The style named in a template (`{{time x "date"}}`), else the string as a pattern.
    pub fn parse(s: &'a str) -> TimeStyle<'a> {
        match s {
            "datetime" | "long" => TimeStyle::DateTime,
            "date" => TimeStyle::Date,
            "date-short" => TimeStyle::DateShort,
            "time" => TimeStyle::Time,
            other => TimeStyle::Pattern(other),
        }
    }

    pub const NAMES: [&'static str; 4] = ["datetime", "date", "date-short", "time"];
}

/// Whether the locale writes times on a 12-hour clock, from its own time format.
fn twelve_hour(lang: Lang) -> bool {
    let fmt = pure_rust_locales::locale_match!(lang.locale_data() => LC_TIME::T_FMT);
    ["%p", "%r", "%I", "%l"].iter().any(|c| fmt.contains(c))
}

fn clock_pattern(lang: Lang) -> &'static str {
    if twelve_hour(lang) {
        "%-I:%M %p %Z"
    } else {
        "%H:%M %Z"
    }
}

fn strftime(t: DateTime<Utc>, tz: Tz, lang: Lang, pattern: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    // The caller checked the pattern (a bad one would make `write!` fail, not panic).
    let _ = write!(
        out,
        "{}",
        t.with_timezone(&tz)
            .format_localized(pattern, lang.locale_data())
    );
    out
}

/// `t` in zone `tz`, written for `lang`.
pub fn format_time(t: DateTime<Utc>, tz: Tz, lang: Lang, style: TimeStyle<'_>) -> String {
    match style {
        TimeStyle::Pattern(p) => strftime(t, tz, lang, p),
        TimeStyle::Time => strftime(t, tz, lang, clock_pattern(lang)),
        TimeStyle::Date => strftime(t, tz, lang, &lang.tr("time-date")),
        TimeStyle::DateShort => strftime(t, tz, lang, &lang.tr("time-date-short")),
        TimeStyle::DateTime => {
            let date = strftime(t, tz, lang, &lang.tr("time-date"));
            let time = strftime(t, tz, lang, clock_pattern(lang));
            lang.t(
                "time-date-time",
                &[
                    ("date", FluentValue::from(date)),
                    ("time", FluentValue::from(time)),
                ],
            )
        }
    }
}

/// "in 10 minutes", "vor 2 Stunden", "just now": `t` seen from `now`, rounded to the unit a
/// person would use.
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    let secs = (t - now).num_seconds();
    let future = secs > 0;
    let abs = secs.unsigned_abs();
    let (unit, count) = match abs {
        0..60 => return lang.tr("relative-now"),
        60..3_600 => ("minutes", (abs + 30) / 60),
        3_600..86_400 => ("hours", (abs + 1_800) / 3_600),
        _ => ("days", (abs + 43_200) / 86_400),
    };
    let key = format!("relative-{unit}-{}", if future { "future" } else { "past" });
    lang.t(&key, &[("count", FluentValue::from(count as f64))])
}

/// "45 min", "1 h 30 min" in the language.
pub fn duration_minutes(minutes: i64, lang: Lang) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    let n = |v: i64| FluentValue::from(v as f64);
    match (h, m) {
        (0, m) => lang.t("duration-minutes", &[("minutes", n(m))]),
        (h, 0) => lang.t("duration-hours", &[("hours", n(h))]),
        (h, m) => lang.t(
            "duration-hours-minutes",
            &[("hours", n(h)), ("minutes", n(m))],
        ),
    }
}
