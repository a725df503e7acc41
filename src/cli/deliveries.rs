//! `zoom-relay deliveries ...` and `zoom-relay notices list`: what is queued, what failed and why.

use std::path::Path;

use clap::Subcommand;

use clap::builder::PossibleValuesParser;

use super::args::{FilterAccountFirst, Table, TenantAccountFirst, cells};
use super::manage::{Manage, manage};
use super::{CliError, CliResult, when};
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
        #[command(flatten)]
        filter: FilterAccountFirst,
        /// Show at most this many.
        #[arg(long, default_value_t = 200)]
        limit: usize,
        #[command(flatten)]
        table: Table,
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
        #[command(flatten)]
        filter: FilterAccountFirst,
        #[command(flatten)]
        table: Table,
    },
    /// Send to a disabled destination again, e.g. `telegram:-1001234567890` (as `disabled` shows it).
    Enable {
        /// The destination as `destinations disabled` shows it, e.g. `telegram:-1001234567890`.
        target: String,
        #[command(flatten)]
        tenant: TenantAccountFirst,
    },
}

#[derive(Subcommand)]
pub enum NoticesCommand {
    /// Problems organizers should know about (a disabled destination, ...), newest first.
    List {
        #[command(flatten)]
        filter: FilterAccountFirst,
        #[command(flatten)]
        table: Table,
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
    manage(config_path, async |m, _| deliveries_on(m, cmd).await)
}

async fn deliveries_on(m: &Manage, cmd: DeliveriesCommand) -> CliResult {
    match cmd {
        DeliveriesCommand::List {
            failed: only_failed,
            sent,
            state,
            event,
            route,
            filter,
            limit,
            table,
        } => {
            let q = DeliveriesQuery {
                failed: only_failed,
                sent,
                state,
                event,
                route,
                app: filter.app,
                account: filter.account,
                limit: Some(limit),
            };
            let rows = m.deliveries(&q).await?;
            let layout = "ID>8|STATE<8|EVENT<16|ROUTE<28|TARGET<36|TRY>3|WHEN<16|DETAIL";
            table.columns(&rows, nothing_listed(&q), layout, |r| {
                cells![
                    r.id,
                    r.state,
                    r.event,
                    r.route,
                    r.target,
                    r.attempts,
                    when(&r.at),
                    r.detail.as_deref().unwrap_or_default().replace('\n', " ")
                ]
            })
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
    let NoticesCommand::List { filter, table } = cmd;
    let rows = manage(config_path, async |m, _| {
        m.notices(filter.app.as_deref(), filter.account.as_deref())
            .await
    })?;
    table.print(&rows, "no notices", None, |n| {
        let at = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(n.at_ms)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        format!(
            "{at}  {}/{}  {}  {}",
            n.app_id, n.account_id, n.kind, n.message
        )
    })
}

pub fn run_destinations(config_path: Option<&Path>, cmd: DestinationsCommand) -> CliResult {
    manage(config_path, async |m, _| destinations_on(m, cmd).await)
}

async fn destinations_on(m: &Manage, cmd: DestinationsCommand) -> CliResult {
    match cmd {
        DestinationsCommand::Disabled { filter, table } => {
            let rows = m
                .disabled(filter.app.as_deref(), filter.account.as_deref())
                .await?;
            table.print(&rows, "no disabled destinations", None, |d| {
                format!("{}/{}  {}  {}", d.app_id, d.account_id, d.target, d.reason)
            })
        }
        DestinationsCommand::Enable {
            target,
            tenant: TenantAccountFirst { account, app },
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
