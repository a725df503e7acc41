//! Routes, tenants, auth, the bot's records, chat state, meetings and notices on PostgreSQL.
//!
//! Each is a table keyed like the sled tree it replaces. Single-row compare-and-swaps become
//! conditional statements (`INSERT ... ON CONFLICT DO NOTHING`, `UPDATE ... WHERE version = $v`,
//! `SELECT ... FOR UPDATE` in a transaction), and multi-row changes are transactions.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::{PgStore, Tx, dec, enc};
use crate::routing::{Destination, Route};
use crate::store::auth::{ApiToken, Grant, Session, secret_hash};
use crate::store::bot::{ChatLink, CodeKind, CodeRecord, Mute, OrganizerLink, Redeem, code_hash};
use crate::store::sealing::{open_route, seal_route};
use crate::store::seam::*;
use crate::store::telegram::{ChatPace, PartProgress};
use crate::store::{
    AuditEntry, DisabledTarget, ImportReport, MeetingMemory, Notice, PurgeReport, StoreError,
    Tenant,
};

/// How many recorded chat migrations are followed at most (a loop in them must not hang a send).
const MAX_MIGRATION_HOPS: usize = 8;

const LAST_UPDATE: &str = "last_update_id";
const NOTICE_WATERMARK: &str = "notice_watermark";
const USERNAME: &str = "username";
const CHATS_MIGRATED: &str = "chat_links_migrated";

/// Sled orders chat ids by their big-endian bytes, so non-negative ids come first; listings keep
/// that order.
const CHAT_ORDER: &str = "(chat_id < 0), chat_id";

impl PgStore {
    fn encode_route(&self, route: &Route) -> Vec<u8> {
        enc(&seal_route(self.shared.data_key.as_ref(), route))
    }

    fn decode_route(&self, v: &[u8]) -> Result<Route, StoreError> {
        dec::<Route>(v).map(|r| open_route(self.shared.data_key.as_ref(), r))
    }

    async fn state(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .query_opt("SELECT value FROM bot_state WHERE key = $1", &[&key])
            .await?
            .map(|r| r.get(0)))
    }

    async fn set_state(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO bot_state (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&key, &value],
        )
        .await?;
        Ok(())
    }

    /// Stores a session (the console's sign-in); sessions of a tenant go with its purge.
    async fn put_session_row(&self, id: &str, s: &Session) -> Result<(), StoreError> {
        let (app, account) = match &s.grant {
            Grant::Tenant { app_id, account_id } => (Some(app_id), Some(account_id)),
            Grant::Operator => (None, None),
        };
        self.execute(
            "INSERT INTO sessions (key, app_id, account_id, expires_at_ms, record)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (key) DO UPDATE SET app_id = EXCLUDED.app_id,
                 account_id = EXCLUDED.account_id, expires_at_ms = EXCLUDED.expires_at_ms,
                 record = EXCLUDED.record",
            &[
                &secret_hash(id).as_slice(),
                &app,
                &account,
                &s.expires_at_ms,
                &enc(s),
            ],
        )
        .await?;
        Ok(())
    }
}

async fn put_route_tx(tx: &Tx<'_>, store: &PgStore, route: &Route) -> Result<bool, StoreError> {
    let row = tx
        .query_opt(
            "INSERT INTO routes (app_id, account_id, name, version, record) VALUES ($1, $2, $3, 1, $4)
             ON CONFLICT (app_id, account_id, name)
             DO UPDATE SET record = EXCLUDED.record, version = routes.version + 1
             RETURNING (xmax = 0)",
            &[
                &route.app_id,
                &route.account_id,
                &route.name,
                &store.encode_route(route),
            ],
        )
        .await?;
    Ok(row.is_some_and(|r| r.get::<_, bool>(0)))
}

