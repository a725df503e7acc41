//! Small server-rendered pages for people who land on the relay from a link: the install result,
//! unsubscribe. Plain HTML, no scripts, readable on a phone.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

pub use crate::render::escape_html as escape;

/// A page with a title and an HTML body. `title` is escaped; `body` is trusted markup, so callers
/// escape every value they put in it.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let title = escape(title);
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"icon\" href=\"/console/assets/favicon.svg\" type=\"image/svg+xml\"></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a\">\
         <h1>{title}</h1>{body}</body></html>"
    );
    (
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Html(html),
    )
        .into_response()
}
