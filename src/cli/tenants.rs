//! `zoom-relay tenants list|show|remove|audit`: installs, for the operator.

use std::path::Path;

use clap::Subcommand;

use super::manage::with_manager;
use super::{CliError, CliResult, load_config};

#[derive(Subcommand)]
pub enum TenantsCommand {
    /// Every install (or one app's), with its status. Never shows tokens.
    List {
        #[arg(long)]
        app: Option<String>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// One install: installer, scopes, routes and recent notices.
    Show {
        #[arg(long)]
        app: String,
        #[arg(long)]
        account: String,
    },
    /// Revoke the install's token and delete all of the account's data, as an uninstall does.
    Remove {
        #[arg(long)]
        app: String,
        #[arg(long)]
        account: String,
        /// Required: this deletes routes, templates, subscriptions, pending deliveries and events.
        #[arg(long)]
        yes: bool,
    },
    /// What uninstalls and removals deleted (accounts appear only as hashes).
    Audit,
}

fn json_line<T: serde::Serialize>(v: &T) -> Result<String, CliError> {
    serde_json::to_string(v).map_err(|e| CliError::Failed(e.to_string()))
}

pub fn run(config_path: Option<&Path>, cmd: TenantsCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    match cmd {
        TenantsCommand::List { app, json } => {
            let rows = with_manager(&config, async |m| m.tenants(app.as_deref()).await)?;
            if json {
                for r in &rows {
                    println!("{}", json_line(r)?);
                }
            } else if rows.is_empty() {
                println!("no tenants (installs appear here after the Zoom OAuth flow)");
            } else {
                println!(
                    "{:<12}  {:<24}  {:<22}  {:<20}  {:>6}  INSTALLED BY",
                    "APP", "ACCOUNT", "STATUS", "INSTALLED", "ROUTES"
                );
                for r in rows {
                    println!(
                        "{:<12}  {:<24}  {:<22}  {:<20}  {:>6}  {}",
                        r.app_id,
                        r.account_id,
                        r.status,
                        r.installed_at,
                        r.routes,
                        r.installer_email.as_deref().unwrap_or(&r.installer_user_id)
                    );
                }
            }
            Ok(())
        }
        TenantsCommand::Show { app, account } => {
            let d = with_manager(&config, async |m| m.tenant(&app, &account).await)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&d).map_err(|e| CliError::Failed(e.to_string()))?
            );
            Ok(())
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
        TenantsCommand::Audit => {
            let rows = with_manager(&config, async |m| m.audit().await)?;
            for r in rows {
                println!("{}", json_line(&r)?);
            }
            Ok(())
        }
    }
}
