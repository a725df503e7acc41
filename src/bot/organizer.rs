//! The organizer commands, for Telegram users an organizer code made organizers of a tenant:
//! `/routes`, `/test`, `/pause`, `/resume`, `/notices`, `/leave`; and the notices pushed to them.

use super::command::Command;
use super::handlers::{Origin, fmt_time, help_private, refused};
use super::{Reply, service};
use crate::i18n::Lang;
use crate::render::escape_html as esc;
use crate::routing::Route;
use crate::service::routes::{PreviewRequest, ServiceError};
use crate::store::OfTenant;
use crate::store::{Message, Notice, StoreError};

/// The organizer commands; refused politely for anyone not linked by an organizer code.
pub(super) async fn command(from: &Origin<'_>, cmd: &Command) -> Result<Vec<Reply>, StoreError> {
    let db = from.db();
    let mut links = db.organizer_links(from.user_id).await?;
    if let Some(tenant) = from.scope() {
        links.retain(|l| tenant.is(&l.app_id, &l.account_id));
    }
    if links.is_empty() {
        return Ok(vec![from.reply(from.tr("bot-organizers-only"))]);
    }
    let mut routes = Vec::new();
    for l in &links {
        routes.extend(db.list_routes(Some(&l.tenant_id())).await?);
    }
    let find = |name: &Option<String>| -> Result<Route, String> {
        let Some(name) = name else {
            return Err(from.tr("bot-name-the-route"));
        };
        let hits: Vec<&Route> = routes
            .iter()
            .filter(|r| r.name.eq_ignore_ascii_case(name.trim()))
            .collect();
        match hits.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(from.t("bot-no-such-route", &[("route", esc(name).into())])),
            _ => Err(from.t("bot-route-ambiguous", &[("route", esc(name).into())])),
        }
    };
    let reply = match cmd {
        Command::Routes => {
            if routes.is_empty() {
                from.tr("bot-no-routes")
            } else {
                let mut out = format!("{}\n", from.tr("bot-routes-title"));
                for r in &routes {
                    out.push_str(&format!(
                        "• {} – {} – {}{}\n",
                        esc(&r.name),
                        esc(&r.events.join(", ")),
                        from.t(
                            "bot-destinations",
                            &[("count", r.destinations.len().into())]
                        ),
                        if r.enabled {
                            String::new()
                        } else {
                            format!(" {}", from.tr("bot-paused"))
                        }
                    ));
                }
                out
            }
        }
        Command::Pause(name) | Command::Resume(name) => match find(name) {
            Err(m) => m,
            Ok(r) => {
                let enable = matches!(cmd, Command::Resume(_));
                // The route was found among this organizer's accounts, so the edit goes through
                // the service as that tenant, not as the operator.
                match service::set_enabled(from, &r.tenant_id(), &r.name, enable).await {
                    Ok(changed) => {
                        let message = match (changed, enable) {
                            (false, true) => "bot-already-running",
                            (false, false) => "bot-already-paused",
                            (true, true) => "bot-resumed",
                            (true, false) => "bot-paused-now",
                        };
                        from.t(message, &[("route", esc(&r.name).into())])
                    }
                    Err(ServiceError::NotFound(_)) => {
                        from.t("bot-no-such-route", &[("route", esc(&r.name).into())])
                    }
                    Err(e) => refused(from.lang, e)?,
                }
            }
        },
        Command::Test(name) => match find(name) {
            Err(m) => m,
            Ok(r) => return Ok(test(from, &r).await),
        },
        Command::Notices => {
            let mut notices = Vec::new();
            for l in &links {
                notices.extend(db.list_notices(Some(&l.tenant_id())).await?);
            }
            notices.sort_by_key(|n| std::cmp::Reverse(n.id));
            if notices.is_empty() {
                from.tr("bot-no-notices")
            } else {
                let mut out = format!("{}\n", from.tr("bot-notices-title"));
                for n in notices.iter().take(10) {
                    out.push_str(&format!(
                        "• {} <i>{}</i>: {}\n",
                        fmt_time(n.at_ms, from.lang),
                        esc(&n.kind),
                        esc(&n.message)
                    ));
                }
                out
            }
        }
        Command::Leave => {
            let n = db.remove_organizer_links(from.user_id).await?;
            from.t("bot-left", &[("count", n.into())])
        }
        _ => help_private(from.lang),
    };
    Ok(vec![from.reply(reply)])
}

/// `/test ROUTE`: the route's Telegram message for a sample of its first event, sent to this chat
/// (not to the route's destinations).
async fn test(from: &Origin<'_>, route: &Route) -> Vec<Reply> {
    let event = if route.events.iter().any(|e| e == "meeting.started") {
        "meeting.started".to_string()
    } else {
        route
            .events
            .first()
            .cloned()
            .unwrap_or_else(|| "meeting.started".into())
    };
    let rendered = service::preview(
        from,
        &PreviewRequest {
            event: event.clone(),
            app: route.app_id.clone(),
            account: Some(route.account_id.clone()),
            route: Some(route.name.clone()),
            topic: None,
            ..PreviewRequest::default()
        },
    )
    .await;
    let html = rendered.ok().and_then(|items| {
        items.into_iter().find_map(|i| match i.message {
            Some(Message::Telegram { html }) if i.channel == "telegram" => Some(html),
            _ => None,
        })
    });
    match html {
        Some(html) => vec![Reply {
            kind: "bot.test",
            ..from.reply(html)
        }],
        None => vec![from.reply(from.t(
            "bot-test-failed",
            &[
                ("event", esc(&event).into()),
                ("route", esc(&route.name).into()),
            ],
        ))],
    }
}

/// A notice as pushed to organizers, framed in `lang`; the notice's own text is the relay's and
/// stays as written. The account id stays out: the job has no tenant, so a purge would not find it.
pub(super) fn notice_html(n: &Notice, lang: Lang) -> String {
    let head = match n.route.as_deref() {
        Some(r) => lang.t("bot-notice-route", &[("route", esc(r).into())]),
        None => lang.tr("bot-notice"),
    };
    format!("{head}\n{}", esc(&n.message))
}
