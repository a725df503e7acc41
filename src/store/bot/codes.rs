//! Self-service codes (`bot_codes`), kept by hash and consumed with compare-and-swap.

use super::{CODES, CodeKind, CodeRecord, Redeem, code_hash};
use crate::store::TenantId;
use crate::store::auth::oldest_first;
use crate::store::{Store, StoreError, decode, decode_opt, encode};

impl Store {
    /// Stores a new code (by hash). Returns false if that hash exists already (a collision or a
    /// repeated call), in which case nothing is written.
    pub fn put_code(&self, code: &str, rec: &CodeRecord) -> Result<bool, StoreError> {
        let v = encode(rec)?;
        let res = self.bot_tree(CODES)?.compare_and_swap(
            code_hash(code),
            None as Option<&[u8]>,
            Some(v),
        )?;
        Ok(res.is_ok())
    }

    /// The record of `code`, if it exists; nothing is consumed.
    pub fn code_record(&self, code: &str) -> Result<Option<CodeRecord>, StoreError> {
        decode_opt(self.bot_tree(CODES)?.get(code_hash(code))?)
    }

    /// Codes, oldest first; one tenant's or everyone's.
    pub fn list_codes(&self, tenant: Option<&TenantId>) -> Result<Vec<CodeRecord>, StoreError> {
        oldest_first(self.bot_tree(CODES)?, tenant, |r: &CodeRecord| {
            (&r.app_id, &r.account_id, r.created_at_ms)
        })
    }

    /// Marks every code whose id starts with `id` (at least 6 hex digits) revoked; with `tenant`,
    /// only that tenant's. Returns the revoked records.
    pub fn revoke_code(
        &self,
        id: &str,
        tenant: Option<&TenantId>,
    ) -> Result<Vec<CodeRecord>, StoreError> {
        let tree = self.bot_tree(CODES)?;
        let mut out = Vec::new();
        for item in tree.iter() {
            let (k, v) = item?;
            let mut rec: CodeRecord = decode(&v)?;
            if !rec.id.starts_with(id)
                || tenant.is_some_and(|t| !t.is(&rec.app_id, &rec.account_id))
            {
                continue;
            }
            rec.revoked = true;
            tree.insert(k, encode(&rec)?)?;
            out.push(rec);
        }
        Ok(out)
    }

    /// Redeems `code` if it is of one of the `accepted` kinds. A single-use code is consumed with a
    /// compare-and-swap, so two people sending it at once cannot both succeed.
    pub fn redeem_code(
        &self,
        code: &str,
        accepted: &[CodeKind],
        now_ms: i64,
    ) -> Result<Redeem, StoreError> {
        let tree = self.bot_tree(CODES)?;
        let key = code_hash(code);
        loop {
            let Some(old) = tree.get(key)? else {
                return Ok(Redeem::Unknown);
            };
            let mut rec: CodeRecord = decode(&old)?;
            if let Some(refused) = rec.refusal(accepted, now_ms) {
                return Ok(refused);
            }
            rec.count_use(now_ms);
            let new = encode(&rec)?;
            if tree.compare_and_swap(key, Some(old), Some(new))?.is_ok() {
                return Ok(Redeem::Ok(rec));
            }
        }
    }
}
