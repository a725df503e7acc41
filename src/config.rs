//! Configuration: embedded defaults, then the TOML file, then `RELAY_*` env, validated into typed config.
//!
//! Layering follows DESIGN section 5. The raw layer (`Raw*`) mirrors the file; `Config` is what the
//! rest of the program sees. Every validation error names the key and says how to fix it, and all
//! errors are reported at once so an operator fixes a file in one pass.

use std::collections::HashSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine;
use figment::Figment;
use figment::providers::{Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::delivery::webhook::Cidr;

pub mod limits;

/// Non-secret defaults for every key, always the first layer.
const DEFAULTS: &str = include_str!("defaults.toml");
/// The example config, used as the file in demo mode (no `--config` and no `./relay.toml`).
pub const EXAMPLE_CONFIG: &str = include_str!("../relay.example.toml");
/// The example routes that the example config seeds.
pub const EXAMPLE_ROUTES: &str = include_str!("../routes.example.toml");
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
    pub email: Option<EmailConfig>,
    pub webhooks: WebhooksConfig,
    pub delivery: DeliveryConfig,
    pub store: StoreConfig,
    pub log: LogConfig,
    pub seed_routes: Option<SeedRoutes>,
    pub quotas: QuotasConfig,
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub public_url: String,
    pub data_dir: PathBuf,
    pub max_body_bytes: usize,
    /// Slow-client limits (see [`ConnLimits`]).
    pub limits: ConnLimits,
}

/// How much of the relay one client may hold: timeouts, body sizes and connection caps, enforced by
/// the accept loop in `http::server`. Anyone on the internet can open connections, so each of these
/// bounds what an unauthenticated peer can pin (sockets, file descriptors, buffered bodies).
#[derive(Debug, Clone)]
pub struct ConnLimits {
    /// Time to send a full request head, and how long an idle keep-alive connection stays open.
    pub header_timeout: std::time::Duration,
    /// Time to send the whole body once the head arrived; a body that stalls gets 408.
    pub body_timeout: std::time::Duration,
    /// Body size limit for every route except the Zoom webhook (which uses `max_body_bytes`).
    pub api_max_body_bytes: usize,
    /// Connections in the general pool.
    pub max_connections: usize,
    /// Connections from one address (IPv4) or one /64 (IPv6); trusted proxies are exempt.
    pub max_connections_per_ip: usize,
    /// Extra connections beyond `max_connections` that only Zoom webhooks and health checks may use.
    pub webhook_reserved_connections: usize,
    /// Peers whose `X-Forwarded-For` is believed, to find the real client address.
    pub trusted_proxies: Vec<Cidr>,
}

#[derive(Clone)]
pub struct SecurityConfig {
    pub data_key: DataKey,
    pub admin_token: Option<SecretString>,
}

impl fmt::Debug for SecurityConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecurityConfig")
            .field("data_key", &"[REDACTED]")
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// 32 bytes that encrypt tokens at rest. Never printed.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl DataKey {
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey([REDACTED])")
    }
}

#[derive(Debug, Clone)]
pub struct ZoomConfig {
    pub apps: Vec<ZoomApp>,
}

impl ZoomConfig {
    pub fn app(&self, id: &str) -> Option<&ZoomApp> {
        self.apps.iter().find(|a| a.id == id)
    }
}

#[derive(Debug, Clone)]
pub struct ZoomApp {
    pub id: String,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub secret_token: SecretString,
    pub oauth_url: String,
    pub api_url: String,
    /// How far in the past `x-zm-request-timestamp` may be. Zoom's last retry comes at +85 min.
    pub timestamp_tolerance_secs: u64,
    /// How far in the future it may be (clock skew).
    pub timestamp_future_tolerance_secs: u64,
    pub allow_marketplace_installs: bool,
    /// A user-managed Zoom app: each user of an account installs it separately, so a tenant keeps
    /// every installer's grant and one user's uninstall removes only that user's tokens.
    pub user_managed: bool,
}

