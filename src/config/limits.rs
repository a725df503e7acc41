//! Limits on config values: secret strength, the published demo secrets, and numeric ranges.
//!
//! Why here: a relay with `secret_token = "a"`, an admin token of 16 spaces or a tolerance of
//! `i64::MAX` used to start without a word. Each check names the key and says how to fix it, like
//! every other config error.

use std::sync::OnceLock;

/// Shortest accepted secret. 16 characters of keygen output carry about 96 bits.
pub const MIN_SECRET_LEN: usize = 16;
/// Fewest distinct characters: refuses `aaaaaaaaaaaaaaaa` and `abababababababab`.
pub const MIN_DISTINCT_CHARS: usize = 5;
/// Telegram's `secret_token` allows at most 256 characters.
pub const MAX_TELEGRAM_SECRET_LEN: usize = 256;

/// An inclusive range for one numeric key, with the reason for its bounds.
pub struct Range {
    pub min: u64,
    pub max: u64,
}

/// `zoom.*.timestamp_tolerance_secs`: 100 years. DESIGN allows very large windows for replaying
/// captured deliveries; only values that would overflow time arithmetic are refused.
pub const TIMESTAMP_TOLERANCE: Range = Range::new(1, 3_153_600_000);
/// `zoom.*.timestamp_future_tolerance_secs`: clock skew of at most a day.
pub const FUTURE_TOLERANCE: Range = Range::new(0, 86_400);
/// `server.max_body_bytes`: real Zoom events need at least 1 KiB; 64 MiB is far past any event.
pub const MAX_BODY_BYTES: Range = Range::new(1024, 64 * 1024 * 1024);
/// `webhooks.timeout_secs`: a receiver that takes over 5 minutes is down.
pub const WEBHOOK_TIMEOUT: Range = Range::new(1, 300);
/// One wait of `delivery.retry_schedule_secs`: at most 7 days.
pub const RETRY_WAIT_MAX_SECS: f64 = 604_800.0;
/// Length of `delivery.retry_schedule_secs`.
pub const RETRY_STEPS: Range = Range::new(1, 100);
/// `delivery.stale_after_secs`: at most 30 days.
pub const STALE_AFTER: Range = Range::new(1, 2_592_000);
/// `delivery.poll_interval_secs`: the fallback poll; an hour at most, so a lost wake-up only
/// delays work.
pub const POLL_INTERVAL: Range = Range::new(1, 3_600);
/// `delivery.claim_lease_secs`: 5 s to an hour.
pub const CLAIM_LEASE: Range = Range::new(5, 3_600);
/// `store.*_retention_secs`: at least a minute, at most 100 years (no overflow in milliseconds).
pub const RETENTION: Range = Range::new(60, 3_153_600_000);
/// `store.cache_capacity_mb`: 1 MiB to 64 GiB.
pub const CACHE_MB: Range = Range::new(1, 65_536);
/// `store.journal_segment_mb`: a segment must hold at least a few events; 1 GiB is plenty.
pub const JOURNAL_SEGMENT_MB: Range = Range::new(1, 1024);
/// `store.pool_size`: intake's group commit, the dispatcher and the workers each hold one at a
/// time, so fewer than 4 starves them; more than 256 per replica exhausts any server.
pub const POOL_SIZE: Range = Range::new(4, 256);
/// `store.janitor_interval_secs`: at most a day.
pub const JANITOR_INTERVAL: Range = Range::new(1, 86_400);

impl Range {
    pub const fn new(min: u64, max: u64) -> Range {
        Range { min, max }
    }

    /// The problem with `v`, or None when it is inside.
    pub fn check(&self, v: u64) -> Option<String> {
        (!(self.min..=self.max).contains(&v))
            .then(|| format!("{v} is outside {}..={}", self.min, self.max))
    }
}

/// Why `s` is too weak to be a secret, or None.
pub fn weakness(s: &str) -> Option<String> {
    if s.chars().count() < MIN_SECRET_LEN {
        return Some(format!("is shorter than {MIN_SECRET_LEN} characters"));
    }
    if s.chars().any(char::is_whitespace) {
        return Some("contains whitespace".into());
    }
    let mut distinct: Vec<char> = s.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < MIN_DISTINCT_CHARS {
        return Some(format!(
            "has fewer than {MIN_DISTINCT_CHARS} distinct characters"
        ));
    }
    None
}

