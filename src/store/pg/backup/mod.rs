//! Backups of a PostgreSQL store, in the file format of sled's (`store::backup`), and restores of
//! such a file (written by either backend) into a PostgreSQL database.
//!
//! The interchange is sled's layout: a backup holds one tree per kind of record, with the keys of
//! `store::keys` and the record bytes both backends store (`export.rs` turns rows into those trees,
//! `import.rs` turns them back into rows). A file therefore restores into either backend whichever
//! wrote it, and old sled backups restore here unchanged. Secrets sealed at rest stay sealed: the
//! bytes move as they are, so the target needs the same `security.data_key`.
//!
//! A backup reads every table in one `REPEATABLE READ` transaction, so it is one consistent snapshot
//! even while relays keep working. A restore writes everything in one transaction, exports it again
//! inside that transaction and compares every kind of record with the file before it commits: the
//! database changes only when the whole file is in it, exactly.

mod export;
mod import;

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::{PgStore, Tx};
use crate::store::StoreError;
use crate::store::backup::{
    BackupError, BackupInfo, BackupWriter, create_temp, settle_temp, temp_path_for,
};

pub use import::restore;

/// One step of an export, sent to whoever writes or checks it.
enum Item {
    Tree(String),
    Entry(Vec<u8>, Vec<u8>),
}

fn pg_err(e: tokio_postgres::Error) -> StoreError {
    StoreError::Io(super::conn::describe(&e))
}

/// `bot_state` values: text in PostgreSQL, bytes in sled (see `store::bot::state`).
fn state_to_sled(key: &str, value: &str) -> Vec<u8> {
    let own_offset = key.starts_with(crate::store::own_bots::OFFSET_PREFIX);
    let own_mark = key.starts_with(crate::store::own_bots::WATERMARK_PREFIX);
    match key {
        _ if own_mark => value
            .parse::<u64>()
            .map(|n| n.to_be_bytes().to_vec())
            .unwrap_or_else(|_| value.as_bytes().to_vec()),
        _ if own_offset => value
            .parse::<i64>()
            .map(|n| n.to_be_bytes().to_vec())
            .unwrap_or_else(|_| value.as_bytes().to_vec()),
        "last_update_id" => value
            .parse::<i64>()
            .map(|n| n.to_be_bytes().to_vec())
            .unwrap_or_else(|_| value.as_bytes().to_vec()),
        "notice_watermark" => value
            .parse::<u64>()
            .map(|n| n.to_be_bytes().to_vec())
            .unwrap_or_else(|_| value.as_bytes().to_vec()),
        "chat_links_migrated" | "email_consents_migrated" => vec![1],
        _ => value.as_bytes().to_vec(),
    }
}

/// The reverse of [`state_to_sled`].
fn state_from_sled(key: &str, value: &[u8]) -> String {
    let num = <[u8; 8]>::try_from(value).ok();
    let own_offset = key.starts_with(crate::store::own_bots::OFFSET_PREFIX);
    let own_mark = key.starts_with(crate::store::own_bots::WATERMARK_PREFIX);
    match (key, num) {
        (_, Some(b)) if own_mark => u64::from_be_bytes(b).to_string(),
        (_, Some(b)) if own_offset => i64::from_be_bytes(b).to_string(),
        ("last_update_id", Some(b)) => i64::from_be_bytes(b).to_string(),
        ("notice_watermark", Some(b)) => u64::from_be_bytes(b).to_string(),
        ("chat_links_migrated" | "email_consents_migrated", _) => "1".into(),
        _ => String::from_utf8_lossy(value).into_owned(),
    }
}

/// A file shared with the writer thread, so that it can be synced once the writer is done.
struct SharedFile(Arc<File>);

impl Write for SharedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        (&*self.0).write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        (&*self.0).flush()
    }
}

impl PgStore {
    /// Streams a backup into `w`: the rows come from one snapshot, and a blocking thread encodes
    /// them (the writer may block, as the admin API's bridge to its response does).
    pub(super) async fn backup_into(
        &self,
        w: Box<dyn Write + Send>,
    ) -> Result<BackupInfo, BackupError> {
        let (tx_items, mut rx) = mpsc::channel::<Item>(1024);
        let writer = tokio::task::spawn_blocking(move || -> Result<_, BackupError> {
            let mut out = BackupWriter::new(w)?;
            while let Some(item) = rx.blocking_recv() {
                match item {
                    Item::Tree(n) => out.tree(n.as_bytes())?,
                    Item::Entry(k, v) => out.entry(&k, &v)?,
                }
            }
            Ok(out)
        });
        let exported = async {
            let mut c = self.client().await?;
            let tx = Tx::begin(self, &mut c).await?;
            tx.inner()
                .batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .await
                .map_err(pg_err)?;
            let floor = export::export(&tx, &tx_items).await?;
            tx.commit().await?;
            Ok::<_, BackupError>(floor)
        }
        .await;
        drop(tx_items);
        let out = writer
            .await
            .map_err(|e| StoreError::backend("the backup writer failed", e))?;
        // The writer's own failure explains a stopped export better than the export's.
        let out = out?;
        let floor = exported?;
        tokio::task::spawn_blocking(move || out.finish(floor))
            .await
            .map_err(|e| StoreError::backend("the backup writer failed", e))?
    }

    /// [`backup_into`](Self::backup_into) a private temporary file beside `path`, then moved
    /// into place, so `path` is either the old file or the whole new one.
    pub(super) async fn backup_file(&self, path: &Path) -> Result<BackupInfo, BackupError> {
        let tmp = temp_path_for(path);
        let file = Arc::new(create_temp(&tmp)?);
        let res = async {
            let info = self.backup_into(Box::new(SharedFile(file.clone()))).await?;
            let f = file.clone();
            tokio::task::spawn_blocking(move || f.sync_all())
                .await
                .map_err(|e| StoreError::backend("the backup writer failed", e))?
                .map_err(BackupError::Write)?;
            Ok(info)
        }
        .await;
        settle_temp(&tmp, path, res)
    }
}
