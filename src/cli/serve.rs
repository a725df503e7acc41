//! `zoom-relay serve`: run until SIGINT or SIGTERM, then stop gracefully.

use std::path::Path;

use super::{CliError, CliResult, load_config};
use crate::telemetry;

pub fn serve(config_path: Option<&Path>) -> CliResult {
    let config = load_config(config_path)?;
    telemetry::init(&config.log);
    for w in config.warnings() {
        tracing::warn!("{w}");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))?;
    rt.block_on(async move {
        let listen = config.server.listen;
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
            CliError::Failed(format!(
                "cannot listen on {listen}: {e}. Fix: free the port or change server.listen"
            ))
        })?;
        let app = crate::run(config, listener)
            .await
            .map_err(|e| CliError::Failed(format!("{e:#}")))?;
        let token = app.shutdown_token();
        tokio::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutdown requested; finishing in-flight requests");
            token.cancel();
        });
        app.wait().await.map_err(CliError::from)
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("install SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
