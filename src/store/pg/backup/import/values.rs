//! Reading one backup entry's key and value as the columns of its row, each failure naming the
//! tree and what is wrong with the entry.

use tokio_postgres::types::ToSql;

use super::Param;
use crate::store::backup::BackupError;
use crate::store::keys::{decode_job_key, split_tenant_key};

pub(super) fn p<T: ToSql + Sync + Send + 'static>(v: T) -> Param {
    Box::new(v)
}

pub(super) fn bad(tree: &str, what: &str) -> BackupError {
    BackupError::Unsupported {
        backend: "PostgreSQL".into(),
        detail: format!("an entry of `{tree}` has {what}"),
    }
}

/// The decoded key of an entry of `tree`, or the error that says its key is malformed.
pub(super) fn decoded_key<T>(tree: &str, decoded: Option<T>) -> Result<T, BackupError> {
    decoded.ok_or_else(|| bad(tree, "a malformed key"))
}

pub(super) fn json<T: serde::de::DeserializeOwned>(tree: &str, v: &[u8]) -> Result<T, BackupError> {
    serde_json::from_slice(v)
        .map_err(|e| bad(tree, &format!("a record that does not decode ({e})")))
}

pub(super) fn id_key(tree: &str, k: &[u8]) -> Result<i64, BackupError> {
    decode_job_key(k)
        .map(|n| n as i64)
        .ok_or_else(|| bad(tree, "a malformed key"))
}

pub(super) fn tenant_key(tree: &str, k: &[u8]) -> Result<(String, String, Vec<u8>), BackupError> {
    split_tenant_key(k)
        .map(|(a, b, rest)| (a, b, rest.to_vec()))
        .ok_or_else(|| bad(tree, "a malformed key"))
}

pub(super) fn text(tree: &str, b: Vec<u8>) -> Result<String, BackupError> {
    String::from_utf8(b).map_err(|_| bad(tree, "a name that is not text"))
}

pub(super) fn be_i64(tree: &str, v: &[u8]) -> Result<i64, BackupError> {
    <[u8; 8]>::try_from(v)
        .map(i64::from_be_bytes)
        .map_err(|_| bad(tree, "a malformed value"))
}
