//! `[security]`: the data key that seals secrets at rest and the admin token.

use std::fmt;
use std::path::PathBuf;

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::secret::Secrets;
use super::{Errors, limits};

#[derive(Clone)]
pub struct SecurityConfig {
    pub data_key: DataKey,
    pub admin_token: Option<SecretString>,
}

impl fmt::Debug for SecurityConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecurityConfig")
            .field("data_key", &"[REDACTED]")
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// 32 bytes that encrypt tokens at rest. Never printed.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl DataKey {
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    #[cfg(test)]
    pub(crate) fn for_tests(bytes: [u8; 32]) -> DataKey {
        DataKey(bytes)
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey([REDACTED])")
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSecurity {
    data_key: Option<String>,
    data_key_file: Option<PathBuf>,
    admin_token: Option<String>,
    admin_token_file: Option<PathBuf>,
}

/// `[security]` as far as it validated: the data key is None only when an error was recorded.
pub(super) struct Security {
    pub data_key: Option<DataKey>,
    pub admin_token: Option<SecretString>,
}

pub(super) fn validate(raw: RawSecurity, secrets: &Secrets<'_>, e: &mut Errors) -> Security {
    let data_key = match secrets.resolve(e, "security.data_key", raw.data_key, raw.data_key_file) {
        Some(s) => match base64::engine::general_purpose::STANDARD.decode(s.expose_secret().trim())
        {
            Ok(b) if b.len() == 32 && limits::weak_key_bytes(&b).is_some() => {
                e.push(
                    "security.data_key",
                    limits::weak_key_bytes(&b).unwrap_or_default(),
                    "run `zoom-relay keygen` and paste its data_key line",
                );
                None
            }
            Ok(b) if b.len() == 32 => {
                let mut k = [0u8; 32];
                k.copy_from_slice(&b);
                Some(DataKey(k))
            }
            _ => {
                e.push(
                    "security.data_key",
                    "must be 32 bytes encoded as base64",
                    "run `zoom-relay keygen` and paste its data_key line",
                );
                None
            }
        },
        None => {
            e.push(
                "security.data_key",
                "is missing; it encrypts OAuth tokens at rest",
                "run `zoom-relay keygen` and set data_key (or data_key_file, or RELAY_SECURITY__DATA_KEY)",
            );
            None
        }
    };
    let admin_token = secrets.resolve(
        e,
        "security.admin_token",
        raw.admin_token,
        raw.admin_token_file,
    );
    if let Some(t) = &admin_token
        && let Some(problem) = limits::weakness(t.expose_secret())
    {
        e.push(
            "security.admin_token",
            problem,
            "run `zoom-relay keygen` and use its admin_token line",
        );
    }
    Security {
        data_key,
        admin_token,
    }
}
