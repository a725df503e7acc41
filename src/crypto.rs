//! Cryptography under `security.data_key`, in two forms:
//!
//! - **Signed tokens** that prove the relay issued them: `base64url(payload) .
//!   base64url(HMAC-SHA256(key, purpose || payload))`. Used for one-click unsubscribe links, which
//!   must work without a login and must not be forgeable for someone else's address.
//! - **Sealed blobs** for secrets at rest (OAuth tokens): XChaCha20-Poly1305 with a random 24-byte
//!   nonce per seal (large enough that random nonces never collide in practice, unlike AES-GCM's 12),
//!   and associated data that binds a blob to its record, so a blob copied into another tenant's
//!   record does not open.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;

fn mac(key: &[u8; 32], purpose: &str, payload: &[u8]) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    m.update(purpose.as_bytes());
    m.update(b"\0");
    m.update(payload);
    m
}

/// Signs `payload` for `purpose`; a token for one purpose never verifies for another.
/// A secret derived from `key` for one purpose: hex of HMAC-SHA256(key, purpose), 64 characters of
/// 0-9a-f (inside Telegram's charset for webhook secret tokens). Derived rather than stored, so
/// there is nothing more to seal, back up or leak.
pub fn derive_secret(key: &[u8; 32], purpose: &str) -> String {
    hex::encode(mac(key, purpose, b"").finalize().into_bytes())
}

pub fn sign<T: Serialize>(key: &[u8; 32], purpose: &str, payload: &T) -> String {
    let json = serde_json::to_vec(payload).expect("token payloads serialize");
    let tag = mac(key, purpose, &json).finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&json),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

/// The payload of a token signed for `purpose` with `key`, or None (compared in constant time).
pub fn verify<T: DeserializeOwned>(key: &[u8; 32], purpose: &str, token: &str) -> Option<T> {
    let (p, t) = token.split_once('.')?;
    let json = URL_SAFE_NO_PAD.decode(p).ok()?;
    let tag = URL_SAFE_NO_PAD.decode(t).ok()?;
    mac(key, purpose, &json).verify_slice(&tag).ok()?;
    serde_json::from_slice(&json).ok()
}

/// Version byte of the sealed format: `v || nonce(24) || ciphertext+tag`.
const SEAL_V1: u8 = 1;
const NONCE_LEN: usize = 24;

/// A sealed blob did not open: wrong key, wrong associated data, or damaged bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sealed data does not open with this data_key (was security.data_key changed?)")]
pub struct OpenError;

/// Encrypts `plaintext` bound to `aad` (which is authenticated, not encrypted).
pub fn seal(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    use rand::RngCore;
    let cipher = chacha20poly1305::XChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ct = cipher
        .encrypt(
            (&nonce).into(),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory sizes");
    let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
    out.push(SEAL_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

/// Decrypts a blob made by [`seal`] with the same key and `aad`.
pub fn open(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    if sealed.len() < 1 + NONCE_LEN || sealed[0] != SEAL_V1 {
        return Err(OpenError);
    }
    let (nonce, ct) = sealed[1..].split_at(NONCE_LEN);
    let cipher = chacha20poly1305::XChaCha20Poly1305::new(key.into());
    cipher
        .decrypt(nonce.into(), Payload { msg: ct, aad })
        .map_err(|_| OpenError)
}

/// Webhook secrets inside queued and historical jobs (outbox, dead letters, sent history).
///
/// A job's target carries the secret it is signed with. The field is sealed when serialized, under
/// the data keys this process opened a store with; the binding is to the purpose only, since a
/// target has no tenant of its own. It lives here, below `routing` (whose `Target` names it in
/// `#[serde(with)]`) and `store` (which registers the keys), so neither needs the other for it.
pub mod job_secret {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    /// Marks a sealed value; anything else is read as plaintext (a store from before sealing).
    pub const PREFIX: &str = "sealed:v1:";

    static KEYS: std::sync::RwLock<Vec<[u8; 32]>> = std::sync::RwLock::new(Vec::new());
    const AAD: &[u8] = b"zoom-relay job webhook secret";

    /// Makes `key` the one job secrets are sealed with from now on (and one they may open with).
    pub fn register_key(key: [u8; 32]) {
        let mut keys = KEYS.write().unwrap_or_else(|e| e.into_inner());
        keys.retain(|k| *k != key);
        keys.push(key);
    }

    /// Sealed on the way to the store; plaintext when no key is registered.
    pub fn serialize<S: serde::Serializer>(secret: &str, s: S) -> Result<S::Ok, S::Error> {
        let keys = KEYS.read().unwrap_or_else(|e| e.into_inner());
        match keys.last() {
            Some(key) if !secret.starts_with(PREFIX) => {
                let blob = super::seal(key, AAD, secret.as_bytes());
                s.serialize_str(&format!("{PREFIX}{}", STANDARD.encode(blob)))
            }
            _ => s.serialize_str(secret),
        }
    }

    /// Opened on the way back; plaintext (older records, or no key) reads as it is.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let stored = <String as serde::Deserialize>::deserialize(d)?;
        let Some(b64) = stored.strip_prefix(PREFIX) else {
            return Ok(stored);
        };
        let Ok(blob) = STANDARD.decode(b64) else {
            return Ok(stored);
        };
        let keys = KEYS.read().unwrap_or_else(|e| e.into_inner());
        // A value that opens with no key stays sealed: signing then fails for that job alone.
        Ok(keys
            .iter()
            .rev()
            .find_map(|k| super::open(k, AAD, &blob).ok())
            .and_then(|p| String::from_utf8(p).ok())
            .unwrap_or(stored))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_blobs_open_only_with_their_key_and_aad() {
        let key = [3u8; 32];
        let a = seal(&key, b"app\0acct", b"access-token-secret");
        let b = seal(&key, b"app\0acct", b"access-token-secret");
        assert_ne!(a, b, "a fresh nonce per seal");
        assert!(
            !a.windows(6).any(|w| w == b"access"),
            "no plaintext in the blob"
        );
        assert_eq!(
            open(&key, b"app\0acct", &a).unwrap(),
            b"access-token-secret"
        );
        assert_eq!(open(&key, b"app\0other", &a), Err(OpenError));
        assert_eq!(open(&[4u8; 32], b"app\0acct", &a), Err(OpenError));
        let mut damaged = a.clone();
        *damaged.last_mut().unwrap() ^= 1;
        assert_eq!(open(&key, b"app\0acct", &damaged), Err(OpenError));
        assert_eq!(open(&key, b"app\0acct", &a[..10]), Err(OpenError));
    }

    #[test]
    fn tokens_verify_only_unchanged_and_for_their_purpose() {
        let key = [7u8; 32];
        let t = sign(&key, "unsubscribe", &("a", "b"));
        assert_eq!(
            verify::<(String, String)>(&key, "unsubscribe", &t),
            Some(("a".into(), "b".into()))
        );
        assert_eq!(verify::<(String, String)>(&key, "other", &t), None);
        assert_eq!(
            verify::<(String, String)>(&[8u8; 32], "unsubscribe", &t),
            None
        );
        let (p, tag) = t.split_once('.').unwrap();
        let forged = format!("{}.{tag}", URL_SAFE_NO_PAD.encode(br#"["a","c"]"#));
        assert_eq!(
            verify::<(String, String)>(&key, "unsubscribe", &forged),
            None
        );
        assert!(verify::<(String, String)>(&key, "unsubscribe", p).is_none());
    }
}
