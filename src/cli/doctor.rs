//! `doctor` and `healthcheck`: is the relay, and what it talks to, in order. `doctor` checks the
//! config, the store, Telegram's getMe, SMTP and each Zoom app's OAuth endpoint, each probe bounded
//! by [`PROBE_TIMEOUT`]; `healthcheck` asks a running relay's `/healthz`, for container health
//! checks.

use std::path::Path;
use std::time::Duration;

use secrecy::ExposeSecret;

use super::access::{connectable, runtime};
use super::ops::failed;
use super::{CliError, CliResult, load_config};
use crate::config::StoreBackend;
use crate::config::{Config, ConfigSource};
use crate::store::{self, StoreError};
use crate::text::error_chain;

/// How long each `doctor` probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(clap::Args)]
pub struct HealthcheckArgs {
    /// The URL to probe. Default: `/healthz` at `server.listen` from the config.
    #[arg(long)]
    pub url: Option<String>,
}

/// Prints check results and counts failures.
#[derive(Default)]
struct Checks {
    failed: usize,
}

impl Checks {
    fn ok(&mut self, what: &str, detail: impl AsRef<str>) {
        println!("ok    {what:<18} {}", detail.as_ref());
    }

    fn warn(&mut self, what: &str, detail: impl AsRef<str>) {
        println!("warn  {what:<18} {}", detail.as_ref());
    }

    fn skip(&mut self, what: &str, detail: impl AsRef<str>) {
        println!("skip  {what:<18} {}", detail.as_ref());
    }

    fn fail(&mut self, what: &str, detail: impl AsRef<str>, hint: impl AsRef<str>) {
        self.failed += 1;
        println!("FAIL  {what:<18} {}", detail.as_ref());
        println!("      {:<18} hint: {}", "", hint.as_ref());
    }
}

fn probe_client() -> Result<reqwest::Client, CliError> {
    reqwest::Client::builder()
        .timeout(PROBE_TIMEOUT)
        .connect_timeout(PROBE_TIMEOUT)
        .build()
        .map_err(failed)
}

/// Checks the config, the store, Telegram, SMTP and each Zoom app's OAuth endpoint. Every check
/// prints `ok`, `warn`, `skip` or `FAIL` with a hint; any `FAIL` exits 1.
pub fn doctor(config_path: Option<&Path>) -> CliResult {
    let mut c = Checks::default();
    let config = match load_config(config_path) {
        Ok(config) => config,
        Err(CliError::Usage(m) | CliError::Failed(m)) => {
            c.fail(
                "config",
                m,
                "fix the keys named above; relay.example.toml documents every key",
            );
            return Err(CliError::Failed(
                "1 check failed; the others need a valid config".into(),
            ));
        }
    };
    check_config(&mut c, &config);
    runtime()?.block_on(async {
        let client = probe_client()?;
        check_store(&mut c, &config, &client).await;
        check_telegram(&mut c, &config, &client).await;
        check_email(&mut c, &config).await;
        check_zoom(&mut c, &config, &client).await;
        Ok::<(), CliError>(())
    })?;
    match c.failed {
        0 => {
            println!("all checks passed");
            Ok(())
        }
        1 => Err(CliError::Failed("1 check failed".into())),
        n => Err(CliError::Failed(format!("{n} checks failed"))),
    }
}

fn check_config(c: &mut Checks, config: &Config) {
    let source = match &config.source {
        ConfigSource::File(p) => p.display().to_string(),
        ConfigSource::EmbeddedExample => "embedded relay.example.toml (demo mode)".into(),
    };
    c.ok("config", format!("loaded {source}"));
    for w in config.warnings() {
        c.warn("config", w);
    }
    if !config.server.public_url.starts_with("https://") {
        c.warn(
            "config",
            format!(
                "server.public_url {} is not https; Zoom only sends webhooks to https URLs (docs/deploy.md)",
                config.server.public_url
            ),
        );
    }
}

/// Every install's tokens must open with the configured `security.data_key`; a changed key makes
/// them unreadable, and join-link lookups then fail for those accounts until they install again.
async fn check_installs(c: &mut Checks, config: &Config, db: &dyn crate::store::Backend) {
    let key = *config.security.data_key.bytes();
    let res = db.list_tenants(None).await.map(|ts| {
        let bad: Vec<String> = ts
            .iter()
            .filter(|t| !crate::tenants::tokens_open(&key, t))
            .map(|t| format!("{}/{}", t.app_id, t.account_id))
            .collect();
        (ts.len(), bad)
    });
    match res {
        Ok((0, _)) => c.ok("installs", "no installs yet"),
        Ok((n, bad)) if bad.is_empty() => c.ok(
            "installs",
            format!("{n} install(s); every token opens with security.data_key"),
        ),
        Ok((n, bad)) => c.fail(
            "installs",
            format!(
                "{} of {n} install(s) have tokens that security.data_key cannot open: {}",
                bad.len(),
                bad.join(", ")
            ),
            "put back the data_key these installs were made with, or have those accounts install \
             the app again (/zoom/install/<app>)",
        ),
        Err(e) => c.fail("installs", e.to_string(), "restore the last backup"),
    }
}

