//! `zoom-relay serve`: run until SIGINT or SIGTERM, then stop gracefully.

use std::path::Path;

use std::net::SocketAddr;

use super::{CliError, CliResult, load_config};
use crate::config::ConfigSource;
use crate::telemetry;

pub fn serve(config_path: Option<&Path>) -> CliResult {
    let config = load_config(config_path)?;
    crate::check_seed_routes(&config).map_err(CliError::Usage)?;
    telemetry::init(&config.log);
    for w in config.warnings() {
        tracing::warn!("{w}");
    }
    // Idle sockets should hit the connection caps (which answer) before the descriptor limit
    // (which makes accept fail for Zoom too); a soft limit of 256 or 1024 is common.
    if let Some(n) = crate::http::server::raise_fd_limit() {
        let l = &config.server.limits;
        // Connections plus a margin for the store, logs and outgoing requests.
        let wanted = (l.max_connections + l.webhook_reserved_connections + 128) as u64;
        if n < wanted {
            tracing::warn!(
                nofile = n,
                wanted,
                "the open file limit is below server.max_connections + server.webhook_reserved_connections + 128; raise it (ulimit -n, LimitNOFILE=) or lower server.max_connections"
            );
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))?;
    rt.block_on(async move {
        // Installed before anything starts: a SIGTERM that arrives while the store opens, or just
        // after /readyz first answers, must stop the relay gracefully, not kill it (found by the
        // benchmark, which stops the relay right after it is ready).
        let shutdown = shutdown_signal()
            .map_err(|e| CliError::Failed(format!("cannot install signal handlers: {e}")))?;
        let listen = config.server.listen;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| CliError::Failed(bind_failed(&config, &e)))?;
        let app = crate::run(config, listener)
            .await
            .map_err(|e| CliError::Failed(format!("{e:#}")))?;
        let token = app.shutdown_token();
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutdown requested; finishing in-flight requests");
            token.cancel();
        });
        app.wait().await.map_err(CliError::from)
    })
}

/// Why `serve` cannot listen and what to change. In demo mode there is no file to edit, so the
/// fix names the environment variable.
fn bind_failed(config: &crate::config::Config, e: &std::io::Error) -> String {
    let listen = config.server.listen;
    let other = SocketAddr::new(listen.ip(), listen.port().wrapping_add(1).max(1024));
    let change = match &config.source {
        ConfigSource::EmbeddedExample => {
            format!(
                "pick another port: `export RELAY_SERVER__LISTEN={other}` (so that `simulate` finds the relay there too) and start again"
            )
        }
        ConfigSource::File(p) => format!(
            "change server.listen in {} (or set RELAY_SERVER__LISTEN={other})",
            p.display()
        ),
    };
    let what = if e.kind() == std::io::ErrorKind::AddrInUse {
        format!("{listen} is in use (is another relay running?)")
    } else {
        format!("cannot listen on {listen}: {e}")
    };
    format!("{what}. Fix: stop what uses it, or {change}")
}

/// Registers the SIGINT and SIGTERM handlers now, and resolves on the first of them. Must be called
/// inside the runtime.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut int = signal(SignalKind::interrupt())?;
        let mut term = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async move {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
