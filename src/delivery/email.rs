//! The `email` destination: one SMTP message per recipient, through one pooled transport.
//!
//! `email.smtp_url` picks the transport (lettre's URL form): `smtp://host:port` is plain SMTP,
//! `smtp://host:587?tls=required` (or `opportunistic`) upgrades with STARTTLS, `smtps://host:465` is
//! implicit TLS, and `user:pass@` (percent-encoded) logs in. The URL holds the password, so it is
//! never logged and never part of an error message.
//!
//! Each job becomes a `multipart/alternative` message (text, then HTML) from `email.from` to the
//! job's one recipient, with `Date` and a `Message-ID` derived from the job's idempotency key and the
//! sender's domain: a retry of the same (event, recipient) carries the same Message-ID, so mail
//! systems and readers can recognise a duplicate of our at-least-once delivery.
//!
//! Outcomes: the server's `250` is sent; 4xx replies, refused or dropped connections, timeouts and TLS
//! failures retry on the schedule; 5xx replies are dead with the reply as the reason, except the
//! authentication replies (530, 534, 535, 538), which say the relay's own credentials are wrong and
//! would otherwise kill every queued message before the operator can fix them. A recipient that is
//! not a mailbox, and a subject that would break the header, are dead without contacting the server.
//!
//! Not here yet: `List-Unsubscribe` / `List-Unsubscribe-Post` (RFC 8058) need personal subscriptions.

use std::error::Error as _;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::response::Response;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;

use super::{SendResult, Sender};
use crate::config::EmailConfig;
use crate::routing::{Channel, Target};
use crate::store::{Job, Message};
use crate::text::{error_chain, snippet};

/// How long connecting (and, separately, one whole send) may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Pooled connections kept open between sends; the worker sends one message at a time.
const POOL_MAX: u32 = 2;
const POOL_IDLE: Duration = Duration::from_secs(30);

/// SMTP replies that mean the relay's own login failed (RFC 4954): a configuration problem for the
/// operator, not a property of the message.
const AUTH_CODES: [u16; 4] = [530, 534, 535, 538];

/// Why the email transport could not be built. Never contains the SMTP URL (it holds the password).
#[derive(Debug, thiserror::Error)]
pub enum EmailSetupError {
    #[error("email.smtp_url cannot be used: {0}")]
    SmtpUrl(String),
    #[error(
        "email.from `{from}` is not a mailbox ({reason}); use e.g. \"Alerts <alerts@example.org>\""
    )]
    From { from: String, reason: String },
}

/// Delivers `Channel::Email` jobs.
pub struct EmailSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    timeout: Duration,
}

impl EmailSender {
    /// Builds the pooled transport from `email.smtp_url` with [`DEFAULT_TIMEOUT`]. Must be called
    /// inside a Tokio runtime (the pool starts its idle-connection reaper).
    pub fn new(config: &EmailConfig) -> Result<Self, EmailSetupError> {
        Self::with_timeout(config, DEFAULT_TIMEOUT)
    }

    pub fn with_timeout(config: &EmailConfig, timeout: Duration) -> Result<Self, EmailSetupError> {
        let from: Mailbox =
            config
                .from
                .trim()
                .parse()
                .map_err(|e: lettre::address::AddressError| EmailSetupError::From {
                    from: config.from.clone(),
                    reason: e.to_string(),
                })?;
        let timeout = timeout.max(Duration::from_millis(100));
        // lettre's errors name the part that is wrong (scheme, tls parameter, host), not the URL.
        let transport =
            AsyncSmtpTransport::<Tokio1Executor>::from_url(config.smtp_url.expose_secret())
                .map_err(|e| EmailSetupError::SmtpUrl(e.to_string()))?
                .timeout(Some(timeout))
                .pool_config(PoolConfig::new().max_size(POOL_MAX).idle_timeout(POOL_IDLE))
                .build();
        Ok(EmailSender {
            transport,
            from,
            timeout,
        })
    }
}

