//! A PostgreSQL database of its own for one test: created on the server at 127.0.0.1:5432 (or
//! `ZOOM_RELAY_TEST_PG`, a URL to an admin database) and dropped with its connections afterwards.
//! Tests skip, saying why, when the server does not answer, except under `CI=true`, where that
//! fails them.
//!
//! `ZOOM_RELAY_TEST_BACKEND=postgres` runs the whole suite on PostgreSQL: [`place`] puts every
//! relay the helpers start on such a database, so the same tests prove both backends.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::helpers::*;

pub fn admin_url() -> String {
    std::env::var("ZOOM_RELAY_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// `url` with its database replaced by `db`.
pub fn with_db(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let base = match base.rfind('/') {
        Some(i) if base[..i].contains("://") && !base[..i].ends_with('/') => &base[..i],
        _ => base,
    };
    match query {
        "" => format!("{base}/{db}"),
        q => format!("{base}/{db}?{q}"),
    }
}

/// Whether the suite runs on PostgreSQL (`ZOOM_RELAY_TEST_BACKEND=postgres`) rather than on sled
/// (unset, or `sled`).
pub fn suite_on_postgres() -> bool {
    match std::env::var("ZOOM_RELAY_TEST_BACKEND").as_deref() {
        Ok("postgres") => true,
        Ok("sled" | "") | Err(_) => false,
        Ok(other) => panic!("ZOOM_RELAY_TEST_BACKEND={other}: the backends are sled and postgres"),
    }
}

/// How much longer a relay restarted after a SIGKILL may take to deliver what the killed one had
/// claimed. sled releases those claims at startup (one process holds the store); on PostgreSQL they
/// may be another replica's live claims, so they end only with their 60 s lease.
pub fn claims_of_the_killed_end_after() -> std::time::Duration {
    let lease = if suite_on_postgres() { 60 } else { 0 };
    std::time::Duration::from_secs(lease)
}

/// For the few tests about sled itself (its files, its lock, its fsync): true, after printing
/// `why` they do not apply, when the suite runs on PostgreSQL.
pub fn skip_on_postgres(why: &str) -> bool {
    let skip = suite_on_postgres();
    if skip {
        eprintln!("skipping on PostgreSQL: {why}");
    }
    skip
}

/// Databases of relays whose data dir a test chose (an absolute path), by that path: a relay
/// restarted "on the same data" must find the first one's data in PostgreSQL too. Dropped once the
/// directory holding the data dir is gone (the test's temporary dir), at the next [`place`].
static SHARED: Mutex<Vec<(PathBuf, Arc<FreshDb>)>> = Mutex::new(Vec::new());

/// When the suite runs on PostgreSQL and the test chose no backend itself, puts the relay that the
/// config document `doc` describes on a database: its own when its data dir is relative (inside
/// the relay's own temporary dir), the one of its data dir when that is a path the test chose.
/// The caller keeps the returned handle as long as the relay runs.
pub async fn place(doc: &mut String) -> Option<Arc<FreshDb>> {
    if !suite_on_postgres() || has_key(doc, "backend") {
        return None;
    }
    let gone: Vec<Arc<FreshDb>> = {
        let mut shared = SHARED.lock().unwrap();
        let (gone, kept) = shared
            .drain(..)
            .partition(|(path, _)| path.parent().is_none_or(|p| !p.exists()));
        *shared = kept;
        gone.into_iter().map(|(_, db)| db).collect()
    };
    drop(gone);
    let dir = key_value(doc, "data_dir").map(PathBuf::from);
    let chosen = dir.filter(|d| d.is_absolute());
    if let Some(path) = &chosen {
        let known = SHARED
            .lock()
            .unwrap()
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, db)| db.clone());
        if let Some(db) = known {
            db.tweak()(doc);
            return Some(db);
        }
    }
    let db = Arc::new(
        FreshDb::create()
            .await
            .expect("ZOOM_RELAY_TEST_BACKEND=postgres needs a PostgreSQL server"),
    );
    db.tweak()(doc);
    if let Some(path) = chosen {
        SHARED.lock().unwrap().push((path, db.clone()));
    }
    Some(db)
}