impl ZoomApp {
    /// Webhook-only apps have no OAuth credentials: routes name the account directly.
    pub fn has_oauth(&self) -> bool {
        self.client_id.is_some() && self.client_secret.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct TelegramConfig {
    pub bot_token: SecretString,
    pub api_url: String,
    pub bot_commands: bool,
}

/// How the bot receives Telegram updates.
#[derive(Debug, Clone)]
pub struct BotConfig {
    pub mode: BotMode,
    /// getUpdates long-poll timeout (Telegram allows up to 50 s).
    pub poll_timeout_secs: u64,
}

#[derive(Debug, Clone)]
pub enum BotMode {
    /// getUpdates long polling: works behind NAT, no public HTTPS needed.
    Polling,
    /// Telegram POSTs updates to `{public_url}/telegram/webhook` with this secret in
    /// `X-Telegram-Bot-Api-Secret-Token`.
    Webhook { secret: SecretString },
}

#[derive(Debug, Clone)]
pub struct EmailConfig {
    pub smtp_url: SecretString,
    pub from: String,
}

#[derive(Debug, Clone)]
pub struct WebhooksConfig {
    pub timeout_secs: u64,
    pub allow_private_networks: bool,
    /// Blocks reachable even though private (an internal receiver), without opening every private
    /// network as `allow_private_networks` does.
    pub allow_cidrs: Vec<Cidr>,
}

#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    pub retry_schedule_secs: Vec<f64>,
    pub jitter: f64,
    pub stale_after_secs: u64,
}

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

#[derive(Debug, Clone)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Pretty on a terminal, JSON otherwise.
    Auto,
    Pretty,
    Json,
}

/// Routes imported once when the route table is empty at start.
#[derive(Debug, Clone)]
pub enum SeedRoutes {
    File(PathBuf),
    /// The embedded routes.example.toml (demo mode).
    Embedded,
}

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

