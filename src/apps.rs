//! The Zoom apps this relay serves: the `[[zoom.apps]]` of the config, which are read-only, and the
//! apps added at run time (apps as data, `store::apps`), whose secrets are sealed at rest.
//!
//! [`Apps`] keeps every app in memory, keyed by id, with its secrets opened and its [`Keys`] built,
//! so intake looks an app up without touching the store. The stored apps are re-read whole (the
//! table is small) after every change made through this relay, every `zoom.apps_refresh_ms` (so a
//! replica sees an app another replica added), and on a lookup that misses, at most once per
//! [`MISS_RELOAD_EVERY`] for the whole relay: app ids in webhook and install URLs come from the
//! internet, and random ones must not cost a store read each.
//!
//! A config app wins over a stored app of the same id (the service refuses to create one, but a
//! later config edit may add it).

pub mod sealed;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;

pub use sealed::{open_app, seal_secret};

use crate::config::{Config, ZoomApp, is_valid_app_id};
use crate::store::apps::StoredApp;
use crate::store::{Db, StoreError};
use crate::zoom::{Keys, Verifier};

/// The least time between two reloads caused by lookups that missed.
pub const MISS_RELOAD_EVERY: Duration = Duration::from_secs(1);

/// Where an app is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `[[zoom.apps]]` in the config file: read-only at run time.
    Config,
    /// Added at run time, kept in the store.
    Stored,
}

/// One app as the relay serves it.
#[derive(Debug)]
pub struct App {
    /// The effective settings, secrets opened (never logged: they are `SecretString`s).
    pub zoom: ZoomApp,
    pub origin: Origin,
    pub keys: Keys,
    /// The stored record (sealed secrets, revision, CRC note) of a stored app.
    pub stored: Option<StoredApp>,
    /// Set once this relay recorded Zoom's first CRC for the app, so it writes the note once.
    crc_noted: AtomicBool,
}

impl App {
    fn from_config(zoom: &ZoomApp) -> App {
        App {
            keys: Keys::new(verifier(zoom, zoom.secret_token.expose_secret())),
            zoom: zoom.clone(),
            origin: Origin::Config,
            stored: None,
            crc_noted: AtomicBool::new(true),
        }
    }

    pub fn id(&self) -> &str {
        &self.zoom.id
    }

    pub fn read_only(&self) -> bool {
        self.origin == Origin::Config
    }
}

/// An app reads as its settings: `app.has_oauth()`, `app.user_managed`, `&*app` for a `&ZoomApp`.
impl std::ops::Deref for App {
    type Target = ZoomApp;
    fn deref(&self) -> &ZoomApp {
        &self.zoom
    }
}

fn verifier(app: &ZoomApp, token: &str) -> Verifier {
    Verifier::new(
        token.as_bytes(),
        app.timestamp_tolerance_secs,
        app.timestamp_future_tolerance_secs,
    )
}

type Map = Arc<HashMap<String, Arc<App>>>;

/// The registry. Cheap to share (`Arc<Apps>`); every lookup is a read lock and a clone.
pub struct Apps {
    config: Arc<Config>,
    db: Db,
    map: RwLock<Map>,
    /// When a lookup miss last caused a reload.
    last_miss_reload: Mutex<Option<Instant>>,
    /// How many times the stored apps were read (for tests of the miss bound).
    store_reads: AtomicU64,
    /// Held across a read and its install: reloads land in the order they read, so a refresh
    /// that read before an insert cannot install its older list after the insert's reload.
    reloading: tokio::sync::Mutex<()>,
    /// (app id, revision) of stored apps already reported as not served, so a bad record is
    /// logged once rather than at every refresh.
    reported: Mutex<HashSet<(String, u64)>>,
}

impl Apps {
    /// The config's apps only; [`Apps::reload`] adds the stored ones.
    pub fn new(config: Arc<Config>, db: Db) -> Arc<Apps> {
        let apps = Arc::new(Apps {
            map: RwLock::new(Arc::new(HashMap::new())),
            last_miss_reload: Mutex::new(None),
            store_reads: AtomicU64::new(0),
            reloading: tokio::sync::Mutex::new(()),
            reported: Mutex::new(HashSet::new()),
            config,
            db,
        });
        apps.install(Vec::new());
        apps
    }

