//! `[delivery]`: the retry schedule of delivery workers and when a job counts as stale.

use serde::Deserialize;

use super::{Errors, RangeCheck, limits};

#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    pub retry_schedule_secs: Vec<f64>,
    pub jitter: f64,
    pub stale_after_secs: u64,
    /// How often an idle dispatcher or delivery worker looks for work it was not woken for. Wake-ups
    /// (local, and from other replicas on PostgreSQL) start work at once; this only bounds the delay
    /// when one is lost, e.g. while a replica's wake-up connection reconnects.
    pub poll_interval_secs: u64,
    /// How long a worker's claim on a job lasts. A replica that dies mid-send loses its claims
    /// when they run out, and another replica sends those jobs; shorter means a faster takeover,
    /// but it must outlast the longest send, or a slow send is taken over while still running.
    pub claim_lease_secs: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDelivery {
    retry_schedule_secs: Vec<f64>,
    jitter: f64,
    stale_after_secs: u64,
    poll_interval_secs: u64,
    claim_lease_secs: u64,
}

/// The margin a claim lease must keep over the webhook timeout (the longest configurable send).
const LEASE_MARGIN_SECS: u64 = 5;

pub(super) fn validate(raw: &RawDelivery, e: &mut Errors) -> DeliveryConfig {
    if raw.retry_schedule_secs.is_empty()
        || raw
            .retry_schedule_secs
            .iter()
            .any(|s| !s.is_finite() || *s < 0.0)
    {
        e.push(
            "delivery.retry_schedule_secs",
            "must be a non-empty list of non-negative numbers",
            "use e.g. [5, 30, 120, 600, 1800, 3600, 7200]",
        );
    }
    if !(0.0..=1.0).contains(&raw.jitter) {
        e.push(
            "delivery.jitter",
            format!("{} is outside 0..=1", raw.jitter),
            "use a fraction such as 0.2 (±20%)",
        );
    }
    DeliveryConfig {
        retry_schedule_secs: raw.retry_schedule_secs.clone(),
        jitter: raw.jitter,
        stale_after_secs: raw.stale_after_secs,
        poll_interval_secs: raw.poll_interval_secs,
        claim_lease_secs: raw.claim_lease_secs,
    }
}

/// A lease shorter than a send would let another worker send the same job while the first one
/// still waits for an answer: the lease must outlast `webhooks.timeout_secs` with a margin.
pub(super) fn check_lease(raw: &RawDelivery, webhook_timeout_secs: u64, e: &mut Errors) {
    let least = webhook_timeout_secs.saturating_add(LEASE_MARGIN_SECS);
    if raw.claim_lease_secs < least {
        e.push(
            "delivery.claim_lease_secs",
            format!(
                "{} s is shorter than a webhook send may take (webhooks.timeout_secs = {webhook_timeout_secs} s, plus {LEASE_MARGIN_SECS} s)",
                raw.claim_lease_secs
            ),
            format!("use at least {least}, or lower webhooks.timeout_secs"),
        );
    }
}

/// The numeric keys of `[delivery]` checked against their bounds ([`limits`]).
pub(super) fn ranges(raw: &RawDelivery) -> [RangeCheck; 3] {
    [
        (
            "delivery.stale_after_secs",
            raw.stale_after_secs,
            &limits::STALE_AFTER,
            "14400",
        ),
        (
            "delivery.poll_interval_secs",
            raw.poll_interval_secs,
            &limits::POLL_INTERVAL,
            "2",
        ),
        (
            "delivery.claim_lease_secs",
            raw.claim_lease_secs,
            &limits::CLAIM_LEASE,
            "60",
        ),
    ]
}

/// The length of the retry schedule and its longest wait against their bounds ([`limits`]).
pub(super) fn check_schedule_limits(raw: &RawDelivery, e: &mut Errors) {
    let steps = raw.retry_schedule_secs.len() as u64;
    if steps > 0 {
        if let Some(problem) = limits::RETRY_STEPS.check(steps) {
            e.push(
                "delivery.retry_schedule_secs",
                format!("has {steps} steps: {problem}"),
                "use e.g. [5, 30, 120, 600, 1800, 3600, 7200]",
            );
        }
        if raw
            .retry_schedule_secs
            .iter()
            .any(|s| s.is_finite() && *s > limits::RETRY_WAIT_MAX_SECS)
        {
            e.push(
                "delivery.retry_schedule_secs",
                format!(
                    "a wait is longer than {} seconds (7 days)",
                    limits::RETRY_WAIT_MAX_SECS
                ),
                "use e.g. [5, 30, 120, 600, 1800, 3600, 7200]",
            );
        }
    }
}
