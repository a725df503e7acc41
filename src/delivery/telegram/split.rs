//! Long messages: Telegram HTML cut into parts that each fit the limit and are valid on their own,
//! and the plain-text form of a part Telegram refused to parse.

use crate::render::telegram::{MAX_LEN, entity_len, to_plain_text, visible_len};

/// A part as plain text, for Telegram's refusal of its HTML. Link targets written out can make it
/// longer than the HTML's visible text, so it is cut to the limit.
#[doc(hidden)] // public for the fuzz target only
pub fn plain_fallback(part: &str) -> String {
    let text = to_plain_text(part);
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units + c.len_utf16() > MAX_LEN - 1 {
            return format!("{}…", &text[..i]);
        }
        units += c.len_utf16();
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Splitting.

/// A piece of Telegram HTML that must stay whole.
#[derive(Debug)]
enum Piece<'a> {
    Open {
        raw: &'a str,
        name: String,
    },
    Close {
        name: String,
    },
    /// A character or an entity, with its width in UTF-16 units.
    Text {
        raw: &'a str,
        units: usize,
    },
}

fn tag_name(inner: &str) -> String {
    inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Tokenizes like the renderer's checker: `<...>` is a tag, `&...;` (within 12 characters) is an
/// entity, anything else is one character.
fn pieces(html: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            let raw = &rest[..=end];
            let inner = &raw[1..raw.len() - 1];
            out.push(match inner.strip_prefix('/') {
                Some(i) => Piece::Close { name: tag_name(i) },
                None => Piece::Open {
                    raw,
                    name: tag_name(inner),
                },
            });
            rest = &rest[end + 1..];
            continue;
        }
        // Only an entity Telegram decodes stays whole (one character, at most two units); a stray
        // `&` is a character like any other, or a part could outgrow `max` (found by fuzzing).
        if c == '&'
            && let Some(len) = entity_len(rest)
        {
            let raw = &rest[..len];
            out.push(Piece::Text {
                raw,
                units: visible_len(raw),
            });
            rest = &rest[len..];
            continue;
        }
        let raw = &rest[..c.len_utf8()];
        out.push(Piece::Text {
            raw,
            units: c.len_utf16(),
        });
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Splits Telegram HTML into parts of at most `max` visible UTF-16 units. Cuts go after a line
/// break where possible, else after a space, else between characters; never inside a tag or an
/// entity. Tags open at a cut are closed at the end of the part and re-opened at the start of the
/// next, so every part is valid on its own. A message within `max` comes back unchanged.
pub fn split_html(html: &str, max: usize) -> Vec<String> {
    if visible_len(html) <= max {
        return vec![html.to_string()];
    }
    let max = max.max(2); // one character may take two units
    let ps = pieces(html);
    let mut parts = Vec::new();
    // Open tags at the start of the current part: (name, raw open tag).
    let mut open: Vec<(String, &str)> = Vec::new();
    let mut start = 0;
    while start < ps.len() {
        // The furthest end that fits, and the best cut before it.
        let (mut units, mut end) = (0, start);
        let (mut after_newline, mut after_space, mut after_text) = (None, None, None);
        // A line break or space counts as a cut only once the part holds half of `max`: a cut
        // right after a leading emoji or title would send a near-empty first message and push
        // the real content into the next one.
        let min_fill = max / 2;
        while end < ps.len() {
            if let Piece::Text { raw, units: u } = &ps[end] {
                if units + u > max {
                    break;
                }
                units += u;
                match *raw {
                    "\n" if units >= min_fill => after_newline = Some(end + 1),
                    " " if units >= min_fill => after_space = Some(end + 1),
                    _ => {}
                }
                after_text = Some(end + 1);
            }
            end += 1;
        }
        let mut cut = if end == ps.len() {
            end
        } else {
            after_newline
                .or(after_space)
                .or(after_text)
                .unwrap_or(end.max(start + 1))
        };
        // Closing tags right after the cut belong to this part, not to an empty one.
        while cut < ps.len() && matches!(ps[cut], Piece::Close { .. }) {
            cut += 1;
        }
        let mut part: String = open.iter().map(|(_, raw)| *raw).collect();
        for p in &ps[start..cut] {
            match p {
                Piece::Open { raw, name } => {
                    part.push_str(raw);
                    open.push((name.clone(), raw));
                }
                Piece::Close { name } => {
                    part.push_str("</");
                    part.push_str(name);
                    part.push('>');
                    if let Some(i) = open.iter().rposition(|(n, _)| n == name) {
                        open.truncate(i);
                    }
                }
                Piece::Text { raw, .. } => part.push_str(raw),
            }
        }
        for (name, _) in open.iter().rev() {
            part.push_str("</");
            part.push_str(name);
            part.push('>');
        }
        parts.push(part);
        start = cut;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::telegram::check;
    use proptest::prelude::*;

    /// Visible text, computed without the splitter's tokenizer: tags dropped, entities decoded.
    fn visible_text(html: &str) -> String {
        let mut stripped = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => stripped.push(c),
                _ => {}
            }
        }
        to_plain_text(&stripped)
    }

    fn assert_valid_split(html: &str, max: usize) -> Vec<String> {
        let parts = split_html(html, max);
        for p in &parts {
            assert!(visible_len(p) <= max, "part too long: {p:?}");
            check(p).unwrap_or_else(|e| panic!("invalid part {p:?}: {e}"));
        }
        let joined: String = parts.iter().map(|p| visible_text(p)).collect();
        assert_eq!(joined, visible_text(html));
        parts
    }

    #[test]
    fn first_part_carries_content_not_only_the_emoji() {
        let body = "word ".repeat(40);
        let html = format!("🟢\n<b>{body}</b>");
        let parts = split_html(&html, 100);
        assert!(parts.len() > 1);
        assert!(
            visible_text(&parts[0]).trim().chars().count() > 40,
            "first part: {:?}",
            parts[0]
        );
        for p in &parts {
            check(p).unwrap();
        }
    }

    #[test]
    fn stray_ampersands_never_make_a_part_too_long() {
        // Found by the telegram_split fuzz target: `&am&;` was kept whole as if it were one entity
        // (five units), so a part could exceed a small limit.
        let html = "<b>Weekly</b> &am&; <a href=\"https://x/?a=1&amp;b=2\">join</a>";
        for max in 2..=8 {
            for p in split_html(html, max) {
                assert!(visible_len(&p) <= max, "part over {max}: {p:?}");
            }
        }
        assert_eq!(split_html("&am&;", 4), vec!["&am&", ";"]);
    }

    #[test]
    fn short_messages_stay_whole() {
        let html = "<b>Hi</b> &amp; bye";
        assert_eq!(split_html(html, MAX_LEN), vec![html.to_string()]);
    }

    #[test]
    fn cuts_at_line_breaks_and_reopens_tags() {
        let html = "<b>line one\n<i>line two</i>\nline three</b>";
        let parts = assert_valid_split(html, 12);
        assert_eq!(
            parts,
            vec![
                "<b>line one\n</b>",
                "<b><i>line two</i>\n</b>",
                "<b>line three</b>"
            ]
        );
    }

    #[test]
    fn long_lines_fall_back_to_spaces_then_characters() {
        assert_eq!(
            assert_valid_split("aaaa bbbb cccc", 10),
            vec!["aaaa bbbb ", "cccc"]
        );
        assert_eq!(
            assert_valid_split("&amp;&amp;&amp;😀😀", 4),
            vec!["&amp;&amp;&amp;", "😀😀"]
        );
    }

    #[test]
    fn a_real_sized_message_splits_under_telegrams_limit() {
        let line =
            "<b>Weekly sync</b> &amp; <a href=\"https://zoom.us/j/1?a=1&amp;b=2\">join</a> 😀\n";
        let html = line.repeat(400);
        let parts = assert_valid_split(&html, MAX_LEN);
        assert!(parts.len() >= 2, "{}", parts.len());
        assert!(parts.iter().all(|p| p.ends_with('\n')), "cut at lines");
    }

    #[test]
    fn plain_fallback_respects_the_limit() {
        let part = format!("<a href=\"https://e.org/{}\">x</a>", "p".repeat(MAX_LEN));
        let plain = plain_fallback(&part);
        assert!(plain.encode_utf16().count() <= MAX_LEN);
        assert!(plain.ends_with('…'));
        assert_eq!(plain_fallback("<b>a &lt; b</b>"), "a < b");
    }

    /// Telegram HTML built from a small grammar: formatting tags, links, entities, emoji, lines.
    fn html_strategy() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            "[a-z ]{1,12}",
            Just("\n".to_string()),
            Just("&amp;".to_string()),
            Just("&lt;".to_string()),
            Just("&#128512;".to_string()),
            Just("é😀".to_string()),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            (
                prop::sample::select(vec![
                    ("<b>", "</b>"),
                    ("<i>", "</i>"),
                    ("<code>", "</code>"),
                    ("<tg-spoiler>", "</tg-spoiler>"),
                    ("<a href=\"https://zoom.us/j/1?a=1&amp;b=2\">", "</a>"),
                ]),
                prop::collection::vec(inner, 1..6),
            )
                .prop_map(|((open, close), kids)| format!("{open}{}{close}", kids.concat()))
        })
    }

    proptest! {
        #[test]
        fn split_parts_are_valid_short_and_complete(
            parts in prop::collection::vec(html_strategy(), 1..8),
            max in 2usize..80,
        ) {
            let html = parts.concat();
            prop_assume!(check(&html).is_ok());
            let out = split_html(&html, max);
            for p in &out {
                prop_assert!(visible_len(p) <= max, "part too long: {:?}", p);
                prop_assert!(check(p).is_ok(), "invalid part {:?}: {:?}", p, check(p));
            }
            let joined: String = out.iter().map(|p| visible_text(p)).collect();
            prop_assert_eq!(joined, visible_text(&html));
        }
    }
}