impl Sender for EmailSender {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    async fn send(&self, job: &Job) -> SendResult {
        let (
            Target::Email { to },
            Message::Email {
                subject,
                text,
                html,
            },
        ) = (&job.target, &job.message)
        else {
            return dead(
                None,
                "not an email job (target or message of another channel)",
            );
        };
        let message = match build_message(
            &self.from,
            to,
            &job.idempotency_key,
            subject,
            text,
            html,
            job.unsubscribe_url.as_deref(),
        ) {
            Ok(m) => m,
            Err(reason) => return dead(None, &reason),
        };
        // lettre bounds connecting; this bounds the whole conversation, so a server that stops
        // answering mid-session cannot stall the worker.
        match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
            Ok(Ok(response)) => SendResult::Sent {
                status: Some(u16::from(response.code())),
                detail: reply_line(&response),
            },
            Ok(Err(e)) => classify_error(&e),
            Err(_) => SendResult::Retry {
                status: None,
                detail: format!("timed out after {} s", self.timeout.as_secs_f64()),
                after: None,
            },
        }
    }
}

/// `List-Unsubscribe: <url>` (RFC 2369) for a member's personal subscription.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl lettre::message::header::Header for ListUnsubscribe {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.trim_matches(['<', '>']).to_string()))
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail clients may unsubscribe with
/// one POST, without opening a page.
#[derive(Clone)]
struct ListUnsubscribePost;

impl lettre::message::header::Header for ListUnsubscribePost {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(
            Self::name(),
            "List-Unsubscribe=One-Click".to_string(),
        )
    }
}

/// The message for one recipient, with the one-click unsubscribe headers for a personal
/// subscription (`unsubscribe_url`). `Err` is a dead-letter reason: retrying cannot fix it.
pub fn build_message(
    from: &Mailbox,
    to: &str,
    idempotency_key: &str,
    subject: &str,
    text: &str,
    html: &str,
    unsubscribe_url: Option<&str>,
) -> Result<lettre::Message, String> {
    let to: Address = to
        .trim()
        .parse()
        .map_err(|e| format!("`{}` is not an email address ({e})", snippet(to)))?;
    // The renderer strips line breaks from subjects; a job that still has one was not made by it,
    // and must not get the chance to add headers.
    if subject.contains(['\r', '\n']) {
        return Err(
            "the subject contains a line break; refusing to send a malformed header".into(),
        );
    }
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, to))
        .subject(subject)
        .message_id(Some(message_id(idempotency_key, from)))
        .date_now();
    if let Some(url) = unsubscribe_url {
        if url.contains(['\r', '\n', '<', '>']) {
            return Err("the unsubscribe link is malformed".into());
        }
        builder = builder
            .header(ListUnsubscribe(url.to_string()))
            .header(ListUnsubscribePost);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            text.to_string(),
            html.to_string(),
        ))
        .map_err(|e| format!("the message cannot be built: {e}"))
}

/// `<zoom-relay.{key}@{from domain}>`: stable across retries of one (event, recipient). Keys are
/// `msg_{seq}_{hex}`; any other character than letters, digits, `-` and `_` becomes `_`, so the
/// header stays valid whatever the key.
pub fn message_id(idempotency_key: &str, from: &Mailbox) -> String {
    let local: String = idempotency_key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("<zoom-relay.{local}@{}>", from.email.domain())
}

/// `250 OK`, or every line of a multi-line reply joined with spaces.
fn reply_line(response: &Response) -> String {
    let text: Vec<&str> = response.message().collect();
    snippet(&format!("{} {}", response.code(), text.join(" ")))
}

fn dead(status: Option<u16>, detail: &str) -> SendResult {
    SendResult::dead(status, detail)
}

fn retry(status: Option<u16>, detail: String) -> SendResult {
    SendResult::Retry {
        status,
        detail,
        after: None,
    }
}

