//! Members join by email with double opt-in, and manage their own subscription.
//!
//! The join page of a route is reached by its subscribe code (the one the bot accepts). Posting an
//! address sends one confirmation email with a signed link that expires after 48 hours; only its
//! confirmation makes the address a member-owned email destination of the route. Addresses an
//! organizer types into a route get the same email (an invitation) and receive nothing until they
//! confirm. The consent itself lives in the store's `email_consents`, apart from the route, so no
//! route edit can forge one; the dispatcher sends email only to confirmed, unpaused addresses.
//!
//! Abuse bounds: one confirmation email per address and route per 24 hours, whoever asks (kept in
//! the store, so a restart or another replica does not reset it); the front end bounds posts per
//! client; the tenant's hourly email quota bounds the rest. The answer to a post is the same
//! whether the address is new, pending or already a member, so the page tells nobody who is.

use serde::{Deserialize, Serialize};

use super::chats::Caller;
use super::{Ctx, ServiceError};
use crate::dispatch::unsubscribe::Unsubscribe;
use crate::i18n::Lang;
use crate::routing::{Destination, Route, Target};
use crate::store::bot::CodeKind;
use crate::store::consents::{Consent, ConsentBy, ConsentState};
use crate::store::{Db, Message, NewJob, update_route};
use crate::zoom::EventKind;

mod manage;

use crate::store::{OfTenant, TenantId};
pub use manage::{ManageAction, manage, manage_state, read_manage, set_language};

/// At most one confirmation email per address and route in this window.
pub const INVITE_WINDOW_MS: i64 = 24 * 3600 * 1000;
/// How long a confirmation link works.
pub const CONFIRM_TTL_MS: i64 = 48 * 3600 * 1000;
/// The longest address accepted (RFC 5321's path limit).
pub const MAX_ADDRESS: usize = 254;

const CONFIRM_PURPOSE: &str = "join-confirm-v1";
pub use crate::dispatch::unsubscribe::{MANAGE_PURPOSE, manage_url};
/// What a confirmation email's job is called in the delivery log.
pub const CONFIRM_EVENT: &str = "email.confirmation";

/// What a confirmation link names. Signed with the data key; `exp_ms` bounds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmToken {
    pub app: String,
    pub account: String,
    pub route: String,
    pub address: String,
    pub by: ConsentBy,
    pub exp_ms: i64,
}

/// What the join page shows about a route. Facts, not sentences: the page words them in the
/// reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinInfo {
    pub app: String,
    pub account: String,
    pub route: String,
    pub description: Option<String>,
    /// The announced events.
    pub events: Vec<EventKind>,
    /// Which of the community's meetings the route announces, when not all.
    pub filter: Option<JoinFilter>,
    /// The route's language: the page's when the reader's own is unknown.
    pub lang: Lang,
    /// `https://t.me/<bot>?start=<code>`, when the bot answers commands and its name is known.
    pub telegram_link: Option<String>,
    /// Whether the relay can send email at all (`[email]`).
    pub email: bool,
}

/// Which meetings a route announces, when not all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinFilter {
    /// Meetings whose title contains this text.
    TopicContains(String),
    /// A list of meeting numbers (which mean nothing to a member).
    SomeMeetings,
}

/// Why an address is refused. [`AddressError::key`] names the catalogue message that tells the
/// person who typed it; `Display` is the English one, for logs and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressError {
    Empty,
    TooLong,
    NotPlain,
    Spaces,
    NoAt,
    Invalid,
}

impl AddressError {
    pub fn key(self) -> &'static str {
        match self {
            AddressError::Empty => "page-email-empty",
            AddressError::TooLong => "page-email-too-long",
            AddressError::NotPlain => "page-email-not-plain",
            AddressError::Spaces => "page-email-spaces",
            AddressError::NoAt => "page-email-no-at",
            AddressError::Invalid => "page-email-invalid",
        }
    }
}

impl std::fmt::Display for AddressError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Lang::english().tr(self.key()))
    }
}

