//! Renderer tests: shared fixtures, the default templates (snapshots) and join-link privacy here;
//! overrides, validation and escaping in their own files.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

const MEMORY_LINK: &str = "https://zoom.us/j/85393847045?pwd=fromMemory";

fn renderer() -> Renderer {
    Renderer::new().expect("defaults compile")
}

fn event_with(kind: &str, topic: &str) -> ZoomEvent {
    let body = sample(
        &EventKind::parse(kind),
        &SampleParams {
            now: sample_time(),
            topic: topic.to_owned(),
            ..SampleParams::default()
        },
    )
    .unwrap();
    match parse(body.to_string().as_bytes()).unwrap() {
        ParsedEvent::Ok(e) => e,
        other => panic!("{other:?}"),
    }
}

fn ctx_of(ev: &ZoomEvent, include_join_link: bool) -> Value {
    ctx_in(ev, include_join_link, "en")
}

fn ctx_in(ev: &ZoomEvent, include_join_link: bool, locale: &str) -> Value {
    build_context(&ContextInput {
        event: ev,
        app_id: "default",
        route_name: "Tuesday group",
        timezone: "America/New_York",
        locale: Some(locale),
        include_join_link,
        join_url: Some(MEMORY_LINK),
        password: Some("memPass"),
        public_url: "https://relay.example.org",
        unsubscribe_url: Some("https://relay.example.org/u/abc123"),
    })
}

fn render(r: &Renderer, dest: Channel, ev: &ZoomEvent, ctx: &Value) -> Rendered {
    r.render(dest, &ev.kind, ctx, &Overrides::none())
        .unwrap_or_else(|e| panic!("{} {dest:?}: {e}", ev.kind))
}

/// Renders `ev` for `dest` with one layer of overrides, given as (template key, source) pairs.
fn render_over(
    r: &Renderer,
    dest: Channel,
    ev: &ZoomEvent,
    ctx: &Value,
    layer: &[(&str, &str)],
) -> Result<Rendered, RenderError> {
    let layer: BTreeMap<String, String> = layer
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    r.render(
        dest,
        &ev.kind,
        ctx,
        &Overrides {
            layers: vec![&layer],
        },
    )
}

fn all_text(r: &Rendered) -> String {
    match r {
        Rendered::Telegram { html } => html.clone(),
        Rendered::Email {
            subject,
            text,
            html,
        } => format!("Subject: {subject}\n\n--- text ---\n{text}\n\n--- html ---\n{html}"),
        Rendered::Webhook { json } => json.clone(),
        Rendered::Log { text } => text.clone(),
    }
}

const DESTS: [(Channel, &str); 4] = [
    (Channel::Telegram, "telegram"),
    (Channel::Email, "email"),
    (Channel::Webhook, "webhook"),
    (Channel::Log, "log"),
];

#[test]
fn renderer_is_shareable_across_workers() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Renderer>();
}

#[test]
fn default_templates_snapshots() {
    let r = renderer();
    for event in DEFAULT_EVENTS {
        let ev = event_with(event, "Community call");
        let ctx = ctx_of(&ev, true);
        for (dest, name) in DESTS {
            let out = render(&r, dest, &ev, &ctx);
            insta::assert_snapshot!(
                format!("{}_{name}", event.replace('.', "_")),
                all_text(&out)
            );
        }
    }
}

/// Every language's Telegram message and email for every event: a translation that breaks a
/// template, or reads wrongly, shows up here. Webhook bodies and log lines are not translated.
#[test]
fn default_templates_snapshots_in_every_language() {
    let r = renderer();
    for lang in crate::i18n::Lang::all() {
        if lang.code() == "en" {
            continue; // default_templates_snapshots
        }
        for event in DEFAULT_EVENTS {
            let ev = event_with(event, "Community call");
            let ctx = ctx_in(&ev, true, lang.code());
            for (dest, name) in &DESTS[..2] {
                let out = render(&r, *dest, &ev, &ctx);
                insta::assert_snapshot!(
                    format!("{}_{}_{name}", lang.code(), event.replace('.', "_")),
                    all_text(&out)
                );
            }
        }
    }
}