async fn check_store(c: &mut Checks, config: &Config, client: &reqwest::Client) {
    let dir = config.server.data_dir.clone();
    let sled = matches!(config.store_backend, StoreBackend::Sled);
    if sled && !dir.join("db").exists() {
        c.ok(
            "store",
            format!("no store yet at {}; `serve` creates it", dir.display()),
        );
        return;
    }
    let at = match sled {
        true => dir.display().to_string(),
        false => config.store_backend.describe(),
    };
    match store::open(config).await {
        Ok(db) => {
            let counts = (
                db.event_count().await,
                db.inbox_len().await,
                db.outbox_len(None).await,
                db.list_dead().await.map(|d| d.len()),
            );
            check_installs(c, config, &*db).await;
            match super::apps::unopenable(config, &*db).await {
                Ok((0, _)) => c.skip("added apps", "no apps added at run time"),
                Ok((n, bad)) if bad.is_empty() => c.ok(
                    "added apps",
                    format!("{n} app(s); every secret opens with security.data_key"),
                ),
                Ok((n, bad)) => c.fail(
                    "added apps",
                    format!("{} of {n} added app(s) are not served: their secrets do not open with security.data_key: {}", bad.len(), bad.join(", ")),
                    "put back the data_key they were added with, or add them again (zoom-relay apps remove, then add)",
                ),
                Err(e) => c.fail("added apps", e.to_string(), "restore the last backup"),
            }
            let _ = db.close().await;
            match counts {
                (events, inbox, outbox, Ok(dead)) => c.ok(
                    "store",
                    format!(
                        "{at} opens cleanly: {events} events, {inbox} waiting for dispatch, {outbox} \
                         deliveries queued, {dead} dead letters"
                    ),
                ),
                (.., Err(e)) => c.fail(
                    "store",
                    format!("{at} opens, but reading it failed: {e}"),
                    "restore the last backup (docs/operations.md)",
                ),
            }
        }
        Err(StoreError::Locked { .. }) => {
            let url = format!("http://{}/readyz", connectable(config.server.listen));
            match client.get(&url).send().await {
                Ok(r) if r.status().is_success() => c.ok(
                    "store",
                    format!(
                        "held by the running relay; {url} answers {}",
                        r.status()
                    ),
                ),
                Ok(r) => {
                    let status = r.status();
                    let body = r.text().await.unwrap_or_default();
                    c.fail(
                        "store",
                        format!("held by the running relay, but {url} answers {status}: {body}"),
                        "the relay's store or workers stopped; see its log, then restart it",
                    );
                }
                Err(e) => c.fail(
                    "store",
                    format!(
                        "held by another process, but nothing answers at {url}: {}",
                        error_chain(&e)
                    ),
                    "is that relay listening on server.listen from this config? Stop stray processes using data_dir",
                ),
            }
        }
        Err(e @ (StoreError::Corrupt { .. } | StoreError::NewerSchema { .. })) => c.fail(
            "store",
            e.to_string(),
            "see docs/operations.md, \"Backup and restore\"",
        ),
        Err(e) if sled => c.fail(
            "store",
            e.to_string(),
            format!(
                "check that {} exists and that this user may read and write it",
                dir.display()
            ),
        ),
        Err(e) => c.fail(
            "store",
            e.to_string(),
            "check that PostgreSQL runs, that store.url names its host, database and user, and \
             that this user may create tables there",
        ),
    }
}

/// Removes the bot token from a text: request errors quote the URL, which holds it.
fn scrub(text: &str, token: &str) -> String {
    if token.is_empty() {
        text.to_string()
    } else {
        text.replace(token, "<bot-token>")
    }
}

