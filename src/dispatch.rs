//! The dispatcher: inbox -> outbox. One `step()` takes the oldest inbox event, updates meeting
//! memory, matches the tenant's routes, renders one message per target and, in one store
//! transaction, removes the event from the inbox and adds its jobs. A crash before the transaction
//! leaves the event in the inbox (it is dispatched again; memory updates are idempotent); a crash
//! after it leaves nothing to redo. Idempotency keys make a second dispatch of the same event harmless.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::metrics::Metrics;
use crate::render::budget::thread_cpu_ns;
use crate::render::{
    ContextInput, DestinationKind, OverLimit, Overrides, RenderError, Rendered, Renderer,
    build_context,
};
use crate::routing::{self, Channel, MatchInput, Target};
use crate::store::{EventRecord, EventStatus, MeetingMemory, Message, NewJob, Store, StoreError};
use crate::tenants::Tenants;
use crate::zoom::event::{self, EventBody, ParsedEvent};
use crate::zoom::{EventKind, ZoomEvent};

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

/// Render time each tenant may spend at once, and gets back per second.
pub const TENANT_RENDER_BUCKET: Duration = Duration::from_millis(50);
/// How long a template that went over its budget is remembered and skipped without rendering.
pub const KNOWN_BOMB_MEMORY: Duration = Duration::from_secs(600);
/// How deep the dispatcher looks into the inbox for another tenant's event.
const FAIR_SCAN: usize = 256;
/// At most one `template_over_limit` notice per tenant in this time.
const NOTICE_EVERY_MS: i64 = 3_600_000;

/// Fairness across tenants in dispatch. There is one dispatcher, so any time one tenant's
/// renders take is time every other tenant's alert waits. Each tenant has a token bucket of
/// render CPU time ([`TENANT_RENDER_BUCKET`], refilled at the same amount per second): a tenant
/// whose bucket is empty has its events deferred behind other tenants' (never dropped: when
/// nobody else waits, its events go on). Within one event, a tenant that has spent its bucket
/// while another tenant waits gives way, once per event, and the event is dispatched again later. A template
/// that went over its budget is remembered for [`KNOWN_BOMB_MEMORY`] and dead-lettered at once,
/// without rendering. With the 20 ms per-message budget, another tenant's alert waits at most
/// about 50 + 20 ms for a tenant's renders.
#[derive(Default)]
pub struct Fairness {
    inner: Mutex<FairState>,
}

#[derive(Default)]
struct FairState {
    /// (app, account) -> (tokens in ns, may be negative; when last refilled).
    buckets: HashMap<(String, String), (i64, Instant)>,
    /// Hash of a template set -> (when it went over, which limit).
    bombs: HashMap<[u8; 32], (Instant, OverLimit)>,
    /// Events that already gave way once (seq -> when): the second try runs to the end, so an
    /// event whose renders are slow but within budget cannot be put off for ever.
    gave_way: HashMap<u64, Instant>,
}

impl Fairness {
    fn tokens(state: &mut FairState, app: &str, account: &str) -> i64 {
        let cap = TENANT_RENDER_BUCKET.as_nanos() as i64;
        let now = Instant::now();
        let entry = state
            .buckets
            .entry((app.to_owned(), account.to_owned()))
            .or_insert((cap, now));
        let refill = now.duration_since(entry.1).as_nanos() as i64 * cap / 1_000_000_000;
        entry.0 = (entry.0 + refill).min(cap);
        entry.1 = now;
        entry.0
    }

    /// Whether the tenant has render time left.
    pub fn has_tokens(&self, app: &str, account: &str) -> bool {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        Self::tokens(&mut s, app, account) > 0
    }

    /// Takes `ns` of render time from the tenant's bucket.
    pub fn charge(&self, app: &str, account: &str, ns: u64) {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        Self::tokens(&mut s, app, account);
        if let Some(b) = s.buckets.get_mut(&(app.to_owned(), account.to_owned())) {
            b.0 -= ns as i64;
        }
        // Forget idle tenants now and then so the map stays small.
        if s.buckets.len() > 10_000 {
            let cap = TENANT_RENDER_BUCKET.as_nanos() as i64;
            s.buckets.retain(|_, b| b.0 < cap);
        }
    }

