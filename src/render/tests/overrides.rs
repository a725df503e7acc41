//! Template overrides: route-specific, route-wide, tenant, default; and broken overrides.

use super::*;

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
        .render(Channel::Telegram, &ev.kind, &ctx_of(ev, false), o)
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
    assert!(tg(&started, &Overrides::none()).contains("Meeting started:"));
    let Rendered::Log { text } = r
        .render(Channel::Log, &ended.kind, &ctx_of(&ended, false), &layers)
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
    let err = render_over(
        &r,
        Channel::Telegram,
        &ev,
        &ctx_of(&ev, false),
        &[(
            "telegram.html",
            "<b>{{meeting.topic}}</b>\n{{meeting.topc}}",
        )],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "telegram.html line 2, column 1: unknown name `meeting.topc`"
    );

    let err = render_over(
        &r,
        Channel::Webhook,
        &ev,
        &ctx_of(&ev, false),
        &[("webhook.json", r#"{"topic": {{meeting.topic}}}"#)],
    )
    .unwrap_err();
    assert!(matches!(err, RenderError::NotJson { .. }), "{err}");

    let err = render_over(
        &r,
        Channel::Telegram,
        &ev,
        &ctx_of(&ev, false),
        &[("telegram.html", "{{{meeting.topic}}}")],
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
        .render(Channel::Log, &ev.kind, &ctx, &Overrides::none())
        .unwrap_err();
    assert!(
        matches!(err, RenderError::NoTemplate { key: "log.txt", .. }),
        "{err}"
    );
    let out = render_over(
        &r,
        Channel::Log,
        &ev,
        &ctx,
        &[("log.txt", "{{event}} for {{account_id}}")],
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
        r.render(Channel::Webhook, &ev.kind, &ctx, &Overrides::none())
            .is_ok()
    );
}

#[test]
fn an_absurdly_long_telegram_message_is_capped_without_breaking_markup() {
    let r = renderer();
    let ev = event_with("meeting.started", &"Tom & Jerry ".repeat(4000));
    let Rendered::Telegram { html } = render_over(
        &r,
        Channel::Telegram,
        &ev,
        &ctx_of(&ev, false),
        &[("telegram.html", "<b>{{meeting.topic}}</b>")],
    )
    .unwrap() else {
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
