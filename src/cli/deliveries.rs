//! `zoom-relay deliveries ...` and `zoom-relay notices list`: what is queued, what failed and why.

use std::path::Path;

use clap::Subcommand;

use clap::builder::PossibleValuesParser;

use super::manage::{Manage, with_manager};
use super::{CliError, CliResult, load_config, print_json, when};
use crate::routing::MEETING_EVENTS;
use crate::service::deliveries::{DELIVERY_STATES, DeliveriesQuery, EnableRequest, ReplayRequest};

#[derive(Subcommand)]
pub enum DeliveriesCommand {
    /// Deliveries, newest first: dead letters and queued jobs, with --sent also what was delivered.
    List {
        /// Only dead letters (as --state dead).
        #[arg(long, conflicts_with_all = ["sent", "state"])]
        failed: bool,
        /// Also list delivered messages, to confirm that an alert went out.
        #[arg(long)]
        sent: bool,
        /// Only deliveries in this state.
        #[arg(long, value_parser = PossibleValuesParser::new(DELIVERY_STATES))]
        state: Option<String>,
        /// Only the deliveries of one event.
        #[arg(long, value_parser = PossibleValuesParser::new(MEETING_EVENTS))]
        event: Option<String>,
        /// The route's name (as `routes list` shows it).
        #[arg(long)]
        route: Option<String>,
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: Option<String>,
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long)]
        app: Option<String>,
        /// Show at most this many.
        #[arg(long, default_value_t = 200)]
        limit: usize,
        /// Print one JSON document on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Put one dead letter back in the queue.
    Retry {
        /// The delivery's ID, as `deliveries list --failed` shows it.
        id: u64,
    },
    /// Put back every dead letter since a time.
    Replay {
        /// RFC 3339 time or an age such as 2h or 7d.
        #[arg(long)]
        since: String,
        /// Only the dead letters of this route (its name, as `routes list` shows it).
        #[arg(long)]
        route: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum DestinationsCommand {
    /// Destinations disabled after a permanent failure (410 Gone, the bot removed from a chat).
    Disabled {
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: Option<String>,
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long)]
        app: Option<String>,
        /// Print one JSON document on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Send to a disabled destination again, e.g. `telegram:-1001234567890` (as `disabled` shows it).
    Enable {
        /// The destination as `destinations disabled` shows it, e.g. `telegram:-1001234567890`.
        target: String,
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: String,
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long, default_value = "default")]
        app: String,
    },
}

#[derive(Subcommand)]
pub enum NoticesCommand {
    /// Problems organizers should know about (a disabled destination, ...), newest first.
    List {
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: Option<String>,
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long)]
        app: Option<String>,
        /// Print one JSON document on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// What an empty list means, and where to look instead.
fn nothing_listed(q: &DeliveriesQuery) -> &'static str {
    match (q.state.as_deref(), q.failed, q.sent) {
        (Some("sent"), ..) => "nothing delivered yet (or no longer kept)",
        (Some("dead"), ..) | (None, true, _) => "no failed deliveries",
        (Some(_), ..) => "no deliveries queued",
        (None, false, true) => "no deliveries",
        (None, false, false) => {
            "no deliveries queued or failed; `deliveries list --sent` also shows what went out"
        }
    }
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
            sent,
            state,
            event,
            route,
            account,
            app,
            limit,
            json,
        } => {
            let q = DeliveriesQuery {
                failed: only_failed,
                sent,
                state,
                event,
                route,
                app,
                account,
                limit: Some(limit),
            };
            let rows = m.deliveries(&q).await?;
            if json {
                return print_json(&rows);
            }
            if rows.is_empty() {
                println!("{}", nothing_listed(&q));
                return Ok(());
            }
            println!(
                "{:>8}  {:<8}  {:<16}  {:<28}  {:<36}  {:>3}  {:<16}  DETAIL",
                "ID", "STATE", "EVENT", "ROUTE", "TARGET", "TRY", "WHEN"
            );
            for r in rows {
                println!(
                    "{:>8}  {:<8}  {:<16}  {:<28}  {:<36}  {:>3}  {:<16}  {}",
                    r.id,
                    r.state,
                    r.event,
                    r.route,
                    r.target,
                    r.attempts,
                    when(&r.at),
                    r.detail.unwrap_or_default().replace('\n', " ")
                );
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
    let NoticesCommand::List { account, app, json } = cmd;
    let rows = with_manager(&config, async |m| {
        m.notices(app.as_deref(), account.as_deref()).await
    })?;
    if json {
        return print_json(&rows);
    }
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
        DestinationsCommand::Disabled { account, app, json } => {
            let rows = m.disabled(app.as_deref(), account.as_deref()).await?;
            if json {
                return print_json(&rows);
            }
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