    fn known_bomb(&self, h: &[u8; 32]) -> Option<OverLimit> {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        s.bombs
            .retain(|_, (at, _)| at.elapsed() < KNOWN_BOMB_MEMORY);
        s.bombs.get(h).map(|(_, l)| *l)
    }

    /// Whether event `seq` may give way now: once per event.
    fn may_give_way(&self, seq: u64) -> bool {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        s.gave_way.retain(|_, at| at.elapsed() < KNOWN_BOMB_MEMORY);
        s.gave_way.insert(seq, Instant::now()).is_none()
    }

    fn remember_bomb(&self, h: [u8; 32], limit: OverLimit) {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        s.bombs.insert(h, (Instant::now(), limit));
    }
}

/// Identifies the override set a message would render with, per tenant: the same sources hash the
/// same, an edited template is a new one, and one tenant's bomb never marks another tenant's copy.
fn template_set_hash(
    tenant: (&str, &str),
    event: &str,
    kind: DestinationKind,
    layers: &Overrides,
) -> Option<[u8; 32]> {
    let mut h = Sha256::new();
    for part in [tenant.0, tenant.1] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let mut any = false;
    for key in kind.keys() {
        if let Some(src) = layers.find(event, key) {
            any = true;
            h.update(key.as_bytes());
            h.update((src.len() as u64).to_be_bytes());
            h.update(src.as_bytes());
        }
    }
    any.then(|| h.finalize().into())
}

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
    store: Store,
    renderer: Arc<Renderer>,
    config: Arc<Config>,
    tenants: Option<Arc<Tenants>>,
    metrics: Option<Arc<Metrics>>,
    fairness: Arc<Fairness>,
}

/// The idempotency key of the job for (event, target): stable across re-dispatch.
pub fn idempotency_key(event_seq: u64, target: &Target) -> String {
    crate::store::keys::idempotency_key(event_seq, target)
}

fn destination_kind(t: &Target) -> DestinationKind {
    match t {
        Target::Telegram { .. } => DestinationKind::Telegram,
        Target::Email { .. } => DestinationKind::Email,
        Target::Webhook { .. } => DestinationKind::Webhook,
        Target::Log => DestinationKind::Log,
    }
}

pub fn to_message(r: Rendered) -> Message {
    match r {
        Rendered::Telegram { html } => Message::Telegram { html },
        Rendered::Email {
            subject,
            text,
            html,
        } => Message::Email {
            subject,
            text,
            html,
        },
        Rendered::Webhook { json } => Message::Webhook { json },
        Rendered::Log { text } => Message::Log { text },
    }
}

impl Dispatcher {
    pub fn new(store: Store, renderer: Arc<Renderer>, config: Arc<Config>) -> Dispatcher {
        Dispatcher {
            store,
            renderer,
            config,
            tenants: None,
            metrics: None,
            fairness: Arc::new(Fairness::default()),
        }
    }

    /// The next inbox event, tenants with render time left first (see [`Fairness`]).
    fn next_event(&self) -> Result<Option<EventRecord>, StoreError> {
        self.store.next_inbox_event_fair(
            &|rec: &EventRecord| {
                rec.event
                    .account_id
                    .as_deref()
                    .is_some_and(|acc| !self.fairness.has_tokens(&rec.event.app_id, acc))
            },
            FAIR_SCAN,
        )
    }

    /// Revokes tokens on uninstall and looks up join links (see [`Tenants::before_dispatch`]).
    pub fn with_tenants(mut self, tenants: Arc<Tenants>) -> Self {
        self.tenants = Some(tenants);
        self
    }

    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Dispatches the oldest inbox event. Blocking (store I/O); async callers use spawn_blocking.
    pub fn step(&self) -> Result<DispatchOutcome, StoreError> {
        let Some(rec) = self.next_event()? else {
            return Ok(DispatchOutcome::Idle);
        };
        self.dispatch(rec)
    }

