//! Uninstalls and removals: a tenant's data goes, with an audit entry that names no account.

use super::{Uninstalled, now_ms, tenant_of};
use crate::store::TenantId;
use crate::store::{AuditEntry, Backend, PurgeReport, StoreError, TenantStatus};

/// Deletes a tenant's data and records the audit entry. The caller flushes.
/// `action` is `uninstall` or `remove`. `event_last` is the app_deauthorized event being handled,
/// deleted last (see [`TenantStore::purge_tenant`](crate::store::TenantStore::purge_tenant)).
pub async fn purge(
    db: &dyn Backend,
    app_id: &str,
    account_id: &str,
    action: &str,
    event_last: Option<u64>,
) -> Result<PurgeReport, StoreError> {
    let report = db
        .purge_tenant(&TenantId::new(app_id, account_id), event_last)
        .await?;
    db.add_audit(&AuditEntry {
        at_ms: now_ms(),
        action: action.to_string(),
        app_id: app_id.to_string(),
        account_hash: crate::store::account_hash(account_id),
        tenant_existed: report.tenant_existed,
        deleted: report.deleted.clone(),
    })
    .await?;
    tracing::info!(
        app = %app_id,
        action,
        tenant_existed = report.tenant_existed,
        deleted = report.total(),
        "purged a tenant's data"
    );
    Ok(report)
}

/// Handles an uninstall (`app_deauthorized`) of `user_id` for an account. For an admin-managed
/// app, or when Zoom names no user, the account's data is purged (as [`purge`]). For a
/// user-managed app only that user's tokens are removed (audit action `user_uninstall`), and the
/// account is purged only when it was the last install left. The caller flushes. `event_last` is the app_deauthorized event, deleted last when the account is purged.
pub async fn uninstall(
    db: &dyn Backend,
    app_id: &str,
    account_id: &str,
    user_id: Option<&str>,
    user_managed: bool,
    event_last: Option<u64>,
) -> Result<Uninstalled, StoreError> {
    let purge_all = async || {
        purge(db, app_id, account_id, "uninstall", event_last)
            .await
            .map(Uninstalled::AccountPurged)
    };
    let (true, Some(user)) = (user_managed, user_id) else {
        return purge_all().await;
    };
    let Some(mut t) = db.get_tenant(&TenantId::new(app_id, account_id)).await? else {
        // Nothing installed: remove whatever may be left, as an admin-managed uninstall would.
        return purge_all().await;
    };
    if !t.has_install_of(user) {
        tracing::info!(app = %app_id, "an uninstall by a user without an install here; nothing to do");
        return Ok(Uninstalled::Nothing);
    }
    if t.other_installs.is_empty() {
        return purge_all().await;
    }
    if t.installer.user_id == user {
        // The first install goes: the next user's install takes its place.
        let next = t.other_installs.remove(0);
        let (installed, status, rest) = (t.installed_at_ms, t.status, t.other_installs);
        t = tenant_of(app_id, account_id, next, rest);
        t.installed_at_ms = installed;
        if status == TenantStatus::ReauthorizationNeeded {
            // That status was about the removed user's refresh token; the next one is untried.
            t.status = TenantStatus::Active;
        }
    } else {
        t.other_installs.retain(|i| i.installer.user_id != user);
    }
    t.updated_at_ms = now_ms();
    db.put_tenant(&t).await?;
    db.add_audit(&AuditEntry {
        at_ms: now_ms(),
        action: "user_uninstall".to_string(),
        app_id: app_id.to_string(),
        account_hash: crate::store::account_hash(account_id),
        tenant_existed: true,
        deleted: [("user_tokens".to_string(), 1)].into_iter().collect(),
    })
    .await?;
    let remaining = 1 + t.other_installs.len();
    tracing::info!(app = %app_id, remaining, "one user uninstalled; the account stays installed");
    Ok(Uninstalled::UserRemoved { remaining })
}
