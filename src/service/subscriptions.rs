//! Personal subscriptions: member-owned destinations of a route. Today: email addresses marked
//! `member = true`, removable by the one-click unsubscribe link in each message.

use serde::{Deserialize, Serialize};

use crate::routing::Destination;
use crate::store::{Store, StoreError};

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

/// Removes the address from the route's member email destinations (dropping a destination left
/// empty). Returns false when there was nothing to remove, so a repeated click is harmless.
pub fn unsubscribe(store: &Store, u: &Unsubscribe) -> Result<bool, StoreError> {
    let Some(mut route) = store.get_route(&u.app, &u.account, &u.route)? else {
        return Ok(false);
    };
    let mut removed = false;
    for d in &mut route.destinations {
        if let Destination::Email { to, member: true } = d {
            let before = to.len();
            to.retain(|a| !a.trim().eq_ignore_ascii_case(u.address.trim()));
            removed |= to.len() != before;
        }
    }
    if !removed {
        return Ok(false);
    }
    route
        .destinations
        .retain(|d| !matches!(d, Destination::Email { to, member: true } if to.is_empty()));
    store.put_route(&route)?;
    Ok(true)
}
