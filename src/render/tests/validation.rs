//! Validation at save: typos, unknown names, per-channel output checks and the render budget.

use super::*;

#[test]
fn validation_names_a_typo_with_line_and_column() {
    let r = renderer();
    let e = refused(
        &r,
        "telegram.html",
        "<b>{{meeting.topic}}</b>\n    {{meeting.topc}}",
        "unknown name",
    );
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
    let e = refused(
        &r,
        "email.txt",
        "{{#if (eq meeting.type 99)}}\n  {{time meeting.strat_time \"%H\"}}\n{{/if}}",
        "unknown name",
    );
    assert_eq!(e.name.as_deref(), Some("meeting.strat_time"));
    assert_eq!(e.line, Some(2));
}

#[test]
fn validation_reports_unclosed_blocks_unknown_helpers_and_bad_keys() {
    let r = renderer();
    let e = refused(
        &r,
        "log.txt",
        "{{#if meeting.topic}}\n{{meeting.topic}}",
        "missing its `{{/…}}`",
    );
    assert!(e.line.is_some());
    refused(
        &r,
        "log.txt",
        "{{#if meeting.topic}}x{{/each}}",
        "\"if\" was opened",
    );

    let e = refused(
        &r,
        "log.txt",
        "{{tme meeting.start_time}}",
        "unknown helper",
    );
    assert_eq!(
        e.to_string(),
        "log.txt line 1, column 1: unknown helper `tme`"
    );

    refused(&r, "sms.txt", "x", "unknown template key");
    refused(&r, "meeting.bogus/log.txt", "x", "unknown event");
}

/// Validates `source` under `key`, which must fail with a message that says `why`.
fn refused(r: &Renderer, key: &str, source: &str, why: &str) -> TemplateError {
    let e = r.validate(key, source).unwrap_err();
    assert!(e.message.contains(why), "{key}: {e}");
    e
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
    refused(
        &r,
        "webhook.json",
        r#"{"topic": {{meeting.topic}}}"#,
        "not valid JSON",
    );
    r.validate(
        "webhook.json",
        r#"{"meeting": {{json meeting}}, "old": {{json old}}}"#,
    )
    .unwrap();

    refused(&r, "telegram.html", "<b>{{meeting.topic}}</b><br>", "<br>");
    refused(
        &r,
        "email.subject",
        "{{#if meeting.end_time}}Ended{{/if}}",
        "subject is empty",
    );
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
    let e = refused(
        &r,
        "log.txt",
        "{{#if meeting.topic}}\n{{meeting.topic}}",
        "ends inside a block",
    );
    assert_eq!(
        e.to_string(),
        "log.txt line 2, column 18: the template ends inside a block or tag: a `{{#…}}` is missing its `{{/…}}`, or a `{{` its `}}`"
    );
}

#[test]
fn nested_each_over_meeting_is_refused_at_save_with_a_plain_reason() {
    let r = renderer();
    let six = "{{#each @root.meeting}}".repeat(6) + "x" + &"{{/each}}".repeat(6);
    let e = refused(&r, "telegram.html", &six, "repeats too much");
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
    let long = "a".repeat(17 * 1024);
    let deep = "{{#if meeting}}".repeat(17) + &"{{/if}}".repeat(17);
    for (key, source, why) in [
        ("email.subject", &big, "output is too big"),
        ("log.txt", &long, "too long"),
        ("log.txt", &deep, "nests blocks too deeply"),
    ] {
        refused(&r, key, source, why);
    }
}

#[test]
fn budgeted_each_behaves_like_the_builtin() {
    let r = renderer();
    let ev = event_with("meeting.started", "x");
    let cases = [
        (
            "{{#each meeting.ids}}{{@index}}:{{this}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}},{{else}}none{{/each}}",
            json!({"meeting": {"ids": [5, 6, 7]}}),
            "0:5F,1:6,2:7L,",
        ),
        (
            "{{#each meeting as |v k|}}{{k}}={{v}};{{/each}}",
            json!({"meeting": {"a": 1, "b": 2}}),
            "a=1;b=2;",
        ),
    ];
    for (t, ctx, text) in cases {
        let out = render_over(&r, Channel::Log, &ev, &ctx, &[("log.txt", t)]).unwrap();
        assert_eq!(out, Rendered::Log { text: text.into() }, "{t}");
    }
}

#[test]
fn an_unknown_sentence_is_refused_even_in_a_branch_no_sample_takes() {
    let r = renderer();
    refused(
        &r,
        "telegram.html",
        "{{#if (eq meeting.type 99)}}{{t \"alert-nonexistent\"}}{{/if}}{{t \"alert-join\"}}",
        "alert-nonexistent",
    );
    r.validate("telegram.html", "{{t \"alert-join\"}}").unwrap();
}
