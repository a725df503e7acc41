//! Template rendering with an arbitrary context: arbitrary JSON as the context of an override,
//! arbitrary template sources through `Renderer::validate`, and arbitrary Zoom bodies through
//! parse -> build_context -> the default templates.
//!
//! Input layout (hand-writable seeds, see docs/fuzzing.md):
//! - byte 0: mode (0 context, 1 validate, 2 event with defaults, 3 event with the template as
//!   route override) and, in its high bits, the route settings (join links, locale, timezone);
//! - byte 1: the template key; byte 2: the destination kind;
//! - then the template source up to the first NUL byte; the rest is the JSON (a context or a body).
#![no_main]

use std::collections::BTreeMap;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use zoom_relay::render::{
    ContextInput, DEFAULT_EVENTS, DestinationKind, MAX_SUBJECT_CHARS, MAX_TELEGRAM_RENDER,
    Overrides, Rendered, Renderer, TEMPLATE_KEYS, build_context, telegram,
};
use zoom_relay::zoom::EventKind;
use zoom_relay::zoom::event::{ParsedEvent, parse};

static RENDERER: LazyLock<Renderer> = LazyLock::new(|| Renderer::new().expect("defaults compile"));

const KINDS: [DestinationKind; 4] = [
    DestinationKind::Telegram,
    DestinationKind::Email,
    DestinationKind::Webhook,
    DestinationKind::Log,
];
const TIMEZONES: [&str; 4] = ["", "America/New_York", "Asia/Kathmandu", "Not/A_Zone"];
const LOCALES: [Option<&str>; 3] = [None, Some("en"), Some("xx-YY")];

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (mode, key_byte, kind_byte) = (data[0], data[1], data[2]);
    let rest = &data[3..];
    let (template, json) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &rest[..0]),
    };
    let Ok(template) = std::str::from_utf8(template) else {
        return;
    };
    let key = template_key(key_byte);
    let dest = KINDS[kind_byte as usize % KINDS.len()];
    let r = &*RENDERER;

    match mode & 3 {
        0 => {
            // An arbitrary context through an override of the destination's first key.
            let Ok(ctx) = serde_json::from_slice::<Value>(json) else {
                return;
            };
            let event = EventKind::parse(DEFAULT_EVENTS[key_byte as usize % DEFAULT_EVENTS.len()]);
            let layer: BTreeMap<String, String> =
                [(dest.keys()[0].to_owned(), template.to_owned())].into();
            if let Ok(out) = r.render(
                dest,
                &event,
                &ctx,
                &Overrides {
                    layers: vec![&layer],
                },
            ) {
                check_output(&out);
            }
            // The defaults with a context of the wrong shape: errors are fine, panics are not.
            if let Ok(out) = r.render(dest, &event, &ctx, &Overrides::none()) {
                check_output(&out);
            }
        }
        1 => {
            let _ = r.validate(&key, template);
        }
        _ => {
            let Ok(ParsedEvent::Ok(ev)) = parse(json) else {
                return;
            };
            let settings = mode >> 2;
            let ctx = build_context(&ContextInput {
                event: &ev,
                app_id: "default",
                route_name: "Fuzz route",
                timezone: TIMEZONES[(settings >> 1) as usize % TIMEZONES.len()],
                locale: LOCALES[(settings >> 3) as usize % LOCALES.len()],
                include_join_link: settings & 1 == 1,
                join_url: Some("https://zoom.us/j/1?pwd=x"),
                password: Some("123456"),
                public_url: "https://relay.example.org",
                unsubscribe_url: Some("https://relay.example.org/unsubscribe/x"),
            });
            if mode & 3 == 2 {
                // The shipped templates must render every meeting event the parser accepts.
                if ev.kind.is_meeting() {
                    for dest in KINDS {
                        let out = r
                            .render(dest, &ev.kind, &ctx, &Overrides::none())
                            .unwrap_or_else(|e| {
                                panic!("default {dest:?} template failed on {ctx}: {e}")
                            });
                        check_output(&out);
                        if let Rendered::Telegram { html } = &out {
                            telegram::check(html).unwrap_or_else(|e| {
                                panic!("default Telegram output refused ({e}): {html}")
                            });
                        }
                    }
                }
            } else {
                let layer: BTreeMap<String, String> = [(key.clone(), template.to_owned())].into();
                if let Ok(out) = r.render(
                    dest,
                    &ev.kind,
                    &ctx,
                    &Overrides {
                        layers: vec![&layer],
                    },
                ) {
                    check_output(&out);
                }
            }
        }
    }
});

/// Invariants of every successful render, whatever the template and the context.
fn check_output(out: &Rendered) {
    match out {
        Rendered::Telegram { html } => {
            assert!(telegram::visible_len(html) <= MAX_TELEGRAM_RENDER, "{html}");
        }
        Rendered::Email { subject, .. } => {
            assert!(!subject.contains(['\r', '\n']), "{subject:?}");
            assert!(subject.chars().count() <= MAX_SUBJECT_CHARS, "{subject:?}");
        }
        Rendered::Webhook { json } => {
            serde_json::from_str::<Value>(json)
                .unwrap_or_else(|e| panic!("webhook body is not JSON ({e}): {json}"));
        }
        Rendered::Log { .. } => {}
    }
}

/// A template key: a base key, an event-prefixed one, or a bad one.
fn template_key(b: u8) -> String {
    let n = TEMPLATE_KEYS.len();
    let i = b as usize % (n * (DEFAULT_EVENTS.len() + 1) + 2);
    if i < n {
        TEMPLATE_KEYS[i].to_owned()
    } else if i < n * (DEFAULT_EVENTS.len() + 1) {
        let j = i - n;
        format!("{}/{}", DEFAULT_EVENTS[j / n], TEMPLATE_KEYS[j % n])
    } else if i % 2 == 0 {
        "meeting.unknown/telegram.html".to_owned()
    } else {
        "telegram.md".to_owned()
    }
}
