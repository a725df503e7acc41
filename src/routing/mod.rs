//! Routes: which meetings organizers want to hear about, and where. Pure data and pure functions.
//!
//! A route belongs to a tenant, `(app_id, account_id)`, and is unique by name within it. Every
//! enabled route whose filters match fires (no first-match-wins: organizers of different groups
//! share an account and must not shadow each other). A destination reached by several routes gets one
//! message per event, rendered by the first of those routes in name order.
//!
//! The route model (`route.rs`) and the targets it expands to (`target.rs`) are plain data;
//! validation (`validate.rs`) and matching (`matching.rs`) are pure functions over them.

mod matching;
mod route;
mod target;
mod validate;

pub use self::matching::{MatchInput, Planned, matches, plan};
pub use self::route::{DeliveryOptions, Destination, Overflow, Route, RouteDocument};
pub use self::target::{Channel, Target};
pub use self::validate::{FieldError, MEETING_EVENTS, ValidationContext};

#[cfg(test)]
mod tests;