/// The address as stored (trimmed, lower case), or why it is refused.
pub fn check_address(input: &str) -> Result<String, AddressError> {
    let a = input.trim();
    if a.is_empty() {
        return Err(AddressError::Empty);
    }
    if a.len() > MAX_ADDRESS {
        return Err(AddressError::TooLong);
    }
    if a.chars()
        .any(|c| matches!(c, '<' | '>' | ',' | ';' | '"' | '(' | ')'))
    {
        return Err(AddressError::NotPlain);
    }
    if a.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(AddressError::Spaces);
    }
    let Some((local, domain)) = a.rsplit_once('@') else {
        return Err(AddressError::NoAt);
    };
    if local.is_empty() || local.len() > 64 || !domain.contains('.') || domain.starts_with('.') {
        return Err(AddressError::Invalid);
    }
    if a.parse::<lettre::Address>().is_err() {
        return Err(AddressError::Invalid);
    }
    Ok(a.to_lowercase())
}

/// The language a route's alerts are written in: the member pages and emails fall back to it.
pub fn route_lang(ctx: &Ctx, route: &Route) -> Lang {
    Lang::from_tag(crate::i18n::alert_locale(
        route.locale.as_deref(),
        &ctx.config.default_locale,
    ))
    .unwrap_or_else(Lang::english)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The route a subscribe code names, if the code is valid now and the route exists.
pub async fn route_of_code(ctx: &Ctx, code: &str) -> Result<Option<Route>, ServiceError> {
    let code = code.trim();
    if code.is_empty() || code.len() > 64 {
        return Ok(None);
    }
    let Some(rec) = ctx.db.code_record(code).await? else {
        return Ok(None);
    };
    if rec.kind != CodeKind::Subscribe
        || rec.revoked
        || rec.expires_at_ms.is_some_and(|e| e <= now_ms())
    {
        return Ok(None);
    }
    let Some(name) = &rec.route else {
        return Ok(None);
    };
    Ok(ctx.db.get_route(&rec.tenant_id(), name).await?)
}

/// What the join page of `code` shows; None for an unknown, revoked or expired code.
pub async fn join_info(ctx: &Ctx, code: &str) -> Result<Option<JoinInfo>, ServiceError> {
    let Some(route) = route_of_code(ctx, code).await? else {
        return Ok(None);
    };
    let telegram_link = super::own_bots::link_username(ctx, &route.app_id, &route.account_id)
        .await?
        .map(|u| super::codes::deep_link(&u, CodeKind::Subscribe, code.trim()));
    let filter = match (&route.topic_contains, route.meeting_ids.is_empty()) {
        (Some(t), _) => Some(JoinFilter::TopicContains(t.clone())),
        (None, false) => Some(JoinFilter::SomeMeetings),
        _ => None,
    };
    Ok(Some(JoinInfo {
        app: route.app_id.clone(),
        account: route.account_id.clone(),
        description: route.description.clone(),
        events: route.event_kinds(),
        filter,
        lang: route_lang(ctx, &route),
        telegram_link,
        email: ctx.config.email.is_some(),
        route: route.name,
    }))
}

/// Whether `address` is already on the route and confirmed.
fn on_route(route: &Route, address: &str) -> bool {
    route.destinations.iter().any(|d| match d {
        Destination::Email { to, .. } => to.iter().any(|a| a.trim().eq_ignore_ascii_case(address)),
        _ => false,
    })
}

/// A member asks to join by email. Sends the confirmation email unless one went out for this
/// address and route within 24 hours, or the address is a confirmed member already. `Ok(())` in
/// every case the page must not tell apart; `Invalid` only for the address itself, and
/// `NotFound` for a code that is not valid. `lang`, the language the member read the page in, is
/// stored with the consent and speaks the confirmation email.
pub async fn request(
    ctx: &Ctx,
    code: &str,
    input: &str,
    lang: Option<Lang>,
) -> Result<(), ServiceError> {
    let address =
        check_address(input).map_err(|e| ServiceError::invalid("email", e.to_string()))?;
    let Some(route) = route_of_code(ctx, code).await? else {
        return Err(ServiceError::NotFound("this join link is not valid".into()));
    };
    if ctx.config.email.is_none() {
        return Err(ServiceError::invalid(
            "email",
            "This community's relay does not send email.",
        ));
    }
    let (app, account) = (&route.app_id, &route.account_id);
    let existing = ctx
        .db
        .consent(&TenantId::new(app, account), &route.name, &address)
        .await?;
    if on_route(&route, &address)
        && existing
            .as_ref()
            .is_some_and(|c| c.state == ConsentState::Confirmed)
    {
        return Ok(());
    }
    invite(ctx, &route, &address, ConsentBy::Member, lang).await
}

/// The language to write to the owner of consent `c` in: their stored choice, else the route's.
pub fn consent_lang(ctx: &Ctx, c: Option<&Consent>, route: &Route) -> Lang {
    c.and_then(|c| c.lang.as_deref())
        .and_then(Lang::from_tag)
        .unwrap_or_else(|| route_lang(ctx, route))
}

/// Claims and queues one confirmation email (if the window allows one), in the language of the
/// claimed record.
async fn invite(
    ctx: &Ctx,
    route: &Route,
    address: &str,
    by: ConsentBy,
    lang: Option<Lang>,
) -> Result<(), ServiceError> {
    let now = now_ms();
    let mut fresh = Consent::new(
        &route.app_id,
        &route.account_id,
        &route.name,
        address,
        ConsentState::Pending,
        by,
        now,
    );
    fresh.lang = lang.map(|l| l.code().to_string());
    let Some(claimed) = ctx.db.claim_invite(&fresh, now, INVITE_WINDOW_MS).await? else {
        return Ok(());
    };
    let token = ConfirmToken {
        app: route.app_id.clone(),
        account: route.account_id.clone(),
        route: route.name.clone(),
        address: fresh.address.clone(),
        by,
        exp_ms: now + CONFIRM_TTL_MS,
    };
    let link = format!(
        "{}/join/confirm/{}",
        ctx.config.server.public_url,
        crate::crypto::sign(
            ctx.config.security.data_key.bytes(),
            CONFIRM_PURPOSE,
            &token
        )
    );
    let lang = consent_lang(ctx, Some(&claimed), route);
    let message = confirmation_message(lang, &route.name, by, &link);
    let key = format!("confirm_{}", crate::zoom::oauth::random_token());
    ctx.db
        .enqueue_jobs(vec![NewJob {
            idempotency_key: key,
            event: CONFIRM_EVENT.into(),
            app_id: route.app_id.clone(),
            account_id: route.account_id.clone(),
            route_name: route.name.clone(),
            meeting_uuid: None,
            target: Target::Email {
                to: fresh.address.clone(),
            },
            message,
            options: route.delivery_options(),
            unsubscribe_url: None,
            received_at_ms: now,
        }])
        .await?;
    tracing::info!(route = %route.name, account = %route.account_id, by = by.as_str(), "a confirmation email is queued");
    ctx.queued().await
}

/// The confirmation email: plain words, the link, and what happens if it is ignored.
fn confirmation_message(lang: Lang, route: &str, by: ConsentBy, link: &str) -> Message {
    let esc = crate::render::escape_html;
    let named = [("route", route.into())];
    let why = match by {
        ConsentBy::Member => lang.t("mail-confirm-why-member", &named),
        _ => lang.t("mail-confirm-why-organizer", &named),
    };
    // A subject is one header line: the route name is validated, and this is belt and braces.
    let subject = crate::render::escape_subject(&lang.t("mail-confirm-subject", &named));
    let (open, ignore) = (lang.tr("mail-confirm-open"), lang.tr("mail-confirm-ignore"));
    let text = format!("{why}\n\n{open}\n{link}\n\n{ignore}\n");
    let html = format!(
        "<div lang=\"{}\" dir=\"{}\"><p>{}</p><p><a href=\"{}\">{}</a></p><p style=\"color:#555\">{} {}</p></div>",
        lang.code(),
        lang.dir(),
        crate::render::message_html(&why),
        esc(link),
        esc(&lang.tr("mail-confirm-button")),
        esc(&lang.tr("mail-confirm-expires")),
        esc(&ignore),
    );
    Message::Email {
        subject,
        text,
        html,
    }
}

/// The payload of a confirmation link, if it is genuine and not expired.
pub fn read_confirm(ctx: &Ctx, token: &str) -> Option<ConfirmToken> {
    let t: ConfirmToken =
        crate::crypto::verify(ctx.config.security.data_key.bytes(), CONFIRM_PURPOSE, token)?;
    (t.exp_ms > now_ms()).then_some(t)
}

/// How a confirmation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// The address gets alerts (now or already).
    Yes(Unsubscribe),
    /// The route was removed meanwhile.
    RouteGone,
}