#[async_trait]
impl RouteStore for PgStore {
    async fn get_route_versioned(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<Option<(Route, RouteVersion)>, StoreError> {
        match self
            .query_opt(
                "SELECT record, version FROM routes
                 WHERE app_id = $1 AND account_id = $2 AND name = $3",
                &[&app_id, &account_id, &name],
            )
            .await?
        {
            None => Ok(None),
            Some(r) => Ok(Some((
                self.decode_route(r.get::<_, &[u8]>(0))?,
                RouteVersion(r.get::<_, i64>(1).to_be_bytes().to_vec()),
            ))),
        }
    }

    async fn swap_route(&self, version: &RouteVersion, route: &Route) -> Result<bool, StoreError> {
        let Ok(v) = <[u8; 8]>::try_from(version.0.as_slice()) else {
            return Ok(false); // not a version this backend handed out
        };
        let n = self
            .execute(
                "UPDATE routes SET record = $5, version = version + 1
                 WHERE app_id = $1 AND account_id = $2 AND name = $3 AND version = $4",
                &[
                    &route.app_id,
                    &route.account_id,
                    &route.name,
                    &i64::from_be_bytes(v),
                    &self.encode_route(route),
                ],
            )
            .await?;
        Ok(n == 1)
    }

    async fn create_route(&self, route: &Route) -> Result<bool, StoreError> {
        let n = self
            .execute(
                "INSERT INTO routes (app_id, account_id, name, version, record)
                 VALUES ($1, $2, $3, 1, $4) ON CONFLICT DO NOTHING",
                &[
                    &route.app_id,
                    &route.account_id,
                    &route.name,
                    &self.encode_route(route),
                ],
            )
            .await?;
        Ok(n == 1)
    }

    async fn routes_is_empty(&self) -> bool {
        self.route_count().await == 0
    }

    async fn route_count(&self) -> usize {
        self.count("SELECT count(*) FROM routes", &[]).await
    }

    async fn list_routes(&self, tenant: Option<(&str, &str)>) -> Result<Vec<Route>, StoreError> {
        let (app, account) = tenant.unzip();
        self.query(
            "SELECT record FROM routes
             WHERE ($1::text IS NULL OR (app_id = $1 AND account_id = $2))
             ORDER BY app_id, account_id, name",
            &[&app, &account],
        )
        .await?
        .iter()
        .map(|r| self.decode_route(r.get::<_, &[u8]>(0)))
        .collect()
    }

    async fn get_route(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<Option<Route>, StoreError> {
        Ok(self
            .get_route_versioned(app_id, account_id, name)
            .await?
            .map(|(r, _)| r))
    }

    async fn put_route(&self, route: &Route) -> Result<bool, StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let new = put_route_tx(&tx, self, route).await?;
        tx.commit().await?;
        Ok(new)
    }

    async fn take_route(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<Option<Route>, StoreError> {
        self.query_opt(
            "DELETE FROM routes WHERE app_id = $1 AND account_id = $2 AND name = $3
             RETURNING record",
            &[&app_id, &account_id, &name],
        )
        .await?
        .map(|r| self.decode_route(r.get::<_, &[u8]>(0)))
        .transpose()
    }

    async fn remove_route(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .execute(
                "DELETE FROM routes WHERE app_id = $1 AND account_id = $2 AND name = $3",
                &[&app_id, &account_id, &name],
            )
            .await?
            == 1)
    }

    async fn import_routes(&self, routes: &[Route]) -> Result<ImportReport, StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let mut rep = ImportReport::default();
        for r in routes {
            if put_route_tx(&tx, self, r).await? {
                rep.created += 1;
            } else {
                rep.updated += 1;
            }
        }
        tx.commit().await?;
        Ok(rep)
    }

    async fn tenant_templates(
        &self,
        app_id: &str,
        account_id: &str,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        Ok(self
            .query(
                "SELECT name, source FROM templates WHERE app_id = $1 AND account_id = $2",
                &[&app_id, &account_id],
            )
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    async fn set_template(
        &self,
        app_id: &str,
        account_id: &str,
        event: &str,
        key: &str,
        source: &str,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO templates (app_id, account_id, name, source) VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_id, account_id, name) DO UPDATE SET source = EXCLUDED.source",
            &[&app_id, &account_id, &format!("{event}/{key}"), &source],
        )
        .await?;
        Ok(())
    }

    async fn remove_template(
        &self,
        app_id: &str,
        account_id: &str,
        event: &str,
        key: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .execute(
                "DELETE FROM templates WHERE app_id = $1 AND account_id = $2 AND name = $3",
                &[&app_id, &account_id, &format!("{event}/{key}")],
            )
            .await?
            == 1)
    }
}

fn add(report: &mut PurgeReport, kind: &str, n: u64) {
    if n > 0 {
        *report.deleted.entry(kind.to_string()).or_default() += n;
    }
}

/// What a purge deletes, in order, as (report kind, statement with $1 = app, $2 = account). Rows
/// that hang off a job (attempts, part progress, idempotency keys) go before the job.
const PURGE_STEPS: &[(&str, &str)] = &[
    (
        "tenant",
        "DELETE FROM tenants WHERE app_id = $1 AND account_id = $2",
    ),
    (
        "routes",
        "DELETE FROM routes WHERE app_id = $1 AND account_id = $2",
    ),
    (
        "templates",
        "DELETE FROM templates WHERE app_id = $1 AND account_id = $2",
    ),
    (
        "notices",
        "DELETE FROM notices WHERE app_id = $1 AND account_id = $2",
    ),
    (
        "disabled_targets",
        "DELETE FROM disabled_targets WHERE app_id = $1 AND account_id = $2",
    ),
    (
        "meeting_memory",
        "DELETE FROM meetings WHERE app_id = $1 AND account_id = $2",
    ),
    (
        "meeting_memory",
        "DELETE FROM meeting_ended WHERE app_id = $1 AND account_id = $2",
    ),
    (
        "",
        "DELETE FROM attempts WHERE job_id IN (
             SELECT id FROM jobs WHERE app_id = $1 AND account_id = $2
             UNION ALL SELECT id FROM dead_jobs WHERE app_id = $1 AND account_id = $2)",
    ),
    (
        "",
        "DELETE FROM telegram_parts WHERE job_id IN (
             SELECT id FROM jobs WHERE app_id = $1 AND account_id = $2
             UNION ALL SELECT id FROM dead_jobs WHERE app_id = $1 AND account_id = $2)",
    ),
    (
        "",
        "DELETE FROM idem WHERE job_id IN (
             SELECT id FROM jobs WHERE app_id = $1 AND account_id = $2
             UNION ALL SELECT id FROM dead_jobs WHERE app_id = $1 AND account_id = $2)",
    ),
    (
        "jobs",
        "DELETE FROM jobs WHERE app_id = $1 AND account_id = $2",
    ),
    (
        "dead_letters",
        "DELETE FROM dead_jobs WHERE app_id = $1 AND account_id = $2",
    ),
    (
        "sent",
        "DELETE FROM sent_jobs WHERE app_id = $1 AND account_id = $2",
    ),
];

