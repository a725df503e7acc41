//! `[quotas]`: per-tenant delivery limits.

use serde::Deserialize;

/// `[quotas]`: per-tenant limits per rolling hour, so one community cannot spam through the relay.
/// 0 means unlimited. See `delivery::quota`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotasConfig {
    pub telegram_per_hour: u32,
    pub email_per_hour: u32,
    pub webhook_per_hour: u32,
    pub send_tests_per_hour: u32,
}
