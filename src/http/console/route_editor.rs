//! The route editor page (create and edit), with errors next to their fields.

use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::html::{
    Section, button_form, csrf_field, error_summary, field_errors, flash, page, q, titled_section,
};
use super::{Scope, route_destinations, words};
use crate::http::AppState;
use crate::i18n::Lang;
use crate::routing::{Destination, FieldError, MEETING_EVENTS, Overflow, Route};

pub(super) fn is_member(d: &Destination) -> bool {
    matches!(
        d,
        Destination::Telegram { member: true, .. } | Destination::Email { member: true, .. }
    )
}

/// What a text input takes, which sets its `type`, `inputmode` and the like.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Takes {
    Text,
    /// The route's name: required, at most 200 characters.
    Name,
    Number,
    Email,
    Url,
    /// A secret: masked, never filled in by the browser.
    Secret,
}

impl Takes {
    /// The input's `type`, `inputmode` and `autocomplete`, where it has them.
    fn attrs(
        self,
    ) -> (
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    ) {
        match self {
            Takes::Text | Takes::Name => (None, None, None),
            Takes::Number => (None, Some("numeric"), None),
            Takes::Email => (None, Some("email"), None),
            Takes::Url => (None, Some("url"), None),
            Takes::Secret => (Some("password"), None, Some("off")),
        }
    }
}

/// Where a field of the form is found: its element id, its name in the form, and its path in the
/// service's errors.
#[derive(Clone, Copy)]
pub(super) struct Ids<'a> {
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) path: &'a str,
}

