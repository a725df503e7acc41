//! Restoring a backup file into PostgreSQL: sled trees back into rows (the reverse of
//! `export.rs`), in one transaction that is checked against the file before it commits.

use std::path::Path;

use futures_util::future::try_join_all;
use tokio::sync::mpsc;
use tokio_postgres::types::ToSql;

use super::{Item, export, pg_err, state_from_sled};
use crate::store::auth::{ApiToken, Grant, Session};
use crate::store::backup::{
    BackupError, Census, NOT_RECORDS, Record, RestoreReport, read_census, verify,
};
use crate::store::bot::{ChatLink, CodeRecord};
use crate::store::keys::{
    decode_attempt_key, decode_audit_key, decode_chat_key, decode_dedup_value, decode_member_key,
    decode_pace_chat_key, decode_seq, idempotency_event_seq,
};
use crate::store::pg::migrations::TABLES;
use crate::store::pg::{PgStore, Statements, Tx};
use crate::store::{DeadJob, EventRecord, Job, MeetingMemory, SentJob, StoreError};

/// Statements sent together (pipelined on the one connection) before waiting for their answers.
const BATCH: usize = 512;

mod values;

use values::{bad, be_i64, decoded_key, id_key, json, p, tenant_key, text};

type Param = Box<dyn ToSql + Sync + Send>;

