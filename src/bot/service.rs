//! The service calls the bot makes that are not its own (member subscriptions, pausing a route,
//! rendering a sample), in one place, each as the caller it acts for.

use super::handlers::Origin;
use crate::service::Ctx;
use crate::service::chats::{Caller, TenantId};
use crate::service::routes::{PreviewItem, PreviewRequest, ServiceError};
use crate::service::subscriptions;
use crate::store::StoreError;

/// The service layer acting for `caller`.
fn ctx(from: &Origin<'_>, caller: Caller) -> Ctx {
    let inner = &from.bot.inner;
    Ctx {
        db: inner.db.clone(),
        config: inner.config.clone(),
        renderer: inner.renderer.clone(),
        caller,
        signals: inner.signals.clone(),
    }
}

/// A storage failure goes up so the update is handled again; the member functions below cannot
/// fail otherwise (they write only the member's own destination).
fn storage(e: ServiceError) -> StoreError {
    match e {
        ServiceError::Unavailable(e) => e,
        other => StoreError::Io(other.to_string()),
    }
}

/// A member's `/subscribe CODE` once the code is redeemed: see [`subscriptions::subscribe`].
pub(super) async fn subscribe(
    from: &Origin<'_>,
    app: &str,
    account: &str,
    route: &str,
    chat_id: i64,
    now_ms: i64,
) -> Result<bool, StoreError> {
    subscriptions::subscribe(
        &ctx(from, Caller::Operator),
        &TenantId::new(app, account),
        route,
        chat_id,
        from.bot.own_bot_id(),
        subscriptions::member_name(
            from.user.first_name.as_deref(),
            from.user.last_name.as_deref(),
            from.user.username.as_deref(),
        )
        .as_deref(),
        now_ms,
    )
    .await
    .map_err(storage)
}

/// A member's `/unsubscribe`: see [`subscriptions::remove`].
pub(super) async fn remove_subscription(
    from: &Origin<'_>,
    app: &str,
    account: &str,
    route: &str,
    target: &str,
) -> Result<bool, StoreError> {
    subscriptions::remove(&ctx(from, Caller::Operator), app, account, route, target)
        .await
        .map_err(storage)
}

/// An organizer's `/pause` or `/resume`, as the tenant that owns the route (not as the operator),
/// so the service's tenant check applies.
pub(super) async fn set_enabled(
    from: &Origin<'_>,
    tenant: &TenantId,
    name: &str,
    enabled: bool,
) -> Result<bool, ServiceError> {
    ctx(from, Caller::Tenant(tenant.clone()))
        .set_enabled(&tenant.app_id, &tenant.account_id, name, enabled)
        .await
}

/// The messages a route would render for a sample event (`/test`).
pub(super) async fn preview(
    from: &Origin<'_>,
    req: &PreviewRequest,
) -> Result<Vec<PreviewItem>, ServiceError> {
    ctx(from, Caller::Operator).preview(req).await
}
