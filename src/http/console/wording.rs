//! The wording page: an account changes sentences of its alerts in one language (the catalogue's
//! messages, Fluent source stored as `messages/LANG`), checked as saving checks it, with the same
//! live preview as the template editor (console.js posts the draft with the language to
//! `/api/v1/templates/preview`). Without JavaScript, Save shows the server-rendered preview.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use maud::{Markup, html};

use super::fragments::{col_heads, error_list};
use super::html::{Section, csrf_field, error_summary, flash, q, tenant_page};
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

    let key = messages_key(lang.code());
    let invalid = !errs.is_empty();
    let b = html! {
        @if let Some(n) = note { (flash(n)) }
        (error_summary(errs))
        p {
            "Change any sentence of your alerts, in each language your routes use. Write only the \
             lines you want to change, as " code { "name = your words" } "; every other sentence \
             stays as the relay ships it. Words in braces, like " code { "{ $topic }" } ", are \
             filled in for each meeting."
        }
        (languages_nav(sc, lang))
        div class="split" {
            form method="post" action=(sc.url("/wording")) id="template-form"
                data-app=(sc.app) data-account=(sc.account) data-event="meeting.started"
                data-locale=(lang.code()) {
                (csrf_field(sc.csrf()))
                input type="hidden" name="lang" value=(lang.code());
                div class={ "field" @if invalid { " invalid" } } {
                    label for="wording" { "Your wording in " (lang.name()) }
                    @if invalid { (error_list("wording-err", errs)) }
                    textarea id="wording" name="source" data-key="wording" data-full-key=(key)
                        rows="10" spellcheck="true" lang=(lang.code()) dir=(lang.dir())
                        aria-invalid=[invalid.then_some("true")]
                        aria-describedby=[invalid.then_some("wording-err")] { (text) }
                }
                p {
                    button type="submit" class="primary" { "Save wording" }
                    @if !saved.trim().is_empty() {
                        button type="submit" name="reset" value="1" class="secondary" {
                            "Use the shipped wording again"
                        }
                    }
                }
            }
            (sentences_panel(lang, &saved))
            (preview_panel(preview))
        }
    };
    Ok(tenant_page(sc, Section::Templates, status, "Wording", b))
}

/// A link to the page of each language, the current one marked.
fn languages_nav(sc: &Scope, lang: Lang) -> Markup {
    html! {
        nav aria-label="Languages" {
            ul class="plain row" {
                @for l in Lang::all() {
                    li {
                        a href=(sc.url(&format!("/wording?lang={}", q(l.code())))) lang=(l.code())
                            aria-current=[(l == lang).then_some("page")] { (l.name()) }
                    }
                }
            }
        }
    }
}

/// Every sentence an alert can use, with its name and how it reads now in this language (the
/// account's wording where it has one), so an organizer can copy a line and change it.
fn sentences_panel(lang: Lang, saved: &str) -> Markup {
    let own = crate::i18n::check_override(saved).ok();
    let own_ids = message_variables(saved).unwrap_or_default();
    let sentences = reference_variables().iter().filter(|(id, _)| {
        !id.starts_with("meta-") && (id.starts_with("alert-") || id.starts_with("duration-"))
    });
    html! {
        section aria-labelledby="sentences-h" {
            h2 id="sentences-h" { "The sentences in " (lang.name()) }
            table {
                thead { tr { (col_heads(&["Name", "Reads now"])) } }
                tbody {
                    @for (id, vars) in sentences {
                        tr {
                            td {
                                code { (id) }
                                @if own_ids.contains_key(id) { " " span class="badge" { "yours" } }
                            }
                            td lang=(lang.code()) dir=(lang.dir()) { (reads(lang, own.as_ref(), id, vars)) }
                        }
                    }
                }
            }
        }
    }
}

/// How the sentence `id` reads now, its variables shown as `{ $name }`, without the invisible
/// isolation marks Fluent puts around them: an organizer copies these lines into their wording.
fn reads(
    lang: Lang,
    own: Option<&fluent_bundle::FluentResource>,
    id: &str,
    vars: &std::collections::BTreeSet<String>,
) -> String {
    let args: Vec<(&str, fluent_bundle::FluentValue<'_>)> = vars
        .iter()
        .map(|v| {
            (
                v.as_str(),
                fluent_bundle::FluentValue::from(format!("{{ ${v} }}")),
            )
        })
        .collect();
    lang.t_over(own, id, &args)
        .replace(['\u{2068}', '\u{2069}'], "")
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
