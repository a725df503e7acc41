//! Intake: what becomes of one Zoom webhook delivery, independent of HTTP. It verifies the
//! signature and timestamp on the raw bytes, parses the event, answers Zoom's endpoint URL
//! validation, derives the dedup key and appends the event to the inbox, durably, before anything
//! is acknowledged. The HTTP front end (`http::webhook`) only reads the request within its limits
//! and maps the [`Outcome`] or [`IntakeError`] to a status; the dispatcher is the only reader of
//! the inbox.
//!
//! The checks run in a fixed order, and the front end keeps it: unknown app, body size (the front
//! end's), signature and timestamp, JSON, then the validation answer or the append. Zoom never
//! retries a 4xx, so only a storage failure may ask for a retry (reference/zoom.md section 3).

use tokio::sync::Notify;

use crate::store::{AppendOutcome, Backend, NewEvent, StoreError};
use crate::zoom::event::{self, EventBody, ParsedEvent};
use crate::zoom::{Keys, SignatureError};

/// One delivery as Zoom sent it: the raw body and the headers intake reads.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    /// `x-zm-request-timestamp`.
    pub timestamp: Option<&'a [u8]>,
    /// `x-zm-signature`.
    pub signature: Option<&'a [u8]>,
    /// `x-zm-request-id`, kept with the event for support requests to Zoom.
    pub request_id: Option<&'a str>,
    /// `x-zm-trackingid`, likewise.
    pub tracking_id: Option<&'a str>,
    pub body: &'a [u8],
}

/// What intake did with a verified delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored durably as inbox event `seq`; the dispatcher has been woken.
    Accepted { event: String, seq: u64 },
    /// Zoom sent this event before (a retry or a double delivery): acknowledged, nothing stored.
    Duplicate { event: String, original: u64 },
    /// Zoom's endpoint URL validation (CRC): answered at once, nothing stored.
    UrlValidation {
        plain_token: String,
        encrypted_token: String,
    },
}

impl Outcome {
    /// The event type, for metrics.
    pub fn event(&self) -> &str {
        match self {
            Outcome::Accepted { event, .. } | Outcome::Duplicate { event, .. } => event,
            Outcome::UrlValidation { .. } => "endpoint.url_validation",
        }
    }
}

/// Why a delivery was refused. Only [`IntakeError::Store`] is worth a retry by Zoom.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("no Zoom app with id `{0}` is configured")]
    UnknownApp(String),
    #[error("webhook verification failed: {0}")]
    Unverified(SignatureError),
    /// Not JSON, or not UTF-8.
    #[error("{0}")]
    Malformed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Intake: the store it appends to and the dispatcher's wake-up. Which app a delivery is for, and
/// its keys, the front end looks up first (`apps::Apps`), so an unknown app is refused before the
/// body is read.
pub struct Intake<'a> {
    pub db: &'a dyn Backend,
    pub inbox: &'a Notify,
}

/// Header values are Zoom's, but a forged request could send anything: keep a bounded prefix.
const HEADER_CHARS: usize = 128;

