//! Per-tenant records of Telegram users and chats: organizer links (`bot_organizers`) and member
//! mutes (`bot_mutes`), both keyed by tenant prefix so an uninstall removes them by prefix.

use super::{MUTES, Mute, ORGANIZERS, OrganizerLink, i64_of};
use crate::store::TenantId;
use crate::store::keys::{decode_member_key, member_key, tenant_prefix};
use crate::store::{Store, StoreError, decode, decode_all, encode};

impl Store {
    // --- organizers -------------------------------------------------------------------------

    pub fn add_organizer(&self, link: &OrganizerLink) -> Result<(), StoreError> {
        self.bot_tree(ORGANIZERS)?.insert(
            member_key(&link.app_id, &link.account_id, link.user_id),
            encode(link)?,
        )?;
        Ok(())
    }

    /// The tenants Telegram user `user_id` organizes.
    pub fn organizer_links(&self, user_id: i64) -> Result<Vec<OrganizerLink>, StoreError> {
        entries_of(self.bot_tree(ORGANIZERS)?, user_id)?
            .iter()
            .map(|(_, _, v)| decode(v))
            .collect()
    }

    /// Removes every organizer link of Telegram user `user_id` (`/leave`); returns how many.
    pub fn remove_organizer_links(&self, user_id: i64) -> Result<usize, StoreError> {
        let tree = self.bot_tree(ORGANIZERS)?;
        let links = entries_of(tree, user_id)?;
        for (app_id, account_id, _) in &links {
            tree.remove(member_key(app_id, account_id, user_id))?;
        }
        Ok(links.len())
    }

    /// Removes one organizer link; returns whether there was one.
    pub fn remove_organizer(&self, tenant: &TenantId, user_id: i64) -> Result<bool, StoreError> {
        Ok(self
            .bot_tree(ORGANIZERS)?
            .remove(member_key(&tenant.app_id, &tenant.account_id, user_id))?
            .is_some())
    }

    /// Every organizer link, of every tenant.
    pub fn all_organizers(&self) -> Result<Vec<OrganizerLink>, StoreError> {
        decode_all(self.bot_tree(ORGANIZERS)?.iter())
    }

    /// A tenant's organizers, for pushing its notices.
    pub fn tenant_organizers(&self, tenant: &TenantId) -> Result<Vec<OrganizerLink>, StoreError> {
        decode_all(
            self.bot_tree(ORGANIZERS)?
                .scan_prefix(tenant_prefix(&tenant.app_id, &tenant.account_id)),
        )
    }

    // --- mutes ------------------------------------------------------------------------------

    pub fn set_mute(
        &self,
        tenant: &TenantId,
        chat_id: i64,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        self.bot_tree(MUTES)?.insert(
            member_key(&tenant.app_id, &tenant.account_id, chat_id),
            &until_ms.to_be_bytes(),
        )?;
        Ok(())
    }

    /// Every mute of `chat_id`, in any tenant (expired ones included).
    pub fn mutes_of(&self, chat_id: i64) -> Result<Vec<Mute>, StoreError> {
        Ok(entries_of(self.bot_tree(MUTES)?, chat_id)?
            .into_iter()
            .map(|(app_id, account_id, v)| Mute {
                app_id,
                account_id,
                chat_id,
                until_ms: i64_of(&v).unwrap_or(0),
            })
            .collect())
    }

    /// Removes every mute of `chat_id`; returns how many there were.
    pub fn clear_mutes(&self, chat_id: i64) -> Result<usize, StoreError> {
        let tree = self.bot_tree(MUTES)?;
        let mutes = self.mutes_of(chat_id)?;
        for m in &mutes {
            tree.remove(member_key(&m.app_id, &m.account_id, chat_id))?;
        }
        Ok(mutes.len())
    }

    /// Whether a member's chat asked for silence in this tenant until after `now_ms`. The dispatcher
    /// asks this for member-owned Telegram destinations only.
    pub fn is_member_muted(
        &self,
        tenant: &TenantId,
        chat_id: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        Ok(self
            .bot_tree(MUTES)?
            .get(member_key(&tenant.app_id, &tenant.account_id, chat_id))?
            .and_then(|v| i64_of(&v))
            .is_some_and(|until| until > now_ms))
    }
}

/// Every entry of a [`member_key`]-keyed tree whose user or chat id is `id`, in any tenant, as
/// (app, account, value). The keys start with the tenant, so this is a whole-tree scan.
fn entries_of(tree: &sled::Tree, id: i64) -> Result<Vec<(String, String, sled::IVec)>, StoreError> {
    let mut out = Vec::new();
    for item in tree.iter() {
        let (k, v) = item?;
        if let Some((app_id, account_id, found)) = decode_member_key(&k)
            && found == id
        {
            out.push((app_id, account_id, v));
        }
    }
    Ok(out)
}