/// Keeps `db` until the directory holding `data_dir` is gone, and gives it to a relay started on
/// `data_dir` again (see [`SHARED`]).
pub fn keep_while(data_dir: &std::path::Path, db: Arc<FreshDb>) {
    let mut shared = SHARED.lock().unwrap();
    if !shared.iter().any(|(p, _)| p == data_dir) {
        shared.push((data_dir.to_path_buf(), db));
    }
}

/// Whether `doc` sets `key` on an uncommented line.
fn has_key(doc: &str, key: &str) -> bool {
    key_value(doc, key).is_some()
}

/// The value of the first uncommented `key = "..."` line of `doc`, unquoted.
fn key_value(doc: &str, key: &str) -> Option<String> {
    doc.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix(key)?.trim_start();
        let value = rest.strip_prefix('=')?.trim();
        let value = value.split(" #").next().unwrap_or(value).trim();
        Some(value.trim_matches('"').to_string())
    })
}

/// A database of its own for one test, dropped (with any connections left) when this is dropped.
pub struct FreshDb {
    pub name: String,
    pub admin: String,
    pub url: String,
}

impl FreshDb {
    /// None (after printing why) when PostgreSQL does not answer and `CI` is not `true`.
    pub async fn create() -> Option<FreshDb> {
        static N: AtomicU64 = AtomicU64::new(0);
        let admin = admin_url();
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        let connected = tokio::time::timeout(
            DEADLINE,
            tokio_postgres::connect(&admin, tokio_postgres::NoTls),
        )
        .await;
        let on_pg = suite_on_postgres();
        let (client, conn) = match connected {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => {
                assert!(!ci && !on_pg, "PostgreSQL at {admin} is unreachable: {e}");
                eprintln!("skipping: PostgreSQL at {admin} is unreachable: {e}");
                return None;
            }
            Err(_) => {
                assert!(!ci && !on_pg, "PostgreSQL at {admin} does not answer");
                eprintln!("skipping: PostgreSQL at {admin} does not answer");
                return None;
            }
        };
        tokio::spawn(conn);
        sweep_stale(&client).await;
        let name = format!(
            "zr_it_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros()
        );
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
        let url = with_db(&admin, &name);
        Some(FreshDb { name, admin, url })
    }

    /// The config edit that puts a relay on this database.
    pub fn tweak(&self) -> impl FnOnce(&mut String) + use<> {
        let url = self.url.clone();
        move |doc: &mut String| {
            set_key(
                doc,
                "dedup_retention_secs",
                &format!("604800\nbackend = \"postgres\"\nurl = \"{url}\""),
            )
        }
    }
}

/// Drops the databases that earlier runs of this suite left behind: a test binary that ends does
/// not run the destructors of what a static holds ([`SHARED`]), nor of a test that panicked in a
/// way that skipped them. Only databases whose process is gone (the name carries its pid).
async fn sweep_stale(client: &tokio_postgres::Client) {
    static DONE: AtomicBool = AtomicBool::new(false);
    if !cfg!(target_os = "linux") || DONE.swap(true, Ordering::Relaxed) {
        return;
    }
    let Ok(rows) = client
        .query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'zr\\_it\\_%'",
            &[],
        )
        .await
    else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        let pid = name.split('_').nth(2).unwrap_or_default();
        if !pid.is_empty() && !std::path::Path::new("/proc").join(pid).exists() {
            let _ = client
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

impl Drop for FreshDb {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop may run inside a runtime, which cannot block on another: use a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok((c, conn)) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await
                {
                    tokio::spawn(conn);
                    let _ = c
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

impl FreshDb {
    /// Cuts the relays off this database (or lets them back in): new connections are refused and
    /// open ones are terminated, as in a database outage.
    pub async fn set_reachable(&self, reachable: bool) {
        let (c, conn) = tokio_postgres::connect(&self.admin, tokio_postgres::NoTls)
            .await
            .expect("admin connection");
        tokio::spawn(conn);
        let name = &self.name;
        c.batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS {reachable}"
        ))
        .await
        .expect("alter database");
        if !reachable {
            c.batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ))
            .await
            .expect("terminate connections");
        }
    }
}