    /// Like [`Dispatcher::step`], but hands back an event that needs async work first (a join-link
    /// lookup, a token revocation; see [`Tenants::wants_prep`]) instead of dispatching it. Most
    /// events need none and are dispatched in the same blocking call.
    fn step_or_prep(&self) -> Result<Next, StoreError> {
        let Some(rec) = self.next_event()? else {
            return Ok(Next::Done(DispatchOutcome::Idle));
        };
        if self.tenants.as_ref().is_some_and(|t| t.wants_prep(&rec)) {
            return Ok(Next::Prep(Box::new(rec)));
        }
        self.dispatch(rec).map(Next::Done)
    }

    /// Dispatches one inbox event (see [`Dispatcher::step`]).
    pub fn dispatch(&self, rec: EventRecord) -> Result<DispatchOutcome, StoreError> {
        let seq = rec.seq;
        match self.prepare(&rec)? {
            Prepared::Unroutable(reason) => {
                tracing::info!(seq, event = %rec.event.event, %reason, "event not routed");
                self.store.commit_dispatch(
                    &rec,
                    EventStatus::Unroutable {
                        reason: reason.clone(),
                    },
                    vec![],
                )?;
                Ok(DispatchOutcome::Unroutable { seq, reason })
            }
            Prepared::NoTenant => {
                tracing::info!(seq, app = %rec.event.app_id, event = %rec.event.event, "event from an account without an install; not routed");
                self.store
                    .commit_dispatch(&rec, EventStatus::NoTenant, vec![])?;
                if let Some(m) = &self.metrics {
                    m.inc("events_no_tenant_total", &[("app", &rec.event.app_id)]);
                }
                Ok(DispatchOutcome::NoTenant { seq })
            }
            Prepared::Purge { account, user_id } => {
                // A user-managed app: one user's uninstall removes only that user's tokens.
                let user_managed = self
                    .config
                    .zoom
                    .apps
                    .iter()
                    .any(|a| a.id == rec.event.app_id && a.user_managed);
                match crate::tenants::uninstall(
                    &self.store,
                    &rec.event.app_id,
                    &account,
                    user_id.as_deref(),
                    user_managed,
                    Some(seq),
                )? {
                    crate::tenants::Uninstalled::AccountPurged(report) => {
                        Ok(DispatchOutcome::Purged {
                            seq,
                            deleted: report.total(),
                        })
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
                        self.store.commit_dispatch(
                            &rec,
                            EventStatus::Unroutable { reason },
                            vec![],
                        )?;
                        Ok(DispatchOutcome::Purged { seq, deleted: 0 })
                    }
                }
            }
            Prepared::Deferred => {
                tracing::debug!(seq, "tenant out of render time; event deferred");
                Ok(DispatchOutcome::Deferred { seq })
            }
            Prepared::Jobs { routes, jobs, dead } => {
                let total = (jobs.len() + dead.len()) as u32;
                let created = self.store.commit_dispatch_with_dead(
                    &rec,
                    EventStatus::Dispatched {
                        routes,
                        jobs: total,
                    },
                    jobs,
                    dead,
                )?;
                tracing::debug!(seq, routes, jobs = created, "event dispatched");
                Ok(DispatchOutcome::Dispatched {
                    seq,
                    routes,
                    jobs: created,
                })
            }
        }
    }

    fn prepare(&self, rec: &EventRecord) -> Result<Prepared, StoreError> {
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
            .config
            .zoom
            .apps
            .iter()
            .any(|a| a.id == app && a.has_oauth());
        if oauth_app && self.store.get_tenant(app, &account)?.is_none() {
            return Ok(Prepared::NoTenant);
        }
        let memory = self.update_memory(app, &account, &ev, rec.received_at_ms)?;
        self.plan_jobs(rec, &ev, app, &account, memory.as_ref())
    }

