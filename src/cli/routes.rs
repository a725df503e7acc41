//! `zoom-relay routes ...` and `zoom-relay templates ...`: organizers' dry-run loop (as Alertmanager's
//! amtool): see which routes an event fires and what each destination would get, before a real meeting.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use reqwest::Method;
use serde_json::json;

use super::access::{Access, runtime};
use super::{CliError, CliResult, load_config};
use crate::config::Config;
use crate::render::Renderer;
use crate::routing::{Route, RouteDocument};
use crate::service::chats::Caller;
use crate::service::routes::{
    Ctx, PreviewItem, PreviewRequest, ServiceError, TemplateInfo, TestReport,
};
use crate::store::{ImportReport, Message};

#[derive(Subcommand)]
pub enum RoutesCommand {
    /// List routes.
    List {
        #[arg(long)]
        app: Option<String>,
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print one route as a TOML route document.
    Show {
        name: String,
        #[arg(long)]
        account: String,
        #[arg(long, default_value = "default")]
        app: String,
    },
    /// Add the single route in FILE (TOML route document with one [[routes]] entry).
    Add { file: PathBuf },
    /// Replace a route with the one in --file, or edit it in $EDITOR.
    Edit {
        name: String,
        #[arg(long)]
        account: String,
        #[arg(long, default_value = "default")]
        app: String,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Remove a route.
    Remove {
        name: String,
        #[arg(long)]
        account: String,
        #[arg(long, default_value = "default")]
        app: String,
    },
    /// Upsert every route in FILE by (account, name); nothing is written unless all are valid.
    Import { file: PathBuf },
    /// Send a sample render of the route's event to every destination of the route (real
    /// deliveries, marked as tests; they show in `deliveries list --sent`).
    SendTest {
        name: String,
        #[arg(long)]
        account: String,
        #[arg(long, default_value = "default")]
        app: String,
    },
    /// Show which routes an event (a Zoom webhook body in JSON) fires and what each target would get.
    Test {
        event_file: PathBuf,
        #[arg(long, default_value = "default")]
        app: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum TemplatesCommand {
    /// List template keys and whether an account overrides them.
    List {
        #[arg(long)]
        account: String,
        #[arg(long, default_value = "default")]
        app: String,
    },
    /// Print a template's source (the account's override, else the default).
    Show {
        #[arg(long)]
        event: String,
        #[arg(long)]
        key: String,
        #[arg(long)]
        account: Option<String>,
        #[arg(long, default_value = "default")]
        app: String,
    },
    /// Set an account's override from FILE, after validating it against sample events.
    Set {
        file: PathBuf,
        #[arg(long)]
        event: String,
        #[arg(long)]
        key: String,
        #[arg(long)]
        account: String,
        #[arg(long, default_value = "default")]
        app: String,
    },
    /// Remove an account's override (the default applies again).
    Unset {
        #[arg(long)]
        event: String,
        #[arg(long)]
        key: String,
        #[arg(long)]
        account: String,
        #[arg(long, default_value = "default")]
        app: String,
    },
    /// Render a sample event for every channel, with a route's overrides if given.
    Preview {
        #[arg(long)]
        event: String,
        #[arg(long)]
        route: Option<String>,
        #[arg(long)]
        account: Option<String>,
        #[arg(long, default_value = "default")]
        app: String,
        #[arg(long)]
        topic: Option<String>,
    },
}

impl From<ServiceError> for CliError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(errs) => CliError::Usage(format!(
                "invalid:\n{}",
                errs.iter()
                    .map(|e| format!("  - {e}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )),
            other => CliError::Failed(other.to_string()),
        }
    }
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

fn to_value<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, CliError> {
    serde_json::to_value(v).map_err(|e| CliError::Failed(e.to_string()))
}

/// Runs `f` against the store directly or through the running relay's API.
fn with_access<T>(
    config: &Config,
    f: impl AsyncFnOnce(&Access, Option<&Ctx<'_>>) -> Result<T, CliError>,
) -> Result<T, CliError> {
    runtime()?.block_on(async {
        let access = Access::open(config).await?;
        let res = match &access {
            Access::Local(store) => {
                let renderer = Renderer::new().map_err(|e| CliError::Failed(e.to_string()))?;
                let ctx = Ctx {
                    store,
                    config,
                    renderer: &renderer,
                    // The CLI on the relay's own store is the operator.
                    caller: Caller::Operator,
                };
                let r = f(&access, Some(&ctx)).await;
                store
                    .flush_blocking()
                    .map_err(|e| CliError::Failed(e.to_string()))?;
                r
            }
            Access::Remote(_) => f(&access, None).await,
        };
        access.close().await?;
        res
    })
}

fn remote(access: &Access) -> &super::access::Remote {
    match access {
        Access::Remote(r) => r,
        Access::Local(_) => unreachable!("remote() on local access"),
    }
}

pub fn run_routes(config_path: Option<&Path>, cmd: RoutesCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    match cmd {
        RoutesCommand::List { app, account, json } => {
            let routes: Vec<Route> = with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.list(app.as_deref(), account.as_deref())?),
                None => {
                    let mut q = vec![];
                    if let Some(x) = &app {
                        q.push(("app", x.clone()));
                    }
                    if let Some(x) = &account {
                        q.push(("account", x.clone()));
                    }
                    remote(a).get("/routes", &q).await
                }
            })?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&routes).unwrap_or_default()
                );
            } else if routes.is_empty() {
                println!("no routes");
            } else {
                println!(
                    "{:<36}  {:<10}  {:<20}  {:<8}  {:<5}  EVENTS",
                    "NAME", "APP", "ACCOUNT", "ENABLED", "DESTS"
                );
                for r in routes {
                    println!(
                        "{:<36}  {:<10}  {:<20}  {:<8}  {:<5}  {}",
                        r.name,
                        r.app_id,
                        r.account_id,
                        r.enabled,
                        r.destinations.len(),
                        r.events.join(",")
                    );
                }
            }
            Ok(())
        }
        RoutesCommand::Show { name, account, app } => {
            let route: Route = with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.get(&app, &account, &name)?),
                None => {
                    remote(a)
                        .send(Method::GET, &["routes", &app, &account, &name], &[], None)
                        .await
                }
            })?;
            print!("{}", route_toml(&route)?);
            Ok(())
        }
        RoutesCommand::Add { file } => {
            let route = single_route(&file)?;
            let saved: Route = with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.add(route.clone())?),
                None => {
                    remote(a)
                        .send(Method::POST, &["routes"], &[], Some(to_value(&route)?))
                        .await
                }
            })?;
            println!(
                "added route `{}` for account {}",
                saved.name, saved.account_id
            );
            Ok(())
        }
        RoutesCommand::Edit {
            name,
            account,
            app,
            file,
        } => {
            let route = match file {
                Some(f) => single_route(&f)?,
                None => {
                    let current: Route = with_access(&config, async |a, ctx| match ctx {
                        Some(c) => Ok(c.get(&app, &account, &name)?),
                        None => {
                            remote(a)
                                .send(Method::GET, &["routes", &app, &account, &name], &[], None)
                                .await
                        }
                    })?;
                    edit_in_editor(&current)?
                }
            };
            let saved: Route = with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.replace(&app, &account, &name, route.clone())?),
                None => {
                    remote(a)
                        .send(
                            Method::PUT,
                            &["routes", &app, &account, &name],
                            &[],
                            Some(to_value(&route)?),
                        )
                        .await
                }
            })?;
            println!("saved route `{}`", saved.name);
            Ok(())
        }
        RoutesCommand::Remove { name, account, app } => {
            with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.remove(&app, &account, &name)?),
                None => remote(a)
                    .send::<serde_json::Value>(
                        Method::DELETE,
                        &["routes", &app, &account, &name],
                        &[],
                        None,
                    )
                    .await
                    .map(|_| ()),
            })?;
            println!("removed route `{name}`");
            Ok(())
        }
        RoutesCommand::SendTest { name, account, app } => {
            let sent: Vec<crate::service::routes::TestSent> =
                with_access(&config, async |a, ctx| match ctx {
                    Some(c) => Ok(c.send_test(&app, &account, &name)?),
                    None => {
                        remote(a)
                            .send(
                                Method::POST,
                                &["routes", &app, &account, &name, "send-test"],
                                &[],
                                None,
                            )
                            .await
                    }
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
        RoutesCommand::Import { file } => {
            let doc = parse_doc(&file)?;
            let report: ImportReport = with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.import(&doc)?),
                None => {
                    remote(a)
                        .send(Method::POST, &["routes/import"], &[], Some(to_value(&doc)?))
                        .await
                }
            })?;
            println!(
                "imported {}: {} created, {} updated",
                file.display(),
                report.created,
                report.updated
            );
            Ok(())
        }
        RoutesCommand::Test {
            event_file,
            app,
            json,
        } => {
            let body = read(&event_file)?;
            let report: TestReport = with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.test(&app, body.as_bytes())?),
                None => {
                    let v: serde_json::Value = serde_json::from_str(&body).map_err(|e| {
                        CliError::Usage(format!("{} is not JSON: {e}", event_file.display()))
                    })?;
                    remote(a)
                        .send(
                            Method::POST,
                            &["routes/test"],
                            &[("app", app.clone())],
                            Some(v),
                        )
                        .await
                }
            })?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                print_test_report(&report);
            }
            Ok(())
        }
    }
}

