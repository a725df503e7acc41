//! Every key layout of the sled backend, in one place. Keys are big-endian so that range scans
//! follow numeric (time, id) order, and tenant-scoped keys start with [`tenant_prefix`] so a
//! tenant's records are one prefix scan away (the uninstall purge relies on it).
//!
//! Changing a layout here changes the on-disk format: bump `SCHEMA_VERSION` and migrate.

use sha2::{Digest, Sha256};

use crate::routing::{Channel, Target};

// --- tenants ---------------------------------------------------------------------------------

/// `app_id 0x00 account_id 0x00`: the start of every per-tenant key, and the whole key of a
/// tenant record. Zero bytes cannot occur in either id, so two tenants' prefixes never overlap.
pub(crate) fn tenant_prefix(app_id: &str, account_id: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(app_id.len() + account_id.len() + 2);
    k.extend_from_slice(app_id.as_bytes());
    k.push(0);
    k.extend_from_slice(account_id.as_bytes());
    k.push(0);
    k
}

/// `app_id 0x00`: every tenant of one app.
pub(crate) fn app_prefix(app_id: &str) -> Vec<u8> {
    let mut k = app_id.as_bytes().to_vec();
    k.push(0);
    k
}

fn tenant_key(app_id: &str, account_id: &str, rest: &[&[u8]]) -> Vec<u8> {
    let mut k = tenant_prefix(app_id, account_id);
    for part in rest {
        k.extend_from_slice(part);
    }
    k
}

/// `routes`: tenant prefix, route name.
pub(crate) fn route_key(app_id: &str, account_id: &str, name: &str) -> Vec<u8> {
    tenant_key(app_id, account_id, &[name.as_bytes()])
}

/// `templates`: tenant prefix, `event/key`.
pub(crate) fn template_key(app_id: &str, account_id: &str, event: &str, key: &str) -> Vec<u8> {
    tenant_key(
        app_id,
        account_id,
        &[event.as_bytes(), b"/", key.as_bytes()],
    )
}

/// `notices`: tenant prefix, notice id.
pub(crate) fn notice_key(app_id: &str, account_id: &str, id: u64) -> Vec<u8> {
    tenant_key(app_id, account_id, &[&id.to_be_bytes()])
}

/// `disabled_targets`: tenant prefix, `Target::key()`.
pub(crate) fn disabled_key(app_id: &str, account_id: &str, target: &str) -> Vec<u8> {
    tenant_key(app_id, account_id, &[target.as_bytes()])
}

/// `bot_organizers`, `bot_mutes` and `member_names`: tenant prefix, Telegram user or chat id.
pub(crate) fn member_key(app_id: &str, account_id: &str, id: i64) -> Vec<u8> {
    tenant_key(app_id, account_id, &[&id.to_be_bytes()])
}

/// Splits a tenant-scoped key into app, account and what follows the [`tenant_prefix`].
pub(crate) fn split_tenant_key(k: &[u8]) -> Option<(String, String, &[u8])> {
    let a = k.iter().position(|b| *b == 0)?;
    let b = a + 1 + k[a + 1..].iter().position(|b| *b == 0)?;
    let app = std::str::from_utf8(&k[..a]).ok()?.to_string();
    let account = std::str::from_utf8(&k[a + 1..b]).ok()?.to_string();
    Some((app, account, &k[b + 1..]))
}

/// Splits a [`member_key`] back into app, account and id.
pub(crate) fn decode_member_key(k: &[u8]) -> Option<(String, String, i64)> {
    if k.len() < 10 {
        return None;
    }
    let (prefix, id) = k.split_at(k.len() - 8);
    let mut parts = prefix.split(|b| *b == 0);
    let app = std::str::from_utf8(parts.next()?).ok()?.to_string();
    let account = std::str::from_utf8(parts.next()?).ok()?.to_string();
    Some((app, account, i64::from_be_bytes(id.try_into().ok()?)))
}

// --- meetings: one tree, two kinds of record told apart by a tag byte ---------------------------

const MEETING_MEMORY: u8 = b'm';
const MEETING_ENDED: u8 = b'e';

/// `meetings`, memory of meeting.created: `m`, tenant prefix, meeting id.
pub(crate) fn memory_key(app_id: &str, account_id: &str, meeting_id: u64) -> Vec<u8> {
    let mut k = vec![MEETING_MEMORY];
    k.extend_from_slice(&tenant_key(
        app_id,
        account_id,
        &[&meeting_id.to_be_bytes()],
    ));
    k
}

