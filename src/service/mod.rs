//! The service layer: the one place management operations live. The HTTP API, the console, the CLI
//! (whether it opens the store directly or goes through a running relay) and the Telegram bot all
//! call these functions, so they cannot disagree. Policy (what may be done at all, such as issuing
//! bot codes only when the bot answers commands) is decided here, never in a front end, and so is
//! what follows a write: it is flushed before the call returns (an acknowledged change survives a
//! crash), and a write that queued deliveries wakes the channel workers. Every function is async
//! on the storage seam ([`Db`]) and fails with the one [`ServiceError`].

pub mod app_invites;
pub mod apps;
pub mod chats;
pub mod codes;
pub mod deliveries;
mod error;
pub mod events;
pub mod join;
pub mod links;
pub mod organizers;
pub mod own_bots;
pub mod routes;
pub mod subscriptions;
pub mod templates;
pub mod tenants;
pub mod tokens;

use std::sync::Arc;

pub use error::ServiceError;

use crate::config::Config;
use crate::dispatch::Signals;
use crate::render::Renderer;
use crate::routing::Channel;
use crate::store::Db;
use chats::Caller;

/// What a service call needs: the storage, the config, the renderer, who asks, and the workers to
/// wake. Cheap to build per request (every field is shared).
#[derive(Clone)]
pub struct Ctx {
    pub db: Db,
    pub config: Arc<Config>,
    pub renderer: Arc<Renderer>,
    /// Who asks: an organizer may name only chats proven to be theirs (see [`chats`]), and reaches
    /// only its own routes.
    pub caller: Caller,
    /// The channel workers' wake-ups. The CLI on a store no relay holds passes fresh signals that
    /// nobody waits on: what it queued goes out at the relay's next start.
    pub signals: Arc<Signals>,
}

impl Ctx {
    /// The operator, with no worker to wake: seeding at start, the CLI on a store no relay holds,
    /// tests.
    pub fn operator(db: Db, config: Arc<Config>, renderer: Arc<Renderer>) -> Ctx {
        Ctx {
            db,
            config,
            renderer,
            caller: Caller::Operator,
            signals: Arc::default(),
        }
    }

    /// After a write: waits until it is durable, so an acknowledged change survives a crash.
    pub(crate) async fn durable(&self) -> Result<(), ServiceError> {
        self.db.flush().await?;
        Ok(())
    }

    /// After a write that queued deliveries: durable first (an acknowledged message survives a
    /// crash), then the channel workers are woken so it goes out now rather than at their next poll.
    pub(crate) async fn queued(&self) -> Result<(), ServiceError> {
        self.durable().await?;
        for c in Channel::ALL {
            self.signals.channel(c).notify_one();
        }
        Ok(())
    }

    /// The same context acting for another caller.
    pub fn as_caller(&self, caller: Caller) -> Ctx {
        Ctx {
            caller,
            ..self.clone()
        }
    }
}

pub(crate) use crate::store::OfTenant;

/// The records of `list` of the tenants the filters name: any app when `app` is None, any account
/// when `account` is None.
pub(crate) fn of_tenant<T: OfTenant>(
    list: Vec<T>,
    app: Option<&str>,
    account: Option<&str>,
) -> Vec<T> {
    list.into_iter()
        .filter(|r| in_scope(r, app, account))
        .collect()
}

/// Whether `rec` is of a tenant the filters name (see [`of_tenant`]).
pub(crate) fn in_scope(rec: &impl OfTenant, app: Option<&str>, account: Option<&str>) -> bool {
    let (a, acc) = rec.tenant();
    app.is_none_or(|x| x == a) && account.is_none_or(|x| x == acc)
}

/// A context on a throwaway store with the example config, as the operator, for unit tests.
#[cfg(test)]
pub(crate) fn test_ctx() -> (tempfile::TempDir, Ctx) {
    let (dir, store) = crate::store::temp_store();
    let config = crate::config::from_toml_str(
        crate::config::EXAMPLE_CONFIG,
        crate::config::ConfigSource::EmbeddedExample,
        &[],
    )
    .expect("the example config loads");
    let renderer = Renderer::new().expect("the default templates load");
    let ctx = Ctx::operator(Arc::new(store), Arc::new(config), Arc::new(renderer));
    (dir, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;

    #[test]
    fn losing_every_compare_and_swap_is_a_conflict_and_io_is_unavailable() {
        assert!(matches!(
            ServiceError::from(StoreError::Contended("route `r`".into())),
            ServiceError::Conflict(_)
        ));
        assert!(matches!(
            ServiceError::from(StoreError::Io("disk".into())),
            ServiceError::Unavailable(StoreError::Io(_))
        ));
    }
}