/// Confirms the address of `t`. A member's address joins the route as a member-owned email
/// destination; an organizer's is already on it. Confirming twice changes nothing more.
pub async fn confirm(ctx: &Ctx, t: &ConfirmToken) -> Result<Confirmed, ServiceError> {
    let Some(route) = ctx
        .db
        .get_route(&TenantId::new(&t.app, &t.account), &t.route)
        .await?
    else {
        return Ok(Confirmed::RouteGone);
    };
    if t.by == ConsentBy::Member && !on_route(&route, &t.address) {
        let added = update_route(
            &*ctx.db,
            &TenantId::new(&t.app, &t.account),
            &t.route,
            |r| {
                if on_route(r, &t.address) {
                    return Ok::<_, ServiceError>(());
                }
                match r
                    .destinations
                    .iter_mut()
                    .find(|d| matches!(d, Destination::Email { member: true, .. }))
                {
                    Some(Destination::Email { to, .. }) => to.push(t.address.clone()),
                    _ => r.destinations.push(Destination::Email {
                        to: vec![t.address.clone()],
                        member: true,
                    }),
                }
                Ok(())
            },
        )
        .await?;
        if added.is_none() {
            return Ok(Confirmed::RouteGone);
        }
    }
    let now = now_ms();
    let old = ctx
        .db
        .consent(&TenantId::new(&t.app, &t.account), &t.route, &t.address)
        .await?;
    let mut c = old.unwrap_or_else(|| {
        Consent::new(
            &t.app,
            &t.account,
            &t.route,
            &t.address,
            ConsentState::Pending,
            t.by,
            now,
        )
    });
    if c.state != ConsentState::Confirmed {
        c.state = ConsentState::Confirmed;
        c.by = t.by;
        c.changed_at_ms = now;
        c.paused_until_ms = None;
        ctx.db.put_consent(&c).await?;
        tracing::info!(route = %t.route, account = %t.account, "an email address confirmed");
    }
    ctx.durable().await?;
    Ok(Confirmed::Yes(Unsubscribe {
        app: t.app.clone(),
        account: t.account.clone(),
        route: t.route.clone(),
        address: t.address.clone(),
    }))
}

