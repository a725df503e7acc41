//! Signature check plus event parsing: the intake path on arbitrary headers and body.
//!
//! Input layout (so seed files can be written by hand, see docs/fuzzing.md):
//! - byte 0: mode. Bits 0-1 pick the signature: 0 the correct one for (timestamp, body), 1 the
//!   correct one with its hex upper-cased, 2 raw bytes from the input, 3 no header. Bit 2: no
//!   timestamp header. Bit 3: the timestamp is raw bytes from the input instead of a number.
//! - bytes 1-2: the timestamp's offset from "now" in seconds (i16, little endian).
//! - then a header line up to the first `\n`: the raw timestamp and the raw signature, split at the
//!   first `|`; the rest of the input is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zoom_relay::zoom::Verifier;
use zoom_relay::zoom::event::{ParsedEvent, parse};
use zoom_relay::zoom::signature::SignatureError;

const NOW: i64 = 1_767_000_000;
const SECRET: &[u8] = b"demo-secret-token-change-me";
const TOLERANCE: u64 = 300;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let mode = data[0];
    let offset = i16::from_le_bytes([data[1], data[2]]) as i64;
    let rest = &data[3..];
    let (line, body) = match rest.iter().position(|b| *b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&rest[..0], rest),
    };
    let (raw_ts, raw_sig) = match line.iter().position(|b| *b == b'|') {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => (line, &line[..0]),
    };

    let verifier = Verifier::new(SECRET, TOLERANCE, TOLERANCE);
    let formatted_ts = (NOW + offset).to_string();
    let ts: &[u8] = if mode & 8 != 0 {
        raw_ts
    } else {
        formatted_ts.as_bytes()
    };
    let ts_str = std::str::from_utf8(ts).ok();
    let signature: Option<Vec<u8>> = match (mode & 3, ts_str) {
        (0, Some(t)) => Some(verifier.sign(t, body).into_bytes()),
        (1, Some(t)) => Some(upper_hex(&verifier.sign(t, body)).into_bytes()),
        (0 | 1, None) | (2, _) => Some(raw_sig.to_vec()),
        _ => None,
    };
    let ts_header = (mode & 4 == 0).then_some(ts);
    let result = verifier.verify(ts_header, signature.as_deref(), body, NOW);

    // Oracles for the signature check.
    match (&result, ts_header, mode & 3, ts_str) {
        // A correct signature (any hex case) over a numeric timestamp within the window passes.
        (_, Some(_), 0 | 1, Some(_)) if mode & 8 == 0 => {
            if offset.abs() <= TOLERANCE as i64 {
                assert_eq!(result, Ok(()), "a correct signature was refused");
            } else {
                assert!(
                    matches!(result, Err(SignatureError::Stale | SignatureError::Future)),
                    "{result:?} for offset {offset}"
                );
            }
        }
        (_, None, _, _) | (_, _, 3, _) => {
            assert_eq!(result, Err(SignatureError::MissingHeaders));
        }
        (Ok(()), Some(_), 2, _) => {
            // Raw bytes passed: they must be exactly the correct signature, up to hex case.
            let expected = verifier.sign(ts_str.expect("a passing timestamp is UTF-8"), body);
            let got = std::str::from_utf8(signature.as_deref().unwrap()).unwrap();
            assert!(got.eq_ignore_ascii_case(&expected) && got.starts_with("v0="));
        }
        _ => {}
    }
    if let Some(t) = ts_str {
        // A flipped body bit never verifies.
        if !body.is_empty() {
            let sig = verifier.sign(t, body);
            let mut tampered = body.to_vec();
            tampered[0] ^= 1;
            assert_eq!(
                verifier.verify_signature(ts, sig.as_bytes(), &tampered),
                Err(SignatureError::Mismatch)
            );
        }
    }

    // What intake does with a verified body: parse, answer CRC, compute the dedup key.
    if let Ok(parsed) = parse(body) {
        let key = parsed.dedup_key("default", body);
        assert_eq!(
            key,
            parsed.dedup_key("default", body),
            "dedup key is stable"
        );
        let _ = parsed.kind().to_string();
        let _ = parsed.account_id();
        if let ParsedEvent::Ok(e) = &parsed {
            let _ = e.meeting();
            if let zoom_relay::zoom::event::EventBody::UrlValidation { plain_token } = &e.body {
                assert_eq!(verifier.crc_token(plain_token).len(), 64);
            }
        }
    }
});

fn upper_hex(sig: &str) -> String {
    format!("v0={}", sig.trim_start_matches("v0=").to_ascii_uppercase())
}
