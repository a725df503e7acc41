//! `zoom-relay routes ...` and `zoom-relay templates ...`: organizers' dry-run loop (as Alertmanager's
//! amtool): see which routes an event fires and what each destination would get, before a real meeting.

use std::path::{Path, PathBuf};

use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};

use super::args::{FilteredList, Table, TenantAccountFirst, cells, print_source};
use super::manage::{Manage, with_manager};
use super::{CliError, CliResult, load_config, print_json, print_or};
use crate::render::TEMPLATE_KEYS;
use crate::routing::{MEETING_EVENTS, Route, RouteDocument};
use crate::service::routes::{PreviewRequest, TestReport};
use crate::store::Message;

#[derive(Subcommand)]
pub enum RoutesCommand {
    /// List routes.
    List(FilteredList),
    /// Print one route as a TOML route document.
    Show {
        #[command(flatten)]
        route: RouteName,
        /// Print the route as one JSON document (as the API has it) instead of TOML.
        #[arg(long)]
        json: bool,
    },
    /// Add the single route in FILE (TOML route document with one [[routes]] entry).
    Add {
        /// A TOML route document with one [[routes]] entry (`routes show` prints one).
        file: PathBuf,
        /// Print the added route as one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Replace a route with the one in --file, or edit it in $EDITOR.
    Edit {
        #[command(flatten)]
        route: RouteName,
        /// A TOML route document with one [[routes]] entry (as `routes show` prints).
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Remove a route.
    Remove {
        #[command(flatten)]
        route: RouteName,
    },
    /// Upsert every route in FILE by (account, name); nothing is written unless all are valid.
    Import {
        /// A TOML route document with [[routes]] entries, as routes.example.toml.
        file: PathBuf,
        /// Print the counts as one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Send a sample render of the route's event to every destination of the route (real
    /// deliveries, marked as tests; they show in `deliveries list --sent`).
    SendTest {
        #[command(flatten)]
        route: RouteName,
    },
    /// Show which routes an event (a Zoom webhook body in JSON) fires and what each target would get.
    Test {
        /// A Zoom webhook body in JSON, as Zoom posts it.
        event_file: PathBuf,
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long, default_value = "default")]
        app: String,
        /// Print one JSON document on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// A route named on the command line, with its account when several accounts have a route of that
/// name ([`RouteName::account`] finds it otherwise).
#[derive(Args)]
pub struct RouteName {
    /// The route's name (as `routes list` shows it).
    name: String,
    /// The Zoom account ID; needed only when several accounts have a route of this name.
    #[arg(long)]
    account: Option<String>,
    /// The Zoom app: its [[zoom.apps]] id in the config.
    #[arg(long, default_value = "default")]
    app: String,
}

impl RouteName {
    /// The route's account, as [`account_of`] finds it.
    async fn account(&self, m: &Manage) -> Result<String, CliError> {
        account_of(m, &self.app, self.account.clone(), &self.name).await
    }
}

/// Which template a verb is about: an event's message for one channel.
#[derive(Args)]
pub struct TemplateKey {
    /// The meeting event whose template this is.
    #[arg(long, value_parser = PossibleValuesParser::new(MEETING_EVENTS))]
    event: String,
    /// Which message the template makes: the channel and its part.
    #[arg(long, value_parser = PossibleValuesParser::new(TEMPLATE_KEYS))]
    key: String,
}

#[derive(Subcommand)]
pub enum TemplatesCommand {
    /// List template keys and whether an account overrides them.
    List {
        #[command(flatten)]
        tenant: TenantAccountFirst,
        #[command(flatten)]
        table: Table,
    },
    /// Print a template's source (the account's override, else the default).
    Show {
        #[command(flatten)]
        template: TemplateKey,
        /// The Zoom account whose override to show; without it, the default template.
        #[arg(long)]
        account: Option<String>,
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long, default_value = "default")]
        app: String,
        /// Print one JSON document (the source and which template it is) instead of the source.
        #[arg(long)]
        json: bool,
    },
    /// Set an account's override from FILE, after validating it against sample events.
    Set {
        /// The template source (handlebars; see docs/templates.md).
        file: PathBuf,
        #[command(flatten)]
        template: TemplateKey,
        #[command(flatten)]
        tenant: TenantAccountFirst,
    },
    /// Remove an account's override (the default applies again).
    Unset {
        #[command(flatten)]
        template: TemplateKey,
        #[command(flatten)]
        tenant: TenantAccountFirst,
    },
    /// Render a sample event for every channel, with a route's overrides if given.
    Preview {
        /// The meeting event to render a sample of.
        #[arg(long, value_parser = PossibleValuesParser::new(MEETING_EVENTS))]
        event: String,
        /// The route's name (as `routes list` shows it).
        #[arg(long)]
        route: Option<String>,
        /// The Zoom account ID (as `events list` and `tenants list` show it).
        #[arg(long)]
        account: Option<String>,
        /// The Zoom app: its [[zoom.apps]] id in the config.
        #[arg(long, default_value = "default")]
        app: String,
        /// The meeting topic to show in the sample.
        #[arg(long)]
        topic: Option<String>,
        /// Print the rendered messages as one JSON document.
        #[arg(long)]
        json: bool,
    },
}

fn read(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))
}

