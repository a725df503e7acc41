//! The wording page: an account changes sentences of its alerts in one language (the catalogue's
//! messages, Fluent source stored as `messages/LANG`), checked as saving checks it, with the same
//! live preview as the template editor (console.js posts the draft with the language to
//! `/api/v1/templates/preview`). Without JavaScript, Save shows the server-rendered preview.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::html::{Section, csrf_field, e, error_summary, flash, page, q};
use super::templates::preview_panel;
use super::{Fail, Posted, Scope, field};
use crate::http::AppState;
use crate::http::call;
use crate::i18n::{Lang, message_variables, reference_variables};
use crate::render::{MESSAGES, messages_key};
use crate::routing::FieldError;
use crate::service::ServiceError;
use crate::service::routes::PreviewRequest;

#[derive(Deserialize, Default)]
pub struct Which {
    lang: Option<String>,
    saved: Option<String>,
}

/// The languages an account can word, by exact catalogue code; English when none is asked.
fn pick(lang: Option<&str>) -> Lang {
    lang.and_then(|l| Lang::all().into_iter().find(|x| x.code() == l))
        .unwrap_or_else(Lang::english)
}

pub async fn show(
    State(st): State<AppState>,
    Query(w): Query<Which>,
    sc: Scope,
) -> Result<Response, Fail> {
    let lang = pick(w.lang.as_deref());
    let note = w.saved.map(|_| "Saved.");
    render(&st, &sc, lang, None, &[], note, StatusCode::OK).await
}

/// The account's own wording for `lang`, or "" when it has none.
async fn own_wording(st: &AppState, sc: &Scope, lang: Lang) -> Result<String, ServiceError> {
    call::operator(st)
        .wording(&sc.app, &sc.account, lang.code())
        .await
}

async fn render(
    st: &AppState,
    sc: &Scope,
    lang: Lang,
    draft: Option<&str>,
    errs: &[FieldError],
    note: Option<&str>,
    status: StatusCode,
) -> Result<Response, Fail> {
    let saved = own_wording(st, sc, lang).await?;
    let text = draft.unwrap_or(&saved);
    let preview = call::operator(st)
        .preview(&PreviewRequest {
            event: "meeting.started".into(),
            app: sc.app.clone(),
            account: Some(sc.account.clone()),
            locale: Some(lang.code().to_string()),
            // After a failed save the draft does not render: the panes show the saved wording.
            templates: draft
                .filter(|d| errs.is_empty() && !d.trim().is_empty())
                .map(|d| [(messages_key(lang.code()), d.to_string())].into())
                .unwrap_or_default(),
            ..PreviewRequest::default()
        })
        .await;

    let mut b = String::new();
    if let Some(n) = note {
        b.push_str(&flash(n));
    }
    b.push_str(&error_summary(errs));
    b.push_str(
        "<p>Change any sentence of your alerts, in each language your routes use. Write only the \
         lines you want to change, as <code>name = your words</code>; every other sentence stays \
         as the relay ships it. Words in braces, like <code>{ $topic }</code>, are filled in for \
         each meeting.</p><nav aria-label=\"Languages\"><ul class=\"plain row\">",
    );
    for l in Lang::all() {
        let current = l == lang;
        b.push_str(&format!(
            "<li><a href=\"{}\" lang=\"{}\"{}>{}</a></li>",
            e(&sc.url(&format!("/wording?lang={}", q(l.code())))),
            e(l.code()),
            if current {
                " aria-current=\"page\""
            } else {
                ""
            },
            e(l.name())
        ));
    }
    b.push_str("</ul></nav>");

    let key = messages_key(lang.code());
    let invalid = !errs.is_empty();
    b.push_str(&format!(
        "<div class=\"split\"><form method=\"post\" action=\"{}\" id=\"template-form\" \
         data-app=\"{}\" data-account=\"{}\" data-event=\"meeting.started\" data-locale=\"{}\">{}\
         <input type=\"hidden\" name=\"lang\" value=\"{}\">\
         <div class=\"field{}\"><label for=\"wording\">Your wording in {}</label>{}\
         <textarea id=\"wording\" name=\"source\" data-key=\"wording\" data-full-key=\"{}\" rows=\"10\" \
         spellcheck=\"true\" lang=\"{}\" dir=\"{}\"{}>{}</textarea></div>\
         <p><button type=\"submit\" class=\"primary\">Save wording</button>{}</p></form>",
        e(&sc.url("/wording")),
        e(&sc.app),
        e(&sc.account),
        e(lang.code()),
        csrf_field(sc.csrf()),
        e(lang.code()),
        if invalid { " invalid" } else { "" },
        e(lang.name()),
        if invalid {
            let mut l = String::from("<ul class=\"field-error\" id=\"wording-err\">");
            for f in errs {
                l.push_str(&format!("<li>{}</li>", e(&f.message)));
            }
            l.push_str("</ul>");
            l
        } else {
            String::new()
        },
        e(&key),
        e(lang.code()),
        lang.dir(),
        if invalid {
            " aria-invalid=\"true\" aria-describedby=\"wording-err\""
        } else {
            ""
        },
        e(text),
        if saved.trim().is_empty() {
            String::new()
        } else {
            "<button type=\"submit\" name=\"reset\" value=\"1\" class=\"secondary\">Use the shipped wording again</button>"
                .to_string()
        },
    ));
    b.push_str(&sentences_panel(lang, &saved));
    b.push_str(&preview_panel(preview));
    b.push_str("</div>");
    Ok(page(
        status,
        "Wording",
        Some(&sc.principal),
        Some((sc, Section::Templates)),
        &b,
    ))
}

