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

/// Renders each template against [`ctx`] (HTML escaping) and compares with what it should read.
fn renders_as(cases: &[(&str, &str)]) {
    let c = ctx();
    for (src, want) in cases {
        assert_eq!(render(src, &c).unwrap(), *want, "{src}");
    }
}

#[test]
fn time_formats_in_the_given_zone_or_the_route_zone() {
    renders_as(&[
        (
            r#"{{time meeting.start_time "%A %H:%M %Z" tz="Europe/Berlin"}}"#,
            "Tuesday 19:00 CET",
        ),
        (r#"{{time meeting.start_time "%H:%M %Z"}}"#, "13:00 EST"),
        (
            r#"{{time meeting.start_time tz=route.timezone}}"#,
            "2026-03-03 13:00 EST",
        ),
    ]);
}

#[test]
fn time_is_forgiving_about_values_and_zones_but_not_formats() {
    renders_as(&[
        (r#"{{time meeting.none "%H:%M"}}"#, ""),
        (
            r#"{{time meeting.start_time "%H:%M %Z" tz="Mars/Olympus"}}"#,
            "18:00 UTC",
        ),
        (r#"{{time 1772560800000 "%H:%M" tz="UTC"}}"#, "18:00"),
        (r#"{{time "soon" "%H:%M"}}"#, "soon"),
    ]);
    let c = ctx();
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
    renders_as(&[
        ("{{duration meeting.duration}}", "1 h 30 min"),
        ("{{duration meeting.none}}", ""),
        (r#"{{duration "47"}}"#, "47 min"),
        (
            "{{duration_between meeting.start_time meeting.end_time}}",
            "1 h 32 min",
        ),
        (
            "{{duration_between meeting.end_time meeting.start_time}}",
            "",
        ),
        ("{{duration_between meeting.start_time meeting.none}}", ""),
    ]);
}

#[test]
fn truncate_counts_characters_and_output_is_still_escaped() {
    renders_as(&[
        ("{{truncate meeting.topic 9}}", "Tom &amp; Je…"),
        ("{{truncate meeting.topic 50}}", "Tom &amp; Jerry &lt;3"),
    ]);
    assert_eq!(truncate_chars("😀😀😀😀", 3), "😀😀…");
    assert_eq!(truncate_chars("ab cd", 4), "ab…");
    assert!(render(r#"{{truncate meeting.topic "x"}}"#, &ctx()).is_err());
}

#[test]
fn default_replaces_null_and_blank() {
    renders_as(&[
        (r#"{{default meeting.none "Untitled"}}"#, "Untitled"),
        (r#"{{default meeting.blank "Untitled"}}"#, "Untitled"),
        (
            r#"{{default meeting.topic "Untitled"}}"#,
            "Tom &amp; Jerry &lt;3",
        ),
    ]);
    assert!(render(r#"{{default meeting.topik "Untitled"}}"#, &ctx()).is_err());
}

#[test]
fn json_is_raw_only_in_webhook_bodies() {
    let c = ctx();
    let json = reg(Format::Json);
    assert_eq!(
        json.render_template("{{json meeting.topic}}", &c).unwrap(),
        r#""Tom & Jerry <3""#
    );
    assert_eq!(
        json.render_template("{{json meeting.none}}", &c).unwrap(),
        "null"
    );
    renders_as(&[(
        "{{json meeting.topic}}",
        "&quot;Tom &amp; Jerry &lt;3&quot;",
    )]);
}
