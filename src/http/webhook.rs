//! Zoom intake over HTTP: `POST /zoom/webhook/{app_id}` and `POST /zoom/webhook` (app `default`).
//!
//! A thin adapter around [`crate::intake`]: it refuses an unknown app (404) before reading the
//! body, reads the body within the size limit (413) and the body timeout (408), hands the bytes and
//! Zoom's headers to intake, and maps what intake did to HTTP: 401 for a bad signature or
//! timestamp, 400 for a body that is not JSON, the CRC answer, 200 once the event is durable, 503
//! if the store fails so that Zoom retries. Zoom never retries a 4xx (reference/zoom.md section 3).

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{ApiError, AppState};
use crate::intake::{Delivery, Intake, IntakeError, Outcome};

pub async fn receive_default(State(st): State<AppState>, req: Request) -> Response {
    handle(st, "default", req).await
}

pub async fn receive(
    State(st): State<AppState>,
    Path(app_id): Path<String>,
    req: Request,
) -> Response {
    handle(st, &app_id, req).await
}

async fn handle(st: AppState, app_id: &str, req: Request) -> Response {
    let result = intake(&st, app_id, req).await;
    let label = match &result {
        Ok(Outcome::Accepted { .. }) => "accepted",
        Ok(Outcome::Duplicate { .. }) => "duplicate",
        Ok(Outcome::UrlValidation { .. }) => "crc",
        Err(ApiError::NotFound(_)) => "unknown_app",
        Err(ApiError::PayloadTooLarge { .. }) => "too_large",
        Err(ApiError::Unauthorized(_)) => "unauthorized",
        Err(ApiError::BadRequest { .. }) => "bad_request",
        Err(ApiError::RequestTimeout(_)) => "timeout",
        Err(_) => "store_error",
    };
    let event = result.as_ref().map_or("", Outcome::event);
    // Unknown app ids are attacker-chosen; do not let them create label values.
    let app_label = if st.apps.get(app_id).is_some() {
        app_id
    } else {
        ""
    };
    st.metrics.inc(
        "webhooks_received_total",
        &[("app", app_label), ("event", event), ("result", label)],
    );
    match result {
        Ok(Outcome::Accepted { .. }) => Json(json!({"status": "accepted"})).into_response(),
        Ok(Outcome::Duplicate { .. }) => {
            st.metrics.inc("dedup_hits_total", &[]);
            Json(json!({"status": "accepted", "duplicate": true})).into_response()
        }
        Ok(Outcome::UrlValidation {
            plain_token,
            encrypted_token,
        }) => Json(json!({
            "plainToken": plain_token,
            "encryptedToken": encrypted_token,
        }))
        .into_response(),
        Err(e) => e.into_response(),
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a [u8]> {
    h.get(name).map(|v| v.as_bytes())
}

async fn intake(st: &AppState, app_id: &str, req: Request) -> Result<Outcome, ApiError> {
    let intake = Intake {
        db: &*st.db,
        inbox: &st.signals.inbox,
    };
    let Some(app) = st.apps.find(app_id).await else {
        return Err(to_api(IntakeError::UnknownApp(app_id.to_string())));
    };
    let (parts, body) = req.into_parts();
    let body = read_limited(body, st.config.server.max_body_bytes).await?;
    let h = &parts.headers;
    let delivery = Delivery {
        timestamp: header(h, "x-zm-request-timestamp"),
        signature: header(h, "x-zm-signature"),
        request_id: h.get("x-zm-request-id").and_then(|v| v.to_str().ok()),
        tracking_id: h.get("x-zm-trackingid").and_then(|v| v.to_str().ok()),
        body: &body,
    };
    let outcome = intake
        .receive(app_id, &app.keys, delivery, chrono::Utc::now().timestamp())
        .await
        .map_err(to_api)?;
    if matches!(outcome, Outcome::UrlValidation { .. }) && app.stored.is_some() {
        // The guided setup page shows that Zoom's validation arrived; the answer does not wait.
        let apps = st.apps.clone();
        tokio::spawn(async move { apps.note_crc(&app).await });
    }
    Ok(outcome)
}

fn to_api(e: IntakeError) -> ApiError {
    match e {
        IntakeError::UnknownApp(_) => ApiError::NotFound(e.to_string()),
        IntakeError::Unverified(_) => ApiError::Unauthorized(e.to_string()),
        IntakeError::Malformed(m) => ApiError::bad_request(m),
        IntakeError::Store(s) => s.into(),
    }
}

/// Reads the whole body, refusing anything over `limit` bytes (by Content-Length up front, or while
/// reading a chunked body).
async fn read_limited(body: Body, limit: usize) -> Result<bytes::Bytes, ApiError> {
    match axum::body::to_bytes(body, limit).await {
        Ok(b) => Ok(b),
        Err(e) => {
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                if s.is::<super::server::BodyTimeout>() {
                    return Err(ApiError::RequestTimeout(
                        "the request body did not arrive in time".into(),
                    ));
                }
                source = s.source();
            }
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
                || e.to_string().contains("length limit");
            if too_large {
                Err(ApiError::PayloadTooLarge { limit })
            } else {
                Err(ApiError::bad_request(format!(
                    "could not read the body: {e}"
                )))
            }
        }
    }
}