/// Every sentence an alert can use, with its name and how it reads now in this language (the
/// account's wording where it has one), so an organizer can copy a line and change it.
fn sentences_panel(lang: Lang, saved: &str) -> String {
    let own = crate::i18n::check_override(saved).ok();
    let own_ids = message_variables(saved).unwrap_or_default();
    let mut b = format!(
        "<section aria-labelledby=\"sentences-h\"><h2 id=\"sentences-h\">The sentences in {}</h2>\
         <table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Reads now</th></tr></thead><tbody>",
        e(lang.name())
    );
    for (id, vars) in reference_variables() {
        if id.starts_with("meta-") || !(id.starts_with("alert-") || id.starts_with("duration-")) {
            continue;
        }
        let args: Vec<(&str, fluent_bundle::FluentValue<'_>)> = vars
            .iter()
            .map(|v| {
                (
                    v.as_str(),
                    fluent_bundle::FluentValue::from(format!("{{ ${v} }}")),
                )
            })
            .collect();
        let reads = lang.t_over(own.as_ref(), id, &args);
        b.push_str(&format!(
            "<tr><td><code>{}</code>{}</td><td lang=\"{}\" dir=\"{}\">{}</td></tr>",
            e(id),
            if own_ids.contains_key(id) {
                " <span class=\"badge\">yours</span>"
            } else {
                ""
            },
            e(lang.code()),
            lang.dir(),
            e(&reads)
        ));
    }
    b.push_str("</tbody></table></section>");
    b
}

pub async fn save(
    State(st): State<AppState>,
    Posted { by: sc, form }: Posted,
) -> Result<Response, Fail> {
    let lang = pick(field(&form, "lang"));
    let back = sc.url(&format!("/wording?lang={}&saved=1", q(lang.code())));
    let source = field(&form, "source").unwrap_or("").replace("\r\n", "\n");
    let c = call::operator(&st);
    if field(&form, "reset").is_some() || source.trim().is_empty() {
        match c
            .remove_template(&sc.app, &sc.account, MESSAGES, lang.code())
            .await
        {
            Ok(()) | Err(ServiceError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        return Ok(Redirect::to(&back).into_response());
    }
    match c
        .set_template(&sc.app, &sc.account, MESSAGES, lang.code(), &source)
        .await
    {
        Ok(()) => Ok(Redirect::to(&back).into_response()),
        Err(ServiceError::Invalid(errs)) => {
            render(
                &st,
                &sc,
                lang,
                Some(&source),
                &errs,
                None,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
