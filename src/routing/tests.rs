use super::*;
use crate::zoom::EventKind;
fn route(name: &str) -> Route {
    Route {
        destinations: vec![Destination::Log],
        ..Route::new("default", "A", name)
    }
}

/// An organizer's Telegram destination through the shared bot.
fn telegram(chat_id: i64, thread_id: Option<i64>) -> Destination {
    Destination::Telegram {
        chat_id,
        thread_id,
        member: false,
        bot: None,
    }
}

/// An organizer's email destination.
fn email(to: &[&str]) -> Destination {
    Destination::Email {
        to: to.iter().map(|a| a.to_string()).collect(),
        member: false,
    }
}

fn input<'a>(kind: &'a EventKind, topic: Option<&'a str>) -> MatchInput<'a> {
    MatchInput {
        app_id: "default",
        account_id: "A",
        kind,
        meeting_id: Some(42),
        host_id: Some("H"),
        topic,
    }
}

#[test]
fn matching_table() {
    let started = EventKind::MeetingStarted;
    let ended = EventKind::MeetingEnded;
    type Case = (
        &'static str,
        fn(&mut Route),
        &'static EventKind,
        Option<&'static str>,
        bool,
    );
    static STARTED: EventKind = EventKind::MeetingStarted;
    static ENDED: EventKind = EventKind::MeetingEnded;
    let _ = (&started, &ended);
    let cases: Vec<Case> = vec![
        ("plain match", |_| {}, &STARTED, Some("x"), true),
        ("other event", |_| {}, &ENDED, Some("x"), false),
        (
            "disabled",
            |r| r.enabled = false,
            &STARTED,
            Some("x"),
            false,
        ),
        (
            "other account",
            |r| r.account_id = "B".into(),
            &STARTED,
            None,
            false,
        ),
        (
            "other app",
            |r| r.app_id = "other".into(),
            &STARTED,
            None,
            false,
        ),
        (
            "topic contains, case-insensitive",
            |r| r.topic_contains = Some("tuesDAY".into()),
            &STARTED,
            Some("The Tuesday group"),
            true,
        ),
        (
            "topic contains, miss",
            |r| r.topic_contains = Some("Wednesday".into()),
            &STARTED,
            Some("The Tuesday group"),
            false,
        ),
        (
            "topic filter without topic",
            |r| r.topic_contains = Some("x".into()),
            &STARTED,
            None,
            false,
        ),
        (
            "regex, case-insensitive",
            |r| r.topic_regex = Some("^the (tue|wed)".into()),
            &STARTED,
            Some("THE TUESDAY group"),
            true,
        ),
        (
            "regex miss",
            |r| r.topic_regex = Some("^wed".into()),
            &STARTED,
            Some("Tuesday"),
            false,
        ),
        (
            "meeting id hit",
            |r| r.meeting_ids = vec![1, 42],
            &STARTED,
            None,
            true,
        ),
        (
            "meeting id miss",
            |r| r.meeting_ids = vec![1],
            &STARTED,
            None,
            false,
        ),
        (
            "host id hit",
            |r| r.host_ids = vec!["H".into()],
            &STARTED,
            None,
            true,
        ),
        (
            "host id miss",
            |r| r.host_ids = vec!["Z".into()],
            &STARTED,
            None,
            false,
        ),
        (
            "both topic filters must hold",
            |r| {
                r.topic_contains = Some("group".into());
                r.topic_regex = Some("^wed".into());
            },
            &STARTED,
            Some("Tuesday group"),
            false,
        ),
    ];
    for (name, tweak, kind, topic, want) in cases {
        let mut r = route("r");
        tweak(&mut r);
        assert_eq!(matches(&r, &input(kind, topic)), want, "{name}");
    }
}

#[test]
fn every_matching_route_fires_and_shared_targets_get_one_message() {
    let mut a = route("b-second");
    a.destinations = vec![
        telegram(-1, None),
        email(&["x@example.org", "Y@example.org"]),
    ];
    let mut b = route("a-first");
    b.destinations = vec![
        telegram(-1, None),
        email(&["y@example.org"]),
        telegram(-1, Some(7)),
    ];
    let routes = vec![a, b];
    let kind = EventKind::MeetingStarted;
    let (planned, matched) = plan(&routes, &input(&kind, None));
    assert_eq!(matched.len(), 2);
    let keys: Vec<(String, String)> = planned
        .iter()
        .map(|p| (p.route.name.clone(), p.target.key()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("a-first".into(), "telegram:-1".into()),
            ("a-first".into(), "email:y@example.org".into()),
            ("a-first".into(), "telegram:-1:7".into()),
            ("b-second".into(), "email:x@example.org".into()),
        ]
    );
}

