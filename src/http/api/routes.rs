//! `/api/v1/routes`: list, show, create, replace, remove, import, dry-run tests and test sends.
//! Route writes run as the principal, so a tenant names only chats proven to be its own.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::{RouteName, Scope, Visible, default_app};
use crate::delivery::quota::QuotaKind;
use crate::http::auth::Principal;
use crate::http::call;
use crate::http::extract::{Json, Query};
use crate::http::{ApiError, AppState};
use crate::routing::{Route, RouteDocument};
use crate::service::routes::{TestReport, TestSent};
use crate::store::ImportReport;

pub(super) async fn list_routes(s: Scope) -> Result<Json<Vec<Route>>, ApiError> {
    Ok(Json(s.ctx.list(s.app(), s.account()).await?))
}

pub(super) async fn add_route(
    State(st): State<AppState>,
    p: Principal,
    Json(route): Json<Route>,
) -> Result<(StatusCode, Json<Route>), ApiError> {
    p.require(&route.app_id, &route.account_id)?;
    let r = call::principal(&st, &p).add(route).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

pub(super) async fn get_route(v: Visible<RouteName>) -> Result<Json<Route>, ApiError> {
    Ok(Json(v.ctx.get(&v.app, &v.account, &v.rest.name).await?))
}

pub(super) async fn replace_route(
    State(st): State<AppState>,
    v: Visible<RouteName>,
    Json(route): Json<Route>,
) -> Result<Json<Route>, ApiError> {
    // A tenant cannot move a route into another tenant either.
    v.p.require(&route.app_id, &route.account_id)?;
    let saved = call::principal(&st, &v.p)
        .replace(&v.app, &v.account, &v.rest.name, route)
        .await?;
    Ok(Json(saved))
}

pub(super) async fn remove_route(v: Visible<RouteName>) -> Result<StatusCode, ApiError> {
    v.ctx.remove(&v.app, &v.account, &v.rest.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn send_test(
    State(st): State<AppState>,
    v: Visible<RouteName>,
) -> Result<Json<Vec<TestSent>>, ApiError> {
    if v.p.tenant().is_some() {
        send_test_quota(&st, &v.app, &v.account)?;
    }
    let sent = v.ctx.send_test(&v.app, &v.account, &v.rest.name).await?;
    Ok(Json(sent))
}

/// Counts one send-test against the tenant's `quotas.send_tests_per_hour`: test sends go to every
/// destination of a route, so without a bound they are a spam cannon. The operator is not limited.
pub(crate) fn send_test_quota(st: &AppState, app: &str, account: &str) -> Result<(), ApiError> {
    let now = chrono::Utc::now().timestamp_millis();
    st.quotas
        .take(app, account, QuotaKind::SendTest, now)
        .map_err(|wait| {
            let secs = wait.as_secs().max(1);
            st.metrics
                .inc("quota_exceeded_total", &[("channel", "send_test")]);
            ApiError::RateLimited {
                message: format!(
                    "Your community used its {} test sends for this hour. Try again in {} \
                     minute{}.",
                    st.config.quotas.send_tests_per_hour,
                    secs.div_ceil(60),
                    if secs.div_ceil(60) == 1 { "" } else { "s" }
                ),
                retry_after_secs: secs,
            }
        })
}

pub(super) async fn import_routes(
    State(st): State<AppState>,
    p: Principal,
    Json(doc): Json<RouteDocument>,
) -> Result<Json<ImportReport>, ApiError> {
    for r in &doc.routes {
        p.require(&r.app_id, &r.account_id)?;
    }
    Ok(Json(call::principal(&st, &p).import(&doc).await?))
}

#[derive(Deserialize)]
pub(super) struct AppQuery {
    #[serde(default = "default_app")]
    app: String,
}

/// The body is a Zoom event as Zoom would post it; a tenant may test only its own account's events.
pub(super) async fn test_routes(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<AppQuery>,
    body: Bytes,
) -> Result<Json<TestReport>, ApiError> {
    if let Some((app, account)) = p.tenant() {
        let named = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["payload"]["account_id"].as_str().map(str::to_string));
        if q.app != app || named.as_deref() != Some(account) {
            return Err(ApiError::NotFound(
                "the event is not for your account".into(),
            ));
        }
    }
    let report = call::operator(&st)
        .test(&call::dispatcher(&st), &q.app, &body)
        .await?;
    Ok(Json(report))
}
