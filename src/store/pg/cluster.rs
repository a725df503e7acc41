//! [`Cluster`] on PostgreSQL: wake-ups by `LISTEN/NOTIFY`, roles by advisory locks.
//!
//! - Wake-ups: a commit that makes work ready sends `NOTIFY zoom_relay_wake, '<what>'` inside its
//!   own transaction (so it is heard only if, and once, the work is committed). Each replica
//!   listens on a connection of its own, not from the pool: a pooled connection goes back to the
//!   pool and its `LISTEN` with it. When that connection drops, it is opened again with backoff and
//!   the listener is told [`Wake::All`], since notifications sent meanwhile are lost.
//! - Roles: `pg_try_advisory_lock` on a connection of its own per role, held for as long as the
//!   role is. The server releases the lock when the session ends, so a holder that dies (or whose
//!   connection drops) frees the role at once. The holder pings its connection every
//!   [`PING_EVERY`] and gives the role up when a ping fails or goes unanswered for [`PING_TIMEOUT`];
//!   the session asks the server for short TCP keepalives, so the server ends a session whose
//!   holder vanished (a network partition) within about 8 s ([`SERVER_KEEPALIVE`]), after the holder
//!   has already stopped. Candidates try again every [`RETRY`].

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_postgres::AsyncMessage;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{PgStore, Statements, Tx, conn::describe};
use crate::store::StoreError;
use crate::store::seam::{Campaign, Cluster, Leadership, Role, Wake};

/// The notification channel of wake-ups.
pub(super) const WAKE_CHANNEL: &str = "zoom_relay_wake";
const LISTEN: &str = "LISTEN zoom_relay_wake";
/// How often a candidate tries to take a role that another replica holds.
pub(super) const RETRY: Duration = Duration::from_secs(2);
/// How often a holder checks that its connection (and so its lock) is still there.
const PING_EVERY: Duration = Duration::from_secs(2);
/// A ping unanswered this long gives the role up.
const PING_TIMEOUT: Duration = Duration::from_secs(3);
/// The server's TCP keepalive on a role's session: idle 4 s, then 2 probes 2 s apart (about 8 s).
const SERVER_KEEPALIVE: &str =
    "SET tcp_keepalives_idle = 4; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 2";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest wait between attempts to open a dedicated connection.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// The key of a role's advisory lock (any constants unique to this program; see
/// `migrations::MIGRATION_LOCK`).
fn lock_key(role: Role) -> i64 {
    match role {
        Role::BotPoller => 0x7a72_6c65_6164_0001,
        Role::Janitor => 0x7a72_6c65_6164_0002,
        // Bot ids fit in 48 bits (Telegram's are around 10 digits), so every bot gets its own key
        // under a prefix no other role uses.
        Role::OwnBotPoller(id) => 0x7a73_0000_0000_0000 | (id & 0x0000_ffff_ffff_ffff),
    }
}

/// How to open a connection outside the pool: the pool's settings, plus a connect timeout and
/// client-side TCP keepalives so that a silent network failure ends the connection.
#[derive(Clone)]
pub(super) struct Dedicated {
    cfg: tokio_postgres::Config,
    tls: MakeRustlsConnect,
}

impl Dedicated {
    pub(super) fn new(cfg: &tokio_postgres::Config, tls: MakeRustlsConnect) -> Dedicated {
        let mut cfg = cfg.clone();
        cfg.connect_timeout(CONNECT_TIMEOUT)
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(4))
            .keepalives_interval(Duration::from_secs(2))
            .keepalives_retries(2);
        Dedicated { cfg, tls }
    }
}

/// Sends one notification per distinct wake-up, inside `tx`: heard when (and only if) it commits.
pub(super) async fn notify(
    tx: &Tx<'_>,
    wakes: impl IntoIterator<Item = Wake>,
) -> Result<(), StoreError> {
    let names: BTreeSet<&'static str> = wakes.into_iter().map(|w| w.as_str()).collect();
    for name in names {
        tx.execute("SELECT pg_notify($1, $2)", &[&WAKE_CHANNEL, &name])
            .await?;
    }
    Ok(())
}

impl Cluster for PgStore {
    fn wakeups(&self) -> Option<mpsc::Receiver<Wake>> {
        let (tx, rx) = mpsc::channel(256);
        tokio::spawn(listen(self.shared.dedicated.clone(), tx));
        Some(rx)
    }

    fn campaign(&self, role: Role) -> Leadership {
        let (lead, campaign) = Leadership::new();
        tokio::spawn(campaign_for(self.shared.dedicated.clone(), role, campaign));
        lead
    }
}

/// Sleeps `d`; false when `stop` fired first.
async fn pause(d: Duration, stop: impl std::future::Future<Output = ()>) -> bool {
    tokio::select! {
        _ = stop => false,
        _ = tokio::time::sleep(d) => true,
    }
}

