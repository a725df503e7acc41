//! `zoom-relay tokens create|list|revoke`: tenant API tokens. A token is printed once; the relay
//! keeps only its hash.

use std::path::Path;

use clap::Subcommand;

use super::args::{FilteredList, Tenant};
use super::manage::{Manage, manage};
use super::{CliResult, print_json};

#[derive(Subcommand)]
pub enum TokensCommand {
    /// Create a token that acts for one tenant (app, account) on the API.
    Create {
        #[command(flatten)]
        tenant: Tenant,
        /// What the token is for.
        #[arg(long)]
        name: String,
        /// Print one JSON document on stdout (the token included, shown only now).
        #[arg(long)]
        json: bool,
    },
    /// List tokens (their ids and names, never the tokens).
    List(FilteredList),
    /// Revoke a token by the id `list` shows.
    Revoke {
        /// The token's ID, as `tokens list` shows it.
        id: String,
    },
}

pub fn run(config_path: Option<&Path>, cmd: TokensCommand) -> CliResult {
    manage(config_path, async |m, _| run_with(m, cmd).await)
}

async fn run_with(m: &Manage, cmd: TokensCommand) -> CliResult {
    match cmd {
        TokensCommand::Create {
            tenant: Tenant { app, account },
            name,
            json,
        } => {
            let created = m.create_token(&app, &account, &name).await?;
            if json {
                return print_json(&created);
            }
            println!("{}", created.token);
            eprintln!(
                "token {} for {} / {} created. It is shown only now: use it as `Authorization: Bearer <token>`.",
                created.record.id, created.record.app_id, created.record.account_id
            );
        }
        TokensCommand::List(FilteredList { filter, table }) => {
            let list: Vec<_> = m
                .tokens()
                .await?
                .into_iter()
                .filter(|t| filter.app().is_none_or(|a| a == t.app_id))
                .filter(|t| filter.account().is_none_or(|a| a == t.account_id))
                .collect();
            table.print(&list, "no tokens", None, |t| {
                format!(
                    "{}  {:<10}  {:<24}  {}",
                    t.id, t.app_id, t.account_id, t.name
                )
            })?;
        }
        TokensCommand::Revoke { id } => {
            m.revoke_token(&id).await?;
            println!("revoked token {id}");
        }
    }
    Ok(())
}
