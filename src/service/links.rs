//! Linking by code: a group administrator's `/link CODE` and `/unlink` in a Telegram group or forum
//! topic, and an organizer code redeemed in a private chat.
//!
//! The bot proves who asks (Telegram says the sender is a group administrator, or the chat is the
//! sender's own) and words the answer; what a code may change, and in which order, is decided here.
//! A code is checked without being used up first ([`check_code`]), so a code whose route vanished
//! or whose chat belongs to someone else is not wasted; it is consumed with a compare-and-swap only
//! once everything else holds, so two people sending one single-use code cannot both win.

use super::routes::ServiceError;
use crate::routing::{Destination, Route, Target};
use crate::store::OfTenant;
use crate::store::bot::{ChatKind, ChatLink, CodeKind, CodeRecord, OrganizerLink, Redeem};
use crate::store::{Backend, StoreError, update_route};

/// What `code` would do if redeemed now for one of the `accepted` kinds; nothing is consumed.
/// `Redeem::Ok` carries the code's record.
pub async fn check_code(
    db: &dyn Backend,
    code: &str,
    accepted: &[CodeKind],
    now_ms: i64,
) -> Result<Redeem, ServiceError> {
    let Some(rec) = db.code_record(code).await? else {
        return Ok(Redeem::Unknown);
    };
    // The same rule the store applies when it redeems.
    Ok(rec.refusal(accepted, now_ms).unwrap_or(Redeem::Ok(rec)))
}

/// The route a code names, if it names one that still exists.
pub async fn route_of(db: &dyn Backend, rec: &CodeRecord) -> Result<Option<Route>, ServiceError> {
    Ok(match &rec.route {
        Some(name) => db.get_route(&rec.tenant_id(), name).await?,
        None => None,
    })
}

/// A Telegram chat, or one forum topic of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub chat_id: i64,
    pub thread_id: Option<i64>,
    /// The community's own bot the command came through; none for the shared bot.
    pub bot: Option<i64>,
}

impl Place {
    /// Whether `d` is an organizer's destination posting exactly here, through any bot (member
    /// subscriptions are the members' own and never count).
    pub fn posts_here(&self, d: &Destination) -> bool {
        matches!(d, Destination::Telegram { chat_id, thread_id, member: false, .. }
            if *chat_id == self.chat_id && *thread_id == self.thread_id)
    }

    fn destination(&self) -> Destination {
        Destination::Telegram {
            chat_id: self.chat_id,
            thread_id: self.thread_id,
            member: false,
            bot: self.bot,
        }
    }
}

/// A group administrator's `/link CODE`.
#[derive(Debug, Clone)]
pub struct LinkRequest<'a> {
    pub code: &'a str,
    pub place: Place,
    /// The chat's kind as Telegram reports it.
    pub chat_kind: ChatKind,
    /// The administrator who sent the code.
    pub by_user: i64,
    pub now_ms: i64,
    /// The group's title as Telegram sends it, kept for the console.
    pub title: Option<&'a str>,
}

/// What a `/link` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linked {
    /// The route now posts here.
    Linked { route: String },
    /// It posted here already; the code was not used.
    AlreadyPosts { route: String },
    /// The chat belongs to another tenant; the code was not used.
    OtherCommunity,
    /// The code's route no longer exists; the code was not used.
    RouteGone,
    /// The code is unknown, expired, used, revoked or of another kind; nothing changed.
    BadCode(Redeem),
    /// The code must be used through another bot; nothing changed.
    WrongBot(BotCheck),
}

/// Whether a code may be used through the bot it was sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BotCheck {
    Ok,
    /// Sent to a community's own bot, but the code is another community's.
    OtherCommunity,
    /// Sent to the shared bot, but the code's community has its own bot now (its @username):
    /// subscriptions and links made there would go through a bot the community left.
    UseOwnBot(String),
}

