//! `/api/v1/apps`: Zoom apps as data, for the operator only (a tenant gets 404, like anything
//! that is not its own), and `/api/v1/app-invitations`. The same service the CLI uses when it
//! opens the store itself. After a change this relay reloads its app registry, so the app serves
//! webhooks and installs with the next request; other replicas follow on their refresh.

use crate::http::extract::Json;
use crate::http::extract::{Path, Query};
use axum::http::StatusCode;
use serde::Deserialize;

use super::{Endpoint, Operator, created, ok};
use crate::http::ApiError;
use crate::service::app_invites::{self, CreatedInvite, InviteRequest};
use crate::service::apps::{self, AddApp, AppRemoveReport, AppView, UpdateApp};
use crate::store::apps::AppInvite;

pub(super) async fn list(op: Operator) -> Result<Json<Vec<AppView>>, ApiError> {
    Ok(Json(apps::list(&op.ctx).await?))
}

pub(super) async fn show(op: Operator, Path(id): Path<String>) -> Result<Json<AppView>, ApiError> {
    Ok(Json(apps::show(&op.ctx, &id).await?))
}

pub(super) async fn add(
    op: Operator,
    Json(req): Json<AddApp>,
) -> Result<(StatusCode, Json<AppView>), ApiError> {
    let view = apps::add(&op.ctx, req, "api").await?;
    op.st.reload_apps().await;
    Ok((StatusCode::CREATED, Json(view)))
}

pub(super) async fn update(
    op: Operator,
    Path(id): Path<String>,
    Json(req): Json<UpdateApp>,
) -> Result<Json<AppView>, ApiError> {
    let view = apps::update(&op.ctx, &id, req).await?;
    op.st.reload_apps().await;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub(super) struct Confirm {
    /// The app id again: removing an app purges every account that installed it.
    confirm: Option<String>,
}

pub(super) async fn remove(
    op: Operator,
    Path(id): Path<String>,
    Query(q): Query<Confirm>,
) -> Result<Json<AppRemoveReport>, ApiError> {
    let confirm = q.confirm.as_deref().unwrap_or("");
    let report = apps::remove(&op.ctx, &op.st.tenants, &id, confirm).await?;
    op.st.reload_apps().await;
    Ok(Json(report))
}

pub(super) async fn invite(
    op: Operator,
    Json(req): Json<InviteRequest>,
) -> Result<(StatusCode, Json<CreatedInvite>), ApiError> {
    let created = app_invites::invite(&op.ctx, req).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn invitations(op: Operator) -> Result<Json<Vec<AppInvite>>, ApiError> {
    Ok(Json(app_invites::list(&op.ctx).await?))
}

pub(super) async fn revoke_invitation(
    op: Operator,
    Path(id): Path<String>,
) -> Result<Json<Vec<AppInvite>>, ApiError> {
    Ok(Json(app_invites::revoke(&op.ctx, &id).await?))
}

/// The rows of the endpoint table for apps and invitations (see [`super::endpoints`]).
pub(super) fn endpoints() -> Vec<Endpoint> {
    vec![
        ep!(
            LIST_APPS,
            list,
            Operator,
            ok::<Vec<AppView>>(),
            "Zoom apps: the config's (read-only) and those added at run time; never secrets"
        ),
        ep!(ADD_APP, add, Operator, created::<AppView>(), body AddApp,
            "Add a Zoom app; it serves webhooks and installs at once (secrets sealed at rest)"),
        ep!(GET_APP, show, Operator, ok::<AppView>(), "One Zoom app"),
        ep!(UPDATE_APP, update, Operator, ok::<AppView>(), body UpdateApp,
            "Change an added app; a new secret_token rotates it (the old one verifies for \
             overlap_secs)"),
        ep!(
            REMOVE_APP,
            remove,
            Operator,
            ok::<AppRemoveReport>(),
            query & [("confirm", "the app id again (required)")],
            "Remove an added app and purge every account of it, as an uninstall does"
        ),
        ep!(INVITE_APP, invite, Operator,
            created::<CreatedInvite>(), body InviteRequest,
            "Invite a community to connect its own Zoom app (code shown once, single use, \
             expiring)"),
        ep!(
            LIST_APP_INVITATIONS,
            invitations,
            Operator,
            ok::<Vec<AppInvite>>(),
            "App invitations, used or not (never the codes, which are kept hashed)"
        ),
        ep!(
            REVOKE_APP_INVITATION,
            revoke_invitation,
            Operator,
            ok::<Vec<AppInvite>>(),
            "Withdraw open invitations whose id starts with {id} (6+ hex digits): their links \
             expire now"
        ),
    ]
}
