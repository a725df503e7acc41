//! Stores, events, jobs, attempts and routes for the store's own tests and the contract suite.

use super::*;

pub(crate) fn test_config() -> StoreConfig {
    StoreConfig {
        dedup_retention_secs: 60,
        event_retention_secs: 60,
        meeting_retention_secs: 60,
        cache_capacity_mb: 8,
        pool_size: 16,
        journal_segment_mb: 1,
        janitor_interval_secs: 60,
        data_key: None,
    }
}

/// One field of each record a listing returned, in the listing's order (tests compare these).
pub(crate) fn pluck<T, U>(listed: Result<Vec<T>, StoreError>, field: impl FnMut(T) -> U) -> Vec<U> {
    listed.expect("a listing").into_iter().map(field).collect()
}

/// A throwaway store for unit tests, in its own temporary dir (keep the dir alive as long as the
/// store).
pub(crate) fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &test_config()).unwrap();
    (dir, store)
}

/// An event of tenant (`default`, `account`) for unit tests: `meeting.started` at `event_ts`.
pub(crate) fn test_event(account: &str, event_ts: i64, body: String) -> NewEvent {
    NewEvent {
        app_id: "default".into(),
        account_id: Some(account.into()),
        event: "meeting.started".into(),
        event_ts: Some(event_ts),
        zm_request_id: None,
        zm_tracking_id: None,
        parse_error: None,
        body,
    }
}

/// A job of tenant (`default`, `account`) on route `r` for unit tests, named by its idempotency
/// key.
pub(crate) fn test_job(
    account: &str,
    key: &str,
    target: crate::routing::Target,
    message: Message,
) -> NewJob {
    NewJob {
        idempotency_key: key.into(),
        event: "meeting.started".into(),
        app_id: "default".into(),
        account_id: account.into(),
        route_name: "r".into(),
        meeting_uuid: None,
        target,
        message,
        options: crate::routing::DeliveryOptions::default(),
        unsubscribe_url: None,
        received_at_ms: 1,
    }
}

/// Attempt number `attempt` of job `job_id` for unit tests, with no HTTP status and no detail.
pub(crate) fn test_attempt(
    job_id: u64,
    attempt: u32,
    at_ms: i64,
    outcome: AttemptOutcome,
) -> Attempt {
    Attempt {
        job_id,
        attempt,
        at_ms,
        outcome,
        status: None,
        detail: String::new(),
        latency_ms: 1,
    }
}

/// A minimal route for unit tests: account `acc` of the default app, started meetings, to the log.
pub(crate) fn test_route(name: &str) -> crate::routing::Route {
    serde_json::from_value(serde_json::json!({
        "name": name, "account_id": "acc", "events": ["meeting.started"],
        "destinations": [{"kind": "log"}]
    }))
    .unwrap()
}
