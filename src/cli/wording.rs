//! `zoom-relay wording`: an account's wording of the alert sentences, per language (Fluent source,
//! see docs/languages.md). Stored like a template override (`messages/LANG`), so the same manager
//! calls work in-process and over the REST API.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use clap::builder::PossibleValuesParser;

use super::args::{TenantAccountFirst, print_source};
use super::manage::with_manager;
use super::{CliError, CliResult, load_config};
use crate::i18n::Lang;
use crate::render::MESSAGES;

fn languages() -> Vec<&'static str> {
    Lang::all().into_iter().map(Lang::code).collect()
}

#[derive(Subcommand, Debug)]
pub enum WordingCommand {
    /// Print the account's wording for a language; without an override, the shipped catalogue
    /// (copy the lines you want to change).
    Show {
        /// The language, as its catalogue is named (en, es, fr, ...).
        #[arg(long, value_parser = PossibleValuesParser::new(languages()))]
        lang: String,
        /// The Zoom account; without it, the shipped catalogue.
        #[arg(long)]
        account: Option<String>,
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long, default_value = "default")]
        app: String,
        /// Print one JSON document instead of the source.
        #[arg(long)]
        json: bool,
    },
    /// Set the account's wording for a language from FILE (only the lines to change), after
    /// checking that every name exists and uses only its own { $values }.
    Set {
        /// Fluent source: `name = your words`, one per line.
        file: PathBuf,
        /// The language, as its catalogue is named (en, es, fr, ...).
        #[arg(long, value_parser = PossibleValuesParser::new(languages()))]
        lang: String,
        #[command(flatten)]
        tenant: TenantAccountFirst,
    },
    /// Go back to the shipped wording for a language.
    Reset {
        /// The language, as its catalogue is named (en, es, fr, ...).
        #[arg(long, value_parser = PossibleValuesParser::new(languages()))]
        lang: String,
        #[command(flatten)]
        tenant: TenantAccountFirst,
    },
}

fn read(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))
}

pub fn run(config_path: Option<&Path>, cmd: WordingCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    match cmd {
        WordingCommand::Show {
            lang,
            account,
            app,
            json,
        } => {
            let source = with_manager(&config, async |m| {
                m.template_source(&app, account.as_deref(), MESSAGES, &lang)
                    .await
            })?;
            let doc = serde_json::json!({
                "app_id": app,
                "account_id": account,
                "lang": lang,
                "source": source,
            });
            print_source(json.then_some(doc), &source)
        }
        WordingCommand::Set {
            file,
            lang,
            tenant: TenantAccountFirst { account, app },
        } => {
            let source = read(&file)?;
            with_manager(&config, async |m| {
                m.set_template(&app, &account, MESSAGES, &lang, &source)
                    .await
            })?;
            println!("set the {lang} wording for account {account}");
            Ok(())
        }
        WordingCommand::Reset {
            lang,
            tenant: TenantAccountFirst { account, app },
        } => {
            with_manager(&config, async |m| {
                m.remove_template(&app, &account, MESSAGES, &lang).await
            })?;
            println!("account {account} uses the shipped {lang} wording again");
            Ok(())
        }
    }
}
