//! Escaping, for any topic Zoom may send (property tests).

use super::*;

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
        let Rendered::Telegram { html } = render(&r, Channel::Telegram, &ev, &ctx) else { panic!() };
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
        let Rendered::Email { subject, html, .. } = render(&r, Channel::Email, &ev, &ctx) else { panic!() };
        prop_assert!(!subject.contains(['\r', '\n']), "{subject:?}");
        prop_assert_eq!(subject.trim(), subject.as_str());
        if let Some(t) = visible.as_deref() {
            prop_assert!(html.contains(&escape_html(t)));
        }

        // Webhook: the default body and a template override both parse and round-trip the topic.
        let Rendered::Webhook { json } = render(&r, Channel::Webhook, &ev, &ctx) else { panic!() };
        let v: Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(v["data"]["meeting"]["topic"].as_str(), Some(topic.as_str()));
        let tmpl: BTreeMap<String, String> = [(
            "webhook.json".to_owned(),
            r#"{"topic": "{{meeting.topic}}", "short": "{{truncate meeting.topic 10}}", "raw": {{json meeting.topic}}}"#.to_owned(),
        )].into();
        let out = r.render(Channel::Webhook, &ev.kind, &ctx, &Overrides { layers: vec![&tmpl] }).unwrap();
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
            .render(Channel::Email, &ev.kind, &ctx_of(&ev, false), &Overrides { layers: vec![&tmpl] })
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
