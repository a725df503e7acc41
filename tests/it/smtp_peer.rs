//! A real SMTP server for the email tests: aiosmtpd (Python) in a child process on a loopback port,
//! storing what it accepts in a maildir that the tests read back.
//!
//! The Python comes from `ZOOM_RELAY_AIOSMTPD` (CI installs aiosmtpd 1.4.6 into a venv and points
//! this at its interpreter), else `python3` if it can import aiosmtpd. Without either, the email
//! tests fail when `CI=true` and are skipped with a printed reason otherwise.
//!
//! Received messages are parsed by Python's own `email` package (policy `default`), an independent
//! MIME implementation, so a bug in how we build messages cannot hide behind a matching bug in how
//! the test reads them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use serde::Deserialize;
use tempfile::TempDir;

use crate::helpers::{DEADLINE, STEP};

/// The handler for [`SmtpPeer::start_picky`]: a Mailbox that refuses some recipients at RCPT time
/// (`nobody@...` permanently, `busy@...` transiently) and stores messages for the others.
const PICKY_HANDLER: &str = r#"
from aiosmtpd.handlers import Mailbox


class Picky(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local == "nobody":
            return "550 no such user"
        if local == "busy":
            return "451 4.2.1 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"
"#;

/// Reads every message in a maildir's `new/` and prints them as JSON.
const PARSE_MAILDIR: &str = r#"
import email, email.policy, json, os, sys

new = os.path.join(sys.argv[1], "new")
out = []
for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
    with open(os.path.join(new, name), "rb") as f:
        raw = f.read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    if m.is_multipart():
        for p in m.iter_parts():
            parts.append({"content_type": p.get_content_type(), "content": p.get_content()})
    out.append({
        "headers": [[k, str(v)] for k, v in m.items()],
        "content_type": m.get_content_type(),
        "parts": parts,
        "defects": [repr(d) for d in m.defects],
        "raw": raw.decode("utf-8", "replace"),
    })
json.dump(out, sys.stdout)
"#;

/// The interpreter that has aiosmtpd, or None (after printing why) when the tests may skip.
/// Panics when `CI=true` and there is none, and when `ZOOM_RELAY_AIOSMTPD` is set but unusable.
pub fn aiosmtpd_python() -> Option<String> {
    static FOUND: OnceLock<Result<String, String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let imports = |py: &str| {
            Command::new(py)
                .args(["-c", "import aiosmtpd"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if let Ok(py) = std::env::var("ZOOM_RELAY_AIOSMTPD") {
            assert!(
                imports(&py),
                "ZOOM_RELAY_AIOSMTPD={py} cannot import aiosmtpd; install it with `{py} -m pip install aiosmtpd==1.4.6`"
            );
            return Ok(py);
        }
        if imports("python3") {
            return Ok("python3".to_string());
        }
        Err("no aiosmtpd: set ZOOM_RELAY_AIOSMTPD to a Python that has aiosmtpd 1.4.6 (see .ci/run)"
            .to_string())
    });
    match found {
        Ok(py) => Some(py.clone()),
        Err(why) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but the email tests cannot run: {why}"
            );
            eprintln!("skipping an email test: {why}");
            None
        }
    }
}

/// One message as Python's `email` package parsed it.
#[derive(Debug, Clone, Deserialize)]
pub struct Mail {
    /// In order, with encoded words decoded.
    pub headers: Vec<(String, String)>,
    pub content_type: String,
    /// The MIME parts of a multipart message, in order (empty otherwise).
    pub parts: Vec<MailPart>,
    /// What the parser found wrong with the message.
    pub defects: Vec<String>,
    /// The stored file as written by aiosmtpd.
    pub raw: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MailPart {
    pub content_type: String,
    pub content: String,
}

impl Mail {
    /// Every value of header `name` (case-insensitive).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of a header that must occur exactly once.
    pub fn one(&self, name: &str) -> &str {
        match self.all(name).as_slice() {
            [v] => v,
            other => panic!(
                "expected one `{name}` header, found {other:?}:\n{}",
                self.raw
            ),
        }
    }

