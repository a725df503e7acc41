//! `/console/apps`, for the operator only (a tenant gets 404 like anything not its own): every
//! Zoom app with the URLs to register in Zoom and whether Zoom's validation was seen; adding one;
//! inviting a community to connect its own app (the link is shown once); rotating an added app's
//! Secret Token; removing an added app after its id is typed again. The same service the API and
//! the CLI use; after a change the relay's app registry is reloaded so the change is served at
//! once.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use maud::{Markup, html};

use super::fragments::facts;
use super::html::{csrf_field, flash, page, seg};
use super::{Fail, Operator, Posted, field};
use crate::http::AppState;
use crate::http::auth::Principal;
use crate::http::call;
use crate::service::Ctx;
use crate::service::app_invites::{self, InviteRequest};
use crate::service::apps::{self, AddApp, AppView, UpdateApp};

/// A change to the apps, posted by the operator: `make` makes it from the form, through the service
/// as the operator, and says what it did. Then the registry is read again, so the relay serves the
/// change at once, and the list shows again with what was done.
async fn change(
    st: &AppState,
    posted: Posted<Operator>,
    make: impl AsyncFnOnce(&Ctx, &[(String, String)]) -> Result<String, Fail>,
) -> Result<Response, Fail> {
    let Posted {
        by: Operator(p),
        form,
    } = posted;
    let done = make(&call::operator(st), &form).await?;
    st.reload_apps().await;
    list_page(st, &p, Some(flash(&done))).await
}

fn app_card(a: &AppView, csrf: &str) -> Markup {
    let mut rows = vec![
        ("Webhook URL", html! { code { (a.webhook_url) } }),
        ("Redirect URL", html! { code { (a.redirect_url) } }),
    ];
    if let Some(u) = &a.install_url {
        rows.push(("Install link", html! { code { (u) } }));
    }
    rows.push(("Source", html! { (a.source) }));
    rows.push(("Installs", html! { (a.tenants) }));
    if !a.read_only {
        let seen = match &a.crc_seen_at {
            Some(t) => html! { "seen " (t) },
            None => html! { "not seen yet" },
        };
        rows.push(("Zoom validation", seen));
    }
    if let Some(u) = &a.previous_secret_token_until {
        rows.push(("Previous Secret Token", html! { "verifies until " (u) }));
    }
    html! {
        li {
            h3 { (a.id) @if let Some(n) = &a.name { " · " (n) } }
            (facts(&rows))
            @if a.read_only {
                p { "Defined in the config file; change it there." }
            } @else {
                (app_forms(&a.id, csrf))
            }
        }
    }
}

/// The forms of an added app: rotate its Secret Token, remove it.
fn app_forms(id: &str, csrf: &str) -> Markup {
    let base = format!("/console/apps/{}", seg(id));
    let (tok, ov, rm) = (format!("tok-{id}"), format!("ov-{id}"), format!("rm-{id}"));
    html! {
        form method="post" action={ (base) "/rotate" } {
            (csrf_field(csrf))
            label for=(tok) { "New Secret Token" }
            input id=(tok) name="secret_token" type="password" required autocomplete="off";
            label for=(ov) { "Seconds the old one still verifies" }
            input id=(ov) name="overlap_secs" inputmode="numeric" placeholder="86400";
            button type="submit" { "Rotate" }
        }
        form method="post" action={ (base) "/remove" } {
            (csrf_field(csrf))
            label for=(rm) {
                "Type " code { (id) } " to remove the app and purge all its accounts"
            }
            input id=(rm) name="confirm" required autocomplete="off";
            button type="submit" class="danger" { "Remove" }
        }
    }
}

