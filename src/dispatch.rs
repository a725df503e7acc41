//! The dispatcher: inbox -> outbox. One `step_batch()` claims the oldest inbox events (up to
//! [`BATCH`]); for each it updates meeting memory, matches the tenant's routes and renders one
//! message per target; then, in one store transaction for the batch, it removes the events from
//! the inbox and adds their jobs. The claim keeps other replicas' dispatchers off these events. A crash before the transaction
//! leaves the event in the inbox (it is dispatched again; memory updates are idempotent); a crash
//! after it leaves nothing to redo. Idempotency keys make a second dispatch of the same event harmless.
//!
//! The dispatcher is the only reader of the inbox: intake (`crate::intake`) appends, the
//! dispatcher claims (`claim_inbox`) and commits (`commit_dispatches`). Store calls go
//! through the seam and are awaited; the renders, which are CPU work under a budget, run on the
//! blocking pool so that a heavy template never holds an async worker.

mod batch;
mod fairness;
mod preview;
mod render;
pub mod unsubscribe;

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Notify;

pub use batch::run;
pub use fairness::{Fairness, KNOWN_BOMB_MEMORY, TENANT_RENDER_BUCKET};
pub use preview::{PreviewError, TestDelivery, TestReport};
pub use render::with_manage_footer;

use crate::apps::Apps;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::render::Renderer;
use crate::routing::{self, Channel, MatchInput, Target};
use crate::store::TenantId;
use crate::store::{Db, EventRecord, EventStatus, MeetingMemory, NewJob, StoreError};
use crate::tenants::Tenants;
use crate::zoom::event::{self, EventBody, ParsedEvent};
use crate::zoom::{EventKind, ZoomEvent};
use batch::Batch;
use render::{RenderInput, Rendered, Work};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DispatchOutcome {
    /// The inbox is empty.
    Idle,
    Dispatched {
        seq: u64,
        routes: u32,
        jobs: u32,
    },
    Unroutable {
        seq: u64,
        reason: String,
    },
    /// The event's account has not installed the (OAuth) app; stored, counted, not routed.
    NoTenant {
        seq: u64,
    },
    /// app_deauthorized: the tenant's data was purged, the event with it; or, for a user-managed
    /// app with other installs left, only that user's tokens were removed (`deleted` 0, the event
    /// kept).
    Purged {
        seq: u64,
        deleted: u64,
    },
    /// The tenant used up its render time while other tenants' events wait: the event stays in
    /// the inbox and is dispatched again later, after theirs.
    Deferred {
        seq: u64,
    },
}

/// How deep the dispatcher looks into the inbox for another tenant's event.
const FAIR_SCAN: usize = 256;
/// Events one dispatcher step claims and commits together: on PostgreSQL one transaction (one WAL
/// flush) for them all, instead of one each.
const BATCH: usize = 32;
/// How long a claimed inbox event is this dispatcher's before another replica may take it (a
/// dispatcher that died). A batch normally takes milliseconds; renders are bounded by their budget.
const CLAIM_LEASE_MS: i64 = 30_000;
/// At most one `template_over_limit` notice per tenant in this time.
const NOTICE_EVERY_MS: i64 = 3_600_000;

/// Wake-ups between the pipeline stages, so an event moves on at once instead of at the next poll.
/// `notify_one` keeps a permit when nobody waits, so no wake-up is lost.
#[derive(Default)]
pub struct Signals {
    pub inbox: Notify,
    pub telegram: Notify,
    pub email: Notify,
    pub webhook: Notify,
    pub log: Notify,
}

impl Signals {
    /// Pokes whoever a wake-up from the store (another replica's commit) concerns.
    pub fn wake(&self, w: crate::store::Wake) {
        use crate::store::Wake;
        match w {
            Wake::Inbox => self.inbox.notify_one(),
            Wake::Channel(c) => self.channel(c).notify_one(),
            Wake::All => {
                self.inbox.notify_one();
                for c in Channel::ALL {
                    self.channel(c).notify_one();
                }
            }
        }
    }

    pub fn channel(&self, c: Channel) -> &Notify {
        match c {
            Channel::Telegram => &self.telegram,
            Channel::Email => &self.email,
            Channel::Webhook => &self.webhook,
            Channel::Log => &self.log,
        }
    }
}

