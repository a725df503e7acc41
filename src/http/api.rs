//! The REST API at `/api/v1` (DESIGN section 4).
//!
//! Every endpoint is one row of [`endpoints`]: its operation (method and path, named in
//! [`ops`]), who may call it, its parameters and schemas, and its handler. The router is built from
//! that table and so is the OpenAPI 3.1 document at `/api/v1/openapi.json`, so the two cannot drift
//! apart; the schemas come from the Rust types themselves (`schemars`). The CLI's remote client
//! calls the same named operations.
//!
//! Every handler takes a [`Principal`]: the operator sees every tenant, a tenant token or session only
//! its own. Anything of another tenant answers 404, exactly like something that does not exist.

/// One row of the endpoint table: `ep!(OP, handler, Access, answer, [query Q,] [body T,]
/// "summary")`, where `OP` names an operation of [`ops`]. Its method serves both the router and
/// the document; `body T` is the JSON request's schema.
macro_rules! ep {
    ($op:ident, $h:path, $access:ident, $answer:expr,
     $(query $q:expr,)? $(body $req:ty,)? $summary:literal) => {
        $crate::http::api::Endpoint::new(
            &$crate::http::api::ops::$op,
            $summary,
            $crate::http::api::Access::$access,
            ep!(@query $($q)?),
            ep!(@body $($req)?),
            $answer,
            $h,
        )
    };
    (@query) => { &[] };
    (@query $q:expr) => { $q };
    (@body) => { None };
    (@body $t:ty) => { Some($crate::http::api::schema::<$t>) };
}

mod apps;
mod backup;
mod codes;
mod deliveries;
mod events;
mod openapi;
pub mod ops;
mod organizers;
mod own_bot;
mod routes;
mod scope;
mod subscriptions;
mod templates;
mod tenants;
mod tokens;

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use super::{ApiError, AppState};
use crate::routing::{Route, RouteDocument};
use crate::service::codes::{CreateCode, CreatedCode};
use crate::service::deliveries::{
    DeliveryDetail, DeliveryView, EnableRequest, ReplayReport, ReplayRequest,
};
use crate::service::events::EventView;
use crate::service::own_bots::{ConnectBot, MovedReport, OwnBotView};
use crate::service::routes::{PreviewItem, PreviewRequest, TemplateInfo, TestReport, TestSent};
use crate::service::subscriptions::Subscription;
use crate::service::tenants::{RemoveReport, TenantDetail, TenantView};
use crate::service::tokens::{CreateToken, CreatedToken};
use crate::store::auth::ApiToken;
use crate::store::bot::{CodeRecord, OrganizerLink};
use crate::store::{AuditEntry, DisabledTarget, ImportReport, Notice};

pub use openapi::document as openapi_document;
pub(crate) use routes::send_test_quota;
use scope::{Operator, RouteName, Scope, Tenant, TenantQuery, Visible, Whole, default_app};

use backup::backup;
use deliveries::{
    enable_destination, get_delivery, list_deliveries, list_disabled, list_notices,
    replay_deliveries, retry_delivery,
};
use events::list_events;
use organizers::{list_organizers, remove_organizer};
use routes::{
    add_route, get_route, import_routes, list_routes, remove_route, replace_route, send_test,
    test_routes,
};
use subscriptions::{list_subscriptions, remove_subscription};
use templates::{
    TemplateSource, list_templates, preview_templates, remove_template, set_template,
    template_source,
};
use tokens::{create_token, list_tokens, revoke_token};

type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The operator only; a tenant gets 404.
    Operator,
    /// The operator, or a tenant for its own resources.
    Scoped,
    /// No credentials (the OpenAPI document itself).
    Public,
}

/// The answer of a successful call.
#[derive(Clone, Copy)]
pub enum Answer {
    Json(u16, SchemaFn),
    NoContent,
    Binary(&'static str),
}

/// A 200 answer with a JSON body of type `T`.
fn ok<T: JsonSchema>() -> Answer {
    Answer::Json(200, schema::<T>)
}

/// A 201 answer with a JSON body of type `T`.
fn created<T: JsonSchema>() -> Answer {
    Answer::Json(201, schema::<T>)
}

/// A query parameter: name, description.
pub type Param = (&'static str, &'static str);

pub struct Endpoint {
    pub method: Method,
    /// axum syntax: `/routes/{app}/{account}/{name}`.
    pub path: &'static str,
    pub summary: &'static str,
    pub access: Access,
    pub query: &'static [Param],
    pub request: Option<SchemaFn>,
    pub answer: Answer,
    handler: MethodRouter<AppState>,
}

impl Endpoint {
    /// A row of the table; see [`ep!`], which names the arguments.
    fn new<H, T>(
        op: &ops::Op,
        summary: &'static str,
        access: Access,
        query: &'static [Param],
        request: Option<SchemaFn>,
        answer: Answer,
        handler: H,
    ) -> Endpoint
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(op.method.clone())
            .unwrap_or_else(|_| panic!("{} {} has no axum method filter", op.method, op.path));
        Endpoint {
            method: op.method.clone(),
            path: op.path,
            summary,
            access,
            query,
            request,
            answer,
            handler: axum::routing::on(filter, handler),
        }
    }
}

