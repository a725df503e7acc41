//! The organizer console: server-rendered pages under `/console` (DESIGN section 6).
//!
//! Every page is plain HTML that works without JavaScript; one small script (`assets/console.js`)
//! adds the template editor's live preview. Scripts and styles are served by the relay itself from
//! `/console/assets/`, so the Content-Security-Policy can forbid inline scripts and third-party
//! origins altogether.
//!
//! Access: a console session (`zr_session` cookie, see [`crate::http::auth`]). A tenant's pages live
//! under `/console/t/{app}/{account}/...`; a session for another tenant gets 404 there, exactly as the
//! API answers, so a tenant cannot learn that another exists. Every state-changing form is a POST
//! carrying the session's CSRF token in a hidden `csrf` field.

mod apps;
mod dashboard;
mod deliveries;
mod fragments;
mod html;
mod join;
mod login;
mod own_bot;
mod route_destinations;
mod route_editor;
mod route_form;
mod routes;
mod subscriptions;
mod templates;
mod wording;
mod words;

use axum::Router;
use axum::extract::{Form, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::AppState;
use super::auth::{Principal, csrf_ok};
use crate::service::ServiceError;

pub use html::seg;

/// The console's routes, nested at `/console` by [`crate::http::router`].
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::home))
        .route("/go", get(dashboard::go))
        .route("/apps", get(apps::list))
        .route("/apps/add", post(apps::add))
        .route("/apps/invite", post(apps::invite))
        .route("/apps/{app_id}/rotate", post(apps::rotate))
        .route("/apps/{app_id}/remove", post(apps::remove))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/assets/console.css", get(css))
        .route("/assets/console.js", get(js))
        .route("/assets/favicon.svg", get(favicon))
        .nest("/t/{app}/{account}", tenant_router())
        .layer(axum::middleware::map_response(security_headers))
}

/// One tenant's pages, nested at `/t/{app}/{account}`: every handler reads the tenant from those
/// two path segments (see [`Scope`]).
fn tenant_router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/routes", get(routes::list))
        .route("/new-route", get(routes::new_form).post(routes::create))
        .route("/routes/{name}", get(routes::edit_form).post(routes::save))
        .route(
            "/routes/{name}/delete",
            get(routes::confirm_delete).post(routes::delete),
        )
        .route("/routes/{name}/test", post(routes::send_test))
        .route("/routes/{name}/codes", post(routes::create_code))
        .route("/routes/{name}/members", get(join::show))
        .route("/routes/{name}/codes/revoke", post(join::revoke))
        .route("/templates", get(templates::show).post(templates::save))
        .route("/wording", get(wording::show).post(wording::save))
        .route("/deliveries", get(deliveries::list))
        .route("/deliveries/replay", post(deliveries::replay))
        .route("/deliveries/{id}", get(deliveries::show))
        .route("/deliveries/{id}/retry", post(deliveries::retry))
        .route("/destinations/enable", post(dashboard::enable_destination))
        .route("/subscriptions", get(subscriptions::list))
        .route("/subscriptions/remove", post(subscriptions::remove))
        .route("/bot", get(own_bot::show).post(own_bot::connect))
        .route("/bot/remove", post(own_bot::remove))
        .route("/bot/moved", post(own_bot::moved))
}

/// Scripts and styles only from the relay itself, never inline; no framing of the console (click-
/// jacking). `style-src` allows inline styles because the email preview's `srcdoc` frame inherits
/// this policy and email HTML is styled inline; the frame itself is sandboxed (no scripts, opaque
/// origin).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
                   base-uri 'none'; form-action 'self'; object-src 'none'";

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("assets/console.css"),
    )
        .into_response()
}

async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("assets/console.js"),
    )
        .into_response()
}

async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("assets/favicon.svg"),
    )
        .into_response()
}

/// A console page's outcome when it cannot show what was asked: a redirect to sign in, or an error
/// page. Handlers return `Result<Response, Fail>` and use `?`.
pub enum Fail {
    SignIn,
    Page(StatusCode, String, String),
}

impl Fail {
    fn not_found() -> Fail {
        Fail::Page(
            StatusCode::NOT_FOUND,
            "Not found".into(),
            "There is nothing here, or it is not yours to see.".into(),
        )
    }

    fn csrf() -> Fail {
        Fail::Page(
            StatusCode::FORBIDDEN,
            "This form has expired".into(),
            "The form was not sent from this console session (its security token is missing or \
             wrong). Go back, reload the page and try again."
                .into(),
        )
    }

    fn internal(e: impl std::fmt::Display) -> Fail {
        tracing::error!(error = %e, "console page failed");
        Fail::Page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Something went wrong".into(),
            "The relay could not do this just now. Try again in a moment.".into(),
        )
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        match self {
            Fail::SignIn => Redirect::to("/console/login").into_response(),
            Fail::Page(status, title, message) => html::message_page(status, &title, &message),
        }
    }
}

