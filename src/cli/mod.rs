//! The command line (DESIGN section 6). Exit codes: 0 ok, 1 the operation failed, 2 usage or config
//! error. Errors go to stderr and say what to fix.

mod access;
mod apps;
mod args;
mod bots;
mod codes;
mod copy;
mod deliveries;
mod doctor;
mod events;
mod manage;
mod manage_apps;
mod ops;
mod organizers;
mod routes;
mod serve;
mod simulate;
mod subscriptions;
mod tenants;
mod tokens;
mod wording;

use std::path::PathBuf;
use std::process::ExitCode;

use base64::Engine;
use clap::{CommandFactory, Parser, Subcommand};
use rand::RngCore;

use crate::config::{self, Config};

#[derive(Parser)]
#[command(
    name = "zoom-relay",
    version,
    about = "Relay Zoom meeting webhooks to Telegram, email and signed webhooks"
)]
pub struct Cli {
    /// Config file. Default: ./relay.toml, else the embedded example (demo mode).
    #[arg(long, global = true, env = "RELAY_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the relay.
    Serve,
    /// Validate the configuration and print a summary.
    CheckConfig,
    /// Print a fresh data_key and admin_token.
    Keygen,
    /// Send a correctly signed sample event to a running relay and print its answer.
    Simulate(simulate::Args),
    /// Zoom apps as data: list, show, add, rotate-secret, remove; invite a community to add its own.
    Apps {
        #[command(subcommand)]
        command: apps::AppsCommand,
    },
    /// Installs (tenants): list, show, remove (purges as an uninstall does), audit.
    Tenants {
        #[command(subcommand)]
        command: tenants::TenantsCommand,
    },
    /// A community's own Telegram bot: set (token from --token-file or stdin), show, remove.
    Bots {
        #[command(subcommand)]
        command: bots::BotsCommand,
    },
    /// Telegram organizers of an account (made by organizer codes): list, remove.
    Organizers {
        #[command(subcommand)]
        command: organizers::OrganizersCommand,
    },
    /// Members' own subscriptions (bot and member email): list, remove.
    Subscriptions {
        #[command(subcommand)]
        command: subscriptions::SubscriptionsCommand,
    },
    /// Tenant API tokens: create (printed once), list, revoke.
    Tokens {
        #[command(subcommand)]
        command: tokens::TokensCommand,
    },
    /// What arrived from Zoom.
    Events {
        #[command(subcommand)]
        command: events::Command,
    },
    /// Routing rules: list, show, add, edit, remove, import, and test an event against them.
    Routes {
        #[command(subcommand)]
        command: routes::RoutesCommand,
    },
    /// Message templates: list, show, set, unset and preview.
    Templates {
        #[command(subcommand)]
        command: routes::TemplatesCommand,
    },
    /// An account's wording of the alert sentences in each language: show, set, reset.
    Wording {
        #[command(subcommand)]
        command: wording::WordingCommand,
    },
    /// Queued and failed deliveries: list, retry, replay.
    Deliveries {
        #[command(subcommand)]
        command: deliveries::DeliveriesCommand,
    },
    /// Destinations disabled after a permanent failure: list them, enable them again.
    Destinations {
        #[command(subcommand)]
        command: deliveries::DestinationsCommand,
    },
    /// Codes for the Telegram bot: members subscribe, groups link, organizers join.
    Codes {
        #[command(subcommand)]
        command: codes::CodesCommand,
    },
    /// Write a backup of the whole store to FILE (through the running relay if one holds the store).
    Backup(ops::BackupArgs),
    /// Restore a backup into the configured store (sled or PostgreSQL). The relays must be stopped.
    Restore(ops::RestoreArgs),
    /// Moving an install between stores: `store copy --from sled:PATH --to postgres:URL`.
    Store {
        #[command(subcommand)]
        command: copy::StoreCommand,
    },
    /// Check the config, the store, Telegram getMe, SMTP and each Zoom app's OAuth endpoint.
    Doctor,
    /// Exit 0 when the relay on server.listen answers /healthz (for container health checks).
    Healthcheck(doctor::HealthcheckArgs),
    /// Problems for organizers, such as a disabled destination.
    Notices {
        #[command(subcommand)]
        command: deliveries::NoticesCommand,
    },
    /// Print a shell completion script, e.g. `zoom-relay completions bash > ~/.local/share/bash-completion/completions/zoom-relay`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the manual page (roff), e.g. `zoom-relay man > zoom-relay.1 && man ./zoom-relay.1`.
    Man,
}

