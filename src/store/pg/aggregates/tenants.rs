//! Tenants, the audit trail, and the purge of everything a tenant left behind.

use super::*;

use super::bot::purge_bot;

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
        "email_consents",
        "DELETE FROM email_consents WHERE app_id = $1 AND account_id = $2",
    ),
    (
        "own_bots",
        "DELETE FROM own_bots WHERE app_id = $1 AND account_id = $2",
    ),
    (
        "member_names",
        "DELETE FROM member_names WHERE app_id = $1 AND account_id = $2",
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
    async fn get_tenant(&self, tenant: &TenantId) -> Result<Option<Tenant>, StoreError> {
        self.record(
            "SELECT record FROM tenants WHERE app_id = $1 AND account_id = $2",
            &[&tenant.app_id, &tenant.account_id],
        )
        .await
    }

    async fn put_tenant(&self, t: &Tenant) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO tenants (app_id, account_id, record) VALUES ($1, $2, $3)
             ON CONFLICT (app_id, account_id) DO UPDATE SET record = EXCLUDED.record",
            &[&t.app_id, &t.account_id, &enc(t)],
        )
        .await
    }

    async fn list_tenants(&self, app_id: Option<&str>) -> Result<Vec<Tenant>, StoreError> {
        self.records(
            "SELECT record FROM tenants WHERE ($1::text IS NULL OR app_id = $1)
             ORDER BY app_id, account_id",
            &[&app_id],
        )
        .await
    }

    async fn add_audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO audit (at_ms, record) VALUES ($1, $2)",
            &[&e.at_ms, &enc(e)],
        )
        .await
    }

    async fn list_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.records("SELECT record FROM audit ORDER BY at_ms, id", &[])
            .await
    }

    /// Everything of the tenant in one transaction: it is all gone, or (on failure) all there and
    /// the purge runs again.
    async fn purge_tenant(
        &self,
        tenant: &TenantId,
        event_last: Option<u64>,
    ) -> Result<PurgeReport, StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let mut report = PurgeReport {
            tenant_existed: tx
                .query_opt(
                    "SELECT 1 FROM tenants WHERE app_id = $1 AND account_id = $2",
                    &[&tenant.app_id, &tenant.account_id],
                )
                .await?
                .is_some(),
            ..PurgeReport::default()
        };
        for (kind, sql) in PURGE_STEPS {
            let n = tx
                .execute(sql, &[&tenant.app_id, &tenant.account_id])
                .await?;
            if !kind.is_empty() {
                add(&mut report, kind, n);
            }
        }
        // Stored events, with the history of the jobs they produced (found by event seq).
        let last = event_last.map(|s| s as i64);
        let p: [&(dyn tokio_postgres::types::ToSql + Sync); 3] =
            [&tenant.app_id, &tenant.account_id, &last];
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
            purge_bot(&tx, &tenant.app_id, &tenant.account_id).await?,
        );
        let tokens = tx
            .execute(
                "DELETE FROM api_tokens WHERE app_id = $1 AND account_id = $2",
                &[&tenant.app_id, &tenant.account_id],
            )
            .await?;
        let sessions = tx
            .execute(
                "DELETE FROM sessions WHERE app_id = $1 AND account_id = $2",
                &[&tenant.app_id, &tenant.account_id],
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
