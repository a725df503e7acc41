//! `/`: what this relay is and where to go next, for someone who opens its address in a browser
//! (a newcomer after `serve`, an organizer given the bare address). Plain words, no internals, no
//! scripts.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use secrecy::ExposeSecret;

use super::AppState;
use super::page::{escape, page};
use crate::config::ConfigSource;

/// Nothing but this page's own inline style; no scripts at all, no framing.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; \
                   base-uri 'none'; form-action 'none'";

pub async fn home(State(st): State<AppState>) -> Response {
    let config = &st.config;
    let mut body = String::from(
        "<p>This is a <b>zoom-relay</b>: when a Zoom meeting is scheduled, starts or ends, it \
         sends an alert to the Telegram chats, email addresses and webhooks that the organizers \
         chose.</p><ul>\
         <li><a href=\"/console\">Organizer console</a>: sign in to see your Zoom install, \
         set up where alerts go, and find out why one did not arrive.</li>\
         <li><a href=\"/readyz\">Is the relay ready?</a> It answers \"ready\" when it can take \
         Zoom's events.</li></ul>",
    );
    if config.source == ConfigSource::EmbeddedExample {
        body.push_str(
            "<h2>Demo mode</h2><p>This relay runs on the built-in example settings. To see an \
             alert, send it a sample event from a second terminal:</p>\
             <pre style=\"background:#f3f3f3;padding:.75rem;overflow-x:auto\">cargo run --release -- simulate meeting.started</pre>\
             <p>The command prints what each destination got; the demo route also writes the \
             alert to the relay's own output.</p>",
        );
        // Only a token published in relay.example.toml is shown: a real one never is.
        if let Some(token) = &config.security.admin_token
            && crate::config::limits::is_published(token.expose_secret())
        {
            body.push_str(&format!(
                "<p>In the console, sign in with the <b>Operator token</b> \
                 <code>{}</code> (a public demo value).</p>",
                escape(token.expose_secret())
            ));
        }
    }
    let mut res = page(StatusCode::OK, "Zoom meeting alerts", &body);
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    res.headers_mut()
        .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}
