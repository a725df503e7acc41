//! `[telegram]`: the bot token for Telegram delivery and how the self-service bot receives updates.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::secret::Secrets;
use super::{Errors, is_http_url, limits};

#[derive(Debug, Clone)]
pub struct TelegramConfig {
    pub bot_token: SecretString,
    pub api_url: String,
    pub bot_commands: bool,
}

/// How the relay talks to the Bot API whether or not it has a shared bot: communities' own bots
/// (`PUT /api/v1/telegram/bot`) need the API address, the update mode and the poll timeout even on
/// a relay without `[telegram]` or without `bot_token`, which then has no shared bot.
#[derive(Debug, Clone)]
pub struct TelegramApi {
    pub api_url: String,
    /// Own bots get updates by webhook (`/telegram/webhook/{bot_id}`) rather than getUpdates.
    pub webhook: bool,
    pub poll_timeout_secs: u64,
}

impl Default for TelegramApi {
    fn default() -> Self {
        TelegramApi {
            api_url: default_telegram_api(),
            webhook: false,
            poll_timeout_secs: default_poll_timeout(),
        }
    }
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTelegram {
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

/// Validates `[telegram]` when present. The bot config is checked even when the token is not
/// usable, so its own errors are reported too; the caller keeps it only beside a Telegram config.
/// A section without `bot_token` (and `bot_token_file`) is a relay with no shared bot, whose
/// communities bring their own: it still sets the API address and the update mode for them.
pub(super) fn validate(
    raw: Option<RawTelegram>,
    secrets: &Secrets<'_>,
    e: &mut Errors,
) -> (Option<TelegramConfig>, Option<BotConfig>, TelegramApi) {
    let mut bot = None;
    let mut api = TelegramApi::default();
    let telegram = raw.and_then(|t| {
        api = TelegramApi {
            api_url: t.api_url.trim_end_matches('/').to_string(),
            webhook: t.mode == "webhook",
            poll_timeout_secs: t.poll_timeout_secs,
        };
        if t.bot_token.is_none() && t.bot_token_file.is_none() {
            // No shared bot. Its keys are still checked (a typo in `mode` should show), except
            // that webhook mode needs no `webhook_secret`: own bots derive theirs per bot.
            let secretless_webhook = t.mode == "webhook"
                && t.webhook_secret.is_none()
                && t.webhook_secret_file.is_none();
            if !secretless_webhook {
                let _ = validate_bot(e, &t, secrets);
            }
            return None;
        }
        bot = validate_bot(e, &t, secrets);
        let token = secrets.resolve(e, "telegram.bot_token", t.bot_token, t.bot_token_file);
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
    (telegram, bot, api)
}

/// The bot keys of `[telegram]`: `mode`, `webhook_secret`, `poll_timeout_secs`. None when
/// `bot_commands = false` or a key is wrong (the error is recorded).
fn validate_bot(e: &mut Errors, t: &RawTelegram, secrets: &Secrets<'_>) -> Option<BotConfig> {
    let secret = secrets.resolve(
        e,
        "telegram.webhook_secret",
        t.webhook_secret.clone(),
        t.webhook_secret_file.clone(),
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
