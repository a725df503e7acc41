//! Logging: human-readable on a terminal, JSON when configured (or when not on a terminal in `auto`).
//! Logs go to stderr so CLI output on stdout stays clean. `RELAY_LOG` overrides the configured level.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::{LogConfig, LogFormat};

/// Handlebars logs helper parameters (context values: join links with `pwd=`, unsubscribe URLs)
/// at debug level. It is built with `no_logging`, and its target is also silenced here whatever
/// `RELAY_LOG` or the config asks for, so no future feature flip can bring those lines back.
pub const QUIET_TARGETS: &str = "handlebars=off";

/// `filter` with [`QUIET_TARGETS`] forced on.
pub fn with_quiet_targets(filter: EnvFilter) -> EnvFilter {
    filter.add_directive(QUIET_TARGETS.parse().expect("a valid directive"))
}

pub fn init(cfg: &LogConfig) {
    let filter = std::env::var("RELAY_LOG")
        .ok()
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| EnvFilter::new(&cfg.level));
    let filter = with_quiet_targets(filter);
    let json = match cfg.format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => !std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let res = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init()
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
    };
    // A second init (tests, or CLI verbs run in-process) keeps the first subscriber.
    let _ = res;
}

/// Minimal logging for CLI verbs that run before or without a config.
pub fn init_cli() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(with_quiet_targets(
            EnvFilter::try_from_env("RELAY_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        ))
        .with_writer(std::io::stderr)
        .try_init();
}