/// Why raw key bytes are too weak (an all-zero or repeated-pattern data key), or None.
pub fn weak_key_bytes(b: &[u8]) -> Option<String> {
    let mut distinct = b.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    (distinct.len() < MIN_DISTINCT_CHARS)
        .then(|| format!("has fewer than {MIN_DISTINCT_CHARS} distinct bytes"))
}

/// Telegram's rule for `secret_token`: only A-Z, a-z, 0-9, `_` and `-`.
pub fn is_telegram_charset(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Every secret value written in the embedded relay.example.toml, read from it so this list never
/// drifts from the published file: `(key name, value)`. These are public, so outside demo mode
/// they are refused.
pub fn published_secrets() -> &'static [(String, String)] {
    static SECRETS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    SECRETS.get_or_init(|| {
        let doc: toml::Value =
            toml::from_str(super::EXAMPLE_CONFIG).unwrap_or(toml::Value::Table(Default::default()));
        let mut out = Vec::new();
        collect_secrets(&doc, "", &mut out);
        out
    })
}

/// Key names that hold secrets (a `*_file` variant never holds the value itself).
fn is_secret_key(name: &str) -> bool {
    matches!(
        name,
        "data_key"
            | "admin_token"
            | "secret_token"
            | "client_secret"
            | "bot_token"
            | "webhook_secret"
            | "smtp_url"
    )
}

