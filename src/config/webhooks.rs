//! `[webhooks]`: outgoing webhook timeouts and which private networks receivers may live in.

use serde::Deserialize;

use super::{Errors, RangeCheck, limits};
use crate::net::Cidr;

#[derive(Debug, Clone)]
pub struct WebhooksConfig {
    pub timeout_secs: u64,
    pub allow_private_networks: bool,
    /// Blocks reachable even though private (an internal receiver), without opening every private
    /// network as `allow_private_networks` does.
    pub allow_cidrs: Vec<Cidr>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWebhooks {
    pub(super) timeout_secs: u64,
    allow_private_networks: bool,
    #[serde(default)]
    allow_cidrs: Vec<String>,
}

pub(super) fn validate(raw: &RawWebhooks, e: &mut Errors) -> WebhooksConfig {
    let allow_cidrs = e.cidrs(
        "webhooks.allow_cidrs",
        &raw.allow_cidrs,
        |_, problem| problem,
        "use a block such as \"10.20.0.0/16\" or \"fd00::/8\", or a single address",
    );
    WebhooksConfig {
        timeout_secs: raw.timeout_secs,
        allow_private_networks: raw.allow_private_networks,
        allow_cidrs,
    }
}

/// The numeric keys of `[webhooks]` checked against their bounds ([`limits`]).
pub(super) fn ranges(raw: &RawWebhooks) -> [RangeCheck; 1] {
    [(
        "webhooks.timeout_secs",
        raw.timeout_secs,
        &limits::WEBHOOK_TIMEOUT,
        "15",
    )]
}
