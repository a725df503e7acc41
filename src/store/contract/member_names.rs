//! Members' names: kept per tenant, replaced by a newer name, forgotten on request, invisible to
//! another tenant, and gone with the tenant's purge.

use super::APP;
use crate::store::Db;
use crate::store::TenantId;

pub(super) async fn member_names_are_per_tenant_and_purged(db: Db) {
    assert!(
        db.member_names(&TenantId::new(APP, "A"))
            .await
            .unwrap()
            .is_empty()
    );
    db.set_member_name(&TenantId::new(APP, "A"), 7, Some("Ana Pérez"))
        .await
        .unwrap();
    db.set_member_name(&TenantId::new(APP, "A"), 8, Some("Bo"))
        .await
        .unwrap();
    db.set_member_name(&TenantId::new(APP, "B"), 7, Some("Ana (B)"))
        .await
        .unwrap();
    db.set_member_name(&TenantId::new(APP, "A"), 7, Some("Ana P."))
        .await
        .unwrap();
    let a = db.member_names(&TenantId::new(APP, "A")).await.unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!(a[&7], "Ana P.", "a newer name replaces the older one");
    assert_eq!(a[&8], "Bo");
    assert_eq!(
        db.member_names(&TenantId::new(APP, "B")).await.unwrap()[&7],
        "Ana (B)",
        "each tenant has only what it was told"
    );
    db.set_member_name(&TenantId::new(APP, "A"), 8, None)
        .await
        .unwrap();
    db.set_member_name(&TenantId::new(APP, "A"), 8, None)
        .await
        .unwrap();
    assert_eq!(
        db.member_names(&TenantId::new(APP, "A"))
            .await
            .unwrap()
            .len(),
        1
    );
    db.purge_tenant(&TenantId::new(APP, "A"), None)
        .await
        .unwrap();
    assert!(
        db.member_names(&TenantId::new(APP, "A"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.member_names(&TenantId::new(APP, "B"))
            .await
            .unwrap()
            .len(),
        1
    );
}
