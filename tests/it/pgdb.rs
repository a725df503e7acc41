//! A PostgreSQL database of its own for one test: created on the server at 127.0.0.1:5432 (or
//! `ZOOM_RELAY_TEST_PG`, a URL to an admin database) and dropped with its connections afterwards.
//! Tests skip, saying why, when the server does not answer, except under `CI=true`, where that
//! fails them.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::helpers::*;

pub fn admin_url() -> String {
    std::env::var("ZOOM_RELAY_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// `url` with its database replaced by `db`.
pub fn with_db(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let base = match base.rfind('/') {
        Some(i) if base[..i].contains("://") && !base[..i].ends_with('/') => &base[..i],
        _ => base,
    };
    match query {
        "" => format!("{base}/{db}"),
        q => format!("{base}/{db}?{q}"),
    }
}

/// A database of its own for one test, dropped (with any connections left) when this is dropped.
pub struct FreshDb {
    pub name: String,
    pub admin: String,
    pub url: String,
}

impl FreshDb {
    /// None (after printing why) when PostgreSQL does not answer and `CI` is not `true`.
    pub async fn create() -> Option<FreshDb> {
        static N: AtomicU64 = AtomicU64::new(0);
        let admin = admin_url();
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        let connected = tokio::time::timeout(
            DEADLINE,
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
        let name = format!(
            "zr_it_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros()
        );
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
        let url = with_db(&admin, &name);
        Some(FreshDb { name, admin, url })
    }

    /// The config edit that puts a relay on this database.
    pub fn tweak(&self) -> impl FnOnce(&mut String) + use<> {
        let url = self.url.clone();
        move |doc: &mut String| {
            set_key(
                doc,
                "dedup_retention_secs",
                &format!("604800\nbackend = \"postgres\"\nurl = \"{url}\""),
            )
        }
    }
}

impl Drop for FreshDb {
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

impl FreshDb {
    /// Cuts the relays off this database (or lets them back in): new connections are refused and
    /// open ones are terminated, as in a database outage.
    pub async fn set_reachable(&self, reachable: bool) {
        let (c, conn) = tokio_postgres::connect(&self.admin, tokio_postgres::NoTls)
            .await
            .expect("admin connection");
        tokio::spawn(conn);
        let name = &self.name;
        c.batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS {reachable}"
        ))
        .await
        .expect("alter database");
        if !reachable {
            c.batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ))
            .await
            .expect("terminate connections");
        }
    }
}
