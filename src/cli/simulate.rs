//! `zoom-relay simulate <event>`: sends a sample event, signed exactly as Zoom signs, to a running
//! relay, prints its answer, then waits a few seconds for the deliveries the event makes and says
//! how each went, so that a newcomer sees the alert where they typed the command.

use std::path::Path;
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;

use super::access::runtime;
use super::manage::{Manage, with_manager};
use super::{CliError, CliResult, load_config};
use crate::dispatch::TestReport;
use crate::service::deliveries::{DeliveriesQuery, DeliveryView};
use crate::service::events::EventsQuery;
use crate::store::Message;
use crate::zoom::samples::{self, SampleParams};
use crate::zoom::{EventKind, Verifier};

#[derive(clap::Args)]
pub struct Args {
    /// One of meeting.created, meeting.started, meeting.ended, meeting.updated, meeting.deleted,
    /// app_deauthorized.
    event: String,
    /// The app id ([[zoom.apps]] or added at run time) whose Secret Token signs the request.
    #[arg(long, default_value = "default")]
    app: String,
    /// Seconds to wait for the deliveries the event makes (0 or --no-wait: do not wait).
    #[arg(long, default_value_t = 5, value_name = "SECS")]
    wait: u64,
    /// Print the relay's answer and return at once, without following the deliveries.
    #[arg(long)]
    no_wait: bool,
    /// The Zoom account ID (as `events list` and `tenants list` show it).
    #[arg(long, default_value = "demo-account")]
    account: String,
    /// The meeting topic to show in the sample.
    #[arg(long, default_value = "Community call")]
    topic: String,
    /// The Zoom meeting ID in the sample.
    #[arg(long, default_value_t = 85393847045)]
    meeting_id: u64,
    /// Meeting instance; reuse one to see dedup at work.
    #[arg(long)]
    uuid: Option<String>,
    /// Where to post. Default: http://{server.listen}/zoom/webhook/{app}.
    #[arg(long)]
    url: Option<String>,
    /// Sign with the Secret Token in this file instead of the config's: for an app added at run
    /// time (`zoom-relay apps`), whose token the relay keeps sealed.
    #[arg(long, value_name = "FILE")]
    secret_token_file: Option<std::path::PathBuf>,
}

pub fn simulate(config_path: Option<&Path>, args: Args) -> CliResult {
    let config = load_config(config_path)?;
    let token = match &args.secret_token_file {
        Some(f) => std::fs::read_to_string(f)
            .map(|t| t.trim().to_string())
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", f.display())))?,
        None => config
            .zoom
            .app(&args.app)
            .map(|a| a.secret_token.expose_secret().to_string())
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "--app {}: no such [[zoom.apps]] id in the config (have: {}); for an app added \
                     at run time, give its Secret Token with --secret-token-file",
                    args.app,
                    config
                        .zoom
                        .apps
                        .iter()
                        .map(|a| a.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
    };
    let app_id = args.app.clone();
    let kind = EventKind::parse(&args.event);
    let params_account = args.account.clone();
    let params = SampleParams {
        account_id: args.account,
        topic: args.topic,
        meeting_id: args.meeting_id,
        uuid: args.uuid,
        ..SampleParams::default()
    };
    let body = samples::sample(&kind, &params).ok_or_else(|| {
        CliError::Usage(format!(
            "no sample for `{}`; use one of: {}",
            args.event,
            samples::SIMULATED.join(", ")
        ))
    })?;
    let body = serde_json::to_vec(&body).map_err(|e| CliError::Failed(e.to_string()))?;
    let verifier = Verifier::new(token.as_bytes(), 0, 0);
    let ts = chrono::Utc::now().timestamp().to_string();
    let signature = verifier.sign(&ts, &body);
    let url = args.url.unwrap_or_else(|| {
        let listen = config.server.listen;
        let host = if listen.ip().is_unspecified() {
            format!("127.0.0.1:{}", listen.port())
        } else {
            listen.to_string()
        };
        format!("http://{host}/zoom/webhook/{app_id}")
    });
    let answer = post(&url, &ts, &signature, body.clone())?;
    let wait = if args.no_wait { 0 } else { args.wait };
    if wait == 0 {
        return Ok(());
    }
    if answer.get("duplicate") == Some(&serde_json::Value::Bool(true)) {
        println!(
            "The relay had this meeting instance (--uuid) already, so it sends nothing again."
        );
        return Ok(());
    }
    let sample: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| CliError::Failed(e.to_string()))?;
    let deadline = Instant::now() + Duration::from_secs(wait);
    let followed = with_manager(&config, async |m| {
        follow(m, &app_id, &params_account, &args.event, &sample, deadline).await
    });
    match followed {
        Ok((report, rows)) => report_outcomes(&kind, &report, &rows, wait),
        Err(CliError::Failed(e) | CliError::Usage(e)) => {
            eprintln!(
                "note: cannot follow the deliveries ({e}); `zoom-relay deliveries list --sent` shows them"
            );
            Ok(())
        }
    }
}

