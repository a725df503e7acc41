//! The destinations part of the route editor: the organizer's destinations, each editable with
//! its errors beside its fields, and the row that adds one. Member subscriptions are only counted
//! here; they are listed on the route's members page.

use maud::{Markup, html};

use super::html::error_list;
use super::route_editor::{Ids, Takes, checkbox, field_row, is_member, text_input};
use super::{Scope, words};
use crate::http::AppState;
use crate::routing::{Destination, FieldError, Route};

/// The organizer's destinations, each editable, then a row to add one; member subscriptions are
/// only counted here.
pub(super) fn destinations(st: &AppState, sc: &Scope, r: &Route, errs: &[FieldError]) -> Markup {
    let own_errors: Vec<&FieldError> = errs.iter().filter(|f| f.field == "destinations").collect();
    let organizer: Vec<&Destination> = r.destinations.iter().filter(|d| !is_member(d)).collect();
    let members = r.destinations.len() - organizer.len();
    html! {
        h2 { "Destinations" }
        @if let Some(errors) = error_list(&own_errors, "dest-err") {
            (errors)
        }
        @for (i, d) in organizer.iter().enumerate() {
            (destination_fieldset(i, d, errs))
        }
        (new_destination(st, organizer.len(), errs))
        @if members > 0 {
            p {
                "Plus " (words::count(members, "member subscription", "member subscriptions"))
                ", managed on the " a href=(sc.url("/subscriptions")) { "subscriptions page" } "."
            }
        }
    }
}

/// The fields of one destination row of the form: ids `{id}-chat`, names `{name}.chat_id`, error
/// paths `{path}.chat_id`.
struct DestRow {
    id: String,
    name: String,
    path: String,
}

impl DestRow {
    /// The row of the organizer's destination `i`.
    fn existing(i: usize) -> DestRow {
        DestRow {
            id: format!("d{i}"),
            name: format!("d.{i}"),
            path: format!("destinations[{i}]"),
        }
    }

    /// The "add a destination" row, which becomes destination `n` once saved.
    fn new(n: usize) -> DestRow {
        DestRow {
            id: "new".into(),
            name: "new".into(),
            path: format!("destinations[{n}]"),
        }
    }

    /// The row's text input for `field` (`chat_id` is element `{id}-chat`).
    fn input(
        &self,
        field: &str,
        label: &str,
        hint: &str,
        value: &str,
        takes: Takes,
        errs: &[FieldError],
    ) -> Markup {
        let short = field.strip_suffix("_id").unwrap_or(field);
        let (id, name, path) = (
            format!("{}-{short}", self.id),
            format!("{}.{field}", self.name),
            format!("{}.{field}", self.path),
        );
        let ids = Ids {
            id: &id,
            name: &name,
            path: &path,
        };
        text_input(ids, label, hint, value, takes, errs)
    }
}

/// One of the organizer's destinations, with its fields and a box to remove it.
fn destination_fieldset(i: usize, d: &Destination, errs: &[FieldError]) -> Markup {
    let row = DestRow::existing(i);
    let (kind, label) = match d {
        Destination::Telegram { .. } => ("telegram", "Telegram chat"),
        Destination::Email { .. } => ("email", "Email"),
        Destination::Webhook { .. } => ("webhook", "Webhook"),
        Destination::Log => ("log", "Relay log"),
    };
    let own_errors: Vec<&FieldError> = errs.iter().filter(|f| f.field == row.path).collect();
    html! {
        fieldset class="dest" {
            legend { "Destination " (i + 1) ": " (label) }
            input type="hidden" name=(format!("{}.kind", row.name)) value=(kind);
            @if let Some(errors) = error_list(&own_errors, &format!("{}-err", row.id)) {
                (errors)
            }
            (destination_fields(&row, d, errs))
            (checkbox(
                &format!("{}-remove", row.id),
                &format!("{}.remove", row.name),
                "on",
                "Remove this destination",
                false,
            ))
        }
    }
}

