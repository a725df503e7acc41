//! The console's page frame and small HTML helpers, as maud templates. maud escapes every value it
//! interpolates, and the frame drops hidden bidi controls from the whole page
//! ([`crate::http::page::document`]). A URL path segment goes through [`seg`] first.
//! Every helper returns [`Markup`], and every page body is `Markup`: no page is assembled from
//! strings, so nothing reaches a page without passing maud's escaping or a `PreEscaped` that says
//! why it is safe.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use super::{Fail, Scope};
use crate::http::auth::Principal;
use crate::routing::FieldError;

pub use crate::http::page::{q, seg};

/// Which section of a tenant's console a page belongs to (the current nav item).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Routes,
    Templates,
    Deliveries,
    Subscriptions,
    Bot,
}

/// A page about the scope's tenant, framed with its section's navigation. `body` is trusted
/// markup: callers escape every value in it.
pub fn tenant_page(
    sc: &Scope,
    section: Section,
    status: StatusCode,
    title: &str,
    body: Markup,
) -> Response {
    page(
        status,
        title,
        Some(&sc.principal),
        Some((sc, section)),
        body,
    )
}

/// [`tenant_page`] with 200, as a page handler's answer: most pages end with it.
pub fn shown(sc: &Scope, section: Section, title: &str, body: Markup) -> Result<Response, Fail> {
    Ok(tenant_page(sc, section, StatusCode::OK, title, body))
}

/// [`options`] for a template.
pub fn options<S: AsRef<str>>(values: &[S], selected: Option<&str>) -> Markup {
    html! {
        @for v in values {
            @let v = v.as_ref();
            option value=(v) selected[selected == Some(v)] { (v) }
        }
    }
}

/// A complete console page. `body` is trusted markup: callers escape every value in it.
pub fn page(
    status: StatusCode,
    title: &str,
    principal: Option<&Principal>,
    scope: Option<(&Scope, Section)>,
    body: Markup,
) -> Response {
    let csrf = principal.and_then(Principal::csrf).unwrap_or("");
    let html = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · zoom-relay" }
                @if !csrf.is_empty() {
                    meta name="csrf-token" content=(csrf);
                }
                link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/console/assets/console.css";
                script src="/console/assets/console.js" defer {}
            }
            body {
                a class="skip" href="#main" { "Skip to content" }
                (top_bar(principal, csrf))
                @if let Some((sc, current)) = scope {
                    (tenant_nav(sc, current))
                }
                main id="main" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    (status, Html(crate::http::page::document(html))).into_response()
}

/// The bar on top of every page: the console's name, and who is signed in with a way out.
fn top_bar(principal: Option<&Principal>, csrf: &str) -> Markup {
    html! {
        header class="top" {
            a class="brand" href="/console" { "zoom-relay console" }
            @if let Some(p) = principal {
                span class="who" { (who(p)) }
                form method="post" action="/console/logout" class="inline" {
                    (csrf_field(csrf))
                    button type="submit" class="link" { "Sign out" }
                }
            }
        }
    }
}

/// Who a principal is, as the top bar says it.
fn who(p: &Principal) -> String {
    match p {
        Principal::Operator { .. } => "Operator".to_string(),
        Principal::Tenant {
            app_id, account_id, ..
        } => format!("Account {account_id} ({app_id})"),
    }
}

/// A tenant's navigation, with its current section marked.
fn tenant_nav(sc: &Scope, current: Section) -> Markup {
    let items = [
        (Section::Dashboard, "", "Dashboard"),
        (Section::Routes, "/routes", "Routes"),
        (Section::Templates, "/templates", "Templates"),
        (Section::Deliveries, "/deliveries", "Delivery log"),
        (Section::Subscriptions, "/subscriptions", "Subscriptions"),
        (Section::Bot, "/bot", "Telegram bot"),
    ];
    html! {
        nav aria-label="Account" {
            p class="tenant" {
                "Account " strong { (&sc.account) } " · app " (&sc.app)
                @if sc.principal.is_operator() {
                    " · " a href="/console" { "all accounts" }
                }
            }
            ul {
                @for (section, rest, label) in items {
                    li {
                        a href=(sc.url(rest)) aria-current=[(section == current).then_some("page")] {
                            (label)
                        }
                    }
                }
            }
        }
    }
}

/// A page with one message, for errors and confirmations outside a tenant.
pub fn message_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = html! {
        p { (message) }
        p { a href="/console" { "Back to the console" } }
    };
    page(status, title, None, None, body)
}

/// The hidden CSRF field every console form carries.
pub fn csrf_field(csrf: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(csrf); }
}

/// A POST form with one button (Retry, Remove, ...).
pub fn button_form(action: &str, csrf: &str, label: &str, hidden: &[(&str, &str)]) -> Markup {
    html! {
        form method="post" action=(action) class="inline" {
            (csrf_field(csrf))
            @for (name, value) in hidden {
                input type="hidden" name=(name) value=(value);
            }
            button type="submit" { (label) }
        }
    }
}

