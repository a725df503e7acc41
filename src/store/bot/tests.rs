use super::*;
use crate::store::TenantId;

fn store() -> (tempfile::TempDir, Store) {
    crate::store::temp_store()
}

/// Redeems `code` as `kind` at `now_ms`.
fn redeem(s: &Store, code: &str, kind: CodeKind, now_ms: i64) -> Redeem {
    s.redeem_code(code, &[kind], now_ms).unwrap()
}

fn rec(kind: CodeKind, code: &str, account: &str) -> CodeRecord {
    CodeRecord {
        route: Some("r".into()),
        expires_at_ms: kind.single_use().then_some(1_000),
        ..CodeRecord::fixture(&code_id(code), kind, account, 1)
    }
}

#[test]
fn single_use_codes_work_once_and_expire() {
    let (_d, s) = store();
    assert!(s.put_code("L1", &rec(CodeKind::Link, "L1", "A")).unwrap());
    assert!(s.put_code("L2", &rec(CodeKind::Link, "L2", "A")).unwrap());
    assert_eq!(
        redeem(&s, "L1", CodeKind::Subscribe, 10),
        Redeem::WrongKind(CodeKind::Link),
        "a wrong kind consumes nothing"
    );
    assert!(matches!(
        redeem(&s, " L1 ", CodeKind::Link, 10),
        Redeem::Ok(_)
    ));
    assert_eq!(redeem(&s, "L1", CodeKind::Link, 11), Redeem::Used);
    assert_eq!(redeem(&s, "L2", CodeKind::Link, 1_000), Redeem::Expired);
    assert_eq!(redeem(&s, "nope", CodeKind::Link, 1), Redeem::Unknown);
}

#[test]
fn subscribe_codes_are_reusable_until_revoked() {
    let (_d, s) = store();
    s.put_code("S", &rec(CodeKind::Subscribe, "S", "A"))
        .unwrap();
    for _ in 0..3 {
        assert!(matches!(
            redeem(&s, "S", CodeKind::Subscribe, 5),
            Redeem::Ok(_)
        ));
    }
    assert_eq!(s.list_codes(None).unwrap()[0].uses, 3);
    assert_eq!(
        s.revoke_code(&code_id("S"), Some(&TenantId::new("default", "B")))
            .unwrap()
            .len(),
        0,
        "another tenant's revoke does not reach it"
    );
    assert_eq!(s.revoke_code(&code_id("S"), None).unwrap().len(), 1);
    assert_eq!(redeem(&s, "S", CodeKind::Subscribe, 5), Redeem::Revoked);
}

#[test]
fn a_chat_links_to_one_tenant_only() {
    let (_d, s) = store();
    let link = |acc: &str| ChatLink {
        chat_id: -100,
        app_id: "default".into(),
        account_id: acc.into(),
        kind: ChatKind::Supergroup,
        linked_by: Some(1),
        linked_at_ms: 1,
        title: None,
    };
    assert_eq!(s.link_chat(&link("A")).unwrap().account_id, "A");
    assert_eq!(
        s.link_chat(&link("B")).unwrap().account_id,
        "A",
        "the second tenant does not take it over"
    );
    assert_eq!(
        s.purge_bot_tenant(&TenantId::new("default", "B")).unwrap(),
        0
    );
    assert_eq!(
        s.purge_bot_tenant(&TenantId::new("default", "A")).unwrap(),
        1
    );
    assert!(s.chat_link(-100).unwrap().is_none());
    assert_eq!(s.link_chat(&link("B")).unwrap().account_id, "B");
    s.move_chat_link(-100, -200).unwrap();
    assert!(s.chat_link(-100).unwrap().is_none());
    assert_eq!(s.chat_link(-200).unwrap().unwrap().account_id, "B");
}

#[test]
fn purge_removes_every_record_of_the_tenant_only() {
    let (_d, s) = store();
    s.put_code("a", &rec(CodeKind::Subscribe, "a", "A"))
        .unwrap();
    s.put_code("b", &rec(CodeKind::Subscribe, "b", "B"))
        .unwrap();
    for (acc, user) in [("A", 7), ("B", 7)] {
        s.add_organizer(&OrganizerLink {
            app_id: "default".into(),
            account_id: acc.into(),
            user_id: user,
            chat_id: user,
            linked_at_ms: 1,
        })
        .unwrap();
        s.set_mute(&TenantId::new("default", acc), 42, i64::MAX)
            .unwrap();
    }
    assert!(
        s.is_member_muted(&TenantId::new("default", "A"), 42, 0)
            .unwrap()
    );
    assert_eq!(
        s.purge_bot_tenant(&TenantId::new("default", "A")).unwrap(),
        3
    );
    assert!(
        !s.is_member_muted(&TenantId::new("default", "A"), 42, 0)
            .unwrap()
    );
    assert!(
        s.is_member_muted(&TenantId::new("default", "B"), 42, 0)
            .unwrap()
    );
    assert_eq!(s.list_codes(None).unwrap().len(), 1);
    assert_eq!(s.organizer_links(7).unwrap().len(), 1);
    assert_eq!(s.mutes_of(42).unwrap().len(), 1);
    assert_eq!(s.clear_mutes(42).unwrap(), 1);
    assert!(s.mutes_of(42).unwrap().is_empty());
}
