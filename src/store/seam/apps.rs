//! Zoom apps added at run time and the invitations to add one (`store::apps`).

use super::*;
use crate::store::apps::{AppInvite, InviteUse, StoredApp};

#[async_trait]
pub trait AppStore: Send + Sync {
    /// Every stored app, by id. Small (one row per app), so replicas re-read it whole.
    async fn list_apps(&self) -> Result<Vec<StoredApp>, StoreError>;

    async fn get_app(&self, id: &str) -> Result<Option<StoredApp>, StoreError>;

    /// Adds `app` unless its id is taken: false, and nothing is written.
    async fn insert_app(&self, app: &StoredApp) -> Result<bool, StoreError>;

    /// Replaces the app if its stored revision is still `expected`: false, and nothing is
    /// written, when another writer changed it meanwhile or it is gone.
    async fn swap_app(&self, expected: u64, app: &StoredApp) -> Result<bool, StoreError>;

    /// Removes the app record (not its tenants: the caller purges those first); false when there
    /// was none.
    async fn delete_app(&self, id: &str) -> Result<bool, StoreError>;

    /// Stores an invitation under the hash of its code; false on a collision (nothing written).
    async fn put_app_invite(&self, hash: &[u8; 32], rec: &AppInvite) -> Result<bool, StoreError>;

    /// The invitation of a code hash, used or not; nothing is consumed.
    async fn app_invite(&self, hash: &[u8; 32]) -> Result<Option<AppInvite>, StoreError>;

    /// Every invitation, oldest first.
    async fn list_app_invites(&self) -> Result<Vec<AppInvite>, StoreError>;

    /// Withdraws the open invitations whose id starts with `id_prefix` (they expire now); a used
    /// one stays used. Returns the withdrawn ones, oldest first.
    async fn expire_app_invites(
        &self,
        id_prefix: &str,
        now_ms: i64,
    ) -> Result<Vec<AppInvite>, StoreError>;

    /// Deletes the invitations that expired before `before_ms`, used or not; returns how many.
    async fn prune_app_invites(&self, before_ms: i64) -> Result<usize, StoreError>;

    /// Uses an invitation: of concurrent uses exactly one gets [`InviteUse::Used`]; a used or
    /// expired invitation is refused and left as it is.
    async fn use_app_invite(&self, hash: &[u8; 32], now_ms: i64) -> Result<InviteUse, StoreError>;
}
