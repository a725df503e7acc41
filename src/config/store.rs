//! `[store]`: how long the store keeps dedup keys, events and meetings, and its cache size.

use serde::Deserialize;

use super::security::DataKey;
use super::{RangeCheck, limits};

#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// How long a dedup key is remembered; Zoom's retries end after 85 minutes.
    pub dedup_retention_secs: u64,
    /// How long raw events are kept for audit and replay once dispatched.
    pub event_retention_secs: u64,
    /// How long meeting memory (join links from meeting.created) is kept.
    pub meeting_retention_secs: u64,
    pub cache_capacity_mb: u64,
    pub janitor_interval_secs: u64,
    /// `security.data_key` again, for the store: it seals webhook secrets at rest. None only in
    /// tests that open a bare store.
    pub data_key: Option<DataKey>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStore {
    dedup_retention_secs: u64,
    event_retention_secs: u64,
    meeting_retention_secs: u64,
    cache_capacity_mb: u64,
    janitor_interval_secs: u64,
}

/// `[store]` once the whole config validated; `data_key` comes from `[security]`.
pub(super) fn build(raw: &RawStore, data_key: Option<DataKey>) -> StoreConfig {
    StoreConfig {
        dedup_retention_secs: raw.dedup_retention_secs,
        event_retention_secs: raw.event_retention_secs,
        meeting_retention_secs: raw.meeting_retention_secs,
        cache_capacity_mb: raw.cache_capacity_mb,
        janitor_interval_secs: raw.janitor_interval_secs.max(1),
        data_key,
    }
}

/// The numeric keys of `[store]` checked against their bounds ([`limits`]).
pub(super) fn ranges(raw: &RawStore) -> [RangeCheck; 5] {
    [
        (
            "store.dedup_retention_secs",
            raw.dedup_retention_secs,
            &limits::RETENTION,
            "604800",
        ),
        (
            "store.event_retention_secs",
            raw.event_retention_secs,
            &limits::RETENTION,
            "2592000",
        ),
        (
            "store.meeting_retention_secs",
            raw.meeting_retention_secs,
            &limits::RETENTION,
            "7776000",
        ),
        (
            "store.cache_capacity_mb",
            raw.cache_capacity_mb,
            &limits::CACHE_MB,
            "32",
        ),
        (
            "store.janitor_interval_secs",
            raw.janitor_interval_secs,
            &limits::JANITOR_INTERVAL,
            "600",
        ),
    ]
}
