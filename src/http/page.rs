//! Small server-rendered pages for people who land on the relay from a link: the install result,
//! unsubscribe, the member pages. Plain HTML, no scripts, readable on a phone. Written as `maud`
//! templates, which escape every value they interpolate.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::i18n::Lang;
pub use crate::render::escape_html as escape;

/// The finished page as text, without the hidden controls of [`crate::render::is_hidden_control`]
/// (bidi overrides and isolates, direction marks, zero-width characters). A route name or topic
/// holding them could make what a reader sees differ from what is there ("Trojan Source": U+202E
/// before `gnp.exe` shows `exe.png`). maud escapes markup but keeps them, so every page frame drops
/// them here, once for the whole page, and no value can bring one in by being spliced without a
/// helper. Nothing a page says on purpose uses them: Fluent's isolation marks are already `<bdi>`
/// elements by then ([`message`]).
pub fn document(page: Markup) -> String {
    let mut html = page.into_string();
    html.retain(|c| !crate::render::is_hidden_control(c));
    html
}

/// Percent-encodes `s` as one URL path segment (everything but RFC 3986 unreserved characters), so
/// a route named `a/b?c` stays one segment.
pub fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes `s` for a query-string value.
pub fn q(s: &str) -> String {
    seg(s)
}

/// A page with a title and a body, in English. `title` is plain text.
pub fn page(status: StatusCode, title: &str, body: Markup) -> Response {
    page_in(Lang::english(), status, title, body)
}

/// Like [`page`], for a page written in `lang`: `lang` and `dir` on `<html>` let screen readers
/// pick the voice and browsers lay right-to-left text out from the right.
pub fn page_in(lang: Lang, status: StatusCode, title: &str, body: Markup) -> Response {
    (
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Html(document(frame(lang, title, body))),
    )
        .into_response()
}

/// The whole document of a page: its language, title, heading and `body`.
fn frame(lang: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // The window title is plain text, where markup cannot go.
                title { (title) }
                link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml";
            }
            body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a" {
                // The heading keeps Fluent's isolation of a route's name in a right-to-left title.
                h1 { (message(title)) }
                (body)
            }
        }
    }
}

/// A page that says one sentence of plain text under its title.
pub fn sentence_page(lang: Lang, status: StatusCode, title: &str, text: &str) -> Response {
    page_in(lang, status, title, html! { p { (text) } })
}

/// A formatted catalogue message as markup, with Fluent's isolation marks as `<bdi>` elements.
pub fn message(text: &str) -> Markup {
    // Safe: `message_html` escapes every character of the text and adds only balanced `<bdi>`
    // elements, so no value can open markup.
    PreEscaped(crate::render::message_html(text))
}

/// Links to the same page in every language, each named in its own language (a reader who cannot
/// read the current one still finds theirs). The current one is marked, not linked; it is compared
/// by catalogue, since `es-MX` and `es` are one catalogue with different date conventions.
pub fn language_switcher(current: Lang) -> Markup {
    html! {
        nav aria-label=(current.tr("page-language")) style="margin-top:2rem;font-size:.9rem;color:#555" {
            @for (i, l) in Lang::all().into_iter().enumerate() {
                @if i > 0 { " · " }
                @if l.code() == current.code() {
                    b lang=(l.code()) dir=(l.dir()) { (l.name()) }
                } @else {
                    a href={ "?lang=" (l.code()) } hreflang=(l.code()) lang=(l.code()) dir=(l.dir()) { (l.name()) }
                }
            }
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::message_html;

    /// Right-to-left pages keep Fluent's isolation of values (as `<bdi>`), values are escaped,
    /// and a value's own marks cannot leave an element open.
    #[test]
    fn arabic_messages_isolate_their_values_as_bdi() {
        let ar = Lang::from_tag("ar").unwrap();
        let said = ar.t(
            "page-manage-active",
            &[
                ("address", "ann@example.org".into()),
                ("route", "<Tue> \u{2068}".into()),
            ],
        );
        let html = message_html(&said);
        assert!(html.contains("<bdi>ann@example.org</bdi>"), "{html}");
        assert!(html.contains("&lt;Tue&gt;"), "{html}");
        assert_eq!(
            html.matches("<bdi>").count(),
            html.matches("</bdi>").count()
        );
        let en = message_html(&Lang::english().t(
            "page-manage-active",
            &[("address", "a@b.org".into()), ("route", "R".into())],
        ));
        assert_eq!(en, "a@b.org gets alerts from R.");
    }

    /// The frame escapes the title, isolates a right-to-left title's values in the heading only,
    /// and puts the body in as it is.
    #[test]
    fn the_frame_speaks_the_pages_language_and_escapes_its_title() {
        let ar = Lang::from_tag("ar").unwrap();
        let title = ar.t("page-join-title", &[("route", "<R&D>".into())]);
        let html = frame(ar, &title, html! { p { "body" } }).into_string();
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\">"),
            "{html}"
        );
        assert!(
            html.contains("<h1>") && html.contains("<bdi>&lt;R&amp;D&gt;</bdi>"),
            "{html}"
        );
        let window = &html[html.find("<title>").unwrap()..html.find("</title>").unwrap()];
        assert!(
            window.contains("&lt;R&amp;D&gt;") && !window.contains("<bdi>"),
            "{window}"
        );
        assert!(html.ends_with("<p>body</p></body></html>"), "{html}");
    }

    /// Every language is offered, each in its own language and direction; the current one is
    /// marked, not linked.
    #[test]
    fn the_switcher_links_every_other_language() {
        let es = Lang::from_tag("es").unwrap();
        let nav = language_switcher(es).into_string();
        assert!(nav.contains("<b lang=\"es\" dir=\"ltr\">"), "{nav}");
        assert!(!nav.contains("href=\"?lang=es\""), "{nav}");
        assert!(
            nav.contains("<a href=\"?lang=ar\" hreflang=\"ar\" lang=\"ar\" dir=\"rtl\">"),
            "{nav}"
        );
        assert_eq!(nav.matches(" · ").count() + 1, Lang::all().len());
    }
}
