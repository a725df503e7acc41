//! The template helpers, one call at a time.

use super::*;
use serde_json::json;

fn reg(format: Format) -> Handlebars<'static> {
    let mut r = Handlebars::new();
    r.set_strict_mode(true);
    r.register_escape_fn(format.escape_fn());
    register(&mut r, format);
    r
}

fn render(src: &str, data: &Value) -> Result<String, RenderError> {
    reg(Format::Html).render_template(src, data)
}

fn ctx() -> Value {
    json!({
        "route": {"timezone": "America/New_York"},
        "meeting": {
            "start_time": "2026-03-03T18:00:00Z",
            "end_time": "2026-03-03T19:31:40Z",
            "duration": 90,
            "topic": "Tom & Jerry <3",
            "none": null,
            "blank": "  "
        }
    })
}

#[test]
fn time_formats_in_the_given_zone_or_the_route_zone() {
    let c = ctx();
    assert_eq!(
        render(
            r#"{{time meeting.start_time "%A %H:%M %Z" tz="Europe/Berlin"}}"#,
            &c
        )
        .unwrap(),
        "Tuesday 19:00 CET"
    );
    assert_eq!(
        render(r#"{{time meeting.start_time "%H:%M %Z"}}"#, &c).unwrap(),
        "13:00 EST"
    );
    assert_eq!(
        render(r#"{{time meeting.start_time tz=route.timezone}}"#, &c).unwrap(),
        "2026-03-03 13:00 EST"
    );
}

#[test]
fn time_is_forgiving_about_values_and_zones_but_not_formats() {
    let c = ctx();
    assert_eq!(render(r#"{{time meeting.none "%H:%M"}}"#, &c).unwrap(), "");
    assert_eq!(
        render(
            r#"{{time meeting.start_time "%H:%M %Z" tz="Mars/Olympus"}}"#,
            &c
        )
        .unwrap(),
        "18:00 UTC"
    );
    assert_eq!(
        render(r#"{{time 1772560800000 "%H:%M" tz="UTC"}}"#, &c).unwrap(),
        "18:00"
    );
    assert_eq!(render(r#"{{time "soon" "%H:%M"}}"#, &c).unwrap(), "soon");
    let e = render(r#"{{time meeting.start_time "%Q"}}"#, &c).unwrap_err();
    assert!(e.to_string().contains("not a valid strftime format"), "{e}");
    let e = render(r#"{{time meeting.strat_time "%H"}}"#, &c).unwrap_err();
    assert!(
        matches!(e.reason(), RenderErrorReason::MissingVariable(Some(p)) if p == "meeting.strat_time"),
        "{e:?}"
    );
}

#[test]
fn durations_read_like_speech() {
    let c = ctx();
    assert_eq!(
        render("{{duration meeting.duration}}", &c).unwrap(),
        "1 h 30 min"
    );
    assert_eq!(render("{{duration meeting.none}}", &c).unwrap(), "");
    assert_eq!(render(r#"{{duration "47"}}"#, &c).unwrap(), "47 min");
    assert_eq!(
        render(
            "{{duration_between meeting.start_time meeting.end_time}}",
            &c
        )
        .unwrap(),
        "1 h 32 min"
    );
    assert_eq!(
        render(
            "{{duration_between meeting.end_time meeting.start_time}}",
            &c
        )
        .unwrap(),
        ""
    );
    assert_eq!(
        render("{{duration_between meeting.start_time meeting.none}}", &c).unwrap(),
        ""
    );
}

#[test]
fn truncate_counts_characters_and_output_is_still_escaped() {
    let c = ctx();
    assert_eq!(
        render("{{truncate meeting.topic 9}}", &c).unwrap(),
        "Tom &amp; Je…"
    );
    assert_eq!(
        render("{{truncate meeting.topic 50}}", &c).unwrap(),
        "Tom &amp; Jerry &lt;3"
    );
    assert_eq!(truncate_chars("😀😀😀😀", 3), "😀😀…");
    assert_eq!(truncate_chars("ab cd", 4), "ab…");
    assert!(render(r#"{{truncate meeting.topic "x"}}"#, &c).is_err());
}

#[test]
fn default_replaces_null_and_blank() {
    let c = ctx();
    assert_eq!(
        render(r#"{{default meeting.none "Untitled"}}"#, &c).unwrap(),
        "Untitled"
    );
    assert_eq!(
        render(r#"{{default meeting.blank "Untitled"}}"#, &c).unwrap(),
        "Untitled"
    );
    assert_eq!(
        render(r#"{{default meeting.topic "Untitled"}}"#, &c).unwrap(),
        "Tom &amp; Jerry &lt;3"
    );
    assert!(render(r#"{{default meeting.topik "Untitled"}}"#, &c).is_err());
}

#[test]
fn json_is_raw_only_in_webhook_bodies() {
    let c = ctx();
    assert_eq!(
        reg(Format::Json)
            .render_template("{{json meeting.topic}}", &c)
            .unwrap(),
        r#""Tom & Jerry <3""#
    );
    assert_eq!(
        render("{{json meeting.topic}}", &c).unwrap(),
        "&quot;Tom &amp; Jerry &lt;3&quot;"
    );
    assert_eq!(
        reg(Format::Json)
            .render_template("{{json meeting.none}}", &c)
            .unwrap(),
        "null"
    );
}
