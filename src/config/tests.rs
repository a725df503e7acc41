use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn example_config_is_valid() {
    let c = from_toml_str(EXAMPLE_CONFIG, ConfigSource::EmbeddedExample, &[]).unwrap();
    assert_eq!(c.zoom.apps[0].id, "default");
    assert_eq!(c.zoom.apps[0].timestamp_tolerance_secs, 7200);
    assert_eq!(c.zoom.apps[0].timestamp_future_tolerance_secs, 300);
    assert!(matches!(c.seed_routes, Some(SeedRoutes::Embedded)));
}

#[test]
fn a_config_without_zoom_apps_loads_since_apps_can_be_added_at_run_time() {
    let mut doc = EXAMPLE_CONFIG.replacen("[[zoom.apps]]\nid = \"default\"\n", "", 1);
    let token = doc
        .lines()
        .find(|l| l.starts_with("secret_token = "))
        .expect("the example's app token line")
        .to_string();
    doc = doc.replacen(&format!("{token}\n"), "", 1);
    assert!(!doc.contains("[[zoom.apps]]\nid"), "the app entry is gone");
    let c = from_toml_str(&doc, ConfigSource::EmbeddedExample, &[]).unwrap();
    assert!(c.zoom.apps.is_empty());
    assert_eq!(c.zoom.apps_refresh_ms, 2000);
    assert_eq!(c.zoom.secret_overlap_secs, 86_400);
}

#[test]
fn env_overrides_nested_keys() {
    let c = from_toml_str(
        EXAMPLE_CONFIG,
        ConfigSource::EmbeddedExample,
        &env(&[
            ("RELAY_SERVER__MAX_BODY_BYTES", "4096"),
            ("RELAY_LOG__FORMAT", "json"),
            ("RELAY_CONFIG", "ignored.toml"),
        ]),
    )
    .unwrap();
    assert_eq!(c.server.max_body_bytes, 4096);
    assert_eq!(c.log.format, LogFormat::Json);
}

#[test]
fn secret_from_env_reference_and_missing_env_names_the_key() {
    let doc = EXAMPLE_CONFIG.replace(
        "secret_token = \"demo-secret-token-change-me\"",
        "secret_token = \"${ZOOM_SECRET}\"",
    );
    let c = from_toml_str(
        &doc,
        ConfigSource::EmbeddedExample,
        &env(&[("ZOOM_SECRET", "from-env-0123456789")]),
    )
    .unwrap();
    assert_eq!(
        c.zoom.apps[0].secret_token.expose_secret(),
        "from-env-0123456789"
    );
    let err = from_toml_str(&doc, ConfigSource::EmbeddedExample, &[]).unwrap_err();
    let ke = &err.key_errors()[0];
    assert_eq!(ke.key, "zoom.apps[0].secret_token");
    assert!(ke.fix.contains("ZOOM_SECRET"));
}

#[test]
fn bot_modes_validate_and_name_the_key() {
    let with =
        |extra: &str| format!("{EXAMPLE_CONFIG}\n[telegram]\nbot_token = \"1:x\"\n{extra}\n");
    let c = from_toml_str(&with(""), ConfigSource::EmbeddedExample, &[]).unwrap();
    assert!(matches!(c.bot.unwrap().mode, BotMode::Polling));
    let c = from_toml_str(
        &with("bot_commands = false"),
        ConfigSource::EmbeddedExample,
        &[],
    )
    .unwrap();
    assert!(c.bot.is_none() && c.telegram.is_some());
    let c = from_toml_str(
        &with("mode = \"webhook\"\nwebhook_secret = \"abc_DEF-123-ghi_JKL\""),
        ConfigSource::EmbeddedExample,
        &[],
    )
    .unwrap();
    assert!(matches!(c.bot.unwrap().mode, BotMode::Webhook { .. }));
    for (extra, key) in [
        ("mode = \"webhook\"", "telegram.webhook_secret"),
        (
            "mode = \"webhook\"\nwebhook_secret = \"no spaces\"",
            "telegram.webhook_secret",
        ),
        (
            "mode = \"webhook\"\nwebhook_secret = \"a\"",
            "telegram.webhook_secret",
        ),
        (
            "mode = \"webhook\"\nwebhook_secret = \"no+plus+signs+in+here\"",
            "telegram.webhook_secret",
        ),
        ("mode = \"push\"", "telegram.mode"),
        ("poll_timeout_secs = 90", "telegram.poll_timeout_secs"),
    ] {
        let err = from_toml_str(&with(extra), ConfigSource::EmbeddedExample, &[]).unwrap_err();
        assert!(
            err.key_errors().iter().any(|k| k.key == key),
            "{extra}: {err}"
        );
    }
}