fn collect_secrets(v: &toml::Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match v {
                    toml::Value::String(s) if is_secret_key(k) && !s.starts_with("${") => {
                        out.push((p, s.clone()))
                    }
                    _ => collect_secrets(v, &p, out),
                }
            }
        }
        toml::Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                collect_secrets(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// True when `value` is one of the secrets published in relay.example.toml.
pub fn is_published(value: &str) -> bool {
    published_secrets()
        .iter()
        .any(|(_, s)| s.as_str() == value.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_secrets_are_found() {
        let keys: Vec<&str> = published_secrets()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert!(keys.contains(&"security.data_key"), "{keys:?}");
        assert!(keys.contains(&"security.admin_token"), "{keys:?}");
        assert!(keys.contains(&"zoom.apps[0].secret_token"), "{keys:?}");
        assert!(is_published("demo-admin-token-change-me"));
        assert!(is_published(super::super::DEMO_DATA_KEY));
        assert!(!is_published("a-real-secret-from-keygen"));
    }

    #[test]
    fn weak_secrets_are_named() {
        assert!(weakness("a").unwrap().contains("shorter"));
        assert!(weakness("                ").is_some());
        assert!(
            weakness("abcdefgh ijklmnopq")
                .unwrap()
                .contains("whitespace")
        );
        assert!(weakness("abababababababab").unwrap().contains("distinct"));
        assert_eq!(weakness("Xk3-9fQ_a8Lm2PzR"), None);
        assert!(weak_key_bytes(&[0u8; 32]).is_some());
        assert_eq!(weak_key_bytes(&(0u8..32).collect::<Vec<_>>()), None);
    }

    #[test]
    fn ranges_report_the_bounds() {
        assert_eq!(TIMESTAMP_TOLERANCE.check(3_153_600_000), None);
        assert!(
            TIMESTAMP_TOLERANCE
                .check(i64::MAX as u64)
                .unwrap()
                .contains("1..=3153600000")
        );
        assert!(TIMESTAMP_TOLERANCE.check(0).is_some());
        assert_eq!(FUTURE_TOLERANCE.check(0), None);
    }

    fn file(doc: &str) -> Result<super::super::Config, super::super::ConfigError> {
        super::super::from_toml_str(
            doc,
            super::super::ConfigSource::File("relay.toml".into()),
            &[],
        )
    }

    fn keys(err: &super::super::ConfigError) -> Vec<String> {
        err.key_errors().iter().map(|k| k.key.clone()).collect()
    }

    /// relay.example.toml without its seeded routes and with its demo secrets replaced.
    fn own_secrets() -> String {
        super::super::EXAMPLE_CONFIG
            .replace("seed_routes = ", "# seed_routes = ")
            .replace(
                super::super::DEMO_DATA_KEY,
                "aXQtb25seS1kYXRhLWtleS0wMTIzNDU2Nzg5YWJjZGU=",
            )
            .replace("demo-admin-token-change-me", "own-admin-token-4Rt9xQ")
            .replace("demo-secret-token-change-me", "own-zoom-secret-8Jk2pW")
    }

    #[test]
    fn published_secrets_are_refused_in_a_config_file_and_named() {
        let doc = super::super::EXAMPLE_CONFIG.replace("seed_routes = ", "# seed_routes = ");
        let err = file(&doc).unwrap_err();
        let k = keys(&err);
        for key in [
            "security.data_key",
            "security.admin_token",
            "zoom.apps[0].secret_token",
        ] {
            assert!(k.contains(&key.to_string()), "{key}: {err}");
        }
        assert!(file(&own_secrets()).is_ok());
    }

    #[test]
    fn demo_mode_listens_on_loopback_only() {
        let env = |v: &str| vec![("RELAY_SERVER__LISTEN".to_string(), v.to_string())];
        let demo = |v: &str| {
            super::super::from_toml_str(
                super::super::EXAMPLE_CONFIG,
                super::super::ConfigSource::EmbeddedExample,
                &env(v),
            )
        };
        assert!(demo("127.0.0.1:8080").is_ok());
        assert!(demo("[::1]:8080").is_ok());
        for addr in ["0.0.0.0:8080", "[::]:8080", "192.168.1.10:8080"] {
            let err = demo(addr).unwrap_err();
            assert_eq!(keys(&err), ["server.listen"], "{addr}");
            assert!(err.to_string().contains("relay.example.toml"), "{err}");
        }
    }

    #[test]
    fn weak_values_and_ranges_name_the_key() {
        let cases = [
            ("own-zoom-secret-8Jk2pW", "a", "zoom.apps[0].secret_token"),
            (
                "own-admin-token-4Rt9xQ",
                "                ",
                "security.admin_token",
            ),
            (
                "# timestamp_tolerance_secs = 7200 ",
                "timestamp_tolerance_secs = 9223372036854775807 #",
                "zoom.apps[0].timestamp_tolerance_secs",
            ),
            (
                "# timestamp_future_tolerance_secs = 300 ",
                "timestamp_future_tolerance_secs = 100000 #",
                "zoom.apps[0].timestamp_future_tolerance_secs",
            ),
            (
                "\ntimeout_secs = 15",
                "\ntimeout_secs = 0",
                "webhooks.timeout_secs",
            ),
            (
                "cache_capacity_mb = 32",
                "cache_capacity_mb = 0",
                "store.cache_capacity_mb",
            ),
        ];
        for (from, to, key) in cases {
            let doc = own_secrets().replacen(from, to, 1);
            assert_ne!(doc, own_secrets(), "{from} not in the example");
            let err = file(&doc).unwrap_err();
            assert_eq!(keys(&err), [key], "{err}");
            assert!(err.to_string().contains("Fix:"), "{err}");
        }
        let capture = own_secrets().replacen(
            "# timestamp_tolerance_secs = 7200 ",
            "timestamp_tolerance_secs = 3153600000 #",
            1,
        );
        assert!(
            file(&capture).is_ok(),
            "100 years stays allowed for replays"
        );
    }

    #[test]
    fn plain_http_public_url_warns_unless_loopback() {
        let with = |url: &str| {
            file(&own_secrets().replace(
                "public_url = \"http://127.0.0.1:8080\"",
                &format!("public_url = \"{url}\""),
            ))
            .unwrap()
            .warnings()
        };
        assert!(
            with("http://127.0.0.1:8080")
                .iter()
                .all(|w| !w.contains("plain http"))
        );
        assert!(
            with("https://relay.example.org")
                .iter()
                .all(|w| !w.contains("plain http"))
        );
        assert!(
            with("http://relay.example.org")
                .iter()
                .any(|w| w.contains("plain http"))
        );
    }
}
