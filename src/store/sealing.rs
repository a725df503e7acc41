//! Webhook signing secrets sealed at rest, as OAuth tokens are.
//!
//! A route's `whsec_` secret lets anyone who reads it forge the relay's signed webhooks to that
//! organizer's receiver, so it is stored as `sealed:v1:<base64>`: XChaCha20-Poly1305 under
//! `security.data_key` ([`crate::crypto::seal`]), bound to the route's tenant so a blob copied into
//! another tenant's route does not open. Reads open it transparently; routes stored in plaintext by
//! an older version are sealed when the store opens ([`Store::seal_plaintext_secrets`]).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{Store, StoreError, decode, encode};
use crate::routing::{Destination, Route};

/// Marks a sealed value; anything else is read as plaintext (a store from before sealing). Job
/// secrets carry the same marker.
pub const PREFIX: &str = crate::crypto::job_secret::PREFIX;

fn aad(app_id: &str, account_id: &str) -> Vec<u8> {
    format!("zoom-relay webhook secret\0{app_id}\0{account_id}").into_bytes()
}

/// `sealed:v1:<base64>` of `secret`, bound to the tenant.
pub fn seal_secret(key: &[u8; 32], app_id: &str, account_id: &str, secret: &str) -> String {
    let blob = crate::crypto::seal(key, &aad(app_id, account_id), secret.as_bytes());
    format!("{PREFIX}{}", STANDARD.encode(blob))
}

/// The plaintext of a stored secret: sealed ones are opened, plaintext ones returned as they are.
pub fn open_secret(
    key: Option<&[u8; 32]>,
    app_id: &str,
    account_id: &str,
    stored: &str,
) -> Result<String, crate::crypto::OpenError> {
    let Some(b64) = stored.strip_prefix(PREFIX) else {
        return Ok(stored.to_string());
    };
    let key = key.ok_or(crate::crypto::OpenError)?;
    let blob = STANDARD.decode(b64).map_err(|_| crate::crypto::OpenError)?;
    let plain = crate::crypto::open(key, &aad(app_id, account_id), &blob)?;
    String::from_utf8(plain).map_err(|_| crate::crypto::OpenError)
}

/// A copy of `route` with every webhook secret sealed (when a key is configured).
pub(crate) fn seal_route(key: Option<&[u8; 32]>, route: &Route) -> Route {
    let mut r = route.clone();
    if let Some(key) = key {
        for d in &mut r.destinations {
            if let Destination::Webhook { secret, .. } = d
                && !secret.starts_with(PREFIX)
            {
                *secret = seal_secret(key, &route.app_id, &route.account_id, secret);
            }
        }
    }
    r
}

/// `route` with its webhook secrets opened. A secret that does not open (the data key changed)
/// is left sealed: sending then fails for that destination with a message to set a new secret,
/// and every other route keeps working.
pub(crate) fn open_route(key: Option<&[u8; 32]>, mut route: Route) -> Route {
    let (app, account) = (route.app_id.clone(), route.account_id.clone());
    for d in &mut route.destinations {
        if let Destination::Webhook { secret, .. } = d {
            match open_secret(key, &app, &account, secret) {
                Ok(plain) => *secret = plain,
                Err(_) => tracing::warn!(
                    app_id = %app,
                    route = %route.name,
                    "a webhook secret does not open with security.data_key; set a new secret on the route"
                ),
            }
        }
    }
    route
}

// ---------------------------------------------------------------------------------------------
// Queued and historical jobs: a target's secret is sealed by `crypto::job_secret` (the
// `#[serde(with)]` of `Target::Webhook::secret`) under the data keys registered here.

use crate::crypto::job_secret::register_key as register_job_key;

/// True when the route holds a webhook secret in plaintext.
fn has_plaintext_secret(route: &Route) -> bool {
    route
        .destinations
        .iter()
        .any(|d| matches!(d, Destination::Webhook { secret, .. } if !secret.starts_with(PREFIX)))
}

impl Store {
    /// Migration: seals webhook secrets that an older version stored in plaintext. Runs at open
    /// when a data key is configured; a no-op once everything is sealed.
    pub(crate) fn seal_plaintext_secrets(&self) -> Result<usize, StoreError> {
        let Some(key) = self.inner.data_key.as_ref() else {
            return Ok(0);
        };
        register_job_key(*key);
        let mut sealed = 0;
        // Jobs: decoding and encoding again seals the target's secret (target_secret).
        let needle: &[u8] = b"\"secret\":\"whsec_";
        for (tree, kind) in [
            (&self.inner.outbox, 0u8),
            (&self.inner.dead, 1),
            (&self.inner.sent, 2),
        ] {
            for kv in tree.iter() {
                let (k, v) = kv?;
                if !v.windows(needle.len()).any(|w| w == needle) {
                    continue;
                }
                let again = match kind {
                    0 => serde_json::from_slice::<super::Job>(&v)
                        .and_then(|j| serde_json::to_vec(&j)),
                    1 => serde_json::from_slice::<super::DeadJob>(&v)
                        .and_then(|j| serde_json::to_vec(&j)),
                    _ => serde_json::from_slice::<super::SentJob>(&v)
                        .and_then(|j| serde_json::to_vec(&j)),
                }
                .map_err(super::json_err)?;
                tree.insert(k, again)?;
                sealed += 1;
            }
        }
        for kv in self.inner.routes.iter() {
            let (k, v) = kv?;
            let route: Route = decode(&v)?;
            if has_plaintext_secret(&route) {
                let sealed_v = encode(&seal_route(Some(key), &route))?;
                // Only over the plaintext we read: a route changed meanwhile was written
                // sealed already by its writer.
                if self
                    .inner
                    .routes
                    .compare_and_swap(&k, Some(&v), Some(sealed_v))?
                    .is_ok()
                {
                    sealed += 1;
                }
            }
        }
        if sealed > 0 {
            self.inner.db.flush()?;
            tracing::info!(records = sealed, "sealed plaintext webhook secrets at rest");
        }
        Ok(sealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_for_their_tenant_and_key() {
        let key = [7u8; 32];
        let s = seal_secret(&key, "default", "acct-a", "whsec_abc");
        assert!(s.starts_with(PREFIX) && !s.contains("whsec_abc"));
        assert_eq!(
            open_secret(Some(&key), "default", "acct-a", &s).unwrap(),
            "whsec_abc"
        );
        assert!(open_secret(Some(&key), "default", "acct-b", &s).is_err());
        assert!(open_secret(Some(&[8u8; 32]), "default", "acct-a", &s).is_err());
        assert!(open_secret(None, "default", "acct-a", &s).is_err());
        assert_eq!(
            open_secret(None, "default", "acct-a", "whsec_plain").unwrap(),
            "whsec_plain"
        );
    }
}
