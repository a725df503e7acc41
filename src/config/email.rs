//! `[email]`: the SMTP server and sender address for email delivery.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::Errors;
use super::secret::Secrets;

#[derive(Debug, Clone)]
pub struct EmailConfig {
    pub smtp_url: SecretString,
    pub from: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEmail {
    smtp_url: Option<String>,
    smtp_url_file: Option<PathBuf>,
    from: Option<String>,
}

/// Validates `[email]` when present; None when it is absent or wrong (the error is recorded).
pub(super) fn validate(
    raw: Option<RawEmail>,
    secrets: &Secrets<'_>,
    e: &mut Errors,
) -> Option<EmailConfig> {
    raw.and_then(|m| {
        let url = secrets.resolve(e, "email.smtp_url", m.smtp_url, m.smtp_url_file);
        if let Some(u) = &url {
            let ok = reqwest::Url::parse(u.expose_secret())
                .map(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host().is_some())
                .unwrap_or(false);
            if !ok {
                e.push(
                    "email.smtp_url",
                    "is not an smtp:// or smtps:// URL",
                    "use e.g. \"smtp://user:pass@mail.example.org:587?tls=required\"",
                );
            }
        }
        let from = m.from.filter(|f| f.contains('@'));
        if from.is_none() {
            e.push(
                "email.from",
                "is missing or has no address",
                "set e.g. \"Meeting alerts <alerts@example.org>\"",
            );
        }
        match (url, from) {
            (Some(smtp_url), Some(from)) => Some(EmailConfig { smtp_url, from }),
            (None, _) => {
                e.push(
                    "email.smtp_url",
                    "is missing while [email] is present",
                    "set smtp_url, or remove the [email] section",
                );
                None
            }
            _ => None,
        }
    })
}
