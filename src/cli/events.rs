//! `zoom-relay events list`: what arrived, with its status.

use std::path::Path;

use clap::Subcommand;

use super::manage::with_manager;
use super::{CliResult, load_config, print_json};
use crate::service::events::EventsQuery;

#[derive(Subcommand)]
pub enum Command {
    /// List received events, newest first.
    List {
        /// RFC 3339 time or an age such as 2h or 7d.
        #[arg(long)]
        since: Option<String>,
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long)]
        app: Option<String>,
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: Option<String>,
        /// Show at most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Print one JSON document on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(config_path: Option<&Path>, cmd: Command) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    let Command::List {
        since,
        app,
        account,
        limit,
        json,
    } = cmd;
    let q = EventsQuery {
        since,
        app,
        account,
        limit: Some(limit),
    };
    let rows = with_manager(&config, async |m| m.events(&q).await)?;
    if json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        println!("no events");
        return Ok(());
    }
    println!(
        "{:>6}  {:<24}  {:<10}  {:<22}  {:<18}  {:<10}  DETAIL",
        "SEQ", "RECEIVED", "APP", "ACCOUNT", "EVENT", "STATUS"
    );
    for r in rows {
        println!(
            "{:>6}  {:<24}  {:<10}  {:<22}  {:<18}  {:<10}  {}",
            r.seq,
            r.received_at,
            r.app_id,
            r.account_id.as_deref().unwrap_or("-"),
            r.event,
            r.status,
            r.detail.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