/// The tenant's stored events other than `$3` (the event being handled): its own, or, for a
/// malformed event whose account could not be parsed, one whose raw record names the account.
const TENANT_EVENTS: &str = "SELECT seq FROM events WHERE app_id = $1
    AND (account_id = $2 OR (account_id IS NULL AND position(convert_to($2, 'UTF8') IN record) > 0))
    AND seq IS DISTINCT FROM $3";

#[async_trait]
impl TenantStore for PgStore {
    async fn get_tenant(
        &self,
        app_id: &str,
        account_id: &str,
    ) -> Result<Option<Tenant>, StoreError> {
        self.query_opt(
            "SELECT record FROM tenants WHERE app_id = $1 AND account_id = $2",
            &[&app_id, &account_id],
        )
        .await?
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .transpose()
    }

    async fn put_tenant(&self, t: &Tenant) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO tenants (app_id, account_id, record) VALUES ($1, $2, $3)
             ON CONFLICT (app_id, account_id) DO UPDATE SET record = EXCLUDED.record",
            &[&t.app_id, &t.account_id, &enc(t)],
        )
        .await?;
        Ok(())
    }

    async fn list_tenants(&self, app_id: Option<&str>) -> Result<Vec<Tenant>, StoreError> {
        self.query(
            "SELECT record FROM tenants WHERE ($1::text IS NULL OR app_id = $1)
             ORDER BY app_id, account_id",
            &[&app_id],
        )
        .await?
        .iter()
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .collect()
    }

    async fn add_audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO audit (at_ms, record) VALUES ($1, $2)",
            &[&e.at_ms, &enc(e)],
        )
        .await?;
        Ok(())
    }

    async fn list_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.query("SELECT record FROM audit ORDER BY at_ms, id", &[])
            .await?
            .iter()
            .map(|r| dec(r.get::<_, &[u8]>(0)))
            .collect()
    }

    /// Everything of the tenant in one transaction: it is all gone, or (on failure) all there and
    /// the purge runs again.
    async fn purge_tenant(
        &self,
        app_id: &str,
        account_id: &str,
        event_last: Option<u64>,
    ) -> Result<PurgeReport, StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let mut report = PurgeReport {
            tenant_existed: tx
                .query_opt(
                    "SELECT 1 FROM tenants WHERE app_id = $1 AND account_id = $2",
                    &[&app_id, &account_id],
                )
                .await?
                .is_some(),
            ..PurgeReport::default()
        };
        for (kind, sql) in PURGE_STEPS {
            let n = tx.execute(sql, &[&app_id, &account_id]).await?;
            if !kind.is_empty() {
                add(&mut report, kind, n);
            }
        }
        // Stored events, with the history of the jobs they produced (found by event seq).
        let last = event_last.map(|s| s as i64);
        let p: [&(dyn tokio_postgres::types::ToSql + Sync); 3] = [&app_id, &account_id, &last];
        let attempts = tx
            .execute(
                &format!(
                    "DELETE FROM attempts WHERE job_id IN (
                         SELECT job_id FROM idem WHERE event_seq IN ({TENANT_EVENTS}))"
                ),
                &p,
            )
            .await?;
        add(&mut report, "attempts", attempts);
        tx.execute(
            &format!(
                "DELETE FROM telegram_parts WHERE job_id IN (
                     SELECT job_id FROM idem WHERE event_seq IN ({TENANT_EVENTS}))"
            ),
            &p,
        )
        .await?;
        tx.execute(
            &format!("DELETE FROM idem WHERE event_seq IN ({TENANT_EVENTS})"),
            &p,
        )
        .await?;
        let events = tx
            .execute(
                &format!("DELETE FROM events WHERE seq IN ({TENANT_EVENTS})"),
                &p,
            )
            .await?;
        add(&mut report, "events", events);
        add(
            &mut report,
            "bot_records",
            purge_bot(&tx, app_id, account_id).await?,
        );
        let tokens = tx
            .execute(
                "DELETE FROM api_tokens WHERE app_id = $1 AND account_id = $2",
                &[&app_id, &account_id],
            )
            .await?;
        let sessions = tx
            .execute(
                "DELETE FROM sessions WHERE app_id = $1 AND account_id = $2",
                &[&app_id, &account_id],
            )
            .await?;
        add(&mut report, "sessions_and_tokens", tokens + sessions);
        if let Some(seq) = last {
            let n = tx
                .execute("DELETE FROM events WHERE seq = $1", &[&seq])
                .await?;
            add(&mut report, "events", n);
        }
        tx.commit().await?;
        Ok(report)
    }
}

