//! Personal subscriptions: member-owned destinations of a route. Today: email addresses marked
//! `member = true`, removable by the one-click unsubscribe link in each message.

use serde::{Deserialize, Serialize};

use super::chats::TenantId;
use super::{Ctx, ServiceError};
use crate::routing::{Destination, Target};
use crate::store::consents::{Consent, ConsentBy, ConsentState};
use crate::store::update_route;

pub use crate::dispatch::unsubscribe::{PURPOSE, Unsubscribe, unsubscribe_url};

/// The address's owner leaves the route (the one-click link, or the manage page). A member's own
/// address leaves the route's member email destinations (dropping a destination left empty); an
/// address an organizer typed stays in the route document, but its consent is recorded as
/// withdrawn, so it gets nothing and re-adding it sends it nothing either. Returns false when it
/// was not subscribed, so a repeated click is harmless.
pub async fn unsubscribe(ctx: &Ctx, u: &Unsubscribe) -> Result<bool, ServiceError> {
    let tenant = TenantId::new(&u.app, &u.account);
    let removed = update_route(&*ctx.db, &tenant, &u.route, |route| {
        let mut removed = false;
        for d in &mut route.destinations {
            if let Destination::Email { to, member: true } = d {
                let before = to.len();
                to.retain(|a| !a.trim().eq_ignore_ascii_case(u.address.trim()));
                removed |= to.len() != before;
            }
        }
        route
            .destinations
            .retain(|d| !matches!(d, Destination::Email { to, member: true } if to.is_empty()));
        Ok::<_, ServiceError>(removed)
    })
    .await?;
    let now = chrono::Utc::now().timestamp_millis();
    let consent = ctx.db.consent(&tenant, &u.route, &u.address).await?;
    let was_active = consent
        .as_ref()
        .is_some_and(|c| c.state != ConsentState::Unsubscribed);
    let mut c = consent.unwrap_or_else(|| {
        Consent::new(
            &u.app,
            &u.account,
            &u.route,
            &u.address,
            ConsentState::Unsubscribed,
            ConsentBy::Member,
            now,
        )
    });
    if c.state != ConsentState::Unsubscribed || !was_active {
        c.state = ConsentState::Unsubscribed;
        c.paused_until_ms = None;
        c.changed_at_ms = now;
        ctx.db.put_consent(&c).await?;
    }
    ctx.durable().await?;
    Ok(removed == Some(true) || was_active)
}

/// One subscription of a route: a Telegram chat that subscribed through the bot, or an email
/// address (a member's own, or one an organizer typed, with where its confirmation stands).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Subscription {
    pub route: String,
    /// `telegram` or `email`.
    pub kind: String,
    /// The target as the delivery log shows it: `telegram:<chat>[:<thread>]` (with `@bot<id>` when
    /// it goes through the community's own bot) or `email:<address>`.
    pub target: String,
    /// `member` (subscribed themselves) or `organizer` (an address typed into the route).
    #[serde(default = "member")]
    pub added_by: String,
    /// Email only: `confirmed`, `paused`, `waiting` (for confirmation) or `unsubscribed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Telegram only: the member's name as Telegram gave it when they subscribed through the bot,
    /// so organizers see who it is rather than a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

fn member() -> String {
    "member".into()
}

/// Where an email address stands, in one word.
pub fn email_state(c: Option<&Consent>, now_ms: i64) -> &'static str {
    match c {
        None => "waiting",
        Some(c) => match c.state {
            ConsentState::Pending => "waiting",
            ConsentState::Unsubscribed => "unsubscribed",
            ConsentState::Confirmed if !c.may_send(now_ms) => "paused",
            ConsentState::Confirmed => "confirmed",
        },
    }
}

