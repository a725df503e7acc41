//! `zoom-relay organizers list|remove`: Telegram users linked to a tenant as organizers (by an
//! organizer code). They get the tenant's notices in Telegram and may pause, resume and test routes.

use std::path::Path;

use clap::Subcommand;

use super::access::{Access, runtime};
use super::{CliError, CliResult, load_config};
use crate::service::organizers;
use crate::store::bot::OrganizerLink;

#[derive(Subcommand)]
pub enum OrganizersCommand {
    /// List organizers, of every account or one.
    List {
        #[arg(long)]
        app: Option<String>,
        #[arg(long)]
        account: Option<String>,
    },
    /// Remove a Telegram user as an organizer of an account.
    Remove {
        #[arg(long, default_value = "default")]
        app: String,
        #[arg(long)]
        account: String,
        /// The Telegram user id `list` shows.
        user_id: i64,
    },
}

pub fn run(config_path: Option<&Path>, cmd: OrganizersCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    let failed = |e: crate::store::StoreError| CliError::Failed(e.to_string());
    runtime()?.block_on(async {
        let access = Access::open(&config).await?;
        let res = match cmd {
            OrganizersCommand::List { app, account } => {
                let list: Vec<OrganizerLink> = match &access {
                    Access::Local(store) => {
                        organizers::list(store, app.as_deref(), account.as_deref())
                            .map_err(failed)?
                    }
                    Access::Remote(r) => {
                        let mut q = vec![];
                        if let Some(a) = &app {
                            q.push(("app", a.clone()));
                        }
                        if let Some(a) = &account {
                            q.push(("account", a.clone()));
                        }
                        r.get("/organizers", &q).await?
                    }
                };
                if list.is_empty() {
                    println!("no organizers (an organizer code from `codes create --kind organizer` makes one)");
                }
                for o in list {
                    println!("{:<12}  {:<10}  {}", o.user_id, o.app_id, o.account_id);
                }
                Ok(())
            }
            OrganizersCommand::Remove {
                app,
                account,
                user_id,
            } => {
                match &access {
                    Access::Local(store) => {
                        if !organizers::remove(store, &app, &account, user_id).map_err(failed)? {
                            return Err(CliError::Failed(format!(
                                "{user_id} is not an organizer of {account}; see `zoom-relay organizers list`"
                            )));
                        }
                        store.flush().await.map_err(failed)?;
                    }
                    Access::Remote(r) => {
                        r.send::<serde_json::Value>(
                            reqwest::Method::DELETE,
                            &["organizers", &app, &account, &user_id.to_string()],
                            &[],
                            None,
                        )
                        .await?;
                    }
                }
                println!("{user_id} is no longer an organizer of {account}");
                Ok(())
            }
        };
        access.close().await?;
        res
    })
}
