//! What every page behind a member's signed link shares: reading the link (a 404 that says what
//! to do instead when it does not read), the page's language with the route's time zone and the
//! member's record, and the one-sentence pages for a link that does not work or a store that
//! cannot be read. The unsubscribe pages (`http/unsubscribe.rs`) open their links here too.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::lang::{PageLang, Visit, choose_lang};
use maud::html;

use crate::http::page::{message, page_in, sentence_page};
use crate::http::{AppState, call};
use crate::i18n::Lang;
use crate::service::Ctx;
use crate::service::join::{self, ConfirmToken};
use crate::service::subscriptions::Unsubscribe;
use crate::store::consents::Consent;

/// A member page, or the page that ends it early (a link that does not work, a store that cannot
/// be read), so a handler can stop with `?`.
pub(in crate::http) type Page = Result<Response, Response>;

/// A page that says one sentence under a title, both from the catalogue.
pub(in crate::http) fn say(lang: Lang, status: StatusCode, title: &str, text: &str) -> Response {
    sentence_page(lang, status, &lang.tr(title), &lang.tr(text))
}

/// The page a member link's GET shows: the question, and the button whose POST does it (so a link
/// scanner that follows links does nothing). `button_style` is the button's own style, if any.
pub(in crate::http) fn question(
    lang: Lang,
    title: &str,
    question: &str,
    button_style: Option<&str>,
    button: &str,
) -> Response {
    let body = html! {
        p { (message(question)) }
        form method="post" {
            button type="submit" style=[button_style] { (lang.tr(button)) }
        }
    };
    page_in(lang, StatusCode::OK, &lang.tr(title), body)
}

/// A 404 page for a link that does not (or no longer) work, saying what to do instead.
pub(in crate::http) fn link_not_valid(lang: Lang, what_to_do: &str) -> Response {
    say(
        lang,
        StatusCode::NOT_FOUND,
        "page-link-not-valid",
        what_to_do,
    )
}

pub(in crate::http) fn unavailable(lang: Lang) -> Response {
    say(
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        "page-try-again-title",
        "page-try-again",
    )
}

/// The route's time zone and language, for "paused until Thursday, December 10" and pages of a
/// member with no choice stored; UTC and the relay's default language once the route is gone.
async fn route_facts(ctx: &Ctx, app: &str, account: &str, route: &str) -> (Option<String>, Lang) {
    let tenant = crate::store::TenantId::new(app, account);
    match ctx.db.get_route(&tenant, route).await.ok().flatten() {
        Some(r) => (Some(r.timezone.clone()), join::route_lang(ctx, &r)),
        None => (
            None,
            Lang::from_tag(&ctx.config.default_locale).unwrap_or_else(Lang::english),
        ),
    }
}

/// The member a page is about, as the store has them.
pub(in crate::http) struct Member {
    pub(in crate::http) page: PageLang,
    /// The route's time zone, when the route is still there.
    pub(super) tz: Option<String>,
    pub(super) consent: Option<Consent>,
}

/// The language of a page about one consent: `?lang=`, else the member's stored choice, else the
/// browser's, else the route's; with the route's time zone and the consent.
/// Err (with the language to apologize in) when the store cannot be read.
async fn member(
    ctx: &Ctx,
    u: &Unsubscribe,
    chosen: Option<&str>,
    headers: &HeaderMap,
) -> Result<Member, Lang> {
    let (tz, route) = route_facts(ctx, &u.app, &u.account, &u.route).await;
    let consent = match join::manage_state(ctx, u).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "a member's record could not be read");
            return Err(choose_lang(chosen, None, headers, route).lang);
        }
    };
    let stored = consent.as_ref().and_then(|c| c.lang.as_deref());
    Ok(Member {
        page: choose_lang(chosen, stored, headers, route),
        tz,
        consent,
    })
}

/// A signed link that names one member's address on one route.
pub(in crate::http) trait MemberLink {
    fn member(&self) -> Unsubscribe;
}

impl MemberLink for Unsubscribe {
    fn member(&self) -> Unsubscribe {
        self.clone()
    }
}

impl MemberLink for ConfirmToken {
    fn member(&self) -> Unsubscribe {
        Unsubscribe {
            app: self.app.clone(),
            account: self.account.clone(),
            route: self.route.clone(),
            address: self.address.clone(),
        }
    }
}

/// A member's link, read. The member acts on their own address, which the signed link proves, so
/// the page runs as the operator, the one that may edit any route.
pub(in crate::http) struct Opened<T> {
    pub(in crate::http) ctx: Ctx,
    pub(in crate::http) link: T,
    /// Err (with the language to apologize in) when the store cannot be read.
    pub(in crate::http) member: Result<Member, Lang>,
}

impl<T> Opened<T> {
    /// The page's language, also when the member's record could not be read.
    pub(in crate::http) fn lang(&self) -> Lang {
        match &self.member {
            Ok(m) => m.page.lang,
            Err(lang) => *lang,
        }
    }

    /// The page's language when the member's record was read; Err with the language to
    /// apologize in when it could not be, for a page that must not go on without it.
    pub(in crate::http) fn known_lang(&self) -> Result<Lang, Lang> {
        match &self.member {
            Ok(m) => Ok(m.page.lang),
            Err(lang) => Err(*lang),
        }
    }
}

/// Reads the visit's link with `read`; one that does not read gets the 404 that says
/// `what_to_do`, in the language asked for or the browser's.
pub(in crate::http) async fn open<T: MemberLink>(
    st: &AppState,
    v: &Visit,
    what_to_do: &str,
    read: impl FnOnce(&Ctx, &str) -> Option<T>,
) -> Result<Opened<T>, Response> {
    let ctx = call::operator(st);
    let Some(link) = read(&ctx, &v.token) else {
        return Err(link_not_valid(v.first_lang(), what_to_do));
    };
    let member = member(&ctx, &link.member(), v.chosen(), &v.headers).await;
    Ok(Opened { ctx, link, member })
}
