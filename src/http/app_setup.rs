//! The guided page for a community that connects its own Zoom app: `GET /apps/new/{code}`,
//! opened from an operator's invitation (`zoom-relay apps invite`).
//!
//! It is written for volunteers, not developers: what to click in Zoom, the exact values to paste
//! (each with a copy button), then a form for the three values Zoom shows back. Submitting checks
//! the Client ID and Client Secret with Zoom before the code is used, so a typo costs nothing.
//! Once the app is added, the page asks the volunteer to press "Validate" in Zoom and shows when
//! that validation (Zoom's CRC) has arrived, polling `GET /apps/new/{code}/status`, then the
//! install link. Without a valid code nothing can be added; a used or expired code gets a page
//! that says so. Nothing here writes to the store except a successful submission, and an unknown
//! code waits out the same penalty as wrong credentials.

use axum::Json;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, PreEscaped, html};
use serde_json::json;

use super::auth::penalize_failure;
use super::call;
use super::page::{page, seg, sentence_page};
use super::{AppState, ClientAddr};
use crate::i18n::Lang;
use crate::service::app_invites::{self, Credentials, InviteState, SetupUrls, setup_urls};
use crate::service::{Ctx, ServiceError};
use crate::store::apps::{AppInvite, invite_hash};

/// The events the relay uses, as Zoom's event subscription page names them. `app_deauthorized`
/// is not among them: Zoom sends it to the app's Deauthorization Notification Endpoint URL
/// (docs/zoom-app-setup.md, section 6), which the page asks for separately.
const EVENTS: &[(&str, &str)] = &[
    ("Meeting", "Meeting has been created (meeting.created)"),
    ("Meeting", "Start Meeting (meeting.started)"),
    ("Meeting", "End Meeting (meeting.ended)"),
];

/// The scopes to add (granular scopes; the admin variants for an admin-managed app).
const SCOPES: &[&str] = &["meeting:read:meeting", "user:read:user"];

/// The copy buttons of [`copy_row`]: each copies the value of the input it names.
const COPY_SCRIPT: &str = r#"
document.querySelectorAll('button[data-copy]').forEach(function (b) {
  b.addEventListener('click', function () {
    var el = document.getElementById(b.dataset.copy);
    el.select();
    (navigator.clipboard ? navigator.clipboard.writeText(el.value) : Promise.reject())
      .catch(function () { document.execCommand('copy'); })
      .finally(function () { b.textContent = 'Copied'; setTimeout(function () { b.textContent = 'Copy'; }, 1500); });
  });
});
"#;

/// Polls the status URL named by `#crc`'s `data-status` until Zoom's check has arrived.
const POLL_SCRIPT: &str = r#"(function poll() { var crc = document.getElementById('crc'); fetch(crc.dataset.status).then(function (r) { return r.json(); }).then(function (s) { if (s.crc_seen) { crc.innerHTML = '<b>Zoom\'s check arrived: the connection works.</b>'; } else { setTimeout(poll, 3000); } }).catch(function () { setTimeout(poll, 10000); }); })();"#;

/// A script of this file's own.
fn script(js: &'static str) -> Markup {
    // Safe: a constant of this file, with no value in it.
    html! { script { (PreEscaped(js)) } }
}

/// A value to paste into Zoom, read-only, with its copy button.
fn copy_row(id: &str, label: &str, value: &str) -> Markup {
    html! {
        p {
            label for=(id) { b { (label) } }
            br;
            input id=(id) value=(value) readonly size="48" style="font-family:monospace;width:80%";
            " "
            button type="button" data-copy=(id) { "Copy" }
        }
    }
}

fn refused(state: &InviteState) -> Option<Response> {
    let (status, title, text) = match state {
        InviteState::Open(_) => return None,
        InviteState::Unknown => (
            StatusCode::NOT_FOUND,
            "This link does not work",
            "This invitation link is not valid. Check that you copied all of it, or ask the \
             person who runs this relay for a new link.",
        ),
        InviteState::Used(_) => (
            StatusCode::GONE,
            "This link has been used",
            "Each invitation link works once, and this one has connected an app already. If \
             that was you, you are done. Otherwise ask the person who runs this relay for a new \
             link.",
        ),
        InviteState::Expired(_) => (
            StatusCode::GONE,
            "This link has expired",
            "Invitation links work for a limited time, and this one ran out. Ask the person who \
             runs this relay for a new link.",
        ),
    };
    Some(sentence_page(Lang::english(), status, title, text))
}