const TENANT_Q: &[Param] = &[
    ("app", "Zoom app id (tenants: your own, implied)"),
    ("account", "Zoom account id (tenants: your own, implied)"),
];

const EVENTS_Q: &[Param] = &[
    ("since", "RFC 3339 time or an age such as 2h"),
    ("app", "Zoom app id"),
    ("account", "Zoom account id"),
    ("limit", "at most this many"),
];

const TEST_Q: &[Param] = &[("app", "the Zoom app the event is for (default: default)")];

const SOURCE_Q: &[Param] = &[
    ("app", "Zoom app id"),
    ("account", "Zoom account id (omit for the default)"),
    ("event", "e.g. meeting.started"),
    ("key", "e.g. telegram.html"),
];

const DELIVERIES_Q: &[Param] = &[
    ("failed", "only dead letters"),
    ("sent", "include delivered"),
    ("route", "only this route"),
    ("app", "Zoom app id"),
    ("account", "Zoom account id"),
    ("limit", "at most this many"),
];

/// The API, one row per operation.
pub fn endpoints() -> Vec<Endpoint> {
    use Answer::{Binary, NoContent};
    let mut all = vec![
        ep!(
            OPENAPI,
            openapi::serve,
            Public,
            ok::<serde_json::Value>(),
            "This OpenAPI 3.1 document"
        ),
        ep!(
            LIST_TENANTS,
            tenants::list,
            Operator,
            ok::<Vec<TenantView>>(),
            query & [("app", "only this app")],
            "List installs (never shows tokens)"
        ),
        ep!(
            TENANT_AUDIT,
            tenants::audit,
            Operator,
            ok::<Vec<AuditEntry>>(),
            "What uninstalls and removals deleted"
        ),
        ep!(
            GET_TENANT,
            tenants::show,
            Scoped,
            ok::<TenantDetail>(),
            "One install with its routes and notices"
        ),
        ep!(
            REMOVE_TENANT,
            tenants::remove,
            Operator,
            ok::<RemoveReport>(),
            "Revoke and purge a tenant, as an uninstall does"
        ),
        ep!(LIST_EVENTS, list_events, Scoped,
            ok::<Vec<EventView>>(), query EVENTS_Q, "Events received from Zoom, newest first"),
        ep!(LIST_ROUTES, list_routes, Scoped, ok::<Vec<Route>>(), query TENANT_Q, "List routes"),
        ep!(ADD_ROUTE, add_route, Scoped, created::<Route>(), body Route, "Create a route"),
        ep!(IMPORT_ROUTES, import_routes, Scoped,
            ok::<ImportReport>(), body RouteDocument,
            "Upsert a route document; nothing is written unless every route is valid"),
        ep!(TEST_ROUTES, test_routes, Scoped,
            ok::<TestReport>(), query TEST_Q, body serde_json::Value,
            "Dry run: which routes an event (Zoom's JSON body) fires and what each destination \
             would get"),
        ep!(GET_ROUTE, get_route, Scoped, ok::<Route>(), "One route"),
        ep!(REPLACE_ROUTE, replace_route, Scoped,
            ok::<Route>(), body Route, "Replace a route"),
        ep!(
            REMOVE_ROUTE,
            remove_route,
            Scoped,
            NoContent,
            "Delete a route"
        ),
        ep!(
            SEND_TEST,
            send_test,
            Scoped,
            ok::<Vec<TestSent>>(),
            "Send a sample render of the route to each of its destinations"
        ),
        ep!(LIST_TEMPLATES, list_templates, Scoped,
            ok::<Vec<TemplateInfo>>(), query TENANT_Q, "Template keys of a tenant, with overrides"),
        ep!(TEMPLATE_SOURCE, template_source, Scoped,
            ok::<TemplateSource>(), query SOURCE_Q,
            "A template's source (the tenant's override or the default)"),
        ep!(PREVIEW_TEMPLATES, preview_templates, Scoped,
            ok::<Vec<PreviewItem>>(), body PreviewRequest,
            "Render every channel for a sample event with the current templates"),
        ep!(SET_TEMPLATE, set_template, Scoped,
            NoContent, body TemplateSource,
            "Set a tenant template override (validated against sample events first)"),
        ep!(
            REMOVE_TEMPLATE,
            remove_template,
            Scoped,
            NoContent,
            "Remove a tenant template override"
        ),
        ep!(LIST_DELIVERIES, list_deliveries, Scoped,
            ok::<Vec<DeliveryView>>(), query DELIVERIES_Q,
            "Queued, failed (and optionally sent) deliveries, newest first"),
        ep!(
            GET_DELIVERY,
            get_delivery,
            Scoped,
            ok::<DeliveryDetail>(),
            "One delivery with its message and attempt history"
        ),
        ep!(
            RETRY_DELIVERY,
            retry_delivery,
            Scoped,
            ok::<ReplayReport>(),
            "Put a dead letter back in the queue"
        ),
        ep!(REPLAY_DELIVERIES, replay_deliveries, Scoped,
            ok::<ReplayReport>(), body ReplayRequest, "Put back every dead letter since a time"),
        ep!(LIST_NOTICES, list_notices, Scoped,
            ok::<Vec<Notice>>(), query TENANT_Q, "Problems organizers should know about"),
        ep!(LIST_DISABLED, list_disabled, Scoped,
            ok::<Vec<DisabledTarget>>(), query TENANT_Q,
            "Destinations switched off after a permanent failure"),
        ep!(ENABLE_DESTINATION, enable_destination, Scoped,
            ok::<serde_json::Value>(), body EnableRequest, "Switch a disabled destination back on"),
        ep!(LIST_SUBSCRIPTIONS, list_subscriptions, Scoped,
            ok::<Vec<Subscription>>(), query TENANT_Q,
            "Member subscriptions (Telegram chats and email addresses) of the tenant's routes"),
        ep!(
            REMOVE_SUBSCRIPTION,
            remove_subscription,
            Scoped,
            NoContent,
            "Remove a member subscription"
        ),
        ep!(LIST_CODES, codes::list, Scoped,
            ok::<Vec<CodeRecord>>(), query TENANT_Q,
            "Telegram bot codes (never the codes themselves)"),
        ep!(CREATE_CODE, codes::create, Scoped,
            created::<CreatedCode>(), body CreateCode,
            "Create a subscribe, link or organizer code (shown once)"),
        ep!(REVOKE_CODE, codes::revoke, Scoped,
            ok::<CodeRecord>(), query TENANT_Q, "Revoke a code"),
        ep!(LIST_ORGANIZERS, list_organizers, Scoped,
            ok::<Vec<OrganizerLink>>(), query TENANT_Q,
            "Telegram users linked as organizers by an organizer code"),
        ep!(
            REMOVE_ORGANIZER,
            remove_organizer,
            Scoped,
            NoContent,
            "Remove an organizer (no more notices or organizer commands for them)"
        ),
        ep!(GET_OWN_BOT, own_bot::show, Scoped,
            ok::<OwnBotView>(), query TENANT_Q,
            "The community's own Telegram bot: username, health, what still uses the shared bot"),
        ep!(CONNECT_OWN_BOT, own_bot::connect, Scoped,
            ok::<OwnBotView>(), query TENANT_Q, body ConnectBot,
            "Connect the community's own bot by its @BotFather token (checked with getMe, stored \
             sealed, never shown)"),
        ep!(REMOVE_OWN_BOT, own_bot::remove, Scoped,
            NoContent, query TENANT_Q,
            "Disconnect the community's own bot; alerts fall back to the shared bot"),
        ep!(OWN_BOT_MOVED, own_bot::moved, Scoped,
            ok::<MovedReport>(), query TENANT_Q,
            "Send members still on the shared bot one message pointing to the community's bot"),
        ep!(LIST_TOKENS, list_tokens, Scoped,
            ok::<Vec<ApiToken>>(), query TENANT_Q,
            "Tenant API tokens (never the tokens themselves)"),
        ep!(CREATE_TOKEN, create_token, Scoped,
            created::<CreatedToken>(), body CreateToken,
            "Create a tenant API token (shown once, stored hashed)"),
        ep!(
            REVOKE_TOKEN,
            revoke_token,
            Scoped,
            NoContent,
            "Revoke a tenant API token"
        ),
        ep!(
            BACKUP,
            backup,
            Operator,
            Binary("application/octet-stream"),
            "The whole store as a backup file (stream)"
        ),
    ];
    all.extend(apps::endpoints());
    all
}

pub fn router() -> Router<AppState> {
    endpoints()
        .into_iter()
        .fold(Router::new(), |r, e| r.route(e.path, e.handler))
        .fallback(|| async { ApiError::NotFound("no such API endpoint".into()) })
}
