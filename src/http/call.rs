//! Running management calls from the async front ends (the admin API and the console), in one
//! place.
//!
//! The store is synchronous, so every service or store call runs on the blocking pool, never on
//! the async runtime; a write that queued deliveries is flushed before it is acknowledged and then
//! wakes the channel workers. Each front end keeps only its error type: [`Panicked`] says how it
//! shows a call whose worker thread died, and `From` conversions map the call's own errors (JSON
//! for the API, pages for the console).

use tokio::task::JoinError;

use super::AppState;
use super::auth::Principal;
use crate::service::chats::{Caller, TenantId};
use crate::service::routes::{Ctx, ServiceError};
use crate::store::{Store, StoreError};

/// How a front end's error type reports a call whose blocking task panicked or was cancelled.
pub(crate) trait Panicked: Send + 'static {
    fn panicked(e: JoinError) -> Self;
}

impl Panicked for ServiceError {
    fn panicked(e: JoinError) -> Self {
        ServiceError::Store(StoreError::Io(e.to_string()))
    }
}

/// Who the service sees: the admin token (or the operator's console session) is the operator; a
/// tenant's token or session is that tenant.
pub(crate) fn caller_of(p: &Principal) -> Caller {
    match p.tenant() {
        None => Caller::Operator,
        Some((app, account)) => Caller::Tenant(TenantId::new(app, account)),
    }
}

/// Runs a service call on the blocking pool on behalf of `caller` (which chats a route write may
/// name, see [`crate::service::chats`]).
pub(crate) async fn service_as<T, E>(
    st: &AppState,
    caller: Caller,
    f: impl FnOnce(&Ctx<'_>) -> Result<T, ServiceError> + Send + 'static,
) -> Result<T, E>
where
    T: Send + 'static,
    E: Panicked + From<ServiceError>,
{
    let st = st.clone();
    tokio::task::spawn_blocking(move || {
        let ctx = Ctx {
            store: &st.store,
            config: &st.config,
            renderer: &st.renderer,
            caller,
        };
        f(&ctx)
    })
    .await
    .map_err(E::panicked)?
    .map_err(E::from)
}

/// Runs a store call on the blocking pool.
pub(crate) async fn blocking<T, F, E>(
    st: &AppState,
    f: impl FnOnce(&Store) -> Result<T, F> + Send + 'static,
) -> Result<T, E>
where
    T: Send + 'static,
    F: Into<E> + Send + 'static,
    E: Panicked,
{
    let store = st.store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(E::panicked)?
        .map_err(Into::into)
}

/// After a write that queued deliveries: waits until it is durable (so an acknowledged message
/// survives a crash), then wakes the channel workers so it goes out now rather than at their next
/// poll.
pub(crate) async fn queued(st: &AppState) -> Result<(), StoreError> {
    st.store.flush().await?;
    wake_workers(st);
    Ok(())
}

/// Wakes every channel worker, after something was queued.
pub(crate) fn wake_workers(st: &AppState) {
    for c in crate::routing::Channel::ALL {
        st.signals.channel(c).notify_one();
    }
}