/// Listens until `wakes` is dropped, reconnecting with backoff when the connection drops.
async fn listen(conn: Dedicated, wakes: mpsc::Sender<Wake>) {
    let mut backoff = Duration::from_millis(250);
    loop {
        let connected = tokio::select! {
            _ = wakes.closed() => return,
            r = conn.cfg.connect(conn.tls.clone()) => r,
        };
        let (client, mut connection) = match connected {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %describe(&e), "cannot open the wake-up connection; retrying");
                if !pause(backoff, wakes.closed()).await {
                    return;
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        let heard = wakes.clone();
        let mut driver = tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(m) = messages.next().await {
                match m {
                    Ok(AsyncMessage::Notification(n)) => {
                        if let Some(w) = Wake::parse(n.payload()) {
                            // A full queue already holds wake-ups the listener has yet to act on.
                            let _ = heard.try_send(w);
                        }
                    }
                    Ok(_) => {}
                    Err(e) => return describe(&e),
                }
            }
            "the server closed the connection".to_string()
        });
        let listening = tokio::select! {
            _ = wakes.closed() => return,
            r = client.batch_execute(LISTEN) => r,
        };
        match listening {
            Ok(()) => {
                backoff = Duration::from_millis(250);
                let _ = wakes.try_send(Wake::All);
                tokio::select! {
                    _ = wakes.closed() => return,
                    why = &mut driver => {
                        let why = why.unwrap_or_else(|e| e.to_string());
                        tracing::warn!(error = %why, "the wake-up connection dropped; reconnecting");
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %describe(&e), "LISTEN failed; retrying");
                driver.abort();
            }
        }
        drop(client);
        if !pause(backoff, wakes.closed()).await {
            return;
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Campaigns for `role` until every handle of `campaign` is dropped.
async fn campaign_for(conn: Dedicated, role: Role, campaign: Campaign) {
    let key = lock_key(role);
    let mut backoff = Duration::from_millis(250);
    loop {
        let connected = tokio::select! {
            _ = campaign.stopped() => return,
            r = conn.cfg.connect(conn.tls.clone()) => r,
        };
        let (client, connection) = match connected {
            Ok(c) => c,
            Err(e) => {
                tracing::debug!(role = role.as_str(), error = %describe(&e), "cannot open a connection to campaign on");
                if !pause(backoff, campaign.stopped()).await {
                    return;
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        backoff = Duration::from_millis(250);
        let mut driver = tokio::spawn(connection);
        if hold_while_connected(&client, &mut driver, key, role, &campaign).await {
            return;
        }
        // The session ends with the client: the server releases the lock if it still had it.
        drop(client);
        if !pause(backoff, campaign.stopped()).await {
            return;
        }
    }
}

/// Tries for the lock on one connection and holds it while the connection lives. True when the
/// campaign stopped; false when the connection failed (the role, if held, is given up first).
async fn hold_while_connected<T>(
    client: &tokio_postgres::Client,
    driver: &mut tokio::task::JoinHandle<T>,
    key: i64,
    role: Role,
    campaign: &Campaign,
) -> bool {
    if let Err(e) = client.batch_execute(SERVER_KEEPALIVE).await {
        tracing::debug!(role = role.as_str(), error = %describe(&e), "could not set keepalives");
        return false;
    }
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 1] = [&key];
    loop {
        let tried = tokio::select! {
            _ = campaign.stopped() => return true,
            _ = &mut *driver => return false,
            r = tokio::time::timeout(
                PING_TIMEOUT,
                client.query_one("SELECT pg_try_advisory_lock($1)", &params),
            ) => r,
        };
        match tried {
            Ok(Ok(row)) if row.get::<_, bool>(0) => break,
            Ok(Ok(_)) => {
                tokio::select! {
                    _ = campaign.stopped() => return true,
                    _ = &mut *driver => return false,
                    _ = tokio::time::sleep(RETRY) => {}
                }
            }
            _ => return false,
        }
    }
    campaign.set(true);
    tracing::info!(role = role.as_str(), "took a singleton role");
    let why = loop {
        tokio::select! {
            _ = campaign.stopped() => {
                campaign.set(false);
                tracing::info!(role = role.as_str(), "gave up a singleton role (stopping)");
                return true;
            }
            _ = &mut *driver => break "the connection dropped".to_string(),
            _ = tokio::time::sleep(PING_EVERY) => {
                match tokio::time::timeout(PING_TIMEOUT, client.simple_query("SELECT 1")).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => break describe(&e),
                    Err(_) => break "the database did not answer a ping".to_string(),
                }
            }
        }
    };
    campaign.set(false);
    tracing::warn!(role = role.as_str(), error = %why, "lost a singleton role");
    false
}