async fn purge_bot(tx: &Tx<'_>, app_id: &str, account_id: &str) -> Result<u64, StoreError> {
    let mut n = 0;
    for table in ["bot_codes", "bot_chats", "bot_organizers", "bot_mutes"] {
        n += tx
            .execute(
                &format!("DELETE FROM {table} WHERE app_id = $1 AND account_id = $2"),
                &[&app_id, &account_id],
            )
            .await?;
    }
    Ok(n)
}

#[async_trait]
impl AuthStore for PgStore {
    async fn put_session(&self, id: &str, s: &Session) -> Result<(), StoreError> {
        self.put_session_row(id, s).await
    }

    async fn get_session(&self, id: &str, now_ms: i64) -> Result<Option<Session>, StoreError> {
        let key = secret_hash(id);
        let Some(row) = self
            .query_opt(
                "SELECT record FROM sessions WHERE key = $1",
                &[&key.as_slice()],
            )
            .await?
        else {
            return Ok(None);
        };
        let s: Session = dec(row.get::<_, &[u8]>(0))?;
        if s.expires_at_ms <= now_ms {
            self.remove_session(id).await?;
            return Ok(None);
        }
        Ok(Some(s))
    }

    async fn remove_session(&self, id: &str) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM sessions WHERE key = $1",
            &[&secret_hash(id).as_slice()],
        )
        .await?;
        Ok(())
    }

    async fn expire_sessions(&self, now_ms: i64) -> Result<usize, StoreError> {
        Ok(self
            .execute("DELETE FROM sessions WHERE expires_at_ms <= $1", &[&now_ms])
            .await? as usize)
    }

    async fn put_api_token(&self, token: &str, t: &ApiToken) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO api_tokens (key, id, app_id, account_id, created_at_ms, record)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (key) DO UPDATE SET id = EXCLUDED.id, app_id = EXCLUDED.app_id,
                 account_id = EXCLUDED.account_id, created_at_ms = EXCLUDED.created_at_ms,
                 record = EXCLUDED.record",
            &[
                &secret_hash(token).as_slice(),
                &t.id,
                &t.app_id,
                &t.account_id,
                &t.created_at_ms,
                &enc(t),
            ],
        )
        .await?;
        Ok(())
    }

    async fn api_token(&self, token: &str) -> Result<Option<ApiToken>, StoreError> {
        self.query_opt(
            "SELECT record FROM api_tokens WHERE key = $1",
            &[&secret_hash(token).as_slice()],
        )
        .await?
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .transpose()
    }

    async fn list_api_tokens(
        &self,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<ApiToken>, StoreError> {
        let (app, account) = tenant.unzip();
        self.query(
            "SELECT record FROM api_tokens
             WHERE ($1::text IS NULL OR (app_id = $1 AND account_id = $2))
             ORDER BY created_at_ms, key",
            &[&app, &account],
        )
        .await?
        .iter()
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .collect()
    }

    async fn revoke_api_token(
        &self,
        id: &str,
        tenant: Option<(&str, &str)>,
    ) -> Result<bool, StoreError> {
        let (app, account) = tenant.unzip();
        Ok(self
            .execute(
                "DELETE FROM api_tokens WHERE key = (
                     SELECT key FROM api_tokens
                     WHERE id = $1 AND ($2::text IS NULL OR (app_id = $2 AND account_id = $3))
                     ORDER BY key LIMIT 1)",
                &[&id, &app, &account],
            )
            .await?
            == 1)
    }
}

/// Inserts `link` unless its chat is linked already. Returns the link that holds afterwards, or
/// None when the existing one was removed between the insert and the read (the caller retries).
async fn link_chat_tx(tx: &Tx<'_>, link: &ChatLink) -> Result<Option<ChatLink>, StoreError> {
    let inserted = tx
        .execute(
            "INSERT INTO bot_chats (chat_id, app_id, account_id, record) VALUES ($1, $2, $3, $4)
             ON CONFLICT (chat_id) DO NOTHING",
            &[&link.chat_id, &link.app_id, &link.account_id, &enc(link)],
        )
        .await?;
    if inserted == 1 {
        return Ok(Some(link.clone()));
    }
    tx.query_opt(
        "SELECT record FROM bot_chats WHERE chat_id = $1",
        &[&link.chat_id],
    )
    .await?
    .map(|r| dec(r.get::<_, &[u8]>(0)))
    .transpose()
}

