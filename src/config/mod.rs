//! Configuration: embedded defaults, then the TOML file, then `RELAY_*` env, validated into typed config.
//!
//! Layering follows DESIGN section 5. The raw layer (`Raw*`) mirrors the file; `Config` is what the
//! rest of the program sees. Every validation error names the key and says how to fix it, and all
//! errors are reported at once so an operator fixes a file in one pass.
//!
//! One file per section holds its typed config, its raw layer and its checks; this file holds the
//! top-level document, the error types, and the checks that span sections (numeric ranges, demo
//! secrets). Section checks run in file order, so errors are listed in the order of the file.

use std::fmt;
use std::path::{Path, PathBuf};

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

mod defaults;
mod delivery;
mod email;
pub mod limits;
mod load;
mod log;
mod quotas;
mod secret;
mod security;
mod server;
mod store;
pub(crate) use store::redacted as redacted_pg_url;
mod telegram;
mod webhooks;
mod zoom;

pub use self::delivery::DeliveryConfig;
pub use self::email::EmailConfig;
pub use self::load::{from_toml_str, load, load_with_env};
pub use self::log::{LogConfig, LogFormat};
pub use self::quotas::QuotasConfig;
pub use self::security::{DataKey, SecurityConfig};
pub use self::server::{ConnLimits, ServerConfig};
pub use self::store::{StoreBackend, StoreConfig};
pub use self::telegram::{BotConfig, BotMode, TelegramApi, TelegramConfig};
pub use self::webhooks::WebhooksConfig;
pub use self::zoom::{AppDefaults, ZoomApp, ZoomConfig, is_valid_app_id};
/// Address blocks (`webhooks.allow_cidrs`, `server.trusted_proxies`) are parsed by `net`.
pub use crate::net::Cidr;

/// Non-secret defaults for every key, always the first layer.
const DEFAULTS: &str = include_str!("../defaults.toml");
/// The example config, used as the file in demo mode (no `--config` and no `./relay.toml`).
pub const EXAMPLE_CONFIG: &str = include_str!("../../relay.example.toml");
/// The example routes that the example config seeds.
pub const EXAMPLE_ROUTES: &str = include_str!("../../routes.example.toml");
/// The demo data key shipped in relay.example.toml; using it outside a demo is warned about loudly.
pub const DEMO_DATA_KEY: &str = "ZGVtby1vbmx5LWRhdGEta2V5LXJlcGxhY2UtbWUhISE=";

/// Where the config came from, so `serve` can warn about demo mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    File(PathBuf),
    /// No file found: the embedded relay.example.toml is in use.
    EmbeddedExample,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub source: ConfigSource,
    pub server: ServerConfig,
    pub security: SecurityConfig,
    pub zoom: ZoomConfig,
    pub telegram: Option<TelegramConfig>,
    /// The self-service bot; present when `[telegram]` is configured with `bot_commands = true`.
    pub bot: Option<BotConfig>,
    /// The Bot API address and update mode, for communities' own bots; set with or without a
    /// shared bot.
    pub telegram_api: TelegramApi,
    pub email: Option<EmailConfig>,
    pub webhooks: WebhooksConfig,
    pub delivery: DeliveryConfig,
    pub store: StoreConfig,
    /// `[store] backend` and `url`: which database holds the data. Beside [`StoreConfig`] (sled's
    /// knobs and retention) so the many places that build a bare `StoreConfig` need not know it.
    pub store_backend: StoreBackend,
    pub log: LogConfig,
    pub seed_routes: Option<SeedRoutes>,
    pub quotas: QuotasConfig,
    /// `[defaults] locale`: the language of alerts from routes that set none (a tag with a
    /// catalogue, "en" when unset).
    pub default_locale: String,
}

/// Routes imported once when the route table is empty at start.
#[derive(Debug, Clone)]
pub enum SeedRoutes {
    File(PathBuf),
    /// The embedded routes.example.toml (demo mode).
    Embedded,
}

// ---------------------------------------------------------------------------------------------
// Raw layer: what the file says. Each section's raw struct lives with the section.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    seed_routes: Option<String>,
    server: server::RawServer,
    #[serde(default)]
    security: security::RawSecurity,
    zoom: zoom::RawZoom,
    telegram: Option<telegram::RawTelegram>,
    email: Option<email::RawEmail>,
    webhooks: webhooks::RawWebhooks,
    delivery: delivery::RawDelivery,
    store: store::RawStore,
    log: log::RawLog,
    quotas: QuotasConfig,
    #[serde(default)]
    defaults: defaults::RawDefaults,
}

