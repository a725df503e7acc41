//! Small server-rendered pages for people who land on the relay from a link: the install result,
//! unsubscribe, the member pages. Plain HTML, no scripts, readable on a phone.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::Lang;
pub use crate::render::escape_html as escape;

/// A page with a title and an HTML body, in English. `title` is escaped; `body` is trusted
/// markup, so callers escape every value they put in it.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    page_in(Lang::english(), status, title, body)
}

/// Like [`page`], for a page written in `lang`: `lang` and `dir` on `<html>` let screen readers
/// pick the voice and browsers lay right-to-left text out from the right.
pub fn page_in(lang: Lang, status: StatusCode, title: &str, body: &str) -> Response {
    // The heading keeps Fluent's isolation of a route's name in a right-to-left title; the
    // window title is plain text, where markup cannot go.
    let heading = crate::render::message_html(title);
    let title = escape(title);
    let (code, dir) = (lang.code(), lang.dir());
    let html = format!(
        "<!doctype html><html lang=\"{code}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"icon\" href=\"/console/assets/favicon.svg\" type=\"image/svg+xml\"></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a\">\
         <h1>{heading}</h1>{body}</body></html>"
    );
    (
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Html(html),
    )
        .into_response()
}

/// Links to the same page in every language, each named in its own language (a reader who cannot
/// read the current one still finds theirs). The current one is marked, not linked; it is compared
/// by catalogue, since `es-MX` and `es` are one catalogue with different date conventions.
pub fn language_switcher(current: Lang) -> String {
    let links: Vec<String> = Lang::all()
        .into_iter()
        .map(|l| {
            let (code, name) = (l.code(), escape(l.name()));
            if l.code() == current.code() {
                format!("<b lang=\"{code}\" dir=\"{}\">{name}</b>", l.dir())
            } else {
                format!(
                    "<a href=\"?lang={code}\" hreflang=\"{code}\" lang=\"{code}\" dir=\"{}\">{name}</a>",
                    l.dir()
                )
            }
        })
        .collect();
    format!(
        "<nav aria-label=\"{}\" style=\"margin-top:2rem;font-size:.9rem;color:#555\">{}</nav>",
        escape(&current.tr("page-language")),
        links.join(" · ")
    )
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
}