/// The shells `completions` writes for.
#[derive(Clone, Copy, clap::ValueEnum)]
enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

/// Errors a verb reports; the variant picks the exit code.
#[derive(Debug)]
pub enum CliError {
    /// Usage or configuration: exit 2.
    Usage(String),
    /// The operation failed: exit 1.
    Failed(String),
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Failed(format!("{e:#}"))
    }
}

pub type CliResult = Result<(), CliError>;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match cli.command {
        Command::Keygen => {
            keygen();
            Ok(())
        }
        Command::CheckConfig => check_config(cli.config.as_deref()),
        Command::Serve => serve::serve(cli.config.as_deref()),
        Command::Simulate(args) => simulate::simulate(cli.config.as_deref(), args),
        Command::Events { command } => events::run(cli.config.as_deref(), command),
        Command::Apps { command } => apps::run(cli.config.as_deref(), command),
        Command::Tenants { command } => tenants::run(cli.config.as_deref(), command),
        Command::Tokens { command } => tokens::run(cli.config.as_deref(), command),
        Command::Subscriptions { command } => subscriptions::run(cli.config.as_deref(), command),
        Command::Organizers { command } => organizers::run(cli.config.as_deref(), command),
        Command::Bots { command } => bots::run(cli.config.as_deref(), command),
        Command::Routes { command } => routes::run_routes(cli.config.as_deref(), command),
        Command::Templates { command } => routes::run_templates(cli.config.as_deref(), command),
        Command::Wording { command } => wording::run(cli.config.as_deref(), command),
        Command::Deliveries { command } => {
            deliveries::run_deliveries(cli.config.as_deref(), command)
        }
        Command::Codes { command } => codes::run(cli.config.as_deref(), command),
        Command::Backup(args) => ops::backup(cli.config.as_deref(), args),
        Command::Restore(args) => ops::restore(cli.config.as_deref(), args),
        Command::Store { command } => copy::run(cli.config.as_deref(), command),
        Command::Doctor => doctor::doctor(cli.config.as_deref()),
        Command::Healthcheck(args) => doctor::healthcheck(cli.config.as_deref(), args),
        Command::Notices { command } => deliveries::run_notices(cli.config.as_deref(), command),
        Command::Destinations { command } => {
            deliveries::run_destinations(cli.config.as_deref(), command)
        }
        Command::Completions { shell } => {
            let shell = match shell {
                CompletionShell::Bash => clap_complete::Shell::Bash,
                CompletionShell::Zsh => clap_complete::Shell::Zsh,
                CompletionShell::Fish => clap_complete::Shell::Fish,
            };
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "zoom-relay", &mut std::io::stdout());
            Ok(())
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut std::io::stdout())
            .map_err(|e| CliError::Failed(format!("cannot write the manual page: {e}"))),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(CliError::Failed(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}

/// `--json`: one JSON document on stdout, so that scripts never read tables.
pub(crate) fn print_json<T: serde::Serialize + ?Sized>(v: &T) -> CliResult {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| CliError::Failed(format!("cannot print JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

/// `v` as one JSON document with `--json`; else as `text` prints it for people.
pub(crate) fn print_or<T: serde::Serialize + ?Sized>(
    json: bool,
    v: &T,
    text: impl FnOnce(&T),
) -> CliResult {
    if json {
        return print_json(v);
    }
    text(v);
    Ok(())
}

/// A time as people say it ("3 min ago", "in 20 s"); the text as given when it is not RFC 3339.
pub(crate) fn when(rfc3339: &str) -> String {
    when_at(rfc3339, chrono::Utc::now())
}

fn when_at(rfc3339: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(rfc3339) else {
        return rfc3339.to_string();
    };
    let secs = now.signed_duration_since(t).num_seconds();
    let n = secs.unsigned_abs();
    let amount = match n {
        0..=4 => return "just now".into(),
        5..=59 => format!("{n} s"),
        60..=3599 => format!("{} min", n / 60),
        3600..=86_399 => format!("{} h", n / 3600),
        86_400..=172_799 => "1 day".into(),
        _ => format!("{} days", n / 86_400),
    };
    if secs < 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

/// Loads the config or explains what to fix (exit 2).
pub(crate) fn load_config(path: Option<&std::path::Path>) -> Result<Config, CliError> {
    config::load(path).map_err(|e| CliError::Usage(e.to_string()))
}

fn keygen() {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let mut token = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut token);
    println!(
        "# Paste into the [security] section of relay.toml (or export as RELAY_SECURITY__DATA_KEY / RELAY_SECURITY__ADMIN_TOKEN)."
    );
    println!("# Keep data_key safe: tokens stored with it cannot be read without it.");
    println!(
        "data_key = \"{}\"",
        base64::engine::general_purpose::STANDARD.encode(key)
    );
    println!(
        "admin_token = \"{}\"",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(token)
    );
}

fn check_config(path: Option<&std::path::Path>) -> CliResult {
    let c = load_config(path)?;
    crate::check_seed_routes(&c).map_err(CliError::Usage)?;
    let source = match &c.source {
        config::ConfigSource::File(p) => p.display().to_string(),
        config::ConfigSource::EmbeddedExample => "embedded relay.example.toml (demo mode)".into(),
    };
    println!("config OK: {source}");
    println!("  listen      {}", c.server.listen);
    println!("  public_url  {}", c.server.public_url);
    println!("  data_dir    {}", c.server.data_dir.display());
    if c.zoom.apps.is_empty() {
        println!("  zoom apps   none in the config (apps added at run time: zoom-relay apps list)");
    }
    for a in &c.zoom.apps {
        println!(
            "  zoom app    {} ({}) webhook {}/zoom/webhook/{}",
            a.id,
            if a.has_oauth() {
                "OAuth"
            } else {
                "webhook-only"
            },
            c.server.public_url,
            a.id
        );
    }
    println!(
        "  telegram    {}",
        if c.telegram.is_some() {
            "configured"
        } else {
            "off"
        }
    );
    println!(
        "  email       {}",
        if c.email.is_some() {
            "configured"
        } else {
            "off"
        }
    );
    if let Some(seed) = &c.seed_routes {
        let name = match seed {
            config::SeedRoutes::File(p) => p.display().to_string(),
            config::SeedRoutes::Embedded => "routes.example.toml (embedded)".into(),
        };
        println!("  seed routes {name} (imported into an empty store)");
    }
    for w in c.warnings() {
        println!("  warning: {w}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every option and argument of every verb says what it is (issue 20, finding 8).
    #[test]
    fn every_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for a in cmd.get_arguments() {
                let id = a.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                if a.get_help().is_none() && a.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "zoom-relay", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:#?}");
    }

    #[test]
    fn times_read_as_people_say_them() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(when_at("2026-03-01T11:57:00Z", now), "3 min ago");
        assert_eq!(when_at("2026-03-01T12:00:02Z", now), "just now");
        assert_eq!(when_at("2026-03-01T12:00:20Z", now), "in 20 s");
        assert_eq!(when_at("2026-03-01T09:00:00Z", now), "3 h ago");
        assert_eq!(when_at("2026-02-27T12:00:00Z", now), "2 days ago");
        assert_eq!(when_at("yesterday", now), "yesterday");
    }
}
