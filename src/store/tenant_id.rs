//! The identity of a tenant, for every layer above the store.

use std::fmt;

/// A tenant: an install of one app on one Zoom account. Every tenant-scoped record is keyed by
/// it; the store's key codecs and SQL still see its two parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId {
    pub app_id: String,
    pub account_id: String,
}

impl TenantId {
    pub fn new(app_id: impl Into<String>, account_id: impl Into<String>) -> TenantId {
        TenantId {
            app_id: app_id.into(),
            account_id: account_id.into(),
        }
    }

    /// Whether (`app_id`, `account_id`), as a record spells its tenant, names this tenant.
    pub fn is(&self, app_id: &str, account_id: &str) -> bool {
        self.app_id == app_id && self.account_id == account_id
    }
}

/// A tenant as the front ends spell it, (app id, account id).
impl From<(&str, &str)> for TenantId {
    fn from((app_id, account_id): (&str, &str)) -> TenantId {
        TenantId::new(app_id, account_id)
    }
}

/// `app/account`, for messages and logs.
impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.app_id, self.account_id)
    }
}

/// A record of one tenant, for the store calls it leads to and for the listings the front ends
/// filter by app and account.
pub trait OfTenant {
    /// (app id, account id).
    fn tenant(&self) -> (&str, &str);

    /// The record's tenant, to hand to the store.
    fn tenant_id(&self) -> TenantId {
        TenantId::from(self.tenant())
    }
}

/// Records whose `app_id` and `account_id` name their tenant.
macro_rules! of_tenant_by_fields {
    ($($t:ty),* $(,)?) => {$(
        impl OfTenant for $t {
            fn tenant(&self) -> (&str, &str) {
                (&self.app_id, &self.account_id)
            }
        }
    )*};
}

of_tenant_by_fields!(
    crate::store::bot::CodeRecord,
    crate::store::bot::OrganizerLink,
    crate::store::own_bots::OwnBot,
    crate::store::DisabledTarget,
    crate::store::Notice,
    crate::store::Tenant,
    crate::store::Job,
    crate::routing::Route,
);
