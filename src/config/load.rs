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
        .map_err(|e| ConfigError::Parse(describe_figment_error(e, &file_name, text)))?;
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

/// Figment's errors in the words of the file: the key with its section, the file and line (with
/// the line itself and a caret, as routes files get from `toml`), one list of the keys the
/// section accepts, and the closest of them when the key looks like a typo.
fn describe_figment_error(e: figment::Error, file: &str, text: &str) -> String {
    let mut out = Vec::new();
    for err in e {
        let mut section: Vec<&str> = err.path.iter().map(String::as_str).collect();
        // Figment's path to an unknown key ends with the key itself.
        if let figment::error::Kind::UnknownField(found, _) = &err.kind
            && section.last() == Some(&found.as_str())
        {
            section.pop();
        }
        // A TOML string provider is the file (the embedded defaults never hold a wrong key).
        let origin = err
            .metadata
            .as_ref()
            .map(|m| m.name.to_string())
            .filter(|n| n != "TOML source string")
            .unwrap_or_else(|| file.to_string());
        let (key, problem, fix) = match &err.kind {
            figment::error::Kind::UnknownField(found, expected) => {
                let mut fix = match closest(found, expected) {
                    Some(near) => format!("did you mean `{near}`? "),
                    None => String::new(),
                };
                fix.push_str(&format!(
                    "{} accepts: {}",
                    section_name(&section),
                    expected.join(", ")
                ));
                let key = joined(&section, found);
                (key, "unknown key".to_string(), fix)
            }
            figment::error::Kind::MissingField(name) => (
                joined(&section, name),
                "missing".to_string(),
                "add it; relay.example.toml documents every key".to_string(),
            ),
            kind => (
                section
                    .split_last()
                    .map(|(k, table)| joined(table, k))
                    .unwrap_or_default(),
                kind.to_string(),
                "see relay.example.toml for the expected type and an example".to_string(),
            ),
        };
        // The table and key to look for in the file: an unknown key's own, else the value's.
        let lookup = match &err.kind {
            figment::error::Kind::UnknownField(found, _) => Some((&section[..], found.as_str())),
            figment::error::Kind::MissingField(_) => None,
            _ => section.split_last().map(|(k, table)| (table, *k)),
        };
        let last = lookup.map(|(_, k)| k).unwrap_or_default();
        let at = match lookup {
            Some((table, k)) if origin == file => find_key(text, table, k),
            _ => None,
        };
        let place = match at {
            Some((line, _)) => format!("{origin}, line {line}"),
            None => origin.clone(),
        };
        let key = if key.is_empty() {
            "(top level)".to_string()
        } else {
            key
        };
        let mut entry = format!("  - `{key}` ({place}): {problem}. Fix: {fix}");
        if let Some((line, source)) = at {
            let width = line.to_string().len();
            let col = source.len() - source.trim_start().len();
            entry.push_str(&format!(
                "\n      {:width$} |\n      {line} | {source}\n      {:width$} | {}{}",
                "",
                "",
                " ".repeat(col),
                "^".repeat(last.len().max(1)),
            ));
        }
        out.push(entry);
    }
    format!("invalid configuration:\n{}", out.join("\n"))
}

/// `a.b` and `c` as `a.b.c`; array indices as `[0]`.
fn joined(section: &[&str], key: &str) -> String {
    let mut out = String::new();
    for part in section.iter().copied().chain(std::iter::once(key)) {
        if part.parse::<usize>().is_ok() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
}

fn section_name(section: &[&str]) -> String {
    if section.is_empty() {
        "the top level".to_string()
    } else {
        let names: Vec<&str> = section
            .iter()
            .copied()
            .filter(|p| p.parse::<usize>().is_err())
            .collect();
        format!("[{}]", names.join("."))
    }
}

/// The line number (from 1) and text of `key` in `section` of a TOML text, found by reading
/// headers (`[a.b]`, `[[a.b]]`, counted for the index figment puts in the path) and `key =` lines.
/// Keys written inline or dotted are not found; the message then has no line.
fn find_key(text: &str, section: &[&str], key: &str) -> Option<(usize, String)> {
    let want = section.join(".");
    let mut current = String::new();
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = counts.entry(name.clone()).or_insert(0);
            current = format!("{name}.{n}");
            *n += 1;
        } else if let Some(name) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
            current = name.trim().to_string();
        } else if current == want
            && let Some((k, _)) = t.split_once('=')
            && k.trim().trim_matches('"') == key
        {
            return Some((i + 1, line.to_string()));
        }
    }
    None
}

/// The accepted key nearest to a typo, when it is near enough to be what was meant.
fn closest<'a>(found: &str, expected: &'a [&'static str]) -> Option<&'a str> {
    expected
        .iter()
        .map(|e| (edit_distance(found, e), *e))
        .filter(|(d, e)| *d <= 2.max(e.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, e)| e)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_is_matched_to_the_key_meant() {
        let keys = ["listen", "public_url", "data_dir"];
        assert_eq!(closest("listn", &keys), Some("listen"));
        assert_eq!(closest("publc_url", &keys), Some("public_url"));
        assert_eq!(closest("colour", &keys), None);
    }

    #[test]
    fn keys_are_found_in_their_section_and_array_entry() {
        let text =
            "[server]\nlisten = 1\n\n[[zoom.apps]]\nid = \"a\"\n\n[[zoom.apps]]\n  idd = \"b\"\n";
        assert_eq!(find_key(text, &["server"], "listen").unwrap().0, 2);
        assert_eq!(find_key(text, &["zoom", "apps", "1"], "idd").unwrap().0, 8);
        assert_eq!(find_key(text, &["zoom", "apps", "0"], "idd"), None);
        assert_eq!(joined(&["zoom", "apps", "1"], "idd"), "zoom.apps[1].idd");
    }
}
