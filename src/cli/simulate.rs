//! `zoom-relay simulate <event>`: sends a sample event, signed exactly as Zoom signs, to a running
//! relay and prints its answer.

use std::path::Path;

use secrecy::ExposeSecret;

use super::access::runtime;
use super::{CliError, CliResult, load_config};
use crate::zoom::samples::{self, SampleParams};
use crate::zoom::{EventKind, Verifier};

#[derive(clap::Args)]
pub struct Args {
    /// One of meeting.created, meeting.started, meeting.ended, meeting.updated, meeting.deleted,
    /// app_deauthorized.
    event: String,
    /// The [[zoom.apps]] id whose Secret Token signs the request.
    #[arg(long, default_value = "default")]
    app: String,
    #[arg(long, default_value = "demo-account")]
    account: String,
    #[arg(long, default_value = "Community call")]
    topic: String,
    #[arg(long, default_value_t = 85393847045)]
    meeting_id: u64,
    /// Meeting instance; reuse one to see dedup at work.
    #[arg(long)]
    uuid: Option<String>,
    /// Where to post. Default: http://{server.listen}/zoom/webhook/{app}.
    #[arg(long)]
    url: Option<String>,
}

pub fn simulate(config_path: Option<&Path>, args: Args) -> CliResult {
    let config = load_config(config_path)?;
    let app = config.zoom.app(&args.app).ok_or_else(|| {
        CliError::Usage(format!(
            "--app {}: no such [[zoom.apps]] id in the config (have: {})",
            args.app,
            config
                .zoom
                .apps
                .iter()
                .map(|a| a.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let kind = EventKind::parse(&args.event);
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
    let verifier = Verifier::new(app.secret_token.expose_secret().as_bytes(), 0, 0);
    let ts = chrono::Utc::now().timestamp().to_string();
    let signature = verifier.sign(&ts, &body);
    let url = args.url.unwrap_or_else(|| {
        let listen = config.server.listen;
        let host = if listen.ip().is_unspecified() {
            format!("127.0.0.1:{}", listen.port())
        } else {
            listen.to_string()
        };
        format!("http://{host}/zoom/webhook/{}", app.id)
    });
    runtime()?.block_on(async {
        let resp = reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/json; charset=utf-8")
            .header("user-agent", "Zoom Marketplace/1.0a (zoom-relay simulate)")
            .header("x-zm-request-timestamp", &ts)
            .header("x-zm-signature", &signature)
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
            Ok(())
        } else {
            Err(CliError::Failed(format!("the relay answered {status}")))
        }
    })
}
