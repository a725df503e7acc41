//! `/api/v1/backup`: the whole store as a backup file, for the operator.

use axum::response::IntoResponse;

use super::Operator;
use crate::http::ApiError;

/// The whole store as a backup file (`store::backup`), streamed while it is written, so a large store
/// needs no buffer here. A failure part-way ends the stream early; the file then lacks its checksum,
/// and the CLI, which verifies what it received, says so.
pub(super) async fn backup(op: Operator) -> Result<axum::response::Response, ApiError> {
    let (reader, writer) = tokio::io::duplex(256 * 1024);
    let bridge = tokio_util::io::SyncIoBridge::new(writer);
    let db = op.st.db.clone();
    tokio::spawn(async move {
        match db.write_backup(Box::new(bridge)).await {
            Ok(info) => tracing::info!(
                trees = info.trees,
                entries = info.entries,
                bytes = info.bytes,
                "backup streamed to an admin client"
            ),
            Err(e) => tracing::warn!(error = %e, "backup stream stopped before the end"),
        }
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