/// Every member subscription of the tenant's routes, and every email address with its state.
pub async fn list(ctx: &Ctx, app: &str, account: &str) -> Result<Vec<Subscription>, ServiceError> {
    let tenant = TenantId::new(app, account);
    let now = chrono::Utc::now().timestamp_millis();
    let consents = ctx.db.list_consents(&tenant, None).await?;
    let names = ctx.db.member_names(&tenant).await?;
    let consent = |route: &str, address: &str| {
        consents
            .iter()
            .find(|c| c.route == route && c.address.eq_ignore_ascii_case(address.trim()))
    };
    let mut out = Vec::new();
    for r in ctx.db.list_routes(Some(&tenant)).await? {
        for d in &r.destinations {
            let (kind, member) = match d {
                Destination::Telegram { member: true, .. } => ("telegram", true),
                Destination::Email { member, .. } => ("email", *member),
                _ => continue,
            };
            for t in d.targets() {
                let (state, name) = match &t {
                    Target::Email { to } => (
                        Some(email_state(consent(&r.name, to), now).to_string()),
                        None,
                    ),
                    Target::Telegram { chat_id, .. } => (None, names.get(chat_id).cloned()),
                    _ => (None, None),
                };
                out.push(Subscription {
                    route: r.name.clone(),
                    kind: kind.into(),
                    target: t.key(),
                    added_by: if member { "member" } else { "organizer" }.into(),
                    state,
                    name,
                });
            }
        }
    }
    Ok(out)
}

/// Removes the member subscription `target` (as [`list`] names it) from the tenant's route, dropping
/// a destination left empty. Organizer destinations are never touched. Returns false when there was
/// no such subscription.
pub async fn remove(
    ctx: &Ctx,
    app: &str,
    account: &str,
    route: &str,
    target: &str,
) -> Result<bool, ServiceError> {
    // Whether it was there, and the Telegram member it was (whose name may have to go).
    let removed = update_route(&*ctx.db, &TenantId::new(app, account), route, |r| {
        let (mut removed, mut member) = (false, None);
        r.destinations.retain_mut(|d| match d {
            Destination::Telegram { member: true, .. } if d.targets()[0].key() == target => {
                removed = true;
                if let Destination::Telegram { chat_id, .. } = d {
                    member = Some(*chat_id);
                }
                false
            }
            Destination::Email { to, member: true } => {
                let before = to.len();
                to.retain(|a| Target::Email { to: a.clone() }.key() != target);
                removed |= to.len() != before;
                !to.is_empty()
            }
            _ => true,
        });
        Ok::<_, ServiceError>((removed, member))
    })
    .await?;
    if let Some((_, Some(chat))) = removed {
        forget_name_if_gone(ctx, app, account, chat).await?;
    }
    ctx.durable().await?;
    Ok(removed.is_some_and(|(r, _)| r))
}

/// Forgets a Telegram member's name once they are subscribed to none of the tenant's routes: the
/// community keeps a person's name only while that person is one of its members.
async fn forget_name_if_gone(
    ctx: &Ctx,
    app: &str,
    account: &str,
    chat: i64,
) -> Result<(), ServiceError> {
    let tenant = TenantId::new(app, account);
    let still = ctx
        .db
        .list_routes(Some(&tenant))
        .await?
        .iter()
        .flat_map(|r| &r.destinations)
        .any(|d| matches!(d, Destination::Telegram { chat_id, member: true, .. } if *chat_id == chat));
    if !still {
        ctx.db.set_member_name(&tenant, chat, None).await?;
    }
    Ok(())
}

/// A member's name as Telegram gives it (first and last name, else the @username), kept short
/// and without control characters, since organizers' pages show it. None when Telegram gave
/// nothing usable.
pub fn member_name(
    first: Option<&str>,
    last: Option<&str>,
    username: Option<&str>,
) -> Option<String> {
    let full = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let name = if full.is_empty() {
        format!("@{}", username?.trim())
    } else {
        full
    };
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    (clean.trim_start_matches('@').trim() != "").then_some(clean)
}

/// Telegram allows 64 characters each for first and last name.
const MAX_NAME_CHARS: usize = 129;