/// Validation errors for the field `path` (and its sub-fields), as an element the input names with
/// `aria-describedby`; `None` when the field has no error.
pub fn field_errors(errs: &[FieldError], path: &str, id: &str) -> Option<Markup> {
    let mine: Vec<&FieldError> = errs
        .iter()
        .filter(|f| {
            f.field == path
                || f.field.starts_with(&format!("{path}."))
                || f.field.starts_with(&format!("{path}["))
        })
        .collect();
    error_list(&mine, id)
}

/// The messages of `errs` as the list [`field_errors`] shows; `None` for no errors.
pub fn error_list(errs: &[&FieldError], id: &str) -> Option<Markup> {
    if errs.is_empty() {
        return None;
    }
    Some(html! {
        ul class="field-error" id=(id) {
            @for f in errs {
                li { (&f.message) }
            }
        }
    })
}

/// An error summary at the top of a form, announced to screen readers.
pub fn error_summary(errs: &[FieldError]) -> Markup {
    html! {
        @if !errs.is_empty() {
            div class="error-summary" role="alert" {
                h2 { "Please fix these problems" }
                ul {
                    @for f in errs {
                        li { (field_label(&f.field)) ": " (&f.message) }
                    }
                }
            }
        }
    }
}

/// The name a form shows for a field path of the service's errors: what the label says, not the
/// route document's key.
pub fn field_label(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("destinations[") {
        let n: usize = rest
            .split(']')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        return format!("Destination {}", n + 1);
    }
    if path.starts_with("templates") || path.contains('/') {
        return "Message".into();
    }
    match path {
        "name" => "Name",
        "description" => "About the group",
        "events" => "Send a message when",
        "topic_contains" => "Title contains",
        "topic_regex" => "Title pattern",
        "meeting_ids" => "Meeting numbers",
        "host_ids" => "Hosts",
        "timezone" => "Time zone",
        "locale" => "Language",
        "since" => "Since",
        "account_id" | "app_id" => "Account",
        other => other,
    }
    .to_string()
}

/// A section of a page under its heading (element `id`), which names the section.
pub fn titled_section(id: &str, title: &str, body: Markup) -> Markup {
    html! {
        section aria-labelledby=(id) {
            h2 id=(id) { (title) }
            (body)
        }
    }
}

/// A notice line (`role="status"`) for a done action.
pub fn flash(text: &str) -> Markup {
    html! { p class="flash" role="status" { (text) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seg_keeps_a_hostile_name_in_one_segment() {
        assert_eq!(seg("a/b?c d"), "a%2Fb%3Fc%20d");
        assert_eq!(seg("weekly-call_1.x~"), "weekly-call_1.x~");
        assert_eq!(seg("é"), "%C3%A9");
    }

    #[test]
    fn escape_escapes_markup_and_quotes() {
        assert_eq!(
            crate::http::page::escape("<script>\"x\"&</script>"),
            "&lt;script&gt;&quot;x&quot;&amp;&lt;/script&gt;"
        );
    }

    #[tokio::test]
    async fn a_console_page_escapes_values_and_drops_hidden_controls() {
        let hostile = "\"><script>x</script>\u{202E}gnp.exe";
        let body = html! { a title=(hostile) { (hostile) } };
        let resp = page(StatusCode::OK, hostile, None, None, body);
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await;
        let out = String::from_utf8(bytes.unwrap().to_vec()).unwrap();
        let escaped = crate::http::page::escape(hostile);
        assert!(!escaped.contains('\u{202E}'));
        assert!(!out.contains('\u{202E}'), "{out}");
        assert!(!out.contains("<script>x"), "{out}");
        assert!(
            out.contains(&format!("<a title=\"{escaped}\">{escaped}</a>")),
            "{out}"
        );
    }

    #[test]
    fn button_form_carries_csrf_and_hidden_fields() {
        assert_eq!(
            button_form("/x?a=1&b=2", "tok\"", "Remove <it>", &[("route", "a\"b")]).into_string(),
            "<form method=\"post\" action=\"/x?a=1&amp;b=2\" class=\"inline\">\
             <input type=\"hidden\" name=\"csrf\" value=\"tok&quot;\">\
             <input type=\"hidden\" name=\"route\" value=\"a&quot;b\">\
             <button type=\"submit\">Remove &lt;it&gt;</button></form>"
        );
    }

    #[test]
    fn field_errors_take_the_field_and_its_parts_only() {
        let errs = [
            FieldError {
                field: "destinations[0].url".into(),
                message: "bad <url>".into(),
            },
            FieldError {
                field: "destinations[1]".into(),
                message: "other".into(),
            },
        ];
        assert_eq!(
            field_errors(&errs, "destinations[0]", "d0-err").map(Markup::into_string),
            Some("<ul class=\"field-error\" id=\"d0-err\"><li>bad &lt;url&gt;</li></ul>".into())
        );
        assert!(field_errors(&errs, "name", "name-err").is_none());
        assert_eq!(error_summary(&[]).into_string(), "");
    }

    #[test]
    fn options_mark_the_selected_one() {
        let values = ["UTC".to_string(), "Europe/Berlin".to_string()];
        assert_eq!(
            options(&values, Some("Europe/Berlin")).into_string(),
            "<option value=\"UTC\">UTC</option>\
             <option value=\"Europe/Berlin\" selected>Europe/Berlin</option>"
        );
    }
}
