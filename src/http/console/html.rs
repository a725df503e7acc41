//! The console's page frame and small HTML helpers. Every interpolated value goes through [`e`]
//! (HTML escaping, safe in text and in double-quoted attributes) or [`seg`] (a URL path segment).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::{Fail, Scope};
use crate::http::auth::Principal;
use crate::routing::FieldError;

/// HTML-escapes `s` for text and double-quoted attribute values.
pub fn e(s: &str) -> String {
    crate::http::page::escape(s)
}

/// Percent-encodes `s` as one URL path segment (everything but RFC 3986 unreserved characters), so
/// a route named `a/b?c` stays one segment.
pub fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes `s` for a query-string value.
pub fn q(s: &str) -> String {
    seg(s)
}

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

/// A complete console page. `body` is trusted markup: callers escape every value in it.
/// A page about the scope's tenant, framed with its section's navigation.
pub fn tenant_page(
    sc: &Scope,
    section: Section,
    status: StatusCode,
    title: &str,
    body: &str,
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
pub fn shown(sc: &Scope, section: Section, title: &str, body: &str) -> Result<Response, Fail> {
    Ok(tenant_page(sc, section, StatusCode::OK, title, body))
}

/// `<option>`s of a select, with `selected` marked.
pub fn options(values: &[String], selected: Option<&str>) -> String {
    values
        .iter()
        .map(|v| {
            let mark = if selected == Some(v.as_str()) {
                " selected"
            } else {
                ""
            };
            format!("<option value=\"{}\"{mark}>{}</option>", e(v), e(v))
        })
        .collect()
}

pub fn page(
    status: StatusCode,
    title: &str,
    principal: Option<&Principal>,
    scope: Option<(&Scope, Section)>,
    body: &str,
) -> Response {
    let csrf = principal.and_then(Principal::csrf).unwrap_or("");
    let mut head = String::new();
    if !csrf.is_empty() {
        head.push_str(&format!(
            "<meta name=\"csrf-token\" content=\"{}\">",
            e(csrf)
        ));
    }
    let mut header = String::from(
        "<header class=\"top\"><a class=\"brand\" href=\"/console\">zoom-relay console</a>",
    );
    if let Some(p) = principal {
        let who = match p {
            Principal::Operator { .. } => "Operator".to_string(),
            Principal::Tenant {
                app_id, account_id, ..
            } => format!("Account {account_id} ({app_id})"),
        };
        header.push_str(&format!(
            "<span class=\"who\">{}</span>\
             <form method=\"post\" action=\"/console/logout\" class=\"inline\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <button type=\"submit\" class=\"link\">Sign out</button></form>",
            e(&who),
            e(csrf)
        ));
    }
    header.push_str("</header>");
    let mut nav = String::new();
    if let Some((s, current)) = scope {
        let item = |sec: Section, href: String, label: &str| {
            let cur = if sec == current {
                " aria-current=\"page\""
            } else {
                ""
            };
            format!("<li><a href=\"{}\"{cur}>{}</a></li>", e(&href), e(label))
        };
        nav.push_str(&format!(
            "<nav aria-label=\"Account\"><p class=\"tenant\">Account <strong>{}</strong> · app {}{}</p><ul>",
            e(&s.account),
            e(&s.app),
            if s.principal.is_operator() {
                " · <a href=\"/console\">all accounts</a>"
            } else {
                ""
            }
        ));
        nav.push_str(&item(Section::Dashboard, s.url(""), "Dashboard"));
        nav.push_str(&item(Section::Routes, s.url("/routes"), "Routes"));
        nav.push_str(&item(Section::Templates, s.url("/templates"), "Templates"));
        nav.push_str(&item(
            Section::Deliveries,
            s.url("/deliveries"),
            "Delivery log",
        ));
        nav.push_str(&item(
            Section::Subscriptions,
            s.url("/subscriptions"),
            "Subscriptions",
        ));
        nav.push_str(&item(Section::Bot, s.url("/bot"), "Telegram bot"));
        nav.push_str("</ul></nav>");
    }
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · zoom-relay</title>{head}\
         <link rel=\"icon\" href=\"/console/assets/favicon.svg\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"/console/assets/console.css\">\
         <script src=\"/console/assets/console.js\" defer></script></head>\
         <body><a class=\"skip\" href=\"#main\">Skip to content</a>{header}{nav}\
         <main id=\"main\"><h1>{title}</h1>{body}</main></body></html>",
        title = e(title),
    );
    (status, Html(html)).into_response()
}

/// A page with one message, for errors and confirmations outside a tenant.
pub fn message_page(status: StatusCode, title: &str, message: &str) -> Response {
    page(
        status,
        title,
        None,
        None,
        &format!(
            "<p>{}</p><p><a href=\"/console\">Back to the console</a></p>",
            e(message)
        ),
    )
}

/// The hidden CSRF field every console form carries.
pub fn csrf_field(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        e(csrf)
    )
}

/// A POST form with one button (Retry, Remove, ...).
pub fn button_form(action: &str, csrf: &str, label: &str, hidden: &[(&str, &str)]) -> String {
    let mut f = format!(
        "<form method=\"post\" action=\"{}\" class=\"inline\">{}",
        e(action),
        csrf_field(csrf)
    );
    for (k, v) in hidden {
        f.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            e(k),
            e(v)
        ));
    }
    f.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        e(label)
    ));
    f
}

/// Validation errors for the field `path` (and its sub-fields), as an element the input names with
/// `aria-describedby`. Returns (id, markup); the markup is empty when there is no error.
pub fn field_errors(errs: &[FieldError], path: &str, id: &str) -> String {
    let mine: Vec<&FieldError> = errs
        .iter()
        .filter(|f| {
            f.field == path
                || f.field.starts_with(&format!("{path}."))
                || f.field.starts_with(&format!("{path}["))
        })
        .collect();
    if mine.is_empty() {
        return String::new();
    }
    let mut out = format!("<ul class=\"field-error\" id=\"{}\">", e(id));
    for f in mine {
        out.push_str(&format!("<li>{}</li>", e(&f.message)));
    }
    out.push_str("</ul>");
    out
}

/// An error summary at the top of a form, announced to screen readers.
pub fn error_summary(errs: &[FieldError]) -> String {
    if errs.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<div class=\"error-summary\" role=\"alert\"><h2>Please fix these problems</h2><ul>",
    );
    for f in errs {
        out.push_str(&format!(
            "<li>{}: {}</li>",
            e(&field_label(&f.field)),
            e(&f.message)
        ));
    }
    out.push_str("</ul></div>");
    out
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

/// A notice line (`role="status"`) for a done action.
pub fn flash(text: &str) -> String {
    format!("<p class=\"flash\" role=\"status\">{}</p>", e(text))
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
    fn e_escapes_markup_and_quotes() {
        assert_eq!(
            e("<script>\"x\"&</script>"),
            "&lt;script&gt;&quot;x&quot;&amp;&lt;/script&gt;"
        );
    }
}