async fn list_page(st: &AppState, p: &Principal, note: Option<Markup>) -> Result<Response, Fail> {
    let csrf = p.csrf().unwrap_or("");
    let apps = apps::list(&call::operator(st)).await?;
    let body = html! {
        @if let Some(n) = note { (n) }
        h2 { "Invite a community" }
        p {
            "The link opens a guided page where the community connects its own Zoom app. It works \
             once and expires."
        }
        form method="post" action="/console/apps/invite" {
            (csrf_field(csrf))
            label for="inv-name" { "Whose app (optional)" }
            input id="inv-name" name="name";
            label for="inv-id" { "App id (optional)" }
            input id="inv-id" name="app_id";
            button type="submit" { "Create invitation" }
        }
        h2 { "Add an app" }
        p {
            "With the values from the Zoom app: Secret Token (Features, Access), and for an app \
             that accounts install, Client ID and Client Secret (App Credentials). Secrets are \
             stored encrypted and never shown again."
        }
        form method="post" action="/console/apps/add" {
            (csrf_field(csrf))
            label for="add-id" { "App id (part of the webhook URL)" }
            input id="add-id" name="id" required;
            label for="add-name" { "Whose app (optional)" }
            input id="add-name" name="name";
            label for="add-token" { "Secret Token" }
            input id="add-token" name="secret_token" type="password" required autocomplete="off";
            label for="add-cid" { "Client ID (optional)" }
            input id="add-cid" name="client_id" autocomplete="off";
            label for="add-cs" { "Client Secret (optional)" }
            input id="add-cs" name="client_secret" type="password" autocomplete="off";
            button type="submit" { "Add app" }
        }
        h2 { "Apps" }
        ul class="cards" {
            @for a in &apps { (app_card(a, csrf)) }
        }
    };
    Ok(page(StatusCode::OK, "Zoom apps", Some(p), None, body))
}

pub async fn list(State(st): State<AppState>, Operator(p): Operator) -> Result<Response, Fail> {
    list_page(&st, &p, None).await
}

fn opt(form: &[(String, String)], name: &str) -> Option<String> {
    field(form, name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

pub async fn invite(
    State(st): State<AppState>,
    Posted {
        by: Operator(p),
        form,
    }: Posted<Operator>,
) -> Result<Response, Fail> {
    let req = InviteRequest {
        app_id: opt(&form, "app_id"),
        name: opt(&form, "name"),
        ttl_secs: None,
    };
    let inv = app_invites::invite(&call::operator(&st), req).await?;
    let note = flash(&format!(
        "Invitation for app {} (valid until {}). Send this link; it is shown only once: {}",
        inv.app_id, inv.expires_at, inv.url
    ));
    list_page(&st, &p, Some(note)).await
}

pub async fn add(State(st): State<AppState>, posted: Posted<Operator>) -> Result<Response, Fail> {
    change(&st, posted, async |ctx, form| {
        let req = AddApp {
            id: opt(form, "id").unwrap_or_default(),
            name: opt(form, "name"),
            client_id: opt(form, "client_id"),
            client_secret: opt(form, "client_secret"),
            secret_token: opt(form, "secret_token").unwrap_or_default(),
            ..AddApp::default()
        };
        let view = apps::add(ctx, req, "api").await?;
        Ok(format!(
            "Added {}. In Zoom, set the event notification endpoint URL to {} and press Validate.",
            view.id, view.webhook_url
        ))
    })
    .await
}

pub async fn rotate(
    State(st): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Operator>,
) -> Result<Response, Fail> {
    change(&st, posted, async |ctx, form| {
        let overlap_secs = match opt(form, "overlap_secs") {
            None => None,
            Some(v) => Some(v.parse::<u64>().map_err(|_| {
                Fail::Page(
                    StatusCode::BAD_REQUEST,
                    "Invalid request".into(),
                    "the overlap is a number of seconds".into(),
                )
            })?),
        };
        let req = UpdateApp {
            secret_token: opt(form, "secret_token"),
            overlap_secs,
            ..UpdateApp::default()
        };
        let view = apps::update(ctx, &id, req).await?;
        Ok(match &view.previous_secret_token_until {
            Some(u) => format!(
                "Rotated {}; the previous token verifies until {u}.",
                view.id
            ),
            None => format!(
                "Rotated {}; the previous token no longer verifies.",
                view.id
            ),
        })
    })
    .await
}

pub async fn remove(
    State(st): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Operator>,
) -> Result<Response, Fail> {
    change(&st, posted, async |ctx, form| {
        let confirm = field(form, "confirm").unwrap_or("").trim().to_string();
        let report = apps::remove(ctx, &st.tenants, &id, &confirm).await?;
        Ok(format!(
            "Removed {} and purged {} account(s).",
            report.app_id,
            report.purged.len()
        ))
    })
    .await
}