impl From<ServiceError> for Fail {
    fn from(e: ServiceError) -> Fail {
        match e {
            ServiceError::NotFound(_) => Fail::not_found(),
            ServiceError::Conflict(m) => Fail::Page(StatusCode::CONFLICT, "Conflict".into(), m),
            ServiceError::Invalid(errs) => Fail::Page(
                StatusCode::BAD_REQUEST,
                "Invalid request".into(),
                errs.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ServiceError::Unavailable(s) => Fail::internal(s),
        }
    }
}

impl From<crate::store::StoreError> for Fail {
    fn from(e: crate::store::StoreError) -> Fail {
        Fail::internal(e)
    }
}

/// The signed-in principal, or a redirect to the sign-in page (at once for a stale cookie). The
/// console takes only its session cookie: bearer tokens belong to the API, and a wrong one here
/// could not be penalized per client address (see [`crate::http::auth::session_principal`]).
async fn signed_in(st: &AppState, headers: &HeaderMap) -> Result<Principal, Fail> {
    crate::http::auth::session_principal(st, headers)
        .await
        .map_err(|_| Fail::SignIn)
}

/// The tenant a `/console/t/{app}/{account}` page is about, after checking the principal may see
/// it (404 otherwise, also for an app this relay does not have).
pub struct Scope {
    pub principal: Principal,
    pub app: String,
    pub account: String,
}

impl Scope {
    /// `/console/t/{app}/{account}` + `rest`, with both segments percent-encoded.
    pub fn url(&self, rest: &str) -> String {
        tenant_url(&self.app, &self.account, rest)
    }

    /// The page of the route `name` + `rest` (`""`, `/delete`, `/members`, ...).
    pub fn route_url(&self, name: &str, rest: &str) -> String {
        self.url(&format!("/routes/{}{rest}", seg(name)))
    }

    pub fn csrf(&self) -> &str {
        self.principal.csrf().unwrap_or("")
    }
}

/// The console's pages about the tenant (`app`, `account`): `/console/t/{app}/{account}` + `rest`,
/// with both segments percent-encoded.
pub fn tenant_url(app: &str, account: &str, rest: &str) -> String {
    format!("/console/t/{}/{}{rest}", seg(app), seg(account))
}

/// The two segments every tenant page's path starts with; the segments after them are the page's
/// own, and its handler reads them with a `Path` of its own.
#[derive(Deserialize)]
struct TenantPath {
    app: String,
    account: String,
}

/// Every tenant page starts here: the tenant its path names, and a signed-in principal who may see
/// it. A handler takes `sc: Scope` after its other head extractors (a bad query string still
/// answers 400 before the session is looked at), or a [`Posted`] form.
impl FromRequestParts<AppState> for Scope {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let Path(TenantPath { app, account }) = Path::from_request_parts(parts, st)
            .await
            .map_err(IntoResponse::into_response)?;
        let principal = signed_in(st, &parts.headers).await?;
        if principal.require(&app, &account).is_err() || st.apps.get(&app).is_none() {
            return Err(Fail::not_found().into_response());
        }
        Ok(Scope {
            principal,
            app,
            account,
        })
    }
}

/// Who asks for one of the operator's own pages (`/console/apps`): the operator, signed in. Anyone
/// else gets 404, like anything not theirs.
pub struct Operator(pub Principal);

impl FromRequestParts<AppState> for Operator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let p = signed_in(st, &parts.headers).await?;
        if !p.is_operator() {
            return Err(Fail::not_found().into_response());
        }
        Ok(Operator(p))
    }
}

/// Who a console form is posted by, as far as [`Posted`] needs to know.
pub trait Asker {
    fn principal(&self) -> &Principal;
}

impl Asker for Scope {
    fn principal(&self) -> &Principal {
        &self.principal
    }
}

impl Asker for Operator {
    fn principal(&self) -> &Principal {
        &self.0
    }
}

/// A form posted to a console page: who asks, checked as `A` checks it ([`Scope`] on a tenant's
/// pages, [`Operator`] on the operator's), and the form's fields, whose `csrf` matched the
/// session's. Every state-changing handler takes one, so none can forget the CSRF check.
pub struct Posted<A = Scope> {
    pub by: A,
    pub form: Vec<(String, String)>,
}

impl<A> FromRequest<AppState> for Posted<A>
where
    A: FromRequestParts<AppState, Rejection = Response> + Asker + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let by = A::from_request_parts(&mut parts, st).await;
        // A body that is no form is answered first, as when the handlers took `Form` themselves.
        let Form(form) =
            Form::<Vec<(String, String)>>::from_request(Request::from_parts(parts, body), st)
                .await
                .map_err(IntoResponse::into_response)?;
        let by = by?;
        check_csrf(by.principal(), &form)?;
        Ok(Posted { by, form })
    }
}

impl From<Fail> for Response {
    fn from(f: Fail) -> Response {
        f.into_response()
    }
}

/// The `csrf` field of a submitted form must match the session's (constant time).
fn check_csrf(principal: &Principal, form: &[(String, String)]) -> Result<(), Fail> {
    if csrf_ok(principal, field(form, "csrf")) {
        Ok(())
    } else {
        Err(Fail::csrf())
    }
}

/// The first value of `name` in a submitted form.
fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
