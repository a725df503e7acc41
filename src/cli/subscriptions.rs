//! `zoom-relay subscriptions list|remove`: members' own subscriptions (Telegram chats that
//! subscribed through the bot, member email addresses), as the console shows them.

use std::path::Path;

use clap::Subcommand;

use super::manage::with_manager;
use super::{CliError, CliResult, load_config, print_json};

#[derive(Subcommand)]
pub enum SubscriptionsCommand {
    /// List the member subscriptions of an account's routes, and every email address with where
    /// its confirmation stands (waiting, confirmed, paused, unsubscribed).
    List {
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long, default_value = "default")]
        app: String,
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: String,
        /// Print one JSON document on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove one member subscription, named by route and target as `list` shows them.
    Remove {
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long, default_value = "default")]
        app: String,
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: String,
        /// The route's name (as `routes list` shows it).
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
        SubscriptionsCommand::List { app, account, json } => {
            let list = m.subscriptions(&app, &account).await?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!("no member subscriptions");
                return Ok(());
            }
            println!(
                "{:<24}  {:<40}  {:<9}  {:<12}  NAME",
                "ROUTE", "SUBSCRIBER", "ADDED BY", "STATE"
            );
            for s in list {
                println!(
                    "{:<24}  {:<40}  {:<9}  {:<12}  {}",
                    s.route,
                    s.target,
                    s.added_by,
                    s.state.as_deref().unwrap_or("active"),
                    s.name.as_deref().unwrap_or("-")
                );
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
