//! Zoom intake: `POST /zoom/webhook/{app_id}` and `POST /zoom/webhook` (app `default`).
//!
//! Order matters: app lookup (404), body under the size limit (413), signature and timestamp on the raw
//! bytes (401), JSON (400), then the CRC answer or a durable append (200 once flushed, 503 if the
//! store fails so that Zoom retries). Zoom never retries a 4xx (reference/zoom.md section 3).

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{ApiError, AppState};
use crate::store::{AppendOutcome, NewEvent};
use crate::zoom::event::{self, EventBody, ParsedEvent};

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
        Ok(Intake::Accepted { .. }) => "accepted",
        Ok(Intake::Duplicate { .. }) => "duplicate",
        Ok(Intake::Crc(_)) => "crc",
        Err(ApiError::NotFound(_)) => "unknown_app",
        Err(ApiError::PayloadTooLarge { .. }) => "too_large",
        Err(ApiError::Unauthorized(_)) => "unauthorized",
        Err(ApiError::BadRequest { .. }) => "bad_request",
        Err(ApiError::RequestTimeout(_)) => "timeout",
        Err(_) => "store_error",
    };
    let event = match &result {
        Ok(Intake::Accepted { event } | Intake::Duplicate { event }) => event.as_str(),
        Ok(Intake::Crc(_)) => "endpoint.url_validation",
        _ => "",
    };
    // Unknown app ids are attacker-chosen; do not let them create label values.
    let app_label = if st.verifiers.contains_key(app_id) {
        app_id
    } else {
        ""
    };
    st.metrics.inc(
        "webhooks_received_total",
        &[("app", app_label), ("event", event), ("result", label)],
    );
    match result {
        Ok(Intake::Accepted { .. }) => Json(json!({"status": "accepted"})).into_response(),
        Ok(Intake::Duplicate { .. }) => {
            st.metrics.inc("dedup_hits_total", &[]);
            Json(json!({"status": "accepted", "duplicate": true})).into_response()
        }
        Ok(Intake::Crc(v)) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

enum Intake {
    Accepted { event: String },
    Duplicate { event: String },
    Crc(serde_json::Value),
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a [u8]> {
    h.get(name).map(|v| v.as_bytes())
}

fn header_string(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(128).collect())
}

async fn intake(st: &AppState, app_id: &str, req: Request) -> Result<Intake, ApiError> {
    let verifier = st.verifiers.get(app_id).ok_or_else(|| {
        ApiError::NotFound(format!("no Zoom app with id `{app_id}` is configured"))
    })?;
    let limit = st.config.server.max_body_bytes;
    let (parts, body) = req.into_parts();
    let body = read_limited(body, limit).await?;

    let now = chrono::Utc::now().timestamp();
    if let Err(e) = verifier.verify(
        header(&parts.headers, "x-zm-request-timestamp"),
        header(&parts.headers, "x-zm-signature"),
        &body,
        now,
    ) {
        tracing::warn!(
            app = app_id,
            reason = e.label(),
            "rejected Zoom webhook: {e}"
        );
        return Err(ApiError::Unauthorized(format!(
            "webhook verification failed: {e}"
        )));
    }

    let parsed = event::parse(&body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if let ParsedEvent::Ok(e) = &parsed
        && let EventBody::UrlValidation { plain_token } = &e.body
    {
        tracing::info!(app = app_id, "answered Zoom endpoint URL validation");
        return Ok(Intake::Crc(json!({
            "plainToken": plain_token,
            "encryptedToken": verifier.crc_token(plain_token),
        })));
    }

    let body_text =
        String::from_utf8(body.to_vec()).map_err(|_| ApiError::bad_request("body is not UTF-8"))?;
    let key = parsed.dedup_key(app_id, &body);
    let (event_ts, parse_error) = match &parsed {
        ParsedEvent::Ok(e) => (e.event_ts, None),
        ParsedEvent::Malformed { error, .. } => (None, Some(error.clone())),
    };
    let kind = parsed.kind().to_string();
    let new = NewEvent {
        app_id: app_id.to_string(),
        account_id: parsed.account_id().map(str::to_string),
        event: kind.clone(),
        event_ts,
        zm_request_id: header_string(&parts.headers, "x-zm-request-id"),
        zm_tracking_id: header_string(&parts.headers, "x-zm-trackingid"),
        parse_error,
        body: body_text,
    };
    match st.store.append_event(key, new).await? {
        AppendOutcome::Accepted { seq } => {
            st.signals.inbox.notify_one();
            tracing::debug!(app = app_id, event = %kind, seq, "accepted Zoom event");
            Ok(Intake::Accepted { event: kind })
        }
        AppendOutcome::Duplicate { seq } => {
            tracing::info!(app = app_id, event = %kind, original = seq, "duplicate Zoom delivery acknowledged");
            Ok(Intake::Duplicate { event: kind })
        }
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
