//! The store's one error type, for both backends: what went wrong in words an operator can act on,
//! with the backend's own error kept as the source.

use std::path::PathBuf;
use std::sync::Arc;

use super::SCHEMA_VERSION;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the store at {path} is in use by another zoom-relay process (sled holds a lock on it)"
    )]
    Locked { path: PathBuf },
    #[error(
        "the store at {path} is corrupt: {detail}. Stop the relay, move the directory aside and run \
         `zoom-relay restore <backup-file>` to restore the last backup"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "the store at {path} was written by a newer zoom-relay (schema {found}, this build knows {SCHEMA_VERSION}); upgrade the binary"
    )]
    NewerSchema { path: PathBuf, found: u32 },
    /// A failure the store found itself (a malformed key, a missing record), described in words.
    #[error("store I/O error: {0}")]
    Io(String),
    /// The backend (or the task running it) failed; `source` is its own error, kept so callers
    /// and logs can walk the chain. `context` says what the store was doing, or is empty. Shared
    /// rather than boxed so that the error stays `Clone` (one failed group commit answers every
    /// append of its batch); [`StoreError::backend_source`] reaches the original for downcasting.
    #[error("store I/O error: {}", join_context(context, source))]
    Backend {
        context: String,
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync + 'static>,
    },
    #[error("the store stopped accepting writes after an earlier failure; restart the relay")]
    Poisoned,
    #[error("the store is closed")]
    Closed,
    /// A compare-and-swap lost to other writers every time it was retried (see
    /// `Store::update_route`). Nothing was written; the caller may try again.
    #[error("{0} kept changing under concurrent writers; nothing was written, try again")]
    Contended(String),
}

impl StoreError {
    /// A backend failure with what the store was doing (`context`, may be empty).
    pub fn backend(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> StoreError {
        StoreError::Backend {
            context: context.into(),
            source: Arc::new(source),
        }
    }
}

impl StoreError {
    /// The backend's own error behind a [`StoreError::Backend`], as its concrete type can be
    /// recovered from (`downcast_ref`); `Error::source` yields it too, behind the shared pointer.
    pub fn backend_source(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        match self {
            StoreError::Backend { source, .. } => Some(&**source),
            _ => None,
        }
    }
}

fn join_context(context: &str, source: &(dyn std::error::Error + Send + Sync)) -> String {
    if context.is_empty() {
        source.to_string()
    } else {
        format!("{context}: {source}")
    }
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::backend("", e)
    }
}
