//! Admin REST API at `/api/v1`, authenticated by the operator's bearer `admin_token`.

mod codes;
mod tenants;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use secrecy::ExposeSecret;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::{ApiError, AppState};
use crate::routing::{Route, RouteDocument};
use crate::service::deliveries::{
    self, DeliveriesQuery, DeliveryView, EnableRequest, ReplayReport, ReplayRequest, RetryError,
};
use crate::service::events::{self, EventView, EventsQuery, QueryError};
use crate::service::routes::{
    Ctx, PreviewItem, PreviewRequest, ServiceError, TemplateInfo, TestReport,
};
use crate::store::ImportReport;
use crate::store::{DisabledTarget, Notice};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(list_events))
        .route("/tenants", get(tenants::list))
        .route("/tenants/audit", get(tenants::audit))
        .route(
            "/tenants/{app}/{account}",
            get(tenants::show).delete(tenants::remove),
        )
        .route("/backup", get(backup))
        .route("/codes", get(codes::list).post(codes::create))
        .route("/codes/{id}", axum::routing::delete(codes::revoke))
        .route("/routes", get(list_routes).post(add_route))
        .route("/routes/import", post(import_routes))
        .route("/routes/test", post(test_routes))
        .route(
            "/routes/{app}/{account}/{name}",
            get(get_route).put(replace_route).delete(remove_route),
        )
        .route("/deliveries", get(list_deliveries))
        .route("/deliveries/replay", post(replay_deliveries))
        .route("/deliveries/{id}/retry", post(retry_delivery))
        .route("/notices", get(list_notices))
        .route("/destinations/disabled", get(list_disabled))
        .route("/destinations/enable", post(enable_destination))
        .route("/templates", get(list_templates))
        .route("/templates/source", get(template_source))
        .route("/templates/preview", post(preview_templates))
        .route(
            "/templates/{app}/{account}/{event}/{key}",
            put(set_template).delete(remove_template),
        )
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound(m) => ApiError::NotFound(m),
            ServiceError::Conflict(m) => ApiError::Conflict(m),
            ServiceError::Invalid(errs) => ApiError::BadRequest {
                field: errs.first().map(|e| e.field.clone()),
                message: errs
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            },
            ServiceError::Store(s) => s.into(),
        }
    }
}