/// Which deliveries the event should make (a dry run on the same routes), then the deliveries
/// made, until each is settled (sent or failed) or the deadline passes. The relay stores an event
/// before it answers, so the newest event of the account is the one just posted.
async fn follow(
    m: &Manage,
    app: &str,
    account: &str,
    event: &str,
    sample: &serde_json::Value,
    deadline: Instant,
) -> Result<(TestReport, Vec<DeliveryView>), CliError> {
    let report = m.test_event(app, sample).await?;
    let mut rows = Vec::new();
    if report.deliveries.is_empty() {
        return Ok((report, rows));
    }
    let newest = m
        .events(&EventsQuery {
            app: Some(app.to_string()),
            account: Some(account.to_string()),
            limit: Some(1),
            ..EventsQuery::default()
        })
        .await?;
    let Some(ours) = newest.first().filter(|e| e.event == event).map(|e| e.seq) else {
        return Ok((report, rows));
    };
    let q = DeliveriesQuery {
        app: Some(app.to_string()),
        account: Some(account.to_string()),
        event: Some(event.to_string()),
        sent: true,
        limit: Some(1000),
        ..DeliveriesQuery::default()
    };
    loop {
        rows = m.deliveries(&q).await?;
        rows.retain(|r| r.event_seq == ours);
        let settled = rows.iter().filter(|r| r.state != "pending").count();
        if settled >= report.deliveries.len() || Instant::now() >= deadline {
            return Ok((report, rows));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Each expected delivery in plain words, with the alert itself; exit 1 when one failed.
fn report_outcomes(
    kind: &EventKind,
    report: &TestReport,
    rows: &[DeliveryView],
    wait: u64,
) -> CliResult {
    if let Some(why) = &report.unroutable {
        println!("{}: not routed: {why}", kind.plain());
        return Ok(());
    }
    if report.deliveries.is_empty() {
        println!(
            "{}: no route matches this event, so nothing is sent. `zoom-relay routes list` shows the routes.",
            kind.plain()
        );
        return Ok(());
    }
    println!(
        "{}: {} route(s) fire: {}",
        kind.plain(),
        report.routes_matched.len(),
        report.routes_matched.join(", ")
    );
    let mut failed = 0;
    for d in &report.deliveries {
        let row = rows
            .iter()
            .find(|r| r.route == d.route && r.target == d.target);
        let outcome = match row {
            Some(r) if r.state == "sent" => "sent".to_string(),
            Some(r) if r.state == "dead" => {
                failed += 1;
                format!(
                    "FAILED: {}",
                    r.detail.as_deref().unwrap_or("no reason given")
                )
            }
            Some(r) if r.attempts > 0 => format!(
                "not sent yet, will retry: {}",
                r.detail.as_deref().unwrap_or("")
            ),
            _ => format!("still queued after {wait} s"),
        };
        println!("- {} (route \"{}\"): {outcome}", d.target, d.route);
        println!("    {}", alert_line(&d.message));
    }
    if rows.iter().any(|r| r.state == "pending") || rows.len() < report.deliveries.len() {
        println!("`zoom-relay deliveries list --sent` shows how they go on.");
    }
    if failed > 0 {
        return Err(CliError::Failed(format!(
            "{failed} delivery(ies) failed; `zoom-relay deliveries list --failed` shows why"
        )));
    }
    Ok(())
}

/// The alert as one short line: a log line as written, Telegram without its markup, an email's
/// subject, a webhook's JSON.
fn alert_line(m: &Message) -> String {
    let text = match m {
        Message::Log { text } => text.clone(),
        Message::Telegram { html } => strip_tags(html),
        Message::Email { subject, .. } => format!("Subject: {subject}"),
        Message::Webhook { json } => json.clone(),
    };
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Posts the signed sample, prints the relay's answer and returns it (JSON, or null).
fn post(
    url: &str,
    ts: &str,
    signature: &str,
    body: Vec<u8>,
) -> Result<serde_json::Value, CliError> {
    runtime()?.block_on(async {
        let resp = reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json; charset=utf-8")
            .header("user-agent", "Zoom Marketplace/1.0a (zoom-relay simulate)")
            .header("x-zm-request-timestamp", ts)
            .header("x-zm-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| {
                CliError::Failed(format!(
                    "cannot reach {url}: {e}. Is `zoom-relay serve` running?"
                ))
            })?;
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        println!("POST {url} -> {status}");
        println!("{text}");
        if status.is_success() {
            Ok(serde_json::from_str(&text).unwrap_or_default())
        } else {
            Err(CliError::Failed(format!("the relay answered {status}")))
        }
    })
}
