//! A community's own Telegram bot (`own_bots`): one per tenant, keyed by the tenant prefix.
//!
//! The record holds the bot's token sealed (`crypto::seal`, bound to the tenant and the bot id), so
//! a leaked store or backup gives nobody the bot. The bot id is the number before the ':' of the
//! token; Telegram uses it as the bot's id, and so do pacing, the webhook path and the poller's
//! role. One bot serves one tenant: a second tenant connecting the same bot is refused.
//!
//! The getUpdates offset of an own bot lives in `bot_state` under `own_last_update_id:{bot_id}`,
//! beside the shared bot's, because it names no tenant and must survive a reconnect of the same bot.

use serde::{Deserialize, Serialize};

use super::keys::tenant_prefix;
use super::{OfTenant, TenantId};
use super::{Store, StoreError, decode_all, decode_opt, encode};

/// One tenant's own bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnBot {
    pub app_id: String,
    pub account_id: String,
    pub bot_id: i64,
    /// The @username getMe reported when the token was checked.
    pub username: String,
    /// The token, sealed; see [`OwnBot::token_aad`]. Never shown, never logged.
    pub sealed_token: Vec<u8>,
    pub connected_ms: i64,
    /// Why the relay stopped using the bot (Telegram refused its token), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<String>,
    /// When the one-time "we moved" message went out through the shared bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_notice_ms: Option<i64>,
}

impl OwnBot {
    /// What a sealed token is bound to: a sealed token copied into another tenant's record, or
    /// under another bot id, does not open.
    pub fn token_aad(app_id: &str, account_id: &str, bot_id: i64) -> Vec<u8> {
        format!("zoom-relay own bot v1\0{app_id}\0{account_id}\0{bot_id}").into_bytes()
    }

    /// Seals `token` for this record's tenant and bot.
    pub fn seal_token(&mut self, key: &[u8; 32], token: &str) {
        let aad = Self::token_aad(&self.app_id, &self.account_id, self.bot_id);
        self.sealed_token = crate::crypto::seal(key, &aad, token.as_bytes());
    }

    /// The token, or None when it does not open with `key` (another data key, a tampered record).
    pub fn open_token(&self, key: &[u8; 32]) -> Option<secrecy::SecretString> {
        let aad = Self::token_aad(&self.app_id, &self.account_id, self.bot_id);
        let plain = crate::crypto::open(key, &aad, &self.sealed_token).ok()?;
        String::from_utf8(plain)
            .ok()
            .map(secrecy::SecretString::from)
    }
}

/// The `bot_state` key of an own bot's update offset.
pub(crate) fn offset_key(bot_id: i64) -> String {
    format!("{OFFSET_PREFIX}{bot_id}")
}

pub(crate) const OFFSET_PREFIX: &str = "own_last_update_id:";

/// The `bot_state` key of an own bot's notice watermark.
pub(crate) fn watermark_key(bot_id: i64) -> String {
    format!("{WATERMARK_PREFIX}{bot_id}")
}

pub(crate) const WATERMARK_PREFIX: &str = "own_notice_watermark:";

impl Store {
    pub fn own_bot(&self, tenant: &TenantId) -> Result<Option<OwnBot>, StoreError> {
        decode_opt(
            self.inner
                .own_bots
                .get(tenant_prefix(&tenant.app_id, &tenant.account_id))?,
        )
    }

    pub fn all_own_bots(&self) -> Result<Vec<OwnBot>, StoreError> {
        decode_all(self.inner.own_bots.iter())
    }

    pub fn own_bot_by_id(&self, bot_id: i64) -> Result<Option<OwnBot>, StoreError> {
        Ok(self
            .all_own_bots()?
            .into_iter()
            .find(|b| b.bot_id == bot_id))
    }

    /// Connects (or reconnects) a tenant's bot, replacing its previous one. Refused (false, nothing
    /// written) when another tenant has this bot. A scan is enough: connecting is rare.
    pub fn put_own_bot(&self, bot: &OwnBot) -> Result<bool, StoreError> {
        // Two tenants connecting the same bot at once: the check and the write happen under one
        // lock (one process holds a sled store).
        static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        if self.all_own_bots()?.iter().any(|b| {
            b.bot_id == bot.bot_id && (b.app_id != bot.app_id || b.account_id != bot.account_id)
        }) {
            return Ok(false);
        }
        let v = encode(bot)?;
        self.inner
            .own_bots
            .insert(tenant_prefix(&bot.app_id, &bot.account_id), v)?;
        Ok(true)
    }

