//! Tokens that prove the relay issued them: `base64url(payload) . base64url(HMAC-SHA256(key,
//! purpose || payload))`. Used for one-click unsubscribe links, which must work without a login and
//! must not be forgeable for someone else's address.

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

#[cfg(test)]
mod tests {
    use super::*;

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
