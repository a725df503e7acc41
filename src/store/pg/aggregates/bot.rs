//! The bot's records: chat links, codes, organizers, mutes and its small key-value state.

use super::*;

const LAST_UPDATE: &str = "last_update_id";
const NOTICE_WATERMARK: &str = "notice_watermark";
const USERNAME: &str = "username";
const CHATS_MIGRATED: &str = "chat_links_migrated";

impl PgStore {
    pub(super) async fn state(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .query_opt("SELECT value FROM bot_state WHERE key = $1", &[&key])
            .await?
            .map(|r| r.get(0)))
    }

    /// A number kept in the state (update offsets, notice watermarks); one that does not parse
    /// reads as none, as if it had never been kept.
    pub(super) async fn state_num<T: std::str::FromStr>(
        &self,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.state(key).await?.and_then(|v| v.parse().ok()))
    }

    pub(super) async fn set_state(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO bot_state (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&key, &value],
        )
        .await
    }
}

pub(super) async fn purge_bot(
    tx: &Tx<'_>,
    app_id: &str,
    account_id: &str,
) -> Result<u64, StoreError> {
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

/// Inserts `link` unless its chat is linked already. Returns the link that holds afterwards, or
/// None when the existing one was removed between the insert and the read (the caller retries).
async fn link_chat_tx(tx: &Tx<'_>, link: &ChatLink) -> Result<Option<ChatLink>, StoreError> {
    let inserted = tx
        .changed_one(
            "INSERT INTO bot_chats (chat_id, app_id, account_id, record) VALUES ($1, $2, $3, $4)
             ON CONFLICT (chat_id) DO NOTHING",
            &[&link.chat_id, &link.app_id, &link.account_id, &enc(link)],
        )
        .await?;
    if inserted {
        return Ok(Some(link.clone()));
    }
    tx.record(
        "SELECT record FROM bot_chats WHERE chat_id = $1",
        &[&link.chat_id],
    )
    .await
}

#[async_trait]
impl BotStore for PgStore {
    async fn chat_link(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError> {
        self.record(
            "SELECT record FROM bot_chats WHERE chat_id = $1",
            &[&chat_id],
        )
        .await
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
        self.record(
            "DELETE FROM bot_chats WHERE chat_id = $1 RETURNING record",
            &[&chat_id],
        )
        .await
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
            let mut link: ChatLink = dec_row(&row)?;
            link.chat_id = new;
            link_chat_tx(&tx, &link).await?;
        }
        tx.commit().await
    }

    async fn all_chat_links(&self) -> Result<Vec<ChatLink>, StoreError> {
        self.records(
            &format!("SELECT record FROM bot_chats ORDER BY {CHAT_ORDER}"),
            &[],
        )
        .await
    }

    async fn chat_links_migrated(&self) -> Result<bool, StoreError> {
        Ok(self.state(CHATS_MIGRATED).await?.is_some())
    }

    async fn set_chat_links_migrated(&self) -> Result<(), StoreError> {
        self.set_state(CHATS_MIGRATED, "1").await
    }

    async fn put_code(&self, code: &str, rec: &CodeRecord) -> Result<bool, StoreError> {
        let issued = (
            rec.id.as_str(),
            rec.app_id.as_str(),
            rec.account_id.as_str(),
            rec.created_at_ms,
        );
        self.put_issued(
            "INSERT INTO bot_codes (hash, id, app_id, account_id, created_at_ms, record)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hash) DO NOTHING",
            code_hash(code),
            issued,
            rec,
        )
        .await
    }

    async fn code_record(&self, code: &str) -> Result<Option<CodeRecord>, StoreError> {
        self.record(
            "SELECT record FROM bot_codes WHERE hash = $1",
            &[&code_hash(code).as_slice()],
        )
        .await
    }

    async fn list_codes(&self, tenant: Option<&TenantId>) -> Result<Vec<CodeRecord>, StoreError> {
        self.tenant_records("bot_codes", "created_at_ms, hash", tenant)
            .await
    }

    async fn revoke_code(
        &self,
        id: &str,
        tenant: Option<&TenantId>,
    ) -> Result<Vec<CodeRecord>, StoreError> {
        let (app, account) = tenant_params(tenant);
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
        let mut rec: CodeRecord = dec_row(&row)?;
        if let Some(refused) = rec.refusal(accepted, now_ms) {
            return Ok(refused);
        }
        rec.count_use(now_ms);
        tx.execute(
            "UPDATE bot_codes SET record = $2 WHERE hash = $1",
            &[&hash.as_slice(), &enc(&rec)],
        )
        .await?;
        tx.commit().await?;
        Ok(Redeem::Ok(rec))
    }

    async fn add_organizer(&self, link: &OrganizerLink) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO bot_organizers (app_id, account_id, user_id, record) VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_id, account_id, user_id) DO UPDATE SET record = EXCLUDED.record",
            &[&link.app_id, &link.account_id, &link.user_id, &enc(link)],
        )
        .await
    }

    async fn organizer_links(&self, user_id: i64) -> Result<Vec<OrganizerLink>, StoreError> {
        self.records(
            "SELECT record FROM bot_organizers WHERE user_id = $1 ORDER BY app_id, account_id",
            &[&user_id],
        )
        .await
    }

    async fn remove_organizer_links(&self, user_id: i64) -> Result<usize, StoreError> {
        Ok(self
            .execute("DELETE FROM bot_organizers WHERE user_id = $1", &[&user_id])
            .await? as usize)
    }

    async fn remove_organizer(&self, tenant: &TenantId, user_id: i64) -> Result<bool, StoreError> {
        self.changed_one(
            "DELETE FROM bot_organizers WHERE app_id = $1 AND account_id = $2 AND user_id = $3",
            &[&tenant.app_id, &tenant.account_id, &user_id],
        )
        .await
    }

    async fn all_organizers(&self) -> Result<Vec<OrganizerLink>, StoreError> {
        self.records(
            "SELECT record FROM bot_organizers
             ORDER BY app_id, account_id, (user_id < 0), user_id",
            &[],
        )
        .await
    }

    async fn tenant_organizers(&self, tenant: &TenantId) -> Result<Vec<OrganizerLink>, StoreError> {
        self.records(
            "SELECT record FROM bot_organizers WHERE app_id = $1 AND account_id = $2
             ORDER BY (user_id < 0), user_id",
            &[&tenant.app_id, &tenant.account_id],
        )
        .await
    }

    async fn set_mute(
        &self,
        tenant: &TenantId,
        chat_id: i64,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO bot_mutes (app_id, account_id, chat_id, until_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_id, account_id, chat_id) DO UPDATE SET until_ms = EXCLUDED.until_ms",
            &[&tenant.app_id, &tenant.account_id, &chat_id, &until_ms],
        )
        .await
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
        tenant: &TenantId,
        chat_id: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.exists(
            "SELECT 1 FROM bot_mutes
             WHERE app_id = $1 AND account_id = $2 AND chat_id = $3 AND until_ms > $4",
            &[&tenant.app_id, &tenant.account_id, &chat_id, &now_ms],
        )
        .await
    }

    async fn bot_last_update(&self) -> Result<Option<i64>, StoreError> {
        self.state_num(LAST_UPDATE).await
    }

    async fn set_bot_last_update(&self, update_id: i64) -> Result<(), StoreError> {
        self.set_state(LAST_UPDATE, &update_id.to_string()).await
    }

    async fn bot_notice_watermark(&self) -> Result<Option<u64>, StoreError> {
        self.state_num(NOTICE_WATERMARK).await
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

    async fn purge_bot_tenant(&self, tenant: &TenantId) -> Result<u64, StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let n = purge_bot(&tx, &tenant.app_id, &tenant.account_id).await?;
        tx.commit().await?;
        Ok(n)
    }
}