fn parse_doc(path: &Path) -> Result<RouteDocument, CliError> {
    let text = read(path)?;
    toml::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "{} is not a valid route document: {e}",
            path.display()
        ))
    })
}

fn single_route(path: &Path) -> Result<Route, CliError> {
    let mut doc = parse_doc(path)?;
    if doc.routes.len() != 1 {
        return Err(CliError::Usage(format!(
            "{} must hold exactly one [[routes]] entry (it has {}); use `routes import` for several",
            path.display(),
            doc.routes.len()
        )));
    }
    Ok(doc.routes.remove(0))
}

pub fn run_routes(config_path: Option<&Path>, cmd: RoutesCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    match cmd {
        RoutesCommand::List(FilteredList { filter, table }) => {
            let routes = with_manager(&config, async |m| {
                m.routes(filter.app(), filter.account()).await
            })?;
            let layout = "NAME<36|APP<10|ACCOUNT<20|ENABLED<8|DESTS<5|EVENTS";
            table.columns(&routes, "no routes", layout, |r| {
                cells![
                    r.name,
                    r.app_id,
                    r.account_id,
                    r.enabled,
                    r.destinations.len(),
                    r.events.join(",")
                ]
            })
        }
        RoutesCommand::Show { route: r, json } => {
            let route = with_manager(&config, async |m| {
                m.route(&r.app, &r.account(m).await?, &r.name).await
            })?;
            if json {
                return print_json(&route);
            }
            print!("{}", route_toml(&route)?);
            Ok(())
        }
        RoutesCommand::Add { file, json } => {
            let route = single_route(&file)?;
            let saved = with_manager(&config, async |m| m.add_route(&route).await)?;
            print_or(json, &saved, |s| {
                println!("added route `{}` for account {}", s.name, s.account_id);
            })
        }
        RoutesCommand::Edit { route: r, file } => {
            let RouteName { name, app, .. } = &r;
            let (account, current) = with_manager(&config, async |m| {
                let account = r.account(m).await?;
                let current = if file.is_some() {
                    None
                } else {
                    Some(m.route(app, &account, name).await?)
                };
                Ok((account, current))
            })?;
            let route = match (file, current) {
                (Some(f), _) => single_route(&f)?,
                (None, Some(current)) => edit_in_editor(&current)?,
                (None, None) => unreachable!("the current route is read when there is no --file"),
            };
            let saved = with_manager(&config, async |m| {
                m.replace_route(app, &account, name, &route).await
            })?;
            println!("saved route `{}`", saved.name);
            Ok(())
        }
        RoutesCommand::Remove { route: r } => {
            with_manager(&config, async |m| {
                m.remove_route(&r.app, &r.account(m).await?, &r.name).await
            })?;
            println!("removed route `{}`", r.name);
            Ok(())
        }
        RoutesCommand::SendTest { route: r } => {
            let sent = with_manager(&config, async |m| {
                m.send_test(&r.app, &r.account(m).await?, &r.name).await
            })?;
            for t in &sent {
                println!(
                    "queued a test message to {} ({})",
                    t.target, t.idempotency_key
                );
            }
            println!(
                "{} test message(s) queued; a running relay sends them now, otherwise at its next start",
                sent.len()
            );
            Ok(())
        }
        RoutesCommand::Import { file, json } => {
            let doc = parse_doc(&file)?;
            let report = with_manager(&config, async |m| m.import_routes(&doc).await)?;
            print_or(json, &report, |r| {
                println!(
                    "imported {}: {} created, {} updated",
                    file.display(),
                    r.created,
                    r.updated
                );
            })
        }
        RoutesCommand::Test {
            event_file,
            app,
            json,
        } => {
            let body = read(&event_file)?;
            let event: serde_json::Value = serde_json::from_str(&body).map_err(|e| {
                CliError::Usage(format!("{} is not JSON: {e}", event_file.display()))
            })?;
            let report = with_manager(&config, async |m| m.test_event(&app, &event).await)?;
            print_or(json, &report, print_test_report)
        }
    }
}

