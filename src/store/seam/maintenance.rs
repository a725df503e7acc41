//! Health, durability and diagnostics of a backend as a whole.

use super::*;

#[async_trait]
pub trait Maintenance: Send + Sync {
    /// Where the data lives, for messages (a directory for sled, a redacted URL for a server).
    fn location(&self) -> String;
    /// False once a write or flush failed; `/readyz` reports it.
    fn is_healthy(&self) -> bool;
    /// Fault injection for tests: the next `times` durable writes or syncs fail as if the backend
    /// had returned an I/O error. Backends that cannot inject a fault ignore it.
    #[doc(hidden)]
    fn inject_fault(&self, fault: Fault, times: u32);
    /// Durations of the group-commit syncs so far.
    fn flush_stats(&self) -> FlushSnapshot;
    /// Waits until everything written before this call is durable (many callers share one sync).
    async fn flush(&self) -> Result<(), StoreError>;
    /// Flushes and stops accepting writes. Later appends fail with [`StoreError::Closed`].
    async fn close(&self) -> Result<(), StoreError>;
    /// Every (table, key) whose key or value contains `needle`: proof that a purge left nothing.
    async fn trees_containing(&self, needle: &[u8]) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// How many records each table holds: proof that a request wrote nothing durable.
    async fn key_counts(&self) -> Result<BTreeMap<String, usize>, StoreError>;
    /// Writes a consistent backup of everything to `path` (0600).
    async fn backup_to_file(&self, path: &Path) -> Result<BackupInfo, BackupError>;
    /// Streams a backup into `w` (the admin API's download).
    async fn write_backup(
        &self,
        w: Box<dyn std::io::Write + Send>,
    ) -> Result<BackupInfo, BackupError>;
}