#[async_trait]
impl BotStore for PgStore {
    async fn chat_link(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError> {
        self.query_opt(
            "SELECT record FROM bot_chats WHERE chat_id = $1",
            &[&chat_id],
        )
        .await?
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .transpose()
    }

    async fn link_chat(&self, link: &ChatLink) -> Result<ChatLink, StoreError> {
        // A link removed between the insert and the read is retried (as sled's loop does).
        for _ in 0..8 {
            let mut c = self.client().await?;
            let tx = Tx::begin(self, &mut c).await?;
            if let Some(l) = link_chat_tx(&tx, link).await? {
                tx.commit().await?;
                return Ok(l);
            }
        }
        Err(StoreError::Contended(format!("chat link {}", link.chat_id)))
    }

    async fn unlink_chat(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError> {
        self.query_opt(
            "DELETE FROM bot_chats WHERE chat_id = $1 RETURNING record",
            &[&chat_id],
        )
        .await?
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .transpose()
    }

    async fn move_chat_link(&self, old: i64, new: i64) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        if let Some(row) = tx
            .query_opt(
                "DELETE FROM bot_chats WHERE chat_id = $1 RETURNING record",
                &[&old],
            )
            .await?
        {
            let mut link: ChatLink = dec(row.get::<_, &[u8]>(0))?;
            link.chat_id = new;
            link_chat_tx(&tx, &link).await?;
        }
        tx.commit().await
    }

    async fn all_chat_links(&self) -> Result<Vec<ChatLink>, StoreError> {
        self.query(
            &format!("SELECT record FROM bot_chats ORDER BY {CHAT_ORDER}"),
            &[],
        )
        .await?
        .iter()
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .collect()
    }

    async fn chat_links_migrated(&self) -> Result<bool, StoreError> {
        Ok(self.state(CHATS_MIGRATED).await?.is_some())
    }

    async fn set_chat_links_migrated(&self) -> Result<(), StoreError> {
        self.set_state(CHATS_MIGRATED, "1").await
    }

    async fn put_code(&self, code: &str, rec: &CodeRecord) -> Result<bool, StoreError> {
        Ok(self
            .execute(
                "INSERT INTO bot_codes (hash, id, app_id, account_id, created_at_ms, record)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hash) DO NOTHING",
                &[
                    &code_hash(code).as_slice(),
                    &rec.id,
                    &rec.app_id,
                    &rec.account_id,
                    &rec.created_at_ms,
                    &enc(rec),
                ],
            )
            .await?
            == 1)
    }

    async fn code_record(&self, code: &str) -> Result<Option<CodeRecord>, StoreError> {
        self.query_opt(
            "SELECT record FROM bot_codes WHERE hash = $1",
            &[&code_hash(code).as_slice()],
        )
        .await?
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .transpose()
    }

    async fn list_codes(
        &self,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<CodeRecord>, StoreError> {
        let (app, account) = tenant.unzip();
        self.query(
            "SELECT record FROM bot_codes
             WHERE ($1::text IS NULL OR (app_id = $1 AND account_id = $2))
             ORDER BY created_at_ms, hash",
            &[&app, &account],
        )
        .await?
        .iter()
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .collect()
    }

    async fn revoke_code(
        &self,
        id: &str,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<CodeRecord>, StoreError> {
        let (app, account) = tenant.unzip();
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let rows = tx
            .query(
                "SELECT hash, record FROM bot_codes
                 WHERE starts_with(id, $1) AND ($2::text IS NULL OR (app_id = $2 AND account_id = $3))
                 ORDER BY hash FOR UPDATE",
                &[&id, &app, &account],
            )
            .await?;
        let mut out = Vec::new();
        for row in &rows {
            let mut rec: CodeRecord = dec(row.get::<_, &[u8]>(1))?;
            rec.revoked = true;
            tx.execute(
                "UPDATE bot_codes SET record = $2 WHERE hash = $1",
                &[&row.get::<_, &[u8]>(0), &enc(&rec)],
            )
            .await?;
            out.push(rec);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The row is locked while it is checked and updated, so of two people redeeming a single-use
    /// code at once only one succeeds.
    async fn redeem_code(
        &self,
        code: &str,
        accepted: &[CodeKind],
        now_ms: i64,
    ) -> Result<Redeem, StoreError> {
        let hash = code_hash(code);
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let Some(row) = tx
            .query_opt(
                "SELECT record FROM bot_codes WHERE hash = $1 FOR UPDATE",
                &[&hash.as_slice()],
            )
            .await?
        else {
            return Ok(Redeem::Unknown);
        };
        let mut rec: CodeRecord = dec(row.get::<_, &[u8]>(0))?;
        let verdict = if rec.revoked {
            Some(Redeem::Revoked)
        } else if rec.kind.single_use() && rec.used_at_ms.is_some() {
            Some(Redeem::Used)
        } else if rec.expires_at_ms.is_some_and(|e| e <= now_ms) {
            Some(Redeem::Expired)
        } else if !accepted.contains(&rec.kind) {
            Some(Redeem::WrongKind(rec.kind))
        } else {
            None
        };
        if let Some(v) = verdict {
            return Ok(v);
        }
        rec.uses += 1;
        if rec.kind.single_use() {
            rec.used_at_ms = Some(now_ms);
        }
        tx.execute(
            "UPDATE bot_codes SET record = $2 WHERE hash = $1",
            &[&hash.as_slice(), &enc(&rec)],
        )
        .await?;
        tx.commit().await?;
        Ok(Redeem::Ok(rec))
    }

    async fn add_organizer(&self, link: &OrganizerLink) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO bot_organizers (app_id, account_id, user_id, record) VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_id, account_id, user_id) DO UPDATE SET record = EXCLUDED.record",
            &[&link.app_id, &link.account_id, &link.user_id, &enc(link)],
        )
        .await?;
        Ok(())
    }

    async fn organizer_links(&self, user_id: i64) -> Result<Vec<OrganizerLink>, StoreError> {
        self.query(
            "SELECT record FROM bot_organizers WHERE user_id = $1 ORDER BY app_id, account_id",
            &[&user_id],
        )
        .await?
        .iter()
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .collect()
    }

    async fn remove_organizer_links(&self, user_id: i64) -> Result<usize, StoreError> {
        Ok(self
            .execute("DELETE FROM bot_organizers WHERE user_id = $1", &[&user_id])
            .await? as usize)
    }

    async fn remove_organizer(
        &self,
        app_id: &str,
        account_id: &str,
        user_id: i64,
    ) -> Result<bool, StoreError> {
        Ok(self
            .execute(
                "DELETE FROM bot_organizers WHERE app_id = $1 AND account_id = $2 AND user_id = $3",
                &[&app_id, &account_id, &user_id],
            )
            .await?
            == 1)
    }

    async fn all_organizers(&self) -> Result<Vec<OrganizerLink>, StoreError> {
        self.query(
            "SELECT record FROM bot_organizers
             ORDER BY app_id, account_id, (user_id < 0), user_id",
            &[],
        )
        .await?
        .iter()
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .collect()
    }

    async fn tenant_organizers(
        &self,
        app_id: &str,
        account_id: &str,
    ) -> Result<Vec<OrganizerLink>, StoreError> {
        self.query(
            "SELECT record FROM bot_organizers WHERE app_id = $1 AND account_id = $2
             ORDER BY (user_id < 0), user_id",
            &[&app_id, &account_id],
        )
        .await?
        .iter()
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .collect()
    }

    async fn set_mute(
        &self,
        app_id: &str,
        account_id: &str,
        chat_id: i64,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO bot_mutes (app_id, account_id, chat_id, until_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_id, account_id, chat_id) DO UPDATE SET until_ms = EXCLUDED.until_ms",
            &[&app_id, &account_id, &chat_id, &until_ms],
        )
        .await?;
        Ok(())
    }

    async fn mutes_of(&self, chat_id: i64) -> Result<Vec<Mute>, StoreError> {
        Ok(self
            .query(
                "SELECT app_id, account_id, until_ms FROM bot_mutes WHERE chat_id = $1
                 ORDER BY app_id, account_id",
                &[&chat_id],
            )
            .await?
            .iter()
            .map(|r| Mute {
                app_id: r.get(0),
                account_id: r.get(1),
                chat_id,
                until_ms: r.get(2),
            })
            .collect())
    }

    async fn clear_mutes(&self, chat_id: i64) -> Result<usize, StoreError> {
        Ok(self
            .execute("DELETE FROM bot_mutes WHERE chat_id = $1", &[&chat_id])
            .await? as usize)
    }

    async fn is_member_muted(
        &self,
        app_id: &str,
        account_id: &str,
        chat_id: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        Ok(self
            .query_opt(
                "SELECT 1 FROM bot_mutes
                 WHERE app_id = $1 AND account_id = $2 AND chat_id = $3 AND until_ms > $4",
                &[&app_id, &account_id, &chat_id, &now_ms],
            )
            .await?
            .is_some())
    }

    async fn bot_last_update(&self) -> Result<Option<i64>, StoreError> {
        Ok(self.state(LAST_UPDATE).await?.and_then(|v| v.parse().ok()))
    }

    async fn set_bot_last_update(&self, update_id: i64) -> Result<(), StoreError> {
        self.set_state(LAST_UPDATE, &update_id.to_string()).await
    }

    async fn bot_notice_watermark(&self) -> Result<Option<u64>, StoreError> {
        Ok(self
            .state(NOTICE_WATERMARK)
            .await?
            .and_then(|v| v.parse().ok()))
    }

    async fn set_bot_notice_watermark(&self, id: u64) -> Result<(), StoreError> {
        self.set_state(NOTICE_WATERMARK, &id.to_string()).await
    }

    async fn bot_username(&self) -> Result<Option<String>, StoreError> {
        self.state(USERNAME).await
    }

    async fn set_bot_username(&self, username: &str) -> Result<(), StoreError> {
        self.set_state(USERNAME, username).await
    }

    async fn purge_bot_tenant(&self, app_id: &str, account_id: &str) -> Result<u64, StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let n = purge_bot(&tx, app_id, account_id).await?;
        tx.commit().await?;
        Ok(n)
    }
}

