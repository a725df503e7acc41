//! `zoom-relay tokens create|list|revoke`: tenant API tokens. A token is printed once; the relay
//! keeps only its hash.

use std::path::Path;

use clap::Subcommand;

use super::access::{Access, runtime};
use super::{CliError, CliResult, load_config};
use crate::service::tokens::{self, CreatedToken};
use crate::store::auth::ApiToken;

#[derive(Subcommand)]
pub enum TokensCommand {
    /// Create a token that acts for one tenant (app, account) on the API.
    Create {
        #[arg(long, default_value = "default")]
        app: String,
        #[arg(long)]
        account: String,
        /// What the token is for.
        #[arg(long)]
        name: String,
    },
    /// List tokens (their ids and names, never the tokens).
    List {
        #[arg(long)]
        app: Option<String>,
        #[arg(long)]
        account: Option<String>,
    },
    /// Revoke a token by the id `list` shows.
    Revoke { id: String },
}

pub fn run(config_path: Option<&Path>, cmd: TokensCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    runtime()?.block_on(async {
        let access = Access::open(&config).await?;
        let res = run_with(&access, cmd).await;
        access.close().await?;
        res
    })
}

async fn run_with(access: &Access, cmd: TokensCommand) -> CliResult {
    let failed = |e: crate::store::StoreError| CliError::Failed(e.to_string());
    match cmd {
        TokensCommand::Create { app, account, name } => {
            let created: CreatedToken = match access {
                Access::Local(store) => {
                    let c = tokens::create(store, &app, &account, &name)
                        .map_err(failed)?
                        .map_err(CliError::Usage)?;
                    store.flush().await.map_err(failed)?;
                    c
                }
                Access::Remote(r) => {
                    r.send(
                        reqwest::Method::POST,
                        &["tokens"],
                        &[],
                        Some(serde_json::json!({"app": app, "account": account, "name": name})),
                    )
                    .await?
                }
            };
            println!("{}", created.token);
            eprintln!(
                "token {} for {} / {} created. It is shown only now: use it as `Authorization: Bearer <token>`.",
                created.record.id, created.record.app_id, created.record.account_id
            );
        }
        TokensCommand::List { app, account } => {
            let list: Vec<ApiToken> = match access {
                Access::Local(store) => tokens::list(store, None)
                    .map_err(failed)?
                    .into_iter()
                    .filter(|t| app.as_deref().is_none_or(|a| a == t.app_id))
                    .filter(|t| account.as_deref().is_none_or(|a| a == t.account_id))
                    .collect(),
                Access::Remote(r) => {
                    let mut q = vec![];
                    if let Some(a) = &app {
                        q.push(("app", a.clone()));
                    }
                    if let Some(a) = &account {
                        q.push(("account", a.clone()));
                    }
                    r.get("/tokens", &q).await?
                }
            };
            if list.is_empty() {
                println!("no tokens");
            }
            for t in list {
                println!(
                    "{}  {:<10}  {:<24}  {}",
                    t.id, t.app_id, t.account_id, t.name
                );
            }
        }
        TokensCommand::Revoke { id } => {
            match access {
                Access::Local(store) => {
                    if !tokens::revoke(store, &id, None).map_err(failed)? {
                        return Err(CliError::Failed(format!(
                            "no token with id {id}; see `zoom-relay tokens list`"
                        )));
                    }
                    store.flush().await.map_err(failed)?;
                }
                Access::Remote(r) => {
                    r.send::<serde_json::Value>(
                        reqwest::Method::DELETE,
                        &["tokens", &id],
                        &[],
                        None,
                    )
                    .await?;
                }
            }
            println!("revoked token {id}");
        }
    }
    Ok(())
}
