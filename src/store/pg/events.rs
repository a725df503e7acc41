//! The event log: appends go through the group commit, reads straight to the pool.

use super::*;

pub(super) fn event_from_row(row: &Row) -> Result<EventRecord, StoreError> {
    let seq = row.get::<_, i64>(0) as u64;
    EventRecord::decode(seq, row.get::<_, &[u8]>(1))
        .map_err(|e| StoreError::Io(format!("event {seq}: {e}")))
}

#[async_trait]
impl EventLog for PgStore {
    async fn append_event(
        &self,
        dedup_key: [u8; 16],
        event: NewEvent,
    ) -> Result<AppendOutcome, StoreError> {
        if self.shared.closed.load(Ordering::Relaxed) {
            return Err(StoreError::Closed);
        }
        let received_at_ms = chrono::Utc::now().timestamp_millis();
        let record = event.encode(received_at_ms);
        let (reply, rx) = oneshot::channel();
        let req = AppendReq {
            key: dedup_key,
            received_at_ms,
            // Text columns cannot hold NUL; the record keeps the exact values.
            app_id: event.app_id.replace('\0', ""),
            account_id: event.account_id.map(|a| a.replace('\0', "")),
            record,
            reply,
        };
        self.appends
            .send(Cmd::Append(req))
            .await
            .map_err(|_| StoreError::Closed)?;
        rx.await
            .map_err(|_| StoreError::Io("the group-commit task stopped".into()))?
    }

    async fn get_event(&self, seq: u64) -> Result<Option<EventRecord>, StoreError> {
        self.query_opt(
            "SELECT seq, record FROM events WHERE seq = $1",
            &[&(seq as i64)],
        )
        .await?
        .map(|r| event_from_row(&r))
        .transpose()
    }

    async fn list_events(&self, filter: &EventFilter) -> Result<Vec<EventRecord>, StoreError> {
        let limit = if filter.limit == 0 { 100 } else { filter.limit } as i64;
        self.query(
            "SELECT seq, record FROM events
             WHERE ($1::bigint IS NULL OR received_at_ms >= $1)
               AND ($2::text IS NULL OR app_id = $2)
               AND ($3::text IS NULL OR account_id = $3)
             ORDER BY seq DESC LIMIT $4",
            &[&filter.since_ms, &filter.app_id, &filter.account_id, &limit],
        )
        .await?
        .iter()
        .map(event_from_row)
        .collect()
    }

    async fn inbox_len(&self) -> usize {
        self.count("SELECT count(*) FROM events WHERE pending", &[])
            .await
    }

    async fn event_count(&self) -> usize {
        self.count("SELECT count(*) FROM events", &[]).await
    }

    async fn expire(
        &self,
        now_ms: i64,
        dedup_retention_ms: i64,
        event_retention_ms: i64,
    ) -> Result<RetentionReport, StoreError> {
        let dedup_removed = self
            .execute(
                "DELETE FROM dedup WHERE received_at_ms < $1",
                &[&now_ms.saturating_sub(dedup_retention_ms)],
            )
            .await? as usize;
        // Pending events stay whatever their age: an acknowledged event is never dropped before it
        // is dispatched.
        let events_removed = self
            .execute(
                "DELETE FROM events WHERE received_at_ms < $1 AND NOT pending",
                &[&now_ms.saturating_sub(event_retention_ms)],
            )
            .await? as usize;
        Ok(RetentionReport {
            dedup_removed,
            events_removed,
        })
    }
}