#[derive(Clone)]
pub struct Dispatcher {
    db: Db,
    renderer: Arc<Renderer>,
    config: Arc<Config>,
    tenants: Option<Arc<Tenants>>,
    metrics: Option<Arc<Metrics>>,
    fairness: Arc<Fairness>,
    /// Whether an event's app installs (OAuth) and is user-managed; config and stored apps.
    apps: Arc<Apps>,
}

/// The idempotency key of the job for (event, target): stable across re-dispatch.
pub fn idempotency_key(event_seq: u64, target: &Target) -> String {
    crate::store::keys::idempotency_key(event_seq, target)
}

impl Dispatcher {
    pub fn new(db: Db, renderer: Arc<Renderer>, config: Arc<Config>) -> Dispatcher {
        Dispatcher {
            apps: Apps::new(config.clone(), db.clone()),
            db,
            renderer,
            config,
            tenants: None,
            metrics: None,
            fairness: Arc::new(Fairness::default()),
        }
    }

    /// Revokes tokens on uninstall and looks up join links (see [`Tenants::before_dispatch`]).
    pub fn with_tenants(mut self, tenants: Arc<Tenants>) -> Self {
        self.apps = tenants.apps().clone();
        self.tenants = Some(tenants);
        self
    }

    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Decides one event's outcome into `batch`; only an uninstall's purge writes at once.
    async fn dispatch_into(&self, rec: EventRecord, batch: &mut Batch) -> Result<(), StoreError> {
        if let Some(t) = self.tenants.as_ref().filter(|t| t.wants_prep(&rec)) {
            t.before_dispatch(&rec).await;
        }
        let seq = rec.seq;
        match self.prepare(&rec, &mut batch.routes).await? {
            Prepared::Unroutable(reason) => {
                tracing::info!(seq, event = %rec.event.event, %reason, "event not routed");
                let status = EventStatus::Unroutable {
                    reason: reason.clone(),
                };
                batch.add(rec, status, vec![], vec![], move |_| {
                    DispatchOutcome::Unroutable { seq, reason }
                });
            }
            Prepared::NoTenant => {
                tracing::info!(seq, app = %rec.event.app_id, event = %rec.event.event, "event from an account without an install; not routed");
                if let Some(m) = &self.metrics {
                    m.inc("events_no_tenant_total", &[("app", &rec.event.app_id)]);
                }
                batch.add(rec, EventStatus::NoTenant, vec![], vec![], move |_| {
                    DispatchOutcome::NoTenant { seq }
                });
            }
            Prepared::Purge { account, user_id } => {
                // Everything decided before the uninstall is committed before the purge.
                batch.commit(&self.db).await?;
                // A user-managed app: one user's uninstall removes only that user's tokens.
                let user_managed = self
                    .apps
                    .get_or_reload(&rec.event.app_id)
                    .await?
                    .is_some_and(|a| a.user_managed);
                let uninstalled = crate::tenants::uninstall(
                    &*self.db,
                    &rec.event.app_id,
                    &account,
                    user_id.as_deref(),
                    user_managed,
                    Some(seq),
                )
                .await?;
                // The purge removed the tenant's routes: later events of the batch read them again.
                batch.routes.clear();
                match uninstalled {
                    crate::tenants::Uninstalled::AccountPurged(report) => {
                        batch.outcomes.push(DispatchOutcome::Purged {
                            seq,
                            deleted: report.total(),
                        });
                    }
                    other => {
                        let reason = match other {
                            crate::tenants::Uninstalled::UserRemoved { remaining } => format!(
                                "one user uninstalled: their tokens were removed; {remaining} install(s) remain"
                            ),
                            _ => {
                                "an uninstall by a user who had no install: nothing removed".into()
                            }
                        };
                        let status = EventStatus::Unroutable { reason };
                        batch.add(rec, status, vec![], vec![], move |_| {
                            DispatchOutcome::Purged { seq, deleted: 0 }
                        });
                    }
                }
            }
            Prepared::Deferred => {
                tracing::debug!(seq, "tenant out of render time; event deferred");
                batch.released.push(seq);
                batch.outcomes.push(DispatchOutcome::Deferred { seq });
            }
            Prepared::Jobs { routes, jobs, dead } => {
                let total = (jobs.len() + dead.len()) as u32;
                let status = EventStatus::Dispatched {
                    routes,
                    jobs: total,
                };
                batch.add(rec, status, jobs, dead, move |created| {
                    tracing::debug!(seq, routes, jobs = created, "event dispatched");
                    DispatchOutcome::Dispatched {
                        seq,
                        routes,
                        jobs: created,
                    }
                });
            }
        }
        Ok(())
    }