fn destination_fields(row: &DestRow, d: &Destination, errs: &[FieldError]) -> Markup {
    match d {
        Destination::Telegram {
            chat_id,
            thread_id,
            bot,
            ..
        } => html! {
            // Which bot posts here is kept across an edit (it changes only by `/link` through
            // another bot), so it rides along unseen.
            @if let Some(bot) = bot {
                input type="hidden" name=(format!("{}.bot", row.name)) value=(bot);
            }
            (row.input(
                "chat_id",
                "Chat id",
                "Groups and channels are negative, e.g. -1001234567890.",
                &chat_id.to_string(),
                Takes::Number,
                errs,
            ))
            (row.input(
                "thread_id",
                "Topic (thread) id",
                "Optional: a forum topic of the group.",
                &thread_id.map(|t| t.to_string()).unwrap_or_default(),
                Takes::Number,
                errs,
            ))
        },
        Destination::Email { to, .. } => row.input(
            "to",
            "Email addresses",
            "Separated by commas; each recipient gets their own message.",
            &to.join(", "),
            Takes::Email,
            errs,
        ),
        Destination::Webhook { url, .. } => html! {
            (row.input("url", "URL", "", url, Takes::Url, errs))
            (row.input(
                "secret",
                "Signing secret",
                "Leave empty to keep the current secret.",
                "",
                Takes::Secret,
                errs,
            ))
        },
        Destination::Log => html! { p { "Messages are written to the relay's log." } },
    }
}

/// The row to add a destination: a choice of kind, and the fields of each kind (the script shows
/// only the chosen kind's).
fn new_destination(st: &AppState, n: usize, errs: &[FieldError]) -> Markup {
    let row = DestRow::new(n);
    let tg = st.config.telegram.is_some();
    let mail = st.config.email.is_some();
    let kinds = html! {
        select id="new-kind" name="new.kind" data-kind-select {
            option value="" { "Choose…" }
            @if tg {
                option value="telegram" { "A Telegram group or channel" }
            }
            @if mail {
                option value="email" { "Email addresses" }
            }
            option value="webhook" { "Another system (webhook)" }
            option value="log" { "Only the relay's log (for trying things out)" }
        }
    };
    html! {
        fieldset class="dest" {
            legend { "Add a destination" }
            (field_row("new-kind", "Where should messages go?", "", None, kinds))
            @if tg {
                div class="kind-fields" data-kind="telegram" {
                    h3 { "Telegram" }
                    p class="hint" {
                        "The easy way: save the route, add the bot to your group, and send it the \
                         link code from this route's page. The boxes below are for a chat whose \
                         number you know."
                    }
                    (row.input(
                        "chat_id",
                        "Telegram chat number",
                        "Groups and channels start with -100.",
                        "",
                        Takes::Number,
                        errs,
                    ))
                    (row.input(
                        "thread_id",
                        "Topic number (optional)",
                        "Only for a group with topics: the topic to post in.",
                        "",
                        Takes::Number,
                        errs,
                    ))
                }
            }
            @if mail {
                div class="kind-fields" data-kind="email" {
                    h3 { "Email" }
                    (row.input(
                        "to",
                        "Email addresses",
                        "Separated by commas. Each address first gets an email asking to confirm, \
                         and nothing else until it does. Members can also join by themselves with \
                         the route's join link.",
                        "",
                        Takes::Email,
                        errs,
                    ))
                }
            }
            div class="kind-fields" data-kind="webhook" {
                h3 { "Webhook" }
                (row.input(
                    "url",
                    "Webhook URL",
                    "The address of the other system, starting with https://.",
                    "",
                    Takes::Url,
                    errs,
                ))
                (row.input(
                    "secret",
                    "Webhook signing secret",
                    "Optional. Leave it empty and the relay makes one and shows it once, for the \
                     other system to check messages with.",
                    "",
                    Takes::Secret,
                    errs,
                ))
            }
        }
    }
}
