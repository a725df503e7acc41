//! [`Cluster`] on sled: one process owns the data directory (sled locks it), so there is nobody
//! to wake across processes, and a role is the process's own. Roles are still exclusive within the
//! process, so the contract (one holder per role at a time) holds on every backend.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::store::Store;
use crate::store::seam::{Campaign, Cluster, Leadership, Role, Wake};

/// How often a campaign for a role held by another campaign in this process tries again.
const RETRY: Duration = Duration::from_millis(200);

/// Roles held in this process, by store directory.
fn held() -> &'static Mutex<HashSet<(PathBuf, Role)>> {
    static HELD: OnceLock<Mutex<HashSet<(PathBuf, Role)>>> = OnceLock::new();
    HELD.get_or_init(Default::default)
}

impl Cluster for Store {
    /// None: the local signals already say everything in a single process.
    fn wakeups(&self) -> Option<mpsc::Receiver<Wake>> {
        None
    }

    fn campaign(&self, role: Role) -> Leadership {
        let (lead, campaign) = Leadership::new();
        let key = (self.path().to_path_buf(), role);
        tokio::spawn(run(key, campaign));
        lead
    }
}

async fn run(key: (PathBuf, Role), campaign: Campaign) {
    loop {
        if held().lock().expect("roles lock").insert(key.clone()) {
            break;
        }
        tokio::select! {
            _ = campaign.stopped() => return,
            _ = tokio::time::sleep(RETRY) => {}
        }
    }
    campaign.set(true);
    campaign.stopped().await;
    campaign.set(false);
    held().lock().expect("roles lock").remove(&key);
}
