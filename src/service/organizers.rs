//! Telegram organizers of a tenant (made by organizer codes): list them, remove one. An organizer
//! gets the tenant's notices in Telegram and may pause, resume and test its routes there.

use crate::store::bot::OrganizerLink;
use crate::store::{Store, StoreError};

/// Organizer links, filtered by app and account when given.
pub fn list(
    store: &Store,
    app: Option<&str>,
    account: Option<&str>,
) -> Result<Vec<OrganizerLink>, StoreError> {
    Ok(store
        .all_organizers()?
        .into_iter()
        .filter(|o| app.is_none_or(|a| a == o.app_id))
        .filter(|o| account.is_none_or(|a| a == o.account_id))
        .collect())
}

/// Removes Telegram user `user_id` as an organizer of (app, account). False when they were not one.
pub fn remove(store: &Store, app: &str, account: &str, user_id: i64) -> Result<bool, StoreError> {
    store.remove_organizer(app, account, user_id)
}
