//! `zoom-relay bots set|show|remove`: a community's own Telegram bot. `set` reads the token from
//! `--token-file` or, without it, from stdin, so it never sits in the shell history or the process
//! list; the relay checks it with Telegram and stores it sealed.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::manage::with_manager;
use super::{CliError, CliResult, load_config, print_json};
use crate::service::own_bots::OwnBotView;

/// The account whose own bot a verb is about, of the `default` app unless `--app` says otherwise.
#[derive(Args)]
pub struct BotTenant {
    /// The Zoom app: its [[zoom.apps]] id in the config.
    #[arg(long, default_value = "default")]
    app: String,
    /// The Zoom account ID (as `tenants list` shows it).
    #[arg(long)]
    account: String,
}

#[derive(Subcommand)]
pub enum BotsCommand {
    /// Connect the account's own bot with the token from @BotFather.
    Set {
        #[command(flatten)]
        tenant: BotTenant,
        /// A file holding the token; without it the token is read from stdin.
        #[arg(long)]
        token_file: Option<PathBuf>,
        /// Print one JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Show the account's own bot (never its token) and what still uses the shared bot.
    Show {
        #[command(flatten)]
        tenant: BotTenant,
        /// Print one JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Disconnect the account's own bot; alerts go through the shared bot again.
    Remove {
        #[command(flatten)]
        tenant: BotTenant,
    },
}

fn read_token(file: Option<&Path>) -> Result<String, CliError> {
    let raw = match file {
        Some(f) => std::fs::read_to_string(f).map_err(|e| {
            CliError::Usage(format!("cannot read the token file {}: {e}", f.display()))
        })?,
        None => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| CliError::Usage(format!("cannot read the token from stdin: {e}")))?;
            s
        }
    };
    let token = raw.trim().to_string();
    if token.is_empty() {
        return Err(CliError::Usage(
            "no token given: pass --token-file FILE or pipe the token from @BotFather on stdin"
                .into(),
        ));
    }
    Ok(token)
}

fn print_view(v: &OwnBotView, json: bool) -> CliResult {
    if json {
        return print_json(v);
    }
    println!("bot        @{} ({})", v.username, v.link);
    println!("health     {}", v.health);
    if let Some(p) = &v.problem {
        println!("problem    {p}");
    }
    let members = v.still_on_shared_bot.iter().filter(|l| l.member).count();
    let groups: Vec<_> = v.still_on_shared_bot.iter().filter(|l| !l.member).collect();
    println!(
        "on the shared bot: {members} member subscription(s), {} group(s)",
        groups.len()
    );
    for g in groups {
        println!(
            "  route {}: chat {} (add @{} there and send /link)",
            g.route, g.chat_id, v.username
        );
    }
    Ok(())
}

pub fn run(config_path: Option<&Path>, cmd: BotsCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    // Read before the store is opened: a usage error should not wait on a lock.
    let token = match &cmd {
        BotsCommand::Set { token_file, .. } => Some(read_token(token_file.as_deref())?),
        _ => None,
    };
    with_manager(&config, async |m| match cmd {
        BotsCommand::Set {
            tenant: BotTenant { app, account },
            json,
            ..
        } => {
            let token = token.unwrap_or_default();
            let v = m.set_own_bot(&app, &account, &token).await?;
            print_view(&v, json)
        }
        BotsCommand::Show {
            tenant: BotTenant { app, account },
            json,
        } => print_view(&m.own_bot(&app, &account).await?, json),
        BotsCommand::Remove {
            tenant: BotTenant { app, account },
        } => {
            m.remove_own_bot(&app, &account).await?;
            println!("{account} has no bot of its own now; alerts go through the shared bot");
            Ok(())
        }
    })
}