// ---------------------------------------------------------------------------------------------
// Raw layer: what the file says.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    seed_routes: Option<String>,
    server: RawServer,
    #[serde(default)]
    security: RawSecurity,
    zoom: RawZoom,
    telegram: Option<RawTelegram>,
    email: Option<RawEmail>,
    webhooks: RawWebhooks,
    delivery: RawDelivery,
    store: RawStore,
    log: RawLog,
    quotas: QuotasConfig,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    listen: String,
    public_url: String,
    data_dir: PathBuf,
    max_body_bytes: usize,
    header_timeout_secs: u64,
    body_timeout_secs: u64,
    api_max_body_bytes: usize,
    max_connections: usize,
    max_connections_per_ip: usize,
    webhook_reserved_connections: usize,
    trusted_proxies: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSecurity {
    data_key: Option<String>,
    data_key_file: Option<PathBuf>,
    admin_token: Option<String>,
    admin_token_file: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZoom {
    #[serde(default)]
    apps: Vec<RawApp>,
    /// Defaults applied to every app that does not set the key.
    app_defaults: RawAppDefaults,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAppDefaults {
    oauth_url: String,
    api_url: String,
    timestamp_tolerance_secs: u64,
    timestamp_future_tolerance_secs: u64,
    allow_marketplace_installs: bool,
    user_managed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApp {
    id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    client_secret_file: Option<PathBuf>,
    secret_token: Option<String>,
    secret_token_file: Option<PathBuf>,
    oauth_url: Option<String>,
    api_url: Option<String>,
    timestamp_tolerance_secs: Option<u64>,
    timestamp_future_tolerance_secs: Option<u64>,
    allow_marketplace_installs: Option<bool>,
    user_managed: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTelegram {
    bot_token: Option<String>,
    bot_token_file: Option<PathBuf>,
    #[serde(default = "default_telegram_api")]
    api_url: String,
    #[serde(default = "default_true")]
    bot_commands: bool,
    #[serde(default = "default_bot_mode")]
    mode: String,
    webhook_secret: Option<String>,
    webhook_secret_file: Option<PathBuf>,
    #[serde(default = "default_poll_timeout")]
    poll_timeout_secs: u64,
}

fn default_bot_mode() -> String {
    "polling".into()
}
fn default_poll_timeout() -> u64 {
    25
}

fn default_telegram_api() -> String {
    "https://api.telegram.org".into()
}
fn default_true() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmail {
    smtp_url: Option<String>,
    smtp_url_file: Option<PathBuf>,
    from: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhooks {
    timeout_secs: u64,
    allow_private_networks: bool,
    #[serde(default)]
    allow_cidrs: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDelivery {
    retry_schedule_secs: Vec<f64>,
    jitter: f64,
    stale_after_secs: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    dedup_retention_secs: u64,
    event_retention_secs: u64,
    meeting_retention_secs: u64,
    cache_capacity_mb: u64,
    janitor_interval_secs: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    format: String,
    level: String,
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
// Loading.

/// Where to find the config: an explicit path must exist; without one, `./relay.toml` is used if it
/// exists, else the embedded example (demo mode).
pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
    let env = std::env::vars().collect::<Vec<_>>();
    load_with_env(path, &env)
}

/// Like [`load`], with the environment passed in so tests need not mutate the process env.
pub fn load_with_env(path: Option<&Path>, env: &[(String, String)]) -> Result<Config, ConfigError> {
    let (text, source) = match path {
        Some(p) => (read(p)?, ConfigSource::File(p.to_path_buf())),
        None => {
            let default = Path::new("relay.toml");
            if default.exists() {
                (read(default)?, ConfigSource::File(default.to_path_buf()))
            } else {
                (EXAMPLE_CONFIG.to_string(), ConfigSource::EmbeddedExample)
            }
        }
    };
    from_toml_str(&text, source, env)
}

fn read(p: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
        path: p.to_path_buf(),
        source,
    })
}

/// Parses and validates a config document. `env` supplies `RELAY_*` overrides and `${NAME}` values.
pub fn from_toml_str(
    text: &str,
    source: ConfigSource,
    env: &[(String, String)],
) -> Result<Config, ConfigError> {
    let file_name = match &source {
        ConfigSource::File(p) => p.display().to_string(),
        ConfigSource::EmbeddedExample => "relay.example.toml (embedded)".to_string(),
    };
    // `RELAY_CONFIG` is the CLI's --config, not a key.
    let overrides: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| k.starts_with("RELAY_") && k != "RELAY_CONFIG" && k != "RELAY_LOG")
        .cloned()
        .collect();
    let figment = Figment::new()
        .merge(Toml::string(DEFAULTS))
        .merge(Toml::string(text))
        .merge(EnvSnapshot(overrides));
    let raw: Raw = figment
        .extract()
        .map_err(|e| ConfigError::Parse(describe_figment_error(e, &file_name)))?;
    let base_dir = match &source {
        ConfigSource::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
        ConfigSource::EmbeddedExample => PathBuf::new(),
    };
    validate(raw, source, &base_dir, env)
}

/// Figment's env provider reads the process env; tests pass their own, so this provider serves a
/// snapshot through the same key mapping (`RELAY_A__B` -> `a.b`).
struct EnvSnapshot(Vec<(String, String)>);

impl figment::Provider for EnvSnapshot {
    fn metadata(&self) -> figment::Metadata {
        figment::Metadata::named("environment variable(s) RELAY_*")
    }

    fn data(
        &self,
    ) -> Result<figment::value::Map<figment::Profile, figment::value::Dict>, figment::Error> {
        let mut dict = figment::value::Dict::new();
        for (k, v) in &self.0 {
            let path = k["RELAY_".len()..].to_ascii_lowercase().replace("__", ".");
            let value: figment::value::Value = v.parse().unwrap_or_else(|_| v.clone().into());
            let nested = path.rsplit('.').fold(value, |acc, part| {
                let mut d = figment::value::Dict::new();
                d.insert(part.to_string(), acc);
                d.into()
            });
            if let figment::value::Value::Dict(_, d) = nested {
                merge_dict(&mut dict, d);
            }
        }
        Ok(figment::Profile::Default.collect(dict))
    }
}

fn merge_dict(into: &mut figment::value::Dict, from: figment::value::Dict) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(figment::value::Value::Dict(_, a)), figment::value::Value::Dict(_, b)) => {
                merge_dict(a, b)
            }
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

fn describe_figment_error(e: figment::Error, file: &str) -> String {
    let mut out = Vec::new();
    for err in e {
        let key = if err.path.is_empty() {
            "(top level)".to_string()
        } else {
            err.path.join(".")
        };
        let origin = err
            .metadata
            .as_ref()
            .map(|m| m.name.to_string())
            .unwrap_or_else(|| file.to_string());
        let fix = match &err.kind {
            figment::error::Kind::UnknownField(_, expected) => format!(
                "remove or rename it; this section accepts: {}",
                expected.join(", ")
            ),
            figment::error::Kind::MissingField(_) => {
                "add it; relay.example.toml documents every key".to_string()
            }
            _ => "see relay.example.toml for the expected type and an example".to_string(),
        };
        out.push(format!("  - `{key}` ({origin}): {}. Fix: {fix}", err.kind));
    }
    format!("invalid configuration:\n{}", out.join("\n"))
}

// ---------------------------------------------------------------------------------------------
// Validation.

struct Errors(Vec<KeyError>);

impl Errors {
    fn push(&mut self, key: impl Into<String>, problem: impl Into<String>, fix: impl Into<String>) {
        self.0.push(KeyError {
            key: key.into(),
            problem: problem.into(),
            fix: fix.into(),
        });
    }
}

/// Resolves a secret from `key`, `key_file` or `"${ENV}"`. `Ok(None)` means absent.
fn secret(
    errs: &mut Errors,
    key: &str,
    value: Option<String>,
    file: Option<PathBuf>,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<SecretString> {
    match (value, file) {
        (Some(_), Some(_)) => {
            errs.push(
                key,
                format!("both `{key}` and `{key}_file` are set"),
                "keep only one of them",
            );
            None
        }
        (None, Some(path)) => {
            let path = if path.is_relative() {
                base_dir.join(path)
            } else {
                path
            };
            match std::fs::read_to_string(&path) {
                Ok(s) if !s.trim().is_empty() => Some(SecretString::from(s.trim().to_string())),
                Ok(_) => {
                    errs.push(
                        format!("{key}_file"),
                        format!("{} is empty", path.display()),
                        "write the secret into that file",
                    );
                    None
                }
                Err(e) => {
                    errs.push(
                        format!("{key}_file"),
                        format!("cannot read {}: {e}", path.display()),
                        "point it at a readable file holding only the secret",
                    );
                    None
                }
            }
        }
        (Some(v), None) => {
            if let Some(name) = v.strip_prefix("${").and_then(|s| s.strip_suffix('}')) {
                match env.iter().find(|(k, _)| k == name) {
                    Some((_, val)) if !val.is_empty() => Some(SecretString::from(val.clone())),
                    _ => {
                        errs.push(
                            key,
                            format!("refers to the environment variable {name}, which is not set"),
                            format!("export {name}, or set the value directly"),
                        );
                        None
                    }
                }
            } else if v.is_empty() {
                None
            } else {
                Some(SecretString::from(v))
            }
        }
        (None, None) => None,
    }
}

fn is_http_url(s: &str) -> bool {
    reqwest::Url::parse(s)
        .map(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .unwrap_or(false)
}

/// App ids appear in URLs (`/zoom/webhook/{app_id}`), so they are kept URL-safe.
pub fn is_valid_app_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn validate(
    raw: Raw,
    source: ConfigSource,
    base_dir: &Path,
    env: &[(String, String)],
) -> Result<Config, ConfigError> {
    let mut e = Errors(Vec::new());

    // [server]
    let listen = raw.server.listen.parse::<SocketAddr>().unwrap_or_else(|_| {
        e.push(
            "server.listen",
            format!("`{}` is not an address:port", raw.server.listen),
            "use a form like \"127.0.0.1:8080\" or \"0.0.0.0:8080\"",
        );
        SocketAddr::from(([127, 0, 0, 1], 8080))
    });
    let public_url = raw.server.public_url.trim_end_matches('/').to_string();
    if !is_http_url(&public_url) {
        e.push(
            "server.public_url",
            format!("`{}` is not an http(s) URL", raw.server.public_url),
            "set the URL Zoom reaches the relay at, e.g. \"https://relay.example.org\"",
        );
    }
    if raw.server.max_body_bytes < 1024 {
        e.push(
            "server.max_body_bytes",
            "is below 1024 bytes; real Zoom events would be refused",
            "use the default 262144 or another value of at least 1024",
        );
    }
    let limits = server_limits(&raw.server, &mut e);
    let data_dir = if raw.server.data_dir.is_relative() && !base_dir.as_os_str().is_empty() {
        base_dir.join(&raw.server.data_dir)
    } else {
        raw.server.data_dir.clone()
    };

    // [security]
    let data_key = match secret(
        &mut e,
        "security.data_key",
        raw.security.data_key,
        raw.security.data_key_file,
        base_dir,
        env,
    ) {
        Some(s) => match base64::engine::general_purpose::STANDARD.decode(s.expose_secret().trim())
        {
            Ok(b) if b.len() == 32 && limits::weak_key_bytes(&b).is_some() => {
                e.push(
                    "security.data_key",
                    limits::weak_key_bytes(&b).unwrap_or_default(),
                    "run `zoom-relay keygen` and paste its data_key line",
                );
                None
            }
            Ok(b) if b.len() == 32 => {
                let mut k = [0u8; 32];
                k.copy_from_slice(&b);
                Some(DataKey(k))
            }
            _ => {
                e.push(
                    "security.data_key",
                    "must be 32 bytes encoded as base64",
                    "run `zoom-relay keygen` and paste its data_key line",
                );
                None
            }
        },
        None => {
            e.push(
                "security.data_key",
                "is missing; it encrypts OAuth tokens at rest",
                "run `zoom-relay keygen` and set data_key (or data_key_file, or RELAY_SECURITY__DATA_KEY)",
            );
            None
        }
    };
    let admin_token = secret(
        &mut e,
        "security.admin_token",
        raw.security.admin_token,
        raw.security.admin_token_file,
        base_dir,
        env,
    );
    if let Some(t) = &admin_token
        && let Some(problem) = limits::weakness(t.expose_secret())
    {
        e.push(
            "security.admin_token",
            problem,
            "run `zoom-relay keygen` and use its admin_token line",
        );
    }

    // [zoom]
    let d = &raw.zoom.app_defaults;
    let mut apps = Vec::new();
    let mut seen = HashSet::new();
    if raw.zoom.apps.is_empty() {
        e.push(
            "zoom.apps",
            "no [[zoom.apps]] entry; the relay would accept no webhooks",
            "add one [[zoom.apps]] with id and secret_token (see relay.example.toml)",
        );
    }
    for (i, app) in raw.zoom.apps.into_iter().enumerate() {
        let k = |f: &str| format!("zoom.apps[{i}].{f}");
        let id = app.id.unwrap_or_else(|| "default".to_string());
        if !is_valid_app_id(&id) {
            e.push(
                k("id"),
                format!("`{id}` is not a valid app id"),
                "use 1-64 letters, digits, '-' or '_' (it becomes part of the webhook URL)",
            );
        }
        if !seen.insert(id.clone()) {
            e.push(
                k("id"),
                format!("app id `{id}` is used twice"),
                "give every [[zoom.apps]] entry its own id",
            );
        }
        let secret_token = secret(
            &mut e,
            &k("secret_token"),
            app.secret_token,
            app.secret_token_file,
            base_dir,
            env,
        );
        if let Some(st) = &secret_token
            && let Some(problem) = limits::weakness(st.expose_secret())
        {
            e.push(
                k("secret_token"),
                problem,
                "copy the Secret Token from your Zoom app's Features > Access page",
            );
        }
        if secret_token.is_none() && !e.0.iter().any(|x| x.key.starts_with(&k("secret_token"))) {
            e.push(
                k("secret_token"),
                "is missing; without it no webhook can be verified",
                "copy the Secret Token from your Zoom app's Features > Access page",
            );
        }
        let client_secret = secret(
            &mut e,
            &k("client_secret"),
            app.client_secret,
            app.client_secret_file,
            base_dir,
            env,
        );
        if app.client_id.is_some() != client_secret.is_some() {
            e.push(
                k("client_id"),
                "client_id and client_secret must be set together",
                "set both for an OAuth app, or neither for a webhook-only app",
            );
        }
        let oauth_url = app
            .oauth_url
            .unwrap_or_else(|| d.oauth_url.clone())
            .trim_end_matches('/')
            .to_string();
        let api_url = app
            .api_url
            .unwrap_or_else(|| d.api_url.clone())
            .trim_end_matches('/')
            .to_string();
        for (key, url) in [("oauth_url", &oauth_url), ("api_url", &api_url)] {
            if !is_http_url(url) {
                e.push(
                    k(key),
                    format!("`{url}` is not an http(s) URL"),
                    "leave it unset for Zoom's production URL",
                );
            }
        }
        // A value set on the app is named there; otherwise the default it inherited is.
        let (tol, tol_key) = match app.timestamp_tolerance_secs {
            Some(v) => (v, k("timestamp_tolerance_secs")),
            None => (
                d.timestamp_tolerance_secs,
                "zoom.app_defaults.timestamp_tolerance_secs".to_string(),
            ),
        };
        let (fut, fut_key) = match app.timestamp_future_tolerance_secs {
            Some(v) => (v, k("timestamp_future_tolerance_secs")),
            None => (
                d.timestamp_future_tolerance_secs,
                "zoom.app_defaults.timestamp_future_tolerance_secs".to_string(),
            ),
        };
        if let Some(problem) = limits::TIMESTAMP_TOLERANCE.check(tol) {
            e.push(
                tol_key,
                problem,
                "use 7200 (Zoom's last retry comes at +85 min); larger values only for replaying captures",
            );
        }
        if let Some(problem) = limits::FUTURE_TOLERANCE.check(fut) {
            e.push(fut_key, problem, "use 300; it only has to cover clock skew");
        }
        if let Some(st) = secret_token {
            apps.push(ZoomApp {
                id,
                client_id: app.client_id,
                client_secret,
                secret_token: st,
                oauth_url,
                api_url,
                timestamp_tolerance_secs: app
                    .timestamp_tolerance_secs
                    .unwrap_or(d.timestamp_tolerance_secs),
                timestamp_future_tolerance_secs: app
                    .timestamp_future_tolerance_secs
                    .unwrap_or(d.timestamp_future_tolerance_secs),
                allow_marketplace_installs: app
                    .allow_marketplace_installs
                    .unwrap_or(d.allow_marketplace_installs),
                user_managed: app.user_managed.unwrap_or(d.user_managed),
            });
        }
    }

    // [telegram]
    let mut bot = None;
    let telegram = raw.telegram.and_then(|t| {
        bot = validate_bot(&mut e, &t, base_dir, env);
        let token = secret(
            &mut e,
            "telegram.bot_token",
            t.bot_token,
            t.bot_token_file,
            base_dir,
            env,
        );
        if !is_http_url(&t.api_url) {
            e.push(
                "telegram.api_url",
                format!("`{}` is not an http(s) URL", t.api_url),
                "leave it unset for https://api.telegram.org",
            );
        }
        match token {
            Some(bot_token) => Some(TelegramConfig {
                bot_token,
                api_url: t.api_url.trim_end_matches('/').to_string(),
                bot_commands: t.bot_commands,
            }),
            None => {
                if !e.0.iter().any(|x| x.key.starts_with("telegram.bot_token")) {
                    e.push(
                        "telegram.bot_token",
                        "is missing while [telegram] is present",
                        "set the token from @BotFather, or remove the [telegram] section",
                    );
                }
                None
            }
        }
    });

    // [email]
    let email = raw.email.and_then(|m| {
        let url = secret(
            &mut e,
            "email.smtp_url",
            m.smtp_url,
            m.smtp_url_file,
            base_dir,
            env,
        );
        if let Some(u) = &url {
            let ok = reqwest::Url::parse(u.expose_secret())
                .map(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host().is_some())
                .unwrap_or(false);
            if !ok {
                e.push(
                    "email.smtp_url",
                    "is not an smtp:// or smtps:// URL",
                    "use e.g. \"smtp://user:pass@mail.example.org:587?tls=required\"",
                );
            }
        }
        let from = m.from.filter(|f| f.contains('@'));
        if from.is_none() {
            e.push(
                "email.from",
                "is missing or has no address",
                "set e.g. \"Meeting alerts <alerts@example.org>\"",
            );
        }
        match (url, from) {
            (Some(smtp_url), Some(from)) => Some(EmailConfig { smtp_url, from }),
            (None, _) => {
                e.push(
                    "email.smtp_url",
                    "is missing while [email] is present",
                    "set smtp_url, or remove the [email] section",
                );
                None
            }
            _ => None,
        }
    });

    // [webhooks]
    let mut allow_cidrs = Vec::new();
    for (i, c) in raw.webhooks.allow_cidrs.iter().enumerate() {
        match c.parse::<Cidr>() {
            Ok(cidr) => allow_cidrs.push(cidr),
            Err(problem) => e.push(
                format!("webhooks.allow_cidrs[{i}]"),
                problem,
                "use a block such as \"10.20.0.0/16\" or \"fd00::/8\", or a single address",
            ),
        }
    }

    // [delivery]
    if raw.delivery.retry_schedule_secs.is_empty()
        || raw
            .delivery
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
    if !(0.0..=1.0).contains(&raw.delivery.jitter) {
        e.push(
            "delivery.jitter",
            format!("{} is outside 0..=1", raw.delivery.jitter),
            "use a fraction such as 0.2 (±20%)",
        );
    }

    // [log]
    let format = match raw.log.format.as_str() {
        "auto" => LogFormat::Auto,
        "pretty" | "text" => LogFormat::Pretty,
        "json" => LogFormat::Json,
        other => {
            e.push(
                "log.format",
                format!("`{other}` is not a log format"),
                "use \"auto\", \"pretty\" or \"json\"",
            );
            LogFormat::Auto
        }
    };
    if tracing_subscriber::EnvFilter::try_new(&raw.log.level).is_err() {
        e.push(
            "log.level",
            format!("`{}` is not a log filter", raw.log.level),
            "use e.g. \"info\" or \"zoom_relay=debug,info\"",
        );
    }

    let seed_routes = match (&source, raw.seed_routes) {
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
    };

    check_ranges(
        &mut e,
        &raw.server,
        &raw.webhooks,
        &raw.delivery,
        &raw.store,
    );
    match &source {
        ConfigSource::EmbeddedExample => {
            // The demo secrets are public: a demo relay reachable from the network is open to anyone.
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
            add("security.admin_token".into(), admin_token.as_ref());
            for (i, a) in apps.iter().enumerate() {
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
            if data_key
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
    let store_key = data_key.clone();
    Ok(Config {
        source,
        server: ServerConfig {
            listen,
            public_url,
            data_dir,
            max_body_bytes: raw.server.max_body_bytes,
            limits,
        },
        security: SecurityConfig {
            data_key: data_key.expect("checked above"),
            admin_token,
        },
        zoom: ZoomConfig { apps },
        bot: bot.filter(|_| telegram.is_some()),
        telegram,
        email,
        webhooks: WebhooksConfig {
            timeout_secs: raw.webhooks.timeout_secs,
            allow_private_networks: raw.webhooks.allow_private_networks,
            allow_cidrs,
        },
        delivery: DeliveryConfig {
            retry_schedule_secs: raw.delivery.retry_schedule_secs,
            jitter: raw.delivery.jitter,
            stale_after_secs: raw.delivery.stale_after_secs,
        },
        store: StoreConfig {
            dedup_retention_secs: raw.store.dedup_retention_secs,
            event_retention_secs: raw.store.event_retention_secs,
            meeting_retention_secs: raw.store.meeting_retention_secs,
            cache_capacity_mb: raw.store.cache_capacity_mb,
            janitor_interval_secs: raw.store.janitor_interval_secs.max(1),
            data_key: store_key,
        },
        log: LogConfig {
            format,
            level: raw.log.level,
        },
        seed_routes,
        quotas: raw.quotas,
    })
}

/// The numeric keys of `[server]`, `[webhooks]`, `[delivery]` and `[store]` against their bounds
/// ([`limits`]).
fn check_ranges(
    e: &mut Errors,
    server: &RawServer,
    webhooks: &RawWebhooks,
    delivery: &RawDelivery,
    store: &RawStore,
) {
    let fix_default = |d: &str| format!("use the default {d}, or a value inside the range");
    let checks: [(&str, u64, &limits::Range, &str); 8] = [
        (
            "server.max_body_bytes",
            server.max_body_bytes as u64,
            &limits::MAX_BODY_BYTES,
            "262144",
        ),
        (
            "webhooks.timeout_secs",
            webhooks.timeout_secs,
            &limits::WEBHOOK_TIMEOUT,
            "15",
        ),
        (
            "delivery.stale_after_secs",
            delivery.stale_after_secs,
            &limits::STALE_AFTER,
            "14400",
        ),
        (
            "store.dedup_retention_secs",
            store.dedup_retention_secs,
            &limits::RETENTION,
            "604800",
        ),
        (
            "store.event_retention_secs",
            store.event_retention_secs,
            &limits::RETENTION,
            "2592000",
        ),
        (
            "store.meeting_retention_secs",
            store.meeting_retention_secs,
            &limits::RETENTION,
            "7776000",
        ),
        (
            "store.cache_capacity_mb",
            store.cache_capacity_mb,
            &limits::CACHE_MB,
            "32",
        ),
        (
            "store.janitor_interval_secs",
            store.janitor_interval_secs,
            &limits::JANITOR_INTERVAL,
            "600",
        ),
    ];
    for (key, v, range, default) in checks {
        // max_body_bytes below the minimum has its own message (kept from before).
        if key == "server.max_body_bytes" && v < range.min {
            continue;
        }
        if let Some(problem) = range.check(v) {
            e.push(key, problem, fix_default(default));
        }
    }
    let steps = delivery.retry_schedule_secs.len() as u64;
    if steps > 0 {
        if let Some(problem) = limits::RETRY_STEPS.check(steps) {
            e.push(
                "delivery.retry_schedule_secs",
                format!("has {steps} steps: {problem}"),
                "use e.g. [5, 30, 120, 600, 1800, 3600, 7200]",
            );
        }
        if delivery
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

/// The bot keys of `[telegram]`: `mode`, `webhook_secret`, `poll_timeout_secs`. None when
/// `bot_commands = false` or a key is wrong (the error is recorded).
fn validate_bot(
    e: &mut Errors,
    t: &RawTelegram,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<BotConfig> {
    let secret = secret(
        e,
        "telegram.webhook_secret",
        t.webhook_secret.clone(),
        t.webhook_secret_file.clone(),
        base_dir,
        env,
    );
    if !(1..=50).contains(&t.poll_timeout_secs) {
        e.push(
            "telegram.poll_timeout_secs",
            format!("{} is outside 1-50 seconds", t.poll_timeout_secs),
            "leave it unset for 25; Telegram allows at most 50",
        );
    }
    let mode = match t.mode.as_str() {
        "polling" => BotMode::Polling,
        "webhook" => match secret {
            // Telegram's rule for secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -. We also
            // ask for the strength of every other secret (16 characters at least).
            Some(s)
                if s.expose_secret().len() <= limits::MAX_TELEGRAM_SECRET_LEN
                    && limits::is_telegram_charset(s.expose_secret())
                    && limits::weakness(s.expose_secret()).is_none() =>
            {
                BotMode::Webhook { secret: s }
            }
            Some(s) => {
                let problem = limits::weakness(s.expose_secret()).unwrap_or_else(|| {
                    "must be 16-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)".into()
                });
                let problem = if limits::is_telegram_charset(s.expose_secret()) {
                    problem
                } else {
                    "must be 16-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)".into()
                };
                e.push(
                    "telegram.webhook_secret",
                    problem,
                    "use the admin_token line of `zoom-relay keygen` as a fresh secret (16-256 of A-Z a-z 0-9 _ -)",
                );
                return None;
            }
            None => {
                if !e
                    .0
                    .iter()
                    .any(|x| x.key.starts_with("telegram.webhook_secret"))
                {
                    e.push(
                        "telegram.webhook_secret",
                        "is missing while telegram.mode = \"webhook\"",
                        "set webhook_secret (or webhook_secret_file), or use mode = \"polling\"",
                    );
                }
                return None;
            }
        },
        other => {
            e.push(
                "telegram.mode",
                format!("`{other}` is not a bot mode"),
                "use \"polling\" (the default) or \"webhook\"",
            );
            return None;
        }
    };
    t.bot_commands.then_some(BotConfig {
        mode,
        poll_timeout_secs: t.poll_timeout_secs,
    })
}

/// A warning for an `http://` public_url that is not loopback: OAuth redirects, session cookies
/// and unsubscribe links would cross the network in clear text (and Zoom only calls https URLs).
fn plain_http_public_url(url: &str) -> Option<String> {
    let u = reqwest::Url::parse(url).ok()?;
    if u.scheme() != "http" {
        return None;
    }
    let host = u.host_str()?;
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| {
        format!(
            "server.public_url {url} is plain http on a non-loopback host: sign-in cookies, OAuth redirects \
             and links would travel unencrypted, and Zoom only sends webhooks to https. Put the relay \
             behind an https reverse proxy and set public_url to its https URL"
        )
    })
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
        if let Some(warning) = plain_http_public_url(&self.server.public_url) {
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

/// Validates the slow-client keys of `[server]` (see [`ConnLimits`]).
fn server_limits(raw: &RawServer, e: &mut Errors) -> ConnLimits {
    let secs = |e: &mut Errors, key: &str, v: u64| {
        if !(1..=300).contains(&v) {
            e.push(
                key,
                format!("is {v}; it must be between 1 and 300 seconds"),
                "use the default (10 for headers, 15 for bodies) or another value in 1..=300",
            );
        }
        std::time::Duration::from_secs(v.clamp(1, 300))
    };
    let header_timeout = secs(e, "server.header_timeout_secs", raw.header_timeout_secs);
    let body_timeout = secs(e, "server.body_timeout_secs", raw.body_timeout_secs);
    if raw.api_max_body_bytes < 1024 {
        e.push(
            "server.api_max_body_bytes",
            "is below 1024 bytes; route documents would be refused",
            "use the default 1048576 or another value of at least 1024",
        );
    }
    if raw.max_connections == 0 || raw.max_connections > 1_000_000 {
        e.push(
            "server.max_connections",
            format!("is {}; it must be between 1 and 1000000", raw.max_connections),
            "use the default 256, or more for a busy relay (each connection costs a file descriptor)",
        );
    }
    if raw.max_connections_per_ip == 0 {
        e.push(
            "server.max_connections_per_ip",
            "is 0; no client could connect",
            "use the default 32 (a value above server.max_connections acts as max_connections)",
        );
    }
    if raw.webhook_reserved_connections > 1_000_000 {
        e.push(
            "server.webhook_reserved_connections",
            "is above 1000000",
            "use the default 32",
        );
    }
    let mut trusted_proxies = Vec::new();
    for (i, c) in raw.trusted_proxies.iter().enumerate() {
        match c.parse::<Cidr>() {
            Ok(cidr) => trusted_proxies.push(cidr),
            Err(err) => e.push(
                format!("server.trusted_proxies[{i}]"),
                format!("`{c}`: {err}"),
                "write an address or block such as \"127.0.0.1/32\" or \"10.0.0.0/8\"",
            ),
        }
    }
    ConnLimits {
        header_timeout,
        body_timeout,
        api_max_body_bytes: raw.api_max_body_bytes,
        max_connections: raw.max_connections.max(1),
        max_connections_per_ip: raw
            .max_connections_per_ip
            .clamp(1, raw.max_connections.max(1)),
        webhook_reserved_connections: raw.webhook_reserved_connections,
        trusted_proxies,
    }
}

#[cfg(test)]
mod tests {
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
}