    async fn prepare(
        &self,
        rec: &EventRecord,
        routes: &mut RouteMemo,
    ) -> Result<Prepared, StoreError> {
        if let Some(err) = &rec.event.parse_error {
            return Ok(Prepared::Unroutable(format!("malformed event: {err}")));
        }
        let ev = match event::parse(rec.event.body.as_bytes()) {
            Ok(ParsedEvent::Ok(ev)) => ev,
            Ok(ParsedEvent::Malformed { error, .. }) => {
                return Ok(Prepared::Unroutable(format!("malformed event: {error}")));
            }
            Err(e) => return Ok(Prepared::Unroutable(format!("unparsable event: {e}"))),
        };
        match &ev.kind {
            k if k.is_meeting() => {}
            EventKind::AppDeauthorized => {
                let user_id = match &ev.body {
                    EventBody::Deauthorized { user_id, .. } => user_id.clone(),
                    _ => None,
                };
                return Ok(match ev.account_id {
                    Some(account) => Prepared::Purge { account, user_id },
                    None => Prepared::Unroutable(
                        "app_deauthorized without payload.account_id: nothing to purge".into(),
                    ),
                });
            }
            other => {
                return Ok(Prepared::Unroutable(format!(
                    "no routing for event type `{other}`"
                )));
            }
        }
        let Some(account) = ev.account_id.clone() else {
            return Ok(Prepared::Unroutable(
                "event has no payload.account_id".into(),
            ));
        };
        let app = rec.event.app_id.as_str();
        // An OAuth app's events count only for accounts that installed it; a webhook-only app
        // (no OAuth credentials: an account's own internal app) routes by account id alone.
        let oauth_app = self
            .apps
            .get_or_reload(app)
            .await?
            .is_some_and(|a| a.has_oauth());
        if oauth_app
            && self
                .db
                .get_tenant(&TenantId::new(app, &account))
                .await?
                .is_none()
        {
            return Ok(Prepared::NoTenant);
        }
        let memory = self
            .update_memory(app, &account, &ev, rec.received_at_ms)
            .await?;
        self.plan_jobs(rec, ev, account, memory, routes).await
    }

    /// Keeps meeting memory current and returns what is known about the meeting.
    async fn update_memory(
        &self,
        app: &str,
        account: &str,
        ev: &ZoomEvent,
        received_at_ms: i64,
    ) -> Result<Option<MeetingMemory>, StoreError> {
        let tenant = TenantId::new(app, account);
        let EventBody::Meeting { meeting, .. } = &ev.body else {
            return Ok(None);
        };
        let Some(id) = meeting.id else {
            return Ok(None);
        };
        let known = self.db.meeting_memory(&tenant, id).await?;
        match ev.kind {
            EventKind::MeetingCreated | EventKind::MeetingUpdated => {
                let mut m = known.clone().unwrap_or_default();
                if meeting.topic.is_some() {
                    m.topic = meeting.topic.clone();
                }
                if meeting.join_url.is_some() {
                    m.join_url = meeting.join_url.clone();
                }
                if meeting.password.is_some() {
                    m.password = meeting.password.clone();
                }
                m.updated_at_ms = received_at_ms;
                self.db.remember_meeting(&tenant, id, &m).await?;
            }
            EventKind::MeetingEnded => {
                if let Some(uuid) = &meeting.uuid {
                    self.db
                        .mark_instance_ended(&tenant, uuid, received_at_ms)
                        .await?;
                }
            }
            EventKind::MeetingDeleted => self.db.forget_meeting(&tenant, id).await?,
            _ => {}
        }
        Ok(known)
    }

