//! `[log]`: log format and filter.

use serde::Deserialize;

use super::Errors;

#[derive(Debug, Clone)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Pretty on a terminal, JSON otherwise.
    Auto,
    Pretty,
    Json,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLog {
    format: String,
    level: String,
}

pub(super) fn validate(raw: RawLog, e: &mut Errors) -> LogConfig {
    let format = match raw.format.as_str() {
        "auto" => LogFormat::Auto,
        "pretty" | "text" => LogFormat::Pretty,
        "json" => LogFormat::Json,
        other => {
            e.push(
                "log.format",
                format!("`{other}` is not a log format"),
                "use \"auto\", \"pretty\" or \"json\"",
            );
            LogFormat::Auto
        }
    };
    if tracing_subscriber::EnvFilter::try_new(&raw.level).is_err() {
        e.push(
            "log.level",
            format!("`{}` is not a log filter", raw.level),
            "use e.g. \"info\" or \"zoom_relay=debug,info\"",
        );
    }
    LogConfig {
        format,
        level: raw.level,
    }
}