/// Step 2: the values to paste into the Zoom app, the events and the scopes to add.
fn values_to_paste(urls: &SetupUrls) -> Markup {
    html! {
        h2 { "2. Paste these values into your app" }
        (copy_row(
            "redirect",
            "On \"Basic Information\": OAuth Redirect URL (also add it to the OAuth Allow List)",
            &urls.redirect_url,
        ))
        (copy_row(
            "deauth",
            "Also on \"Basic Information\": Deauthorization Notification Endpoint URL (Zoom sends app_deauthorized there when an account removes the app; the relay then deletes that account's data)",
            &urls.webhook_url,
        ))
        (copy_row(
            "webhook",
            "On \"Features\" \u{2192} \"Access\": turn on Event Subscription, add one, and use this Event notification endpoint URL",
            &urls.webhook_url,
        ))
        p { b { "Events to add" } " (in the same subscription):" }
        ul {
            @for (group, e) in EVENTS { li { (group) ": " (e) } }
        }
        p {
            b { "Scopes to add" } " (on \"Scopes\"; if you chose an admin-managed app, the same \
            scopes ending in " code { ":admin" } "):"
        }
        @for (i, s) in SCOPES.iter().enumerate() {
            (copy_row(&format!("scope{i}"), "Scope", s))
        }
        p { "Do not press \"Validate\" yet: the relay learns your app in the next step." }
    }
}

/// A field of the credentials form; `secret` ones are typed as passwords.
fn credential(id: &str, label: &str, secret: bool) -> Markup {
    html! {
        p {
            label for=(id) { (label) }
            br;
            input id=(id) name=(id) type=[secret.then_some("password")] required autocomplete="off" size="40";
        }
    }
}

/// Step 3: the form for the three values Zoom shows back, with the reason it was refused.
fn credentials_form(code: &str, error: Option<&str>) -> Markup {
    html! {
        h2 { "3. Tell the relay about your app" }
        p {
            "Copy these three values from your Zoom app. The Client ID and Client Secret are on \
             \"App Credentials\" (or \"Basic Information\"); the Secret Token is on \"Features\" \
             → \"Access\". They are stored encrypted and never shown again."
        }
        @if let Some(e) = error {
            p role="alert" style="color:#a00" { b { (e) } }
        }
        form method="post" action={ "/apps/new/" (seg(code)) } {
            (credential("client_id", "Client ID", false))
            (credential("client_secret", "Client Secret", true))
            (credential("secret_token", "Secret Token", true))
            p { button type="submit" { "Check and connect" } }
        }
    }
}

fn guide(urls: &SetupUrls, code: &str, name: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        @if let Some(n) = name {
            p { "For: " b { (n) } }
        }
        p {
            "This page connects your own Zoom app to this relay, so that your meetings can send \
             alerts. It takes about ten minutes. You need to be able to sign in to the Zoom \
             Marketplace with your Zoom account."
        }
        h2 { "1. Create the app in Zoom" }
        p {
            "Open " a href="https://marketplace.zoom.us/" { "marketplace.zoom.us" } ", sign in, \
             choose " b { "Develop" } " → " b { "Build App" } " and pick " b { "General App" }
            ". Give it any name you like."
        }
        (values_to_paste(urls))
        (credentials_form(code, error))
        (script(COPY_SCRIPT))
    }
}

/// A wrong code is paid for like wrong credentials (one at a time per client address, after a
/// pause), so guessing codes costs the guesser, and the store a bounded number of reads.
async fn penalize_unknown(st: &AppState, client: ClientAddr, state: &InviteState) {
    if matches!(state, InviteState::Unknown) {
        penalize_failure(st, client.0).await;
    }
}

