//! Email delivery against a real SMTP server (aiosmtpd, see `smtp_peer`): one message per recipient
//! with text and HTML alternatives, headers that cannot be injected, retries through an outage,
//! and dead letters for permanent refusals.

use std::collections::BTreeSet;

use zoom_relay::delivery::email::EmailSender;
use zoom_relay::delivery::{SendResult, Sender, StepOutcome};
use zoom_relay::dispatch::idempotency_key;
use zoom_relay::routing::Target;
use zoom_relay::store::{AttemptOutcome, Message};

use crate::helpers::*;
use crate::smtp_peer::{Mail, SmtpPeer, aiosmtpd_python};
use zoom_relay::store::TenantId;

/// The rig's account, which its events come from.
const ACCOUNT: &str = crate::rig::RIG_ACCOUNT;
const FROM: &str = "Meeting alerts <alerts@example.org>";

fn route_doc(to: &[&str]) -> String {
    let to: Vec<String> = to.iter().map(|a| format!("\"{a}\"")).collect();
    format!(
        "[[routes]]\nname = \"mail\"\napp_id = \"default\"\naccount_id = \"{ACCOUNT}\"\nevents = [\"meeting.started\"]\n  [[routes.destinations]]\n  kind = \"email\"\n  to = [{}]\n",
        to.join(", ")
    )
}

fn email_section(port: u16) -> String {
    format!("\n[email]\nsmtp_url = \"smtp://127.0.0.1:{port}\"\nfrom = \"{FROM}\"\n")
}

type Rig = crate::rig::Rig<EmailSender>;

/// A store with an email route to `to`, and an email worker sending to `127.0.0.1:port`.
async fn rig(port: u16, to: &[&str]) -> Rig {
    Rig::new(
        |doc| doc.push_str(&email_section(port)),
        Some(&route_doc(to)),
        async |config, _| {
            EmailSender::new(config.email.as_ref().expect("[email] is set"))
                .expect("transport builds")
        },
    )
    .await
}

fn expected_message_id(job_key: &str) -> String {
    format!("<zoom-relay.{job_key}@example.org>")
}

