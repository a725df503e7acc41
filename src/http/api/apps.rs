//! `/api/v1/apps`: Zoom apps as data, for the operator only (a tenant gets 404, like anything
//! that is not its own), and `/api/v1/app-invitations`. The same service the CLI uses when it
//! opens the store itself. After a change this relay reloads its app registry, so the app serves
//! webhooks and installs with the next request; other replicas follow on their refresh.

use crate::http::extract::Json;
use crate::http::extract::{Path, Query};
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{delete, get, post, put};
use serde::Deserialize;

use super::{Access, Answer, Endpoint, ep, schema};
use crate::http::auth::Principal;
use crate::http::call;
use crate::http::{ApiError, AppState};
use crate::service::app_invites::{self, CreatedInvite, InviteRequest};
use crate::service::apps::{self, AddApp, AppRemoveReport, AppView, UpdateApp};
use crate::store::apps::AppInvite;

/// Makes a change visible to this relay's webhook and install routes at once.
async fn reload(st: &AppState) {
    if let Err(e) = st.apps.reload().await {
        tracing::warn!("could not re-read the stored apps after a change: {e}");
    }
}

pub(super) async fn list(
    State(st): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<AppView>>, ApiError> {
    p.require_operator()?;
    Ok(Json(apps::list(&call::operator(&st)).await?))
}

pub(super) async fn show(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<Json<AppView>, ApiError> {
    p.require_operator()?;
    Ok(Json(apps::show(&call::operator(&st), &id).await?))
}

pub(super) async fn add(
    State(st): State<AppState>,
    p: Principal,
    Json(req): Json<AddApp>,
) -> Result<(StatusCode, Json<AppView>), ApiError> {
    p.require_operator()?;
    let view = apps::add(&call::operator(&st), req, "api").await?;
    reload(&st).await;
    Ok((StatusCode::CREATED, Json(view)))
}

pub(super) async fn update(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Json(req): Json<UpdateApp>,
) -> Result<Json<AppView>, ApiError> {
    p.require_operator()?;
    let view = apps::update(&call::operator(&st), &id, req).await?;
    reload(&st).await;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub(super) struct Confirm {
    /// The app id again: removing an app purges every account that installed it.
    confirm: Option<String>,
}

pub(super) async fn remove(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Query(q): Query<Confirm>,
) -> Result<Json<AppRemoveReport>, ApiError> {
    p.require_operator()?;
    let report = apps::remove(
        &call::operator(&st),
        &st.tenants,
        &id,
        q.confirm.as_deref().unwrap_or(""),
    )
    .await?;
    reload(&st).await;
    Ok(Json(report))
}

pub(super) async fn invite(
    State(st): State<AppState>,
    p: Principal,
    Json(req): Json<InviteRequest>,
) -> Result<(StatusCode, Json<CreatedInvite>), ApiError> {
    p.require_operator()?;
    let created = app_invites::invite(&call::operator(&st), req).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn invitations(
    State(st): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<AppInvite>>, ApiError> {
    p.require_operator()?;
    Ok(Json(app_invites::list(&call::operator(&st)).await?))
}

pub(super) async fn revoke_invitation(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<Json<Vec<AppInvite>>, ApiError> {
    p.require_operator()?;
    Ok(Json(app_invites::revoke(&call::operator(&st), &id).await?))
}

/// The rows of the endpoint table for apps and invitations (see [`super::endpoints`]).
pub(super) fn endpoints() -> Vec<Endpoint> {
    use Access::*;
    use Answer::*;
    vec![
        ep(
            Method::GET,
            "/apps",
            "Zoom apps: the config's (read-only) and those added at run time; never secrets",
            Operator,
            &[],
            None,
            Json(200, schema::<Vec<AppView>>),
            get(list),
        ),
        ep(
            Method::POST,
            "/apps",
            "Add a Zoom app; it serves webhooks and installs at once (secrets sealed at rest)",
            Operator,
            &[],
            Some(schema::<AddApp>),
            Json(201, schema::<AppView>),
            post(add),
        ),
        ep(
            Method::GET,
            "/apps/{app_id}",
            "One Zoom app",
            Operator,
            &[],
            None,
            Json(200, schema::<AppView>),
            get(show),
        ),
        ep(
            Method::PUT,
            "/apps/{app_id}",
            "Change an added app; a new secret_token rotates it (the old one verifies for overlap_secs)",
            Operator,
            &[],
            Some(schema::<UpdateApp>),
            Json(200, schema::<AppView>),
            put(update),
        ),
        ep(
            Method::DELETE,
            "/apps/{app_id}",
            "Remove an added app and purge every account of it, as an uninstall does",
            Operator,
            &[("confirm", "the app id again (required)")],
            None,
            Json(200, schema::<AppRemoveReport>),
            delete(remove),
        ),
        ep(
            Method::POST,
            "/app-invitations",
            "Invite a community to connect its own Zoom app (code shown once, single use, expiring)",
            Operator,
            &[],
            Some(schema::<InviteRequest>),
            Json(201, schema::<CreatedInvite>),
            post(invite),
        ),
        ep(
            Method::GET,
            "/app-invitations",
            "App invitations, used or not (never the codes, which are kept hashed)",
            Operator,
            &[],
            None,
            Json(200, schema::<Vec<AppInvite>>),
            get(invitations),
        ),
        ep(
            Method::DELETE,
            "/app-invitations/{id}",
            "Withdraw open invitations whose id starts with {id} (6+ hex digits): their links expire now",
            Operator,
            &[],
            None,
            Json(200, schema::<Vec<AppInvite>>),
            delete(revoke_invitation),
        ),
    ]
}