#[test]
fn validation_names_each_bad_field() {
    let mut r = route("");
    r.events = vec!["meeting.begun".into()];
    r.timezone = "Mars/Olympus".into();
    r.topic_regex = Some("(".into());
    r.destinations = vec![
        Destination::Webhook {
            url: "ftp://x".into(),
            secret: "nope".into(),
        },
        email(&["not-an-address"]),
    ];
    let ok = |_: &str, _: &str| Ok(());
    let webhooks = crate::config::WebhooksConfig {
        timeout_secs: 15,
        allow_private_networks: false,
        allow_cidrs: vec![],
    };
    let ctx = ValidationContext {
        app_ids: vec!["default"],
        telegram_enabled: false,
        email_enabled: true,
        check_template: &ok,
        webhooks: &webhooks,
    };
    let fields: Vec<String> = r.validate(&ctx).into_iter().map(|e| e.field).collect();
    for f in [
        "name",
        "events",
        "timezone",
        "topic_regex",
        "destinations[0].url",
        "destinations[0].secret",
        "destinations[1].to",
    ] {
        assert!(fields.iter().any(|x| x == f), "missing {f} in {fields:?}");
    }
}

#[test]
fn design_route_document_parses() {
    let doc: RouteDocument = toml::from_str(
        r#"
[[routes]]
name = "Tuesday group: started"
app_id = "default"
account_id = "AbCdEfGhIj"
events = ["meeting.started"]
topic_contains = "Tuesday"
meeting_ids = [85393847045]
host_ids = []
timezone = "America/New_York"
include_join_link = false
enabled = true

  [[routes.destinations]]
  kind = "telegram"
  chat_id = -1001234567890
  thread_id = 7

  [[routes.destinations]]
  kind = "email"
  to = ["group@example.org"]

  [[routes.destinations]]
  kind = "webhook"
  url = "https://example.org/hooks/zoom"
  secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

  [[routes.destinations]]
  kind = "log"

  [routes.templates]
  "telegram.html" = "<b>{{meeting.topic}}</b> has started"
"#,
    )
    .unwrap();
    assert_eq!(doc.routes[0].destinations.len(), 4);
    assert_eq!(doc.routes[0].templates.len(), 1);
}

/// The error of a destination names that destination's line, not the route's first destination
/// (issue 20, finding 5), and each kind keeps its own keys.
#[test]
fn a_destination_error_points_at_that_destination() {
    let doc = r#"[[routes]]
name = "r"
account_id = "a"
events = ["meeting.started"]

  [[routes.destinations]]
  kind = "log"

  [[routes.destinations]]
  kind = "webhook"
  url = "https://example.org/hook"
"#;
    let err = toml::from_str::<RouteDocument>(doc).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("missing field `secret`"), "{text}");
    assert!(text.contains("line 9"), "names the webhook's line: {text}");

    let extra = doc.replace("kind = \"log\"", "kind = \"log\"\n  chat_id = 1");
    let text = toml::from_str::<RouteDocument>(&extra)
        .unwrap_err()
        .to_string();
    assert!(text.contains("unknown field `chat_id`"), "{text}");

    let unknown = doc.replace("kind = \"log\"", "kind = \"fax\"");
    let text = toml::from_str::<RouteDocument>(&unknown)
        .unwrap_err()
        .to_string();
    assert!(text.contains("fax") && text.contains("telegram"), "{text}");

    // What the API sends and the store keeps reads back as it was written.
    let d = Destination::Telegram {
        chat_id: -100,
        thread_id: Some(7),
        member: true,
        bot: None,
    };
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<Destination>(&json).unwrap(), d);
    let json = r#"{"kind":"telegram","chat_id":-100,"thread_id":null}"#;
    assert_eq!(
        serde_json::from_str::<Destination>(json).unwrap(),
        telegram(-100, None)
    );
    assert!(serde_json::from_str::<Destination>(r#"{"kind":"log","kind":"log"}"#).is_err());
}