    pub fn remove_own_bot(&self, tenant: &TenantId) -> Result<Option<OwnBot>, StoreError> {
        decode_opt(
            self.inner
                .own_bots
                .remove(tenant_prefix(&tenant.app_id, &tenant.account_id))?,
        )
    }

    /// Marks the bot unusable (`Some(reason)`) or usable again; false when no tenant has it.
    pub fn set_own_bot_disabled(
        &self,
        bot_id: i64,
        reason: Option<&str>,
    ) -> Result<bool, StoreError> {
        self.update_own_bot(bot_id, |b| b.disabled = reason.map(str::to_string))
    }

    pub fn set_own_bot_username(&self, bot_id: i64, username: &str) -> Result<bool, StoreError> {
        self.update_own_bot(bot_id, |b| b.username = username.to_string())
    }

    pub fn set_own_bot_moved_notice(&self, bot_id: i64, at_ms: i64) -> Result<bool, StoreError> {
        self.update_own_bot(bot_id, |b| b.moved_notice_ms = Some(at_ms))
    }

    fn update_own_bot(&self, bot_id: i64, f: impl Fn(&mut OwnBot)) -> Result<bool, StoreError> {
        let tree = &self.inner.own_bots;
        for _ in 0..64 {
            let Some(old) = self.own_bot_by_id(bot_id)? else {
                return Ok(false);
            };
            let key = tenant_prefix(&old.app_id, &old.account_id);
            let mut new = old.clone();
            f(&mut new);
            let (o, n) = (encode(&old)?, encode(&new)?);
            if tree.compare_and_swap(key, Some(o), Some(n))?.is_ok() {
                return Ok(true);
            }
        }
        Err(StoreError::Contended(format!("own bot {bot_id}")))
    }

    pub fn own_bot_last_update(&self, bot_id: i64) -> Result<Option<i64>, StoreError> {
        self.bot_state_i64(offset_key(bot_id).as_bytes())
    }

    pub fn set_own_bot_last_update(&self, bot_id: i64, update_id: i64) -> Result<(), StoreError> {
        self.set_bot_state_i64(offset_key(bot_id).as_bytes(), update_id)
    }

    /// Kept as the bytes of a u64, like the shared bot's watermark.
    pub fn own_bot_notice_watermark(&self, bot_id: i64) -> Result<Option<u64>, StoreError> {
        Ok(self
            .bot_state_i64(watermark_key(bot_id).as_bytes())?
            .map(|v| v as u64))
    }

    pub fn set_own_bot_notice_watermark(&self, bot_id: i64, id: u64) -> Result<(), StoreError> {
        self.set_bot_state_i64(watermark_key(bot_id).as_bytes(), id as i64)
    }
}

/// Telegram refused the token of `bot` (401: revoked, or the bot deleted): turns the bot off for
/// its community alone and tells the organizer, once per token (a bot already off, or connected
/// again with another token since, is left alone). Used by delivery and by the bot's poller.
pub async fn turn_off_refused(db: &dyn super::Backend, bot: &OwnBot) -> Result<bool, StoreError> {
    let current = db.own_bot_by_id(bot.bot_id).await?;
    if !current.is_some_and(|b| b.disabled.is_none() && b.sealed_token == bot.sealed_token) {
        return Ok(false);
    }
    db.set_own_bot_disabled(bot.bot_id, Some("Telegram refused its token (401)"))
        .await?;
    db.add_notice(
        &bot.tenant_id(),
        "telegram_bot_revoked",
        &format!(
            "Telegram no longer accepts the token of your bot @{}: it was revoked or the bot was \
             deleted. Alerts through it are paused. Get a new token from @BotFather and connect \
             the bot again.",
            bot.username
        ),
        None,
        None,
    )
    .await?;
    tracing::warn!(
        bot_id = bot.bot_id,
        app = %bot.app_id,
        account = %bot.account_id,
        "an own bot's token was refused; the bot is turned off"
    );
    Ok(true)
}