    /// Keeps meeting memory current and returns what is known about the meeting.
    fn update_memory(
        &self,
        app: &str,
        account: &str,
        ev: &ZoomEvent,
        received_at_ms: i64,
    ) -> Result<Option<MeetingMemory>, StoreError> {
        let EventBody::Meeting { meeting, .. } = &ev.body else {
            return Ok(None);
        };
        let Some(id) = meeting.id else {
            return Ok(None);
        };
        let known = self.store.meeting_memory(app, account, id)?;
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
                self.store.remember_meeting(app, account, id, &m)?;
            }
            EventKind::MeetingEnded => {
                if let Some(uuid) = &meeting.uuid {
                    self.store
                        .mark_instance_ended(app, account, uuid, received_at_ms)?;
                }
            }
            EventKind::MeetingDeleted => self.store.forget_meeting(app, account, id)?,
            _ => {}
        }
        Ok(known)
    }

    fn plan_jobs(
        &self,
        rec: &EventRecord,
        ev: &ZoomEvent,
        app: &str,
        account: &str,
        memory: Option<&MeetingMemory>,
    ) -> Result<Prepared, StoreError> {
        let routes = self.store.list_routes(Some((app, account)))?;
        let input = MatchInput::from_event(app, ev, memory.and_then(|m| m.topic.as_deref()));
        let (planned, matched) = routing::plan(&routes, &input);
        let matched = matched.len();
        let tenant_templates = self.store.tenant_templates(app, account)?;
        let mut jobs = Vec::with_capacity(planned.len());
        let mut dead = Vec::new();
        let mut spent_ns = 0u64;
        for (n, p) in planned.into_iter().enumerate() {
            // Give way once this event has used a bucket's worth of render time while another
            // tenant waits; the renders found over budget so far are remembered, so the next
            // try goes faster.
            if n > 0
                && spent_ns > TENANT_RENDER_BUCKET.as_nanos() as u64
                && self.store.inbox_has_other_tenant(app, account, FAIR_SCAN)?
                && self.fairness.may_give_way(rec.seq)
            {
                return Ok(Prepared::Deferred);
            }
            // A target disabled after a permanent failure (410, bot kicked) gets nothing until an
            // organizer enables it again.
            if self
                .store
                .is_target_disabled(app, account, &p.target.key())?
            {
                continue;
            }
            // A member who sent /mute gets nothing from their own subscriptions until it ends.
            if let (true, Target::Telegram { chat_id, .. }) = (p.member, &p.target)
                && self.store.is_member_muted(
                    app,
                    account,
                    *chat_id,
                    chrono::Utc::now().timestamp_millis(),
                )?
            {
                continue;
            }
            let unsubscribe_url = self.unsubscribe_url(app, account, p.route, &p.target, p.member);
            let started = thread_cpu_ns();
            let rendered = self.render(
                ev,
                app,
                &p,
                memory,
                &tenant_templates,
                unsubscribe_url.as_deref(),
            );
            let took = thread_cpu_ns().saturating_sub(started);
            spent_ns += took;
            self.fairness.charge(app, account, took);
            let (message, over) = match rendered {
                Ok(m) => (m, None),
                Err(limit) => {
                    self.over_limit(app, account, &p.route.name, limit);
                    let m = fallback_message(destination_kind(&p.target), ev);
                    (m, Some(format!("template over limit: {limit}")))
                }
            };
            let job = NewJob {
                idempotency_key: idempotency_key(rec.seq, &p.target),
                event: ev.kind.to_string(),
                app_id: app.to_string(),
                account_id: account.to_string(),
                route_name: p.route.name.clone(),
                meeting_uuid: ev.meeting().and_then(|m| m.uuid.clone()),
                target: p.target,
                message,
                options: p.route.delivery_options(),
                unsubscribe_url,
                received_at_ms: rec.received_at_ms,
            };
            match over {
                Some(reason) => dead.push((job, reason)),
                None => jobs.push(job),
            }
        }
        Ok(Prepared::Jobs {
            routes: matched as u32,
            jobs,
            dead,
        })
    }

    /// Counts a render over budget and tells the tenant's organizers, at most once an hour.
    fn over_limit(&self, app: &str, account: &str, route: &str, limit: OverLimit) {
        tracing::warn!(
            app,
            route,
            limit = limit.label(),
            "template over limit; message not sent"
        );
        if let Some(m) = &self.metrics {
            m.inc("renders_over_limit_total", &[("limit", limit.label())]);
        }
        let now = chrono::Utc::now().timestamp_millis();
        let recent = self.store.list_notices(Some((app, account))).map(|ns| {
            ns.iter()
                .any(|n| n.kind == "template_over_limit" && now - n.at_ms < NOTICE_EVERY_MS)
        });
        if let Ok(false) = recent {
            let message = format!(
                "A message of route \"{route}\" was not sent: its template went over a limit ({limit}). {} Messages with this template are kept as dead letters until it is fixed.",
                limit.explain()
            );
            if let Err(e) = self.store.add_notice(
                app,
                account,
                "template_over_limit",
                &message,
                Some(route),
                None,
            ) {
                tracing::error!(error = %e, "recording a template notice failed");
            }
        }
    }

    /// A member's personal email subscription gets a signed one-click unsubscribe link.
    fn unsubscribe_url(
        &self,
        app: &str,
        account: &str,
        route: &routing::Route,
        target: &Target,
        member: bool,
    ) -> Option<String> {
        let Target::Email { to } = target else {
            return None;
        };
        member.then(|| {
            crate::service::subscriptions::unsubscribe_url(
                &self.config.server.public_url,
                self.config.security.data_key.bytes(),
                &crate::service::subscriptions::Unsubscribe {
                    app: app.to_string(),
                    account: account.to_string(),
                    route: route.name.clone(),
                    address: to.clone(),
                },
            )
        })
    }

    /// Renders with the route's and tenant's overrides. A broken override must not cost the alert:
    /// it falls back to the default templates (overrides are validated when saved, so this is rare).
    /// An override over its render budget is different: it fails that message alone (`Err`), and
    /// is remembered for a while so it is not rendered again (see [`Fairness`]).
    fn render(
        &self,
        ev: &ZoomEvent,
        app: &str,
        planned: &routing::Planned<'_>,
        memory: Option<&MeetingMemory>,
        tenant_templates: &BTreeMap<String, String>,
        unsubscribe_url: Option<&str>,
    ) -> Result<Message, OverLimit> {
        let (route, target) = (planned.route, &planned.target);
        let ctx = build_context(&ContextInput {
            event: ev,
            app_id: app,
            route_name: &route.name,
            timezone: &route.timezone,
            locale: route.locale.as_deref(),
            include_join_link: route.include_join_link,
            join_url: memory.and_then(|m| m.join_url.as_deref()),
            password: memory.and_then(|m| m.password.as_deref()),
            public_url: &self.config.server.public_url,
            unsubscribe_url,
        });
        let kind = destination_kind(target);
        let layers = Overrides {
            layers: vec![&route.templates, tenant_templates],
        };
        let set = template_set_hash((app, &route.account_id), ev.kind.as_str(), kind, &layers);
        if let Some(limit) = set.and_then(|h| self.fairness.known_bomb(&h)) {
            return Err(limit);
        }
        Ok(match self.renderer.render(kind, &ev.kind, &ctx, &layers) {
            Ok(r) => to_message(r),
            Err(RenderError::OverLimit { limit }) => {
                if let Some(h) = set {
                    self.fairness.remember_bomb(h, limit);
                }
                return Err(limit);
            }
            Err(e) => {
                tracing::warn!(route = %route.name, error = %e, "template override failed; using the default template");
                let none = Overrides { layers: vec![] };
                match self.renderer.render(kind, &ev.kind, &ctx, &none) {
                    Ok(r) => to_message(r),
                    Err(e) => {
                        tracing::error!(error = %e, "default template failed");
                        fallback_message(kind, ev)
                    }
                }
            }
        })
    }
}

