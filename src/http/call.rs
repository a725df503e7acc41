//! From a request to a service call, in one place for the async front ends (the admin API and the
//! console): who the caller is, and the [`Ctx`] the service runs in. Each front end maps the one
//! [`crate::service::ServiceError`] once (JSON for the API in `http::error`, pages for the console).

use super::AppState;
use super::auth::Principal;
use crate::service::Ctx;
use crate::service::chats::{Caller, TenantId};

/// Who the service sees: the admin token (or the operator's console session) is the operator; a
/// tenant's token or session is that tenant.
pub(crate) fn caller_of(p: &Principal) -> Caller {
    match p.tenant() {
        None => Caller::Operator,
        Some((app, account)) => Caller::Tenant(TenantId::new(app, account)),
    }
}

/// The service as `caller`. Reads and writes already scoped by `Principal::require` run as the
/// operator; route writes run as the principal (which chats it may name, see
/// [`crate::service::chats`]).
pub(crate) fn ctx(st: &AppState, caller: Caller) -> Ctx {
    Ctx {
        db: st.db.clone(),
        config: st.config.clone(),
        renderer: st.renderer.clone(),
        caller,
        signals: st.signals.clone(),
    }
}

/// The service as the operator.
pub(crate) fn operator(st: &AppState) -> Ctx {
    ctx(st, Caller::Operator)
}

/// The service as the principal `p`.
pub(crate) fn principal(st: &AppState, p: &Principal) -> Ctx {
    ctx(st, caller_of(p))
}

/// A dispatcher on the relay's storage, for dry runs (`Ctx::test`).
pub(crate) fn dispatcher(st: &AppState) -> crate::dispatch::Dispatcher {
    crate::dispatch::Dispatcher::new(st.db.clone(), st.renderer.clone(), st.config.clone())
}