#[test]
fn unknown_key_is_named_with_a_fix() {
    let doc = EXAMPLE_CONFIG.replace("max_body_bytes", "max_body_byte");
    let err = from_toml_str(&doc, ConfigSource::EmbeddedExample, &[]).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("max_body_byte"), "{msg}");
    assert!(msg.contains("Fix:"), "{msg}");
}

#[test]
fn bad_data_key_points_to_keygen() {
    let doc = EXAMPLE_CONFIG.replace(DEMO_DATA_KEY, "c2hvcnQ=");
    let err = from_toml_str(&doc, ConfigSource::EmbeddedExample, &[]).unwrap_err();
    let ke = err
        .key_errors()
        .iter()
        .find(|k| k.key == "security.data_key")
        .unwrap();
    assert!(ke.fix.contains("keygen"));
}

#[test]
fn secrets_never_show_in_debug() {
    let c = from_toml_str(EXAMPLE_CONFIG, ConfigSource::EmbeddedExample, &[]).unwrap();
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("demo-secret-token-change-me"), "{dbg}");
    assert!(!dbg.contains(DEMO_DATA_KEY), "{dbg}");
}

#[test]
fn slow_client_limits_validate_and_name_the_key() {
    let c = from_toml_str(EXAMPLE_CONFIG, ConfigSource::EmbeddedExample, &[]).unwrap();
    let l = &c.server.limits;
    assert_eq!(l.header_timeout, std::time::Duration::from_secs(10));
    assert_eq!((l.max_connections, l.max_connections_per_ip), (256, 32));
    assert_eq!(l.trusted_proxies.len(), 2);
    for (from, to, key) in [
        (
            "header_timeout_secs = 10",
            "header_timeout_secs = 0",
            "server.header_timeout_secs",
        ),
        (
            "body_timeout_secs = 15",
            "body_timeout_secs = 100000",
            "server.body_timeout_secs",
        ),
        (
            "max_connections = 256",
            "max_connections = 0",
            "server.max_connections",
        ),
        (
            "api_max_body_bytes = 1048576",
            "api_max_body_bytes = 10",
            "server.api_max_body_bytes",
        ),
        (
            "trusted_proxies = [\"127.0.0.0/8\", \"::1/128\"]",
            "trusted_proxies = [\"not-an-address\"]",
            "server.trusted_proxies[0]",
        ),
    ] {
        let doc = EXAMPLE_CONFIG.replace(from, to);
        assert_ne!(doc, EXAMPLE_CONFIG, "{from}");
        let err = from_toml_str(&doc, ConfigSource::EmbeddedExample, &[]).unwrap_err();
        assert!(err.to_string().contains(key), "{key}: {err}");
    }
    // A per-address cap above the pool acts as the pool size.
    let doc = EXAMPLE_CONFIG.replace("max_connections = 256", "max_connections = 8");
    let c = from_toml_str(&doc, ConfigSource::EmbeddedExample, &[]).unwrap();
    assert_eq!(c.server.limits.max_connections_per_ip, 8);
}

/// The example config with `[store]` replaced by `section`.
fn with_store(section: &str) -> String {
    let start = EXAMPLE_CONFIG
        .find("\n[store]")
        .expect("[store] in the example")
        + 1;
    let end = EXAMPLE_CONFIG[start + 1..]
        .find("\n[")
        .map_or(EXAMPLE_CONFIG.len(), |i| start + 2 + i);
    format!(
        "{}[store]\n{section}\n{}",
        &EXAMPLE_CONFIG[..start],
        &EXAMPLE_CONFIG[end..]
    )
}