// ---------------------------------------------------------------------------------------------
// Errors.

/// One problem with one key, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    pub key: String,
    pub problem: String,
    pub fix: String,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}. Fix: {}", self.key, self.problem, self.fix)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Parse(String),
    #[error("invalid configuration:\n{}", .0.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<KeyError>),
}

impl ConfigError {
    /// The key errors, when the config parsed but failed validation.
    pub fn key_errors(&self) -> &[KeyError] {
        match self {
            ConfigError::Invalid(v) => v,
            _ => &[],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Validation.

/// The errors found so far, in the order they were found.
struct Errors(Vec<KeyError>);

impl Errors {
    fn push(&mut self, key: impl Into<String>, problem: impl Into<String>, fix: impl Into<String>) {
        self.0.push(KeyError {
            key: key.into(),
            problem: problem.into(),
            fix: fix.into(),
        });
    }

    /// Parses each address block listed under `key`; a bad one is an error naming its index,
    /// worded by `problem` from the entry and the parser's reason.
    fn cidrs(
        &mut self,
        key: &str,
        list: &[String],
        problem: fn(&str, String) -> String,
        fix: &str,
    ) -> Vec<Cidr> {
        let mut out = Vec::new();
        for (i, c) in list.iter().enumerate() {
            match c.parse::<Cidr>() {
                Ok(cidr) => out.push(cidr),
                Err(err) => self.push(format!("{key}[{i}]"), problem(c, err), fix),
            }
        }
        out
    }
}

/// One numeric key against its bounds: the key, its value, the range and the default to suggest.
type RangeCheck = (&'static str, u64, &'static limits::Range, &'static str);

pub fn is_http_url(s: &str) -> bool {
    reqwest::Url::parse(s)
        .map(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .unwrap_or(false)
}

fn validate(
    mut raw: Raw,
    source: ConfigSource,
    base_dir: &Path,
    env: &[(String, String)],
) -> Result<Config, ConfigError> {
    let mut e = Errors(Vec::new());
    let secrets = secret::Secrets { base_dir, env };

    let server = server::validate(&raw.server, base_dir, &mut e);
    let security = security::validate(raw.security, &secrets, &mut e);
    let zoom = zoom::validate(raw.zoom, &secrets, &mut e);
    let (telegram, bot, telegram_api) = telegram::validate(raw.telegram, &secrets, &mut e);
    let email = email::validate(raw.email, &secrets, &mut e);
    let store_backend = store::validate_backend(&mut raw.store, &secrets, &mut e);
    let webhooks = webhooks::validate(&raw.webhooks, &mut e);
    let delivery = delivery::validate(&raw.delivery, &mut e);
    let log = log::validate(raw.log, &mut e);
    let default_locale = defaults::validate(std::mem::take(&mut raw.defaults), &mut e);
    let seed_routes = seed_routes(&mut e, &source, raw.seed_routes, base_dir);

    let ranges = server::ranges(&raw.server)
        .into_iter()
        .chain(webhooks::ranges(&raw.webhooks))
        .chain(delivery::ranges(&raw.delivery))
        .chain(store::ranges(&raw.store));
    check_ranges(&mut e, ranges);
    delivery::check_schedule_limits(&raw.delivery, &mut e);
    delivery::check_lease(&raw.delivery, raw.webhooks.timeout_secs, &mut e);

    match &source {
        ConfigSource::EmbeddedExample => {
            // The demo secrets are public: a demo relay reachable from the network is open to anyone.
            let listen = server.listen;
            if !listen.ip().is_loopback() {
                e.push(
                    "server.listen",
                    format!(
                        "{listen} is not a loopback address, and demo mode (no config file) only listens on loopback because its secrets are public"
                    ),
                    "make a real config: copy relay.example.toml to relay.toml, run `zoom-relay keygen` \
                     and replace every DEMO secret, then start with --config relay.toml (or RELAY_CONFIG)",
                );
            }
        }
        ConfigSource::File(_) => {
            let mut used: Vec<(String, String)> = Vec::new();
            let mut add = |key: String, v: Option<&SecretString>| {
                if let Some(v) = v {
                    used.push((key, v.expose_secret().to_string()));
                }
            };
            add("security.admin_token".into(), security.admin_token.as_ref());
            for (i, a) in zoom.apps.iter().enumerate() {
                add(
                    format!("zoom.apps[{i}].secret_token"),
                    Some(&a.secret_token),
                );
                add(
                    format!("zoom.apps[{i}].client_secret"),
                    a.client_secret.as_ref(),
                );
            }
            if let Some(t) = &telegram {
                add("telegram.bot_token".into(), Some(&t.bot_token));
            }
            if let Some(BotConfig {
                mode: BotMode::Webhook { secret },
                ..
            }) = &bot
            {
                add("telegram.webhook_secret".into(), Some(secret));
            }
            if let Some(m) = &email {
                add("email.smtp_url".into(), Some(&m.smtp_url));
            }
            for (key, value) in used {
                if limits::is_published(&value) {
                    e.push(
                        key,
                        "is the public demo value from relay.example.toml",
                        "set your own secret (`zoom-relay keygen` prints fresh ones; a Zoom secret_token comes from your app's Features > Access page)",
                    );
                }
            }
            let demo_key = base64::engine::general_purpose::STANDARD
                .decode(DEMO_DATA_KEY)
                .unwrap_or_default();
            if security
                .data_key
                .as_ref()
                .is_some_and(|k| k.bytes().as_slice() == demo_key.as_slice())
            {
                e.push(
                    "security.data_key",
                    "is the public demo key from relay.example.toml",
                    "run `zoom-relay keygen` and paste its data_key line (tokens sealed with the demo key must then be re-installed)",
                );
            }
        }
    }

    if !e.0.is_empty() {
        return Err(ConfigError::Invalid(e.0));
    }
    let store_key = security.data_key.clone();
    Ok(Config {
        source,
        server,
        security: SecurityConfig {
            data_key: security.data_key.expect("checked above"),
            admin_token: security.admin_token,
        },
        zoom,
        bot: bot.filter(|_| telegram.is_some()),
        telegram_api,
        telegram,
        email,
        webhooks,
        delivery,
        store: store::build(&raw.store, store_key),
        store_backend,
        log,
        seed_routes,
        quotas: raw.quotas,
        default_locale,
    })
}

/// `seed_routes`: in demo mode the embedded example routes; from a file, a path relative to it.
fn seed_routes(
    e: &mut Errors,
    source: &ConfigSource,
    raw: Option<String>,
    base_dir: &Path,
) -> Option<SeedRoutes> {
    match (source, raw) {
        (_, None) => None,
        (ConfigSource::EmbeddedExample, Some(_)) => Some(SeedRoutes::Embedded),
        (ConfigSource::File(_), Some(p)) => {
            let p = PathBuf::from(p);
            let p = if p.is_relative() { base_dir.join(p) } else { p };
            if !p.exists() {
                e.push(
                    "seed_routes",
                    format!("{} does not exist", p.display()),
                    "point it at a routes TOML file, or remove the key",
                );
            }
            Some(SeedRoutes::File(p))
        }
    }
}

/// The numeric keys of `[server]`, `[webhooks]`, `[delivery]` and `[store]` against their bounds
/// ([`limits`]); each section lists its own keys.
fn check_ranges(e: &mut Errors, checks: impl IntoIterator<Item = RangeCheck>) {
    let fix_default = |d: &str| format!("use the default {d}, or a value inside the range");
    for (key, v, range, default) in checks {
        // max_body_bytes below the minimum has its own message (kept from before).
        if key == "server.max_body_bytes" && v < range.min {
            continue;
        }
        if let Some(problem) = range.check(v) {
            e.push(key, problem, fix_default(default));
        }
    }
}

impl Config {
    /// Warnings worth printing loudly at start: demo mode and demo secrets.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if self.source == ConfigSource::EmbeddedExample {
            w.push(
                "DEMO MODE: no --config and no ./relay.toml, so the embedded relay.example.toml is in use. \
                 Its secrets are public, so it listens on loopback only. For a real relay copy \
                 relay.example.toml to relay.toml and replace its secrets with the output of `zoom-relay keygen`."
                    .to_string(),
            );
        }
        if let Some(warning) = server::plain_http_public_url(&self.server.public_url) {
            w.push(warning);
        }
        if self.security.admin_token.is_none() {
            w.push(
                "security.admin_token is not set: the admin API and remote CLI are disabled"
                    .to_string(),
            );
        }
        w
    }
}

#[cfg(test)]
mod tests;
