//! PostgreSQL rows as sled trees: every table read inside one transaction and each row turned into
//! the key and value the sled backend stores for it (`store::keys`), so a backup taken here is the
//! same file a sled store writes, and restores into either backend.
//!
//! Records are the bytes stored, unchanged, except for jobs: a claim or a deferral moves a job's due
//! time and lease in their columns only (queue.rs), so a job whose record disagrees with its
//! columns is written with the columns' values, as sled keeps them in the record.

use futures_util::TryStreamExt;
use tokio::sync::mpsc;
use tokio_postgres::Row;

use super::{Item, pg_err};
use crate::store::backup::{BackupError, copy_order};
use crate::store::keys::{
    attempt_key, audit_key, chat_key, consent_key, dedup_value, dest_key_of, disabled_key,
    due_key_tagged, ended_key, job_key, member_key, memory_key, notice_key, pace_chat_key,
    route_key, seq_key, tenant_prefix,
};
use crate::store::pg::{Statements, Tx};
use crate::store::{SCHEMA_VERSION, StoreError};

type Kv = (Vec<u8>, Vec<u8>);
type RowFn = fn(&Row) -> Result<Kv, StoreError>;

/// Each sled tree and the queries whose rows make it up, with the row's conversion.
const TREES: &[(&str, &[(&str, RowFn)])] = &[
    ("inbox", &[("SELECT seq FROM events WHERE pending", inbox)]),
    (
        "outbox",
        &[(
            "SELECT id, record, due_at_ms, claimed_until_ms FROM jobs",
            outbox,
        )],
    ),
    (
        "outbox_due",
        &[("SELECT channel, due_at_ms, id FROM jobs", outbox_due)],
    ),
    ("outbox_dest", &[("SELECT dest, id FROM jobs", outbox_dest)]),
    ("events", &[("SELECT seq, record FROM events", by_id)]),
    (
        "dedup",
        &[("SELECT key, seq, received_at_ms FROM dedup", dedup)],
    ),
    ("idem", &[("SELECT key, job_id FROM idem", idem)]),
    (
        "attempts",
        &[("SELECT job_id, attempt, record FROM attempts", attempts)],
    ),
    ("dead", &[("SELECT id, record FROM dead_jobs", by_id)]),
    ("sent", &[("SELECT id, record FROM sent_jobs", by_id)]),
    (
        "routes",
        &[("SELECT app_id, account_id, name, record FROM routes", named)],
    ),
    (
        "templates",
        &[(
            "SELECT app_id, account_id, name, convert_to(source, 'UTF8') FROM templates",
            named,
        )],
    ),
    (
        "tenants",
        &[("SELECT app_id, account_id, record FROM tenants", tenant)],
    ),
    ("audit", &[("SELECT at_ms, id, record FROM audit", audit)]),
    ("sessions", &[("SELECT key, record FROM sessions", raw)]),
    ("api_tokens", &[("SELECT key, record FROM api_tokens", raw)]),
    ("bot_codes", &[("SELECT hash, record FROM bot_codes", raw)]),
    (
        "bot_chats",
        &[("SELECT chat_id, record FROM bot_chats", chat)],
    ),
    (
        "bot_organizers",
        &[(
            "SELECT app_id, account_id, user_id, record FROM bot_organizers",
            member,
        )],
    ),
    (
        "bot_mutes",
        &[(
            "SELECT app_id, account_id, chat_id, int8send(until_ms) FROM bot_mutes",
            member,
        )],
    ),
    (
        "bot_state",
        &[("SELECT key, value FROM bot_state", bot_state)],
    ),
    (
        "telegram_pace_bots",
        &[("SELECT bot_id, record FROM telegram_pace_bots", chat)],
    ),
    (
        "telegram_pace_chats",
        &[(
            "SELECT bot_id, chat_id, record FROM telegram_pace_chats",
            pace_chat,
        )],
    ),
    (
        "telegram_parts",
        &[("SELECT job_id, record FROM telegram_parts", by_id)],
    ),
    (
        "telegram_migrations",
        &[(
            "SELECT old_chat, int8send(new_chat) FROM telegram_migrations",
            chat,
        )],
    ),
    (
        "meetings",
        &[
            (
                "SELECT app_id, account_id, meeting_id, record FROM meetings",
                meeting,
            ),
            (
                "SELECT app_id, account_id, uuid, at_ms FROM meeting_ended",
                ended,
            ),
        ],
    ),
    (
        "notices",
        &[("SELECT app_id, account_id, id, record FROM notices", notice)],
    ),
    (
        "disabled_targets",
        &[(
            "SELECT app_id, account_id, target, record FROM disabled_targets",
            disabled,
        )],
    ),
    (
        "email_consents",
        &[(
            "SELECT app_id, account_id, route, address, record FROM email_consents",
            consent,
        )],
    ),
    (
        "apps",
        &[("SELECT convert_to(id, 'UTF8'), record FROM apps", raw)],
    ),
    (
        "app_invites",
        &[("SELECT hash, record FROM app_invites", raw)],
    ),
    (
        "own_bots",
        &[("SELECT app_id, account_id, record FROM own_bots", tenant)],
    ),
    (
        "bot_languages",
        &[(
            "SELECT int8send(user_id), convert_to(lang, 'UTF8') FROM bot_languages",
            raw,
        )],
    ),
    (
        "member_names",
        &[(
            "SELECT app_id, account_id, user_id, convert_to(name, 'UTF8') FROM member_names",
            member,
        )],
    ),
];