pub fn run_templates(config_path: Option<&Path>, cmd: TemplatesCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    match cmd {
        TemplatesCommand::List {
            tenant: TenantAccountFirst { account, app },
            table,
        } => {
            let list = with_manager(&config, async |m| m.templates(&app, &account).await)?;
            if table.json {
                return print_json(&list);
            }
            println!("{:<18}  {:<14}  SOURCE", "EVENT", "KEY");
            for t in list {
                println!("{:<18}  {:<14}  {}", t.event, t.key, t.source);
            }
            Ok(())
        }
        TemplatesCommand::Show {
            template: TemplateKey { event, key },
            account,
            app,
            json,
        } => {
            let source = with_manager(&config, async |m| {
                m.template_source(&app, account.as_deref(), &event, &key)
                    .await
            })?;
            let doc = serde_json::json!({
                "app_id": app,
                "account_id": account,
                "event": event,
                "key": key,
                "source": source,
            });
            print_source(json.then_some(doc), &source)
        }
        TemplatesCommand::Set {
            file,
            template: TemplateKey { event, key },
            tenant: TenantAccountFirst { account, app },
        } => {
            let source = read(&file)?;
            with_manager(&config, async |m| {
                m.set_template(&app, &account, &event, &key, &source).await
            })?;
            println!("set {event}/{key} for account {account}");
            Ok(())
        }
        TemplatesCommand::Unset {
            template: TemplateKey { event, key },
            tenant: TenantAccountFirst { account, app },
        } => {
            with_manager(&config, async |m| {
                m.remove_template(&app, &account, &event, &key).await
            })?;
            println!("removed the override of {event}/{key} for account {account}");
            Ok(())
        }
        TemplatesCommand::Preview {
            event,
            route,
            account,
            app,
            topic,
            json,
        } => {
            let req = PreviewRequest {
                event,
                app,
                account,
                route,
                topic,
                ..PreviewRequest::default()
            };
            let items = with_manager(&config, async |m| m.preview(&req).await)?;
            if json {
                return print_json(&items);
            }
            for item in items {
                println!("== {}", item.channel);
                match (item.message, item.error) {
                    (Some(m), _) => print_message(&m),
                    (None, Some(e)) => println!("error: {e}"),
                    _ => {}
                }
                println!();
            }
            Ok(())
        }
    }
}

/// The account of route `name`: the one given, else the only account of `app` with a route of
/// that name, so a newcomer with one account need not look up its ID.
async fn account_of(
    m: &Manage,
    app: &str,
    account: Option<String>,
    name: &str,
) -> Result<String, CliError> {
    if let Some(a) = account {
        return Ok(a);
    }
    let accounts: Vec<String> = m
        .routes(Some(app), None)
        .await?
        .into_iter()
        .filter(|r| r.name == name)
        .map(|r| r.account_id)
        .collect();
    match accounts.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(CliError::Failed(format!(
            "no route named `{name}` for app {app}; `zoom-relay routes list` shows the routes"
        ))),
        several => Err(CliError::Usage(format!(
            "several accounts have a route named `{name}` ({}); add --account ACCOUNT",
            several.join(", ")
        ))),
    }
}

fn route_toml(route: &Route) -> Result<String, CliError> {
    toml::to_string_pretty(&RouteDocument {
        routes: vec![route.clone()],
    })
    .map_err(|e| CliError::Failed(format!("cannot print the route as TOML: {e}")))
}

fn edit_in_editor(current: &Route) -> Result<Route, CliError> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .map_err(|_| CliError::Usage("set $EDITOR, or pass --file with the new route".into()))?;
    let path = std::env::temp_dir().join(format!("zoom-relay-route-{}.toml", std::process::id()));
    std::fs::write(&path, route_toml(current)?).map_err(|e| CliError::Failed(e.to_string()))?;
    let status = std::process::Command::new(&editor)
        .arg(&path)
        .status()
        .map_err(|e| CliError::Failed(format!("cannot run {editor}: {e}")))?;
    let result = if status.success() {
        single_route(&path)
    } else {
        Err(CliError::Failed(format!(
            "{editor} exited with {status}; nothing saved"
        )))
    };
    let _ = std::fs::remove_file(&path);
    result
}

fn print_message(m: &Message) {
    match m {
        Message::Telegram { html } => println!("{html}"),
        Message::Email {
            subject,
            text,
            html,
        } => {
            println!("Subject: {subject}\n-- text --\n{text}\n-- html --\n{html}")
        }
        Message::Webhook { json } => println!("{json}"),
        Message::Log { text } => println!("{text}"),
    }
}

fn print_test_report(r: &TestReport) {
    println!(
        "event: {} (app {}, account {})",
        r.event,
        r.app_id,
        r.account_id.as_deref().unwrap_or("-")
    );
    if let Some(u) = &r.unroutable {
        println!("not routable: {u}");
        return;
    }
    if r.routes_matched.is_empty() {
        println!("no route matches this event");
        return;
    }
    println!("routes that fire: {}", r.routes_matched.join(", "));
    for d in &r.deliveries {
        println!("\n-> {} (route `{}`)", d.target, d.route);
        print_message(&d.message);
    }
}
