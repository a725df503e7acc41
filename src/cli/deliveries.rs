//! `zoom-relay deliveries ...` and `zoom-relay notices list`: what is queued, what failed and why.

use std::path::Path;

use clap::Subcommand;

use super::manage::{Manage, with_manager};
use super::{CliError, CliResult, load_config};
use crate::service::deliveries::{DeliveriesQuery, EnableRequest, ReplayRequest};

#[derive(Subcommand)]
pub enum DeliveriesCommand {
    /// Queued jobs and dead letters, newest first.
    List {
        /// Only dead letters.
        #[arg(long)]
        failed: bool,
        #[arg(long)]
        route: Option<String>,
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Put one dead letter back in the queue.
    Retry { id: u64 },
    /// Put back every dead letter since a time (RFC 3339 or an age like 2h).
    Replay {
        #[arg(long)]
        since: String,
        #[arg(long)]
        route: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum DestinationsCommand {
    /// Destinations disabled after a permanent failure (410 Gone, the bot removed from a chat).
    Disabled {
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        app: Option<String>,
    },
    /// Send to a disabled destination again, e.g. `telegram:-1001234567890` (as `disabled` shows it).
    Enable {
        target: String,
        #[arg(long)]
        account: String,
        #[arg(long, default_value = "default")]
        app: String,
    },
}

#[derive(Subcommand)]
pub enum NoticesCommand {
    /// Problems organizers should know about (a disabled destination, ...), newest first.
    List {
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        app: Option<String>,
    },
}

fn failed(e: impl std::fmt::Display) -> CliError {
    CliError::Failed(e.to_string())
}

pub fn run_deliveries(config_path: Option<&Path>, cmd: DeliveriesCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    with_manager(&config, async |m| deliveries_on(m, cmd).await)
}

async fn deliveries_on(m: &dyn Manage, cmd: DeliveriesCommand) -> CliResult {
    match cmd {
        DeliveriesCommand::List {
            failed: only_failed,
            route,
            account,
            json,
        } => {
            let q = DeliveriesQuery {
                failed: only_failed,
                route,
                account,
                limit: None,
                ..DeliveriesQuery::default()
            };
            let rows = m.deliveries(&q).await?;
            if json {
                for r in &rows {
                    println!("{}", serde_json::to_string(r).map_err(failed)?);
                }
            } else if rows.is_empty() {
                println!("no deliveries queued or failed");
            } else {
                println!(
                    "{:>8}  {:<8}  {:<16}  {:<28}  {:<36}  {:>3}  {:<20}  DETAIL",
                    "ID", "STATE", "EVENT", "ROUTE", "TARGET", "TRY", "AT"
                );
                for r in rows {
                    println!(
                        "{:>8}  {:<8}  {:<16}  {:<28}  {:<36}  {:>3}  {:<20}  {}",
                        r.id,
                        r.state,
                        r.event,
                        r.route,
                        r.target,
                        r.attempts,
                        r.at,
                        r.detail.unwrap_or_default().replace('\n', " ")
                    );
                }
            }
            Ok(())
        }
        DeliveriesCommand::Retry { id } => {
            m.retry(id).await?;
            println!("delivery {id} is queued again");
            Ok(())
        }
        DeliveriesCommand::Replay { since, route } => {
            let req = ReplayRequest {
                since,
                route,
                ..ReplayRequest::default()
            };
            let report = m.replay(&req).await?;
            println!("{} dead letter(s) queued again", report.requeued);
            Ok(())
        }
    }
}

pub fn run_notices(config_path: Option<&Path>, cmd: NoticesCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    let NoticesCommand::List { account, app } = cmd;
    let rows = with_manager(&config, async |m| {
        m.notices(app.as_deref(), account.as_deref()).await
    })?;
    if rows.is_empty() {
        println!("no notices");
    }
    for n in rows {
        let at = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(n.at_ms)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        println!(
            "{at}  {}/{}  {}  {}",
            n.app_id, n.account_id, n.kind, n.message
        );
    }
    Ok(())
}

pub fn run_destinations(config_path: Option<&Path>, cmd: DestinationsCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    with_manager(&config, async |m| destinations_on(m, cmd).await)
}

async fn destinations_on(m: &dyn Manage, cmd: DestinationsCommand) -> CliResult {
    match cmd {
        DestinationsCommand::Disabled { account, app } => {
            let rows = m.disabled(app.as_deref(), account.as_deref()).await?;
            if rows.is_empty() {
                println!("no disabled destinations");
            }
            for d in rows {
                println!("{}/{}  {}  {}", d.app_id, d.account_id, d.target, d.reason);
            }
            Ok(())
        }
        DestinationsCommand::Enable {
            target,
            account,
            app,
        } => {
            let req = EnableRequest {
                app,
                account,
                target: target.clone(),
            };
            if !m.enable(&req).await? {
                return Err(CliError::Failed(format!(
                    "`{target}` is not disabled for account {}",
                    req.account
                )));
            }
            println!("`{target}` gets messages again");
            Ok(())
        }
    }
}
