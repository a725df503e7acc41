//! The store contract: what every storage backend must do, written against the seam traits only
//! ([`Db`]), so one suite proves the sled backend and any later one (PostgreSQL) behave the same.
//!
//! Each case is an `async fn(Db)` in one of the submodules. [`contract!`] turns the whole list into
//! one test module per backend, so every case has its own name (`contract::sled::append_dedup`) and
//! `cargo test contract::sled::` or `contract::pg::` selects one backend. A backend joins with one
//! line at the bottom of this file: `contract!(name => opener);`, where `opener` is an
//! `async fn() -> Option<Fixture>` that returns a fresh, empty store (or None when the backend is not
//! configured on this machine, which skips its cases).
//!
//! Cases run on a multi-threaded runtime: the concurrency cases (route updates, claimers) need
//! tasks that really run in parallel.

use std::sync::Arc;

use super::{Db, Message, NewEvent, NewJob};
use crate::routing::{Route, Target};

mod apps;
mod cluster;
mod consents;
mod events;
mod languages;
mod member_names;
mod own_bots;
mod purge;
mod queue;
mod routes;
mod state;

/// A fresh, empty backend for one case, and whatever must live as long as it (a temporary
/// directory, a throwaway schema). `second` is another handle on the same storage, as a second
/// replica would open it (sled, one process: another handle on the same open store).
pub(crate) struct Fixture {
    pub db: Db,
    pub second: Db,
    pub _keep: Box<dyn std::any::Any + Send>,
}

/// One test module per backend, one test per case.
macro_rules! contract {
    ($backend:ident => $open:ident) => {
        mod $backend {
            contract!(@run $open; [db];
                events::append_dedup,
                events::inbox_order_and_commit_dispatch,
                events::inbox_claims_split_the_work,
                queue::claim_finish_and_lease_expiry,
                queue::release_claims_voids_leases,
                queue::fifo_per_destination,
                queue::dead_letters_and_retry_dead,
                queue::concurrent_claimers_one_winner,
                state::pacing_state_round_trip,
                routes::create_route_refuses_duplicate,
                routes::concurrent_route_updates_all_survive,
                purge::purge_leaves_other_tenant_intact,
                consents::one_invitation_per_window_and_confirmed_stays_confirmed,
                consents::list_rename_and_case,
                consents::the_members_language_is_stored_kept_and_replaced,
                own_bots::one_bot_per_tenant_and_one_tenant_per_bot,
                languages::a_users_language_is_remembered_replaced_and_forgotten,
                member_names::member_names_are_per_tenant_and_purged,
                cluster::one_leader_per_role,
                cluster::commits_wake_listeners,
                apps::apps_insert_swap_and_delete,
            );
            contract!(@run $open; [db, second];
                state::two_pacers_never_exceed_the_limits_together,
                consents::racing_claims_send_one_email,
                apps::app_invites_work_once_and_expire,
            );
        }
    };
    // Each case gets the fixture's stores named in the brackets: `[db]`, or `[db, second]` for
    // the cases that need two replicas on one backend.
    (@run $open:ident; $stores:tt; $($group:ident :: $case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let Some(fixture) = super::$open().await else {
                    eprintln!("skipped: backend not configured here");
                    return;
                };
                contract!(@call super::$group::$case, fixture, $stores);
                drop(fixture);
            }
        )*
    };
    (@call $case:path, $fixture:ident, [$($store:ident),+]) => {
        $case($($fixture.$store.clone()),+).await
    };
}

/// The sled backend in its own temporary directory.
async fn sled_backend() -> Option<Fixture> {
    let (dir, store) = tokio::task::spawn_blocking(super::temp_store)
        .await
        .expect("opening a sled store");
    Some(Fixture {
        second: Arc::new(store.clone()),
        db: Arc::new(store),
        _keep: Box::new(dir),
    })
}

contract!(sled => sled_backend);

/// A fresh database on the PostgreSQL the machine provides (see `store::pg::tests`); None skips
/// the cases when there is none, except under `CI=true`, where an unreachable server fails them.
async fn pg_backend() -> Option<Fixture> {
    let (keep, store) = super::pg::tests::test_store().await?;
    let second = super::pg::PgStore::connect(&keep.url(), Some([7u8; 32]))
        .await
        .expect("a second store on the test database");
    Some(Fixture {
        db: Arc::new(store),
        second: Arc::new(second),
        _keep: Box::new(keep),
    })
}

contract!(pg => pg_backend);

// --- fixtures shared by the cases ------------------------------------------------------------

const APP: &str = "default";

/// A time safely after every job the case creates became due (jobs are due when created, by the
/// backend's clock), so claims at `now` and later find them.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis() + 1_000
}

fn event(account: &str, body: &str) -> NewEvent {
    super::test_event(account, 1, body.into())
}

/// A job for `target` of tenant (`APP`, `account`), named by its idempotency key.
fn job(account: &str, key: &str, target: Target) -> NewJob {
    let text = format!("message {key}");
    super::test_job(account, key, target, Message::Log { text })
}

fn telegram(chat_id: i64) -> Target {
    Target::Telegram {
        chat_id,
        thread_id: None,
        bot: None,
    }
}

/// A route `name` of tenant (`APP`, `account`).
fn route(account: &str, name: &str) -> Route {
    let mut r = super::test_route(name);
    r.app_id = APP.into();
    r.account_id = account.into();
    r
}