/// The tree names a PostgreSQL backup holds, besides `meta`.
pub(super) fn tree_names() -> impl Iterator<Item = &'static str> {
    TREES.iter().map(|(t, _)| *t)
}

fn inbox(r: &Row) -> Result<Kv, StoreError> {
    Ok((seq_key(r.get::<_, i64>(0) as u64).to_vec(), Vec::new()))
}

fn by_id(r: &Row) -> Result<Kv, StoreError> {
    Ok((
        job_key(r.get::<_, i64>(0) as u64).to_vec(),
        r.get::<_, Vec<u8>>(1),
    ))
}

fn raw(r: &Row) -> Result<Kv, StoreError> {
    Ok((r.get(0), r.get(1)))
}

fn chat(r: &Row) -> Result<Kv, StoreError> {
    Ok((chat_key(r.get(0)).to_vec(), r.get(1)))
}

/// `telegram_pace_chats`: keyed by bot and chat (`keys::pace_chat_key`).
fn pace_chat(r: &Row) -> Result<Kv, StoreError> {
    Ok((pace_chat_key(r.get(0), r.get(1)).to_vec(), r.get(2)))
}

/// The job's record, with the due time and lease of its columns (module docs).
fn outbox(r: &Row) -> Result<Kv, StoreError> {
    let id = r.get::<_, i64>(0) as u64;
    let record: Vec<u8> = r.get(1);
    let due: i64 = r.get(2);
    let claimed: Option<i64> = r.get(3);
    let mut v: serde_json::Value =
        serde_json::from_slice(&record).map_err(crate::store::json_err)?;
    let same = v.get("due_at_ms").and_then(|d| d.as_i64()) == Some(due)
        && v.get("claimed_until_ms").and_then(|c| c.as_i64()) == claimed;
    if same {
        return Ok((job_key(id).to_vec(), record));
    }
    v["due_at_ms"] = due.into();
    v["claimed_until_ms"] = claimed.map_or(serde_json::Value::Null, Into::into);
    let patched = serde_json::to_vec(&v).map_err(crate::store::json_err)?;
    Ok((job_key(id).to_vec(), patched))
}

fn outbox_due(r: &Row) -> Result<Kv, StoreError> {
    let tag = r.get::<_, i16>(0) as u8;
    let k = due_key_tagged(tag, r.get(1), r.get::<_, i64>(2) as u64);
    Ok((k.to_vec(), Vec::new()))
}

fn outbox_dest(r: &Row) -> Result<Kv, StoreError> {
    let k = dest_key_of(r.get(0), r.get::<_, i64>(1) as u64);
    Ok((k.to_vec(), Vec::new()))
}

fn dedup(r: &Row) -> Result<Kv, StoreError> {
    let v = dedup_value(r.get(2), r.get::<_, i64>(1) as u64);
    Ok((r.get(0), v.to_vec()))
}

fn idem(r: &Row) -> Result<Kv, StoreError> {
    let k: String = r.get(0);
    Ok((k.into_bytes(), job_key(r.get::<_, i64>(1) as u64).to_vec()))
}

fn attempts(r: &Row) -> Result<Kv, StoreError> {
    let k = attempt_key(r.get::<_, i64>(0) as u64, r.get::<_, i32>(1) as u32);
    Ok((k.to_vec(), r.get(2)))
}

/// Routes and templates: the tenant prefix and the name.
fn named(r: &Row) -> Result<Kv, StoreError> {
    Ok((route_key(r.get(0), r.get(1), r.get(2)), r.get(3)))
}

/// Tenants and own bots: keyed by the tenant prefix alone.
fn tenant(r: &Row) -> Result<Kv, StoreError> {
    Ok((tenant_prefix(r.get(0), r.get(1)), r.get(2)))
}

fn audit(r: &Row) -> Result<Kv, StoreError> {
    Ok((
        audit_key(r.get(0), r.get::<_, i64>(1) as u64).to_vec(),
        r.get(2),
    ))
}

