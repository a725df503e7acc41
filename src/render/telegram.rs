//! Telegram's HTML parse mode, as far as rendering needs it: which tags it accepts, how long a
//! message may be, and a plain-text fallback.
//!
//! Facts (core.telegram.org/bots/api#formatting-options, #sendmessage): text is 1–4096 characters
//! *after entity parsing*; tags are b/strong, i/em, u/ins, s/strike/del, span class="tg-spoiler",
//! tg-spoiler, a href, tg-emoji, code, pre, blockquote; entities are `&lt; &gt; &amp; &quot;` and
//! numeric ones. An unsupported tag or a bad entity makes Telegram refuse the whole message
//! ("can't parse entities"), and other relays lost messages by cutting long HTML mid-tag
//! (alertmanager#2923), so [`fit`] shortens on text only and closes what it leaves open.

/// Telegram's limit on a message's text.
pub const MAX_LEN: usize = 4096;

const TAGS: [&str; 16] = [
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
];

#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    Text(char),
    /// An entity and the character it stands for.
    Entity(&'a str, Option<char>),
    Open {
        raw: &'a str,
        name: String,
    },
    Close {
        raw: &'a str,
        name: String,
    },
}

fn entity(body: &str) -> Option<char> {
    match body {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        _ => {
            let num = body.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// The byte length of the entity `s` starts with (`&amp;`, `&#128512;`, at most 12 characters
/// with the `;`), if it starts with one that Telegram decodes. Any other `&` is a character of its
/// own. The splitter in `delivery::telegram` uses this too, so both agree on what cannot be cut.
pub fn entity_len(s: &str) -> Option<usize> {
    if !s.starts_with('&') {
        return None;
    }
    let (end, _) = s.char_indices().take(12).find(|(_, c)| *c == ';')?;
    entity(&s[1..end])?;
    Some(end + 1)
}

/// Splits HTML into tokens; a `<` with no `>`, or an `&` that is no entity, stays text (and
/// [`check`] reports it).
fn tokens(html: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(end) = rest.find('>') {
                let raw = &rest[..=end];
                let inner = &raw[1..raw.len() - 1];
                let (closing, inner) = match inner.strip_prefix('/') {
                    Some(i) => (true, i),
                    None => (false, inner),
                };
                let name: String = inner
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect::<String>()
                    .to_ascii_lowercase();
                out.push(if closing {
                    Token::Close { raw, name }
                } else {
                    Token::Open { raw, name }
                });
                rest = &rest[end + 1..];
                continue;
            }
        } else if c == '&'
            && let Some(len) = entity_len(rest)
        {
            let raw = &rest[..len];
            out.push(Token::Entity(raw, entity(&raw[1..len - 1])));
            rest = &rest[len..];
            continue;
        }
        out.push(if c == '&' {
            Token::Entity("&", None)
        } else {
            Token::Text(c)
        });
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Why Telegram would refuse this HTML, if it would.
pub fn check(html: &str) -> Result<(), String> {
    let mut open: Vec<String> = Vec::new();
    for t in tokens(html) {
        match t {
            Token::Text('<') => {
                return Err("a `<` is never closed by `>`; write `&lt;` for a literal `<`".into());
            }
            Token::Text('>') => {
                return Err("a `>` outside a tag; write `&gt;` for a literal `>`".into());
            }
            Token::Entity(_, None) => {
                return Err(
                    "a `&` does not start an entity; write `&amp;` for a literal `&`".into(),
                );
            }
            Token::Open { name, .. } | Token::Close { name, .. }
                if !TAGS.contains(&name.as_str()) =>
            {
                let hint = match name.as_str() {
                    "br" | "p" | "div" => "; use a line break instead",
                    _ => "",
                };
                return Err(format!("Telegram does not support the tag <{name}>{hint}"));
            }
            Token::Open { name, .. } => open.push(name),
            Token::Close { name, .. } => match open.pop() {
                Some(o) if o == name => {}
                Some(o) => return Err(format!("</{name}> closes <{o}>; tags must nest")),
                None => return Err(format!("</{name}> has no opening tag")),
            },
            _ => {}
        }
    }
    match open.pop() {
        Some(o) => Err(format!("<{o}> is never closed")),
        None => Ok(()),
    }
}

/// Length as Telegram counts it, after entity parsing. UTF-16 units: never fewer than characters,
/// so a message within this limit is within Telegram's however it counts.
pub fn visible_len(html: &str) -> usize {
    tokens(html)
        .iter()
        .map(|t| match t {
            Token::Text(c) | Token::Entity(_, Some(c)) => c.len_utf16(),
            Token::Entity(_, None) => 1,
            _ => 0,
        })
        .sum()
}

/// Shortens `html` to at most `max` visible units: cuts text only, never a tag or an entity, ends
/// with "…" and closes the tags it leaves open. Short messages come back unchanged.
pub fn fit(html: &str, max: usize) -> String {
    if visible_len(html) <= max {
        return html.to_owned();
    }
    let budget = max.saturating_sub(1);
    let mut used = 0;
    let mut out = String::with_capacity(html.len().min(max * 4));
    let mut open: Vec<String> = Vec::new();
    for t in tokens(html) {
        let units = match &t {
            Token::Text(c) | Token::Entity(_, Some(c)) => c.len_utf16(),
            Token::Entity(_, None) => 1,
            _ => 0,
        };
        if used + units > budget {
            break;
        }
        used += units;
        match t {
            Token::Text(c) => out.push(c),
            Token::Entity(raw, _) => out.push_str(raw),
            Token::Open { raw, name } => {
                out.push_str(raw);
                open.push(name);
            }
            Token::Close { raw, name } => {
                out.push_str(raw);
                if let Some(i) = open.iter().rposition(|o| *o == name) {
                    open.truncate(i);
                }
            }
        }
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    for name in open.iter().rev() {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
    out
}

/// The message as plain text, for the fallback when Telegram refuses the HTML: tags dropped,
/// entities decoded, link targets kept in brackets.
pub fn to_plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut links: Vec<(Option<String>, usize)> = Vec::new();
    for t in tokens(html) {
        match t {
            Token::Text(c) | Token::Entity(_, Some(c)) => out.push(c),
            Token::Entity(raw, None) => out.push_str(raw),
            Token::Open { raw, name } if name == "a" => links.push((href(raw), out.len())),
            Token::Close { name, .. } if name == "a" => {
                if let Some((Some(url), start)) = links.pop()
                    && out[start..].trim() != url
                {
                    out.push_str(" (");
                    out.push_str(&url);
                    out.push(')');
                }
            }
            _ => {}
        }
    }
    out
}

fn href(tag: &str) -> Option<String> {
    let start = tag.find("href=\"")? + 6;
    let end = start + tag[start..].find('"')?;
    Some(
        tokens(&tag[start..end])
            .iter()
            .map(|t| match t {
                Token::Text(c) | Token::Entity(_, Some(c)) => c.to_string(),
                Token::Entity(raw, None) => raw.to_string(),
                Token::Open { raw, .. } | Token::Close { raw, .. } => raw.to_string(),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_telegram_markup_and_entities() {
        check(r#"<b>a &amp; b</b> <a href="https://x/?a=1&amp;b=2">j</a> &#128512; &#x1F600; <tg-spoiler>s</tg-spoiler>"#).unwrap();
    }

    #[test]
    fn names_what_telegram_would_refuse() {
        assert!(check("a<br>b").unwrap_err().contains("<br>"));
        assert!(check("<b>x</i>").unwrap_err().contains("nest"));
        assert!(check("<b>x").unwrap_err().contains("never closed"));
        assert!(check("Tom & Jerry").unwrap_err().contains("&amp;"));
        assert!(check("1 < 2").unwrap_err().contains("&lt;"));
        assert!(check("2 > 1").unwrap_err().contains("&gt;"));
    }

    #[test]
    fn only_real_entities_are_one_token() {
        assert_eq!(entity_len("&amp; x"), Some(5));
        assert_eq!(entity_len("&#x1F600;"), Some(9));
        // Found by the telegram_split fuzz target: `&am&;` is five characters, not one entity.
        assert_eq!(entity_len("&am&;"), None);
        assert_eq!(entity_len("&;"), None);
        assert_eq!(entity_len("& Jerry;"), None);
        assert_eq!(visible_len("&am&;"), 5);
    }

    #[test]
    fn length_counts_entities_once() {
        assert_eq!(visible_len("<b>a&amp;b</b>"), 3);
        assert_eq!(visible_len("😀"), 2);
    }

    #[test]
    fn fit_cuts_text_only_and_closes_tags() {
        let html = "<b>Hello &amp; <i>wonderful</i> world</b>";
        assert_eq!(fit(html, 100), html);
        let short = fit(html, 12);
        assert_eq!(short, "<b>Hello &amp; <i>won…</i></b>");
        assert_eq!(visible_len(&short), 12);
        check(&short).unwrap();
        let long = format!("<b>{}</b>", "x".repeat(5000));
        let cut = fit(&long, MAX_LEN);
        assert_eq!(visible_len(&cut), MAX_LEN);
        check(&cut).unwrap();
    }

    #[test]
    fn plain_text_keeps_link_targets() {
        assert_eq!(
            to_plain_text(
                r#"<b>Call</b> &lt;3 <a href="https://zoom.us/j/1?a=1&amp;b=2">Join</a>"#
            ),
            "Call <3 Join (https://zoom.us/j/1?a=1&b=2)"
        );
    }
}