#[async_trait]
impl ChatStateStore for PgStore {
    async fn telegram_paces(&self) -> Result<Vec<(i64, ChatPace)>, StoreError> {
        self.query(
            &format!("SELECT chat_id, record FROM telegram_pacing ORDER BY {CHAT_ORDER}"),
            &[],
        )
        .await?
        .iter()
        .map(|r| Ok((r.get(0), dec(r.get::<_, &[u8]>(1))?)))
        .collect()
    }

    async fn put_telegram_pace(&self, chat_id: i64, pace: &ChatPace) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO telegram_pacing (chat_id, record) VALUES ($1, $2)
             ON CONFLICT (chat_id) DO UPDATE SET record = EXCLUDED.record",
            &[&chat_id, &enc(pace)],
        )
        .await?;
        Ok(())
    }

    async fn part_progress(&self, job_id: u64) -> Result<PartProgress, StoreError> {
        Ok(self
            .query_opt(
                "SELECT record FROM telegram_parts WHERE job_id = $1",
                &[&(job_id as i64)],
            )
            .await?
            .map(|r| dec(r.get::<_, &[u8]>(0)))
            .transpose()?
            .unwrap_or_default())
    }

    async fn set_part_progress(&self, job_id: u64, p: &PartProgress) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO telegram_parts (job_id, record) VALUES ($1, $2)
             ON CONFLICT (job_id) DO UPDATE SET record = EXCLUDED.record",
            &[&(job_id as i64), &enc(p)],
        )
        .await?;
        Ok(())
    }

    async fn clear_part_progress(&self, job_id: u64) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM telegram_parts WHERE job_id = $1",
            &[&(job_id as i64)],
        )
        .await?;
        Ok(())
    }

    async fn resolve_telegram_chat(&self, chat_id: i64) -> Result<i64, StoreError> {
        let mut chat = chat_id;
        for _ in 0..MAX_MIGRATION_HOPS {
            let next: Option<i64> = self
                .query_opt(
                    "SELECT new_chat FROM telegram_migrations WHERE old_chat = $1",
                    &[&chat],
                )
                .await?
                .map(|r| r.get(0));
            match next {
                Some(n) if n != chat => chat = n,
                _ => break,
            }
        }
        Ok(chat)
    }

    /// The migration record first, then the chat link, then each route through the versioned
    /// read-modify-write, so a concurrent route edit is not lost.
    async fn migrate_telegram_chat(&self, old: i64, new: i64) -> Result<Vec<Route>, StoreError> {
        self.execute(
            "INSERT INTO telegram_migrations (old_chat, new_chat) VALUES ($1, $2)
             ON CONFLICT (old_chat) DO UPDATE SET new_chat = EXCLUDED.new_chat",
            &[&old, &new],
        )
        .await?;
        self.move_chat_link(old, new).await?;
        let moves =
            |d: &Destination| matches!(d, Destination::Telegram { chat_id, .. } if *chat_id == old);
        let mut changed = Vec::new();
        for route in self.list_routes(None).await? {
            if !route.destinations.iter().any(moves) {
                continue;
            }
            let updated = update_route(
                self,
                &route.app_id,
                &route.account_id,
                &route.name,
                |r| -> Result<Route, StoreError> {
                    for d in &mut r.destinations {
                        if let Destination::Telegram { chat_id, .. } = d
                            && *chat_id == old
                        {
                            *chat_id = new;
                        }
                    }
                    Ok(r.clone())
                },
            )
            .await?;
            changed.extend(updated);
        }
        Ok(changed)
    }
}