    async fn plan_jobs(
        &self,
        rec: &EventRecord,
        ev: ZoomEvent,
        account: String,
        memory: Option<MeetingMemory>,
        memo: &mut RouteMemo,
    ) -> Result<Prepared, StoreError> {
        let app = rec.event.app_id.clone();
        let tenant = TenantId::new(&app, &account);
        let routes = match memo.get(&tenant) {
            Some(r) => r.clone(),
            None => {
                let r = Arc::new(self.db.list_routes(Some(&tenant)).await?);
                memo.insert(tenant.clone(), r.clone());
                r
            }
        };
        let input =
            MatchInput::from_event(&app, &ev, memory.as_ref().and_then(|m| m.topic.as_deref()));
        let (planned, matched) = routing::plan(&routes, &input);
        let matched = matched.len() as u32;
        let now = chrono::Utc::now().timestamp_millis();
        let mut work = Vec::with_capacity(planned.len());
        for p in planned {
            // A target disabled after a permanent failure (410, bot kicked) gets nothing until an
            // organizer enables it again.
            if self.db.is_target_disabled(&tenant, &p.target.key()).await? {
                continue;
            }
            // A member who sent /mute gets nothing from their own subscriptions until it ends.
            if let (true, Target::Telegram { chat_id, .. }) = (p.member, &p.target)
                && self.db.is_member_muted(&tenant, *chat_id, now).await?
            {
                continue;
            }
            // Email goes only to addresses whose owner confirmed (double opt-in) and did not
            // pause; the consent is the owner's, apart from the route an organizer writes. It
            // also holds the language the owner chose, for the footer.
            let mut member_lang = None;
            if let Target::Email { to } = &p.target {
                match self.db.consent(&tenant, &p.route.name, to).await? {
                    Some(c) if c.may_send(now) => {
                        member_lang = c.lang.as_deref().and_then(crate::i18n::Lang::from_tag);
                    }
                    _ => continue,
                }
            }
            let links = self.email_links(&app, &account, p.route, &p.target);
            work.push(Work {
                unsubscribe_url: links.as_ref().map(|l| l.0.clone()),
                manage_url: links.map(|l| l.1),
                member_lang,
                route: p.route.clone(),
                target: p.target,
            });
        }
        // Nothing to render (no route matched, or every target is off): the tenant's templates
        // are not read. On PostgreSQL that is one round trip of the three an unmatched event took.
        if work.is_empty() {
            return Ok(Prepared::Jobs {
                routes: matched,
                jobs: vec![],
                dead: vec![],
            });
        }
        let tenant_templates = self.db.tenant_templates(&tenant).await?;
        let input = Arc::new(RenderInput {
            seq: rec.seq,
            received_at_ms: rec.received_at_ms,
            app,
            account,
            ev,
            memory,
            tenant_templates,
        });
        let work = Arc::new(work);
        let mut done = Rendered::default();
        let mut from = 0;
        while from < work.len() {
            let (d, i, w) = (self.clone(), input.clone(), work.clone());
            let (rendered, paused) =
                tokio::task::spawn_blocking(move || d.render_from(&i, &w, from, done))
                    .await
                    .map_err(|e| StoreError::Io(format!("the render task failed: {e}")))?;
            done = rendered;
            for (route, limit) in std::mem::take(&mut done.over) {
                self.over_limit(&input.app, &input.account, &route, limit)
                    .await;
            }
            let Some(at) = paused else {
                break;
            };
            // Give way once this event has used a bucket's worth of render time while another
            // tenant waits; the renders found over budget so far are remembered, so the next try
            // goes faster.
            if self
                .db
                .inbox_has_other_tenant(&TenantId::new(&input.app, &input.account), FAIR_SCAN)
                .await?
                && self.fairness.may_give_way(input.seq)
            {
                return Ok(Prepared::Deferred);
            }
            from = at;
        }
        Ok(Prepared::Jobs {
            routes: matched,
            jobs: done.jobs,
            dead: done.dead,
        })
    }
}

/// A tenant's routes, read once per claimed batch: the batch's events were all taken in before
/// the claim, so the routes as they stand after it serve each of them as well as a fresh read
/// would (an organizer's edit during the batch counts as made after it). Cleared by a purge.
type RouteMemo = HashMap<TenantId, Arc<Vec<routing::Route>>>;

enum Prepared {
    Unroutable(String),
    NoTenant,
    Purge {
        account: String,
        user_id: Option<String>,
    },
    Deferred,
    Jobs {
        routes: u32,
        jobs: Vec<NewJob>,
        dead: Vec<(NewJob, String)>,
    },
}
