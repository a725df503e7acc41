//! Liveness, readiness and metrics.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::json;

use super::AppState;

/// The process is up and serving HTTP.
pub async fn healthz() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

/// The store accepts writes and the background workers run.
pub async fn readyz(State(st): State<AppState>) -> impl IntoResponse {
    let store_ok = st.db.is_healthy();
    let workers_ok = st.workers_running.load(Ordering::Relaxed);
    let status = if store_ok && workers_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if status == StatusCode::OK { "ready" } else { "not_ready" },
            "store": if store_ok { "ok" } else { "failed" },
            "workers": if workers_ok { "running" } else { "stopped" },
        })),
    )
}

pub async fn metrics(State(st): State<AppState>) -> impl IntoResponse {
    let mut gauges = vec![
        (
            "inbox_depth",
            "Verified events waiting for the dispatcher.",
            vec![],
            st.db.inbox_len().await as f64,
        ),
        (
            "build_info",
            "Build information.",
            vec![("version", env!("CARGO_PKG_VERSION").to_string())],
            1.0,
        ),
    ];
    for c in crate::routing::Channel::ALL {
        gauges.push((
            "outbox_depth",
            "Jobs waiting to be delivered (queued, retrying or paced), per channel.",
            vec![("channel", c.as_str().to_string())],
            st.db.outbox_len(Some(c)).await as f64,
        ));
    }
    let mut text = st.metrics.render(&gauges);
    let f = st.db.flush_stats();
    text.push_str("# HELP store_flush_seconds Time to fsync one group-commit batch.\n");
    text.push_str("# TYPE store_flush_seconds histogram\n");
    for (le, n) in &f.buckets {
        text.push_str(&format!("store_flush_seconds_bucket{{le=\"{le}\"}} {n}\n"));
    }
    text.push_str(&format!(
        "store_flush_seconds_bucket{{le=\"+Inf\"}} {}\nstore_flush_seconds_sum {}\nstore_flush_seconds_count {}\n",
        f.count, f.sum_secs, f.count
    ));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}
