//! The Standard Webhooks side of a delivery: the signature, and what a receiver's answer
//! (status, `Retry-After`) means for the job.

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::delivery::SendResult;

/// Bounds for a server's `Retry-After`: at least a second (no hammering), at most an hour (no stall).
const RETRY_AFTER_MIN: Duration = Duration::from_secs(1);
const RETRY_AFTER_MAX: Duration = Duration::from_secs(3600);

/// Maps a response to an outcome. `retry_after` is the server's parsed `Retry-After`, unclamped.
pub(super) fn classify(
    status: reqwest::StatusCode,
    retry_after: Option<Duration>,
    body: &str,
) -> SendResult {
    let code = status.as_u16();
    let head = match status.canonical_reason() {
        Some(r) => format!("HTTP {code} {r}"),
        None => format!("HTTP {code}"),
    };
    let with_body = |prefix: String| {
        if body.is_empty() {
            prefix
        } else {
            format!("{prefix}: {body}")
        }
    };
    match code {
        200..=299 => SendResult::Sent {
            status: Some(code),
            detail: with_body(head),
        },
        410 => SendResult::Dead {
            status: Some(code),
            detail: with_body(format!("{head}; the destination is disabled")),
        },
        429 | 503 if retry_after.is_some() => SendResult::Retry {
            status: Some(code),
            detail: with_body(head),
            after: retry_after.map(|d| d.clamp(RETRY_AFTER_MIN, RETRY_AFTER_MAX)),
        },
        429 | 500..=599 => SendResult::Retry {
            status: Some(code),
            detail: with_body(head),
            after: None,
        },
        300..=399 => SendResult::Dead {
            status: Some(code),
            detail: with_body(format!(
                "{head} (redirects are not followed; point the destination at the final URL)"
            )),
        },
        _ => SendResult::Dead {
            status: Some(code),
            detail: with_body(head),
        },
    }
}

/// The destination's secret is not `whsec_` + base64; routes are validated, so this means a store
/// written by hand or by an older version.
#[derive(Debug, thiserror::Error)]
#[error("the destination secret is not `whsec_` followed by base64; set a new secret on the route")]
pub struct BadSecret;

/// `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), key = base64-decoded secret after
/// `whsec_` (Standard Webhooks). The prefix is optional, as in the reference libraries.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, BadSecret> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = b64
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|_| BadSecret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| BadSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!("v1,{}", b64.encode(mac.finalize().into_bytes())))
}

/// Parses `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 section 10.2.3; IMF-fixdate and
/// the two obsolete forms). A date in the past is a zero wait. The caller clamps.
pub fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long digit strings overflow u64; they mean "very long", which clamps to the max.
        return Some(Duration::from_secs(v.parse().unwrap_or(u64::MAX)));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v)
        .map(|d| d.with_timezone(&chrono::Utc))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(v, "%A, %d-%b-%y %H:%M:%S GMT")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(v, "%a %b %e %H:%M:%S %Y"))
                .map(|n| n.and_utc())
        })
        .ok()?;
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks conformance vector (standard-webhooks spec and reference libraries).
    #[test]
    fn signature_matches_the_standard_webhooks_vector() {
        let sig = sign(
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1649367553,
            br#"{"email":"test@example.com","username":"test_user"}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
    }

    #[test]
    fn signature_changes_with_each_signed_part() {
        let s = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        let base = sign(s, "id", 1, b"{}").unwrap();
        assert_ne!(base, sign(s, "id2", 1, b"{}").unwrap());
        assert_ne!(base, sign(s, "id", 2, b"{}").unwrap());
        assert_ne!(base, sign(s, "id", 1, b"{ }").unwrap());
        assert!(sign("whsec_not base64!", "id", 1, b"{}").is_err());
    }

    #[test]
    fn retry_after_parses_seconds_and_http_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let cases: &[(&str, Option<u64>)] = &[
            ("1", Some(1)),
            (" 120 ", Some(120)),
            ("0", Some(0)),
            ("99999999999999999999999", Some(u64::MAX)),
            ("Wed, 21 Oct 2015 07:28:30 GMT", Some(30)),
            ("Wednesday, 21-Oct-15 07:29:00 GMT", Some(60)),
            ("Wed Oct 21 07:28:05 2015", Some(5)),
            ("Wed, 21 Oct 2015 07:00:00 GMT", Some(0)),
            ("-5", None),
            ("1.5", None),
            ("soon", None),
            ("", None),
        ];
        for (v, want) in cases {
            let got = parse_retry_after(v, now).map(|d| d.as_secs());
            assert_eq!(got, *want, "{v:?}");
        }
    }

    #[test]
    fn classification_follows_the_status_etiquette() {
        use reqwest::StatusCode as S;
        let is = |r: &SendResult| match r {
            SendResult::Sent { .. } => "sent",
            SendResult::Retry { .. } => "retry",
            SendResult::Dead { .. } => "dead",
            SendResult::Defer { .. } => "defer",
        };
        for (code, want) in [
            (200, "sent"),
            (204, "sent"),
            (301, "dead"),
            (302, "dead"),
            (400, "dead"),
            (404, "dead"),
            (410, "dead"),
            (429, "retry"),
            (500, "retry"),
            (502, "retry"),
            (503, "retry"),
        ] {
            let r = classify(S::from_u16(code).unwrap(), None, "");
            assert_eq!(is(&r), want, "{code}");
        }
        // Retry-After is clamped to [1 s, 1 h] and only honoured on 429 and 503.
        let after = |code, secs| match classify(
            S::from_u16(code).unwrap(),
            Some(Duration::from_secs(secs)),
            "",
        ) {
            SendResult::Retry { after, .. } => after,
            other => panic!("{other:?}"),
        };
        assert_eq!(after(429, 0), Some(Duration::from_secs(1)));
        assert_eq!(after(429, 30), Some(Duration::from_secs(30)));
        assert_eq!(after(503, 86_400 * 365), Some(Duration::from_secs(3600)));
        assert_eq!(after(500, 30), None);
        let SendResult::Dead { status, detail } = classify(S::NOT_FOUND, None, "no such hook")
        else {
            panic!()
        };
        assert_eq!(status, Some(404));
        assert_eq!(detail, "HTTP 404 Not Found: no such hook");
    }
}