    /// Every app, config and stored, loaded now.
    pub async fn load(config: Arc<Config>, db: Db) -> Result<Arc<Apps>, StoreError> {
        let apps = Apps::new(config, db);
        apps.reload().await?;
        Ok(apps)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    fn install(&self, stored: Vec<StoredApp>) {
        let mut map: HashMap<String, Arc<App>> = HashMap::new();
        let key = self.config.security.data_key.bytes();
        let d = &self.config.zoom.app_defaults;
        let current = self.map.read().expect("apps").clone();
        let first_report = |rec: &StoredApp| {
            self.reported
                .lock()
                .expect("apps")
                .insert((rec.id.clone(), rec.revision))
        };
        for rec in stored {
            if self.config.zoom.app(&rec.id).is_some() {
                if first_report(&rec) {
                    tracing::warn!(app = %rec.id, "a stored app has the id of a [[zoom.apps]] entry; the config's is used");
                }
                continue;
            }
            // Keep the same App (and its CRC note) when the record did not change.
            if let Some(a) = current.get(&rec.id)
                && a.stored.as_ref() == Some(&rec)
            {
                map.insert(rec.id.clone(), a.clone());
                continue;
            }
            match open_app(key, d, &rec) {
                Ok((zoom, keys)) => {
                    let noted = rec.crc_seen_at_ms.is_some();
                    map.insert(
                        rec.id.clone(),
                        Arc::new(App {
                            zoom,
                            origin: Origin::Stored,
                            keys,
                            stored: Some(rec),
                            crc_noted: AtomicBool::new(noted),
                        }),
                    );
                }
                Err(e) => {
                    if first_report(&rec) {
                        tracing::error!(app = %rec.id, "a stored app's secrets do not open with security.data_key, so it is not served: {e}");
                    }
                }
            }
        }
        for a in &self.config.zoom.apps {
            let app = current
                .get(&a.id)
                .filter(|c| c.origin == Origin::Config)
                .cloned()
                .unwrap_or_else(|| Arc::new(App::from_config(a)));
            map.insert(a.id.clone(), app);
        }
        *self.map.write().expect("apps") = Arc::new(map);
    }

    /// Re-reads the stored apps.
    pub async fn reload(&self) -> Result<(), StoreError> {
        let _in_order = self.reloading.lock().await;
        self.store_reads.fetch_add(1, Ordering::Relaxed);
        let stored = self.db.list_apps().await?;
        self.install(stored);
        Ok(())
    }

    /// The app `id` as last loaded, without reading the store.
    pub fn get(&self, id: &str) -> Option<Arc<App>> {
        self.map.read().expect("apps").get(id).cloned()
    }

    /// The app `id` for a request from the internet: on a miss, the stored apps are re-read, but
    /// at most once per [`MISS_RELOAD_EVERY`] for all callers together, and never for an id that
    /// no app could have.
    pub async fn find(&self, id: &str) -> Option<Arc<App>> {
        if let Some(a) = self.get(id) {
            return Some(a);
        }
        if !is_valid_app_id(id) {
            return None;
        }
        {
            let mut last = self.last_miss_reload.lock().expect("apps");
            if last.is_some_and(|t| t.elapsed() < MISS_RELOAD_EVERY) {
                return None;
            }
            *last = Some(Instant::now());
        }
        if let Err(e) = self.reload().await {
            tracing::warn!("could not re-read the stored apps: {e}");
        }
        self.get(id)
    }

    /// The app `id` for a caller whose ids do not come from the internet (the dispatcher, with
    /// the app id of a verified event; the service layer): a miss re-reads the store.
    pub async fn get_or_reload(&self, id: &str) -> Result<Option<Arc<App>>, StoreError> {
        if let Some(a) = self.get(id) {
            return Ok(Some(a));
        }
        self.reload().await?;
        Ok(self.get(id))
    }

    /// Every app, sorted by id.
    pub fn all(&self) -> Vec<Arc<App>> {
        let mut v: Vec<Arc<App>> = self.map.read().expect("apps").values().cloned().collect();
        v.sort_by(|a, b| a.zoom.id.cmp(&b.zoom.id));
        v
    }

    /// Records that Zoom's endpoint validation (CRC) reached a stored app, once: the guided setup
    /// page shows it. A compare-and-swap on the revision, retried, so that a concurrent rotation
    /// is not undone. Failures are logged; the CRC answer does not wait for this.
    pub async fn note_crc(&self, app: &App) {
        if app.crc_noted.swap(true, Ordering::SeqCst) {
            return;
        }
        for _ in 0..8 {
            let rec = match self.db.get_app(app.id()).await {
                Ok(Some(r)) => r,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(app = %app.id(), "could not record the CRC: {e}");
                    app.crc_noted.store(false, Ordering::SeqCst);
                    return;
                }
            };
            if rec.crc_seen_at_ms.is_some() {
                return;
            }
            let mut next = rec.clone();
            next.revision += 1;
            next.crc_seen_at_ms = Some(chrono::Utc::now().timestamp_millis());
            match self.db.swap_app(rec.revision, &next).await {
                Ok(true) => {
                    let _ = self.db.flush().await;
                    return;
                }
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!(app = %app.id(), "could not record the CRC: {e}");
                    app.crc_noted.store(false, Ordering::SeqCst);
                    return;
                }
            }
        }
    }

    /// How many times the stored apps were read so far.
    pub fn store_reads(&self) -> u64 {
        self.store_reads.load(Ordering::Relaxed)
    }

    /// Drops the previous secret token of every app whose rotation overlap is over, so the old
    /// token does not stay at rest (it stopped verifying at the deadline already). A
    /// compare-and-swap on the revision: when replicas race, one writes and the others lose
    /// harmlessly; a rotation made meanwhile is never undone. Returns whether anything changed.
    pub async fn drop_expired_previous(&self) -> bool {
        let now = chrono::Utc::now().timestamp_millis();
        let mut changed = false;
        for app in self.all() {
            let Some(rec) = &app.stored else { continue };
            if rec.previous_until_ms.is_none_or(|u| u > now) {
                continue;
            }
            let mut next = rec.clone();
            next.revision += 1;
            next.previous_secret_token = None;
            next.previous_until_ms = None;
            match self.db.swap_app(rec.revision, &next).await {
                Ok(won) => changed |= won,
                Err(e) => {
                    tracing::warn!(app = %rec.id, "could not drop a rotated-out secret token: {e}")
                }
            }
        }
        if changed && let Err(e) = self.db.flush().await {
            tracing::warn!("could not flush the stored apps: {e}");
        }
        changed
    }

    /// Every `zoom.apps_refresh_ms` until `token` is cancelled: drops rotated-out secret tokens
    /// whose overlap ended and re-reads the stored apps.
    pub async fn refresh_loop(self: Arc<Self>, token: CancellationToken) {
        let every = Duration::from_millis(self.config.zoom.apps_refresh_ms.max(100));
        loop {
            tokio::select! {
                _ = token.cancelled() => return,
                _ = tokio::time::sleep(every) => {}
            }
            self.drop_expired_previous().await;
            if let Err(e) = self.reload().await {
                tracing::warn!("could not re-read the stored apps: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::apps::StoredApp;

    fn stored(key: &[u8; 32], id: &str) -> StoredApp {
        let token = seal_secret(key, id, sealed::SECRET_TOKEN, "stored-app-token-9Kq");
        StoredApp::new(id, token, "api", 1)
    }

    #[tokio::test]
    async fn lookups_of_unknown_ids_read_the_store_at_most_once_per_interval() {
        let (_dir, ctx) = crate::service::test_ctx();
        let key = *ctx.config.security.data_key.bytes();
        let apps = Apps::load(ctx.config.clone(), ctx.db.clone())
            .await
            .unwrap();
        assert!(apps.get("default").is_some(), "the config's app");
        let start = apps.store_reads();
        // Ids no app can have cost nothing; a burst of random valid ones costs one read.
        assert!(apps.find("not a valid id!").await.is_none());
        assert!(apps.find(&"x".repeat(65)).await.is_none());
        assert_eq!(apps.store_reads(), start);
        for i in 0..200 {
            assert!(apps.find(&format!("random-{i}")).await.is_none());
        }
        assert_eq!(apps.store_reads(), start + 1);

        // An app added meanwhile (as by another replica) waits for the interval, or the refresh.
        assert!(ctx.db.insert_app(&stored(&key, "fresh")).await.unwrap());
        assert!(apps.find("fresh").await.is_none());
        assert_eq!(apps.store_reads(), start + 1);
        *apps.last_miss_reload.lock().unwrap() = Instant::now().checked_sub(MISS_RELOAD_EVERY);
        let fresh = apps.find("fresh").await.expect("found after the interval");
        assert_eq!(fresh.origin, Origin::Stored);
        assert_eq!(apps.store_reads(), start + 2);
        // Known ids never read the store.
        for _ in 0..10 {
            assert!(apps.find("fresh").await.is_some());
        }
        assert_eq!(apps.store_reads(), start + 2);
    }

    #[tokio::test]
    async fn an_expired_previous_token_is_dropped_from_the_store_once() {
        let (_dir, ctx) = crate::service::test_ctx();
        let key = *ctx.config.security.data_key.bytes();
        let mut rec = stored(&key, "rotated");
        rec.previous_secret_token = Some(rec.secret_token.clone());
        rec.previous_until_ms = Some(1);
        assert!(ctx.db.insert_app(&rec).await.unwrap());
        let mut live = stored(&key, "in-overlap");
        live.previous_secret_token = Some(live.secret_token.clone());
        live.previous_until_ms = Some(i64::MAX);
        assert!(ctx.db.insert_app(&live).await.unwrap());
        let apps = Apps::load(ctx.config.clone(), ctx.db.clone())
            .await
            .unwrap();
        assert!(apps.drop_expired_previous().await);
        let after = ctx.db.get_app("rotated").await.unwrap().unwrap();
        assert_eq!(after.previous_secret_token, None);
        assert_eq!(after.revision, 2);
        let kept = ctx.db.get_app("in-overlap").await.unwrap().unwrap();
        assert_eq!(kept, live, "a token still in its overlap stays");
        // The registry still holds the old record: a second pass loses its swap and writes nothing.
        assert!(!apps.drop_expired_previous().await);
        assert_eq!(
            ctx.db.get_app("rotated").await.unwrap().unwrap().revision,
            2
        );
    }
}
