//! `zoom-relay events list`: what arrived, with its status.

use std::path::Path;

use clap::Subcommand;

use super::CliResult;
use super::args::{Filter, Table, cells};
use super::manage::manage;
use crate::service::events::EventsQuery;

#[derive(Subcommand)]
pub enum Command {
    /// List received events, newest first.
    List {
        /// RFC 3339 time or an age such as 2h or 7d.
        #[arg(long)]
        since: Option<String>,
        #[command(flatten)]
        filter: Filter,
        /// Show at most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[command(flatten)]
        table: Table,
    },
}

pub fn run(config_path: Option<&Path>, cmd: Command) -> CliResult {
    let Command::List {
        since,
        filter,
        limit,
        table,
    } = cmd;
    let q = EventsQuery {
        since,
        app: filter.app,
        account: filter.account,
        limit: Some(limit),
    };
    let rows = manage(config_path, async |m, _| m.events(&q).await)?;
    let layout = "SEQ>6|RECEIVED<24|APP<10|ACCOUNT<22|EVENT<18|STATUS<10|DETAIL";
    table.columns(&rows, "no events", layout, |r| {
        cells![
            r.seq,
            r.received_at,
            r.app_id,
            r.account_id.as_deref().unwrap_or("-"),
            r.event,
            r.status,
            r.detail.as_deref().unwrap_or("")
        ]
    })
}