/// `meetings`, an ended instance: `e`, tenant prefix, instance uuid.
pub(crate) fn ended_key(app_id: &str, account_id: &str, uuid: &str) -> Vec<u8> {
    let mut k = vec![MEETING_ENDED];
    k.extend_from_slice(&tenant_key(app_id, account_id, &[uuid.as_bytes()]));
    k
}

/// Whether a `meetings` key is a [`memory_key`] (else an [`ended_key`]).
pub(crate) fn is_memory_key(k: &[u8]) -> bool {
    k.first() == Some(&MEETING_MEMORY)
}

/// The prefixes under which the `meetings` tree holds a tenant's records.
pub(crate) fn meeting_prefixes(app_id: &str, account_id: &str) -> [Vec<u8>; 2] {
    [MEETING_MEMORY, MEETING_ENDED].map(|tag| {
        let mut p = vec![tag];
        p.extend_from_slice(&tenant_prefix(app_id, account_id));
        p
    })
}

// --- events ----------------------------------------------------------------------------------

/// `events` and `inbox`: the event's seq.
pub(crate) fn seq_key(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

pub(crate) fn decode_seq(k: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(k.try_into().ok()?))
}

/// `dedup` value (its key is the 16-byte hash intake computes from Zoom's natural key):
/// received-at ms, then the seq of the event first stored under it.
pub(crate) fn dedup_value(received_at_ms: i64, seq: u64) -> [u8; 16] {
    concat(&received_at_ms.to_be_bytes(), &seq.to_be_bytes())
}

pub(crate) fn decode_dedup_value(v: &[u8]) -> Option<(i64, u64)> {
    let (at, seq) = split8::<8>(v)?;
    Some((i64::from_be_bytes(at), u64::from_be_bytes(seq)))
}

/// Two big-endian parts one after the other, `N` bytes in all: the layout of most fixed-size keys
/// here. The lengths are the caller's constants, so a mismatch is a bug and panics.
fn concat<const N: usize>(a: &[u8], b: &[u8]) -> [u8; N] {
    let mut k = [0u8; N];
    k[..a.len()].copy_from_slice(a);
    k[a.len()..].copy_from_slice(b);
    k
}

/// The first 8 bytes and the `N` after them of a key or value of exactly `8 + N` bytes (None for
/// any other length, so a record of another layout never decodes as this one).
fn split8<const N: usize>(k: &[u8]) -> Option<([u8; 8], [u8; N])> {
    if k.len() != 8 + N {
        return None;
    }
    Some((k[..8].try_into().ok()?, k[8..].try_into().ok()?))
}

// --- outbox ----------------------------------------------------------------------------------

/// `outbox`, `dead`, `sent` and `telegram_parts`: the job id. `idem` values are job ids too.
pub(crate) fn job_key(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

pub(crate) fn decode_job_key(k: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(k.try_into().ok()?))
}

/// `outbox_due`: channel tag, due ms (sign bit flipped so negative times still sort), job id.
pub(crate) fn due_key(channel: Channel, due_ms: i64, id: u64) -> [u8; 17] {
    due_key_tagged(channel.tag(), due_ms, id)
}

/// [`due_key`] from the channel's tag (as a database row holds it).
pub(crate) fn due_key_tagged(tag: u8, due_ms: i64, id: u64) -> [u8; 17] {
    let mut k = [0u8; 17];
    k[0] = tag;
    k[1..9].copy_from_slice(&((due_ms as u64) ^ (1 << 63)).to_be_bytes());
    k[9..].copy_from_slice(&id.to_be_bytes());
    k
}

/// A channel's slice of `outbox_due`.
pub(crate) fn due_prefix(channel: Channel) -> [u8; 1] {
    [channel.tag()]
}

/// Due ms and job id of a [`due_key`].
pub(crate) fn decode_due_key(k: &[u8]) -> Option<(i64, u64)> {
    if k.len() != 17 {
        return None;
    }
    let due = (u64::from_be_bytes(k[1..9].try_into().ok()?) ^ (1 << 63)) as i64;
    Some((due, u64::from_be_bytes(k[9..].try_into().ok()?)))
}

/// `outbox_dest`: [`dest_prefix`] of the target, job id; so one destination's jobs are one prefix
/// scan, oldest first.
pub(crate) fn dest_key(target: &Target, id: u64) -> [u8; 16] {
    dest_key_of(&target.key(), id)
}

/// [`dest_key`] from `Target::key()` (as a database row holds it).
pub(crate) fn dest_key_of(target_key: &str, id: u64) -> [u8; 16] {
    concat(&dest_hash(target_key), &id.to_be_bytes())
}