/// One row to insert: its statement and parameters.
struct Insert(&'static str, Vec<Param>);

/// The fields an API token and a bot code share (both records are checked in full first).
#[derive(serde::Deserialize)]
struct Issued {
    id: String,
    app_id: String,
    account_id: String,
    created_at_ms: i64,
}

/// What the rows need besides themselves, collected while reading.
#[derive(Default)]
struct Import {
    inbox: Vec<i64>,
    next_event_seq: i64,
    batch: Vec<Insert>,
}

/// The row (if any) that entry `k`, `v` of `tree` becomes.
fn row(imp: &mut Import, tree: &str, k: &[u8], v: &[u8]) -> Result<Option<Insert>, BackupError> {
    let t = tree;
    let vec = |b: &[u8]| p(b.to_vec());
    Ok(Some(match tree {
        "inbox" => {
            let seq = decoded_key(t, decode_seq(k))?;
            imp.inbox.push(seq as i64);
            return Ok(None);
        }
        "meta" => {
            if k == crate::store::META_NEXT_SEQ {
                imp.next_event_seq = be_i64(t, v)?;
            }
            return Ok(None);
        }
        "events" => {
            let seq = decoded_key(t, decode_seq(k))?;
            let rec = EventRecord::decode(seq, v)
                .map_err(|e| bad(t, &format!("a record that does not decode ({e})")))?;
            Insert(
                "INSERT INTO events (seq, received_at_ms, app_id, account_id, pending, record)
                 VALUES ($1, $2, $3, $4, false, $5)",
                vec![
                    p(seq as i64),
                    p(rec.received_at_ms),
                    p(rec.event.app_id.replace('\0', "")),
                    p(rec.event.account_id.map(|a| a.replace('\0', ""))),
                    vec(v),
                ],
            )
        }
        "dedup" => {
            let (at, seq) = decode_dedup_value(v).ok_or_else(|| bad(t, "a malformed value"))?;
            Insert(
                "INSERT INTO dedup (key, seq, received_at_ms) VALUES ($1, $2, $3)",
                vec![vec(k), p(seq as i64), p(at)],
            )
        }
        "idem" => {
            let key = text(t, k.to_vec())?;
            let seq = idempotency_event_seq(&key) as i64;
            Insert(
                "INSERT INTO idem (key, job_id, event_seq) VALUES ($1, $2, $3)",
                vec![p(key), p(id_key(t, v)?), p(seq)],
            )
        }
        "outbox" => {
            let j: Job = json(t, v)?;
            Insert(
                "INSERT INTO jobs
                     (id, channel, dest, due_at_ms, claimed_until_ms, app_id, account_id, record)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                vec![
                    p(id_key(t, k)?),
                    p(j.target.channel().tag() as i16),
                    p(j.target.key()),
                    p(j.due_at_ms),
                    p(j.claimed_until_ms),
                    p(j.app_id),
                    p(j.account_id),
                    vec(v),
                ],
            )
        }
        "attempts" => {
            let (job, n) = decoded_key(t, decode_attempt_key(k))?;
            Insert(
                "INSERT INTO attempts (job_id, attempt, record) VALUES ($1, $2, $3)",
                vec![p(job as i64), p(n as i32), vec(v)],
            )
        }
        "dead" => {
            let d: DeadJob = json(t, v)?;
            Insert(
                "INSERT INTO dead_jobs (id, app_id, account_id, record) VALUES ($1, $2, $3, $4)",
                vec![
                    p(id_key(t, k)?),
                    p(d.job.app_id),
                    p(d.job.account_id),
                    vec(v),
                ],
            )
        }
        "sent" => {
            let s: SentJob = json(t, v)?;
            Insert(
                "INSERT INTO sent_jobs (id, app_id, account_id, sent_at_ms, record)
                 VALUES ($1, $2, $3, $4, $5)",
                vec![
                    p(id_key(t, k)?),
                    p(s.job.app_id),
                    p(s.job.account_id),
                    p(s.sent_at_ms),
                    vec(v),
                ],
            )
        }
        "routes" => {
            let (app, acc, name) = tenant_key(t, k)?;
            Insert(
                "INSERT INTO routes (app_id, account_id, name, version, record)
                 VALUES ($1, $2, $3, 1, $4)",
                vec![p(app), p(acc), p(text(t, name)?), vec(v)],
            )
        }
        "templates" => {
            let (app, acc, name) = tenant_key(t, k)?;
            Insert(
                "INSERT INTO templates (app_id, account_id, name, source) VALUES ($1, $2, $3, $4)",
                vec![p(app), p(acc), p(text(t, name)?), p(text(t, v.to_vec())?)],
            )
        }
        "tenants" => {
            let (app, acc, rest) = tenant_key(t, k)?;
            if !rest.is_empty() {
                return Err(bad(t, "a malformed key"));
            }
            Insert(
                "INSERT INTO tenants (app_id, account_id, record) VALUES ($1, $2, $3)",
                vec![p(app), p(acc), vec(v)],
            )
        }
        "audit" => {
            let (at, id) = decoded_key(t, decode_audit_key(k))?;
            Insert(
                "INSERT INTO audit (id, at_ms, record) VALUES ($1, $2, $3)",
                vec![p(id as i64), p(at), vec(v)],
            )
        }
        "sessions" => {
            let s: Session = json(t, v)?;
            let (app, acc) = match s.grant {
                Grant::Tenant { app_id, account_id } => (Some(app_id), Some(account_id)),
                Grant::Operator => (None, None),
            };
            Insert(
                "INSERT INTO sessions (key, app_id, account_id, expires_at_ms, record)
                 VALUES ($1, $2, $3, $4, $5)",
                vec![vec(k), p(app), p(acc), p(s.expires_at_ms), vec(v)],
            )
        }
        // Both keyed by a secret's hash, with who the secret was issued to and when in columns.
        "api_tokens" | "bot_codes" => {
            let sql = if tree == "api_tokens" {
                json::<ApiToken>(t, v)?;
                "INSERT INTO api_tokens (key, id, app_id, account_id, created_at_ms, record)
                 VALUES ($1, $2, $3, $4, $5, $6)"
            } else {
                json::<CodeRecord>(t, v)?;
                "INSERT INTO bot_codes (hash, id, app_id, account_id, created_at_ms, record)
                 VALUES ($1, $2, $3, $4, $5, $6)"
            };
            let i: Issued = json(t, v)?;
            Insert(
                sql,
                vec![
                    vec(k),
                    p(i.id),
                    p(i.app_id),
                    p(i.account_id),
                    p(i.created_at_ms),
                    vec(v),
                ],
            )
        }
        "bot_chats" => {
            let c: ChatLink = json(t, v)?;
            let chat = decoded_key(t, decode_chat_key(k))?;
            Insert(
                "INSERT INTO bot_chats (chat_id, app_id, account_id, record) VALUES ($1, $2, $3, $4)",
                vec![p(chat), p(c.app_id), p(c.account_id), vec(v)],
            )
        }
        "bot_organizers" | "bot_mutes" => {
            let (app, acc, id) = decoded_key(t, decode_member_key(k))?;
            if tree == "bot_organizers" {
                Insert(
                    "INSERT INTO bot_organizers (app_id, account_id, user_id, record)
                     VALUES ($1, $2, $3, $4)",
                    vec![p(app), p(acc), p(id), vec(v)],
                )
            } else {
                Insert(
                    "INSERT INTO bot_mutes (app_id, account_id, chat_id, until_ms)
                     VALUES ($1, $2, $3, $4)",
                    vec![p(app), p(acc), p(id), p(be_i64(t, v)?)],
                )
            }
        }
        "bot_state" => {
            let key = text(t, k.to_vec())?;
            let value = state_from_sled(&key, v);
            Insert(
                "INSERT INTO bot_state (key, value) VALUES ($1, $2)",
                vec![p(key), p(value)],
            )
        }
        "telegram_migrations" => {
            let chat = decoded_key(t, decode_chat_key(k))?;
            Insert(
                "INSERT INTO telegram_migrations (old_chat, new_chat) VALUES ($1, $2)",
                vec![p(chat), p(be_i64(t, v)?)],
            )
        }
        "telegram_pace_bots" => {
            let bot = decoded_key(t, decode_chat_key(k))?;
            Insert(
                "INSERT INTO telegram_pace_bots (bot_id, record) VALUES ($1, $2)",
                vec![p(bot), vec(v)],
            )
        }
        "telegram_pace_chats" => {
            let (bot, chat) = decoded_key(t, decode_pace_chat_key(k))?;
            Insert(
                "INSERT INTO telegram_pace_chats (bot_id, chat_id, record) VALUES ($1, $2, $3)",
                vec![p(bot), p(chat), vec(v)],
            )
        }
        "telegram_parts" => Insert(
            "INSERT INTO telegram_parts (job_id, record) VALUES ($1, $2)",
            vec![p(id_key(t, k)?), vec(v)],
        ),
        "meetings" => {
            let (tag, rest) = k.split_first().ok_or_else(|| bad(t, "an empty key"))?;
            let (app, acc, rest) = tenant_key(t, rest)?;
            if crate::store::keys::is_memory_key(k) {
                let id = be_i64(t, &rest)?;
                let m: MeetingMemory = json(t, v)?;
                Insert(
                    "INSERT INTO meetings (app_id, account_id, meeting_id, updated_at_ms, record)
                     VALUES ($1, $2, $3, $4, $5)",
                    vec![p(app), p(acc), p(id), p(m.updated_at_ms), vec(v)],
                )
            } else if *tag == b'e' {
                Insert(
                    "INSERT INTO meeting_ended (app_id, account_id, uuid, at_ms)
                     VALUES ($1, $2, $3, $4)",
                    vec![p(app), p(acc), p(text(t, rest)?), p(be_i64(t, v)?)],
                )
            } else {
                return Err(bad(t, "a key of an unknown kind"));
            }
        }
        "notices" => {
            let (app, acc, rest) = tenant_key(t, k)?;
            Insert(
                "INSERT INTO notices (id, app_id, account_id, record) VALUES ($1, $2, $3, $4)",
                vec![p(be_i64(t, &rest)?), p(app), p(acc), vec(v)],
            )
        }
        "disabled_targets" => {
            let (app, acc, target) = tenant_key(t, k)?;
            Insert(
                "INSERT INTO disabled_targets (app_id, account_id, target, record)
                 VALUES ($1, $2, $3, $4)",
                vec![p(app), p(acc), p(text(t, target)?), vec(v)],
            )
        }
        "email_consents" => {
            let (app, acc, rest) = tenant_key(t, k)?;
            let at = decoded_key(t, rest.iter().position(|b| *b == 0))?;
            let (route, address) = (rest[..at].to_vec(), rest[at + 1..].to_vec());
            Insert(
                "INSERT INTO email_consents (app_id, account_id, route, address, record)
                 VALUES ($1, $2, $3, $4, $5)",
                vec![
                    p(app),
                    p(acc),
                    p(text(t, route)?),
                    p(text(t, address)?),
                    vec(v),
                ],
            )
        }
        "apps" => {
            let a: crate::store::apps::StoredApp = json(t, v)?;
            Insert(
                "INSERT INTO apps (id, revision, record) VALUES ($1, $2, $3)",
                vec![p(text(t, k.to_vec())?), p(a.revision as i64), vec(v)],
            )
        }
        "app_invites" => Insert(
            "INSERT INTO app_invites (hash, record) VALUES ($1, $2)",
            vec![vec(k), vec(v)],
        ),
        "own_bots" => {
            let (app, acc, rest) = tenant_key(t, k)?;
            if !rest.is_empty() {
                return Err(bad(t, "a malformed key"));
            }
            let bot: crate::store::own_bots::OwnBot =
                serde_json::from_slice(v).map_err(|_| bad(t, "a record that does not decode"))?;
            Insert(
                "INSERT INTO own_bots (app_id, account_id, bot_id, record) VALUES ($1, $2, $3, $4)",
                vec![p(app), p(acc), p(bot.bot_id), vec(v)],
            )
        }
        "bot_languages" => Insert(
            "INSERT INTO bot_languages (user_id, lang) VALUES ($1, $2)",
            vec![p(be_i64(t, k)?), p(text(t, v.to_vec())?)],
        ),
        "member_names" => {
            let (app, acc, id) = decoded_key(t, decode_member_key(k))?;
            Insert(
                "INSERT INTO member_names (app_id, account_id, user_id, name)
                 VALUES ($1, $2, $3, $4)",
                vec![p(app), p(acc), p(id), p(text(t, v.to_vec())?)],
            )
        }
        other if NOT_RECORDS.contains(&other) => return Ok(None),
        other => {
            return Err(BackupError::Unsupported {
                backend: "PostgreSQL".into(),
                detail: format!(
                    "the backup holds records of a kind this zoom-relay does not know (`{other}`); \
                     restore it with the zoom-relay that wrote it"
                ),
            });
        }
    }))
}

/// Sends the queued inserts together and waits for all of them.
async fn flush(tx: &Tx<'_>, batch: &mut Vec<Insert>) -> Result<(), BackupError> {
    let sent = batch.iter().map(|Insert(sql, params)| {
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|b| &**b as &(dyn ToSql + Sync)).collect();
        async move { tx.execute(sql, &refs).await }
    });
    try_join_all(sent).await?;
    batch.clear();
    Ok(())
}

