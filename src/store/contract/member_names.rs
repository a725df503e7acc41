//! Members' names: kept per tenant, replaced by a newer name, forgotten on request, invisible to
//! another tenant, and gone with the tenant's purge.

use super::APP;
use crate::store::Db;
use crate::store::TenantId;

pub(super) async fn member_names_are_per_tenant_and_purged(db: Db) {
    let (a, b) = (TenantId::new(APP, "A"), TenantId::new(APP, "B"));
    assert!(db.member_names(&a).await.unwrap().is_empty());
    db.set_member_name(&a, 7, Some("Ana Pérez")).await.unwrap();
    db.set_member_name(&a, 8, Some("Bo")).await.unwrap();
    db.set_member_name(&b, 7, Some("Ana (B)")).await.unwrap();
    db.set_member_name(&a, 7, Some("Ana P.")).await.unwrap();
    let names = db.member_names(&a).await.unwrap();
    assert_eq!(names.len(), 2);
    assert_eq!(names[&7], "Ana P.", "a newer name replaces the older one");
    assert_eq!(names[&8], "Bo");
    assert_eq!(
        db.member_names(&b).await.unwrap()[&7],
        "Ana (B)",
        "each tenant has only what it was told"
    );
    db.set_member_name(&a, 8, None).await.unwrap();
    db.set_member_name(&a, 8, None).await.unwrap();
    assert_eq!(db.member_names(&a).await.unwrap().len(), 1);
    db.purge_tenant(&a, None).await.unwrap();
    assert!(db.member_names(&a).await.unwrap().is_empty());
    assert_eq!(db.member_names(&b).await.unwrap().len(), 1);
}
