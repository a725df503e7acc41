//! Who may name which Telegram chat as a destination.
//!
//! The relay runs one bot for every tenant, so a route that could name any `chat_id` would let one
//! tenant post into another tenant's group. A group or channel is a tenant's only once proven: one
//! of the chat's admins sent a link code of that tenant there (`/link CODE`), which records a
//! [`ChatLink`]. Private chats (positive ids) come only from members' own subscriptions through the
//! bot. The operator (the admin token, or the CLI on the relay's own store) stays trusted and may
//! name any chat.

use super::ServiceError;
use crate::routing::{Destination, FieldError, Route};
pub use crate::store::TenantId;
use crate::store::bot::ChatLink;
use crate::store::{Backend, StoreError, update_route};

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
pub async fn check_route(
    db: &dyn Backend,
    caller: &Caller,
    route: &Route,
    existing: Option<&Route>,
) -> Result<Vec<FieldError>, ServiceError> {
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
            match db.chat_link(*chat_id).await? {
                Some(l) if l.is_tenant(&t.app_id, &t.account_id) => {}
                None if kept(*chat_id) => {}
                _ => errs.push(FieldError::new(field, NOT_LINKED)),
            }
        } else if !kept(*chat_id) {
            errs.push(FieldError::new(field, PRIVATE_CHAT));
        }
    }
    Ok(errs)
}

/// Whether a job of tenant (`app_id`, `account_id`) may post into `chat_id` at send time: not when
/// the chat is a group linked to another tenant. The delivery worker's backstop, in case a route
/// got past [`check_route`] (an old store, an operator's mistake).
pub async fn foreign_group(
    db: &dyn Backend,
    app_id: &str,
    account_id: &str,
    chat_id: i64,
) -> Result<Option<ChatLink>, StoreError> {
    if !is_group(chat_id) {
        return Ok(None);
    }
    Ok(db
        .chat_link(chat_id)
        .await?
        .filter(|l| !l.is_tenant(app_id, account_id)))
}

/// What [`migrate_links`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// Groups now linked to the one tenant whose routes used them.
    pub linked: usize,
    /// Groups used by several tenants, removed from all their routes.
    pub stripped: usize,
}

/// Once per store (a flag in the bot's state): records a [`ChatLink`] for every group or channel
/// that existing routes post to, so they keep working under [`check_route`]. A chat used by one
/// tenant's routes only is linked to that tenant; a chat used by several tenants is linked to none
/// and removed from all of their routes, because the relay cannot tell whose it is (a group admin
/// settles it with `/link`). Every affected tenant gets a notice saying what happened, unless
/// `notify` is false (a fresh store whose routes were just seeded by the operator: nothing changed
/// for anyone).
pub async fn migrate_links(
    db: &dyn Backend,
    notify: bool,
) -> Result<MigrationReport, ServiceError> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut report = MigrationReport::default();
    if db.chat_links_migrated().await? {
        return Ok(report);
    }
    let routes = db.list_routes(None).await?;
    // chat -> tenant -> its routes posting there
    let mut users: BTreeMap<i64, BTreeMap<(String, String), BTreeSet<String>>> = BTreeMap::new();
    for r in &routes {
        for d in &r.destinations {
            if let Destination::Telegram { chat_id, .. } = d
                && is_group(*chat_id)
            {
                users
                    .entry(*chat_id)
                    .or_default()
                    .entry((r.app_id.clone(), r.account_id.clone()))
                    .or_default()
                    .insert(r.name.clone());
            }
        }
    }
    let now = chrono::Utc::now().timestamp_millis();
    let names = |set: &BTreeSet<String>| {
        set.iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (chat, tenants) in users {
        let owner = match db.chat_link(chat).await? {
            Some(l) => Some((l.app_id, l.account_id)),
            None if tenants.len() == 1 => {
                let ((app, account), used_by) = tenants.iter().next().expect("one tenant");
                let held = db
                    .link_chat(&ChatLink {
                        chat_id: chat,
                        app_id: app.clone(),
                        account_id: account.clone(),
                        kind: crate::store::bot::ChatKind::Unknown,
                        linked_by: None,
                        linked_at_ms: now,
                        title: None,
                    })
                    .await?;
                if held.is_tenant(app, account) {
                    report.linked += 1;
                }
                if held.is_tenant(app, account) && notify {
                    db.add_notice(
                        &TenantId::new(app, account),
                        "chat_linked",
                        &format!(
                            "We linked the Telegram group {chat} to your community, because your \
                             route {} posts there. From now on only your community's routes can \
                             post in it; nothing changes for you or your members.",
                            names(used_by)
                        ),
                        None,
                        None,
                    )
                    .await?;
                }
                Some((held.app_id, held.account_id))
            }
            None => None,
        };
        let mut stripped = false;
        for ((app, account), used_by) in &tenants {
            if owner
                .as_ref()
                .is_some_and(|(a, acc)| a == app && acc == account)
            {
                continue;
            }
            for name in used_by {
                update_route(db, &TenantId::new(app, account), name, |r| {
                    r.destinations.retain(
                        |d| !matches!(d, Destination::Telegram { chat_id, .. } if *chat_id == chat),
                    );
                    Ok::<_, ServiceError>(())
                })
                .await?;
            }
            stripped = true;
            if !notify {
                continue;
            }
            db.add_notice(
                &TenantId::new(app, account),
                "chat_unlinked",
                &format!(
                    "Your route {} no longer posts in the Telegram group {chat}: routes of another \
                     community used the same group, so we could not tell whose it is. To post \
                     there again, create a link code for the route and send /link <code> in the \
                     group as one of its admins.",
                    names(used_by)
                ),
                None,
                None,
            )
            .await?;
        }
        if stripped {
            report.stripped += 1;
        }
    }
    db.set_chat_links_migrated().await?;
    Ok(report)
}

impl super::Ctx {
    /// The names of this tenant's Telegram chats by chat id, for pages that name destinations
    /// ("Telegram group “Tuesday Readers”", "Telegram member “Ana Pérez”" rather than a chat id):
    /// the titles of its linked groups and the names of members who subscribed through the bot.
    /// Groups linked before titles were kept, and members who subscribed before names were, have
    /// none.
    pub async fn chat_names(
        &self,
        app: &str,
        account: &str,
    ) -> Result<std::collections::BTreeMap<i64, String>, ServiceError> {
        let mut names = self.db.member_names(&TenantId::new(app, account)).await?;
        names.extend(
            self.db
                .all_chat_links()
                .await?
                .into_iter()
                .filter(|l| l.is_tenant(app, account))
                .filter_map(|l| Some((l.chat_id, l.title?))),
        );
        Ok(names)
    }
}