impl Intake<'_> {
    /// Verifies, parses and stores one delivery for app `app_id`, whose secret tokens are `keys`
    /// (`now` in Unix seconds, for the timestamp check). Returns once the event is durable: Zoom
    /// may forget it after our 200.
    pub async fn receive(
        &self,
        app_id: &str,
        keys: &Keys,
        d: Delivery<'_>,
        now: i64,
    ) -> Result<Outcome, IntakeError> {
        let verifier = match keys.verify(d.timestamp, d.signature, d.body, now) {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(
                    app = app_id,
                    reason = e.label(),
                    "rejected Zoom webhook: {e}"
                );
                return Err(IntakeError::Unverified(e));
            }
        };
        let parsed = event::parse(d.body).map_err(|e| IntakeError::Malformed(e.to_string()))?;
        if let ParsedEvent::Ok(e) = &parsed
            && let EventBody::UrlValidation { plain_token } = &e.body
        {
            tracing::info!(app = app_id, "answered Zoom endpoint URL validation");
            return Ok(Outcome::UrlValidation {
                encrypted_token: verifier.crc_token(plain_token),
                plain_token: plain_token.clone(),
            });
        }
        let body = std::str::from_utf8(d.body)
            .map_err(|_| IntakeError::Malformed("body is not UTF-8".into()))?
            .to_string();
        let key = parsed.dedup_key(app_id, d.body);
        let (event_ts, parse_error) = match &parsed {
            ParsedEvent::Ok(e) => (e.event_ts, None),
            ParsedEvent::Malformed { error, .. } => (None, Some(error.clone())),
        };
        let kind = parsed.kind().to_string();
        let bounded = |h: Option<&str>| h.map(|s| s.chars().take(HEADER_CHARS).collect());
        let new = NewEvent {
            app_id: app_id.to_string(),
            account_id: parsed.account_id().map(str::to_string),
            event: kind.clone(),
            event_ts,
            zm_request_id: bounded(d.request_id),
            zm_tracking_id: bounded(d.tracking_id),
            parse_error,
            body,
        };
        match self.db.append_event(key, new).await? {
            AppendOutcome::Accepted { seq } => {
                self.inbox.notify_one();
                tracing::debug!(app = app_id, event = %kind, seq, "accepted Zoom event");
                Ok(Outcome::Accepted { event: kind, seq })
            }
            AppendOutcome::Duplicate { seq } => {
                tracing::info!(app = app_id, event = %kind, original = seq, "duplicate Zoom delivery acknowledged");
                Ok(Outcome::Duplicate {
                    event: kind,
                    original: seq,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, temp_store};
    use crate::zoom::Verifier;

    const SECRET: &[u8] = b"intake-secret";

    /// What the webhook handler holds for app `default`: a store, its keys and the dispatcher's
    /// wake-up; deliveries are timestamped now.
    struct Rig {
        _dir: tempfile::TempDir,
        store: Store,
        keys: Keys,
        inbox: Notify,
        now: i64,
        ts: String,
    }

    impl Rig {
        fn new() -> Rig {
            let (_dir, store) = temp_store();
            let now = chrono::Utc::now().timestamp();
            Rig {
                _dir,
                store,
                keys: Keys::new(Verifier::new(SECRET, 300, 300)),
                inbox: Notify::new(),
                now,
                ts: now.to_string(),
            }
        }

        /// The signature of `body` with the app's current token.
        fn sign(&self, body: &[u8]) -> String {
            self.keys.current().sign(&self.ts, body)
        }

        async fn receive(&self, sig: &str, body: &[u8]) -> Result<Outcome, IntakeError> {
            let intake = Intake {
                db: &self.store,
                inbox: &self.inbox,
            };
            let d = Delivery {
                timestamp: Some(self.ts.as_bytes()),
                signature: Some(sig.as_bytes()),
                request_id: Some("req-1"),
                tracking_id: None,
                body,
            };
            intake.receive("default", &self.keys, d, self.now).await
        }
    }

    #[tokio::test]
    async fn a_verified_event_is_stored_once_and_wakes_the_dispatcher() {
        let rig = Rig::new();
        let body = br#"{"event":"meeting.started","event_ts":1,"payload":{"account_id":"acc","object":{"id":"1","uuid":"u1","topic":"t"}}}"#;
        let sig = rig.sign(body);

        let first = rig.receive(&sig, body).await.expect("accepted");
        let Outcome::Accepted { event, seq } = first else {
            panic!("accepted expected, got {first:?}");
        };
        assert_eq!(event, "meeting.started");
        // The wake-up left a permit: the dispatcher would not sleep through it.
        tokio::time::timeout(std::time::Duration::from_secs(1), rig.inbox.notified())
            .await
            .expect("the dispatcher was woken");
        let stored = rig.store.get_event(seq).expect("reads").expect("stored");
        assert_eq!(stored.event.account_id.as_deref(), Some("acc"));
        assert_eq!(stored.event.zm_request_id.as_deref(), Some("req-1"));
        assert_eq!(stored.event.body.as_bytes(), body);

        let again = rig.receive(&sig, body).await.expect("acknowledged");
        assert_eq!(
            again,
            Outcome::Duplicate {
                event: "meeting.started".into(),
                original: seq
            }
        );
        assert_eq!(rig.store.event_count(), 1, "the duplicate stored nothing");
    }

    #[tokio::test]
    async fn refusals_store_nothing() {
        let rig = Rig::new();
        let body = br#"{"event":"meeting.started","payload":{}}"#;
        // Signed, but with another app's token.
        let sig = Verifier::new(b"another-app-secret", 300, 300).sign(&rig.ts, body);
        let other = rig.receive(&sig, body).await;
        assert!(
            matches!(other, Err(IntakeError::Unverified(_))),
            "{other:?}"
        );

        let forged = rig.receive("v0=00", body).await;
        assert!(
            matches!(forged, Err(IntakeError::Unverified(_))),
            "{forged:?}"
        );

        let junk = b"not json";
        let malformed = rig.receive(&rig.sign(junk), junk).await;
        assert!(
            matches!(malformed, Err(IntakeError::Malformed(_))),
            "{malformed:?}"
        );

        let crc = br#"{"event":"endpoint.url_validation","payload":{"plainToken":"abc"}}"#;
        let answer = rig.receive(&rig.sign(crc), crc).await.expect("answered");
        assert_eq!(
            answer,
            Outcome::UrlValidation {
                plain_token: "abc".into(),
                encrypted_token: rig.keys.current().crc_token("abc"),
            }
        );
        assert_eq!(rig.store.event_count(), 0);
        assert_eq!(rig.store.inbox_len(), 0);
    }
}
