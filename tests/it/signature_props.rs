//! Signature round-trips as properties: whatever the body, a correct signature verifies, and any
//! single-byte change of the body, the timestamp header or the signature header is refused.

use proptest::prelude::*;
use zoom_relay::zoom::{SignatureError, Verifier};

use crate::helpers::zoom_signature;

/// Tolerances wide enough that the window never interferes; these properties are about the MAC.
fn verifier(secret: &str) -> Verifier {
    Verifier::new(secret.as_bytes(), u64::MAX / 2, u64::MAX / 2)
}

fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,40}"
}

fn timestamp() -> impl Strategy<Value = i64> {
    1_500_000_000i64..2_500_000_000
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        // JSON-ish text with escapes and non-ASCII, the shapes Zoom actually sends.
        "[ -~’–é\\\\]{0,256}"
            .prop_map(|s| format!(r#"{{"event":"x","topic":"{s} \uD83D\uDE92"}}"#).into_bytes()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn correctly_signed_body_verifies(secret in secret(), ts in timestamp(), body in body()) {
        let ts_s = ts.to_string();
        let sig = zoom_signature(&secret, &ts_s, &body);
        let v = verifier(&secret);
        prop_assert_eq!(v.verify(Some(ts_s.as_bytes()), Some(sig.as_bytes()), &body, ts), Ok(()));
        prop_assert_eq!(v.sign(&ts_s, &body), sig);
    }

    #[test]
    fn any_single_byte_change_of_the_body_fails(
        secret in secret(),
        ts in timestamp(),
        body in body().prop_filter("non-empty", |b| !b.is_empty()),
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let ts_s = ts.to_string();
        let sig = zoom_signature(&secret, &ts_s, &body);
        let mut changed = body.clone();
        let i = index.index(changed.len());
        changed[i] ^= flip;
        prop_assert_eq!(
            verifier(&secret).verify(Some(ts_s.as_bytes()), Some(sig.as_bytes()), &changed, ts),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn any_single_byte_change_of_the_timestamp_fails(
        secret in secret(),
        ts in timestamp(),
        body in body(),
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let ts_s = ts.to_string();
        let sig = zoom_signature(&secret, &ts_s, &body);
        let mut changed = ts_s.clone().into_bytes();
        let i = index.index(changed.len());
        changed[i] ^= flip;
        // The MAC covers the header bytes as received, so this fails before the window is looked at.
        prop_assert_eq!(
            verifier(&secret).verify(Some(&changed), Some(sig.as_bytes()), &body, ts),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn any_single_byte_change_of_the_signature_fails(
        secret in secret(),
        ts in timestamp(),
        body in body(),
        index in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
    ) {
        let ts_s = ts.to_string();
        let sig = zoom_signature(&secret, &ts_s, &body).into_bytes();
        let i = index.index(sig.len());
        // Hex is decoded case-insensitively (a documented choice), so a case-only change of a hex
        // letter is the same signature, not a change.
        prop_assume!(replacement != sig[i]);
        prop_assume!(i < 3 || !replacement.eq_ignore_ascii_case(&sig[i]));
        let mut changed = sig.clone();
        changed[i] = replacement;
        let res = verifier(&secret).verify(Some(ts_s.as_bytes()), Some(&changed), &body, ts);
        prop_assert!(
            matches!(res, Err(SignatureError::Mismatch | SignatureError::Malformed)),
            "{:?} for {:?}", res, String::from_utf8_lossy(&changed)
        );
    }

    #[test]
    fn uppercase_hex_signature_verifies(secret in secret(), ts in timestamp(), body in body()) {
        let ts_s = ts.to_string();
        let sig = zoom_signature(&secret, &ts_s, &body);
        let upper = format!("v0={}", sig[3..].to_ascii_uppercase());
        prop_assert_eq!(
            verifier(&secret).verify(Some(ts_s.as_bytes()), Some(upper.as_bytes()), &body, ts),
            Ok(())
        );
    }

    #[test]
    fn signature_made_with_another_secret_fails(
        a in secret(),
        b in secret(),
        ts in timestamp(),
        body in body(),
    ) {
        prop_assume!(a != b);
        let ts_s = ts.to_string();
        let sig = zoom_signature(&a, &ts_s, &body);
        prop_assert_eq!(
            verifier(&b).verify(Some(ts_s.as_bytes()), Some(sig.as_bytes()), &body, ts),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn crc_token_is_hmac_of_the_plain_token(secret in secret(), plain in "[A-Za-z0-9_-]{22}") {
        prop_assert_eq!(
            verifier(&secret).crc_token(&plain),
            crate::helpers::crc_token(&secret, &plain)
        );
    }
}