/// Sequences after the import: each hands out only values above those in the data and the file's
/// id floor (sled takes job, notice and audit ids from one generator).
const SET_SEQUENCES: &str = "
SELECT setval('event_seq', GREATEST($1::bigint, (SELECT coalesce(max(seq), 0) FROM events), 1),
              GREATEST($1::bigint, (SELECT coalesce(max(seq), 0) FROM events)) >= 1),
       setval('job_id', GREATEST($2::bigint, (SELECT coalesce(max(job_id), 0) FROM idem),
              (SELECT coalesce(max(id), 0) FROM jobs), (SELECT coalesce(max(id), 0) FROM dead_jobs),
              (SELECT coalesce(max(id), 0) FROM sent_jobs), 1)),
       setval('notice_id', GREATEST($2::bigint, (SELECT coalesce(max(id), 0) FROM notices), 1)),
       setval(pg_get_serial_sequence('audit', 'id'),
              GREATEST($2::bigint, (SELECT coalesce(max(id), 0) FROM audit), 1))";

/// Other sessions of zoom-relay on this database (relays set their application name).
async fn relays_connected(tx: &Tx<'_>) -> Result<i64, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND application_name = $1",
            &[&crate::store::pg::APPLICATION_NAME],
        )
        .await?
        .map_or(0, |r| r.get(0)))
}