async fn check_telegram(c: &mut Checks, config: &Config, client: &reqwest::Client) {
    let Some(tg) = &config.telegram else {
        c.skip("telegram", "no [telegram] section");
        return;
    };
    let token = tg.bot_token.expose_secret();
    let api = tg.api_url.trim_end_matches('/');
    let url = format!("{api}/bot{token}/getMe");
    match client.get(&url).send().await {
        Ok(r) => {
            let status = r.status();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            if status.is_success() && body["ok"] == true {
                let name = body["result"]["username"].as_str().unwrap_or("?");
                c.ok("telegram", format!("getMe at {api}: the bot is @{name}"));
            } else if status == 401 || status == 404 {
                c.fail(
                    "telegram",
                    format!("getMe at {api} answers {status}: the bot token is not accepted"),
                    "check telegram.bot_token (BotFather shows it with /token); it is not printed here",
                );
            } else {
                let desc = body["description"].as_str().unwrap_or("");
                c.fail(
                    "telegram",
                    scrub(&format!("getMe at {api} answers {status} {desc}"), token),
                    "check telegram.api_url; Telegram may be having trouble, try again later",
                );
            }
        }
        Err(e) => c.fail(
            "telegram",
            scrub(
                &format!("cannot reach {api}: {}", error_chain(&e.without_url())),
                token,
            ),
            "check telegram.api_url, DNS and outbound HTTPS (firewall, proxy)",
        ),
    }
}

/// `host:port` of the SMTP URL without the credentials it may hold.
fn smtp_endpoint(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => {
            let port = u
                .port()
                .unwrap_or(if u.scheme() == "smtps" { 465 } else { 25 });
            format!("{}://{}:{port}", u.scheme(), u.host_str().unwrap_or("?"))
        }
        Err(_) => "the SMTP server".into(),
    }
}

async fn check_email(c: &mut Checks, config: &Config) {
    use lettre::{AsyncSmtpTransport, Tokio1Executor};
    let Some(email) = &config.email else {
        c.skip("email", "no [email] section");
        return;
    };
    let url = email.smtp_url.expose_secret();
    let endpoint = smtp_endpoint(url);
    // lettre's errors name the part of the URL that is wrong, never the URL (it holds the password).
    let transport = match AsyncSmtpTransport::<Tokio1Executor>::from_url(url) {
        Ok(b) => b.timeout(Some(PROBE_TIMEOUT)).build::<Tokio1Executor>(),
        Err(e) => {
            c.fail(
                "email",
                format!("email.smtp_url cannot be used: {e}"),
                "smtp://host:port, smtps://host:465 or smtp://host:587?tls=required, with user:pass@ percent-encoded",
            );
            return;
        }
    };
    match tokio::time::timeout(PROBE_TIMEOUT * 2, transport.test_connection()).await {
        Ok(Ok(true)) => c.ok(
            "email",
            format!("{endpoint} accepted the connection (EHLO, login if configured) and NOOP"),
        ),
        Ok(Ok(false)) => c.fail(
            "email",
            format!("{endpoint} accepted the connection but not NOOP"),
            "check that email.smtp_url points at an SMTP server",
        ),
        Ok(Err(e)) => c.fail(
            "email",
            format!("{endpoint}: {}", error_chain(&e)),
            "check email.smtp_url (host, port, tls, credentials) and that outbound SMTP is allowed",
        ),
        Err(_) => c.fail(
            "email",
            format!(
                "{endpoint} did not answer within {}s",
                PROBE_TIMEOUT.as_secs() * 2
            ),
            "check the host and port in email.smtp_url and the firewall",
        ),
    }
}

async fn check_zoom(c: &mut Checks, config: &Config, client: &reqwest::Client) {
    for app in &config.zoom.apps {
        let what = format!("zoom app {}", app.id);
        if !app.has_oauth() {
            c.skip(
                &what,
                "webhook-only (no OAuth credentials): the relay never calls Zoom for it",
            );
            continue;
        }
        let url = format!("{}/oauth/token", app.oauth_url.trim_end_matches('/'));
        // Any HTTP answer proves the endpoint is reachable; a GET without credentials is refused.
        match client.get(&url).send().await {
            Ok(r) => c.ok(
                &what,
                format!("{url} reachable (HTTP {})", r.status().as_u16()),
            ),
            Err(e) => c.fail(
                &what,
                format!("cannot reach {url}: {}", error_chain(&e.without_url())),
                "check oauth_url of this app, DNS and outbound HTTPS (firewall, proxy)",
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// healthcheck

/// GETs `/healthz` of the relay on `server.listen`: exit 0 when it answers 200. For container
/// HEALTHCHECKs, so the runtime image needs no curl.
pub fn healthcheck(config_path: Option<&Path>, args: HealthcheckArgs) -> CliResult {
    let url = match args.url {
        Some(u) => u,
        None => {
            let config = load_config(config_path)?;
            format!("http://{}/healthz", connectable(config.server.listen))
        }
    };
    runtime()?.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(3))
            .build()
            .map_err(failed)?;
        match client.get(&url).send().await {
            Ok(r) if r.status().is_success() => {
                println!("ok: {url} answers {}", r.status());
                Ok(())
            }
            Ok(r) => Err(failed(format!("{url} answers {}", r.status()))),
            Err(e) => Err(failed(format!(
                "{url} does not answer: {}",
                error_chain(&e)
            ))),
        }
    })
}
