//! Opening the configured backend: the one place that chooses between sled and PostgreSQL. The
//! relay (`run`) and the CLI's local access both come through here, so they always agree on where
//! the data is.

use std::sync::Arc;

use secrecy::ExposeSecret;

use super::pg::PgStore;
use super::{Db, Store, StoreError};
use crate::config::{Config, StoreBackend};

/// Opens the store that `[store] backend` names: sled under `server.data_dir` (the default, which
/// needs nothing installed), or the PostgreSQL database at `store.url` (migrated on connect).
pub async fn open(config: &Config) -> Result<Db, StoreError> {
    match &config.store_backend {
        StoreBackend::Sled => Ok(Arc::new(open_sled(config).await?)),
        StoreBackend::Postgres { url, .. } => {
            let key = config.store.data_key.as_ref().map(|k| *k.bytes());
            let pool = usize::try_from(config.store.pool_size).unwrap_or(usize::MAX);
            Ok(Arc::new(
                PgStore::connect_pooled(url.expose_secret(), key, pool).await?,
            ))
        }
    }
}

/// The sled store under `server.data_dir`, opened on the blocking pool (opening reads its log).
/// For the callers that need sled itself, whatever the configured backend.
pub async fn open_sled(config: &Config) -> Result<Store, StoreError> {
    let dir = config.server.data_dir.clone();
    let cfg = config.store.clone();
    tokio::task::spawn_blocking(move || Store::open(&dir, &cfg))
        .await
        .map_err(|e| StoreError::backend("store open task", e))?
}
