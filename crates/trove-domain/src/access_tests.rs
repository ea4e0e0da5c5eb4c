use super::*;

fn principal(role: &str) -> Principal {
    let grants = builtin_org_roles().into_iter().find(|r| r.uid == role).map(|r| r.permissions).unwrap_or_default();
    Principal {
        user_uid: "us1".into(),
        org_uid: "org1".into(),
        org_role: role.into(),
        grants,
        credential: Credential::UserToken("tk1".into()),
    }
}

fn standing(roles: &[SpaceRole]) -> Standing {
    Standing { roles: roles.to_vec() }
}

fn custom(def: serde_json::Value) -> SpaceRole {
    let c: CustomRole = serde_json::from_value(def).expect("test role parses");
    c.check().expect("test role is valid");
    SpaceRole { uid: "ro1".into(), name: "Custom".into(), description: None, kind: RoleKind::Custom(c) }
}

fn vendor() -> SpaceRole {
    custom(serde_json::json!({
        "workspaces": ["main"],
        "rules": [{"module": "asset", "folders": ["fdincoming"], "acl": {"create": true}}]
    }))
}

fn main_ws() -> Resource<'static> {
    Resource { workspace: Some("main"), locale: None }
}

#[test]
fn a_non_member_learns_nothing_whatever_the_organization_role() {
    let p = principal(PRODUCT_ADMIN);
    for action in [Action::SpaceRead, Action::AssetRead, Action::MemberRead, Action::AuditRead] {
        assert_eq!(decide(&p, Some(&Standing::default()), action, &main_ws()), Decision::Deny(Denial::Hidden));
        assert_eq!(decide(&p, None, action, &main_ws()), Decision::Deny(Denial::Hidden));
    }
    // Whoever may change spaces may add themself as a member (the use case lets
    // them add no one else); a member of the organization may not.
    assert_eq!(decide(&p, None, Action::MemberManage, &main_ws()), Decision::Allow);
    let m = principal(MEMBER);
    assert_eq!(decide(&m, None, Action::MemberManage, &main_ws()), Decision::Deny(Denial::Hidden));
}

#[test]
fn organization_rights_follow_the_role_grid() {
    let admin = principal(PRODUCT_ADMIN);
    let types = principal(ASSET_TYPE_MANAGER);
    let member = principal(MEMBER);
    let r = Resource::default();
    assert_eq!(decide(&admin, None, Action::UserCreate, &r), Decision::Allow);
    assert_eq!(decide(&types, None, Action::FieldCreate, &r), Decision::Allow);
    assert_eq!(decide(&types, None, Action::UserCreate, &r), Decision::Deny(Denial::Forbidden));
    assert_eq!(decide(&member, None, Action::SpaceCreate, &r), Decision::Deny(Denial::Forbidden));
    assert_eq!(decide(&member, None, Action::FieldRead, &r), Decision::Allow);
}

#[test]
fn built_in_space_roles_split_administration_from_content() {
    let p = principal(MEMBER);
    let manager = standing(&[builtin_space_role(ASSET_MANAGER).expect("built in")]);
    let developer = standing(&[builtin_space_role(ASSET_DEVELOPER).expect("built in")]);
    let owner = standing(&[builtin_space_role(SPACE_OWNER).expect("built in")]);
    let admin = standing(&[builtin_space_role(SPACE_ADMIN).expect("built in")]);
    let r = main_ws();
    assert_eq!(decide(&p, Some(&manager), Action::AssetDelete, &r), Decision::Allow);
    assert_eq!(decide(&p, Some(&manager), Action::MemberManage, &r), Decision::Deny(Denial::Forbidden));
    assert_eq!(decide(&p, Some(&developer), Action::AssetRead, &r), Decision::Allow);
    assert_eq!(decide(&p, Some(&developer), Action::AssetUpdate, &r), Decision::Deny(Denial::Forbidden));
    assert_eq!(decide(&p, Some(&developer), Action::WorkspaceLanguages, &r), Decision::Allow);
    assert_eq!(decide(&p, Some(&admin), Action::SpaceDelete, &r), Decision::Deny(Denial::Forbidden));
    assert_eq!(decide(&p, Some(&owner), Action::SpaceDelete, &r), Decision::Allow);
}