/// Organizers and mutes: the tenant prefix and a Telegram id.
fn member(r: &Row) -> Result<Kv, StoreError> {
    Ok((member_key(r.get(0), r.get(1), r.get(2)), r.get(3)))
}

fn meeting(r: &Row) -> Result<Kv, StoreError> {
    let k = memory_key(r.get(0), r.get(1), r.get::<_, i64>(2) as u64);
    Ok((k, r.get(3)))
}

fn ended(r: &Row) -> Result<Kv, StoreError> {
    let at: i64 = r.get(3);
    Ok((
        ended_key(r.get(0), r.get(1), r.get(2)),
        at.to_be_bytes().to_vec(),
    ))
}

fn notice(r: &Row) -> Result<Kv, StoreError> {
    let k = notice_key(r.get(0), r.get(1), r.get::<_, i64>(2) as u64);
    Ok((k, r.get(3)))
}

fn disabled(r: &Row) -> Result<Kv, StoreError> {
    Ok((disabled_key(r.get(0), r.get(1), r.get(2)), r.get(3)))
}

fn consent(r: &Row) -> Result<Kv, StoreError> {
    Ok((
        consent_key(r.get(0), r.get(1), r.get(2), r.get(3)),
        r.get(4),
    ))
}

/// `bot_state` keeps text here and bytes in sled: numbers big-endian, the flag as one byte.
fn bot_state(r: &Row) -> Result<Kv, StoreError> {
    let key: String = r.get(0);
    let value: String = r.get(1);
    let v = super::state_to_sled(&key, &value);
    Ok((key.into_bytes(), v))
}

/// Sends every tree, in the order sled's backups use, then returns the id floor: at or above every
/// job, notice and audit id, so that a restored store hands out only new ones.
pub(super) async fn export(tx: &Tx<'_>, out: &mpsc::Sender<Item>) -> Result<u64, BackupError> {
    let stopped = || BackupError::Copy("the backup writer stopped".into());
    let mut names: Vec<Vec<u8>> = tree_names().map(|n| n.as_bytes().to_vec()).collect();
    names.push(b"meta".to_vec());
    for name in copy_order(names) {
        let name = String::from_utf8(name).expect("our tree names are text");
        out.send(Item::Tree(name.clone()))
            .await
            .map_err(|_| stopped())?;
        if name == "meta" {
            for (k, v) in meta(tx).await? {
                out.send(Item::Entry(k, v)).await.map_err(|_| stopped())?;
            }
            continue;
        }
        let (_, queries) = TREES
            .iter()
            .find(|(t, _)| *t == name)
            .expect("every name comes from TREES");
        for (sql, convert) in *queries {
            let rows = tx
                .inner()
                .query_raw(*sql, Vec::<i64>::new())
                .await
                .map_err(pg_err)?;
            futures_util::pin_mut!(rows);
            while let Some(row) = rows.try_next().await.map_err(pg_err)? {
                let (k, v) = convert(&row)?;
                out.send(Item::Entry(k, v)).await.map_err(|_| stopped())?;
            }
        }
    }
    let row = tx
        .query_opt(
            "SELECT GREATEST(
                 (SELECT last_value FROM job_id), (SELECT last_value FROM notice_id),
                 (SELECT coalesce(max(id), 0) FROM audit), (SELECT coalesce(max(id), 0) FROM jobs),
                 (SELECT coalesce(max(id), 0) FROM dead_jobs),
                 (SELECT coalesce(max(id), 0) FROM sent_jobs),
                 (SELECT coalesce(max(job_id), 0) FROM idem),
                 (SELECT coalesce(max(id), 0) FROM notices))",
            &[],
        )
        .await?
        .ok_or_else(|| StoreError::Io("the id floor query returned nothing".into()))?;
    Ok(row.get::<_, i64>(0).max(0) as u64)
}

/// sled's `meta` tree: the schema version and the next event seq.
async fn meta(tx: &Tx<'_>) -> Result<Vec<Kv>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT GREATEST(
                 (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM event_seq),
                 (SELECT coalesce(max(seq), 0) + 1 FROM events))",
            &[],
        )
        .await?
        .ok_or_else(|| StoreError::Io("the event seq query returned nothing".into()))?;
    let next = row.get::<_, i64>(0).max(1) as u64;
    Ok(vec![
        (
            crate::store::META_NEXT_SEQ.to_vec(),
            next.to_be_bytes().to_vec(),
        ),
        (
            crate::store::META_SCHEMA.to_vec(),
            SCHEMA_VERSION.to_be_bytes().to_vec(),
        ),
    ])
}