fn store_errors(section: &str, env: &[(String, String)]) -> Vec<KeyError> {
    match from_toml_str(&with_store(section), ConfigSource::EmbeddedExample, env) {
        Err(ConfigError::Invalid(errs)) => errs,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn store_backend_defaults_to_sled() {
    let c = from_toml_str(EXAMPLE_CONFIG, ConfigSource::EmbeddedExample, &[]).unwrap();
    assert!(matches!(c.store_backend, StoreBackend::Sled));
}

#[test]
fn store_postgres_url_resolves_and_stays_secret() {
    let c = from_toml_str(
        &with_store("backend = \"postgres\"\nurl = \"${PG_URL}\""),
        ConfigSource::EmbeddedExample,
        &env(&[(
            "PG_URL",
            "postgres://relay:hunter2-pw@db.internal:6543/relay",
        )]),
    )
    .unwrap();
    match &c.store_backend {
        StoreBackend::Postgres { url, location } => {
            assert_eq!(
                url.expose_secret(),
                "postgres://relay:hunter2-pw@db.internal:6543/relay"
            );
            assert_eq!(location, "postgres://db.internal:6543/relay");
        }
        other => panic!("expected postgres, got {other:?}"),
    }
    let shown = format!("{c:?} {}", c.store_backend.describe());
    assert!(!shown.contains("hunter2-pw"), "{shown}");
}

#[test]
fn store_backend_mistakes_name_the_key_and_the_fix() {
    let errs = store_errors("backend = \"postgres\"", &[]);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].key, "store.url");
    assert!(errs[0].fix.contains("store.url"), "{errs:?}");

    let errs = store_errors("url = \"postgres://relay:pw-secret@db/relay\"", &[]);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].key, "store.url");
    assert!(errs[0].fix.contains("backend = \"postgres\""), "{errs:?}");
    assert!(!format!("{errs:?}").contains("pw-secret"), "{errs:?}");

    let errs = store_errors("backend = \"mysql\"", &[]);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].key, "store.backend");
    assert!(errs[0].problem.contains("mysql"), "{errs:?}");
    assert!(errs[0].fix.contains("\"sled\""), "{errs:?}");

    let errs = store_errors("backend = \"postgres\"\nurl = \"${NOPE_PG}\"", &[]);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].key, "store.url");
    assert!(errs[0].fix.contains("NOPE_PG"), "{errs:?}");
}

#[test]
fn pool_size_defaults_to_16_and_its_bounds_name_the_key() {
    let c = from_toml_str(EXAMPLE_CONFIG, ConfigSource::EmbeddedExample, &[]).unwrap();
    assert_eq!(c.store.pool_size, 16);
    let c = from_toml_str(
        &with_store("pool_size = 40"),
        ConfigSource::EmbeddedExample,
        &[],
    )
    .unwrap();
    assert_eq!(c.store.pool_size, 40);
    for bad in ["pool_size = 2", "pool_size = 1000"] {
        let errs = store_errors(bad, &[]);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].key, "store.pool_size");
    }
}

#[test]
fn claim_lease_must_outlast_a_webhook_send() {
    let c = from_toml_str(EXAMPLE_CONFIG, ConfigSource::EmbeddedExample, &[]).unwrap();
    assert_eq!(c.delivery.claim_lease_secs, 60);
    let lease = |secs: &str| EXAMPLE_CONFIG.replace("claim_lease_secs = 60", secs);
    // 15 s webhook timeout + 5 s margin: 20 is enough, 19 is not.
    assert!(
        from_toml_str(
            &lease("claim_lease_secs = 20"),
            ConfigSource::EmbeddedExample,
            &[]
        )
        .is_ok()
    );
    let err = from_toml_str(
        &lease("claim_lease_secs = 19"),
        ConfigSource::EmbeddedExample,
        &[],
    )
    .unwrap_err();
    let ke = err
        .key_errors()
        .iter()
        .find(|k| k.key == "delivery.claim_lease_secs")
        .unwrap_or_else(|| panic!("{err}"));
    assert!(ke.fix.contains("at least 20"), "{}", ke.fix);
    let err = from_toml_str(
        &lease("claim_lease_secs = 1"),
        ConfigSource::EmbeddedExample,
        &[],
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("delivery.claim_lease_secs"),
        "{err}"
    );
}