/// Last resort when even a default template fails: a plain line that still says what happened.
fn fallback_message(kind: DestinationKind, ev: &ZoomEvent) -> Message {
    use crate::render::escape_html;
    let topic = ev
        .meeting()
        .and_then(|m| m.topic.clone())
        .unwrap_or_else(|| "a meeting".into());
    // Plain words for members ("Meeting started: Tuesday group"); the topic is the host's input,
    // so it goes through the same escapers as template values (hidden controls dropped).
    let text = format!("{}: {topic}", ev.kind.plain());
    match kind {
        DestinationKind::Telegram => Message::Telegram {
            html: escape_html(&text),
        },
        DestinationKind::Email => Message::Email {
            subject: crate::render::escape_subject(&text),
            html: escape_html(&text),
            text,
        },
        DestinationKind::Webhook => Message::Webhook {
            json: serde_json::json!({"type": ev.kind.as_str(), "data": {"topic": topic}})
                .to_string(),
        },
        DestinationKind::Log => Message::Log { text },
    }
}

/// The answer of a dry run (`routes test`): which routes fire and what each target would get.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TestReport {
    pub event: String,
    pub app_id: String,
    pub account_id: Option<String>,
    /// Why nothing could be routed, when that is the case.
    pub unroutable: Option<String>,
    pub routes_matched: Vec<String>,
    pub deliveries: Vec<TestDelivery>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TestDelivery {
    pub route: String,
    pub target: String,
    pub message: Message,
}

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Dispatcher {
    /// A dry run of dispatch for a raw event body: reads routes, templates and meeting memory, writes
    /// nothing.
    pub fn preview(&self, app: &str, body: &[u8]) -> Result<TestReport, PreviewError> {
        let ev = match event::parse(body) {
            Ok(ParsedEvent::Ok(ev)) => ev,
            Ok(ParsedEvent::Malformed { error, .. }) => {
                return Err(PreviewError::Invalid(format!("malformed event: {error}")));
            }
            Err(e) => return Err(PreviewError::Invalid(e.to_string())),
        };
        let mut report = TestReport {
            event: ev.kind.to_string(),
            app_id: app.to_string(),
            account_id: ev.account_id.clone(),
            unroutable: None,
            routes_matched: vec![],
            deliveries: vec![],
        };
        if !ev.kind.is_meeting() {
            report.unroutable = Some(format!("no routing for event type `{}`", ev.kind));
            return Ok(report);
        }
        let Some(account) = ev.account_id.clone() else {
            report.unroutable = Some("event has no payload.account_id".into());
            return Ok(report);
        };
        let memory = match ev.meeting().and_then(|m| m.id) {
            Some(id) => self.store.meeting_memory(app, &account, id)?,
            None => None,
        };
        let routes = self.store.list_routes(Some((app, &account)))?;
        let input =
            MatchInput::from_event(app, &ev, memory.as_ref().and_then(|m| m.topic.as_deref()));
        let (planned, matched) = routing::plan(&routes, &input);
        report.routes_matched = matched.iter().map(|r| r.name.clone()).collect();
        let tenant_templates = self.store.tenant_templates(app, &account)?;
        for p in planned {
            let unsubscribe_url = self.unsubscribe_url(app, &account, p.route, &p.target, p.member);
            let message = self
                .render(
                    &ev,
                    app,
                    &p,
                    memory.as_ref(),
                    &tenant_templates,
                    unsubscribe_url.as_deref(),
                )
                .unwrap_or_else(|limit| Message::Log {
                    text: format!("not sent: template over limit: {limit}"),
                });
            report.deliveries.push(TestDelivery {
                route: p.route.name.clone(),
                target: p.target.describe(),
                message,
            });
        }
        Ok(report)
    }
}