/// Which bot a code of `rec`'s community may be used through: its own bot once it has one (for
/// subscribe and link codes), and never another community's. `via` is the own bot the code was
/// sent to, None for the shared bot. Organizer codes work through the shared bot too, which is
/// the bot that pushes notices.
pub async fn bot_check(
    db: &dyn Backend,
    rec: &CodeRecord,
    via: Option<i64>,
) -> Result<BotCheck, ServiceError> {
    Ok(match via {
        Some(id) => match db.own_bot_by_id(id).await? {
            Some(b) if b.app_id == rec.app_id && b.account_id == rec.account_id => BotCheck::Ok,
            _ => BotCheck::OtherCommunity,
        },
        None if rec.kind == CodeKind::Organizer => BotCheck::Ok,
        None => match db.own_bot(&rec.tenant_id()).await? {
            Some(b) if b.disabled.is_none() => BotCheck::UseOwnBot(b.username),
            _ => BotCheck::Ok,
        },
    })
}

/// Links the chat (or topic) to the code's route. One chat, one community: a group linked to
/// another tenant stays theirs until one of its administrators unlinks it. The chat is claimed with
/// a compare-and-swap before the code is used, so two tenants' codes sent at once cannot both win;
/// if the code then fails, a claim made by this call alone is released again.
pub async fn link_group(db: &dyn Backend, req: &LinkRequest<'_>) -> Result<Linked, ServiceError> {
    let rec = match check_code(db, req.code, &[CodeKind::Link], req.now_ms).await? {
        Redeem::Ok(rec) => rec,
        other => return Ok(Linked::BadCode(other)),
    };
    match bot_check(db, &rec, req.place.bot).await? {
        BotCheck::Ok => {}
        other => return Ok(Linked::WrongBot(other)),
    }
    let Some(route) = route_of(db, &rec).await? else {
        return Ok(Linked::RouteGone);
    };
    let place = req.place;
    let existing = db.chat_link(place.chat_id).await?;
    if existing
        .as_ref()
        .is_some_and(|l| !l.is_tenant(&rec.app_id, &rec.account_id))
    {
        return Ok(Linked::OtherCommunity);
    }
    // Posting here through another bot is not "already": linking through the community's new bot
    // moves the destination to it (below).
    if route.destinations.contains(&place.destination()) {
        return Ok(Linked::AlreadyPosts { route: route.name });
    }
    let held = db
        .link_chat(&ChatLink {
            chat_id: place.chat_id,
            app_id: rec.app_id.clone(),
            account_id: rec.account_id.clone(),
            kind: req.chat_kind,
            linked_by: Some(req.by_user),
            linked_at_ms: req.now_ms,
            title: req.title.map(str::to_owned),
        })
        .await?;
    if !held.is_tenant(&rec.app_id, &rec.account_id) {
        return Ok(Linked::OtherCommunity);
    }
    match db
        .redeem_code(req.code, &[CodeKind::Link], req.now_ms)
        .await?
    {
        Redeem::Ok(_) => {}
        other => {
            if existing.is_none() {
                db.unlink_chat(place.chat_id).await?;
            }
            return Ok(Linked::BadCode(other));
        }
    }
    let here = place.destination();
    update_route(
        db,
        &route.tenant_id(),
        &route.name,
        |r| -> Result<(), StoreError> {
            if !r.destinations.contains(&here) {
                r.destinations.retain(|d| !place.posts_here(d));
                r.destinations.push(here.clone());
            }
            Ok(())
        },
    )
    .await?;
    // A chat disabled after an earlier failure (the bot was removed, then added back) is sent to
    // again: an administrator just proved the bot is welcome.
    let key = Target::Telegram {
        chat_id: place.chat_id,
        thread_id: place.thread_id,
        bot: place.bot,
    }
    .key();
    db.enable_target(&route.tenant_id(), &key).await?;
    Ok(Linked::Linked { route: route.name })
}

