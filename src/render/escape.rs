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
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A subject is a mail header: a line break in a value could start a new header (header injection),
/// so every run of line-breaking characters becomes one space.
pub fn escape_subject(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_break = false;
    for c in s.chars() {
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
    fn json_escape_is_string_content() {
        assert_eq!(escape_json("a\"b\\c\nd"), r#"a\"b\\c\nd"#);
        let s = format!("\"{}\"", escape_json("\u{1}é😀"));
        assert_eq!(serde_json::from_str::<String>(&s).unwrap(), "\u{1}é😀");
    }
}
