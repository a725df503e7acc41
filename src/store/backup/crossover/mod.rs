//! Backups across backends: a store filled through the seam with every kind of record, backed up,
//! restored into the other backend, and compared kind by kind through the seam; both directions,
//! and `store copy`. The PostgreSQL side uses the server the machine provides (`store::pg::tests`).

mod fill;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{BackupError, Location, RestoreReport, copy, restore, restore_into};
use crate::store::pg::{PgStore, TestDb, test_store};
use crate::store::seam::*;
use crate::store::{Db, Store};
use fill::{KEY, behaves_as_restored, cfg, fill, snapshot};

fn pg_url(db: &TestDb) -> String {
    db.url()
}

async fn sled_at(dir: &Path) -> Db {
    let (dir, cfg) = (dir.to_path_buf(), cfg());
    Arc::new(
        tokio::task::spawn_blocking(move || Store::open(&dir, &cfg))
            .await
            .unwrap()
            .unwrap(),
    )
}

/// A fresh database and a store on it with [`KEY`]; None skips the test (`store::pg::tests`).
async fn fresh_pg() -> Option<(TestDb, PgStore)> {
    let (db, first) = test_store().await?;
    drop(first);
    let store = PgStore::connect(&db.url(), Some(KEY)).await.unwrap();
    Some((db, store))
}

/// A fresh database with no store left open on it (a restore needs it unused); None skips.
async fn empty_pg() -> Option<TestDb> {
    let (db, pg) = fresh_pg().await?;
    drop(pg);
    Some(db)
}

/// A sled store at `dir` filled with every kind of record ([`fill`]), and what it held.
async fn filled_sled(dir: &Path) -> (Db, Vec<String>) {
    let sled = sled_at(dir).await;
    fill(&sled).await;
    let before = snapshot(&sled).await;
    (sled, before)
}

/// A PostgreSQL store filled with every kind of record ([`fill`]), what it held ([`snapshot`]),
/// and its backup in a temporary dir (keep the dir alive while the file is used); None skips.
async fn filled_pg_backup() -> Option<(TestDb, Vec<String>, tempfile::TempDir, PathBuf)> {
    let (db, pg) = fresh_pg().await?;
    let pg: Db = Arc::new(pg);
    fill(&pg).await;
    let before = snapshot(&pg).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pg.backup");
    pg.backup_to_file(&file).await.unwrap();
    Some((db, before, dir, file))
}

/// Restores `file` into the database at `url` once no relay holds it ([`when_unused`]).
async fn restore_pg(url: &str, file: &Path, force: bool) -> Result<RestoreReport, BackupError> {
    when_unused(async || crate::store::pg::restore(url, Some(KEY), file, force).await).await
}