/// A group administrator's `/unlink`: stops every route (or only the one named `route`, in any
/// case) posting at `place`. Once no route of any tenant posts anywhere in the chat (any topic),
/// the chat belongs to nobody any more and another community may link it. Returns the names of
/// the routes that stopped posting here.
pub async fn unlink_group(
    db: &dyn Backend,
    place: Place,
    route: Option<&str>,
) -> Result<Vec<String>, ServiceError> {
    let mut removed = Vec::new();
    for r in db.list_routes(None).await? {
        if route.is_some_and(|n| !n.eq_ignore_ascii_case(&r.name))
            || !r.destinations.iter().any(|d| place.posts_here(d))
        {
            continue;
        }
        let gone = update_route(
            db,
            &r.tenant_id(),
            &r.name,
            |fresh| -> Result<bool, StoreError> {
                let before = fresh.destinations.len();
                fresh.destinations.retain(|d| !place.posts_here(d));
                Ok(fresh.destinations.len() != before)
            },
        )
        .await?;
        if gone == Some(true) {
            removed.push(r.name);
        }
    }
    let still_used = db.list_routes(None).await?.iter().any(|r| {
        r.destinations.iter().any(
            |d| matches!(d, Destination::Telegram { chat_id, .. } if *chat_id == place.chat_id),
        )
    });
    if !still_used {
        db.unlink_chat(place.chat_id).await?;
    }
    Ok(removed)
}

