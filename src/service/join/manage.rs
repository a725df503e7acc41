//! The member's own page behind a manage link: what it names, where the subscription stands, and
//! pausing, resuming, leaving and the page's language.

use super::{MANAGE_PURPOSE, now_ms};
use crate::dispatch::unsubscribe::Unsubscribe;
use crate::i18n::Lang;
use crate::service::{Ctx, ServiceError};
use crate::store::TenantId;
use crate::store::consents::{Consent, ConsentState};

/// What a manage link names, if it is genuine.
pub fn read_manage(ctx: &Ctx, token: &str) -> Option<Unsubscribe> {
    crate::crypto::verify(ctx.config.security.data_key.bytes(), MANAGE_PURPOSE, token)
}

/// What the manage page shows and does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManageAction {
    PauseWeek,
    PauseMonth,
    Resume,
    Unsubscribe,
}

impl ManageAction {
    pub fn parse(s: &str) -> Option<ManageAction> {
        Some(match s {
            "pause_week" => ManageAction::PauseWeek,
            "pause_month" => ManageAction::PauseMonth,
            "resume" => ManageAction::Resume,
            "unsubscribe" => ManageAction::Unsubscribe,
            _ => return None,
        })
    }
}

/// The consent behind a manage link: None once it is gone (the tenant left, or it never existed).
pub async fn manage_state(ctx: &Ctx, u: &Unsubscribe) -> Result<Option<Consent>, ServiceError> {
    Ok(ctx
        .db
        .consent(&TenantId::new(&u.app, &u.account), &u.route, &u.address)
        .await?)
}

/// Stores the language the member chose on their page. Nothing to store without a record (the
/// tenant left) or when it is the stored one already.
pub async fn set_language(
    ctx: &Ctx,
    u: &Unsubscribe,
    lang: Lang,
) -> Result<Option<Consent>, ServiceError> {
    let Some(mut c) = manage_state(ctx, u).await? else {
        return Ok(None);
    };
    if c.lang.as_deref() != Some(lang.code()) {
        c.lang = Some(lang.code().to_string());
        ctx.db.put_consent(&c).await?;
        ctx.durable().await?;
    }
    Ok(Some(c))
}

/// Pauses, resumes or ends the subscription of a manage link.
pub async fn manage(
    ctx: &Ctx,
    u: &Unsubscribe,
    action: ManageAction,
) -> Result<Option<Consent>, ServiceError> {
    const DAY: i64 = 24 * 3600 * 1000;
    if action == ManageAction::Unsubscribe {
        crate::service::subscriptions::unsubscribe(ctx, u).await?;
        return manage_state(ctx, u).await;
    }
    let Some(mut c) = manage_state(ctx, u).await? else {
        return Ok(None);
    };
    if c.state != ConsentState::Confirmed {
        return Ok(Some(c));
    }
    let now = now_ms();
    c.paused_until_ms = match action {
        ManageAction::PauseWeek => Some(now + 7 * DAY),
        ManageAction::PauseMonth => Some(now + 30 * DAY),
        _ => None,
    };
    c.changed_at_ms = now;
    ctx.db.put_consent(&c).await?;
    ctx.durable().await?;
    Ok(Some(c))
}
