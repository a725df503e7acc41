//! Escapers, one per output format. Handlebars applies them to substituted values only, never to the
//! template's own markup, so an organizer writes `<b>{{meeting.topic}}</b>` and the topic cannot open
//! a tag of its own.

/// How substituted values are escaped. Picked from the template key, never by the organizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Telegram HTML parse mode and email HTML.
    Html,
    /// Email subject: a header, so no line breaks.
    Subject,
    /// Plain-text email and the log: written as is.
    Text,
    /// Outgoing webhook bodies: JSON string content.
    Json,
}

impl Format {
    pub fn escape_fn(self) -> fn(&str) -> String {
        match self {
            Format::Html => escape_html,
            Format::Subject => escape_subject,
            Format::Text => handlebars::no_escape,
            Format::Json => escape_json,
        }
    }
}

/// Escapes `&`, `<`, `>` and `"` with the four named entities Telegram's HTML parse mode accepts
/// (core.telegram.org/bots/api#html-style). Handlebars' default escaper would also emit `&#x3D;`
/// and friends, which are legal but unreadable in a plain-text fallback and in logs.
/// Attribute values in templates must therefore use double quotes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            c if is_hidden_control(c) => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Bidirectional overrides and isolates (U+202A-202E, U+2066-2069), direction marks (U+200E,
/// U+200F, U+061C) and invisible zero-width characters (U+200B, U+2060, U+FEFF). A topic holding
/// them can reorder what a reader sees ("Trojan Source": U+202E before `gnp.exe` shows `exe.png`) or hide
/// text, so they are dropped from values in subjects and Telegram/HTML text. U+200C (ZWNJ) and
/// U+200D (ZWJ) stay: emoji sequences and scripts such as Persian and Hindi need them.
pub fn is_hidden_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{200B}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

/// A subject is a mail header: values lose hidden controls (see [`is_hidden_control`]), and a line
/// break in a value could start a new header (header injection), so every run of line-breaking
/// characters becomes one space.
pub fn escape_subject(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_break = false;
    for c in s.chars() {
        if is_hidden_control(c) {
            continue;
        }
        if is_line_break(c) {
            if !in_break {
                out.push(' ');
            }
            in_break = true;
        } else {
            out.push(c);
            in_break = false;
        }
    }
    out
}

/// The final subject: no line breaks at all (the template's own newlines included), whitespace
/// runs collapsed, trimmed.
pub fn finish_subject(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || is_line_break(c)) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// CR and LF, plus the other characters that some mail and log tools treat as line ends.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\r' | '\n' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// The content of a JSON string literal, without the quotes, so `"{{meeting.topic}}"` stays one
/// string whatever the topic holds.
pub fn escape_json(s: &str) -> String {
    let quoted = serde_json::Value::from(s).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

/// A formatted message as HTML text: escaped like any value, with the isolation marks Fluent puts
/// around placeables in right-to-left languages (U+2068 ... U+2069) turned into `<bdi>` elements,
/// since the HTML escaper drops such marks. The elements are always balanced, whatever the values
/// held, so a value cannot open markup.
pub fn message_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut open = 0usize;
    let mut rest = s;
    while let Some(i) = rest.find(['\u{2068}', '\u{2069}']) {
        out.push_str(&escape_html(&rest[..i]));
        if rest[i..].starts_with('\u{2068}') {
            out.push_str("<bdi>");
            open += 1;
        } else if open > 0 {
            out.push_str("</bdi>");
            open -= 1;
        }
        rest = &rest[i + '\u{2068}'.len_utf8()..];
    }
    out.push_str(&escape_html(rest));
    out.push_str(&"</bdi>".repeat(open));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_uses_only_the_four_named_entities() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom & 'Jerry' = 1</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; 'Jerry' = 1&lt;/a&gt;"
        );
    }

    #[test]
    fn subject_values_lose_line_breaks() {
        assert_eq!(escape_subject("a\r\nBcc: x@y\nc"), "a Bcc: x@y c");
        assert_eq!(
            finish_subject("\n  Started:  Weekly\r\n call \n"),
            "Started: Weekly call"
        );
    }

    #[test]
    fn bidi_and_zero_width_controls_are_dropped_but_joiners_stay() {
        let topic = "a\u{202E}gnp.exe\u{2066}b\u{200B}c\u{FEFF}d\u{200E}\u{061C}\u{2060}e";
        assert_eq!(escape_html(topic), "agnp.exebcde");
        assert_eq!(escape_subject(topic), "agnp.exebcde");
        // Family emoji (ZWJ sequence) and Persian with ZWNJ keep their joiners.
        let joined = "👩\u{200D}👩\u{200D}👧 می\u{200C}خواهم";
        assert_eq!(escape_html(joined), joined);
        assert_eq!(escape_subject(joined), joined);
    }

    #[test]
    fn json_escape_is_string_content() {
        assert_eq!(escape_json("a\"b\\c\nd"), r#"a\"b\\c\nd"#);
        let s = format!("\"{}\"", escape_json("\u{1}é😀"));
        assert_eq!(serde_json::from_str::<String>(&s).unwrap(), "\u{1}é😀");
    }
}