#[test]
fn the_vendor_may_only_create_in_its_folder() {
    let p = principal(MEMBER);
    let s = standing(&[vendor()]);
    let r = main_ws();
    for action in [Action::AssetRead, Action::AssetUpdate, Action::AssetDelete, Action::TrashRead, Action::FolderRead] {
        assert_eq!(decide(&p, Some(&s), action, &r), Decision::Deny(Denial::Forbidden), "{action:?}");
    }
    let Decision::Within(f) = decide(&p, Some(&s), Action::AssetCreate, &r) else { panic!("create is filtered") };
    assert!(f.admits(None, &["fdincoming".to_owned()]));
    assert!(f.admits(None, &["fdincoming".to_owned(), "fdbelow".to_owned()]));
    assert!(!f.admits(None, &[]));
    assert!(!f.admits(None, &["fdother".to_owned()]));
    // Another workspace does not exist for it.
    let elsewhere = Resource { workspace: Some("draft"), locale: None };
    assert_eq!(decide(&p, Some(&s), Action::AssetCreate, &elsewhere), Decision::Deny(Denial::Hidden));
}

#[test]
fn exceptions_win_within_a_role_and_roles_unite() {
    let p = principal(MEMBER);
    let reader = custom(serde_json::json!({
        "workspaces": ["main"],
        "rules": [
            {"module": "asset", "assets": ["$all"], "acl": {"read": true, "update": true}},
            {"module": "asset", "folders": ["fdlegal"], "acl": {"read": true}, "exception": true}
        ]
    }));
    let s = standing(std::slice::from_ref(&reader));
    let Decision::Within(f) = decide(&p, Some(&s), Action::AssetRead, &main_ws()) else { panic!("filtered") };
    assert!(f.admits(Some("am1"), &[]));
    assert!(!f.admits(Some("am1"), &["fdlegal".to_owned(), "fdsub".to_owned()]));
    // Update is not excepted.
    assert_eq!(decide(&p, Some(&s), Action::AssetUpdate, &main_ws()), Decision::Allow);
    // A second role granting everything unites with the first.
    let both = standing(&[reader, builtin_space_role(ASSET_MANAGER).expect("built in")]);
    assert_eq!(decide(&p, Some(&both), Action::AssetRead, &main_ws()), Decision::Allow);
}

#[test]
fn language_rules_grant_and_deny_per_locale() {
    let p = principal(MEMBER);
    let role = custom(serde_json::json!({
        "workspaces": ["main"],
        "rules": [{"module": "asset", "assets": ["$all"], "acl": {"read": true, "update": true}}],
        "locales": [
            {"code": "en-us", "acl": {"read": true}},
            {"code": "fr-fr", "acl": {"read": true, "update": true}}
        ]
    }));
    let s = standing(&[role]);
    let at = |l: &'static str| Resource { workspace: Some("main"), locale: Some(l) };
    assert_eq!(decide(&p, Some(&s), Action::AssetUpdate, &at("fr-fr")), Decision::Allow);
    assert_eq!(decide(&p, Some(&s), Action::AssetUpdate, &at("en-us")), Decision::Deny(Denial::Forbidden));
    assert_eq!(decide(&p, Some(&s), Action::AssetRead, &at("de-de")), Decision::Deny(Denial::Forbidden));
}

#[test]
fn delivery_tokens_only_read() {
    let mut p = principal(MEMBER);
    p.credential = Credential::DeliveryToken { uid: "tk2".into(), space: "sp1".into() };
    assert_eq!(decide(&p, None, Action::AssetRead, &main_ws()), Decision::Allow);
    assert_eq!(decide(&p, None, Action::AssetCreate, &main_ws()), Decision::Deny(Denial::Forbidden));
    assert_eq!(decide(&p, None, Action::UserRead, &main_ws()), Decision::Deny(Denial::Forbidden));
}

#[test]
fn role_definitions_are_checked() {
    let bad: CustomRole = serde_json::from_value(serde_json::json!({
        "workspaces": [],
        "rules": [{"module": "asset", "assets": ["$all", "am1"], "acl": {}}]
    }))
    .expect("parses");
    let e = bad.check().expect_err("refused");
    assert!(e.fields.contains_key("workspaces"));
    assert!(e.fields.contains_key("rules[0].assets"));
    assert!(e.fields.contains_key("rules[0].acl"));
}

#[test]
fn a_role_names_a_bounded_number_of_items() {
    let many: Vec<String> = (0..=MAX_NAMED).map(|i| format!("am{i}")).collect();
    let big = CustomRole {
        workspaces: vec!["main".into()],
        rules: vec![Rule { module: Module::Asset, assets: many, folders: Vec::new(), acl: Acl::ALL, exception: false }],
        locales: Vec::new(),
    };
    assert!(big.check().expect_err("refused").fields.contains_key("rules"));
}
