//! The signed one-click unsubscribe link of a member's personal email subscription. The dispatcher
//! puts it into each message; the service (`service::subscriptions`) acts on it. It lives here, in
//! the domain layer, so the dispatcher needs nothing from the management layer above it.

use serde::{Deserialize, Serialize};

/// What an unsubscribe token names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsubscribe {
    pub app: String,
    pub account: String,
    pub route: String,
    pub address: String,
}

pub const PURPOSE: &str = "unsubscribe-v1";

/// The link that removes `address` from `route`; it goes into the message and its headers.
pub fn unsubscribe_url(public_url: &str, key: &[u8; 32], u: &Unsubscribe) -> String {
    format!(
        "{public_url}/unsubscribe/{}",
        crate::crypto::sign(key, PURPOSE, u)
    )
}

pub const MANAGE_PURPOSE: &str = "manage-v1";

/// The member's page for this address and route: pause, resume or leave.
pub fn manage_url(public_url: &str, key: &[u8; 32], u: &Unsubscribe) -> String {
    format!(
        "{public_url}/manage/{}",
        crate::crypto::sign(key, MANAGE_PURPOSE, u)
    )
}