/// The first 8 bytes of SHA-256 of `Target::key()` (which leaves secrets out).
pub(crate) fn dest_prefix(target: &Target) -> [u8; 8] {
    dest_hash(&target.key())
}

fn dest_hash(target_key: &str) -> [u8; 8] {
    let h = Sha256::digest(target_key.as_bytes());
    h[..8].try_into().expect("8 bytes")
}

/// The job id of a [`dest_key`].
pub(crate) fn decode_dest_key(k: &[u8]) -> Option<u64> {
    let (_, id) = split8::<8>(k)?;
    Some(u64::from_be_bytes(id))
}

/// `attempts`: job id, attempt number; a job's history is the prefix [`job_key`].
pub(crate) fn attempt_key(job_id: u64, attempt: u32) -> [u8; 12] {
    concat(&job_id.to_be_bytes(), &attempt.to_be_bytes())
}

/// Job id and attempt number of an [`attempt_key`].
pub(crate) fn decode_attempt_key(k: &[u8]) -> Option<(u64, u32)> {
    let (job, attempt) = split8::<4>(k)?;
    Some((u64::from_be_bytes(job), u32::from_be_bytes(attempt)))
}

/// Every [`attempt_key`] of one job starts with this.
pub(crate) fn attempt_prefix(job_id: u64) -> [u8; 8] {
    job_key(job_id)
}

/// The idempotency key of the job for (event, target), stable across re-dispatch: the `idem` key,
/// sent as `webhook-id` and used in email Message-IDs. `msg_{seq}_` then 16 hex digits of the
/// target's hash; jobs no event caused (the bot's replies) use seq 0.
pub(crate) fn idempotency_key(event_seq: u64, target: &Target) -> String {
    format!(
        "{}{}",
        event_idempotency_prefix(event_seq),
        hex::encode(dest_prefix(target))
    )
}

/// What the idempotency keys of every job of event `seq` start with.
pub(crate) fn event_idempotency_prefix(seq: u64) -> String {
    format!("msg_{seq}_")
}