/// Runs a service call on the blocking pool (the store is synchronous).
async fn service<T: Send + 'static>(
    st: &AppState,
    headers: &HeaderMap,
    f: impl FnOnce(&Ctx<'_>) -> Result<T, ServiceError> + Send + 'static,
) -> Result<T, ApiError> {
    require_admin(st, headers)?;
    let st = st.clone();
    tokio::task::spawn_blocking(move || {
        let ctx = Ctx {
            store: &st.store,
            config: &st.config,
            renderer: &st.renderer,
        };
        f(&ctx)
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?
    .map_err(ApiError::from)
}

#[derive(Deserialize)]
struct TenantQuery {
    app: Option<String>,
    account: Option<String>,
}

async fn list_routes(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TenantQuery>,
) -> Result<Json<Vec<Route>>, ApiError> {
    service(&st, &headers, move |c| {
        c.list(q.app.as_deref(), q.account.as_deref())
    })
    .await
    .map(Json)
}

async fn add_route(
    State(st): State<AppState>,
    headers: HeaderMap,
    Json(route): Json<Route>,
) -> Result<(StatusCode, Json<Route>), ApiError> {
    let r = service(&st, &headers, move |c| c.add(route)).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

async fn get_route(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((app, account, name)): Path<(String, String, String)>,
) -> Result<Json<Route>, ApiError> {
    service(&st, &headers, move |c| c.get(&app, &account, &name))
        .await
        .map(Json)
}

async fn replace_route(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((app, account, name)): Path<(String, String, String)>,
    Json(route): Json<Route>,
) -> Result<Json<Route>, ApiError> {
    service(&st, &headers, move |c| {
        c.replace(&app, &account, &name, route)
    })
    .await
    .map(Json)
}

async fn remove_route(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((app, account, name)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    service(&st, &headers, move |c| c.remove(&app, &account, &name)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn import_routes(
    State(st): State<AppState>,
    headers: HeaderMap,
    Json(doc): Json<RouteDocument>,
) -> Result<Json<ImportReport>, ApiError> {
    service(&st, &headers, move |c| c.import(&doc))
        .await
        .map(Json)
}

#[derive(Deserialize)]
struct AppQuery {
    #[serde(default = "default_app")]
    app: String,
}

fn default_app() -> String {
    "default".into()
}

/// The body is a Zoom event as Zoom would post it.
async fn test_routes(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<AppQuery>,
    body: Bytes,
) -> Result<Json<TestReport>, ApiError> {
    service(&st, &headers, move |c| c.test(&q.app, &body))
        .await
        .map(Json)
}

async fn list_templates(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TenantQuery>,
) -> Result<Json<Vec<TemplateInfo>>, ApiError> {
    let app = q.app.unwrap_or_else(default_app);
    let account = q
        .account
        .ok_or_else(|| ApiError::bad_field("account", "pass ?account="))?;
    service(&st, &headers, move |c| c.templates(&app, &account))
        .await
        .map(Json)
}

#[derive(Deserialize)]
struct SourceQuery {
    #[serde(default = "default_app")]
    app: String,
    account: Option<String>,
    event: String,
    key: String,
}

async fn template_source(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SourceQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let source = service(&st, &headers, move |c| {
        c.template_source(&q.app, q.account.as_deref(), &q.event, &q.key)
    })
    .await?;
    Ok(Json(serde_json::json!({ "source": source })))
}

#[derive(Deserialize)]
struct SetTemplate {
    source: String,
}

async fn set_template(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((app, account, event, key)): Path<(String, String, String, String)>,
    Json(body): Json<SetTemplate>,
) -> Result<StatusCode, ApiError> {
    service(&st, &headers, move |c| {
        c.set_template(&app, &account, &event, &key, &body.source)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_template(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((app, account, event, key)): Path<(String, String, String, String)>,
) -> Result<StatusCode, ApiError> {
    service(&st, &headers, move |c| {
        c.remove_template(&app, &account, &event, &key)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn preview_templates(
    State(st): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<PreviewRequest>,
) -> Result<Json<Vec<PreviewItem>>, ApiError> {
    service(&st, &headers, move |c| c.preview(&req))
        .await
        .map(Json)
}

/// Constant-time check of `Authorization: Bearer <admin_token>`.
pub fn require_admin(st: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = &st.config.security.admin_token else {
        return Err(ApiError::Unauthorized(
            "the admin API is disabled: security.admin_token is not set".into(),
        ));
    };
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if bool::from(given.as_bytes().ct_eq(expected.expose_secret().as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized(
            "missing or wrong bearer token".into(),
        ))
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::BadSince(m) => ApiError::bad_field("since", m),
            QueryError::Store(s) => s.into(),
        }
    }
}

async fn list_events(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> Result<Json<Vec<EventView>>, ApiError> {
    require_admin(&st, &headers)?;
    let store = st.store.clone();
    let rows = tokio::task::spawn_blocking(move || events::list(&store, &q))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    Ok(Json(rows))
}

impl From<RetryError> for ApiError {
    fn from(e: RetryError) -> Self {
        match e {
            RetryError::NotFound(id) => ApiError::NotFound(format!("no dead letter with id {id}")),
            RetryError::BadSince(m) => ApiError::bad_field("since", m),
            RetryError::Store(s) => s.into(),
        }
    }
}

/// Runs a store call on the blocking pool after the admin check.
async fn blocking<T: Send + 'static, E: Into<ApiError> + Send + 'static>(
    st: &AppState,
    headers: &HeaderMap,
    f: impl FnOnce(&crate::store::Store) -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError> {
    require_admin(st, headers)?;
    let store = st.store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(Into::into)
}

async fn list_deliveries(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DeliveriesQuery>,
) -> Result<Json<Vec<DeliveryView>>, ApiError> {
    blocking(&st, &headers, move |s| deliveries::list(s, &q))
        .await
        .map(Json)
}

async fn retry_delivery(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<u64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    blocking(&st, &headers, move |s| deliveries::retry(s, id)).await?;
    for c in crate::routing::Channel::ALL {
        st.signals.channel(c).notify_one();
    }
    Ok(Json(serde_json::json!({ "requeued": 1 })))
}

async fn replay_deliveries(
    State(st): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<ReplayRequest>,
) -> Result<Json<ReplayReport>, ApiError> {
    let report = blocking(&st, &headers, move |s| deliveries::replay(s, &req)).await?;
    for c in crate::routing::Channel::ALL {
        st.signals.channel(c).notify_one();
    }
    Ok(Json(report))
}

async fn list_notices(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TenantQuery>,
) -> Result<Json<Vec<Notice>>, ApiError> {
    blocking(&st, &headers, move |s| {
        deliveries::notices(s, q.app.as_deref(), q.account.as_deref())
    })
    .await
    .map(Json)
}

async fn list_disabled(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TenantQuery>,
) -> Result<Json<Vec<DisabledTarget>>, ApiError> {
    blocking(&st, &headers, move |s| {
        deliveries::disabled(s, q.app.as_deref(), q.account.as_deref())
    })
    .await
    .map(Json)
}

async fn enable_destination(
    State(st): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<EnableRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let target = req.target.clone();
    let enabled = blocking(&st, &headers, move |s| deliveries::enable(s, &req)).await?;
    if enabled {
        Ok(Json(serde_json::json!({ "enabled": target })))
    } else {
        Err(ApiError::NotFound(format!(
            "`{target}` is not disabled for that account"
        )))
    }
}

/// The whole store as a backup file (`store::backup`), streamed while it is written, so a large store
/// needs no buffer here. A failure part-way ends the stream early; the file then lacks its checksum,
/// and the CLI, which verifies what it received, says so.
async fn backup(
    State(st): State<AppState>,
    headers: HeaderMap,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    require_admin(&st, &headers)?;
    let (reader, writer) = tokio::io::duplex(256 * 1024);
    let bridge = tokio_util::io::SyncIoBridge::new(writer);
    let store = st.store.clone();
    tokio::task::spawn_blocking(move || match store.write_backup(bridge) {
        Ok(info) => tracing::info!(
            trees = info.trees,
            entries = info.entries,
            bytes = info.bytes,
            "backup streamed to an admin client"
        ),
        Err(e) => tracing::warn!(error = %e, "backup stream stopped before the end"),
    });
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(reader));
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/octet-stream"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"zoom-relay.backup\"",
            ),
        ],
        body,
    )
        .into_response())
}