/// Makes Telegram user `user_id` an organizer of the code's tenant, with notices going to their
/// private chat `chat_id`. Returns how the code fared; only `Redeem::Ok` changed anything.
pub async fn join_as_organizer(
    db: &dyn Backend,
    code: &str,
    user_id: i64,
    chat_id: i64,
    now_ms: i64,
) -> Result<Redeem, ServiceError> {
    let redeemed = db.redeem_code(code, &[CodeKind::Organizer], now_ms).await?;
    if let Redeem::Ok(rec) = &redeemed {
        db.add_organizer(&OrganizerLink {
            app_id: rec.app_id.clone(),
            account_id: rec.account_id.clone(),
            user_id,
            chat_id,
            linked_at_ms: now_ms,
        })
        .await?;
    }
    Ok(redeemed)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::store::{Db, Store, TenantId};

    const GROUP: i64 = -100;

    fn link_code(s: &Store, code: &str, account: &str, route: &str) {
        put_code(s, CodeKind::Link, code, account, Some(route));
    }

    fn put_code(s: &Store, kind: CodeKind, code: &str, account: &str, route: Option<&str>) {
        let rec = CodeRecord {
            id: crate::store::bot::code_id(code),
            kind,
            app_id: "default".into(),
            account_id: account.into(),
            route: route.map(str::to_string),
            created_at_ms: 0,
            expires_at_ms: Some(1_000_000),
            used_at_ms: None,
            revoked: false,
            uses: 0,
            sealed_code: None,
        };
        assert!(s.put_code(code, &rec).unwrap());
    }

    fn req(code: &str, thread_id: Option<i64>) -> LinkRequest<'_> {
        LinkRequest {
            code,
            place: Place {
                chat_id: GROUP,
                thread_id,
                bot: None,
            },
            chat_kind: ChatKind::Supergroup,
            by_user: 7,
            now_ms: 10,
            title: Some("Tuesday Readers"),
        }
    }

    fn posts(s: &Store, account: &str, route: &str) -> bool {
        s.get_route(&TenantId::new("default", account), route)
            .unwrap()
            .unwrap()
            .destinations
            .iter()
            .any(|d| matches!(d, Destination::Telegram { chat_id: GROUP, .. }))
    }

    #[tokio::test]
    async fn a_group_belongs_to_one_community_until_unlinked() {
        let (_d, s) = crate::store::temp_store();
        let db: Db = Arc::new(s.clone());
        s.put_route(&crate::store::test_route("r")).unwrap();
        let mut theirs = crate::store::test_route("t");
        theirs.account_id = "other".into();
        s.put_route(&theirs).unwrap();
        link_code(&s, "A1", "acc", "r");
        link_code(&s, "A2", "acc", "r");
        link_code(&s, "B1", "other", "t");

        let linked = link_group(&*db, &req("A1", None)).await.unwrap();
        assert_eq!(linked, Linked::Linked { route: "r".into() });
        assert!(posts(&s, "acc", "r"));
        assert_eq!(
            link_group(&*db, &req("A1", None)).await.unwrap(),
            Linked::BadCode(Redeem::Used)
        );
        assert_eq!(
            link_group(&*db, &req("A2", None)).await.unwrap(),
            Linked::AlreadyPosts { route: "r".into() },
        );
        assert!(
            s.code_record("A2").unwrap().unwrap().used_at_ms.is_none(),
            "a refused link leaves the code usable"
        );
        assert_eq!(
            link_group(&*db, &req("B1", None)).await.unwrap(),
            Linked::OtherCommunity
        );
        assert!(!posts(&s, "other", "t"));
        assert!(s.code_record("B1").unwrap().unwrap().used_at_ms.is_none());

        let place = req("", None).place;
        assert_eq!(
            unlink_group(&*db, place, Some("R")).await.unwrap(),
            vec!["r".to_string()]
        );
        assert!(!posts(&s, "acc", "r"));
        assert!(s.chat_link(GROUP).unwrap().is_none(), "the chat is free");
        assert!(unlink_group(&*db, place, None).await.unwrap().is_empty());
        assert_eq!(
            link_group(&*db, &req("B1", None)).await.unwrap(),
            Linked::Linked { route: "t".into() }
        );
        assert!(
            s.chat_link(GROUP)
                .unwrap()
                .unwrap()
                .is_tenant("default", "other")
        );
    }

    #[tokio::test]
    async fn unlinking_one_topic_keeps_the_chat_while_another_topic_posts() {
        let (_d, s) = crate::store::temp_store();
        let db: Db = Arc::new(s.clone());
        s.put_route(&crate::store::test_route("r")).unwrap();
        link_code(&s, "T1", "acc", "r");
        link_code(&s, "T2", "acc", "r");
        for (code, topic) in [("T1", 1), ("T2", 2)] {
            assert_eq!(
                link_group(&*db, &req(code, Some(topic))).await.unwrap(),
                Linked::Linked { route: "r".into() }
            );
        }
        let topic1 = req("", Some(1)).place;
        assert_eq!(
            unlink_group(&*db, topic1, None).await.unwrap(),
            vec!["r".to_string()]
        );
        assert!(
            s.chat_link(GROUP).unwrap().is_some(),
            "topic 2 still posts, so the chat stays linked"
        );
        let r = s
            .get_route(&TenantId::new("default", "acc"), "r")
            .unwrap()
            .unwrap();
        assert!(!r.destinations.iter().any(|d| topic1.posts_here(d)));
        assert!(
            r.destinations
                .iter()
                .any(|d| req("", Some(2)).place.posts_here(d))
        );
    }

    #[tokio::test]
    async fn a_link_to_a_vanished_route_uses_nothing_up() {
        let (_d, s) = crate::store::temp_store();
        let db: Db = Arc::new(s.clone());
        link_code(&s, "G1", "acc", "gone");
        assert_eq!(
            link_group(&*db, &req("G1", None)).await.unwrap(),
            Linked::RouteGone
        );
        assert!(s.chat_link(GROUP).unwrap().is_none());
        assert!(s.code_record("G1").unwrap().unwrap().used_at_ms.is_none());
        assert_eq!(
            link_group(&*db, &req("nope", None)).await.unwrap(),
            Linked::BadCode(Redeem::Unknown)
        );
    }

    #[tokio::test]
    async fn an_organizer_code_makes_one_organizer_once() {
        let (_d, s) = crate::store::temp_store();
        let db: Db = Arc::new(s.clone());
        put_code(&s, CodeKind::Organizer, "O1", "acc", None);
        link_code(&s, "L1", "acc", "r");
        assert_eq!(
            join_as_organizer(&*db, "L1", 5, 55, 10).await.unwrap(),
            Redeem::WrongKind(CodeKind::Link)
        );
        assert!(s.organizer_links(5).unwrap().is_empty());
        assert!(matches!(
            join_as_organizer(&*db, "O1", 5, 55, 10).await.unwrap(),
            Redeem::Ok(_)
        ));
        let links = s.organizer_links(5).unwrap();
        assert_eq!(links.len(), 1);
        assert!(links[0].app_id == "default" && links[0].account_id == "acc");
        assert_eq!(links[0].chat_id, 55);
        assert_eq!(
            join_as_organizer(&*db, "O1", 6, 66, 11).await.unwrap(),
            Redeem::Used
        );
        assert!(s.organizer_links(6).unwrap().is_empty());
    }
}
