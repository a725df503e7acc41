//! `zoom-relay subscriptions list|remove`: members' own subscriptions (Telegram chats that
//! subscribed through the bot, member email addresses), as the console shows them.

use std::path::Path;

use clap::Subcommand;

use super::manage::with_manager;
use super::{CliError, CliResult, load_config};

#[derive(Subcommand)]
pub enum SubscriptionsCommand {
    /// List the member subscriptions of an account's routes.
    List {
        #[arg(long, default_value = "default")]
        app: String,
        #[arg(long)]
        account: String,
    },
    /// Remove one member subscription, named by route and target as `list` shows them.
    Remove {
        #[arg(long, default_value = "default")]
        app: String,
        #[arg(long)]
        account: String,
        #[arg(long)]
        route: String,
        /// e.g. `telegram:123456789` or `email:member@example.org`.
        target: String,
    },
}

pub fn run(config_path: Option<&Path>, cmd: SubscriptionsCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    with_manager(&config, async |m| match cmd {
        SubscriptionsCommand::List { app, account } => {
            let list = m.subscriptions(&app, &account).await?;
            if list.is_empty() {
                println!("no member subscriptions");
            }
            for s in list {
                println!("{:<24}  {}", s.route, s.target);
            }
            Ok(())
        }
        SubscriptionsCommand::Remove {
            app,
            account,
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