impl<'a> Ids<'a> {
    /// A field of the route itself, whose id, name and error path are all `key`.
    fn of(key: &'a str) -> Ids<'a> {
        Ids {
            id: key,
            name: key,
            path: key,
        }
    }
}

/// A field with its label, its hint (element `{id}-hint`, when there is one), the control and its
/// errors.
pub(super) fn field_row(
    id: &str,
    label: &str,
    hint: &str,
    errors: Option<&Markup>,
    control: Markup,
) -> Markup {
    html! {
        div class=(if errors.is_some() { "field invalid" } else { "field" }) {
            label for=(id) { (label) }
            @if !hint.is_empty() {
                p class="hint" id=(format!("{id}-hint")) { (hint) }
            }
            (control)
            @if let Some(errors) = errors {
                (errors)
            }
        }
    }
}

/// The `aria-describedby` of a control: its hint and its errors, where it has them.
pub(super) fn described_by(id: &str, hint: &str, invalid: bool) -> Option<String> {
    let mut ids = Vec::new();
    if !hint.is_empty() {
        ids.push(format!("{id}-hint"));
    }
    if invalid {
        ids.push(format!("{id}-err"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A text input with its label, hint and errors (element `{id}-err`).
pub(super) fn text_input(
    ids: Ids,
    label: &str,
    hint: &str,
    value: &str,
    takes: Takes,
    errs: &[FieldError],
) -> Markup {
    let errors = field_errors(errs, ids.path, &format!("{}-err", ids.id));
    let invalid = errors.is_some();
    let (kind, mode, autocomplete) = takes.attrs();
    let input = html! {
        input id=(ids.id) name=(ids.name) value=(value)
            aria-describedby=[described_by(ids.id, hint, invalid)]
            aria-invalid=[invalid.then_some("true")]
            type=[kind] inputmode=[mode] autocomplete=[autocomplete]
            required[takes == Takes::Name] maxlength=[(takes == Takes::Name).then_some(200)];
    };
    field_row(ids.id, label, hint, errors.as_ref(), input)
}

/// A checkbox with its label.
pub(super) fn checkbox(id: &str, name: &str, value: &str, label: &str, checked: bool) -> Markup {
    html! {
        div class="check" {
            input type="checkbox" id=(id) name=(name) value=(value) checked[checked];
            label for=(id) { (label) }
        }
    }
}

/// A yes/no setting of the route, whose id and name are `key`.
pub(super) fn flag(key: &str, label: &str, checked: bool) -> Markup {
    checkbox(key, key, "on", label, checked)
}

/// The route editor. `name` is the stored route's name when editing (None when creating).
pub(super) fn editor(
    st: &AppState,
    sc: &Scope,
    r: &Route,
    name: Option<&str>,
    errs: &[FieldError],
    note: Option<&str>,
    status: StatusCode,
) -> Response {
    let action = match name {
        Some(n) => sc.route_url(n, ""),
        None => sc.url("/new-route"),
    };
    let body = html! {
        @if let Some(note) = note {
            (flash(note))
        }
        (error_summary(errs))
        form method="post" action=(action) class="editor" novalidate {
            (csrf_field(sc.csrf()))
            (text_input(
                Ids::of("name"),
                "Name",
                "Unique within this account, e.g. “weekly-call”.",
                &r.name,
                Takes::Name,
                errs,
            ))
            (description_field(r, errs))
            (events_fieldset(r, errs))
            (meetings_fieldset(r, errs))
            (message_fieldset(r, errs))
            (telegram_options(r))
            (route_destinations::destinations(st, sc, r, errs))
            p {
                button type="submit" class="primary" {
                    @if name.is_some() { "Save route" } @else { "Create route" }
                }
            }
        }
        @if let Some(n) = name {
            (route_actions(st, sc, r, n))
        }
    };
    let title = match name {
        Some(n) => format!("Route {n}"),
        None => "New route".to_string(),
    };
    page(
        status,
        &title,
        Some(&sc.principal),
        Some((sc, Section::Routes)),
        body,
    )
}

fn description_field(r: &Route, errs: &[FieldError]) -> Markup {
    let hint = "A sentence or two for the join page, e.g. “Tuesday evening meetup in Leeds”.";
    let errors = field_errors(errs, "description", "description-err");
    let textarea = html! {
        textarea id="description" name="description" rows="2" maxlength="500"
            aria-describedby=[described_by("description", hint, errors.is_some())] {
            (r.description.as_deref().unwrap_or(""))
        }
    };
    field_row(
        "description",
        "About the group",
        hint,
        errors.as_ref(),
        textarea,
    )
}

fn events_fieldset(r: &Route, errs: &[FieldError]) -> Markup {
    let errors = field_errors(errs, "events", "events-err");
    html! {
        fieldset class=(if errors.is_some() { "field invalid" } else { "field" }) {
            legend { "Send a message when" }
            @for ev in MEETING_EVENTS {
                (checkbox(
                    &format!("ev-{}", ev.replace('.', "-")),
                    "events",
                    ev,
                    &words::event(ev),
                    r.events.iter().any(|x| x == ev),
                ))
            }
            @if let Some(errors) = &errors {
                (errors)
            }
        }
    }
}

/// Which meetings the route announces; the rarer ways folded away unless used.
fn meetings_fieldset(r: &Route, errs: &[FieldError]) -> Markup {
    let advanced = r.topic_regex.is_some()
        || !r.meeting_ids.is_empty()
        || !r.host_ids.is_empty()
        || errs.iter().any(|f| {
            ["topic_regex", "meeting_ids", "host_ids"]
                .iter()
                .any(|k| f.field.starts_with(k))
        });
    let meeting_ids = r
        .meeting_ids
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        fieldset {
            legend { "Which meetings" }
            p class="hint" { "Leave this empty for every meeting of the account." }
            (text_input(
                Ids::of("topic_contains"),
                "Only meetings whose title contains",
                "For example “Tuesday”. Capital letters do not matter.",
                r.topic_contains.as_deref().unwrap_or(""),
                Takes::Text,
                errs,
            ))
            details open[advanced] {
                summary { "More ways to choose meetings" }
                (text_input(
                    Ids::of("topic_regex"),
                    "Title pattern (for experts)",
                    "A pattern such as ^Weekly (sync|call). Most groups need only the box above.",
                    r.topic_regex.as_deref().unwrap_or(""),
                    Takes::Text,
                    errs,
                ))
                (text_input(
                    Ids::of("meeting_ids"),
                    "Only these meetings (meeting numbers)",
                    "The number in the meeting's Zoom link, e.g. 853 9384 7045; several separated by commas.",
                    &meeting_ids,
                    Takes::Number,
                    errs,
                ))
                (text_input(
                    Ids::of("host_ids"),
                    "Only meetings hosted by (Zoom user ids)",
                    "Zoom's id of each host, separated by commas.",
                    &r.host_ids.join(", "),
                    Takes::Text,
                    errs,
                ))
            }
        }
    }
}

/// How the route's messages read: time zone, language, join link; and whether the route is on.
fn message_fieldset(r: &Route, errs: &[FieldError]) -> Markup {
    html! {
        fieldset {
            legend { "Message" }
            (text_input(
                Ids::of("timezone"),
                "Time zone",
                "Times in messages are shown in it, e.g. Europe/Berlin or America/New_York.",
                &r.timezone,
                Takes::Text,
                errs,
            ))
            (language_select(r.locale.as_deref(), errs))
            (flag("include_join_link", "Include the join link and passcode", r.include_join_link))
            (flag("enabled", "On (untick to pause this route)", r.enabled))
        }
    }
}

/// The route's language, by the languages' own names; a stored tag no catalogue speaks stays
/// selectable so that saving the form does not change it silently.
fn language_select(current: Option<&str>, errs: &[FieldError]) -> Markup {
    let current = current.map(str::trim).filter(|c| !c.is_empty());
    let picked = current.and_then(Lang::from_tag);
    let langs = Lang::all();
    let is_picked = |lang: &Lang| picked.is_some_and(|p| p.code() == lang.code());
    let matched = langs.iter().any(is_picked);
    let hint = "Alerts, the join page and member emails of this route are written in it, with its \
                day and month names.";
    let select = html! {
        select id="locale" name="locale" aria-describedby="locale-hint" {
            option value="" selected[current.is_none()] { "The relay's default language" }
            @for lang in &langs {
                @let is = is_picked(lang);
                // A regional tag (pt-BR) keeps its region: it picks that region's date conventions.
                @let value = if is { current.unwrap_or(lang.code()) } else { lang.code() };
                option value=(value) lang=(lang.code()) selected[is] { (lang.name()) }
            }
            @if let (Some(c), false) = (current, matched) {
                option value=(c) selected { (c) " (no messages in this language)" }
            }
        }
    };
    let errors = field_errors(errs, "locale", "locale-err");
    field_row("locale", "Language", hint, errors.as_ref(), select)
}

fn telegram_options(r: &Route) -> Markup {
    let overflow = html! {
        select id="overflow" name="overflow" {
            option value="split" selected[r.overflow == Overflow::Split] {
                "Split into several messages"
            }
            option value="truncate" selected[r.overflow == Overflow::Truncate] { "Cut with “…”" }
        }
    };
    html! {
        details {
            summary { "Telegram options" }
            fieldset {
                legend { "Telegram options" }
                (flag("link_preview", "Show a link preview", r.link_preview))
                (flag("silent", "Send silently (no notification sound)", r.silent))
                (field_row("overflow", "Messages over 4096 characters", "", None, overflow))
            }
        }
    }
}

/// What can be done with a stored route besides editing it: test, members, bot codes, delete.
fn route_actions(st: &AppState, sc: &Scope, r: &Route, name: &str) -> Markup {
    let base = sc.route_url(name, "");
    let try_it = html! {
        p {
            "Send a sample of this route's first event to every destination now, through the real \
             delivery queue."
        }
        (button_form(&format!("{base}/test"), sc.csrf(), "Send test", &[]))
        p {
            a href=(sc.url(&format!("/templates?route={}", q(name)))) {
                "Edit this route's messages with a live preview"
            }
        }
    };
    let members = html! {
        p {
            a href=(format!("{base}/members")) { "Members and the join link to share" }
            ": members sign up by Telegram or email on one page."
        }
    };
    let delete = html! {
        p {
            a href=(format!("{base}/delete")) { "Delete this route…" }
            " (you will be asked to confirm)"
        }
    };
    html! {
        (titled_section("test-h", "Try it", try_it))
        (titled_section("members-h", "Members", members))
        // Only a bot that answers commands redeems codes (the service refuses them otherwise).
        @if st.config.bot.is_some() {
            (titled_section("codes-h", "Telegram bot codes", bot_codes(sc, r, &base)))
        }
        (titled_section("del-h", "Delete", delete))
    }
}

/// The buttons that make the route's bot codes, with the next step while no group is linked.
fn bot_codes(sc: &Scope, r: &Route, base: &str) -> Markup {
    let has_group = r
        .destinations
        .iter()
        .any(|d| matches!(d, Destination::Telegram { member: false, .. }));
    let codes = format!("{base}/codes");
    html! {
        p {
            "A " strong { "subscribe" } " code lets members get this route's messages in a \
             private chat with the bot. A " strong { "link" } " code adds a group (or a topic) as \
             a destination when sent there."
        }
        @if !has_group {
            p class="next" {
                strong { "Next:" } " add the bot to your Telegram group, press "
                strong { "Create a link code" } " and send the code in the group. The group then \
                appears above as a destination."
            }
        }
        (button_form(&codes, sc.csrf(), "Create a subscribe code", &[("kind", "subscribe")]))
        (button_form(&codes, sc.csrf(), "Create a link code", &[("kind", "link")]))
    }
}
