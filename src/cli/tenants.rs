//! `zoom-relay tenants list|show|remove|audit`: installs, for the operator.

use std::path::Path;

use clap::Subcommand;

use super::args::{Table, cells};
use super::manage::with_manager;
use super::{CliError, CliResult, load_config, print_json};

#[derive(Subcommand)]
pub enum TenantsCommand {
    /// Every install (or one app's), with its status. Never shows tokens.
    List {
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long)]
        app: Option<String>,
        #[command(flatten)]
        table: Table,
    },
    /// One install: installer, scopes, routes and recent notices.
    Show {
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long)]
        app: String,
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: String,
        /// Accepted for symmetry with the other verbs: `show` prints JSON either way.
        #[arg(long)]
        json: bool,
    },
    /// Revoke the install's token and delete all of the account's data, as an uninstall does.
    Remove {
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long)]
        app: String,
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: String,
        /// Required: this deletes routes, templates, subscriptions, pending deliveries and events.
        #[arg(long)]
        yes: bool,
    },
    /// What uninstalls and removals deleted (accounts appear only as hashes).
    Audit {
        #[command(flatten)]
        table: Table,
    },
}

pub fn run(config_path: Option<&Path>, cmd: TenantsCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    match cmd {
        TenantsCommand::List { app, table } => {
            let rows = with_manager(&config, async |m| m.tenants(app.as_deref()).await)?;
            let layout = "APP<12|ACCOUNT<24|STATUS<22|INSTALLED<20|ROUTES>6|INSTALLED BY";
            let empty = "no tenants (installs appear here after the Zoom OAuth flow)";
            table.columns(&rows, empty, layout, |r| {
                cells![
                    r.app_id,
                    r.account_id,
                    r.status,
                    r.installed_at,
                    r.routes,
                    r.installer_email.as_deref().unwrap_or(&r.installer_user_id)
                ]
            })
        }
        TenantsCommand::Show { app, account, .. } => {
            let d = with_manager(&config, async |m| m.tenant(&app, &account).await)?;
            print_json(&d)
        }
        TenantsCommand::Remove { app, account, yes } => {
            if !yes {
                return Err(CliError::Usage(format!(
                    "this deletes every record of account {account} for app `{app}`; add --yes to confirm"
                )));
            }
            let report = with_manager(&config, async |m| m.remove_tenant(&app, &account).await)?;
            let total: u64 = report.purge.deleted.values().sum();
            println!(
                "removed {} account {} ({} record(s){}): {}",
                report.app_id,
                report.account_id,
                total,
                if report.purge.tenant_existed {
                    ""
                } else {
                    "; there was no install"
                },
                report
                    .purge
                    .deleted
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            Ok(())
        }
        TenantsCommand::Audit { table } => {
            let rows = with_manager(&config, async |m| m.audit().await)?;
            table.print(&rows, "nothing removed yet", None, |r| {
                let at = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(r.at_ms)
                    .unwrap_or_default()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let deleted: u64 = r.deleted.values().sum();
                format!(
                    "{:<16}  {:<8}  {:<10}  account {}  {deleted} record(s)",
                    super::when(&at),
                    r.action,
                    r.app_id,
                    &r.account_hash[..r.account_hash.len().min(12)],
                )
            })
        }
    }
}
