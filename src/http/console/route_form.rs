//! Reading the route editor's form into a route: fields, lists, destinations, and webhook secrets
//! (a new webhook without one gets a generated secret, shown once).

use base64::Engine;
use rand::RngCore;

use super::route_editor::is_member;
use super::routes::blank_route;
use super::{Scope, field};
use crate::routing::{Destination, FieldError, Overflow, Route};

pub(super) fn secret_note(generated: &[(String, String)]) -> String {
    let mut s =
        String::from("Saved. New webhook secrets (shown once; give them to the receiver): ");
    s.push_str(
        &generated
            .iter()
            .map(|(url, secret)| format!("{url}: {secret}"))
            .collect::<Vec<_>>()
            .join("; "),
    );
    s
}

pub(super) fn new_webhook_secret() -> String {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

pub(super) fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', ' ', '\n', '\r', '\t'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
}

pub(super) fn opt(form: &[(String, String)], name: &str) -> Option<String> {
    field(form, name)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Builds the route from the editor's form. Returns it (as far as it parses, for showing again),
/// the errors of fields that do not even parse, and the webhook secrets generated for new webhooks
/// as (url, secret).
pub(super) fn parse_route(
    sc: &Scope,
    form: &[(String, String)],
    old: Option<&Route>,
) -> (Route, Vec<FieldError>, Vec<(String, String)>) {
    let mut errs = Vec::new();
    let mut generated = Vec::new();
    let on = |n: &str| field(form, n).is_some();
    let mut r = blank_route(sc);
    r.name = field(form, "name").unwrap_or("").trim().to_string();
    r.events = form
        .iter()
        .filter(|(k, _)| k == "events")
        .map(|(_, v)| v.clone())
        .collect();
    r.description = opt(form, "description");
    r.topic_contains = opt(form, "topic_contains");
    r.topic_regex = opt(form, "topic_regex");
    for m in split_list(field(form, "meeting_ids").unwrap_or("")) {
        match m.replace('-', "").parse::<u64>() {
            Ok(id) => r.meeting_ids.push(id),
            Err(_) => errs.push(FieldError {
                field: "meeting_ids".into(),
                message: format!("`{m}` is not a meeting id (digits only)"),
            }),
        }
    }
    r.host_ids = split_list(field(form, "host_ids").unwrap_or(""))
        .map(str::to_string)
        .collect();
    r.timezone = opt(form, "timezone").unwrap_or_else(|| "UTC".into());
    r.locale = opt(form, "locale");
    r.include_join_link = on("include_join_link");
    r.enabled = on("enabled");
    r.link_preview = on("link_preview");
    r.silent = on("silent");
    r.overflow = match field(form, "overflow") {
        Some("truncate") => Overflow::Truncate,
        _ => Overflow::Split,
    };
    // Organizer destinations: the existing rows, then the "add" row.
    let mut rows: Vec<String> = Vec::new();
    let mut i = 0;
    while field(form, &format!("d.{i}.kind")).is_some() {
        if !on(&format!("d.{i}.remove")) {
            rows.push(format!("d.{i}"));
        }
        i += 1;
    }
    if field(form, "new.kind").is_some_and(|k| !k.is_empty()) {
        rows.push("new".into());
    }
    for p in rows {
        let idx = r.destinations.len();
        let get = |f: &str| opt(form, &format!("{p}.{f}"));
        let num = |f: &str, errs: &mut Vec<FieldError>| -> Option<i64> {
            let v = get(f)?;
            match v.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errs.push(FieldError {
                        field: format!("destinations[{idx}].{f}"),
                        message: format!("`{v}` is not a number"),
                    });
                    None
                }
            }
        };
        let d = match get("kind").as_deref() {
            // "A Telegram group" chosen with no chat number: the organizer takes the easy way the
            // form offers (save, then send a link code in the group), so the route is saved
            // without a destination yet rather than refused for a number they do not know.
            Some("telegram") if p == "new" && get("chat_id").is_none() => continue,
            Some("telegram") => {
                let chat_id = num("chat_id", &mut errs).unwrap_or(0);
                let thread_id = num("thread_id", &mut errs);
                let bot = num("bot", &mut errs);
                Destination::Telegram {
                    chat_id,
                    thread_id,
                    member: false,
                    bot,
                }
            }
            Some("email") => Destination::Email {
                to: split_list(&get("to").unwrap_or_default())
                    .map(str::to_string)
                    .collect(),
                member: false,
            },
            Some("webhook") => {
                let url = get("url").unwrap_or_default();
                let secret = match get("secret") {
                    Some(s) => s,
                    None => {
                        let kept = old.and_then(|o| {
                            o.destinations.iter().find_map(|d| match d {
                                Destination::Webhook { url: u, secret } if *u == url => {
                                    Some(secret.clone())
                                }
                                _ => None,
                            })
                        });
                        match kept {
                            Some(s) => s,
                            None => {
                                let s = new_webhook_secret();
                                generated.push((url.clone(), s.clone()));
                                s
                            }
                        }
                    }
                };
                Destination::Webhook { url, secret }
            }
            Some("log") => Destination::Log,
            other => {
                errs.push(FieldError {
                    field: format!("destinations[{idx}]"),
                    message: format!("`{}` is not a destination kind", other.unwrap_or_default()),
                });
                continue;
            }
        };
        r.destinations.push(d);
    }
    // Member subscriptions and per-route templates are not edited here: keep them.
    if let Some(o) = old {
        r.destinations
            .extend(o.destinations.iter().filter(|d| is_member(d)).cloned());
        r.templates = o.templates.clone();
    }
    (r, errs, generated)
}
