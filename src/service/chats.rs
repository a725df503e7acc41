//! Who may name which Telegram chat as a destination.
//!
//! The relay runs one bot for every tenant, so a route that could name any `chat_id` would let one
//! tenant post into another tenant's group. A group or channel is a tenant's only once proven: one
//! of the chat's admins sent a link code of that tenant there (`/link CODE`), which records a
//! [`ChatLink`]. Private chats (positive ids) come only from members' own subscriptions through the
//! bot. The operator (the admin token, or the CLI on the relay's own store) stays trusted and may
//! name any chat.

use crate::routing::{Destination, FieldError, Route};
use crate::store::bot::ChatLink;
use crate::store::{Store, StoreError};

/// A tenant: an install of one app on one Zoom account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantId {
    pub app_id: String,
    pub account_id: String,
}

impl TenantId {
    pub fn new(app_id: impl Into<String>, account_id: impl Into<String>) -> TenantId {
        TenantId {
            app_id: app_id.into(),
            account_id: account_id.into(),
        }
    }
}

/// Who is asking the service to write a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The relay's operator: the admin token, the CLI on the store, the bot acting on a proven
    /// link, seeding at startup.
    Operator,
    /// An organizer of one tenant (an API token or a console session).
    Tenant(TenantId),
}

/// Shown when an organizer names a group or channel not linked to their community.
pub const NOT_LINKED: &str = "This Telegram group is not linked to your community. Add the bot to \
                              the group and send /link <code> there as a group admin.";

/// Shown when an organizer names a private chat.
pub const PRIVATE_CHAT: &str = "A private Telegram chat can only be added by its owner: the member \
                                sends /subscribe <code> to the bot in a private chat.";

/// Telegram ids of groups, supergroups and channels are negative; private chats are positive.
pub fn is_group(chat_id: i64) -> bool {
    chat_id < 0
}

/// Checks every Telegram destination of `route` against what `caller` may name. `existing` is the
/// stored version the route replaces, if any: chats already there (a member's own subscription, a
/// group the operator added) may stay, unless the group is linked to another tenant.
pub fn check_route(
    store: &Store,
    caller: &Caller,
    route: &Route,
    existing: Option<&Route>,
) -> Result<Vec<FieldError>, StoreError> {
    let Caller::Tenant(t) = caller else {
        return Ok(Vec::new());
    };
    let kept = |chat: i64| {
        existing.is_some_and(|r| {
            r.destinations
                .iter()
                .any(|d| matches!(d, Destination::Telegram { chat_id, .. } if *chat_id == chat))
        })
    };
    let mut errs = Vec::new();
    for (i, d) in route.destinations.iter().enumerate() {
        let Destination::Telegram { chat_id, .. } = d else {
            continue;
        };
        let field = format!("destinations[{i}].chat_id");
        if is_group(*chat_id) {
            match store.chat_link(*chat_id)? {
                Some(l) if l.is_tenant(&t.app_id, &t.account_id) => {}
                None if kept(*chat_id) => {}
                _ => errs.push(FieldError {
                    field,
                    message: NOT_LINKED.into(),
                }),
            }
        } else if !kept(*chat_id) {
            errs.push(FieldError {
                field,
                message: PRIVATE_CHAT.into(),
            });
        }
    }
    Ok(errs)
}

/// Whether a job of tenant (`app_id`, `account_id`) may post into `chat_id` at send time: not when
/// the chat is a group linked to another tenant. The delivery worker's backstop, in case a route
/// got past [`check_route`] (an old store, an operator's mistake).
pub fn foreign_group(
    store: &Store,
    app_id: &str,
    account_id: &str,
    chat_id: i64,
) -> Result<Option<ChatLink>, StoreError> {
    if !is_group(chat_id) {
        return Ok(None);
    }
    Ok(store
        .chat_link(chat_id)?
        .filter(|l| !l.is_tenant(app_id, account_id)))
}