/// Subscribes the private Telegram chat `chat_id` to the tenant's route (what a member's
/// `/subscribe CODE` does once the code is redeemed). A compare-and-swap onto the route as stored
/// at that moment, so an organizer's edit or another member's subscription made meanwhile is kept;
/// subscribing twice leaves one destination. Also lifts a "blocked" mark on the chat (a member who
/// blocked the bot once and came back can be sent to again) and extends the chat's running mute,
/// which covers every subscription, to this route. Returns false when the route no longer exists
/// (nothing changed).
pub async fn subscribe(
    ctx: &Ctx,
    tenant: &TenantId,
    route: &str,
    chat_id: i64,
    bot: Option<i64>,
    name: Option<&str>,
    now_ms: i64,
) -> Result<bool, ServiceError> {
    let db = &*ctx.db;
    let mine = Destination::Telegram {
        chat_id,
        thread_id: None,
        member: true,
        bot,
    };
    // Subscribing through another bot (the community's new one) moves the subscription to it:
    // the member has just started that bot, so it may write to them.
    let added = update_route(db, tenant, route, |r| {
        if !r.destinations.contains(&mine) {
            r.destinations.retain(|d| {
                !matches!(d, Destination::Telegram { chat_id: c, member: true, .. } if *c == chat_id)
            });
            r.destinations.push(mine.clone());
        }
        Ok::<_, ServiceError>(())
    })
    .await?;
    if added.is_none() {
        return Ok(false);
    }
    let key = crate::routing::Target::Telegram {
        chat_id,
        thread_id: None,
        bot,
    }
    .key();
    db.enable_target(tenant, &key).await?;
    if name.is_some() {
        db.set_member_name(tenant, chat_id, name).await?;
    }
    if let Some(until) = db
        .mutes_of(chat_id)
        .await?
        .iter()
        .map(|m| m.until_ms)
        .max()
        .filter(|u| *u > now_ms)
    {
        db.set_mute(tenant, chat_id, until).await?;
    }
    ctx.durable().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn subscribe_is_idempotent_carries_the_mute_and_remove_undoes_it() {
        let (_d, c) = crate::service::test_ctx();
        let s = &*c.db;
        s.put_route(&crate::store::test_route("r")).await.unwrap();
        let now = 1_000;
        let acc = TenantId::new("default", "acc");
        s.set_mute(&TenantId::new("default", "other"), 42, now + 60_000)
            .await
            .unwrap();
        assert!(
            subscribe(&c, &acc, "r", 42, None, Some("Ana Pérez"), now)
                .await
                .unwrap()
        );
        assert!(
            subscribe(&c, &acc, "r", 42, None, Some("Ana Pérez"), now)
                .await
                .unwrap()
        );
        let r = s
            .get_route(&TenantId::new("default", "acc"), "r")
            .await
            .unwrap()
            .unwrap();
        let mine = |d: &Destination| matches!(d, Destination::Telegram { chat_id: 42, .. });
        assert_eq!(r.destinations.iter().filter(|d| mine(d)).count(), 1);
        assert!(
            s.mutes_of(42)
                .await
                .unwrap()
                .iter()
                .any(|m| m.account_id == "acc" && m.until_ms == now + 60_000)
        );
        assert!(
            !subscribe(&c, &acc, "gone", 42, None, None, now)
                .await
                .unwrap()
        );
        let listed = list(&c, "default", "acc").await.unwrap();
        let sub = listed.iter().find(|x| x.target == "telegram:42").unwrap();
        assert_eq!(
            sub.name.as_deref(),
            Some("Ana Pérez"),
            "the member is named as Telegram named them"
        );
        assert!(
            remove(&c, "default", "acc", "r", "telegram:42")
                .await
                .unwrap()
        );
        assert!(
            !remove(&c, "default", "acc", "r", "telegram:42")
                .await
                .unwrap()
        );
        let r = s
            .get_route(&TenantId::new("default", "acc"), "r")
            .await
            .unwrap()
            .unwrap();
        assert!(!r.destinations.iter().any(mine));
        assert!(
            s.member_names(&TenantId::new("default", "acc"))
                .await
                .unwrap()
                .is_empty(),
            "a member who left every route is no longer named"
        );
    }

    #[test]
    fn member_names_read_as_people_write_them() {
        assert_eq!(
            member_name(Some("Ana"), Some("Pérez"), Some("ana")).as_deref(),
            Some("Ana Pérez")
        );
        assert_eq!(member_name(Some(" Bo "), None, None).as_deref(), Some("Bo"));
        assert_eq!(member_name(None, None, Some("cy")).as_deref(), Some("@cy"));
        assert_eq!(member_name(Some(""), None, None), None);
        assert_eq!(member_name(None, None, None), None);
        assert_eq!(
            member_name(Some("A\u{202e}\nB"), None, None).as_deref(),
            Some("A\u{202e}B"),
            "line breaks go; the page escapes and isolates the rest"
        );
        assert_eq!(
            member_name(Some(&"x".repeat(300)), None, None)
                .unwrap()
                .chars()
                .count(),
            MAX_NAME_CHARS
        );
    }
}
