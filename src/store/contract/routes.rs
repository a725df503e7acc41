//! Routes: creation without overwriting, and the read-modify-write under contention.

use super::{APP, route};
use crate::store::TenantId;
use crate::store::{Db, StoreError, update_route};

/// Creating a route whose (tenant, name) exists writes nothing; the same name in another tenant
/// is another route.
pub(super) async fn create_route_refuses_duplicate(db: Db) {
    let r = route("A", "alerts");
    assert!(db.create_route(&r).await.unwrap());
    let mut other = r.clone();
    other.events = vec!["meeting.ended".into()];
    assert!(!db.create_route(&other).await.unwrap(), "the name is taken");
    assert_eq!(
        db.get_route(&TenantId::new(APP, "A"), "alerts")
            .await
            .unwrap(),
        Some(r.clone())
    );
    assert_eq!(db.route_count().await, 1);
    assert!(db.create_route(&route("B", "alerts")).await.unwrap());
    assert_eq!(db.route_count().await, 2);
    assert_eq!(
        db.list_routes(Some(&TenantId::new(APP, "A")))
            .await
            .unwrap(),
        vec![r]
    );
}

/// Many tasks changing one route at once through `update_route`: every change survives.
pub(super) async fn concurrent_route_updates_all_survive(db: Db) {
    const TASKS: u64 = 32;
    const EACH: u64 = 16;
    let r = route("A", "busy");
    assert!(db.create_route(&r).await.unwrap());
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let db = db.clone();
            tokio::spawn(async move {
                for i in 0..EACH {
                    let id = t * EACH + i;
                    let out = update_route(&*db, &TenantId::new(APP, "A"), "busy", |route| {
                        route.meeting_ids.push(id);
                        Ok::<_, StoreError>(id)
                    })
                    .await
                    .unwrap();
                    assert_eq!(out, Some(id));
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let mut ids = db
        .get_route(&TenantId::new(APP, "A"), "busy")
        .await
        .unwrap()
        .unwrap()
        .meeting_ids;
    ids.sort_unstable();
    assert_eq!(
        ids,
        (0..TASKS * EACH).collect::<Vec<_>>(),
        "no update was lost"
    );

    let missing = update_route(&*db, &TenantId::new(APP, "A"), "nope", |route| {
        route.meeting_ids.push(1);
        Ok::<_, StoreError>(())
    })
    .await
    .unwrap();
    assert_eq!(missing, None);
    assert_eq!(
        db.route_count().await,
        1,
        "updating a missing route creates nothing"
    );
}
