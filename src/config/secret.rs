//! Secrets in the config: a value, a `_file` next to the key, or a `"${ENV}"` reference.

use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::Errors;

/// What secret resolution needs: the config file's directory (for relative `_file` paths) and the
/// environment (for `${NAME}` values).
pub(super) struct Secrets<'a> {
    pub base_dir: &'a Path,
    pub env: &'a [(String, String)],
}

impl Secrets<'_> {
    /// Resolves a secret from `key`, `key_file` or `"${ENV}"`. `None` means absent or wrong; a
    /// wrong one has its error recorded.
    pub fn resolve(
        &self,
        errs: &mut Errors,
        key: &str,
        value: Option<String>,
        file: Option<PathBuf>,
    ) -> Option<SecretString> {
        match (value, file) {
            (Some(_), Some(_)) => {
                errs.push(
                    key,
                    format!("both `{key}` and `{key}_file` are set"),
                    "keep only one of them",
                );
                None
            }
            (None, Some(path)) => {
                let path = if path.is_relative() {
                    self.base_dir.join(path)
                } else {
                    path
                };
                match std::fs::read_to_string(&path) {
                    Ok(s) if !s.trim().is_empty() => Some(SecretString::from(s.trim().to_string())),
                    Ok(_) => {
                        errs.push(
                            format!("{key}_file"),
                            format!("{} is empty", path.display()),
                            "write the secret into that file",
                        );
                        None
                    }
                    Err(e) => {
                        errs.push(
                            format!("{key}_file"),
                            format!("cannot read {}: {e}", path.display()),
                            "point it at a readable file holding only the secret",
                        );
                        None
                    }
                }
            }
            (Some(v), None) => {
                if let Some(name) = v.strip_prefix("${").and_then(|s| s.strip_suffix('}')) {
                    match self.env.iter().find(|(k, _)| k == name) {
                        Some((_, val)) if !val.is_empty() => Some(SecretString::from(val.clone())),
                        _ => {
                            errs.push(
                                key,
                                format!(
                                    "refers to the environment variable {name}, which is not set"
                                ),
                                format!("export {name}, or set the value directly"),
                            );
                            None
                        }
                    }
                } else if v.is_empty() {
                    None
                } else {
                    Some(SecretString::from(v))
                }
            }
            (None, None) => None,
        }
    }
}