    /// The decoded content of the part of type `content_type` (`text/plain`, `text/html`).
    pub fn part(&self, content_type: &str) -> &str {
        self.parts
            .iter()
            .find(|p| p.content_type == content_type)
            .map(|p| p.content.as_str())
            .unwrap_or_else(|| panic!("no {content_type} part:\n{}", self.raw))
    }

    /// The raw header block (before the first empty line), as stored.
    pub fn raw_head(&self) -> &str {
        let end = self
            .raw
            .find("\r\n\r\n")
            .or_else(|| self.raw.find("\n\n"))
            .unwrap_or(self.raw.len());
        &self.raw[..end]
    }
}

/// aiosmtpd on `127.0.0.1:port`; killed when dropped.
pub struct SmtpPeer {
    pub port: u16,
    child: Child,
    python: String,
    dir: TempDir,
}

impl SmtpPeer {
    /// Accepts every message into the maildir (`aiosmtpd.handlers.Mailbox`).
    pub async fn start(python: &str, port: u16) -> SmtpPeer {
        Self::spawn(python, port, "aiosmtpd.handlers.Mailbox", None).await
    }

    /// Like [`SmtpPeer::start`], but RCPT for `nobody@...` gets "550 no such user" and RCPT for
    /// `busy@...` gets "451 4.2.1 mailbox busy, try again later".
    pub async fn start_picky(python: &str, port: u16) -> SmtpPeer {
        Self::spawn(python, port, "picky_handler.Picky", Some(PICKY_HANDLER)).await
    }

    async fn spawn(python: &str, port: u16, handler: &str, module: Option<&str>) -> SmtpPeer {
        let dir = tempfile::tempdir().expect("tempdir");
        if let Some(source) = module {
            std::fs::write(dir.path().join("picky_handler.py"), source).expect("write handler");
        }
        let log = std::fs::File::create(dir.path().join("aiosmtpd.log")).expect("log file");
        let maildir = dir.path().join("maildir");
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", handler])
            .arg(&maildir)
            .current_dir(dir.path())
            .env("PYTHONPATH", dir.path())
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start aiosmtpd with {python}: {e}"));
        let mut peer = SmtpPeer {
            port,
            child,
            python: python.to_string(),
            dir,
        };
        peer.wait_listening().await;
        peer
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("aiosmtpd.log")).unwrap_or_default()
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    async fn wait_listening(&mut self) {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                panic!(
                    "aiosmtpd exited with {status} before listening on port {}:\n{}",
                    self.port,
                    self.log()
                );
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "aiosmtpd not listening on port {} within {DEADLINE:?}:\n{}",
                self.port,
                self.log()
            );
            tokio::time::sleep(STEP).await;
        }
    }

    /// How many messages are stored so far.
    pub fn count(&self) -> usize {
        match std::fs::read_dir(self.maildir().join("new")) {
            Ok(entries) => entries.filter(|e| e.is_ok()).count(),
            Err(_) => 0,
        }
    }

    /// Every stored message, parsed.
    pub async fn messages(&self) -> Vec<Mail> {
        parse_maildir(&self.python, &self.maildir()).await
    }

    /// Polls until at least `n` messages are stored, within [`DEADLINE`]; returns them parsed.
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        while self.count() < n {
            assert!(
                tokio::time::Instant::now() < deadline,
                "aiosmtpd stored {} of {n} messages within {DEADLINE:?}:\n{}",
                self.count(),
                self.log()
            );
            tokio::time::sleep(STEP).await;
        }
        self.messages().await
    }
}

impl Drop for SmtpPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn parse_maildir(python: &str, maildir: &Path) -> Vec<Mail> {
    let out = tokio::time::timeout(
        DEADLINE,
        tokio::process::Command::new(python)
            .args(["-c", PARSE_MAILDIR])
            .arg(maildir)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("parsing the maildir finishes within the deadline")
    .expect("python runs");
    assert!(
        out.status.success(),
        "parsing the maildir failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("parser output is JSON")
}
