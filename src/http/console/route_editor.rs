//! The route editor page (create and edit), with errors next to their fields.

use axum::http::StatusCode;
use axum::response::Response;

use super::Scope;
use super::html::{
    Section, button_form, csrf_field, e, error_summary, field_errors, flash, page, q, seg,
};
use crate::http::AppState;
use crate::routing::{Destination, FieldError, MEETING_EVENTS, Overflow, Route};

pub(super) fn is_member(d: &Destination) -> bool {
    matches!(
        d,
        Destination::Telegram { member: true, .. } | Destination::Email { member: true, .. }
    )
}

/// The route's language, by the languages' own names; a stored tag no catalogue speaks stays
/// selectable so that saving the form does not change it silently.
fn language_select(current: Option<&str>, errs: &[FieldError]) -> String {
    let current = current.map(str::trim).filter(|c| !c.is_empty());
    let mut opts = format!(
        "<option value=\"\"{}>The relay's default language</option>",
        if current.is_none() { " selected" } else { "" }
    );
    let picked = current.and_then(crate::i18n::Lang::from_tag);
    let mut matched = false;
    for lang in crate::i18n::Lang::all() {
        // A regional tag (pt-BR) keeps its region: it picks that region's date conventions.
        let is = picked.is_some_and(|p| p.code() == lang.code());
        let value = if is {
            current.unwrap_or(lang.code())
        } else {
            lang.code()
        };
        matched |= is;
        opts.push_str(&format!(
            "<option value=\"{}\" lang=\"{}\"{}>{}</option>",
            e(value),
            e(lang.code()),
            if is { " selected" } else { "" },
            e(lang.name())
        ));
    }
    if let (Some(c), false) = (current, matched) {
        opts.push_str(&format!(
            "<option value=\"{0}\" selected>{0} (no messages in this language)</option>",
            e(c)
        ));
    }
    let errors = field_errors(errs, "locale", "locale-err");
    format!(
        "<div class=\"field{}\"><label for=\"locale\">Language</label>\
         <p class=\"hint\" id=\"locale-hint\">Alerts, the join page and member emails of this route are written in it, with its day and month names.</p>\
         <select id=\"locale\" name=\"locale\" aria-describedby=\"locale-hint\">{opts}</select>{errors}</div>",
        if errors.is_empty() { "" } else { " invalid" },
    )
}

/// A text input with its label, hint and errors (all of which it needs, hence the arguments).
#[allow(clippy::too_many_arguments)]
pub(super) fn text_input(
    id: &str,
    name: &str,
    label: &str,
    value: &str,
    hint: &str,
    errs: &[FieldError],
    path: &str,
    extra: &str,
) -> String {
    let err_id = format!("{id}-err");
    let errors = field_errors(errs, path, &err_id);
    let hint_id = format!("{id}-hint");
    let mut described = Vec::new();
    if !hint.is_empty() {
        described.push(hint_id.clone());
    }
    if !errors.is_empty() {
        described.push(err_id.clone());
    }
    format!(
        "<div class=\"field{}\"><label for=\"{id}\">{}</label>{}\
         <input id=\"{id}\" name=\"{}\" value=\"{}\"{}{}{extra}>{errors}</div>",
        if errors.is_empty() { "" } else { " invalid" },
        e(label),
        if hint.is_empty() {
            String::new()
        } else {
            format!("<p class=\"hint\" id=\"{hint_id}\">{}</p>", e(hint))
        },
        e(name),
        e(value),
        if described.is_empty() {
            String::new()
        } else {
            format!(" aria-describedby=\"{}\"", described.join(" "))
        },
        if errors.is_empty() {
            ""
        } else {
            " aria-invalid=\"true\""
        },
        id = e(id),
    )
}

