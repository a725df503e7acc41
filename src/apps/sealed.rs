//! The secrets of a stored app at rest: each sealed with `security.data_key` (XChaCha20-Poly1305,
//! `crypto::seal`) and bound to the app id and the field, so a sealed value copied into another
//! app's record, or into another field, does not open.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::SecretString;

use crate::config::{AppDefaults, ZoomApp};
use crate::crypto;
use crate::store::apps::StoredApp;
use crate::zoom::{Keys, Verifier};

/// The fields that hold a secret.
pub const CLIENT_SECRET: &str = "client_secret";
pub const SECRET_TOKEN: &str = "secret_token";

fn aad(app_id: &str, field: &str) -> Vec<u8> {
    format!("zoom-relay app {app_id} {field}").into_bytes()
}

/// `plaintext` sealed for `field` of app `app_id`, base64, as the record keeps it.
pub fn seal_secret(key: &[u8; 32], app_id: &str, field: &str, plaintext: &str) -> String {
    STANDARD.encode(crypto::seal(key, &aad(app_id, field), plaintext.as_bytes()))
}

fn open_secret(key: &[u8; 32], app_id: &str, field: &str, sealed: &str) -> Result<String, String> {
    let bytes = STANDARD
        .decode(sealed)
        .map_err(|_| format!("{field} is not base64"))?;
    let plain =
        crypto::open(key, &aad(app_id, field), &bytes).map_err(|e| format!("{field}: {e}"))?;
    String::from_utf8(plain).map_err(|_| format!("{field} is not text"))
}

/// The app a record describes, with `[zoom.app_defaults]` for what the record leaves out, and the
/// secrets given (opened, or placeholders where only whether they are set matters).
pub fn with_defaults(
    rec: &StoredApp,
    d: &AppDefaults,
    client_secret: Option<SecretString>,
    secret_token: SecretString,
) -> ZoomApp {
    ZoomApp {
        id: rec.id.clone(),
        client_id: rec.client_id.clone(),
        client_secret,
        secret_token,
        oauth_url: rec.oauth_url.clone().unwrap_or_else(|| d.oauth_url.clone()),
        api_url: rec.api_url.clone().unwrap_or_else(|| d.api_url.clone()),
        timestamp_tolerance_secs: d.timestamp_tolerance_secs,
        timestamp_future_tolerance_secs: d.timestamp_future_tolerance_secs,
        allow_marketplace_installs: d.allow_marketplace_installs,
        user_managed: rec.user_managed.unwrap_or(d.user_managed),
    }
}

/// The app a record describes, with its defaults filled in and its secrets opened, and the keys
/// it verifies webhooks with (the previous secret token too, until its overlap ends).
pub fn open_app(
    key: &[u8; 32],
    d: &AppDefaults,
    rec: &StoredApp,
) -> Result<(ZoomApp, Keys), String> {
    let token = open_secret(key, &rec.id, SECRET_TOKEN, &rec.secret_token)?;
    let client_secret = rec
        .client_secret
        .as_deref()
        .map(|s| open_secret(key, &rec.id, CLIENT_SECRET, s))
        .transpose()?;
    let zoom = with_defaults(
        rec,
        d,
        client_secret.map(SecretString::from),
        SecretString::from(token.clone()),
    );
    let v = |t: &str| {
        Verifier::new(
            t.as_bytes(),
            zoom.timestamp_tolerance_secs,
            zoom.timestamp_future_tolerance_secs,
        )
    };
    let mut keys = Keys::new(v(&token));
    if let (Some(prev), Some(until_ms)) = (&rec.previous_secret_token, rec.previous_until_ms) {
        let prev = open_secret(key, &rec.id, SECRET_TOKEN, prev)?;
        keys = keys.with_previous(v(&prev), until_ms.saturating_add(999).div_euclid(1000));
    }
    Ok((zoom, keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_for_its_app_and_field() {
        let key = [3u8; 32];
        let s = seal_secret(&key, "a", SECRET_TOKEN, "token-value");
        assert!(!s.contains("token-value"));
        assert_eq!(
            open_secret(&key, "a", SECRET_TOKEN, &s).unwrap(),
            "token-value"
        );
        assert!(open_secret(&key, "b", SECRET_TOKEN, &s).is_err());
        assert!(open_secret(&key, "a", CLIENT_SECRET, &s).is_err());
        assert!(open_secret(&[4u8; 32], "a", SECRET_TOKEN, &s).is_err());
    }
}
