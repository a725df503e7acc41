//! `zoom-relay organizers list|remove`: Telegram users linked to a tenant as organizers (by an
//! organizer code). They get the tenant's notices in Telegram and may pause, resume and test routes.

use std::path::Path;

use clap::Subcommand;

use super::manage::with_manager;
use super::{CliError, CliResult, load_config, print_json};

#[derive(Subcommand)]
pub enum OrganizersCommand {
    /// List organizers, of every account or one.
    List {
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long)]
        app: Option<String>,
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: Option<String>,
        /// Print one JSON document on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove a Telegram user as an organizer of an account.
    Remove {
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long, default_value = "default")]
        app: String,
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: String,
        /// The Telegram user id `list` shows.
        user_id: i64,
    },
}

pub fn run(config_path: Option<&Path>, cmd: OrganizersCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    with_manager(&config, async |m| match cmd {
        OrganizersCommand::List { app, account, json } => {
            let list = m.organizers(app.as_deref(), account.as_deref()).await?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!(
                    "no organizers (an organizer code from `codes create --kind organizer` makes one)"
                );
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
            if !m.remove_organizer(&app, &account, user_id).await? {
                return Err(CliError::Failed(format!(
                    "{user_id} is not an organizer of {account}; see `zoom-relay organizers list`"
                )));
            }
            println!("{user_id} is no longer an organizer of {account}");
            Ok(())
        }
    })
}
