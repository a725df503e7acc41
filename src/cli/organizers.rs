//! `zoom-relay organizers list|remove`: Telegram users linked to a tenant as organizers (by an
//! organizer code). They get the tenant's notices in Telegram and may pause, resume and test routes.

use std::path::Path;

use clap::Subcommand;

use super::args::{FilteredList, Tenant};
use super::manage::manage;
use super::{CliError, CliResult};

#[derive(Subcommand)]
pub enum OrganizersCommand {
    /// List organizers, of every account or one.
    List(FilteredList),
    /// Remove a Telegram user as an organizer of an account.
    Remove {
        #[command(flatten)]
        tenant: Tenant,
        /// The Telegram user id `list` shows.
        user_id: i64,
    },
}

pub fn run(config_path: Option<&Path>, cmd: OrganizersCommand) -> CliResult {
    manage(config_path, async |m, _| match cmd {
        OrganizersCommand::List(FilteredList { filter, table }) => {
            let list = m.organizers(filter.app(), filter.account()).await?;
            table.print(
                &list,
                "no organizers (an organizer code from `codes create --kind organizer` makes one)",
                None,
                |o| format!("{:<12}  {:<10}  {}", o.user_id, o.app_id, o.account_id),
            )
        }
        OrganizersCommand::Remove {
            tenant: Tenant { app, account },
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
