//! Rendering one message: the route's and tenant's overrides over the defaults, the budget, and
//! the plain line that goes out when even a default template fails.

use std::collections::BTreeMap;

use super::Dispatcher;
use super::fairness::TENANT_RENDER_BUCKET;
use super::fairness::template_set_hash;
use super::{NOTICE_EVERY_MS, idempotency_key};
use crate::i18n::Lang;
use crate::render::budget::thread_cpu_ns;
use crate::render::{ContextInput, OverLimit, Overrides, RenderError, build_context};
use crate::routing::{Channel, Route, Target};
use crate::store::TenantId;
use crate::store::{MeetingMemory, Message, NewJob};
use crate::zoom::ZoomEvent;

/// One message to render: the route that renders it, its target, and the unsubscribe link of a
/// member's email subscription. Owned, so the renders can move to the blocking pool.
pub(super) struct Work {
    pub(super) route: Route,
    pub(super) target: Target,
    pub(super) unsubscribe_url: Option<String>,
    /// Email: the signed manage page (pause, resume, leave), added as a footer to every message.
    pub(super) manage_url: Option<String>,
    /// Email: the language the member chose (stored with their consent); the footer speaks it,
    /// or the route's language when they chose none.
    pub(super) member_lang: Option<Lang>,
}

/// What every render of one event shares.
pub(super) struct RenderInput {
    pub(super) seq: u64,
    pub(super) received_at_ms: i64,
    pub(super) app: String,
    pub(super) account: String,
    pub(super) ev: ZoomEvent,
    pub(super) memory: Option<MeetingMemory>,
    pub(super) tenant_templates: BTreeMap<String, String>,
}

/// The renders of one event so far.
#[derive(Default)]
pub(super) struct Rendered {
    pub(super) jobs: Vec<NewJob>,
    pub(super) dead: Vec<(NewJob, String)>,
    /// Renders that went over a limit since the last look: (route, limit), for the notice.
    pub(super) over: Vec<(String, OverLimit)>,
    pub(super) spent_ns: u64,
}

impl Dispatcher {
    /// Renders `work[from..]` (CPU work, on the blocking pool). Stops before a message, other than
    /// the first of this call, once the event has spent more than a bucket of render time, and
    /// returns where it stopped: the caller decides whether the event gives way.
    pub(super) fn render_from(
        &self,
        input: &RenderInput,
        work: &[Work],
        from: usize,
        mut done: Rendered,
    ) -> (Rendered, Option<usize>) {
        let (app, account, ev) = (input.app.as_str(), input.account.as_str(), &input.ev);
        for (n, w) in work.iter().enumerate().skip(from) {
            if n > from && done.spent_ns > TENANT_RENDER_BUCKET.as_nanos() as u64 {
                return (done, Some(n));
            }
            let started = thread_cpu_ns();
            let rendered = self.render(
                ev,
                app,
                (&w.route, &w.target),
                input.memory.as_ref(),
                &input.tenant_templates,
                w.unsubscribe_url.as_deref(),
            );
            let took = thread_cpu_ns().saturating_sub(started);
            done.spent_ns += took;
            self.fairness.charge(app, account, took);
            let (message, over) = match rendered {
                Ok(m) => (m, None),
                Err(limit) => {
                    done.over.push((w.route.name.clone(), limit));
                    let m = fallback_message(w.target.channel(), ev);
                    (m, Some(format!("template over limit: {limit}")))
                }
            };
            let message = match &w.manage_url {
                Some(url) => {
                    let lang = w.member_lang.unwrap_or_else(|| self.route_lang(&w.route));
                    with_manage_footer(message, url, lang)
                }
                None => message,
            };
            let job = NewJob {
                idempotency_key: idempotency_key(input.seq, &w.target),
                event: ev.kind.to_string(),
                app_id: app.to_string(),
                account_id: account.to_string(),
                route_name: w.route.name.clone(),
                meeting_uuid: ev.meeting().and_then(|m| m.uuid.clone()),
                target: w.target.clone(),
                message,
                options: w.route.delivery_options(),
                unsubscribe_url: w.unsubscribe_url.clone(),
                received_at_ms: input.received_at_ms,
            };
            match over {
                Some(reason) => done.dead.push((job, reason)),
                None => done.jobs.push(job),
            }
        }
        (done, None)
    }