/// The structure every message must have: multipart/alternative with a text and an HTML part,
/// our From, one To, a Message-ID, a recent Date, and nothing the parser had to repair.
fn assert_well_formed(m: &Mail, topic: &str) {
    assert!(
        m.defects.is_empty(),
        "parser defects {:?}:\n{}",
        m.defects,
        m.raw
    );
    assert_eq!(m.content_type, "multipart/alternative", "{}", m.raw);
    let types: Vec<&str> = m.parts.iter().map(|p| p.content_type.as_str()).collect();
    assert_eq!(types, ["text/plain", "text/html"], "{}", m.raw);
    assert!(m.parts[0].content.contains(topic), "{}", m.parts[0].content);
    assert!(
        m.parts[1]
            .content
            .contains(&format!("<strong>{topic}</strong>")),
        "{}",
        m.parts[1].content
    );
    assert_eq!(m.one("From"), "Meeting alerts <alerts@example.org>");
    assert_eq!(m.one("Subject"), format!("Started now: {topic}"));
    let id = m.one("Message-ID");
    assert!(
        id.starts_with("<zoom-relay.msg_") && id.ends_with("@example.org>"),
        "{id}"
    );
    let date = chrono::DateTime::parse_from_rfc2822(m.one("Date"))
        .unwrap_or_else(|e| panic!("Date {:?} is not RFC 5322: {e}", m.one("Date")));
    let age = chrono::Utc::now().signed_duration_since(date);
    assert!(age.num_seconds().abs() < 300, "Date {date} is not now");
    assert!(
        m.all("Bcc").is_empty() && m.all("Cc").is_empty(),
        "{}",
        m.raw
    );
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn started_meeting_reaches_each_recipient_through_a_running_relay() {
    let Some(python) = aiosmtpd_python() else {
        return;
    };
    let peer = SmtpPeer::start(&python, free_port()).await;
    let routes_dir = tempfile::tempdir().expect("tempdir");
    let routes_path = routes_dir.path().join("routes.toml");
    std::fs::write(
        &routes_path,
        route_doc(&["alice@example.org", "bob@example.org"]),
    )
    .unwrap();
    let port = peer.port;
    let app = spawn_app(|doc| {
        set_key(
            doc,
            "seed_routes",
            &format!("\"{}\"", routes_path.to_str().unwrap()),
        );
        doc.push_str(&email_section(port));
    })
    .await;
    let uuid = unique_uuid("relay-mail");
    let resp = app
        .send_signed(None, &started_body(&uuid, "Weekly sync"))
        .await;
    assert_eq!(resp.status(), 200);

    let mails = peer.wait_for(2).await;
    assert_eq!(mails.len(), 2, "one message per recipient");
    let event = app
        .events()
        .await
        .into_iter()
        .find(|e| e.event.body.contains(&uuid))
        .expect("stored event");
    let mut recipients = BTreeSet::new();
    for m in &mails {
        assert_well_formed(m, "Weekly sync");
        let to = m.one("To").to_string();
        // Each message went to its own recipient only: the envelope matches the header.
        assert_eq!(m.one("X-RcptTo"), to, "{}", m.raw);
        assert_eq!(m.one("X-MailFrom"), "alerts@example.org");
        let key = idempotency_key(event.seq, &Target::Email { to: to.clone() });
        assert_eq!(m.one("Message-ID"), expected_message_id(&key));
        recipients.insert(to);
    }
    assert_eq!(
        recipients.into_iter().collect::<Vec<_>>(),
        ["alice@example.org", "bob@example.org"]
    );

    let series = "deliveries_total{channel=\"email\",outcome=\"sent\",reason=\"\"}";
    app.wait_metric(series, 2.0).await;
    assert_eq!(peer.count(), 2, "no extra message");
    app.shutdown().await;
}

#[tokio::test]
async fn a_topic_cannot_inject_headers_or_recipients() {
    let Some(python) = aiosmtpd_python() else {
        return;
    };
    let peer = SmtpPeer::start(&python, free_port()).await;
    let rig = rig(peer.port, &["alice@example.org"]).await;
    let jobs = rig
        .started("Standup\r\nBcc: victim@example.org\r\nX-Evil: 1")
        .await;
    assert_eq!(jobs.len(), 1);
    let out = rig.next_outcome().await;
    assert!(matches!(out, StepOutcome::Sent { .. }), "{out:?}");

    let mails = peer.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(
        m.one("X-RcptTo"),
        "alice@example.org",
        "exactly one recipient"
    );
    assert_eq!(m.one("To"), "alice@example.org");
    assert!(m.all("Bcc").is_empty(), "{}", m.raw);
    assert!(m.all("X-Evil").is_empty(), "{}", m.raw);
    let subject = m.one("Subject");
    assert!(!subject.contains(['\r', '\n']), "{subject:?}");
    assert_eq!(
        subject,
        "Started now: Standup Bcc: victim@example.org X-Evil: 1"
    );
    for line in m.raw_head().lines() {
        let l = line.to_ascii_lowercase();
        assert!(
            !l.starts_with("bcc:") && !l.starts_with("x-evil:"),
            "injected header line {line:?}"
        );
    }

    // The sender's own guard: a job whose subject still has a line break (not one the renderer
    // made) is a dead letter, and the server hears nothing.
    let mut forged = jobs[0].clone();
    forged.idempotency_key = "msg_forged".into();
    forged.message = Message::Email {
        subject: "Hi\r\nBcc: victim@example.org".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
    };
    let sender = EmailSender::new(rig.config.email.as_ref().unwrap()).unwrap();
    let SendResult::Dead { detail, .. } = sender.send(&forged).await else {
        panic!("a subject with a line break must be a dead letter")
    };
    assert!(detail.contains("line break"), "{detail}");
    // And a recipient that is not a mailbox is dead too.
    forged.target = Target::Email {
        to: "alice@example.org, victim@example.org".into(),
    };
    forged.message = Message::Email {
        subject: "Hi".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
    };
    let SendResult::Dead { detail, .. } = sender.send(&forged).await else {
        panic!("a recipient list must be a dead letter")
    };
    assert!(detail.contains("is not an email address"), "{detail}");
    assert_eq!(peer.count(), 1, "nothing more reached the server");
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn outage_then_recovery_delivers_with_the_same_message_id() {
    let Some(python) = aiosmtpd_python() else {
        return;
    };
    // Nothing listens on this port yet: connections are refused.
    let port = free_port();
    let rig = rig(port, &["alice@example.org"]).await;
    let jobs = rig.started("Outage").await;
    assert_eq!(jobs.len(), 1);
    let job = &jobs[0];
    for _ in 0..2 {
        let out = rig.next_outcome().await;
        assert!(matches!(out, StepOutcome::Retry { .. }), "{out:?}");
    }
    let attempts = rig.store.attempts_of(job.id).await.unwrap();
    assert_eq!(attempts.len(), 2);
    for a in &attempts {
        assert_eq!(a.outcome, AttemptOutcome::Retry);
        assert_eq!(a.status, None);
        assert!(a.detail.to_lowercase().contains("refused"), "{}", a.detail);
    }

    let peer = SmtpPeer::start(&python, port).await;
    let out = rig.next_outcome().await;
    assert!(matches!(out, StepOutcome::Sent { .. }), "{out:?}");
    let attempts = rig.store.attempts_of(job.id).await.unwrap();
    assert_eq!(attempts.len(), 3);
    assert_eq!(attempts[2].outcome, AttemptOutcome::Sent);
    assert_eq!(attempts[2].status, Some(250));
    assert!(
        attempts[2].detail.starts_with("250 "),
        "{}",
        attempts[2].detail
    );
    assert!(
        rig.store.get_job(job.id).await.unwrap().is_none(),
        "job is done"
    );

    let mails = peer.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    assert_well_formed(&mails[0], "Outage");
    assert_eq!(
        mails[0].one("Message-ID"),
        expected_message_id(&job.idempotency_key)
    );
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn permanent_refusals_are_dead_and_transient_ones_retry() {
    let Some(python) = aiosmtpd_python() else {
        return;
    };
    let peer = SmtpPeer::start_picky(&python, free_port()).await;
    let rig = rig(peer.port, &["nobody@example.org", "busy@example.org"]).await;
    let jobs = rig.started("Refused").await;
    assert_eq!(jobs.len(), 2);
    let by_to = |local: &str| {
        jobs.iter()
            .find(|j| j.target.key().starts_with(&format!("email:{local}@")))
            .unwrap_or_else(|| panic!("no job for {local}"))
            .clone()
    };
    let (nobody, busy) = (by_to("nobody"), by_to("busy"));

    for _ in 0..2 {
        rig.next_outcome().await;
    }
    // 550: dead at once, with the server's reply as the reason.
    let dead = rig.store.list_dead().await.unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].job.id, nobody.id);
    assert_eq!(dead[0].reason, "550 no such user");
    let attempts = rig.store.attempts_of(nobody.id).await.unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].outcome, AttemptOutcome::Dead);
    assert_eq!(attempts[0].status, Some(550));

    // 451: retried on the schedule.
    let attempts = rig.store.attempts_of(busy.id).await.unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].outcome, AttemptOutcome::Retry);
    assert_eq!(attempts[0].status, Some(451));
    assert!(
        attempts[0].detail.contains("try again later"),
        "{}",
        attempts[0].detail
    );
    assert!(
        rig.store.get_job(busy.id).await.unwrap().is_some(),
        "still queued"
    );

    assert_eq!(peer.count(), 0, "no message was accepted");
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn a_member_unsubscribes_with_one_click_from_the_message_headers() {
    let Some(python) = aiosmtpd_python() else {
        return;
    };
    let peer = SmtpPeer::start(&python, free_port()).await;
    let routes_dir = tempfile::tempdir().expect("tempdir");
    let routes_path = routes_dir.path().join("routes.toml");
    // An organizer's list address and a member's personal subscription on one route.
    std::fs::write(
        &routes_path,
        format!(
            "{}\n  [[routes.destinations]]\n  kind = \"email\"\n  to = [\"member@example.org\"]\n  member = true\n",
            route_doc(&["list@example.org"])
        ),
    )
    .unwrap();
    let port = peer.port;
    let app = spawn_app(|doc| {
        set_key(
            doc,
            "seed_routes",
            &format!("\"{}\"", routes_path.to_str().unwrap()),
        );
        doc.push_str(&email_section(port));
    })
    .await;
    let resp = app
        .send_signed(None, &started_body(&unique_uuid("unsub"), "Weekly sync"))
        .await;
    assert_eq!(resp.status(), 200);
    let mails = peer.wait_for(2).await;
    let member = mails
        .iter()
        .find(|m| m.one("To") == "member@example.org")
        .expect("the member's message");
    let list = mails
        .iter()
        .find(|m| m.one("To") == "list@example.org")
        .expect("the list's message");
    // Every address may leave: an organizer's list address gets the header and the footer too.
    assert!(
        list.one("List-Unsubscribe").contains("/unsubscribe/"),
        "an organizer's address gets the one-click header as well"
    );
    assert!(
        [list, member]
            .iter()
            .all(|m| m.part("text/plain").contains("/manage/")
                && m.part("text/html").contains("/manage/")),
        "every alert email links its manage page"
    );
    assert_eq!(
        member.one("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    let header = member.one("List-Unsubscribe");
    let url = header
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string();
    assert!(url.starts_with(&app.url("/unsubscribe/")), "{url}");

    // A link scanner's GET changes nothing; it gets a confirmation page.
    let page = app.client.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<form method=\"post\""));
    let route = app
        .db()
        .get_route(&TenantId::new("default", ACCOUNT), "mail")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(route.destinations.len(), 2);

    // A forged token is refused.
    let forged = format!("{}x", url);
    let resp = app.client.post(&forged).send().await.unwrap();
    assert_eq!(resp.status(), 404);

    // The RFC 8058 one-click POST removes the member's subscription, and only that.
    let resp = app
        .client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let route = app
        .db()
        .get_route(&TenantId::new("default", ACCOUNT), "mail")
        .await
        .unwrap()
        .unwrap();
    let text = serde_json::to_string(&route.destinations).unwrap();
    assert!(!text.contains("member@example.org"), "{text}");
    assert!(text.contains("list@example.org"), "{text}");
    // A second click is harmless.
    let again = app.client.post(&url).send().await.unwrap();
    assert_eq!(again.status(), 200);
}