enum Next {
    Prep(Box<EventRecord>),
    Done(DispatchOutcome),
}

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

/// Runs `step()` until the inbox is empty, then waits for intake's signal (or a slow poll, as a
/// safety net) until the token is cancelled.
pub async fn run(d: Dispatcher, signals: Arc<Signals>, token: CancellationToken) {
    loop {
        loop {
            if token.is_cancelled() {
                return;
            }
            let next = {
                let d = d.clone();
                tokio::task::spawn_blocking(move || d.step_or_prep()).await
            };
            let step = match next {
                Ok(Ok(Next::Prep(rec))) => {
                    if let Some(t) = &d.tenants {
                        t.before_dispatch(&rec).await;
                    }
                    let d = d.clone();
                    tokio::task::spawn_blocking(move || d.dispatch(*rec)).await
                }
                Ok(Ok(Next::Done(outcome))) => Ok(Ok(outcome)),
                Ok(Err(e)) => Ok(Err(e)),
                Err(e) => Err(e),
            };
            match step {
                Ok(Ok(DispatchOutcome::Idle)) => break,
                Ok(Ok(DispatchOutcome::Dispatched { jobs, .. })) => {
                    if jobs > 0 {
                        for c in Channel::ALL {
                            signals.channel(c).notify_one();
                        }
                    }
                }
                Ok(Ok(DispatchOutcome::Purged { .. })) => {
                    if let Err(e) = d.store.flush().await {
                        tracing::error!(error = %e, "flushing after a tenant purge failed");
                    }
                }
                Ok(Ok(
                    DispatchOutcome::Unroutable { .. }
                    | DispatchOutcome::NoTenant { .. }
                    | DispatchOutcome::Deferred { .. },
                )) => {}
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "dispatch failed; retrying shortly");
                    break;
                }
                Err(e) => {
                    tracing::error!(error = %e, "dispatch task failed");
                    break;
                }
            }
        }
        tokio::select! {
            _ = token.cancelled() => return,
            _ = signals.inbox.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

#[cfg(test)]
mod fairness_tests {
    use super::*;

    #[test]
    fn a_tenant_that_spent_its_bucket_waits_and_others_do_not() {
        let f = Fairness::default();
        assert!(f.has_tokens("app", "a"));
        f.charge("app", "a", 60_000_000);
        assert!(!f.has_tokens("app", "a"), "60 ms spent of a 50 ms bucket");
        assert!(f.has_tokens("app", "b"), "another tenant is untouched");
    }

    #[test]
    fn known_bombs_are_remembered_and_events_give_way_once() {
        let f = Fairness::default();
        let h = [7u8; 32];
        assert_eq!(f.known_bomb(&h), None);
        f.remember_bomb(h, OverLimit::Repeats);
        assert_eq!(f.known_bomb(&h), Some(OverLimit::Repeats));
        assert!(f.may_give_way(42));
        assert!(!f.may_give_way(42), "the second try runs to the end");
    }
}

#[cfg(test)]
mod fallback_tests {
    use super::*;
    use crate::zoom::event::{ParsedEvent, parse};

    /// The last-resort line is read by members: plain words, and the host's topic goes through the
    /// same escapers as template values.
    #[test]
    fn the_fallback_line_is_plain_words_without_hidden_controls() {
        let body = br#"{"event":"meeting.started","event_ts":1,"payload":{"account_id":"a","object":{"id":"1","uuid":"u","host_id":"h","topic":"Tue\u202Esday <group>","type":2,"start_time":"2026-03-03T18:00:00Z","timezone":"UTC","duration":60}}}"#;
        let ParsedEvent::Ok(ev) = parse(body).expect("parses") else {
            panic!("typed event expected");
        };
        let Message::Telegram { html } = fallback_message(DestinationKind::Telegram, &ev) else {
            panic!("telegram message expected");
        };
        assert_eq!(html, "Meeting started: Tuesday &lt;group&gt;");
        let Message::Email { subject, .. } = fallback_message(DestinationKind::Email, &ev) else {
            panic!("email message expected");
        };
        assert_eq!(subject, "Meeting started: Tuesday <group>");
    }
}