/// The open invitation behind `code` and its setup URLs, or the page that refuses it (unknown,
/// used, expired, or the store not answering). An unknown code is paid for first.
async fn open_invite(
    st: &AppState,
    ctx: &Ctx,
    client: ClientAddr,
    code: &str,
) -> Result<(AppInvite, SetupUrls), Response> {
    let state = app_invites::state(ctx, code).await.map_err(unavailable)?;
    penalize_unknown(st, client, &state).await;
    if let Some(r) = refused(&state) {
        return Err(r);
    }
    let InviteState::Open(inv) = state else {
        unreachable!("refused() answers every other state")
    };
    let urls = setup_urls(&st.config.server.public_url, &inv.app_id);
    Ok((inv, urls))
}

pub async fn show(
    State(st): State<AppState>,
    client: ClientAddr,
    Path(code): Path<String>,
) -> Response {
    let (inv, urls) = match open_invite(&st, &call::operator(&st), client, &code).await {
        Ok(open) => open,
        Err(refusal) => return refusal,
    };
    page(
        StatusCode::OK,
        "Connect your Zoom app",
        guide(&urls, &code, inv.name.as_deref(), None),
    )
}

fn unavailable(e: ServiceError) -> Response {
    tracing::warn!("the app setup page could not read the store: {e}");
    sentence_page(
        Lang::english(),
        StatusCode::SERVICE_UNAVAILABLE,
        "Please try again",
        "The relay could not answer just now. Please try again in a minute.",
    )
}

pub async fn submit(
    State(st): State<AppState>,
    client: ClientAddr,
    Path(code): Path<String>,
    Form(creds): Form<Credentials>,
) -> Response {
    let ctx = call::operator(&st);
    let (inv, urls) = match open_invite(&st, &ctx, client, &code).await {
        Ok(open) => open,
        Err(refusal) => return refusal,
    };
    match app_invites::redeem(&ctx, st.tenants.client(), &code, creds).await {
        Ok(view) => {
            st.reload_apps().await;
            done(&urls, &code, &view.id)
        }
        Err(ServiceError::Invalid(errs)) => {
            let msg = errs
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
            page(
                StatusCode::BAD_REQUEST,
                "Connect your Zoom app",
                guide(&urls, &code, inv.name.as_deref(), Some(&msg)),
            )
        }
        Err(ServiceError::Unavailable(e)) => unavailable(ServiceError::Unavailable(e)),
        Err(e) => page(
            StatusCode::CONFLICT,
            "Connect your Zoom app",
            guide(&urls, &code, inv.name.as_deref(), Some(&e.to_string())),
        ),
    }
}

fn done(urls: &SetupUrls, code: &str, app_id: &str) -> Response {
    let status_url = format!("/apps/new/{code}/status");
    let body = html! {
        p { "The relay knows your app now (its name here is " b { (app_id) } ")." }
        h2 { "4. Let Zoom check the connection" }
        p {
            "In your Zoom app, on \"Features\" → \"Access\", press " b { "Validate" } " next to \
             the Event notification endpoint URL, then save the subscription."
        }
        p id="crc" role="status" data-status=(status_url) {
            b { "Waiting for Zoom's check…" } " (this page updates by itself)"
        }
        h2 { "5. Install it on your Zoom account" }
        p {
            "When Zoom's check has passed, open this link while signed in to Zoom as an owner or \
             admin of your account:"
        }
        (copy_row("install", "Install link", &urls.install_url))
        (script(POLL_SCRIPT))
        (script(COPY_SCRIPT))
    };
    page(StatusCode::OK, "Your app is connected", body)
}

/// Whether Zoom's CRC has reached the app a used invitation added: `{"app_id", "crc_seen"}`.
/// Answers only for a used code (404 otherwise), so it reveals nothing about open invitations.
pub async fn status(
    State(st): State<AppState>,
    client: ClientAddr,
    Path(code): Path<String>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response();
    let inv = match st.db.app_invite(&invite_hash(&code)).await {
        Ok(Some(inv)) if inv.used_at_ms.is_some() => inv,
        Ok(None) => {
            penalize_failure(&st, client.0).await;
            return not_found();
        }
        Ok(Some(_)) => return not_found(),
        Err(e) => return unavailable(e.into()),
    };
    match st.db.get_app(&inv.app_id).await {
        Ok(Some(app)) => (
            [(axum::http::header::CACHE_CONTROL, "no-store")],
            Json(json!({"app_id": app.id, "crc_seen": app.crc_seen_at_ms.is_some()})),
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(e) => unavailable(e.into()),
    }
}
