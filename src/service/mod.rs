//! The service layer: the one place management operations live. The HTTP API, the console and the CLI
//! (whether it opens the store directly or goes through a running relay) all call these functions,
//! so they cannot disagree. Policy (what may be done at all, such as issuing bot codes only when the
//! bot answers commands) is decided here, never in a front end; the async front ends run these calls
//! through `http::call`.

pub mod chats;
pub mod codes;
pub mod deliveries;
pub mod events;
pub mod links;
pub mod organizers;
pub mod routes;
pub mod subscriptions;
pub mod tenants;
pub mod tokens;
