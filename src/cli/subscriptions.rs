//! `zoom-relay subscriptions list|remove`: members' own subscriptions (Telegram chats that
//! subscribed through the bot, member email addresses), as the console shows them.

use std::path::Path;

use clap::Subcommand;

use super::access::{Access, runtime};
use super::{CliError, CliResult, load_config};
use crate::service::subscriptions::{self, Subscription};

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
    let failed = |e: crate::store::StoreError| CliError::Failed(e.to_string());
    runtime()?.block_on(async {
        let access = Access::open(&config).await?;
        let res = match cmd {
            SubscriptionsCommand::List { app, account } => {
                let list: Vec<Subscription> = match &access {
                    Access::Local(store) => {
                        subscriptions::list(store, &app, &account).map_err(failed)?
                    }
                    Access::Remote(r) => {
                        r.get(
                            "/subscriptions",
                            &[("app", app.clone()), ("account", account.clone())],
                        )
                        .await?
                    }
                };
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
                match &access {
                    Access::Local(store) => {
                        if !subscriptions::remove(store, &app, &account, &route, &target)
                            .map_err(failed)?
                        {
                            return Err(CliError::Failed(format!(
                                "no member subscription {target} on route `{route}`; see `zoom-relay subscriptions list`"
                            )));
                        }
                        store.flush().await.map_err(failed)?;
                    }
                    Access::Remote(r) => {
                        r.send::<serde_json::Value>(
                            reqwest::Method::DELETE,
                            &["subscriptions", &app, &account, &route, &target],
                            &[],
                            None,
                        )
                        .await?;
                    }
                }
                println!("removed {target} from `{route}`");
                Ok(())
            }
        };
        access.close().await?;
        res
    })
}
