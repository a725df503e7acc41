//! Email consent: the one-email-per-window claim, its race, listing, renaming.

use super::APP;
use crate::store::TenantId;
use crate::store::consents::{Consent, ConsentBy, ConsentState};
use crate::store::{Db, pluck};

const DAY: i64 = 24 * 3600 * 1000;

fn fresh(route: &str, address: &str, by: ConsentBy) -> Consent {
    Consent::new(APP, "A", route, address, ConsentState::Pending, by, 0)
}

/// The first claim records a pending invitation; a second within the window sends nothing; after
/// it, one more goes out. A confirmed address stays confirmed when its owner asks again.
pub(super) async fn one_invitation_per_window_and_confirmed_stays_confirmed(db: Db) {
    let f = fresh("r", "Ann@Example.org", ConsentBy::Member);
    let first = db.claim_invite(&f, 1_000, DAY).await.unwrap().unwrap();
    assert_eq!(first.state, ConsentState::Pending);
    assert_eq!(first.address, "ann@example.org");
    assert_eq!(first.invited_at_ms, Some(1_000));
    assert!(
        db.claim_invite(&f, 1_000 + DAY - 1, DAY)
            .await
            .unwrap()
            .is_none()
    );
    let stored = db
        .consent(&TenantId::new(APP, "A"), "r", "ANN@example.org")
        .await
        .unwrap();
    assert_eq!(stored, Some(first.clone()));
    let again = db
        .claim_invite(&f, 1_000 + DAY, DAY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.invited_at_ms, Some(1_000 + DAY));

    let mut confirmed = again.clone();
    confirmed.state = ConsentState::Confirmed;
    confirmed.by = ConsentBy::Organizer;
    db.put_consent(&confirmed).await.unwrap();
    let later = db
        .claim_invite(&f, 1_000 + 3 * DAY, DAY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(later.state, ConsentState::Confirmed);
    assert_eq!(later.by, ConsentBy::Organizer);
    assert!(later.may_send(0));
    let mut paused = later.clone();
    paused.paused_until_ms = Some(500);
    assert!(!paused.may_send(499));
    assert!(paused.may_send(500));
}

/// Listing is per tenant or per route, ordered; a rename moves every record and is safe to
/// repeat.
pub(super) async fn list_rename_and_case(db: Db) {
    for (route, addr) in [("b", "z@x.org"), ("a", "y@x.org"), ("a", "x@x.org")] {
        db.put_consent(&fresh(route, addr, ConsentBy::Organizer))
            .await
            .unwrap();
    }
    let mut other = fresh("a", "x@x.org", ConsentBy::Organizer);
    other.account_id = "B".into();
    db.put_consent(&other).await.unwrap();
    let all: Vec<_> = pluck(
        db.list_consents(&TenantId::new(APP, "A"), None).await,
        |c| (c.route, c.address),
    );
    assert_eq!(
        all,
        [
            ("a".into(), "x@x.org".into()),
            ("a".into(), "y@x.org".into()),
            ("b".into(), "z@x.org".into())
        ]
    );
    assert_eq!(
        db.list_consents(&TenantId::new(APP, "A"), Some("a"))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        db.rename_consents(&TenantId::new(APP, "A"), "a", "c")
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        db.rename_consents(&TenantId::new(APP, "A"), "a", "c")
            .await
            .unwrap(),
        0
    );
    assert!(
        db.list_consents(&TenantId::new(APP, "A"), Some("a"))
            .await
            .unwrap()
            .is_empty()
    );
    let moved = db
        .list_consents(&TenantId::new(APP, "A"), Some("c"))
        .await
        .unwrap();
    assert_eq!(moved.len(), 2);
    assert!(moved.iter().all(|c| c.route == "c"));
    assert_eq!(
        db.list_consents(&TenantId::new(APP, "B"), None)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(!db.consents_migrated().await.unwrap());
    db.set_consents_migrated().await.unwrap();
    assert!(db.consents_migrated().await.unwrap());
}

/// Two replicas claiming the same address at once send one email between them.
pub(super) async fn racing_claims_send_one_email(db: Db, second: Db) {
    for i in 0..5 {
        let f = fresh("r", &format!("race{i}@x.org"), ConsentBy::Member);
        let (a, b) = tokio::join!(
            db.claim_invite(&f, 10_000, DAY),
            second.claim_invite(&f, 10_000, DAY)
        );
        let won = [a.unwrap(), b.unwrap()]
            .iter()
            .filter(|c| c.is_some())
            .count();
        assert_eq!(won, 1, "round {i}");
    }
}

/// The language stored for lu@x.org on route `r`.
async fn stored_lang(db: &Db) -> Option<String> {
    let c = db
        .consent(&TenantId::new(APP, "A"), "r", "lu@x.org")
        .await
        .unwrap();
    c.expect("a stored consent").lang
}

/// The member's language rides on the consent record: a claim stores it, a claim without one
/// (an organizer's invitation) keeps it, a later choice replaces it, and a rename carries it.
pub(super) async fn the_members_language_is_stored_kept_and_replaced(db: Db) {
    let mut f = fresh("r", "Lu@x.org", ConsentBy::Member);
    f.lang = Some("es".into());
    let first = db.claim_invite(&f, 1_000, DAY).await.unwrap().unwrap();
    assert_eq!(first.lang.as_deref(), Some("es"));
    assert_eq!(stored_lang(&db).await.as_deref(), Some("es"));

    let organizer = fresh("r", "lu@x.org", ConsentBy::Organizer);
    let kept = db
        .claim_invite(&organizer, 1_000 + DAY, DAY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        kept.lang.as_deref(),
        Some("es"),
        "no choice keeps the stored one"
    );

    let mut confirmed = kept.clone();
    confirmed.state = ConsentState::Confirmed;
    confirmed.lang = Some("de".into());
    db.put_consent(&confirmed).await.unwrap();
    assert_eq!(stored_lang(&db).await.as_deref(), Some("de"));

    let mut later = fresh("r", "lu@x.org", ConsentBy::Member);
    later.lang = Some("ar".into());
    let replaced = db
        .claim_invite(&later, 1_000 + 3 * DAY, DAY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(replaced.lang.as_deref(), Some("ar"));
    assert_eq!(replaced.state, ConsentState::Confirmed);

    db.put_consent(&fresh("r", "none@x.org", ConsentBy::Operator))
        .await
        .unwrap();
    assert_eq!(
        db.rename_consents(&TenantId::new(APP, "A"), "r", "s")
            .await
            .unwrap(),
        2
    );
    let moved = db
        .list_consents(&TenantId::new(APP, "A"), Some("s"))
        .await
        .unwrap();
    let langs: Vec<_> = moved.iter().map(|c| c.lang.as_deref()).collect();
    assert_eq!(langs, [Some("ar"), None]);
}