/// What the transaction holds now, exported as sled trees (the census a backup of it would have).
async fn census_of(tx: &Tx<'_>) -> Result<Census, BackupError> {
    let (items, mut rx) = mpsc::channel::<Item>(1024);
    let collect = async {
        let mut census = Census::new();
        let mut current = Vec::new();
        while let Some(item) = rx.recv().await {
            match item {
                Item::Tree(n) => {
                    current = n.into_bytes();
                    census.entry(current.clone()).or_default();
                }
                Item::Entry(k, v) => census.entry(current.clone()).or_default().add(&k, &v),
            }
        }
        census
    };
    let exporting = async {
        let r = export::export(tx, &items).await;
        drop(items);
        r
    };
    let (exported, census) = tokio::join!(exporting, collect);
    exported?;
    Ok(census)
}

/// Compares every kind of record ([`NOT_RECORDS`] aside) of the file with the database.
fn compare(file: &Census, db: &Census) -> Result<(), BackupError> {
    let names: std::collections::BTreeSet<&Vec<u8>> = file.keys().chain(db.keys()).collect();
    for name in names {
        let label = String::from_utf8_lossy(name);
        if NOT_RECORDS.contains(&label.as_ref()) {
            continue;
        }
        let want = file.get(name).copied().unwrap_or_default();
        let got = db.get(name).copied().unwrap_or_default();
        if want.count != got.count {
            return Err(BackupError::Mismatch(format!(
                "`{label}`: the backup holds {}, the database {}",
                want.count, got.count
            )));
        }
        if want != got {
            return Err(BackupError::Mismatch(format!("`{label}` differs")));
        }
    }
    Ok(())
}