/// Retries while `f` finds the database in use: the connections of a store dropped a moment ago
/// close in the background. Bounded.
async fn when_unused<T, F: AsyncFnMut() -> Result<T, BackupError>>(
    mut f: F,
) -> Result<T, BackupError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        match f().await {
            Err(BackupError::DatabaseInUse { .. }) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await
            }
            other => return other,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sled_backup_restores_into_postgres_with_every_kind_of_record() {
    let Some(db) = empty_pg().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (sled, before) = filled_sled(&dir.path().join("src")).await;
    let file = dir.path().join("sled.backup");
    let info = sled.backup_to_file(&file).await.unwrap();
    sled.close().await.unwrap();
    assert!(
        info.counts["outbox"] >= 2 && info.counts["dead"] == 1,
        "{:?}",
        info.counts
    );

    let report = restore_pg(&pg_url(&db), &file, false).await.unwrap();
    assert!(!report.replaced);
    let pg: Db = Arc::new(PgStore::connect(&pg_url(&db), Some(KEY)).await.unwrap());
    behaves_as_restored(&pg, &before).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_backup_restores_into_sled_with_every_kind_of_record() {
    let Some((_db, before, dir, file)) = filled_pg_backup().await else {
        return;
    };
    let info = super::verify(&file).unwrap();
    assert!(
        info.counts["events"] == 4 && info.counts["inbox"] == 2,
        "{:?}",
        info.counts
    );

    let target = dir.path().join("restored");
    restore(&file, &target, false, &cfg()).await.unwrap();
    let sled = sled_at(&target).await;
    behaves_as_restored(&sled, &before).await;
    sled.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_backup_restores_into_postgres_and_a_full_database_needs_force() {
    let Some((_src_db, before, _dir, file)) = filled_pg_backup().await else {
        return;
    };
    let Some((dst_db, dst)) = fresh_pg().await else {
        return;
    };

    // Something in the target: refused without force, and nothing changes.
    dst.put_route(&crate::store::test_route("already-here"))
        .await
        .unwrap();
    drop(dst);
    let url = dst_db.url();
    let err = restore_pg(&url, &file, false).await.unwrap_err();
    assert!(matches!(err, BackupError::DatabaseNotEmpty { .. }), "{err}");
    assert!(err.to_string().contains("--force"), "{err}");
    let dst: Db = Arc::new(PgStore::connect(&url, Some(KEY)).await.unwrap());
    assert_eq!(dst.route_count().await, 1, "untouched");
    // While a relay is connected, even force is refused.
    let err = crate::store::pg::restore(&url, Some(KEY), &file, true)
        .await
        .unwrap_err();
    assert!(matches!(err, BackupError::DatabaseInUse { .. }), "{err}");
    drop(dst);
    let report = restore_pg(&url, &file, true).await.unwrap();
    assert!(report.replaced);
    let dst: Db = Arc::new(PgStore::connect(&url, Some(KEY)).await.unwrap());
    behaves_as_restored(&dst, &before).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_copy_moves_sled_into_postgres_and_back_with_equal_counts() {
    let Some(db) = empty_pg().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let src_dir = dir.path().join("src");
    let (sled, before) = filled_sled(&src_dir).await;
    sled.close().await.unwrap();
    drop(sled);

    let from = Location::Sled(src_dir.clone());
    let to = Location::parse(&format!("postgres:{}", db.url())).unwrap();
    let report = when_unused(async || copy(&from, &to, false, &cfg()).await)
        .await
        .unwrap();
    assert_eq!(report.counts["events"], 4);
    assert_eq!(report.counts["routes"], 2);
    assert!(
        !report.counts.contains_key("outbox_due"),
        "indexes are not kinds"
    );

    let back = dir.path().join("back");
    let report = copy(&to, &Location::Sled(back.clone()), false, &cfg())
        .await
        .unwrap();
    assert_eq!(report.counts["events"], 4);
    let sled = sled_at(&back).await;
    behaves_as_restored(&sled, &before).await;
    sled.close().await.unwrap();

    // A second copy into the now full database is refused without force.
    let err = when_unused(async || copy(&from, &to, false, &cfg()).await)
        .await
        .unwrap_err();
    assert!(matches!(err, BackupError::DatabaseNotEmpty { .. }), "{err}");
}

#[tokio::test]
async fn locations_parse_and_never_echo_a_url() {
    assert!(
        matches!(Location::parse("sled:/var/lib/zr"), Ok(Location::Sled(p)) if p == Path::new("/var/lib/zr"))
    );
    let pg = Location::parse("postgres:postgres://u:hunter2@db.example:6543/relay").unwrap();
    assert_eq!(
        pg.describe(),
        "postgres at postgres://db.example:6543/relay"
    );
    assert!(matches!(
        Location::parse("postgresql://u@localhost/relay"),
        Ok(Location::Postgres { .. })
    ));
    for bad in [
        "postgres:hunter2-not-a-url",
        "mysql://u:hunter2@h/db",
        "sled:",
    ] {
        let e = Location::parse(bad).unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
        assert!(e.contains("sled:PATH"), "names the fix: {e}");
    }
    let e = Location::parse("postgres:${ZR_SURELY_UNSET_VAR}").unwrap_err();
    assert!(e.contains("ZR_SURELY_UNSET_VAR is not set"), "{e}");
}

#[tokio::test]
async fn a_backup_with_an_unknown_kind_of_record_is_refused_by_postgres() {
    let Some(db) = empty_pg().await else {
        return;
    };
    let (_dir, file, _, _) = super::test_support::backup().await;
    let to = Location::parse(&db.url()).unwrap();
    let cfg = crate::store::test_config();
    let err = when_unused(async || restore_into(&file, &to, false, &cfg).await)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("test_extra"), "{err}");
}