#[async_trait]
impl MeetingStore for PgStore {
    async fn meeting_memory(
        &self,
        app_id: &str,
        account_id: &str,
        meeting_id: u64,
    ) -> Result<Option<MeetingMemory>, StoreError> {
        self.query_opt(
            "SELECT record FROM meetings WHERE app_id = $1 AND account_id = $2 AND meeting_id = $3",
            &[&app_id, &account_id, &(meeting_id as i64)],
        )
        .await?
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .transpose()
    }

    async fn remember_meeting(
        &self,
        app_id: &str,
        account_id: &str,
        meeting_id: u64,
        memory: &MeetingMemory,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO meetings (app_id, account_id, meeting_id, updated_at_ms, record)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (app_id, account_id, meeting_id)
             DO UPDATE SET updated_at_ms = EXCLUDED.updated_at_ms, record = EXCLUDED.record",
            &[
                &app_id,
                &account_id,
                &(meeting_id as i64),
                &memory.updated_at_ms,
                &enc(memory),
            ],
        )
        .await?;
        Ok(())
    }

    async fn forget_meeting(
        &self,
        app_id: &str,
        account_id: &str,
        meeting_id: u64,
    ) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM meetings WHERE app_id = $1 AND account_id = $2 AND meeting_id = $3",
            &[&app_id, &account_id, &(meeting_id as i64)],
        )
        .await?;
        Ok(())
    }

    async fn mark_instance_ended(
        &self,
        app_id: &str,
        account_id: &str,
        uuid: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO meeting_ended (app_id, account_id, uuid, at_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_id, account_id, uuid) DO UPDATE SET at_ms = EXCLUDED.at_ms",
            &[&app_id, &account_id, &uuid, &at_ms],
        )
        .await?;
        Ok(())
    }

    async fn instance_ended(
        &self,
        app_id: &str,
        account_id: &str,
        uuid: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(self
            .query_opt(
                "SELECT at_ms FROM meeting_ended
                 WHERE app_id = $1 AND account_id = $2 AND uuid = $3",
                &[&app_id, &account_id, &uuid],
            )
            .await?
            .map(|r| r.get(0)))
    }

    async fn expire_meetings(&self, now_ms: i64, retention_ms: i64) -> Result<usize, StoreError> {
        let cutoff = now_ms.saturating_sub(retention_ms);
        let a = self
            .execute("DELETE FROM meetings WHERE updated_at_ms < $1", &[&cutoff])
            .await?;
        let b = self
            .execute("DELETE FROM meeting_ended WHERE at_ms < $1", &[&cutoff])
            .await?;
        Ok((a + b) as usize)
    }
}