/// Restores `file` into the PostgreSQL database at `url`: verify the file, refuse a database that
/// relays are using, and (without `force`) one that holds data; then, in one transaction with every
/// table locked, write the rows, set the sequences, check every kind of record against the file and
/// commit. On any failure nothing changes.
pub async fn restore(
    url: &str,
    data_key: Option<[u8; 32]>,
    file: &Path,
    force: bool,
) -> Result<RestoreReport, BackupError> {
    let path = file.to_path_buf();
    tokio::task::spawn_blocking(move || verify(&path))
        .await
        .map_err(|e| StoreError::backend("the restore task failed", e))??;
    let store = PgStore::connect(url, data_key).await?;
    let location = store.shared.location.clone();
    let mut c = store.client().await?;
    let tx = Tx::begin(&store, &mut c).await?;
    let sessions = relays_connected(&tx).await?;
    if sessions > 0 {
        return Err(BackupError::DatabaseInUse { location, sessions });
    }
    let tables: Vec<&str> = TABLES.iter().map(|(t, _, _)| *t).collect();
    tx.inner()
        .batch_execute(&format!(
            "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
            tables.join(", ")
        ))
        .await
        .map_err(pg_err)?;
    let mut non_empty = false;
    for t in &tables {
        let row = tx
            .query_opt(&format!("SELECT EXISTS (SELECT 1 FROM {t})"), &[])
            .await?;
        non_empty |= row.is_some_and(|r| r.get::<_, bool>(0));
    }
    if non_empty && !force {
        return Err(BackupError::DatabaseNotEmpty { location });
    }
    if non_empty {
        tx.inner()
            .batch_execute(&format!("TRUNCATE {}", tables.join(", ")))
            .await
            .map_err(pg_err)?;
    }

    // A blocking thread reads the file and hands its records over; the rows go in meanwhile.
    let (records, mut rx) = mpsc::channel::<Item>(1024);
    let path = file.to_path_buf();
    let reader = tokio::task::spawn_blocking(move || {
        read_census(&path, |rec| {
            let item = match rec {
                Record::Tree(n) => Item::Tree(String::from_utf8_lossy(n).into_owned()),
                Record::Entry(k, v) => Item::Entry(k.to_vec(), v.to_vec()),
            };
            records
                .blocking_send(item)
                .map_err(|_| BackupError::Copy("the restore stopped reading".into()))
        })
    });
    let mut imp = Import::default();
    let written = async {
        let mut tree = String::new();
        while let Some(item) = rx.recv().await {
            match item {
                Item::Tree(n) => tree = n,
                Item::Entry(k, v) => {
                    if let Some(ins) = row(&mut imp, &tree, &k, &v)? {
                        imp.batch.push(ins);
                        if imp.batch.len() >= BATCH {
                            flush(&tx, &mut imp.batch).await?;
                        }
                    }
                }
            }
        }
        let mut rest = std::mem::take(&mut imp.batch);
        flush(&tx, &mut rest).await
    }
    .await;
    drop(rx);
    let read = reader
        .await
        .map_err(|e| StoreError::backend("the restore task failed", e))?;
    // A failed insert stops the reader too; its own error is the one to report.
    written?;
    let (info, file_census) = read?;
    tx.execute(
        "UPDATE events SET pending = true WHERE seq = ANY($1)",
        &[&imp.inbox],
    )
    .await?;
    tx.execute(
        SET_SEQUENCES,
        &[&(imp.next_event_seq - 1), &(info.id_floor as i64)],
    )
    .await?;
    compare(&file_census, &census_of(&tx).await?)?;
    tx.commit().await?;
    drop(c);
    let _ = crate::store::seam::Maintenance::close(&store).await;
    Ok(RestoreReport {
        info,
        target: location,
        previous: None,
        replaced: non_empty,
    })
}
