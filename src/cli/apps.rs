//! `zoom-relay apps list|show|add|rotate-secret|remove|invite|invitations|revoke-invitation`:
//! Zoom apps as data, for the operator. Secrets are read from a file or the environment, never
//! from the command line, where they would stay in shell history and in the process list.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::manage::with_manager;
use super::{CliError, CliResult, load_config, print_json, print_or};
use crate::service::app_invites::InviteRequest;
use crate::service::apps::{AddApp, AppView, UpdateApp};

#[derive(Subcommand)]
pub enum AppsCommand {
    /// Every app: the config's (read-only) and those added at run time. Never shows secrets.
    List {
        /// Print one JSON document on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// One app: the URLs to register in Zoom, which secrets are set, rotation and CRC status.
    Show {
        /// The app's id (as `apps list` shows it).
        app_id: String,
        /// Print one JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Add a Zoom app; a running relay serves it at once (no restart).
    Add {
        /// 1-64 letters, digits, '-' or '_'; the webhook URL ends with it.
        #[arg(long)]
        id: String,
        /// Whose app it is, in words.
        #[arg(long)]
        name: Option<String>,
        /// The Secret Token (Features > Access): a file holding it, or else the environment
        /// variable ZOOM_SECRET_TOKEN.
        #[arg(long)]
        secret_token_file: Option<PathBuf>,
        /// The Client ID (App Credentials), for an app that accounts install.
        #[arg(long)]
        client_id: Option<String>,
        /// The Client Secret: a file holding it, or else the environment variable
        /// ZOOM_CLIENT_SECRET.
        #[arg(long)]
        client_secret_file: Option<PathBuf>,
        /// Zoom's OAuth host (default: zoom.app_defaults.oauth_url).
        #[arg(long)]
        oauth_url: Option<String>,
        /// Zoom's API host (default: zoom.app_defaults.api_url).
        #[arg(long)]
        api_url: Option<String>,
        /// A user-managed Zoom app (each user installs it).
        #[arg(long)]
        user_managed: bool,
        /// Print the new app as one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Set a new Secret Token; the old one keeps verifying for --overlap-secs.
    RotateSecret {
        /// The app's id (as `apps list` shows it).
        app_id: String,
        /// A file holding the new Secret Token, or else the environment variable
        /// ZOOM_SECRET_TOKEN.
        #[arg(long)]
        secret_token_file: Option<PathBuf>,
        /// How long the old token still verifies (default zoom.secret_overlap_secs; 0 drops it now).
        #[arg(long)]
        overlap_secs: Option<u64>,
        /// Print the app as one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Remove an added app and purge every account of it, as an uninstall does.
    Remove {
        /// The app's id (as `apps list` shows it).
        app_id: String,
        /// The app id again, typed out: this deletes every account's routes, templates and events.
        #[arg(long)]
        confirm: Option<String>,
        /// Print the report as one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Invitations, used or not (never the codes: only their hashes are kept).
    Invitations {
        /// Print one JSON document on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Withdraw open invitations whose id starts with ID (6+ hex digits): their links expire now.
    RevokeInvitation {
        /// The invitation's id, or its first 6+ hex digits (as `apps invitations` shows it).
        id: String,
        /// Print the withdrawn invitations as one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Issue an invitation: a single-use, expiring code whose page lets a community add its own app.
    Invite {
        /// The id the app will get (default: a fresh `app-...`).
        #[arg(long)]
        app_id: Option<String>,
        /// Whose app it will be, in words.
        #[arg(long)]
        name: Option<String>,
        /// How long the code stays valid (default zoom.invitation_ttl_secs).
        #[arg(long)]
        ttl_secs: Option<u64>,
        /// Print the invitation as one JSON document.
        #[arg(long)]
        json: bool,
    },
}

/// A secret from `--x-file` or the environment variable; a file wins.
fn secret(file: Option<&Path>, env: &str, what: &str) -> Result<Option<String>, CliError> {
    match file {
        Some(f) => std::fs::read_to_string(f)
            .map(|s| Some(s.trim().to_string()))
            .map_err(|e| CliError::Usage(format!("cannot read {what} from {}: {e}", f.display()))),
        None => Ok(std::env::var(env)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())),
    }
}

/// A Secret Token, which an app cannot go without: `whose` Secret Token is required, the error says.
fn secret_token(file: Option<&Path>, whose: &str) -> Result<String, CliError> {
    secret(file, "ZOOM_SECRET_TOKEN", "the secret token")?.ok_or_else(|| {
        CliError::Usage(format!(
            "{whose} Secret Token is required: --secret-token-file FILE or ZOOM_SECRET_TOKEN"
        ))
    })
}

/// One app as `--json` or as lines for people.
fn print_app(a: &AppView, json: bool) -> CliResult {
    if json {
        return print_json(a);
    }
    println!(
        "app {}{}",
        a.id,
        if a.read_only {
            " (config file, read-only)"
        } else {
            ""
        }
    );
    if let Some(n) = &a.name {
        println!("  name:            {n}");
    }
    println!("  source:          {}", a.source);
    println!("  webhook URL:     {}", a.webhook_url);
    if let Some(u) = &a.install_url {
        println!("  install URL:     {u}");
    }
    println!("  redirect URL:    {}", a.redirect_url);
    println!(
        "  client id:       {}",
        a.client_id.as_deref().unwrap_or("(none: webhook-only)")
    );
    println!(
        "  client secret:   {}",
        if a.client_secret_set {
            "set"
        } else {
            "not set"
        }
    );
    println!(
        "  secret token:    {}",
        if a.secret_token_set { "set" } else { "not set" }
    );
    if let Some(u) = &a.previous_secret_token_until {
        println!("  previous token:  verifies until {u}");
    }
    if !a.read_only {
        println!(
            "  Zoom validation: {}",
            a.crc_seen_at.as_deref().unwrap_or("not seen yet")
        );
    }
    println!("  installs:        {}", a.tenants);
    Ok(())
}

pub fn run(config_path: Option<&Path>, cmd: AppsCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    match cmd {
        AppsCommand::List { json } => {
            let rows = with_manager(&config, async |m| m.apps().await)?;
            if json {
                return print_json(&rows);
            }
            println!(
                "{:<20}  {:<10}  {:<6}  {:>8}  WEBHOOK URL",
                "APP", "SOURCE", "OAUTH", "INSTALLS"
            );
            for a in rows {
                println!(
                    "{:<20}  {:<10}  {:<6}  {:>8}  {}",
                    a.id,
                    a.source,
                    if a.oauth { "yes" } else { "no" },
                    a.tenants,
                    a.webhook_url
                );
            }
            Ok(())
        }
        AppsCommand::Show { app_id, json } => {
            let a = with_manager(&config, async |m| m.app(&app_id).await)?;
            print_app(&a, json)
        }
        AppsCommand::Add {
            id,
            name,
            secret_token_file,
            client_id,
            client_secret_file,
            oauth_url,
            api_url,
            user_managed,
            json,
        } => {
            let secret_token = secret_token(secret_token_file.as_deref(), "the app's")?;
            let client_secret = secret(
                client_secret_file.as_deref(),
                "ZOOM_CLIENT_SECRET",
                "the client secret",
            )?;
            let req = AddApp {
                id,
                name,
                client_id,
                client_secret,
                secret_token,
                oauth_url,
                api_url,
                user_managed: user_managed.then_some(true),
            };
            let a = with_manager(&config, async |m| m.add_app(req).await)?;
            print_app(&a, json)
        }
        AppsCommand::RotateSecret {
            app_id,
            secret_token_file,
            overlap_secs,
            json,
        } => {
            let token = secret_token(secret_token_file.as_deref(), "the new")?;
            let req = UpdateApp {
                secret_token: Some(token),
                overlap_secs,
                ..UpdateApp::default()
            };
            let a = with_manager(&config, async |m| m.update_app(&app_id, req).await)?;
            if json {
                return print_json(&a);
            }
            match &a.previous_secret_token_until {
                Some(u) => println!(
                    "rotated; the previous Secret Token of {} verifies until {u}",
                    a.id
                ),
                None => println!(
                    "rotated; the previous Secret Token of {} no longer verifies",
                    a.id
                ),
            }
            Ok(())
        }
        AppsCommand::Remove {
            app_id,
            confirm,
            json,
        } => {
            let Some(confirm) = confirm.filter(|c| *c == app_id) else {
                return Err(CliError::Usage(format!(
                    "removing `{app_id}` purges every account that installed it; add --confirm {app_id}"
                )));
            };
            let r = with_manager(&config, async |m| m.remove_app(&app_id, &confirm).await)?;
            if json {
                return print_json(&r);
            }
            let total: u64 = r
                .purged
                .iter()
                .map(|p| p.purge.deleted.values().sum::<u64>())
                .sum();
            println!(
                "removed app {} and purged {} account(s), {total} record(s)",
                r.app_id,
                r.purged.len()
            );
            Ok(())
        }
        AppsCommand::Invitations { json } => {
            let rows = with_manager(&config, async |m| m.app_invitations().await)?;
            if json {
                return print_json(&rows);
            }
            if rows.is_empty() {
                println!("no invitations (zoom-relay apps invite issues one)");
            }
            let now = chrono::Utc::now().timestamp_millis();
            for i in rows {
                let state = match i.used_at_ms {
                    Some(_) => "used",
                    None if i.expires_at_ms <= now => "expired",
                    None => "open",
                };
                println!(
                    "{:<12}  {:<20}  {:<8}  {}",
                    i.id,
                    i.app_id,
                    state,
                    i.name.as_deref().unwrap_or("")
                );
            }
            Ok(())
        }
        AppsCommand::RevokeInvitation { id, json } => {
            let gone = with_manager(&config, async |m| m.revoke_app_invitation(&id).await)?;
            print_or(json, &gone, |gone| {
                for i in gone {
                    println!("withdrew invitation {} (app {})", i.id, i.app_id);
                }
            })
        }
        AppsCommand::Invite {
            app_id,
            name,
            ttl_secs,
            json,
        } => {
            let req = InviteRequest {
                app_id,
                name,
                ttl_secs,
            };
            let i = with_manager(&config, async |m| m.invite_app(req).await)?;
            print_or(json, &i, |i| {
                println!(
                    "invitation for app {} (valid until {}, single use):",
                    i.app_id, i.expires_at
                );
                println!("{}", i.url);
                println!("Send this link to the community; it is shown only once.");
            })
        }
    }
}

/// For `doctor`: how many apps were added at run time, and the ids of those whose secrets do not
/// open with `security.data_key` (the relay skips them, so their webhooks answer 404).
pub(super) async fn unopenable(
    config: &crate::config::Config,
    db: &dyn crate::store::Backend,
) -> Result<(usize, Vec<String>), crate::store::StoreError> {
    let key = config.security.data_key.bytes();
    let stored = db.list_apps().await?;
    let bad = stored
        .iter()
        .filter(|a| crate::apps::open_app(key, &config.zoom.app_defaults, a).is_err())
        .map(|a| a.id.clone())
        .collect();
    Ok((stored.len(), bad))
}
