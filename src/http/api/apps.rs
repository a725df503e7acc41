//! `/api/v1/apps`: Zoom apps as data, for the operator only (a tenant gets 404, like anything
//! that is not its own), and `/api/v1/app-invitations`. The same service the CLI uses when it
//! opens the store itself. After a change this relay reloads its app registry, so the app serves
//! webhooks and installs with the next request; other replicas follow on their refresh.

use crate::http::extract::Json;
use crate::http::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

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