/// Records the consent of every address in `route` that has none yet: the operator's addresses
/// count as confirmed, an organizer's get an invitation. Called after every route write of the
/// service layer. An address whose owner unsubscribed keeps that record: re-adding it sends
/// nothing.
pub async fn invite_new_addresses(ctx: &Ctx, route: &Route) -> Result<(), ServiceError> {
    let mut seen = std::collections::HashSet::new();
    for d in &route.destinations {
        let Destination::Email { to, .. } = d else {
            continue;
        };
        for a in to {
            let address = a.trim().to_lowercase();
            if !seen.insert(address.clone()) {
                continue;
            }
            let (app, account) = (&route.app_id, &route.account_id);
            if ctx
                .db
                .consent(&TenantId::new(app, account), &route.name, &address)
                .await?
                .is_some()
            {
                continue;
            }
            match ctx.caller {
                Caller::Operator => {
                    let state = (ConsentState::Confirmed, ConsentBy::Operator);
                    put_consent(&ctx.db, route, &address, state, now_ms()).await?
                }
                Caller::Tenant(_) => {
                    if ctx.config.email.is_some() {
                        invite(ctx, route, &address, ConsentBy::Organizer, None).await?;
                    } else {
                        // No mail can go out: record the address as waiting, so it shows as
                        // such, and invite it once email is configured and the route is saved.
                        let state = (ConsentState::Pending, ConsentBy::Organizer);
                        put_consent(&ctx.db, route, &address, state, now_ms()).await?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Writes `address`'s consent to `route`: its state and who gave it, at `at_ms`.
async fn put_consent(
    db: &Db,
    route: &Route,
    address: &str,
    (state, by): (ConsentState, ConsentBy),
    at_ms: i64,
) -> Result<(), ServiceError> {
    let c = Consent::new(
        &route.app_id,
        &route.account_id,
        &route.name,
        address,
        state,
        by,
        at_ms,
    );
    Ok(db.put_consent(&c).await?)
}

/// Once per store: every address already in a route when double opt-in arrived keeps working,
/// recorded as confirmed (`existing`). Runs at start, before routes are seeded.
pub async fn record_existing_addresses(db: &Db) -> Result<u64, ServiceError> {
    if db.consents_migrated().await? {
        return Ok(0);
    }
    let now = now_ms();
    let mut n = 0;
    for r in db.list_routes(None).await? {
        for d in &r.destinations {
            let Destination::Email { to, .. } = d else {
                continue;
            };
            for a in to {
                if db.consent(&r.tenant_id(), &r.name, a).await?.is_none() {
                    let state = (ConsentState::Confirmed, ConsentBy::Existing);
                    put_consent(db, &r, a, state, now).await?;
                    n += 1;
                }
            }
        }
    }
    db.set_consents_migrated().await?;
    db.flush().await?;
    if n > 0 {
        tracing::info!(
            addresses = n,
            "email addresses already in routes are recorded as confirmed"
        );
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_in_words_and_normalized() {
        assert_eq!(
            check_address(" Ann+club@Example.ORG ").unwrap(),
            "ann+club@example.org"
        );
        for bad in [
            "",
            "ann",
            "ann@localhost",
            "ann@example.org\r\nBcc: x@y.org",
            "Ann <ann@example.org>",
            "a@b.org, c@d.org",
            &format!("{}@example.org", "a".repeat(250)),
        ] {
            assert!(check_address(bad).is_err(), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn addresses_already_in_routes_are_recorded_as_confirmed_once() {
        let (_d, c) = crate::service::test_ctx();
        let mut r = crate::store::test_route("r");
        r.destinations = vec![Destination::Email {
            to: vec!["Old@Example.org".into()],
            member: false,
        }];
        c.db.put_route(&r).await.unwrap();
        assert_eq!(record_existing_addresses(&c.db).await.unwrap(), 1);
        let got =
            c.db.consent(&TenantId::new("default", "acc"), "r", "old@example.org")
                .await
                .unwrap()
                .unwrap();
        assert_eq!(
            (got.state, got.by),
            (ConsentState::Confirmed, ConsentBy::Existing)
        );
        // Once only: an address added later without the service is not confirmed by a restart.
        r.destinations.push(Destination::Email {
            to: vec!["later@example.org".into()],
            member: false,
        });
        c.db.put_route(&r).await.unwrap();
        assert_eq!(record_existing_addresses(&c.db).await.unwrap(), 0);
        assert!(
            c.db.consent(&TenantId::new("default", "acc"), "r", "later@example.org")
                .await
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn internationalized_domains_are_accepted() {
        assert!(check_address("ana@bücher.example").is_ok());
    }
}
