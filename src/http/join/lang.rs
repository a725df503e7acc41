//! Which language a member page speaks: a `?lang=` link of the page's language switcher, else the
//! choice stored with their consent, else their browser's `Accept-Language`, else the route's.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use serde::Deserialize;

use crate::i18n::{self, Lang};

/// What a member page speaks, and whether the member picked it (a `?lang=` link, the join form's
/// hidden field, the stored choice or their browser's `Accept-Language`) rather than the page
/// falling back to the route's language. Only a member's pick is worth storing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::http) struct PageLang {
    pub(in crate::http) lang: Lang,
    pub(super) members: bool,
}

/// The member's choice now (`?lang=`), else their stored choice, else their browser's
/// `Accept-Language`, else the route's language. Tags no catalogue speaks are skipped.
pub(in crate::http) fn choose_lang(
    chosen: Option<&str>,
    stored: Option<&str>,
    headers: &HeaderMap,
    route: Lang,
) -> PageLang {
    let browser = || {
        headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| {
                i18n::accept_language(h)
                    .iter()
                    .find_map(|t| Lang::from_tag(t))
            })
    };
    match chosen
        .and_then(Lang::from_tag)
        .or_else(|| stored.and_then(Lang::from_tag))
        .or_else(browser)
    {
        Some(lang) => PageLang {
            lang,
            members: true,
        },
        None => PageLang {
            lang: route,
            members: false,
        },
    }
}

/// `?lang=xx` on any member page: the language switcher's links.
#[derive(Deserialize, Default)]
struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// A visit to a member page: the code or token its path ends with, the language asked for with
/// `?lang=` (a query string that does not parse asks for none) and the request's headers, for the
/// browser's `Accept-Language`.
pub struct Visit {
    pub(in crate::http) token: String,
    chosen: Option<String>,
    pub(in crate::http) headers: HeaderMap,
}

impl<S: Send + Sync> FromRequestParts<S> for Visit {
    type Rejection = PathRejection;

    async fn from_request_parts(parts: &mut Parts, st: &S) -> Result<Self, PathRejection> {
        let Path(token) = Path::<String>::from_request_parts(parts, st).await?;
        let chosen = Query::<LangQuery>::from_request_parts(parts, st)
            .await
            .ok()
            .and_then(|Query(q)| q.lang);
        Ok(Visit {
            token,
            chosen,
            headers: parts.headers.clone(),
        })
    }
}

impl Visit {
    /// The language asked for with `?lang=`.
    pub(in crate::http) fn chosen(&self) -> Option<&str> {
        self.chosen.as_deref()
    }

    /// The page's language before the route is known (or when it is not found): the one asked
    /// for, else the browser's, else English.
    pub(in crate::http) fn first_lang(&self) -> Lang {
        choose_lang(self.chosen(), None, &self.headers, Lang::english()).lang
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `?lang=` first, then the stored choice, then the browser's, then the route's; tags no
    /// catalogue speaks are passed over, and only the route's fallback counts as no choice.
    #[test]
    fn the_page_language_is_the_members_choice_then_the_browsers_then_the_routes() {
        let lang = |t: &str| Lang::from_tag(t).unwrap();
        let mut browser = HeaderMap::new();
        browser.insert(ACCEPT_LANGUAGE, "zh, fr;q=0.9, es;q=0.8".parse().unwrap());
        let none = HeaderMap::new();
        let route = lang("pt");
        let pick = |chosen, stored, headers| choose_lang(chosen, stored, headers, route);
        assert_eq!(pick(Some("de"), Some("ru"), &browser).lang, lang("de"));
        assert_eq!(pick(Some("xx"), Some("ru"), &browser).lang, lang("ru"));
        assert_eq!(pick(None, None, &browser).lang, lang("fr"));
        assert!(pick(None, None, &browser).members);
        let fallback = pick(None, Some("tlh"), &none);
        assert_eq!((fallback.lang, fallback.members), (route, false));
    }
}
