//! `zoom-relay tenants list|show|remove|audit`: installs, for the operator.

use std::path::Path;
use std::sync::Arc;

use clap::Subcommand;

use super::access::{Access, runtime};
use super::{CliError, CliResult, load_config};
use crate::service::tenants::{self, RemoveReport, TenantDetail, TenantView};
use crate::store::AuditEntry;

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
    let config = Arc::new(load_config(config_path)?);
    crate::telemetry::init_cli();
    let rt = runtime()?;
    match cmd {
        TenantsCommand::List { app, json } => {
            let rows: Vec<TenantView> = rt.block_on(async {
                let access = Access::open(&config).await?;
                let rows = match &access {
                    Access::Local(store) => tenants::list(store, app.as_deref())
                        .map_err(|e| CliError::Failed(e.to_string())),
                    Access::Remote(r) => {
                        let q: Vec<(&str, String)> =
                            app.iter().map(|a| ("app", a.clone())).collect();
                        r.get("/tenants", &q).await
                    }
                };
                access.close().await?;
                rows
            })?;
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
            let detail: Option<TenantDetail> = rt.block_on(async {
                let access = Access::open(&config).await?;
                let d = match &access {
                    Access::Local(store) => tenants::show(store, &app, &account)
                        .map_err(|e| CliError::Failed(e.to_string())),
                    Access::Remote(r) => r
                        .send(
                            reqwest::Method::GET,
                            &["tenants", &app, &account],
                            &[],
                            None,
                        )
                        .await
                        .map(Some),
                };
                access.close().await?;
                d
            })?;
            let d = detail.ok_or_else(|| {
                CliError::Failed(format!(
                    "no tenant {account} for app `{app}`; see `zoom-relay tenants list`"
                ))
            })?;
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
            let report: RemoveReport = rt.block_on(async {
                let access = Access::open(&config).await?;
                let r = match &access {
                    Access::Local(store) => tenants::remove(store, &config, None, &app, &account)
                        .await
                        .map_err(|e| CliError::Failed(format!("{e:#}"))),
                    Access::Remote(r) => {
                        r.send(
                            reqwest::Method::DELETE,
                            &["tenants", &app, &account],
                            &[],
                            None,
                        )
                        .await
                    }
                };
                access.close().await?;
                r
            })?;
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
            let rows: Vec<AuditEntry> = rt.block_on(async {
                let access = Access::open(&config).await?;
                let rows = match &access {
                    Access::Local(store) => {
                        tenants::audit(store).map_err(|e| CliError::Failed(e.to_string()))
                    }
                    Access::Remote(r) => r.get("/tenants/audit", &[]).await,
                };
                access.close().await?;
                rows
            })?;
            for r in rows {
                println!("{}", json_line(&r)?);
            }
            Ok(())
        }
    }
}