pub(super) fn checkbox(id: &str, name: &str, label: &str, checked: bool) -> String {
    format!(
        "<div class=\"check\"><input type=\"checkbox\" id=\"{id}\" name=\"{}\" value=\"on\"{}>\
         <label for=\"{id}\">{}</label></div>",
        e(name),
        if checked { " checked" } else { "" },
        e(label),
        id = e(id)
    )
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
        Some(n) => sc.url(&format!("/routes/{}", seg(n))),
        None => sc.url("/new-route"),
    };
    let mut b = String::new();
    if let Some(n) = note {
        b.push_str(&flash(n));
    }
    b.push_str(&error_summary(errs));
    b.push_str(&format!(
        "<form method=\"post\" action=\"{}\" class=\"editor\" novalidate>{}",
        e(&action),
        csrf_field(sc.csrf())
    ));
    b.push_str(&text_input(
        "name",
        "name",
        "Name",
        &r.name,
        "Unique within this account, e.g. “weekly-call”.",
        errs,
        "name",
        " required maxlength=\"200\"",
    ));
    let desc_err = field_errors(errs, "description", "description-err");
    b.push_str(&format!(
        "<div class=\"field{}\"><label for=\"description\">About the group</label>\
         <p class=\"hint\" id=\"description-hint\">A sentence or two for the join page, e.g. “Tuesday evening meetup in Leeds”.</p>\
         <textarea id=\"description\" name=\"description\" rows=\"2\" maxlength=\"500\" aria-describedby=\"description-hint{}\">{}</textarea>{desc_err}</div>",
        if desc_err.is_empty() { "" } else { " invalid" },
        if desc_err.is_empty() { "" } else { " description-err" },
        e(r.description.as_deref().unwrap_or(""))
    ));
    // Events.
    let ev_err = field_errors(errs, "events", "events-err");
    b.push_str(&format!(
        "<fieldset class=\"field{}\"><legend>Send a message when</legend>",
        if ev_err.is_empty() { "" } else { " invalid" }
    ));
    for ev in MEETING_EVENTS {
        let id = format!("ev-{}", ev.replace('.', "-"));
        b.push_str(&format!(
            "<div class=\"check\"><input type=\"checkbox\" id=\"{id}\" name=\"events\" value=\"{ev}\"{}>\
             <label for=\"{id}\">{}</label></div>",
            if r.events.iter().any(|x| x == ev) {
                " checked"
            } else {
                ""
            },
            e(&super::words::event(ev))
        ));
    }
    b.push_str(&ev_err);
    b.push_str("</fieldset>");
    // Filters.
    b.push_str("<fieldset><legend>Which meetings</legend><p class=\"hint\">Leave this empty for every meeting of the account.</p>");
    b.push_str(&text_input(
        "topic_contains",
        "topic_contains",
        "Only meetings whose title contains",
        r.topic_contains.as_deref().unwrap_or(""),
        "For example “Tuesday”. Capital letters do not matter.",
        errs,
        "topic_contains",
        "",
    ));
    let advanced = r.topic_regex.is_some()
        || !r.meeting_ids.is_empty()
        || !r.host_ids.is_empty()
        || errs.iter().any(|f| {
            ["topic_regex", "meeting_ids", "host_ids"]
                .iter()
                .any(|k| f.field.starts_with(k))
        });
    b.push_str(&format!(
        "<details{}><summary>More ways to choose meetings</summary>",
        if advanced { " open" } else { "" }
    ));
    b.push_str(&text_input(
        "topic_regex",
        "topic_regex",
        "Title pattern (for experts)",
        r.topic_regex.as_deref().unwrap_or(""),
        "A pattern such as ^Weekly (sync|call). Most groups need only the box above.",
        errs,
        "topic_regex",
        "",
    ));
    b.push_str(&text_input(
        "meeting_ids",
        "meeting_ids",
        "Only these meetings (meeting numbers)",
        &r.meeting_ids
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        "The number in the meeting's Zoom link, e.g. 853 9384 7045; several separated by commas.",
        errs,
        "meeting_ids",
        " inputmode=\"numeric\"",
    ));
    b.push_str(&text_input(
        "host_ids",
        "host_ids",
        "Only meetings hosted by (Zoom user ids)",
        &r.host_ids.join(", "),
        "Zoom's id of each host, separated by commas.",
        errs,
        "host_ids",
        "",
    ));
    b.push_str("</details></fieldset><fieldset><legend>Message</legend>");
    b.push_str(&text_input(
        "timezone",
        "timezone",
        "Time zone",
        &r.timezone,
        "Times in messages are shown in it, e.g. Europe/Berlin or America/New_York.",
        errs,
        "timezone",
        "",
    ));
    b.push_str(&language_select(r.locale.as_deref(), errs));
    b.push_str(&checkbox(
        "include_join_link",
        "include_join_link",
        "Include the join link and passcode",
        r.include_join_link,
    ));
    b.push_str(&checkbox(
        "enabled",
        "enabled",
        "On (untick to pause this route)",
        r.enabled,
    ));
    b.push_str("</fieldset><details><summary>Telegram options</summary><fieldset><legend>Telegram options</legend>");
    b.push_str(&checkbox(
        "link_preview",
        "link_preview",
        "Show a link preview",
        r.link_preview,
    ));
    b.push_str(&checkbox(
        "silent",
        "silent",
        "Send silently (no notification sound)",
        r.silent,
    ));
    b.push_str(&format!(
        "<div class=\"field\"><label for=\"overflow\">Messages over 4096 characters</label>\
         <select id=\"overflow\" name=\"overflow\"><option value=\"split\"{}>Split into several messages</option>\
         <option value=\"truncate\"{}>Cut with “…”</option></select></div></fieldset></details>",
        if r.overflow == Overflow::Split {
            " selected"
        } else {
            ""
        },
        if r.overflow == Overflow::Truncate {
            " selected"
        } else {
            ""
        }
    ));
    // Destinations.
    let dest_err = errs
        .iter()
        .filter(|f| f.field == "destinations")
        .map(|f| format!("<li>{}</li>", e(&f.message)))
        .collect::<String>();
    b.push_str("<h2>Destinations</h2>");
    if !dest_err.is_empty() {
        b.push_str(&format!(
            "<ul class=\"field-error\" id=\"dest-err\">{dest_err}</ul>"
        ));
    }
    let organizer: Vec<&Destination> = r.destinations.iter().filter(|d| !is_member(d)).collect();
    for (i, d) in organizer.iter().enumerate() {
        let p = format!("d.{i}");
        let path = format!("destinations[{i}]");
        let (kind, label) = match d {
            Destination::Telegram { .. } => ("telegram", "Telegram chat"),
            Destination::Email { .. } => ("email", "Email"),
            Destination::Webhook { .. } => ("webhook", "Webhook"),
            Destination::Log => ("log", "Relay log"),
        };
        b.push_str(&format!(
            "<fieldset class=\"dest\"><legend>Destination {}: {label}</legend>\
             <input type=\"hidden\" name=\"{p}.kind\" value=\"{kind}\">",
            i + 1
        ));
        b.push_str(&field_errors(
            &errs
                .iter()
                .filter(|f| f.field == path)
                .cloned()
                .collect::<Vec<_>>(),
            &path,
            &format!("d{i}-err"),
        ));
        match d {
            Destination::Telegram {
                chat_id,
                thread_id,
                bot,
                ..
            } => {
                // Which bot posts here is kept across an edit (it changes only by `/link` through
                // another bot), so it rides along unseen.
                if let Some(bot) = bot {
                    b.push_str(&format!(
                        "<input type=\"hidden\" name=\"{p}.bot\" value=\"{bot}\">"
                    ));
                }
                b.push_str(&text_input(
                    &format!("d{i}-chat"),
                    &format!("{p}.chat_id"),
                    "Chat id",
                    &chat_id.to_string(),
                    "Groups and channels are negative, e.g. -1001234567890.",
                    errs,
                    &format!("{path}.chat_id"),
                    " inputmode=\"numeric\"",
                ));
                b.push_str(&text_input(
                    &format!("d{i}-thread"),
                    &format!("{p}.thread_id"),
                    "Topic (thread) id",
                    &thread_id.map(|t| t.to_string()).unwrap_or_default(),
                    "Optional: a forum topic of the group.",
                    errs,
                    &format!("{path}.thread_id"),
                    " inputmode=\"numeric\"",
                ));
            }
            Destination::Email { to, .. } => b.push_str(&text_input(
                &format!("d{i}-to"),
                &format!("{p}.to"),
                "Email addresses",
                &to.join(", "),
                "Separated by commas; each recipient gets their own message.",
                errs,
                &format!("{path}.to"),
                " type=\"text\" inputmode=\"email\"",
            )),
            Destination::Webhook { url, .. } => {
                b.push_str(&text_input(
                    &format!("d{i}-url"),
                    &format!("{p}.url"),
                    "URL",
                    url,
                    "",
                    errs,
                    &format!("{path}.url"),
                    " inputmode=\"url\"",
                ));
                b.push_str(&text_input(
                    &format!("d{i}-secret"),
                    &format!("{p}.secret"),
                    "Signing secret",
                    "",
                    "Leave empty to keep the current secret.",
                    errs,
                    &format!("{path}.secret"),
                    " type=\"password\" autocomplete=\"off\"",
                ));
            }
            Destination::Log => {
                b.push_str("<p>Messages are written to the relay's log.</p>");
            }
        }
        b.push_str(&checkbox(
            &format!("d{i}-remove"),
            &format!("{p}.remove"),
            "Remove this destination",
            false,
        ));
        b.push_str("</fieldset>");
    }
    let n = organizer.len();
    let tg = st.config.telegram.is_some();
    let mail = st.config.email.is_some();
    b.push_str(&format!(
        "<fieldset class=\"dest\"><legend>Add a destination</legend>\
         <div class=\"field\"><label for=\"new-kind\">Where should messages go?</label><select id=\"new-kind\" name=\"new.kind\" data-kind-select>\
         <option value=\"\">Choose…</option>{}{}<option value=\"webhook\">Another system (webhook)</option>\
         <option value=\"log\">Only the relay's log (for trying things out)</option></select></div>",
        if tg {
            "<option value=\"telegram\">A Telegram group or channel</option>"
        } else {
            ""
        },
        if mail {
            "<option value=\"email\">Email addresses</option>"
        } else {
            ""
        },
    ));
    let np = format!("destinations[{n}]");
    if tg {
        b.push_str("<div class=\"kind-fields\" data-kind=\"telegram\"><h3>Telegram</h3>\
            <p class=\"hint\">The easy way: save the route, add the bot to your group, and send it the link code from this route's page. The boxes below are for a chat whose number you know.</p>");
        b.push_str(&text_input(
            "new-chat",
            "new.chat_id",
            "Telegram chat number",
            "",
            "Groups and channels start with -100.",
            errs,
            &format!("{np}.chat_id"),
            " inputmode=\"numeric\"",
        ));
        b.push_str(&text_input(
            "new-thread",
            "new.thread_id",
            "Topic number (optional)",
            "",
            "Only for a group with topics: the topic to post in.",
            errs,
            &format!("{np}.thread_id"),
            " inputmode=\"numeric\"",
        ));
        b.push_str("</div>");
    }
    if mail {
        b.push_str("<div class=\"kind-fields\" data-kind=\"email\"><h3>Email</h3>");
        b.push_str(&text_input(
            "new-to",
            "new.to",
            "Email addresses",
            "",
            "Separated by commas. Each address first gets an email asking to confirm, and nothing else until it does. Members can also join by themselves with the route's join link.",
            errs,
            &format!("{np}.to"),
            " inputmode=\"email\"",
        ));
        b.push_str("</div>");
    }
    b.push_str("<div class=\"kind-fields\" data-kind=\"webhook\"><h3>Webhook</h3>");
    b.push_str(&text_input(
        "new-url",
        "new.url",
        "Webhook URL",
        "",
        "The address of the other system, starting with https://.",
        errs,
        &format!("{np}.url"),
        " inputmode=\"url\"",
    ));
    b.push_str(&text_input(
        "new-secret",
        "new.secret",
        "Webhook signing secret",
        "",
        "Optional. Leave it empty and the relay makes one and shows it once, for the other system to check messages with.",
        errs,
        &format!("{np}.secret"),
        " type=\"password\" autocomplete=\"off\"",
    ));
    b.push_str("</div></fieldset>");
    let members = r.destinations.iter().filter(|d| is_member(d)).count();
    if members > 0 {
        b.push_str(&format!(
            "<p>Plus {}, managed on the <a href=\"{}\">subscriptions page</a>.</p>",
            super::words::count(members, "member subscription", "member subscriptions"),
            e(&sc.url("/subscriptions"))
        ));
    }
    b.push_str(&format!(
        "<p><button type=\"submit\" class=\"primary\">{}</button></p></form>",
        if name.is_some() {
            "Save route"
        } else {
            "Create route"
        }
    ));
    if let Some(n) = name {
        let base = sc.url(&format!("/routes/{}", seg(n)));
        b.push_str("<section aria-labelledby=\"test-h\"><h2 id=\"test-h\">Try it</h2>\
                    <p>Send a sample of this route's first event to every destination now, through the real delivery queue.</p>");
        b.push_str(&button_form(
            &format!("{base}/test"),
            sc.csrf(),
            "Send test",
            &[],
        ));
        b.push_str(&format!(
            "<p><a href=\"{}\">Edit this route's messages with a live preview</a></p></section>",
            e(&sc.url(&format!("/templates?route={}", q(n))))
        ));
        b.push_str(&format!(
            "<section aria-labelledby=\"members-h\"><h2 id=\"members-h\">Members</h2>\
             <p><a href=\"{}\">Members and the join link to share</a>: members sign up by Telegram or email on one page.</p></section>",
            e(&format!("{base}/members"))
        ));
        // Only a bot that answers commands redeems codes (the service refuses them otherwise).
        if st.config.bot.is_some() {
            b.push_str("<section aria-labelledby=\"codes-h\"><h2 id=\"codes-h\">Telegram bot codes</h2>\
                        <p>A <strong>subscribe</strong> code lets members get this route's messages in a private chat with the bot. \
                        A <strong>link</strong> code adds a group (or a topic) as a destination when sent there.</p>");
            let has_group = r
                .destinations
                .iter()
                .any(|d| matches!(d, Destination::Telegram { member: false, .. }));
            if !has_group {
                b.push_str(
                    "<p class=\"next\"><strong>Next:</strong> add the bot to your Telegram group, \
                     press <strong>Create a link code</strong> and send the code in the group. The \
                     group then appears above as a destination.</p>",
                );
            }
            b.push_str(&button_form(
                &format!("{base}/codes"),
                sc.csrf(),
                "Create a subscribe code",
                &[("kind", "subscribe")],
            ));
            b.push_str(&button_form(
                &format!("{base}/codes"),
                sc.csrf(),
                "Create a link code",
                &[("kind", "link")],
            ));
            b.push_str("</section>");
        }
        b.push_str(&format!(
            "<section aria-labelledby=\"del-h\"><h2 id=\"del-h\">Delete</h2>\
             <p><a href=\"{}\">Delete this route…</a> (you will be asked to confirm)</p></section>",
            e(&format!("{base}/delete"))
        ));
    }
    let title = match name {
        Some(n) => format!("Route {n}"),
        None => "New route".to_string(),
    };
    page(
        status,
        &title,
        Some(&sc.principal),
        Some((sc, Section::Routes)),
        &b,
    )
}
