//! `zoom-relay subscriptions list|remove`: members' own subscriptions (Telegram chats that
//! subscribed through the bot, member email addresses), as the console shows them.

use std::path::Path;

use clap::Subcommand;

use super::args::{Table, Tenant, cells};
use super::manage::manage;
use super::{CliError, CliResult};

#[derive(Subcommand)]
pub enum SubscriptionsCommand {
    /// List the member subscriptions of an account's routes, and every email address with where
    /// its confirmation stands (waiting, confirmed, paused, unsubscribed).
    List {
        #[command(flatten)]
        tenant: Tenant,
        #[command(flatten)]
        table: Table,
    },
    /// Remove one member subscription, named by route and target as `list` shows them.
    Remove {
        #[command(flatten)]
        tenant: Tenant,
        /// The route's name (as `routes list` shows it).
        #[arg(long)]
        route: String,
        /// e.g. `telegram:123456789` or `email:member@example.org`.
        target: String,
    },
}

pub fn run(config_path: Option<&Path>, cmd: SubscriptionsCommand) -> CliResult {
    manage(config_path, async |m, _| match cmd {
        SubscriptionsCommand::List { tenant, table } => {
            let list = m.subscriptions(&tenant.app, &tenant.account).await?;
            let layout = "ROUTE<24|SUBSCRIBER<40|ADDED BY<9|STATE<12|NAME";
            table.columns(&list, "no member subscriptions", layout, |s| {
                cells![
                    s.route,
                    s.target,
                    s.added_by,
                    s.state.as_deref().unwrap_or("active"),
                    s.name.as_deref().unwrap_or("-")
                ]
            })
        }
        SubscriptionsCommand::Remove {
            tenant: Tenant { app, account },
            route,
            target,
        } => {
            if !m
                .remove_subscription(&app, &account, &route, &target)
                .await?
            {
                return Err(CliError::Failed(format!(
                    "no member subscription {target} on route `{route}`; see `zoom-relay subscriptions list`"
                )));
            }
            println!("removed {target} from `{route}`");
            Ok(())
        }
    })
}