    /// Counts a render over budget and tells the tenant's organizers, at most once an hour.
    pub(super) async fn over_limit(&self, app: &str, account: &str, route: &str, limit: OverLimit) {
        let tenant = TenantId::new(app, account);
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
        let recent = self.db.list_notices(Some(&tenant)).await.map(|ns| {
            ns.iter()
                .any(|n| n.kind == "template_over_limit" && now - n.at_ms < NOTICE_EVERY_MS)
        });
        if let Ok(false) = recent {
            let message = format!(
                "A message of route \"{route}\" was not sent: its template went over a limit ({limit}). {} Messages with this template are kept as dead letters until it is fixed.",
                limit.explain()
            );
            if let Err(e) = self
                .db
                .add_notice(&tenant, "template_over_limit", &message, Some(route), None)
                .await
            {
                tracing::error!(error = %e, "recording a template notice failed");
            }
        }
    }
    /// Every email gets a signed one-click unsubscribe link (for its headers and templates) and a
    /// signed manage link (for the footer): (unsubscribe, manage). None for other channels.
    pub(super) fn email_links(
        &self,
        app: &str,
        account: &str,
        route: &Route,
        target: &Target,
    ) -> Option<(String, String)> {
        let Target::Email { to } = target else {
            return None;
        };
        let key = self.config.security.data_key.bytes();
        let public = &self.config.server.public_url;
        let u = super::unsubscribe::Unsubscribe {
            app: app.to_string(),
            account: account.to_string(),
            route: route.name.clone(),
            address: to.trim().to_lowercase(),
        };
        Some((
            super::unsubscribe::unsubscribe_url(public, key, &u),
            super::unsubscribe::manage_url(public, key, &u),
        ))
    }

    /// The language of the route's alerts (its `locale`, else `[defaults] locale`).
    pub(super) fn route_lang(&self, route: &Route) -> Lang {
        Lang::from_tag(crate::i18n::alert_locale(
            route.locale.as_deref(),
            &self.config.default_locale,
        ))
        .unwrap_or_else(Lang::english)
    }