#[test]
fn a_spanish_route_names_the_weekday_in_spanish_in_its_zone() {
    let r = renderer();
    let ev = event_with("meeting.started", "Grupo del martes");
    // The sample started at 2026-03-03T18:00Z: a Tuesday evening in Madrid.
    let mut ctx = ctx_in(&ev, false, "es");
    ctx["route"]["timezone"] = json!("Europe/Madrid");
    let Rendered::Email {
        subject,
        text,
        html,
    } = render(&r, Channel::Email, &ev, &ctx)
    else {
        panic!()
    };
    assert_eq!(subject, "Empieza ahora: Grupo del martes");
    assert!(
        text.contains("Empezó: martes, 3 de marzo, 19:00 CET"),
        "{text}"
    );
    assert!(html.contains(r#"<html lang="es" dir="ltr">"#), "{html}");
    let Rendered::Telegram { html } = render(&r, Channel::Telegram, &ev, &ctx) else {
        panic!()
    };
    assert!(html.contains("La reunión ha empezado"), "{html}");
    assert!(html.contains("19:00 CET"), "{html}");
}

#[test]
fn arabic_alerts_are_marked_right_to_left() {
    let r = renderer();
    let ev = event_with("meeting.started", "Community call");
    let ctx = ctx_in(&ev, false, "ar");
    let Rendered::Email { html, .. } = render(&r, Channel::Email, &ev, &ctx) else {
        panic!()
    };
    assert!(html.contains(r#"dir="rtl""#), "{html}");
    let Rendered::Email { subject, .. } = render(&r, Channel::Email, &ev, &ctx) else {
        panic!()
    };
    assert!(subject.contains("يبدأ الآن"), "{subject}");
}

#[test]
fn an_accounts_message_override_changes_the_wording_in_its_language_only() {
    let r = renderer();
    let ev = event_with("meeting.started", "Community call");
    let key = messages_key("es");
    let layer = [(key.as_str(), "alert-started-headline = ¡Ya empezó!\n")];
    for (locale, wording) in [("es", "¡Ya empezó!"), ("en", "Meeting started:")] {
        let out = render_over(
            &r,
            Channel::Telegram,
            &ev,
            &ctx_in(&ev, false, locale),
            &layer,
        )
        .unwrap();
        assert!(all_text(&out).contains(wording), "{}", all_text(&out));
    }
}

#[test]
fn every_default_template_passes_validation_under_its_own_key() {
    let r = renderer();
    for event in DEFAULT_EVENTS {
        for key in TEMPLATE_KEYS {
            if let Some(src) = default_template(event, key) {
                r.validate(&format!("{event}/{key}"), src)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
    assert!(default_template("meeting.started", "webhook.json").is_none());
}

#[test]
fn default_webhook_body_is_a_stable_standard_webhooks_envelope() {
    let r = renderer();
    let ev = event_with("meeting.started", "Community call");
    let Rendered::Webhook { json } = render(&r, Channel::Webhook, &ev, &ctx_of(&ev, false)) else {
        panic!()
    };
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["type"], "meeting.started");
    assert_eq!(v["timestamp"], "2026-03-03T18:00:00Z");
    assert_eq!(v["data"]["event"], "meeting.started");
    assert_eq!(v["data"]["app_id"], "default");
    assert_eq!(v["data"]["account_id"], "demo-account");
    assert_eq!(v["data"]["route"], json!({"name": "Tuesday group"}));
    assert_eq!(v["data"]["meeting"]["id"], 85393847045u64);
    assert_eq!(v["data"]["meeting"]["join_url"], Value::Null);
    assert!(v["data"].get("old").is_none());
    assert!(json.starts_with(r#"{"type":"meeting.started","timestamp":"#));

    let up = event_with("meeting.updated", "Community call");
    let Rendered::Webhook { json } = render(&r, Channel::Webhook, &up, &ctx_of(&up, false)) else {
        panic!()
    };
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["data"]["old"]["topic"], "Community call (old)");
}

#[test]
fn ended_shows_the_actual_length_not_the_scheduled_duration() {
    let r = renderer();
    let ev = event_with("meeting.ended", "Community call");
    let ctx = ctx_of(&ev, false);
    // The sample ran 47 minutes against a scheduled 60.
    let Rendered::Telegram { html } = render(&r, Channel::Telegram, &ev, &ctx) else {
        panic!()
    };
    assert!(html.contains("Lasted: 47 min"), "{html}");
    assert!(!html.contains("1 h"), "{html}");
}

#[test]
fn a_sparse_update_still_reads_well() {
    // Zoom sends only the changed fields: here just the start time, so no topic.
    let ev = match parse(br#"{"event":"meeting.updated","event_ts":1772560800000,"payload":{"account_id":"A","object":{"id":5,"start_time":"2026-03-05T18:00:00Z"},"old_object":{"id":5,"start_time":"2026-03-04T18:00:00Z"}}}"#).unwrap() {
        ParsedEvent::Ok(e) => e,
        other => panic!("{other:?}"),
    };
    let r = renderer();
    let Rendered::Telegram { html } = render(&r, Channel::Telegram, &ev, &ctx_of(&ev, false))
    else {
        panic!()
    };
    assert_eq!(
        html,
        "✏️ Meeting changed: <b>Meeting 5</b>\n🕒 Thursday, March 5 at 1:00 PM EST (was Wednesday, March 4 at 1:00 PM EST)"
    );
}

#[test]
fn an_unknown_route_zone_falls_back_to_utc() {
    let r = renderer();
    let ev = event_with("meeting.started", "Call");
    let mut ctx = ctx_of(&ev, false);
    ctx["route"]["timezone"] = json!("Mars/Olympus_Mons");
    let Rendered::Telegram { html } = render(&r, Channel::Telegram, &ev, &ctx) else {
        panic!()
    };
    assert!(html.contains("6:00 PM UTC"), "{html}");
}

// ---------------------------------------------------------------------------------------------
// Join links: privacy first.

#[test]
fn join_link_and_passcode_appear_only_where_allowed() {
    let r = renderer();
    for event in DEFAULT_EVENTS {
        let ev = event_with(event, "Community call");
        for (dest, name) in DESTS {
            let closed = all_text(&render(&r, dest, &ev, &ctx_of(&ev, false)));
            for secret in ["zoom.us/j/", "memPass", "demoPwd", "123456"] {
                assert!(
                    !closed.contains(secret),
                    "{event} {name} leaks {secret}:\n{closed}"
                );
            }
        }
    }
}

#[test]
fn allowed_join_link_prefers_the_events_own_and_falls_back_to_memory() {
    let r = renderer();
    let created = event_with("meeting.created", "Community call");
    let Rendered::Telegram { html } =
        render(&r, Channel::Telegram, &created, &ctx_of(&created, true))
    else {
        panic!()
    };
    assert!(
        html.contains(r#"<a href="https://zoom.us/j/85393847045?pwd=demoPwd">"#),
        "{html}"
    );
    assert!(html.contains("<code>123456</code>"), "{html}");

    // meeting.started carries no link: the one from meeting memory is used.
    let started = event_with("meeting.started", "Community call");
    for (dest, _) in [DESTS[0], DESTS[1], DESTS[2]] {
        let out = all_text(&render(&r, dest, &started, &ctx_of(&started, true)));
        assert!(
            out.contains("zoom.us/j/85393847045?pwd=fromMemory"),
            "{dest:?}: {out}"
        );
    }
}

mod escaping;
mod overrides;
mod validation;
