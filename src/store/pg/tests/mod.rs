//! Tests of the PostgreSQL backend against the server on 127.0.0.1:5432, one fresh database per
//! test. They skip (saying why) when no server answers, except under `CI=true`, where a missing
//! server fails them.

use std::sync::Arc;

use super::{PgStore, Statements};
use crate::routing::{Channel, Destination, Target};
use crate::store::seam::*;
use crate::store::{
    AppendOutcome, Attempt, AttemptOutcome, Claim, EventStatus, Finish, Job, Message, NewEvent,
    NewJob, StoreError, test_attempt, test_event, test_job,
};

/// The server tests use: `ZOOM_RELAY_TEST_PG` (a URL to an admin database), else the local one.
fn admin_url() -> String {
    std::env::var("ZOOM_RELAY_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_db(url: &str, db: &str) -> String {
    match url.rfind('/') {
        Some(i) if url[..i].contains("://") && url[..i].ends_with(|c: char| c != '/') => {
            format!("{}/{db}", &url[..i])
        }
        _ => format!("{url}/{db}"),
    }
}

/// A throwaway database, dropped (with any connections still open to it) on drop.
pub struct TestDb {
    pub name: String,
    admin: String,
}

impl TestDb {
    /// The database's URL, for a second store on it (a second replica).
    pub fn url(&self) -> String {
        with_db(&self.admin, &self.name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop may run inside a runtime, which cannot block on another: use a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok((c, conn)) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await
                {
                    tokio::spawn(conn);
                    let _ = c
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

/// A fresh, migrated database and a store on it; None (after printing why) when PostgreSQL is not
/// reachable and `CI` is not `true`.
pub async fn test_store() -> Option<(TestDb, PgStore)> {
    let admin = admin_url();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let connected = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio_postgres::connect(&admin, tokio_postgres::NoTls),
    )
    .await;
    let (client, conn) = match connected {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            assert!(!ci, "CI=true and PostgreSQL at {admin} is unreachable: {e}");
            eprintln!("skipping: PostgreSQL at {admin} is unreachable: {e}");
            return None;
        }
        Err(_) => {
            assert!(!ci, "CI=true and PostgreSQL at {admin} does not answer");
            eprintln!("skipping: PostgreSQL at {admin} does not answer");
            return None;
        }
    };
    tokio::spawn(conn);
    let name = format!("zr_test_{:016x}", rand::random::<u64>());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create the test database");
    let db = TestDb {
        name: name.clone(),
        admin: admin.clone(),
    };
    let store = PgStore::connect(&with_db(&admin, &name), Some([7u8; 32]))
        .await
        .expect("connect to the test database");
    Some((db, store))
}

macro_rules! store_or_skip {
    () => {
        match test_store().await {
            Some(s) => s,
            None => return,
        }
    };
}

fn event(account: &str, n: u32) -> NewEvent {
    test_event(account, n as i64, format!(r#"{{"n":{n}}}"#))
}

fn key(n: u32) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..4].copy_from_slice(&n.to_be_bytes());
    k
}

fn job(idem: &str, account: &str, chat: i64) -> NewJob {
    let target = Target::Telegram {
        chat_id: chat,
        thread_id: None,
        bot: None,
    };
    let message = Message::Telegram { html: idem.into() };
    NewJob {
        received_at_ms: 0,
        ..test_job(account, idem, target, message)
    }
}

fn attempt(job_id: u64, n: u32, outcome: AttemptOutcome) -> Attempt {
    Attempt {
        status: Some(200),
        ..test_attempt(job_id, n, now(), outcome)
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn admin_client() -> tokio_postgres::Client {
    let (c, conn) = tokio_postgres::connect(&admin_url(), tokio_postgres::NoTls)
        .await
        .expect("admin connection");
    tokio::spawn(conn);
    c
}

mod aggregates;
mod cluster;
mod intake;
mod queue;
