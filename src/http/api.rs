//! The REST API at `/api/v1` (DESIGN section 4).
//!
//! Every endpoint is one row of [`endpoints`]: method, path, who may call it, its parameters and
//! schemas, and its handler. The router is built from that table and so is the OpenAPI 3.1 document
//! at `/api/v1/openapi.json`, so the two cannot drift apart; the schemas come from the Rust types
//! themselves (`schemars`).
//!
//! Every handler takes a [`Principal`]: the operator sees every tenant, a tenant token or session only
//! its own. Anything of another tenant answers 404, exactly like something that does not exist.

mod apps;
mod backup;
mod codes;
mod deliveries;
mod events;
mod openapi;
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
use axum::routing::{MethodRouter, delete, get, post, put};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use super::{ApiError, AppState};
use crate::routing::{Route, RouteDocument};
use crate::service::deliveries::{
    DeliveryDetail, DeliveryView, EnableRequest, ReplayReport, ReplayRequest,
};
use crate::service::events::EventView;
use crate::service::routes::{PreviewItem, PreviewRequest, TemplateInfo, TestReport, TestSent};
use crate::service::subscriptions::Subscription;
use crate::service::tokens::{CreateToken, CreatedToken};
use crate::store::auth::ApiToken;
use crate::store::{DisabledTarget, ImportReport, Notice};

pub use openapi::document as openapi_document;
pub(crate) use routes::send_test_quota;
use scope::{Scope, Tenant, TenantQuery, default_app};

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

const TENANT_Q: &[Param] = &[
    ("app", "Zoom app id (tenants: your own, implied)"),
    ("account", "Zoom account id (tenants: your own, implied)"),
];

#[allow(clippy::too_many_arguments)]
fn ep(
    method: Method,
    path: &'static str,
    summary: &'static str,
    access: Access,
    query: &'static [Param],
    request: Option<SchemaFn>,
    answer: Answer,
    handler: MethodRouter<AppState>,
) -> Endpoint {
    Endpoint {
        method,
        path,
        summary,
        access,
        query,
        request,
        answer,
        handler,
    }
}

