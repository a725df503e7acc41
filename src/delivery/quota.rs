//! Per-tenant hourly quotas: how many Telegram messages, emails and webhook calls one community may
//! send in any rolling hour, and how many send-tests it may start.
//!
//! Anyone with a Zoom account can install the app and become a tenant, so a tenant's volume is
//! untrusted: without a bound, one community could spam a mail server's reputation away or get the
//! shared bot rate-limited for everyone. The check happens per job, just before its send, and over
//! the limit the job becomes a dead letter at once: it never waits, so it never delays or drops
//! another tenant's jobs.
//!
//! The counters live in memory (a window of send times per tenant and kind) and reset when the relay
//! restarts; a restart gives a tenant at most one extra hour's quota, which is acceptable for a
//! spam bound and saves a durable write per message.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use crate::config::QuotasConfig;
use crate::routing::Channel;

const HOUR_MS: i64 = 3_600_000;

/// What a quota counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuotaKind {
    Telegram,
    Email,
    Webhook,
    SendTest,
}

impl QuotaKind {
    /// The quota a channel's sends count against; the log channel has none.
    pub fn of(channel: Channel) -> Option<QuotaKind> {
        match channel {
            Channel::Telegram => Some(QuotaKind::Telegram),
            Channel::Email => Some(QuotaKind::Email),
            Channel::Webhook => Some(QuotaKind::Webhook),
            Channel::Log => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QuotaKind::Telegram => "telegram",
            QuotaKind::Email => "email",
            QuotaKind::Webhook => "webhook",
            QuotaKind::SendTest => "send_test",
        }
    }
}

type Key = (String, String, QuotaKind);

/// The in-memory counters. Shared by the HTTP layer (send-tests) and the delivery workers.
pub struct Quotas {
    config: QuotasConfig,
    windows: Mutex<HashMap<Key, VecDeque<i64>>>,
    /// When each tenant was last told it hit a limit.
    notified: Mutex<HashMap<(String, String), i64>>,
}

impl Quotas {
    pub fn new(config: QuotasConfig) -> Quotas {
        Quotas {
            config,
            windows: Mutex::new(HashMap::new()),
            notified: Mutex::new(HashMap::new()),
        }
    }

    fn limit(&self, kind: QuotaKind) -> u32 {
        match kind {
            QuotaKind::Telegram => self.config.telegram_per_hour,
            QuotaKind::Email => self.config.email_per_hour,
            QuotaKind::Webhook => self.config.webhook_per_hour,
            QuotaKind::SendTest => self.config.send_tests_per_hour,
        }
    }

    /// Counts one use for the tenant if the rolling hour has room. Over the limit nothing is
    /// counted and the answer is how long until the oldest use leaves the window.
    pub fn take(
        &self,
        app_id: &str,
        account_id: &str,
        kind: QuotaKind,
        now_ms: i64,
    ) -> Result<(), Duration> {
        let limit = self.limit(kind) as usize;
        if limit == 0 {
            return Ok(());
        }
        let mut windows = self.windows.lock().expect("quota state");
        let w = windows
            .entry((app_id.to_string(), account_id.to_string(), kind))
            .or_default();
        while w.front().is_some_and(|t| *t <= now_ms - HOUR_MS) {
            w.pop_front();
        }
        if w.len() >= limit {
            let oldest = *w.front().expect("full window");
            let wait = (oldest + HOUR_MS - now_ms).max(1000);
            return Err(Duration::from_millis(wait as u64));
        }
        w.push_back(now_ms);
        Ok(())
    }

    /// Returns the last use taken (a job that was only deferred, not sent).
    pub fn give_back(&self, app_id: &str, account_id: &str, kind: QuotaKind) {
        let mut windows = self.windows.lock().expect("quota state");
        if let Some(w) = windows.get_mut(&(app_id.to_string(), account_id.to_string(), kind)) {
            w.pop_back();
        }
    }

    /// True at most once per hour per tenant: whether to leave the organizers a notice now.
    pub fn should_notify(&self, app_id: &str, account_id: &str, now_ms: i64) -> bool {
        let mut n = self.notified.lock().expect("quota state");
        let last = n
            .entry((app_id.to_string(), account_id.to_string()))
            .or_insert(i64::MIN);
        if *last > now_ms - HOUR_MS {
            return false;
        }
        *last = now_ms;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotas(n: u32) -> Quotas {
        Quotas::new(QuotasConfig {
            telegram_per_hour: n,
            email_per_hour: n,
            webhook_per_hour: 0,
            send_tests_per_hour: n,
        })
    }

    #[test]
    fn a_rolling_hour_per_tenant_and_kind() {
        let q = quotas(2);
        assert!(q.take("d", "A", QuotaKind::Email, 0).is_ok());
        assert!(q.take("d", "A", QuotaKind::Email, 10).is_ok());
        let wait = q.take("d", "A", QuotaKind::Email, 20).unwrap_err();
        assert_eq!(wait, Duration::from_millis(HOUR_MS as u64 - 20));
        assert!(
            q.take("d", "B", QuotaKind::Email, 20).is_ok(),
            "B has its own"
        );
        assert!(
            q.take("d", "A", QuotaKind::Telegram, 20).is_ok(),
            "per kind"
        );
        assert!(q.take("d", "A", QuotaKind::Email, HOUR_MS).is_ok(), "rolls");
        for i in 0..100 {
            assert!(
                q.take("d", "A", QuotaKind::Webhook, i).is_ok(),
                "0 = unlimited"
            );
        }
        q.give_back("d", "A", QuotaKind::Email);
        assert!(q.take("d", "A", QuotaKind::Email, HOUR_MS + 1).is_ok());
    }

    #[test]
    fn one_notice_per_hour_per_tenant() {
        let q = quotas(1);
        assert!(q.should_notify("d", "A", 0));
        assert!(!q.should_notify("d", "A", HOUR_MS - 1));
        assert!(q.should_notify("d", "B", 5));
        assert!(q.should_notify("d", "A", HOUR_MS));
    }
}