/// Maps a failed send to an outcome. The error chain carries the server's reply or the I/O cause;
/// it never contains credentials (lettre's errors do not include the URL or the login).
fn classify_error(e: &lettre::transport::smtp::Error) -> SendResult {
    if let Some(code) = e.status().map(u16::from) {
        // The reply as the server sent it: "550 no such user".
        let text = e.source().map(|s| s.to_string()).unwrap_or_default();
        let detail = snippet(format!("{code} {text}").trim_end());
        return if !e.is_permanent() {
            retry(Some(code), detail)
        } else if AUTH_CODES.contains(&code) {
            retry(
                Some(code),
                format!(
                    "{detail} (the SMTP login failed; check the credentials in email.smtp_url)"
                ),
            )
        } else {
            dead(Some(code), &detail)
        };
    }
    let detail = snippet(&error_chain(e));
    // The message needs SMTPUTF8 or 8BITMIME and the server has neither: no retry changes that.
    if e.is_client() && detail.contains("non-ascii") {
        return dead(None, &detail);
    }
    if e.is_timeout() {
        return retry(None, format!("timed out: {detail}"));
    }
    // Refused or reset connections, TLS failures, unparsable replies, a shut-down pool: the server
    // or the network may recover.
    retry(None, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from() -> Mailbox {
        "Meeting alerts <alerts@example.org>".parse().unwrap()
    }

    /// A plain message (no unsubscribe link) to `to` with `subject`.
    fn message(to: &str, subject: &str) -> Result<lettre::Message, String> {
        build_message(&from(), to, "k", subject, "t", "h", None)
    }

    fn formatted(m: &lettre::Message) -> String {
        String::from_utf8(m.formatted()).unwrap()
    }

    fn headers(raw: &str) -> &str {
        raw.split("\r\n\r\n").next().unwrap()
    }

    #[test]
    fn message_has_the_expected_headers_and_parts() {
        let m = build_message(
            &from(),
            "bob@example.org",
            "msg_7_0011223344556677",
            "Weekly sync has started",
            "Weekly sync has started.",
            "<p>Weekly sync has started.</p>",
            None,
        )
        .unwrap();
        let raw = formatted(&m);
        let head = headers(&raw);
        assert!(
            head.contains("From: \"Meeting alerts\" <alerts@example.org>"),
            "{head}"
        );
        assert!(head.contains("To: bob@example.org"), "{head}");
        assert!(head.contains("Subject: Weekly sync has started"), "{head}");
        assert!(
            head.contains("Message-ID: <zoom-relay.msg_7_0011223344556677@example.org>"),
            "{head}"
        );
        assert!(head.contains("Date: "), "{head}");
        assert!(
            head.contains("Content-Type: multipart/alternative"),
            "{head}"
        );
        assert!(
            raw.contains("Content-Type: text/plain; charset=utf-8"),
            "{raw}"
        );
        assert!(
            raw.contains("Content-Type: text/html; charset=utf-8"),
            "{raw}"
        );
        assert_eq!(m.envelope().to().len(), 1);
    }

    #[test]
    fn message_id_is_stable_and_valid() {
        let a = message_id("msg_1_ab", &from());
        assert_eq!(a, message_id("msg_1_ab", &from()));
        assert_eq!(a, "<zoom-relay.msg_1_ab@example.org>");
        assert_eq!(
            message_id("odd key<>@\r\n", &from()),
            "<zoom-relay.odd_key_____@example.org>"
        );
    }

    #[test]
    fn line_breaks_in_the_subject_are_dead_letters() {
        for subject in ["Hi\r\nBcc: victim@example.org", "Hi\nBcc: x@y.org", "Hi\r"] {
            let err = message("bob@example.org", subject).unwrap_err();
            assert!(err.contains("line break"), "{err}");
        }
    }

    #[test]
    fn non_ascii_subjects_are_encoded_not_raw() {
        let m = message("bob@example.org", "Réunion ☕").unwrap();
        let raw = formatted(&m);
        let head = headers(&raw);
        assert!(head.is_ascii(), "{head}");
        assert!(head.contains("Subject: =?utf-8?"), "{head}");
    }

    #[test]
    fn recipients_that_are_not_mailboxes_are_dead_letters() {
        for to in [
            "not-an-address",
            "a@b@c",
            "bob@example.org, eve@example.org",
            "",
        ] {
            let err = message(to, "s").unwrap_err();
            assert!(err.contains("is not an email address"), "{to}: {err}");
        }
    }

    #[tokio::test]
    async fn setup_errors_do_not_reveal_the_url() {
        let config = |url: &str, from: &str| EmailConfig {
            smtp_url: url.to_string().into(),
            from: from.into(),
        };
        let Err(e) = EmailSender::new(&config("ftp://u:hunter2@mail.example.org", "a@example.org"))
        else {
            panic!("ftp:// must be refused")
        };
        let msg = e.to_string();
        assert!(msg.starts_with("email.smtp_url"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
        let Err(e) = EmailSender::new(&config("smtp://127.0.0.1:25", "no mailbox")) else {
            panic!("a bad from must be refused")
        };
        assert!(e.to_string().starts_with("email.from"), "{e}");
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://u:p%40ss@mail.example.org:587?tls=required",
            "smtp://mail.example.org?tls=opportunistic",
            "smtps://mail.example.org",
        ] {
            assert!(
                EmailSender::new(&config(url, "Alerts <a@example.org>")).is_ok(),
                "{url}"
            );
        }
    }
}