/// The API, one row per operation.
pub fn endpoints() -> Vec<Endpoint> {
    use Access::*;
    use Answer::*;
    let mut all = vec![
        ep(
            Method::GET,
            "/openapi.json",
            "This OpenAPI 3.1 document",
            Public,
            &[],
            None,
            Json(200, schema::<serde_json::Value>),
            get(openapi::serve),
        ),
        ep(
            Method::GET,
            "/tenants",
            "List installs (never shows tokens)",
            Operator,
            &[("app", "only this app")],
            None,
            Json(200, schema::<Vec<crate::service::tenants::TenantView>>),
            get(tenants::list),
        ),
        ep(
            Method::GET,
            "/tenants/audit",
            "What uninstalls and removals deleted",
            Operator,
            &[],
            None,
            Json(200, schema::<Vec<crate::store::AuditEntry>>),
            get(tenants::audit),
        ),
        ep(
            Method::GET,
            "/tenants/{app}/{account}",
            "One install with its routes and notices",
            Scoped,
            &[],
            None,
            Json(200, schema::<crate::service::tenants::TenantDetail>),
            get(tenants::show),
        ),
        ep(
            Method::DELETE,
            "/tenants/{app}/{account}",
            "Revoke and purge a tenant, as an uninstall does",
            Operator,
            &[],
            None,
            Json(200, schema::<crate::service::tenants::RemoveReport>),
            delete(tenants::remove),
        ),
        ep(
            Method::GET,
            "/events",
            "Events received from Zoom, newest first",
            Scoped,
            &[
                ("since", "RFC 3339 time or an age such as 2h"),
                ("app", "Zoom app id"),
                ("account", "Zoom account id"),
                ("limit", "at most this many"),
            ],
            None,
            Json(200, schema::<Vec<EventView>>),
            get(list_events),
        ),
        ep(
            Method::GET,
            "/routes",
            "List routes",
            Scoped,
            TENANT_Q,
            None,
            Json(200, schema::<Vec<Route>>),
            get(list_routes),
        ),
        ep(
            Method::POST,
            "/routes",
            "Create a route",
            Scoped,
            &[],
            Some(schema::<Route>),
            Json(201, schema::<Route>),
            post(add_route),
        ),
        ep(
            Method::POST,
            "/routes/import",
            "Upsert a route document; nothing is written unless every route is valid",
            Scoped,
            &[],
            Some(schema::<RouteDocument>),
            Json(200, schema::<ImportReport>),
            post(import_routes),
        ),
        ep(
            Method::POST,
            "/routes/test",
            "Dry run: which routes an event (Zoom's JSON body) fires and what each destination would get",
            Scoped,
            &[("app", "the Zoom app the event is for (default: default)")],
            Some(schema::<serde_json::Value>),
            Json(200, schema::<TestReport>),
            post(test_routes),
        ),
        ep(
            Method::GET,
            "/routes/{app}/{account}/{name}",
            "One route",
            Scoped,
            &[],
            None,
            Json(200, schema::<Route>),
            get(get_route),
        ),
        ep(
            Method::PUT,
            "/routes/{app}/{account}/{name}",
            "Replace a route",
            Scoped,
            &[],
            Some(schema::<Route>),
            Json(200, schema::<Route>),
            put(replace_route),
        ),
        ep(
            Method::DELETE,
            "/routes/{app}/{account}/{name}",
            "Delete a route",
            Scoped,
            &[],
            None,
            NoContent,
            delete(remove_route),
        ),
        ep(
            Method::POST,
            "/routes/{app}/{account}/{name}/send-test",
            "Send a sample render of the route to each of its destinations",
            Scoped,
            &[],
            None,
            Json(200, schema::<Vec<TestSent>>),
            post(send_test),
        ),
        ep(
            Method::GET,
            "/templates",
            "Template keys of a tenant, with overrides",
            Scoped,
            TENANT_Q,
            None,
            Json(200, schema::<Vec<TemplateInfo>>),
            get(list_templates),
        ),
        ep(
            Method::GET,
            "/templates/source",
            "A template's source (the tenant's override or the default)",
            Scoped,
            &[
                ("app", "Zoom app id"),
                ("account", "Zoom account id (omit for the default)"),
                ("event", "e.g. meeting.started"),
                ("key", "e.g. telegram.html"),
            ],
            None,
            Json(200, schema::<TemplateSource>),
            get(template_source),
        ),
        ep(
            Method::POST,
            "/templates/preview",
            "Render every channel for a sample event with the current templates",
            Scoped,
            &[],
            Some(schema::<PreviewRequest>),
            Json(200, schema::<Vec<PreviewItem>>),
            post(preview_templates),
        ),
        ep(
            Method::PUT,
            "/templates/{app}/{account}/{event}/{key}",
            "Set a tenant template override (validated against sample events first)",
            Scoped,
            &[],
            Some(schema::<TemplateSource>),
            NoContent,
            put(set_template),
        ),
        ep(
            Method::DELETE,
            "/templates/{app}/{account}/{event}/{key}",
            "Remove a tenant template override",
            Scoped,
            &[],
            None,
            NoContent,
            delete(remove_template),
        ),
        ep(
            Method::GET,
            "/deliveries",
            "Queued, failed (and optionally sent) deliveries, newest first",
            Scoped,
            &[
                ("failed", "only dead letters"),
                ("sent", "include delivered"),
                ("route", "only this route"),
                ("app", "Zoom app id"),
                ("account", "Zoom account id"),
                ("limit", "at most this many"),
            ],
            None,
            Json(200, schema::<Vec<DeliveryView>>),
            get(list_deliveries),
        ),
        ep(
            Method::GET,
            "/deliveries/{id}",
            "One delivery with its message and attempt history",
            Scoped,
            &[],
            None,
            Json(200, schema::<DeliveryDetail>),
            get(get_delivery),
        ),
        ep(
            Method::POST,
            "/deliveries/{id}/retry",
            "Put a dead letter back in the queue",
            Scoped,
            &[],
            None,
            Json(200, schema::<ReplayReport>),
            post(retry_delivery),
        ),
        ep(
            Method::POST,
            "/deliveries/replay",
            "Put back every dead letter since a time",
            Scoped,
            &[],
            Some(schema::<ReplayRequest>),
            Json(200, schema::<ReplayReport>),
            post(replay_deliveries),
        ),
        ep(
            Method::GET,
            "/notices",
            "Problems organizers should know about",
            Scoped,
            TENANT_Q,
            None,
            Json(200, schema::<Vec<Notice>>),
            get(list_notices),
        ),
        ep(
            Method::GET,
            "/destinations/disabled",
            "Destinations switched off after a permanent failure",
            Scoped,
            TENANT_Q,
            None,
            Json(200, schema::<Vec<DisabledTarget>>),
            get(list_disabled),
        ),
        ep(
            Method::POST,
            "/destinations/enable",
            "Switch a disabled destination back on",
            Scoped,
            &[],
            Some(schema::<EnableRequest>),
            Json(200, schema::<serde_json::Value>),
            post(enable_destination),
        ),
        ep(
            Method::GET,
            "/subscriptions",
            "Member subscriptions (Telegram chats and email addresses) of the tenant's routes",
            Scoped,
            TENANT_Q,
            None,
            Json(200, schema::<Vec<Subscription>>),
            get(list_subscriptions),
        ),
        ep(
            Method::DELETE,
            "/subscriptions/{app}/{account}/{route}/{target}",
            "Remove a member subscription",
            Scoped,
            &[],
            None,
            NoContent,
            delete(remove_subscription),
        ),
        ep(
            Method::GET,
            "/codes",
            "Telegram bot codes (never the codes themselves)",
            Scoped,
            TENANT_Q,
            None,
            Json(200, schema::<Vec<crate::store::bot::CodeRecord>>),
            get(codes::list),
        ),
        ep(
            Method::POST,
            "/codes",
            "Create a subscribe, link or organizer code (shown once)",
            Scoped,
            &[],
            Some(schema::<crate::service::codes::CreateCode>),
            Json(201, schema::<crate::service::codes::CreatedCode>),
            post(codes::create),
        ),
        ep(
            Method::DELETE,
            "/codes/{id}",
            "Revoke a code",
            Scoped,
            TENANT_Q,
            None,
            Json(200, schema::<crate::store::bot::CodeRecord>),
            delete(codes::revoke),
        ),
        ep(
            Method::GET,
            "/organizers",
            "Telegram users linked as organizers by an organizer code",
            Scoped,
            TENANT_Q,
            None,
            Json(200, schema::<Vec<crate::store::bot::OrganizerLink>>),
            get(list_organizers),
        ),
        ep(
            Method::DELETE,
            "/organizers/{app}/{account}/{user_id}",
            "Remove an organizer (no more notices or organizer commands for them)",
            Scoped,
            &[],
            None,
            NoContent,
            delete(remove_organizer),
        ),
        ep(
            Method::GET,
            "/telegram/bot",
            "The community's own Telegram bot: username, health, what still uses the shared bot",
            Scoped,
            TENANT_Q,
            None,
            Json(200, schema::<crate::service::own_bots::OwnBotView>),
            get(own_bot::show),
        ),
        ep(
            Method::PUT,
            "/telegram/bot",
            "Connect the community's own bot by its @BotFather token (checked with getMe, stored sealed, never shown)",
            Scoped,
            TENANT_Q,
            Some(schema::<crate::service::own_bots::ConnectBot>),
            Json(200, schema::<crate::service::own_bots::OwnBotView>),
            put(own_bot::connect),
        ),
        ep(
            Method::DELETE,
            "/telegram/bot",
            "Disconnect the community's own bot; alerts fall back to the shared bot",
            Scoped,
            TENANT_Q,
            None,
            NoContent,
            delete(own_bot::remove),
        ),
        ep(
            Method::POST,
            "/telegram/bot/moved",
            "Send members still on the shared bot one message pointing to the community's bot",
            Scoped,
            TENANT_Q,
            None,
            Json(200, schema::<crate::service::own_bots::MovedReport>),
            post(own_bot::moved),
        ),
        ep(
            Method::GET,
            "/tokens",
            "Tenant API tokens (never the tokens themselves)",
            Scoped,
            TENANT_Q,
            None,
            Json(200, schema::<Vec<ApiToken>>),
            get(list_tokens),
        ),
        ep(
            Method::POST,
            "/tokens",
            "Create a tenant API token (shown once, stored hashed)",
            Scoped,
            &[],
            Some(schema::<CreateToken>),
            Json(201, schema::<CreatedToken>),
            post(create_token),
        ),
        ep(
            Method::DELETE,
            "/tokens/{id}",
            "Revoke a tenant API token",
            Scoped,
            &[],
            None,
            NoContent,
            delete(revoke_token),
        ),
        ep(
            Method::GET,
            "/backup",
            "The whole store as a backup file (stream)",
            Operator,
            &[],
            None,
            Binary("application/octet-stream"),
            get(backup),
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
