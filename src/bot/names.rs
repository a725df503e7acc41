//! Names for members who subscribed before the relay kept them. Once each time a replica takes
//! the bot's poller role, the bot asks Telegram (`getChat`) for each member of its routes whose
//! name the community does not have yet, so organizers see "Ana Pérez" rather than a number
//! without asking anyone to subscribe again.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{Bot, sleep_or_cancel};
use crate::routing::Destination;
use crate::service::subscriptions::member_name;
use crate::store::OfTenant;
use crate::store::StoreError;

/// At most this many lookups per run, a short pause between them: a relay with thousands of
/// unnamed members fills them in over a few restarts rather than in one burst.
const MAX_LOOKUPS: usize = 500;
const PAUSE: Duration = Duration::from_millis(50);

pub(super) async fn backfill(bot: Bot, stop: CancellationToken) {
    match fill(&bot, &stop).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(named = n, "filled in members' names from Telegram"),
        Err(e) => tracing::warn!(error = %e, "could not fill in members' names"),
    }
}

/// Looks up the unnamed members this bot writes to; returns how many got a name.
async fn fill(bot: &Bot, stop: &CancellationToken) -> Result<usize, StoreError> {
    let db = &bot.inner.db;
    let via = bot.own_bot_id();
    let routes = db
        .list_routes(bot.own_identity().map(|o| &o.tenant))
        .await?;
    let mut names: HashMap<(String, String), BTreeMap<i64, String>> = HashMap::new();
    let (mut asked, mut named) = (0, 0);
    for r in &routes {
        let tenant = (r.app_id.clone(), r.account_id.clone());
        if !names.contains_key(&tenant) {
            let known = db.member_names(&r.tenant_id()).await?;
            names.insert(tenant.clone(), known);
        }
        let known = names.get_mut(&tenant).expect("inserted above");
        for d in &r.destinations {
            let Destination::Telegram {
                chat_id,
                member: true,
                bot: b,
                ..
            } = d
            else {
                continue;
            };
            if *b != via || known.contains_key(chat_id) {
                continue;
            }
            if asked >= MAX_LOOKUPS || sleep_or_cancel(stop, PAUSE).await {
                return Ok(named);
            }
            asked += 1;
            // A member who blocked the bot answers 403; they keep their number until they return.
            let Ok(chat) = bot.inner.api.get_chat(*chat_id).await else {
                continue;
            };
            let Some(name) = member_name(
                chat["first_name"].as_str(),
                chat["last_name"].as_str(),
                chat["username"].as_str(),
            ) else {
                continue;
            };
            db.set_member_name(&r.tenant_id(), *chat_id, Some(&name))
                .await?;
            known.insert(*chat_id, name);
            named += 1;
        }
    }
    Ok(named)
}
