//! Telegram organizers of a tenant (made by organizer codes): list them, remove one. An organizer
//! gets the tenant's notices in Telegram and may pause, resume and test its routes there.

use super::{Ctx, ServiceError, of_tenant};
use crate::store::TenantId;
use crate::store::bot::OrganizerLink;

/// Organizer links, filtered by app and account when given.
pub async fn list(
    ctx: &Ctx,
    app: Option<&str>,
    account: Option<&str>,
) -> Result<Vec<OrganizerLink>, ServiceError> {
    Ok(of_tenant(ctx.db.all_organizers().await?, app, account))
}

/// Removes Telegram user `user_id` as an organizer of (app, account). False when they were not one.
pub async fn remove(
    ctx: &Ctx,
    app: &str,
    account: &str,
    user_id: i64,
) -> Result<bool, ServiceError> {
    let removed = ctx
        .db
        .remove_organizer(&TenantId::new(app, account), user_id)
        .await?;
    ctx.durable().await?;
    Ok(removed)
}