    /// Renders with the route's and tenant's overrides. A broken override must not cost the alert:
    /// it falls back to the default templates (overrides are validated when saved, so this is rare).
    /// An override over its render budget is different: it fails that message alone (`Err`), and
    /// is remembered for a while so it is not rendered again (see [`Fairness`]).
    pub(super) fn render(
        &self,
        ev: &ZoomEvent,
        app: &str,
        (route, target): (&Route, &Target),
        memory: Option<&MeetingMemory>,
        tenant_templates: &BTreeMap<String, String>,
        unsubscribe_url: Option<&str>,
    ) -> Result<Message, OverLimit> {
        let ctx = build_context(&ContextInput {
            event: ev,
            app_id: app,
            route_name: &route.name,
            timezone: &route.timezone,
            locale: Some(crate::i18n::alert_locale(
                route.locale.as_deref(),
                &self.config.default_locale,
            )),
            include_join_link: route.include_join_link,
            join_url: memory.and_then(|m| m.join_url.as_deref()),
            password: memory.and_then(|m| m.password.as_deref()),
            public_url: &self.config.server.public_url,
            unsubscribe_url,
        });
        let kind = target.channel();
        let layers = Overrides {
            layers: vec![&route.templates, tenant_templates],
        };
        let set = template_set_hash((app, &route.account_id), ev.kind.as_str(), kind, &layers);
        if let Some(limit) = set.and_then(|h| self.fairness.known_bomb(&h)) {
            return Err(limit);
        }
        Ok(match self.renderer.render(kind, &ev.kind, &ctx, &layers) {
            Ok(r) => r,
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
                    Ok(r) => r,
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
pub(super) fn fallback_message(kind: Channel, ev: &ZoomEvent) -> Message {
    use crate::render::escape_html;
    let topic = ev
        .meeting()
        .and_then(|m| m.topic.clone())
        .unwrap_or_else(|| "a meeting".into());
    // Plain words for members ("Meeting started: Tuesday group"); the topic is the host's input,
    // so it goes through the same escapers as template values (hidden controls dropped).
    let text = format!("{}: {topic}", ev.kind.plain());
    match kind {
        Channel::Telegram => Message::Telegram {
            html: escape_html(&text),
        },
        Channel::Email => Message::Email {
            subject: crate::render::escape_subject(&text),
            html: escape_html(&text),
            text,
        },
        Channel::Webhook => Message::Webhook {
            json: serde_json::json!({"type": ev.kind.as_str(), "data": {"topic": topic}})
                .to_string(),
        },
        Channel::Log => Message::Log { text },
    }
}

/// Appends the manage link to an email, after whatever the template rendered: an organizer's
/// template cannot take away a member's way out. Written in `lang`, the member's language, which
/// may differ from the alert's: the footer is theirs, the alert the organizer's.
pub fn with_manage_footer(message: Message, url: &str, lang: Lang) -> Message {
    match message {
        Message::Email {
            subject,
            mut text,
            mut html,
        } => {
            let words = lang.tr("mail-footer-manage");
            text.push_str(&format!("\n\n--\n{words}: {url}\n"));
            html.push_str(&format!(
                "<hr style=\"border:0;border-top:1px solid #ddd\"><p lang=\"{}\" dir=\"{}\" style=\"color:#666;font-size:12px\"><a href=\"{}\">{}</a></p>",
                lang.code(),
                lang.dir(),
                crate::render::escape_html(url),
                crate::render::escape_html(&words),
            ));
            Message::Email {
                subject,
                text,
                html,
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::config::{ConfigSource, EXAMPLE_CONFIG, from_toml_str};
    use crate::render::Renderer;
    use crate::store::{Db, temp_store, test_route};
    use crate::zoom::event::{ParsedEvent, parse};

    /// The last-resort line is read by members: plain words, and the host's topic goes through the
    /// same escapers as template values.
    #[test]
    fn the_fallback_line_is_plain_words_without_hidden_controls() {
        let body = br#"{"event":"meeting.started","event_ts":1,"payload":{"account_id":"a","object":{"id":"1","uuid":"u","host_id":"h","topic":"Tue\u202Esday <group>","type":2,"start_time":"2026-03-03T18:00:00Z","timezone":"UTC","duration":60}}}"#;
        let ParsedEvent::Ok(ev) = parse(body).expect("parses") else {
            panic!("typed event expected");
        };
        let Message::Telegram { html } = fallback_message(Channel::Telegram, &ev) else {
            panic!("telegram message expected");
        };
        assert_eq!(html, "Meeting started: Tuesday &lt;group&gt;");
        let Message::Email { subject, .. } = fallback_message(Channel::Email, &ev) else {
            panic!("email message expected");
        };
        assert_eq!(subject, "Meeting started: Tuesday <group>");
    }

    /// The renders run on the blocking pool in stretches: once an event has spent a bucket of
    /// render time, the next message waits for the async side to decide whether the event gives
    /// way, and a resumed stretch always renders at least the message it stopped at.
    #[test]
    fn renders_stop_after_a_bucket_and_resume_where_they_stopped() {
        let (_dir, store) = temp_store();
        let db: Db = Arc::new(store);
        let config = from_toml_str(EXAMPLE_CONFIG, ConfigSource::EmbeddedExample, &[]).unwrap();
        let d = Dispatcher::new(db, Arc::new(Renderer::new().unwrap()), Arc::new(config));
        let body = br#"{"event":"meeting.started","event_ts":1,"payload":{"account_id":"acc","object":{"id":"1","uuid":"u","host_id":"h","topic":"Standup","type":2,"start_time":"2026-03-03T18:00:00Z","timezone":"UTC","duration":60}}}"#;
        let ParsedEvent::Ok(ev) = parse(body).expect("parses") else {
            panic!("typed event expected");
        };
        let input = RenderInput {
            seq: 7,
            received_at_ms: 1,
            app: "default".into(),
            account: "acc".into(),
            ev,
            memory: None,
            tenant_templates: BTreeMap::new(),
        };
        let work: Vec<Work> = ["a", "b", "c"]
            .iter()
            .map(|name| Work {
                route: test_route(name),
                target: Target::Log,
                unsubscribe_url: None,
                manage_url: None,
                member_lang: None,
            })
            .collect();
        let spent = || Rendered {
            spent_ns: TENANT_RENDER_BUCKET.as_nanos() as u64 + 1,
            ..Rendered::default()
        };

        let (done, paused) = d.render_from(&input, &work, 0, spent());
        assert_eq!(paused, Some(1), "one message, then the event may give way");
        assert_eq!(done.jobs.len(), 1);
        assert_eq!(done.jobs[0].route_name, "a");

        let (done, paused) = d.render_from(&input, &work, 1, done);
        assert_eq!(
            paused,
            Some(2),
            "a resumed stretch renders the message it stopped at"
        );
        let names: Vec<&str> = done.jobs.iter().map(|j| j.route_name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert!(
            done.jobs
                .iter()
                .all(|j| j.idempotency_key.starts_with("msg_7_"))
        );
    }
}