/// The event seq an [`idempotency_key`] names (0 for a key of another shape).
pub(crate) fn idempotency_event_seq(key: &str) -> u64 {
    key.strip_prefix("msg_")
        .and_then(|r| r.split('_').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

// --- everything else -------------------------------------------------------------------------

/// `audit`: time ms, then a unique counter so two entries in one millisecond both stay.
pub(crate) fn audit_key(at_ms: i64, unique: u64) -> [u8; 16] {
    concat(&(at_ms as u64).to_be_bytes(), &unique.to_be_bytes())
}

/// Time ms and counter of an [`audit_key`].
pub(crate) fn decode_audit_key(k: &[u8]) -> Option<(i64, u64)> {
    let (at, unique) = split8::<8>(k)?;
    Some((u64::from_be_bytes(at) as i64, u64::from_be_bytes(unique)))
}

/// `bot_chats` and `telegram_migrations`: the Telegram chat id.
pub(crate) fn chat_key(chat_id: i64) -> [u8; 8] {
    chat_id.to_be_bytes()
}

pub(crate) fn decode_chat_key(k: &[u8]) -> Option<i64> {
    Some(i64::from_be_bytes(k.try_into().ok()?))
}

/// `telegram_pace_chats`: the bot id (the number before the ':' of its token), then the chat id.
/// (`telegram_pace_bots` is keyed by the bot id alone, big-endian.)
pub(crate) fn pace_chat_key(bot_id: i64, chat_id: i64) -> [u8; 16] {
    concat(&bot_id.to_be_bytes(), &chat_id.to_be_bytes())
}

pub(crate) fn decode_pace_chat_key(k: &[u8]) -> Option<(i64, i64)> {
    let (bot, chat) = split8::<8>(k)?;
    Some((i64::from_be_bytes(bot), i64::from_be_bytes(chat)))
}

/// `sessions` and `api_tokens`: SHA-256 of the bearer secret, so the store never holds one.
pub fn secret_hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// `bot_codes`: SHA-256 of a code as typed (surrounding whitespace ignored).
pub fn code_hash(code: &str) -> [u8; 32] {
    Sha256::digest(code.trim().as_bytes()).into()
}

/// `email_consents`: tenant prefix, route name, 0x00, the address in lower case. Route names and
/// addresses hold no zero byte (validation refuses control characters), so the split is unique.
pub(crate) fn consent_key(app_id: &str, account_id: &str, route: &str, address: &str) -> Vec<u8> {
    tenant_key(
        app_id,
        account_id,
        &[route.as_bytes(), &[0], address.to_lowercase().as_bytes()],
    )
}

/// `email_consents` of one route: tenant prefix, route name, 0x00.
pub(crate) fn consent_route_prefix(app_id: &str, account_id: &str, route: &str) -> Vec<u8> {
    tenant_key(app_id, account_id, &[route.as_bytes(), &[0]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_keep_their_layout() {
        let t = Target::Log;
        let h = Sha256::digest(t.key().as_bytes());
        assert_eq!(
            idempotency_key(7, &t),
            format!("msg_7_{}", hex::encode(&h[..8]))
        );
        assert!(idempotency_key(7, &t).starts_with(&event_idempotency_prefix(7)));
        assert!(!idempotency_key(70, &t).starts_with(&event_idempotency_prefix(7)));
    }

    /// The on-disk bytes of the two-number keys and values, spelt out, so a change of how they are
    /// built cannot change what is stored.
    #[test]
    fn fixed_size_keys_keep_their_bytes() {
        let be = |parts: &[&[u8]]| parts.concat();
        assert_eq!(
            dedup_value(-2, 3).to_vec(),
            be(&[&(-2i64).to_be_bytes(), &3u64.to_be_bytes()])
        );
        assert_eq!(
            attempt_key(5, 2).to_vec(),
            be(&[&5u64.to_be_bytes(), &2u32.to_be_bytes()])
        );
        assert_eq!(
            audit_key(-7, 4).to_vec(),
            be(&[&((-7i64) as u64).to_be_bytes(), &4u64.to_be_bytes()])
        );
        assert_eq!(
            pace_chat_key(-1, 9).to_vec(),
            be(&[&(-1i64).to_be_bytes(), &9i64.to_be_bytes()])
        );
        let h = Sha256::digest(Target::Log.key().as_bytes());
        assert_eq!(
            dest_key(&Target::Log, 6).to_vec(),
            be(&[&h[..8], &6u64.to_be_bytes()])
        );
        assert_eq!(decode_pace_chat_key(&pace_chat_key(-1, 9)), Some((-1, 9)));
        assert_eq!(decode_audit_key(&audit_key(-7, 4)), Some((-7, 4)));
        assert_eq!(decode_attempt_key(&[0; 16]), None);
        assert_eq!(decode_dedup_value(&[0; 12]), None);
    }

    #[test]
    fn keys_decode_to_what_they_encode() {
        let k = due_key(Channel::Email, -5, 9);
        assert_eq!(decode_due_key(&k), Some((-5, 9)));
        assert!(due_key(Channel::Email, -5, 9) < due_key(Channel::Email, 3, 1));
        assert_eq!(decode_dest_key(&dest_key(&Target::Log, 4)), Some(4));
        assert_eq!(decode_due_key(&dest_key(&Target::Log, 4)), None);
        assert_eq!(decode_dest_key(&due_key(Channel::Log, 1, 4)), None);
        assert_eq!(
            decode_member_key(&member_key("app", "acc", -42)),
            Some(("app".into(), "acc".into(), -42))
        );
        assert_eq!(decode_seq(&seq_key(11)), Some(11));
        assert_eq!(decode_dedup_value(&dedup_value(-1, 3)), Some((-1, 3)));
        assert!(route_key("a", "b", "r").starts_with(&tenant_prefix("a", "b")));
        assert!(!tenant_prefix("a", "bc").starts_with(&tenant_prefix("a", "b")));
        let [m, e] = meeting_prefixes("a", "b");
        assert!(memory_key("a", "b", 1).starts_with(&m));
        assert!(ended_key("a", "b", "u").starts_with(&e));
        assert!(is_memory_key(&memory_key("a", "b", 1)) && !is_memory_key(&e));
        let k = route_key("a", "b", "r/1");
        let (app, acc, rest) = split_tenant_key(&k).unwrap();
        assert_eq!((app.as_str(), acc.as_str(), rest), ("a", "b", &b"r/1"[..]));
        assert_eq!(split_tenant_key(b"no-nul"), None);
        assert_eq!(decode_attempt_key(&attempt_key(5, 2)), Some((5, 2)));
        assert_eq!(decode_audit_key(&audit_key(9, 4)), Some((9, 4)));
        assert_eq!(
            idempotency_event_seq(&idempotency_key(42, &Target::Log)),
            42
        );
        assert_eq!(idempotency_event_seq("other"), 0);
        assert_eq!(
            dest_key_of(&Target::Log.key(), 3),
            dest_key(&Target::Log, 3)
        );
    }
}
