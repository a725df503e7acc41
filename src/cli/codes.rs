//! `zoom-relay codes create | list | revoke`: the codes members and organizers send to the bot.

use std::path::Path;

use clap::{Subcommand, ValueEnum};

use super::args::{Filter, FilteredList, cells};
use super::manage::{Manage, manage};
use super::{CliResult, print_or};
use crate::service::codes::{self, CreateCode, CreatedCode};
use crate::store::bot::{CodeKind, CodeRecord};

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    /// Members subscribe themselves (reusable until revoked).
    Subscribe,
    /// A group administrator links a group or forum topic (single use, expires).
    Link,
    /// A Telegram user becomes an organizer of the account (single use, expires).
    Organizer,
}

impl From<Kind> for CodeKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Subscribe => CodeKind::Subscribe,
            Kind::Link => CodeKind::Link,
            Kind::Organizer => CodeKind::Organizer,
        }
    }
}

#[derive(Subcommand)]
pub enum CodesCommand {
    /// Create a code; it is printed once (the relay keeps only its hash).
    Create {
        /// What the code lets its holder do.
        #[arg(long, value_enum)]
        kind: Kind,
        /// The route (required for subscribe and link codes).
        #[arg(long)]
        route: Option<String>,
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long)]
        app: Option<String>,
        /// The Zoom account, when several have a route of that name (or for an organizer code
        /// without --route).
        #[arg(long)]
        account: Option<String>,
        /// Lifetime, e.g. 24h or 7d. Default: 24h for link and organizer codes, none for subscribe.
        #[arg(long)]
        ttl: Option<String>,
        /// Print one JSON document on stdout (the code included, shown only now).
        #[arg(long)]
        json: bool,
    },
    /// Codes with their IDs, kinds and state (never the codes themselves).
    List(FilteredList),
    /// Withdraw a code by the ID `codes list` shows.
    Revoke {
        /// The code's ID (not the code), as `codes list` shows it.
        id: String,
        #[command(flatten)]
        filter: Filter,
    },
}

pub fn run(config_path: Option<&Path>, cmd: CodesCommand) -> CliResult {
    manage(config_path, async |m, config| on(m, config, cmd).await)
}

async fn on(m: &Manage, config: &crate::config::Config, cmd: CodesCommand) -> CliResult {
    match cmd {
        CodesCommand::Create {
            kind,
            route,
            app,
            account,
            ttl,
            json,
        } => {
            let req = CreateCode {
                kind: kind.into(),
                route,
                app,
                account,
                ttl,
            };
            let mut created = m.create_code(&req).await?;
            if created.deep_link.is_none()
                && let Some(name) = crate::bot::fetch_username(config).await
            {
                created.deep_link =
                    Some(codes::deep_link(&name, created.record.kind, &created.code));
            }
            print_or(json, &created, print_created)
        }
        CodesCommand::List(FilteredList { filter, table }) => {
            let rows = m.codes(filter.app(), filter.account()).await?;
            let now = chrono::Utc::now().timestamp_millis();
            let layout = "ID<12|KIND<9|STATE<10|ACCOUNT<20|ROUTE<28|USES>4|EXPIRES";
            table.columns(&rows, "no codes", layout, |r| {
                cells![
                    r.id,
                    r.kind.as_str(),
                    state(r, now),
                    r.account_id,
                    r.route.as_deref().unwrap_or("-"),
                    r.uses,
                    r.expires_at_ms.map(time).unwrap_or_else(|| "never".into())
                ]
            })
        }
        CodesCommand::Revoke { id, filter } => {
            let rec = m.revoke_code(&id, filter.app(), filter.account()).await?;
            println!(
                "revoked {} code {} ({})",
                rec.kind.as_str(),
                rec.id,
                rec.route.as_deref().unwrap_or(&rec.account_id)
            );
            Ok(())
        }
    }
}

fn state(r: &CodeRecord, now: i64) -> &'static str {
    if r.revoked {
        "revoked"
    } else if r.kind.single_use() && r.used_at_ms.is_some() {
        "used"
    } else if r.expires_at_ms.is_some_and(|e| e <= now) {
        "expired"
    } else {
        "active"
    }
}

fn time(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn print_created(c: &CreatedCode) {
    let r = &c.record;
    let target = match &r.route {
        Some(route) => format!("route \"{route}\" (account {})", r.account_id),
        None => format!("account {}", r.account_id),
    };
    println!("Created a {} code for {target}.", r.kind.as_str());
    println!(
        "  code     {}   (shown only now: the relay keeps just its hash)",
        c.code
    );
    if let Some(j) = &c.join_url {
        println!("  join     {j}   (share this: members pick Telegram or email there)");
    }
    match &c.deep_link {
        Some(l) => println!("  link     {l}"),
        None if c.join_url.is_some() => {}
        None => println!(
            "  link     unknown until the relay's bot has started once (it learns its @username from getMe)"
        ),
    }
    println!(
        "  ID       {}   (for `codes list` and `codes revoke`)",
        r.id
    );
    println!(
        "  expires  {}",
        match r.expires_at_ms {
            Some(ms) => time(ms),
            None => "never; revoke it with `codes revoke` when it should stop working".into(),
        }
    );
    let how = match r.kind {
        CodeKind::Subscribe => {
            "Members open the link, or send /subscribe CODE to the bot in a private chat."
        }
        CodeKind::Link => {
            "A group administrator adds the bot to the group (or forum topic) and sends /link CODE there."
        }
        CodeKind::Organizer => {
            "The organizer opens the link, or sends /start CODE to the bot privately."
        }
    };
    println!("{how}");
}