pub fn run_templates(config_path: Option<&Path>, cmd: TemplatesCommand) -> CliResult {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    match cmd {
        TemplatesCommand::List { account, app } => {
            let list: Vec<TemplateInfo> = with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.templates(&app, &account)?),
                None => {
                    remote(a)
                        .get(
                            "/templates",
                            &[("app", app.clone()), ("account", account.clone())],
                        )
                        .await
                }
            })?;
            println!("{:<18}  {:<14}  SOURCE", "EVENT", "KEY");
            for t in list {
                println!("{:<18}  {:<14}  {}", t.event, t.key, t.source);
            }
            Ok(())
        }
        TemplatesCommand::Show {
            event,
            key,
            account,
            app,
        } => {
            let source: String = with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.template_source(&app, account.as_deref(), &event, &key)?),
                None => {
                    let mut q = vec![
                        ("app", app.clone()),
                        ("event", event.clone()),
                        ("key", key.clone()),
                    ];
                    if let Some(acc) = &account {
                        q.push(("account", acc.clone()));
                    }
                    let v: serde_json::Value = remote(a).get("/templates/source", &q).await?;
                    Ok(v["source"].as_str().unwrap_or_default().to_string())
                }
            })?;
            print!("{source}");
            if !source.ends_with('\n') {
                println!();
            }
            Ok(())
        }
        TemplatesCommand::Set {
            file,
            event,
            key,
            account,
            app,
        } => {
            let source = read(&file)?;
            with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.set_template(&app, &account, &event, &key, &source)?),
                None => remote(a)
                    .send::<serde_json::Value>(
                        Method::PUT,
                        &["templates", &app, &account, &event, &key],
                        &[],
                        Some(json!({ "source": source })),
                    )
                    .await
                    .map(|_| ()),
            })?;
            println!("set {event}/{key} for account {account}");
            Ok(())
        }
        TemplatesCommand::Unset {
            event,
            key,
            account,
            app,
        } => {
            with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.remove_template(&app, &account, &event, &key)?),
                None => remote(a)
                    .send::<serde_json::Value>(
                        Method::DELETE,
                        &["templates", &app, &account, &event, &key],
                        &[],
                        None,
                    )
                    .await
                    .map(|_| ()),
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
        } => {
            let req = PreviewRequest {
                event,
                app,
                account,
                route,
                topic,
                ..PreviewRequest::default()
            };
            let items: Vec<PreviewItem> = with_access(&config, async |a, ctx| match ctx {
                Some(c) => Ok(c.preview(&req)?),
                None => {
                    remote(a)
                        .send(
                            Method::POST,
                            &["templates/preview"],
                            &[],
                            Some(to_value(&req)?),
                        )
                        .await
                }
            })?;
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
