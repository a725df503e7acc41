//! Loading: find the file, layer defaults, file and `RELAY_*` env with figment, then validate.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Format, Toml};

use super::{Config, ConfigError, ConfigSource, DEFAULTS, EXAMPLE_CONFIG, Raw, validate};

/// Where to find the config: an explicit path must exist; without one, `./relay.toml` is used if it
/// exists, else the embedded example (demo mode).
pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
    let env = std::env::vars().collect::<Vec<_>>();
    load_with_env(path, &env)
}

/// Like [`load`], with the environment passed in so tests need not mutate the process env.
pub fn load_with_env(path: Option<&Path>, env: &[(String, String)]) -> Result<Config, ConfigError> {
    let (text, source) = match path {
        Some(p) => (read(p)?, ConfigSource::File(p.to_path_buf())),
        None => {
            let default = Path::new("relay.toml");
            if default.exists() {
                (read(default)?, ConfigSource::File(default.to_path_buf()))
            } else {
                (EXAMPLE_CONFIG.to_string(), ConfigSource::EmbeddedExample)
            }
        }
    };
    from_toml_str(&text, source, env)
}

fn read(p: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
        path: p.to_path_buf(),
        source,
    })
}

/// Parses and validates a config document. `env` supplies `RELAY_*` overrides and `${NAME}` values.
pub fn from_toml_str(
    text: &str,
    source: ConfigSource,
    env: &[(String, String)],
) -> Result<Config, ConfigError> {
    let file_name = match &source {
        ConfigSource::File(p) => p.display().to_string(),
        ConfigSource::EmbeddedExample => "relay.example.toml (embedded)".to_string(),
    };
    // `RELAY_CONFIG` is the CLI's --config, not a key.
    let overrides: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| k.starts_with("RELAY_") && k != "RELAY_CONFIG" && k != "RELAY_LOG")
        .cloned()
        .collect();
    let figment = Figment::new()
        .merge(Toml::string(DEFAULTS))
        .merge(Toml::string(text))
        .merge(EnvSnapshot(overrides));
    let raw: Raw = figment
        .extract()
        .map_err(|e| ConfigError::Parse(describe_figment_error(e, &file_name)))?;
    let base_dir = match &source {
        ConfigSource::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
        ConfigSource::EmbeddedExample => PathBuf::new(),
    };
    validate(raw, source, &base_dir, env)
}

/// Figment's env provider reads the process env; tests pass their own, so this provider serves a
/// snapshot through the same key mapping (`RELAY_A__B` -> `a.b`).
struct EnvSnapshot(Vec<(String, String)>);

impl figment::Provider for EnvSnapshot {
    fn metadata(&self) -> figment::Metadata {
        figment::Metadata::named("environment variable(s) RELAY_*")
    }

    fn data(
        &self,
    ) -> Result<figment::value::Map<figment::Profile, figment::value::Dict>, figment::Error> {
        let mut dict = figment::value::Dict::new();
        for (k, v) in &self.0 {
            let path = k["RELAY_".len()..].to_ascii_lowercase().replace("__", ".");
            let value: figment::value::Value = v.parse().unwrap_or_else(|_| v.clone().into());
            let nested = path.rsplit('.').fold(value, |acc, part| {
                let mut d = figment::value::Dict::new();
                d.insert(part.to_string(), acc);
                d.into()
            });
            if let figment::value::Value::Dict(_, d) = nested {
                merge_dict(&mut dict, d);
            }
        }
        Ok(figment::Profile::Default.collect(dict))
    }
}

fn merge_dict(into: &mut figment::value::Dict, from: figment::value::Dict) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(figment::value::Value::Dict(_, a)), figment::value::Value::Dict(_, b)) => {
                merge_dict(a, b)
            }
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

fn describe_figment_error(e: figment::Error, file: &str) -> String {
    let mut out = Vec::new();
    for err in e {
        let key = if err.path.is_empty() {
            "(top level)".to_string()
        } else {
            err.path.join(".")
        };
        let origin = err
            .metadata
            .as_ref()
            .map(|m| m.name.to_string())
            .unwrap_or_else(|| file.to_string());
        let fix = match &err.kind {
            figment::error::Kind::UnknownField(_, expected) => format!(
                "remove or rename it; this section accepts: {}",
                expected.join(", ")
            ),
            figment::error::Kind::MissingField(_) => {
                "add it; relay.example.toml documents every key".to_string()
            }
            _ => "see relay.example.toml for the expected type and an example".to_string(),
        };
        out.push(format!("  - `{key}` ({origin}): {}. Fix: {fix}", err.kind));
    }
    format!("invalid configuration:\n{}", out.join("\n"))
}
