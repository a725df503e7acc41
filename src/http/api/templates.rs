//! `/api/v1/templates`: a tenant's template overrides, their sources and previews.

use axum::extract::State;
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Tenant, Visible, default_app};
use crate::http::auth::Principal;
use crate::http::call;
use crate::http::extract::{Json, Query};
use crate::http::{ApiError, AppState};
use crate::service::routes::{PreviewItem, PreviewRequest, TemplateInfo};

pub(super) async fn list_templates(t: Tenant) -> Result<Json<Vec<TemplateInfo>>, ApiError> {
    Ok(Json(t.ctx.templates(&t.app, &t.account).await?))
}

#[derive(Deserialize)]
pub(super) struct SourceQuery {
    #[serde(default = "default_app")]
    app: String,
    account: Option<String>,
    event: String,
    key: String,
}

/// A template source, as read and written by the API.
#[derive(serde::Serialize, Deserialize, JsonSchema)]
pub(super) struct TemplateSource {
    pub(super) source: String,
}

pub(super) async fn template_source(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<SourceQuery>,
) -> Result<Json<TemplateSource>, ApiError> {
    if let Some(account) = &q.account {
        p.require(&q.app, account)?;
    }
    let source = call::operator(&st)
        .template_source(&q.app, q.account.as_deref(), &q.event, &q.key)
        .await?;
    Ok(Json(TemplateSource { source }))
}

/// The rest of a template's path: which event's template, and which message of it.
#[derive(Deserialize)]
pub(super) struct TemplateKey {
    event: String,
    key: String,
}

pub(super) async fn set_template(
    v: Visible<TemplateKey>,
    Json(body): Json<TemplateSource>,
) -> Result<StatusCode, ApiError> {
    let TemplateKey { event, key } = &v.rest;
    v.ctx
        .set_template(&v.app, &v.account, event, key, &body.source)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn remove_template(v: Visible<TemplateKey>) -> Result<StatusCode, ApiError> {
    let TemplateKey { event, key } = &v.rest;
    v.ctx
        .remove_template(&v.app, &v.account, event, key)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn preview_templates(
    State(st): State<AppState>,
    p: Principal,
    Json(mut req): Json<PreviewRequest>,
) -> Result<Json<Vec<PreviewItem>>, ApiError> {
    match (&req.account, p.tenant()) {
        (Some(account), _) => p.require(&req.app, account)?,
        // A tenant previews with its own overrides.
        (None, Some((app, account))) => {
            req.app = app.to_string();
            req.account = Some(account.to_string());
        }
        (None, None) => {}
    }
    Ok(Json(call::operator(&st).preview(&req).await?))
}
