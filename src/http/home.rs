//! `/`: what this relay is and where to go next, for someone who opens its address in a browser
//! (a newcomer after `serve`, an organizer given the bare address). Plain words, no internals, no
//! scripts.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::{Markup, html};
use secrecy::ExposeSecret;

use super::AppState;
use super::page::page;
use crate::config::ConfigSource;

/// Nothing but this page's own inline style; no scripts at all, no framing.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; \
                   base-uri 'none'; form-action 'none'";

/// What the relay is, and where an organizer goes next.
fn about() -> Markup {
    html! {
        p {
            "This is a " b { "zoom-relay" } ": when a Zoom meeting is scheduled, starts or ends, it \
             sends an alert to the Telegram chats, email addresses and webhooks that the organizers \
             chose."
        }
        ul {
            li {
                a href="/console" { "Organizer console" }
                ": sign in to see your Zoom install, set up where alerts go, and find out why one \
                 did not arrive."
            }
            li {
                a href="/readyz" { "Is the relay ready?" }
                " It answers \"ready\" when it can take Zoom's events."
            }
        }
    }
}

/// How to see an alert on the built-in example settings; `token` is the operator token, shown
/// only when it is a public demo value.
fn demo(token: Option<&str>) -> Markup {
    html! {
        h2 { "Demo mode" }
        p {
            "This relay runs on the built-in example settings. To see an alert, send it a sample \
             event from a second terminal:"
        }
        pre style="background:#f3f3f3;padding:.75rem;overflow-x:auto" {
            "cargo run --release -- simulate meeting.started"
        }
        p {
            "The command prints what each destination got; the demo route also writes the alert \
             to the relay's own output."
        }
        @if let Some(token) = token {
            p {
                "In the console, sign in with the " b { "Operator token" } " "
                code { (token) } " (a public demo value)."
            }
        }
    }
}

pub async fn home(State(st): State<AppState>) -> Response {
    let config = &st.config;
    // Only a token published in relay.example.toml is shown: a real one never is.
    let demo_token = config
        .security
        .admin_token
        .as_ref()
        .map(|t| t.expose_secret())
        .filter(|t| crate::config::limits::is_published(t));
    let body = html! {
        (about())
        @if config.source == ConfigSource::EmbeddedExample { (demo(demo_token)) }
    };
    let mut res = page(StatusCode::OK, "Zoom meeting alerts", body);
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    res.headers_mut()
        .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}
