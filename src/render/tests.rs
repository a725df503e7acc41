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
    build_context(&ContextInput {
        event: ev,
        app_id: "default",
        route_name: "Tuesday group",
        timezone: "America/New_York",
        locale: Some("en"),
        include_join_link,
        join_url: Some(MEMORY_LINK),
        password: Some("memPass"),
        public_url: "https://relay.example.org",
        unsubscribe_url: Some("https://relay.example.org/u/abc123"),
    })
}

fn render(r: &Renderer, dest: DestinationKind, ev: &ZoomEvent, ctx: &Value) -> Rendered {
    r.render(dest, &ev.kind, ctx, &Overrides::none())
        .unwrap_or_else(|e| panic!("{} {dest:?}: {e}", ev.kind))
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

const DESTS: [(DestinationKind, &str); 4] = [
    (DestinationKind::Telegram, "telegram"),
    (DestinationKind::Email, "email"),
    (DestinationKind::Webhook, "webhook"),
    (DestinationKind::Log, "log"),
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
    let Rendered::Webhook { json } = render(&r, DestinationKind::Webhook, &ev, &ctx_of(&ev, false))
    else {
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
    let Rendered::Webhook { json } = render(&r, DestinationKind::Webhook, &up, &ctx_of(&up, false))
    else {
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
    let Rendered::Telegram { html } = render(&r, DestinationKind::Telegram, &ev, &ctx) else {
        panic!()
    };
    assert!(html.contains("Lasted 47 min"), "{html}");
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
    let Rendered::Telegram { html } =
        render(&r, DestinationKind::Telegram, &ev, &ctx_of(&ev, false))
    else {
        panic!()
    };
    assert_eq!(
        html,
        "✏️ <b>Meeting 5</b> was updated\n🕒 Thursday, March 5 at 13:00 EST (was Wednesday, March 4 at 13:00 EST)"
    );
}

#[test]
fn an_unknown_route_zone_falls_back_to_utc() {
    let r = renderer();
    let ev = event_with("meeting.started", "Call");
    let mut ctx = ctx_of(&ev, false);
    ctx["route"]["timezone"] = json!("Mars/Olympus_Mons");
    let Rendered::Telegram { html } = render(&r, DestinationKind::Telegram, &ev, &ctx) else {
        panic!()
    };
    assert!(html.contains("Started at 18:00 UTC"), "{html}");
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
    let Rendered::Telegram { html } = render(
        &r,
        DestinationKind::Telegram,
        &created,
        &ctx_of(&created, true),
    ) else {
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

// ---------------------------------------------------------------------------------------------
// Overrides.

#[test]
fn overrides_route_specific_then_route_all_then_tenant_then_default() {
    let r = renderer();
    let started = event_with("meeting.started", "Call");
    let ended = event_with("meeting.ended", "Call");
    let route: BTreeMap<String, String> = [
        (
            "meeting.started/telegram.html",
            "route specific {{meeting.topic}}",
        ),
        ("telegram.html", "route all {{event}}"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let tenant: BTreeMap<String, String> = [
        ("meeting.started/telegram.html", "tenant specific"),
        ("log.txt", "tenant log {{meeting.topic}}"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let layers = Overrides {
        layers: vec![&route, &tenant],
    };
    let tg = |ev: &ZoomEvent, o: &Overrides| match r
        .render(DestinationKind::Telegram, &ev.kind, &ctx_of(ev, false), o)
        .unwrap()
    {
        Rendered::Telegram { html } => html,
        _ => unreachable!(),
    };
    assert_eq!(tg(&started, &layers), "route specific Call");
    assert_eq!(tg(&ended, &layers), "route all meeting.ended");
    assert_eq!(
        tg(
            &started,
            &Overrides {
                layers: vec![&tenant]
            }
        ),
        "tenant specific"
    );
    assert!(tg(&started, &Overrides::none()).contains("has started"));
    let Rendered::Log { text } = r
        .render(
            DestinationKind::Log,
            &ended.kind,
            &ctx_of(&ended, false),
            &layers,
        )
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(text, "tenant log Call");
}

#[test]
fn a_broken_override_is_an_error_with_its_position() {
    let r = renderer();
    let ev = event_with("meeting.started", "Call");
    let route: BTreeMap<String, String> = [(
        "telegram.html".to_owned(),
        "<b>{{meeting.topic}}</b>\n{{meeting.topc}}".to_owned(),
    )]
    .into();
    let err = r
        .render(
            DestinationKind::Telegram,
            &ev.kind,
            &ctx_of(&ev, false),
            &Overrides {
                layers: vec![&route],
            },
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "telegram.html line 2, column 1: unknown name `meeting.topc`"
    );

    let hook: BTreeMap<String, String> = [(
        "webhook.json".to_owned(),
        r#"{"topic": {{meeting.topic}}}"#.to_owned(),
    )]
    .into();
    let err = r
        .render(
            DestinationKind::Webhook,
            &ev.kind,
            &ctx_of(&ev, false),
            &Overrides {
                layers: vec![&hook],
            },
        )
        .unwrap_err();
    assert!(matches!(err, RenderError::NotJson { .. }), "{err}");

    let triple: BTreeMap<String, String> =
        [("telegram.html".to_owned(), "{{{meeting.topic}}}".to_owned())].into();
    let err = r
        .render(
            DestinationKind::Telegram,
            &ev.kind,
            &ctx_of(&ev, false),
            &Overrides {
                layers: vec![&triple],
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("skip escaping"), "{err}");
}

#[test]
fn events_without_defaults_need_an_override() {
    let r = renderer();
    let ev =
        match parse(br#"{"event":"recording.completed","payload":{"account_id":"A"}}"#).unwrap() {
            ParsedEvent::Ok(e) => e,
            other => panic!("{other:?}"),
        };
    let ctx = ctx_of(&ev, false);
    let err = r
        .render(DestinationKind::Log, &ev.kind, &ctx, &Overrides::none())
        .unwrap_err();
    assert!(
        matches!(err, RenderError::NoTemplate { key: "log.txt", .. }),
        "{err}"
    );
    let tenant: BTreeMap<String, String> = [(
        "log.txt".to_owned(),
        "{{event}} for {{account_id}}".to_owned(),
    )]
    .into();
    let out = r
        .render(
            DestinationKind::Log,
            &ev.kind,
            &ctx,
            &Overrides {
                layers: vec![&tenant],
            },
        )
        .unwrap();
    assert_eq!(
        out,
        Rendered::Log {
            text: "recording.completed for A".into()
        }
    );
    // The default webhook body needs no template.
    assert!(
        r.render(DestinationKind::Webhook, &ev.kind, &ctx, &Overrides::none())
            .is_ok()
    );
}

#[test]
fn an_absurdly_long_telegram_message_is_capped_without_breaking_markup() {
    let r = renderer();
    let ev = event_with("meeting.started", &"Tom & Jerry ".repeat(4000));
    let tmpl: BTreeMap<String, String> = [(
        "telegram.html".to_owned(),
        "<b>{{meeting.topic}}</b>".to_owned(),
    )]
    .into();
    let Rendered::Telegram { html } = r
        .render(
            DestinationKind::Telegram,
            &ev.kind,
            &ctx_of(&ev, false),
            &Overrides {
                layers: vec![&tmpl],
            },
        )
        .unwrap()
    else {
        panic!()
    };
    assert!(telegram::visible_len(&html) <= crate::render::MAX_TELEGRAM_RENDER);
    assert!(
        telegram::visible_len(&html) > telegram::MAX_LEN,
        "split or truncate is the route's choice"
    );
    assert!(html.ends_with("…</b>"), "{}", &html[html.len() - 20..]);
    telegram::check(&html).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Validation.

#[test]
fn validation_names_a_typo_with_line_and_column() {
    let r = renderer();
    let e = r
        .validate(
            "telegram.html",
            "<b>{{meeting.topic}}</b>\n    {{meeting.topc}}",
        )
        .unwrap_err();
    assert_eq!((e.line, e.column), (Some(2), Some(5)));
    assert_eq!(e.name.as_deref(), Some("meeting.topc"));
    assert_eq!(
        e.to_string(),
        "telegram.html line 2, column 5: unknown name `meeting.topc` (did you mean `meeting.topic`?)"
    );
}

#[test]
fn validation_finds_typos_in_branches_no_sample_takes() {
    let r = renderer();
    let e = r
        .validate(
            "email.txt",
            "{{#if (eq meeting.type 99)}}\n  {{time meeting.strat_time \"%H\"}}\n{{/if}}",
        )
        .unwrap_err();
    assert_eq!(e.name.as_deref(), Some("meeting.strat_time"));
    assert_eq!(e.line, Some(2));
}

#[test]
fn validation_reports_unclosed_blocks_unknown_helpers_and_bad_keys() {
    let r = renderer();
    let e = r
        .validate("log.txt", "{{#if meeting.topic}}\n{{meeting.topic}}")
        .unwrap_err();
    assert!(e.message.contains("missing its `{{/…}}`"), "{e}");
    assert!(e.line.is_some());

    let e = r
        .validate("log.txt", "{{#if meeting.topic}}x{{/each}}")
        .unwrap_err();
    assert!(e.message.contains("\"if\" was opened"), "{e}");

    let e = r
        .validate("log.txt", "{{tme meeting.start_time}}")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "log.txt line 1, column 1: unknown helper `tme`"
    );

    assert!(
        r.validate("sms.txt", "x")
            .unwrap_err()
            .message
            .contains("unknown template key")
    );
    assert!(
        r.validate("meeting.bogus/log.txt", "x")
            .unwrap_err()
            .message
            .contains("unknown event")
    );
}

#[test]
fn validation_rejects_triple_stash_in_every_channel() {
    let r = renderer();
    for key in TEMPLATE_KEYS {
        let e = r.validate(key, "x {{{meeting.topic}}}").unwrap_err();
        assert!(e.message.contains("skip escaping"), "{key}: {e}");
        assert_eq!(e.column, Some(3));
    }
}

#[test]
fn validation_checks_the_output_per_channel() {
    let r = renderer();
    let e = r.validate(
        "webhook.json",
        r#"{"id": {{meeting.id}}, "topic": "{{meeting.topic}}"}"#,
    );
    // meeting.id is always present in the samples, so this one is valid JSON...
    assert!(e.is_ok(), "{e:?}");
    // ...but an unquoted string is not.
    let e = r
        .validate("webhook.json", r#"{"topic": {{meeting.topic}}}"#)
        .unwrap_err();
    assert!(e.message.contains("not valid JSON"), "{e}");
    r.validate(
        "webhook.json",
        r#"{"meeting": {{json meeting}}, "old": {{json old}}}"#,
    )
    .unwrap();

    let e = r
        .validate("telegram.html", "<b>{{meeting.topic}}</b><br>")
        .unwrap_err();
    assert!(e.message.contains("<br>"), "{e}");

    let e = r
        .validate("email.subject", "{{#if meeting.end_time}}Ended{{/if}}")
        .unwrap_err();
    assert!(e.message.contains("subject is empty"), "{e}");
    r.validate(
        "meeting.ended/email.subject",
        "{{#if meeting.end_time}}Ended{{/if}}",
    )
    .unwrap();
}

#[test]
fn validation_accepts_every_documented_name_for_every_event() {
    let r = renderer();
    let mut src = String::from(
        "{{event}} {{event_time}} {{account_id}} {{app_id}} {{operator}} {{unsubscribe_url}}\n",
    );
    for k in MEETING_KEYS {
        src.push_str(&format!("{{{{meeting.{k}}}}} {{{{old.{k}}}}}\n"));
    }
    src.push_str("{{route.name}} {{route.timezone}} {{route.locale}} {{relay.public_url}}\n");
    src.push_str(r#"{{time meeting.start_time "%A %H:%M" tz=route.timezone}} {{duration meeting.duration}} {{duration_between meeting.start_time meeting.end_time}} {{truncate meeting.topic 80}} {{default meeting.topic "Untitled meeting"}}"#);
    for key in ["email.txt", "log.txt", "email.html"] {
        r.validate(key, &src).unwrap_or_else(|e| panic!("{e}"));
    }
}

// ---------------------------------------------------------------------------------------------
// Escaping, for any topic Zoom may send.

fn topic_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(vec![
                '<', '>', '&', '"', '\'', '\r', '\n', '=', '`', '\\', '/', '{', '}',
                '😀', '👩', '\u{200D}', '🏽', 'ש', 'ל', 'ו', 'ם', 'ع', 'ر', 'ب', '\u{202E}', '\u{200F}', '\u{2028}', ' ',
            ]),
            2 => any::<char>(),
            2 => prop::char::range('a', 'z'),
        ],
        0..60,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

/// Tag names in Telegram HTML, in order.
fn tag_names(html: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"</?([a-zA-Z][a-zA-Z0-9-]*)").unwrap();
    re.captures_iter(html).map(|c| c[1].to_owned()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        // Keep failure seeds next to this file.
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn hostile_topics_stay_values_in_every_channel(topic in topic_strategy(), event_idx in 0usize..5) {
        let r = renderer();
        let event = DEFAULT_EVENTS[event_idx];
        let ev = event_with(event, &topic);
        let ctx = ctx_of(&ev, true);
        let shown = if topic.trim().is_empty() { None } else { Some(topic.as_str()) };

        // Telegram: every tag is one the template wrote, the markup is what Telegram accepts,
        // and the topic reads back exactly.
        let Rendered::Telegram { html } = render(&r, DestinationKind::Telegram, &ev, &ctx) else { panic!() };
        let allowed: BTreeSet<String> = ["b", "a", "code"].into_iter().map(String::from).collect();
        prop_assert!(tag_names(&html).is_subset(&allowed), "{html}");
        prop_assert!(telegram::check(&html).is_ok(), "{:?}: {html}", telegram::check(&html));
        // Bidi and zero-width controls are dropped from values; everything else reads back.
        let visible: Option<String> =
            shown.map(|t| t.chars().filter(|c| !super::escape::is_hidden_control(*c)).collect());
        if let Some(t) = visible.as_deref() {
            prop_assert!(html.contains(&escape_html(t)));
            prop_assert!(telegram::to_plain_text(&html).contains(t));
        }

        // Email: one-line subject; HTML body holds only the escaped topic.
        let Rendered::Email { subject, html, .. } = render(&r, DestinationKind::Email, &ev, &ctx) else { panic!() };
        prop_assert!(!subject.contains(['\r', '\n']), "{subject:?}");
        prop_assert_eq!(subject.trim(), subject.as_str());
        if let Some(t) = visible.as_deref() {
            prop_assert!(html.contains(&escape_html(t)));
        }

        // Webhook: the default body and a template override both parse and round-trip the topic.
        let Rendered::Webhook { json } = render(&r, DestinationKind::Webhook, &ev, &ctx) else { panic!() };
        let v: Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(v["data"]["meeting"]["topic"].as_str(), Some(topic.as_str()));
        let tmpl: BTreeMap<String, String> = [(
            "webhook.json".to_owned(),
            r#"{"topic": "{{meeting.topic}}", "short": "{{truncate meeting.topic 10}}", "raw": {{json meeting.topic}}}"#.to_owned(),
        )].into();
        let out = r.render(DestinationKind::Webhook, &ev.kind, &ctx, &Overrides { layers: vec![&tmpl] }).unwrap();
        let Rendered::Webhook { json } = out else { panic!() };
        let v: Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(v["topic"].as_str(), Some(topic.as_str()));
        prop_assert_eq!(v["raw"].as_str(), Some(topic.as_str()));
    }

    #[test]
    fn subject_values_never_break_the_header(topic in topic_strategy()) {
        let r = renderer();
        let ev = event_with("meeting.started", &topic);
        let tmpl: BTreeMap<String, String> =
            [("email.subject".to_owned(), "Re: {{meeting.topic}}\n{{truncate meeting.topic 5}}\r\n".to_owned())].into();
        let Rendered::Email { subject, .. } = r
            .render(DestinationKind::Email, &ev.kind, &ctx_of(&ev, false), &Overrides { layers: vec![&tmpl] })
            .unwrap() else { panic!() };
        prop_assert!(!subject.contains(['\r', '\n', '\u{2028}']), "{subject:?}");
        prop_assert_eq!(subject.trim(), subject.as_str());
    }

    #[test]
    fn fit_never_exceeds_the_limit_or_breaks_markup(topic in topic_strategy(), max in 1usize..80) {
        let html = format!("<b>{}</b> <a href=\"https://x/?a=1&amp;b=2\">{}</a>", escape_html(&topic), escape_html(&topic));
        let out = telegram::fit(&html, max);
        prop_assert!(telegram::visible_len(&out) <= max.max(1));
        prop_assert!(telegram::check(&out).is_ok(), "{out}");
    }
}

#[test]
fn documented_examples_validate() {
    let r = renderer();
    r.validate(
        "webhook.json",
        r#"{"text": "{{meeting.topic}} has started", "meeting": {{json meeting}}, "id": {{json meeting.id}}}"#,
    )
    .unwrap();
    r.validate(
        "telegram.html",
        "{{#if (eq meeting.type 8)}}recurring{{/if}}",
    )
    .unwrap();
    r.validate("meeting.ended/telegram.html", "<b>{{meeting.topic}}</b> ended after {{duration_between meeting.start_time meeting.end_time}}")
        .unwrap();
    let e = r
        .validate("log.txt", "{{#if meeting.topic}}\n{{meeting.topic}}")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "log.txt line 2, column 18: the template ends inside a block or tag: a `{{#…}}` is missing its `{{/…}}`, or a `{{` its `}}`"
    );
}

#[test]
fn nested_each_over_meeting_is_refused_at_save_with_a_plain_reason() {
    let r = renderer();
    let six = "{{#each @root.meeting}}".repeat(6) + "x" + &"{{/each}}".repeat(6);
    let e = r.validate("telegram.html", &six).unwrap_err();
    assert!(e.message.contains("repeats too much"), "{e}");
    assert!(e.message.contains("Remove a nested {{#each}}"), "{e}");
    // Three deep is within the static limits, and the sample meeting is small enough.
    let three = "{{#each @root.meeting}}".repeat(3) + "x" + &"{{/each}}".repeat(3);
    assert!(r.validate("telegram.html", &three).is_ok());
}

#[test]
fn big_output_and_big_sources_are_refused() {
    let r = renderer();
    let big = "{{#each meeting}}{{#each @root.meeting}}".to_owned()
        + &"{{@root.meeting.topic}} {{@root.meeting.topic}} ".repeat(40)
        + "{{/each}}{{/each}}";
    let e = r.validate("email.subject", &big).unwrap_err();
    assert!(e.message.contains("output is too big"), "{e}");
    let long = "a".repeat(17 * 1024);
    let e = r.validate("log.txt", &long).unwrap_err();
    assert!(e.message.contains("too long"), "{e}");
    let deep = "{{#if meeting}}".repeat(17) + &"{{/if}}".repeat(17);
    let e = r.validate("log.txt", &deep).unwrap_err();
    assert!(e.message.contains("nests blocks too deeply"), "{e}");
}

#[test]
fn budgeted_each_behaves_like_the_builtin() {
    let r = renderer();
    let t = "{{#each meeting.ids}}{{@index}}:{{this}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}},{{else}}none{{/each}}";
    let ctx = json!({"meeting": {"ids": [5, 6, 7]}});
    let tmpl: BTreeMap<String, String> = [("log.txt".to_owned(), t.to_owned())].into();
    let ev = event_with("meeting.started", "x");
    let out = r
        .render(
            DestinationKind::Log,
            &ev.kind,
            &ctx,
            &Overrides {
                layers: vec![&tmpl],
            },
        )
        .unwrap();
    assert_eq!(
        out,
        Rendered::Log {
            text: "0:5F,1:6,2:7L,".into()
        }
    );
    let t2 = "{{#each meeting as |v k|}}{{k}}={{v}};{{/each}}";
    let tmpl: BTreeMap<String, String> = [("log.txt".to_owned(), t2.to_owned())].into();
    let ctx = json!({"meeting": {"a": 1, "b": 2}});
    let out = r
        .render(
            DestinationKind::Log,
            &ev.kind,
            &ctx,
            &Overrides {
                layers: vec![&tmpl],
            },
        )
        .unwrap();
    assert_eq!(
        out,
        Rendered::Log {
            text: "a=1;b=2;".into()
        }
    );
}
