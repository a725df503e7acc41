//! Coordination between relays that share one store: wake-ups across replicas, and one leader per
//! singleton role.
//!
//! Why in the store: the store is the one thing replicas share, and PostgreSQL already provides
//! both (`LISTEN/NOTIFY`, advisory locks), so there is no second system to run. sled serves one
//! process (its data directory is locked), so there the local signals are all the wake-ups there
//! are and every role is held by the one process.

use std::sync::Arc;

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::routing::Channel;

/// Work that a commit made ready, as other replicas hear of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// An event entered the inbox: the dispatcher has work.
    Inbox,
    /// Jobs of this channel became due.
    Channel(Channel),
    /// Anything may be ready: sent when listening starts or starts again after a lost connection,
    /// because wake-ups sent while nobody listened are gone.
    All,
}

impl Wake {
    pub fn as_str(&self) -> &'static str {
        match self {
            Wake::Inbox => "inbox",
            Wake::Channel(c) => c.as_str(),
            Wake::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<Wake> {
        match s {
            "inbox" => Some(Wake::Inbox),
            "all" => Some(Wake::All),
            _ => Channel::ALL
                .into_iter()
                .find(|c| c.as_str() == s)
                .map(Wake::Channel),
        }
    }
}

/// Work that must run on one replica at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The bot's singleton work: getUpdates long polling (Telegram answers 409 to a second poller)
    /// and pushing new notices to organizers.
    BotPoller,
    /// Retention: expiring dedup keys, old events, meeting memory and sent-job records.
    Janitor,
    /// The getUpdates poller of one community's own bot, by the bot's Telegram id: each bot has
    /// its own update stream, and Telegram answers 409 to a second poller of the same bot.
    OwnBotPoller(i64),
}

impl Role {
    pub const ALL: [Role; 2] = [Role::BotPoller, Role::Janitor];

    /// The name in logs and in the `relay_leader{role=..}` gauge.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::BotPoller => "bot_poller",
            Role::Janitor => "janitor",
            Role::OwnBotPoller(_) => "own_bot_poller",
        }
    }
}

pub trait Cluster: Send + Sync {
    /// Starts listening for work that commits on any replica (this one included) made ready:
    /// events appended to the inbox, jobs queued. The first message, and the first after every
    /// reconnect, is [`Wake::All`]. None when the backend serves one process only, where the local
    /// signals already say everything. Wake-ups may be lost or repeated: callers keep polling as a
    /// fallback. Listening stops when the receiver is dropped. Must run inside a Tokio runtime.
    fn wakeups(&self) -> Option<mpsc::Receiver<Wake>>;

    /// Campaigns for `role`: at most one campaign per role holds it at a time across everything
    /// that shares this store, and another takes it over soon after the holder stops (its
    /// campaign dropped, its process dead or cut off). The campaign runs until every clone of the
    /// returned handle is dropped. Must run inside a Tokio runtime.
    fn campaign(&self, role: Role) -> Leadership;
}

/// This replica's side of one role, as its campaign publishes it. Clones share the campaign,
/// which ends (releasing the role) when the last clone is dropped.
#[derive(Clone)]
pub struct Leadership {
    rx: watch::Receiver<bool>,
    _campaign: Arc<StopOnDrop>,
}

/// The backend's end of a campaign: it publishes whether the role is held and stops when
/// [`Campaign::stopped`] fires.
pub struct Campaign {
    tx: watch::Sender<bool>,
    stop: CancellationToken,
}

struct StopOnDrop(CancellationToken);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

impl Leadership {
    /// A new campaign's two ends, not leading yet.
    pub fn new() -> (Leadership, Campaign) {
        let (tx, rx) = watch::channel(false);
        let stop = CancellationToken::new();
        (
            Leadership {
                rx,
                _campaign: Arc::new(StopOnDrop(stop.clone())),
            },
            Campaign { tx, stop },
        )
    }

    /// Whether this replica holds the role now.
    pub fn is_leader(&self) -> bool {
        *self.rx.borrow()
    }

    /// Waits until this replica holds the role; false when the campaign ended instead.
    pub async fn acquired(&mut self) -> bool {
        self.rx.wait_for(|held| *held).await.is_ok()
    }

    /// Waits until the role is lost (at once when it is not held).
    pub async fn lost(&mut self) {
        let _ = self.rx.wait_for(|held| !*held).await;
    }

    /// Waits for the next change of the role's state; false when the campaign ended.
    pub async fn changed(&mut self) -> bool {
        self.rx.changed().await.is_ok()
    }
}

impl Campaign {
    /// Publishes whether the role is held.
    pub fn set(&self, held: bool) {
        self.tx
            .send_if_modified(|v| std::mem::replace(v, held) != held);
    }

    /// Fires when every handle of the campaign is gone.
    pub async fn stopped(&self) {
        self.stop.cancelled().await
    }

    pub fn is_stopped(&self) -> bool {
        self.stop.is_cancelled()
    }
}

impl Drop for Campaign {
    fn drop(&mut self) {
        self.tx.send_replace(false);
    }
}
