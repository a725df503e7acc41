//! The service calls the bot makes that are not its own (member subscriptions, pausing a route,
//! rendering a sample), in one place. These service functions still take the concrete store, which
//! is why the bot keeps one beside its `Db`; once they take a `Db`, this file passes that instead
//! and the concrete store leaves the bot.

use super::handlers::Origin;
use crate::service::chats::{Caller, TenantId};
use crate::service::routes::{Ctx, PreviewItem, PreviewRequest, ServiceError};
use crate::service::subscriptions;
use crate::store::StoreError;

/// The service layer acting for `caller`.
fn ctx<'a>(from: &'a Origin<'_>, caller: Caller) -> Ctx<'a> {
    let inner = &from.bot.inner;
    Ctx {
        store: &inner.service_store,
        config: &inner.config,
        renderer: &inner.renderer,
        caller,
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
        &from.bot.inner.service_store,
        app,
        account,
        route,
        chat_id,
        now_ms,
    )
}

/// A member's `/unsubscribe`: see [`subscriptions::remove`].
pub(super) async fn remove_subscription(
    from: &Origin<'_>,
    app: &str,
    account: &str,
    route: &str,
    target: &str,
) -> Result<bool, StoreError> {
    subscriptions::remove(&from.bot.inner.service_store, app, account, route, target)
}

/// An organizer's `/pause` or `/resume`, as the tenant that owns the route (not as the operator),
/// so the service's tenant check applies.
pub(super) async fn set_enabled(
    from: &Origin<'_>,
    tenant: TenantId,
    app: &str,
    account: &str,
    name: &str,
    enabled: bool,
) -> Result<bool, ServiceError> {
    ctx(from, Caller::Tenant(tenant)).set_enabled(app, account, name, enabled)
}

/// The messages a route would render for a sample event (`/test`).
pub(super) async fn preview(
    from: &Origin<'_>,
    req: &PreviewRequest,
) -> Result<Vec<PreviewItem>, ServiceError> {
    ctx(from, Caller::Operator).preview(req)
}
