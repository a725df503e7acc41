//! The service layer: the one place management operations live. The HTTP API and the CLI (whether it
//! opens the store directly or goes through a running relay) both call these functions, so they cannot
//! disagree.

pub mod chats;
pub mod codes;
pub mod deliveries;
pub mod events;
pub mod organizers;
pub mod routes;
pub mod subscriptions;
pub mod tenants;
pub mod tokens;