#[async_trait]
impl NoticeStore for PgStore {
    async fn add_notice(
        &self,
        app_id: &str,
        account_id: &str,
        kind: &str,
        message: &str,
        route: Option<&str>,
        target: Option<&str>,
    ) -> Result<Notice, StoreError> {
        let id: i64 = self
            .query_opt("SELECT nextval('notice_id')", &[])
            .await?
            .ok_or_else(|| StoreError::Io("nextval returned nothing".into()))?
            .get(0);
        let n = Notice {
            id: id as u64,
            app_id: app_id.to_string(),
            account_id: account_id.to_string(),
            at_ms: chrono::Utc::now().timestamp_millis(),
            kind: kind.to_string(),
            message: message.to_string(),
            route: route.map(str::to_string),
            target: target.map(str::to_string),
        };
        self.execute(
            "INSERT INTO notices (id, app_id, account_id, record) VALUES ($1, $2, $3, $4)",
            &[&id, &app_id, &account_id, &enc(&n)],
        )
        .await?;
        Ok(n)
    }

    async fn list_notices(&self, tenant: Option<(&str, &str)>) -> Result<Vec<Notice>, StoreError> {
        let (app, account) = tenant.unzip();
        self.query(
            "SELECT record FROM notices
             WHERE ($1::text IS NULL OR (app_id = $1 AND account_id = $2))
             ORDER BY id DESC",
            &[&app, &account],
        )
        .await?
        .iter()
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .collect()
    }

    async fn disable_target(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let d = DisabledTarget {
            app_id: app_id.to_string(),
            account_id: account_id.to_string(),
            target: target.to_string(),
            reason: reason.to_string(),
            at_ms: chrono::Utc::now().timestamp_millis(),
        };
        self.execute(
            "INSERT INTO disabled_targets (app_id, account_id, target, record)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_id, account_id, target) DO UPDATE SET record = EXCLUDED.record",
            &[&app_id, &account_id, &target, &enc(&d)],
        )
        .await?;
        Ok(())
    }

    async fn enable_target(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .execute(
                "DELETE FROM disabled_targets
                 WHERE app_id = $1 AND account_id = $2 AND target = $3",
                &[&app_id, &account_id, &target],
            )
            .await?
            == 1)
    }

    async fn is_target_disabled(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .query_opt(
                "SELECT 1 FROM disabled_targets
                 WHERE app_id = $1 AND account_id = $2 AND target = $3",
                &[&app_id, &account_id, &target],
            )
            .await?
            .is_some())
    }

    async fn list_disabled(
        &self,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<DisabledTarget>, StoreError> {
        let (app, account) = tenant.unzip();
        self.query(
            "SELECT record FROM disabled_targets
             WHERE ($1::text IS NULL OR (app_id = $1 AND account_id = $2))
             ORDER BY app_id, account_id, target",
            &[&app, &account],
        )
        .await?
        .iter()
        .map(|r| dec(r.get::<_, &[u8]>(0)))
        .collect()
    }
}
