//! The journal inside the sled store: dedup while an event is only journaled, replay after a crash
//! (simulated by copying the data dir while the applier is held back), a torn tail, segment rolls,
//! file modes, and backups of journaled events.

use std::path::Path;
use std::sync::atomic::Ordering;

use super::segment;
use crate::store::{AppendOutcome, NewEvent, Store, test_config, test_event};

fn event(n: usize) -> NewEvent {
    let pad = "x".repeat(400);
    let body = format!(r#"{{"event":"meeting.started","n":{n},"pad":"{pad}"}}"#);
    test_event("acc", n as i64, body)
}

fn key(n: usize) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&(n as u64).to_be_bytes());
    k
}

fn hold(s: &Store, on: bool) {
    s.inner
        .journal
        .shared
        .hold_apply
        .store(on, Ordering::SeqCst);
}

/// A store in `<tmp>/live` whose applier is held, so acknowledged events stay in the journal
/// only (until [`hold`] lets go).
fn held_store() -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    let s = Store::open(&live, &test_config()).unwrap();
    hold(&s, true);
    (dir, live, s)
}

/// A copy of `from` as a crash would leave it: whatever is on disk now (the caller flushed sled, and
/// the journal syncs before it acknowledges).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_while_its_original_is_only_in_the_journal_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), &test_config()).unwrap();
    hold(&s, true);
    let first = s.append_event(key(1), event(1)).await.unwrap();
    let AppendOutcome::Accepted { seq } = first else {
        panic!("{first:?}")
    };
    assert!(
        s.inner.dedup.get(key(1)).unwrap().is_none(),
        "the original is only in the journal"
    );
    let retry = s.append_event(key(1), event(1)).await.unwrap();
    assert_eq!(retry, AppendOutcome::Duplicate { seq });
    hold(&s, false);
    assert_eq!(s.event_count(), 1);
    // And once it is in sled, through sled's dedup tree.
    let again = s.append_event(key(1), event(1)).await.unwrap();
    assert_eq!(again, AppendOutcome::Duplicate { seq });
    s.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_events_only_in_the_journal_are_replayed_after_a_crash() {
    let (dir, live, s) = held_store();
    // Over 1 MB of records with 1 MB segments: the journal rolls to new segments on the way.
    let n = 3000;
    let mut tasks = Vec::new();
    for i in 0..n {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.append_event(key(i), event(i)).await
        }));
    }
    for t in tasks {
        assert!(matches!(
            t.await.unwrap().unwrap(),
            AppendOutcome::Accepted { .. }
        ));
    }
    s.inner.db.flush().unwrap();
    let crashed = dir.path().join("crashed");
    copy_dir(&live, &crashed);
    hold(&s, false);
    s.close().await.unwrap();
    drop(s);

    let segments: Vec<_> = std::fs::read_dir(crashed.join(super::DIR))
        .unwrap()
        .filter_map(|e| segment::slot_of(&e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert!(segments.len() >= 2, "the journal rolled: {segments:?}");

    // A torn tail after the last record of the newest segment: never acknowledged, dropped.
    let newest = segments.iter().max().unwrap();
    let path = segment::segment_path(&crashed.join(super::DIR), *newest);
    let scanned = segment::scan(&path).unwrap();
    let mut torn = Vec::new();
    segment::encode_record(
        &mut torn,
        u64::MAX - 1,
        0,
        &[9; 16],
        b"cut off by the crash",
    );
    torn.truncate(torn.len() - 7);
    {
        use std::os::unix::fs::FileExt;
        let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.write_all_at(&torn, scanned.end_offset).unwrap();
    }

    let s = Store::open(&crashed, &test_config()).unwrap();
    assert_eq!(s.event_count(), n, "every acknowledged event was replayed");
    assert_eq!(s.inbox_len(), n, "and waits for the dispatcher");
    for i in [0, n / 2, n - 1] {
        assert!(s.inner.dedup.get(key(i)).unwrap().is_some());
    }
    // The counter continues above the replayed events, and a retry is still a duplicate.
    let retry = s.append_event(key(7), event(7)).await.unwrap();
    assert!(matches!(retry, AppendOutcome::Duplicate { .. }));
    let fresh = s.append_event(key(n + 1), event(n + 1)).await.unwrap();
    assert_eq!(fresh, AppendOutcome::Accepted { seq: n as u64 + 1 });
    s.close().await.unwrap();
    drop(s);

    // Nothing is replayed twice: the checkpoint covers what the first open applied.
    let s = Store::open(&crashed, &test_config()).unwrap();
    assert_eq!(s.event_count(), n + 1);
    assert_eq!(s.inbox_len(), n + 1);
    s.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_event_that_was_dispatched_is_not_dispatched_again() {
    let (dir, live, s) = held_store();
    s.append_event(key(1), event(1)).await.unwrap();
    hold(&s, false);
    let rec = s.next_inbox_event().unwrap().expect("applied");
    s.commit_dispatch(
        &rec,
        crate::store::EventStatus::Dispatched { routes: 0, jobs: 0 },
        Vec::new(),
    )
    .unwrap();
    // The applier's own flush first, so it writes no checkpoint of its own after ours.
    s.flush().await.unwrap();
    // A crash before the checkpoint passed the record: rewind the checkpoint in the copy.
    s.inner
        .meta
        .insert(crate::store::META_CHECKPOINT, &0u64.to_be_bytes())
        .unwrap();
    s.inner.db.flush().unwrap();
    let crashed = dir.path().join("crashed");
    copy_dir(&live, &crashed);
    s.close().await.unwrap();
    drop(s);

    let s = Store::open(&crashed, &test_config()).unwrap();
    assert_eq!(
        s.inbox_len(),
        0,
        "the dispatched event stays out of the inbox"
    );
    assert_eq!(s.event_count(), 1);
    s.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_includes_events_only_in_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("live"), &test_config()).unwrap();
    hold(&s, true);
    for i in 0..5 {
        s.append_event(key(i), event(i)).await.unwrap();
    }
    assert_eq!(s.inner.events.len(), 0, "nothing applied yet");
    let release = {
        let s = s.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            hold(&s, false);
        })
    };
    let file = dir.path().join("b.zrb");
    let s2 = s.clone();
    let f2 = file.clone();
    tokio::task::spawn_blocking(move || s2.backup_to_file(&f2).unwrap())
        .await
        .unwrap();
    release.join().unwrap();
    s.close().await.unwrap();

    let target = dir.path().join("restored");
    crate::store::backup::restore(&file, &target, false, &test_config())
        .await
        .unwrap();
    let r = Store::open(&target, &test_config()).unwrap();
    assert_eq!(r.event_count(), 5, "the backup holds the journaled events");
    assert_eq!(r.inbox_len(), 5);
    r.close().await.unwrap();
}

#[cfg(unix)]
#[tokio::test]
async fn journal_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let s = Store::open(&data, &test_config()).unwrap();
    s.append_event(key(1), event(1)).await.unwrap();
    s.flush().await.unwrap();
    let jdir = data.join(super::DIR);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&jdir), 0o700);
    let mut files = 0;
    for e in std::fs::read_dir(&jdir).unwrap() {
        assert_eq!(mode(&e.unwrap().path()), 0o600);
        files += 1;
    }
    assert!(files >= 1);
    s.close().await.unwrap();
}
