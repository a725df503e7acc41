//! Meeting memory: what meeting.created told us (join link, passcode, topic), so a later
//! meeting.started (which carries no join_url) can include the link where a route allows it; and
//! which meeting instances have ended, so a started alert still waiting is dropped as stale.

use serde::{Deserialize, Serialize};

use super::TenantId;
use super::keys::{ended_key, is_memory_key, memory_key};
use super::{Store, StoreError, decode_opt, encode};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingMemory {
    pub topic: Option<String>,
    pub join_url: Option<String>,
    pub password: Option<String>,
    pub updated_at_ms: i64,
}

impl Store {
    pub fn meeting_memory(
        &self,
        tenant: &TenantId,
        meeting_id: u64,
    ) -> Result<Option<MeetingMemory>, StoreError> {
        decode_opt(self.inner.meetings.get(memory_key(
            &tenant.app_id,
            &tenant.account_id,
            meeting_id,
        ))?)
    }

    pub fn remember_meeting(
        &self,
        tenant: &TenantId,
        meeting_id: u64,
        memory: &MeetingMemory,
    ) -> Result<(), StoreError> {
        self.inner.meetings.insert(
            memory_key(&tenant.app_id, &tenant.account_id, meeting_id),
            encode(memory)?,
        )?;
        Ok(())
    }

    pub fn forget_meeting(&self, tenant: &TenantId, meeting_id: u64) -> Result<(), StoreError> {
        self.inner
            .meetings
            .remove(memory_key(&tenant.app_id, &tenant.account_id, meeting_id))?;
        Ok(())
    }

    pub fn mark_instance_ended(
        &self,
        tenant: &TenantId,
        uuid: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.inner.meetings.insert(
            ended_key(&tenant.app_id, &tenant.account_id, uuid),
            &at_ms.to_be_bytes(),
        )?;
        Ok(())
    }

    /// When the instance ended, if it has.
    pub fn instance_ended(&self, tenant: &TenantId, uuid: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .inner
            .meetings
            .get(ended_key(&tenant.app_id, &tenant.account_id, uuid))?
            .and_then(|v| Some(i64::from_be_bytes(v.as_ref().try_into().ok()?))))
    }

    /// Drops memory entries and ended markers older than the retention.
    pub fn expire_meetings(&self, now_ms: i64, retention_ms: i64) -> Result<usize, StoreError> {
        let cutoff = now_ms.saturating_sub(retention_ms);
        let mut removed = 0;
        for item in self.inner.meetings.iter() {
            let (k, v) = item?;
            let at = if is_memory_key(&k) {
                serde_json::from_slice::<MeetingMemory>(&v)
                    .map(|m| m.updated_at_ms)
                    .unwrap_or(0)
            } else {
                v.as_ref().try_into().map(i64::from_be_bytes).unwrap_or(0)
            };
            if at < cutoff {
                self.inner.meetings.remove(&k)?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}
