//! Conformance suite for the metadata-store port, run against every backend:
//! SQLite on a temporary file and PostgreSQL on a fresh database per test.
//! The backends are set up in `common` (shared with the schema registry's test).

use std::sync::Mutex;

use chrono::{Duration, SubsecRound, Utc};
use futures::FutureExt;
use trove_app::ports::*;
use trove_domain::ErrorKind;
use trove_domain::model::*;
use trove_domain::precondition::{Basis, Precondition, VersionTag};
use trove_domain::workspace::MergeStrategy;
use trove_sql::SqlStore;

mod common;
use common::Backend;

#[path = "conformance/typed_values.rs"]
mod typed_values;
use typed_values::*;

fn space(uid: &str) -> (Space, Workspace) {
    let now = Utc::now();
    (
        Space {
            uid: uid.into(),
            title: "S".into(),
            description: None,
            created_by: "us1".into(),
            created_at: now,
            updated_by: "us1".into(),
            updated_at: now,
        },
        Workspace {
            space_uid: uid.into(),
            uid: "main".into(),
            name: "Main".into(),
            description: None,
            source_uid: None,
            default_locale: "en-us".into(),
            languages: vec!["en-us".into()],
            created_by: "us1".into(),
            created_at: now,
            updated_by: "us1".into(),
            updated_at: now,
        },
    )
}

fn fork_of(space: &str, uid: &str, source: &str) -> Workspace {
    let mut w = space_workspace(space);
    w.uid = uid.into();
    w.source_uid = Some(source.into());
    w
}

fn space_workspace(space_uid: &str) -> Workspace {
    space(space_uid).1
}

fn key_in(space: &str, ws: &str, asset: &str) -> AssetKey {
    AssetKey { workspace_uid: ws.into(), ..key(space, asset) }
}

fn merge_request(strategy: MergeStrategy) -> MergeRequest {
    MergeRequest { strategy, by: "us1".into(), at: Utc::now(), check: MergeCheck::unchecked() }
}

fn key(space: &str, asset: &str) -> AssetKey {
    AssetKey {
        space_uid: space.into(),
        workspace_uid: "main".into(),
        asset_uid: asset.into(),
        locale: "en-us".into(),
        fallbacks: Vec::new(),
    }
}

fn file(space: &str, asset: &str, uid: &str, hash: &str) -> StoredFile {
    StoredFile {
        uid: uid.into(),
        space_uid: space.into(),
        asset_uid: asset.into(),
        blob_hash: hash.into(),
        file_name: "a.png".into(),
        content_type: "image/png".into(),
        size: 10,
        dimensions: Some(Dimensions { width: 3, height: 2 }),
        asset_type: "png".into(),
        created_by: "us1".into(),
        created_at: Utc::now().trunc_subsecs(3),
    }
}

fn version(n: i64, title: &str, f: &StoredFile) -> Version {
    Version {
        number: n,
        name: None,
        merged_from: None,
        locale: "en-us".into(),
        content: AssetContent {
            title: title.into(),
            description: None,
            alt_text: Some("a described image".into()),
            tags: vec!["t".into()],
            custom: Default::default(),
        },
        file: f.clone(),
        created_by: "us1".into(),
        created_at: Utc::now(),
    }
}

fn folder(space: &str, uid: &str, parent: Option<&str>) -> Folder {
    let now = Utc::now();
    Folder {
        space_uid: space.into(),
        workspace_uid: "main".into(),
        uid: uid.into(),
        title: uid.into(),
        description: None,
        parent_uid: parent.map(Into::into),
        created_by: "us1".into(),
        created_at: now,
        updated_by: "us1".into(),
        updated_at: now,
    }
}

async fn new_asset(s: &SqlStore, space: &str, asset: &str, hash: &str, parent: Option<&str>) -> StoredFile {
    s.lease_blob(hash, 10, &format!("fl_{asset}"), Utc::now() + Duration::hours(1)).await.unwrap();
    let f = file(space, asset, &format!("fl_{asset}"), hash);
    let n = NewAsset {
        key: key(space, asset),
        parent_uid: parent.map(Into::into),
        slug: "a.png".into(),
        file: f.clone(),
        version: version(1, "one", &f),
    };
    s.create_asset(&n).await.unwrap();
    f
}

fn move_to(parent: Option<&str>) -> FolderChange {
    FolderChange {
        title: None,
        description: None,
        parent_uid: Some(parent.map(Into::into)),
        updated_by: "us1".into(),
        updated_at: Utc::now(),
    }
}

fn deletion() -> Deletion {
    Deletion { deleted_by: "us1".into(), deleted_at: Utc::now() }
}

async fn bootstrap_is_once(s: &SqlStore) {
    let b = Bootstrap {
        organization: Organization { uid: "org1".into(), name: "O".into(), created_at: Utc::now() },
        admin_uid: "us1".into(),
        admin_email: "a@x".into(),
        token_uid: "tk1".into(),
        token_hash: "h1".into(),
        setup: ("sh1".into(), Utc::now() + chrono::Duration::days(1)),
    };
    assert!(s.bootstrap(&b).await.unwrap());
    let mut again = b.clone();
    again.organization.uid = "org2".into();
    again.admin_uid = "us2".into();
    again.admin_email = "b@x".into();
    again.token_uid = "tk2".into();
    again.token_hash = "h2".into();
    assert!(!s.bootstrap(&again).await.unwrap());
    let p = s.principal_for_token("h1", Utc::now()).await.unwrap().unwrap();
    assert_eq!((p.user_uid.as_str(), p.org_role.as_str()), ("us1", "product_admin"));
    assert!(s.principal_for_token("h2", Utc::now()).await.unwrap().is_none());
    assert_eq!(s.user_for_setup("sh1", Utc::now()).await.unwrap().unwrap().uid, "us1");
    // The bootstrap is recorded in the outbox, outside any space.
    let org = s.list_audit(&Default::default(), PageRequest::new(None, Some(10))).await.unwrap();
    let actions: Vec<&str> = org.items.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"user.create") && actions.contains(&"token.create"), "{actions:?}");
    s.ping().await.unwrap();
}

async fn spaces_round_trip_and_cascade(s: &SqlStore) {
    let (sp, ws) = space("sp1");
    s.create_space(&sp, &ws).await.unwrap();
    let (sp2, ws2) = space("sp2");
    s.create_space(&sp2, &ws2).await.unwrap();
    assert_eq!(s.get_space("sp1").await.unwrap().unwrap().title, "S");
    assert_eq!(s.get_workspace("sp1", "main").await.unwrap().unwrap().default_locale, "en-us");
    let page = s.list_spaces("us1", PageRequest::new(Some(1), Some(1))).await.unwrap();
    assert_eq!((page.count, page.items.len()), (2, 1));
    let change = |title: Option<&str>, description: Option<Option<&str>>| SpaceChange {
        title: title.map(Into::into),
        description: description.map(|d| d.map(Into::into)),
        updated_by: "us2".into(),
        updated_at: Utc::now(),
    };
    let upd = s.update_space("sp1", &change(None, Some(Some("d")))).await.unwrap().unwrap();
    assert_eq!((upd.title.as_str(), upd.description.as_deref()), ("S", Some("d")), "only the named field changes");
    let upd = s.update_space("sp1", &change(Some("T"), None)).await.unwrap().unwrap();
    assert_eq!((upd.title.as_str(), upd.description.as_deref(), upd.updated_by.as_str()), ("T", Some("d"), "us2"));
    assert!(s.update_space("nope", &change(Some("T"), None)).await.unwrap().is_none());
    let _ = sp;
    new_asset(s, "sp1", "am1", "h1", None).await;
    s.create_folder(&folder("sp1", "fd1", None)).await.unwrap();
    assert!(s.delete_space("sp1").await.unwrap());
    assert!(!s.delete_space("sp1").await.unwrap());
    assert!(s.get_space("sp1").await.unwrap().is_none());
    assert!(s.get_asset(&key("sp1", "am1")).await.unwrap().is_none());
    assert!(s.get_workspace("sp1", "main").await.unwrap().is_none());
}

async fn versions_compare_and_set(s: &SqlStore) {
    let (sp, ws) = space("sp1");
    s.create_space(&sp, &ws).await.unwrap();
    let f1 = new_asset(s, "sp1", "am1", "h1", None).await;
    let a = s.get_asset(&key("sp1", "am1")).await.unwrap().unwrap();
    assert_eq!((a.head.number, a.head.content.title.as_str()), (1, "one"));
    assert_eq!(a.head.content.alt_text.as_deref(), Some("a described image"));
    assert_eq!(a.head.file, f1);
    s.append_version(&key("sp1", "am1"), 1, &version(2, "two", &f1), None).await.unwrap();
    let stale = s.append_version(&key("sp1", "am1"), 1, &version(2, "stale", &f1), None).await.unwrap_err();
    assert_eq!(stale.kind, ErrorKind::PreconditionFailed);
    s.lease_blob("h2", 10, "fl2", Utc::now() + Duration::hours(1)).await.unwrap();
    let f2 = file("sp1", "am1", "fl2", "h2");
    s.append_version(&key("sp1", "am1"), 2, &version(3, "three", &f2), Some(&f2)).await.unwrap();
    let a = s.get_asset(&key("sp1", "am1")).await.unwrap().unwrap();
    assert_eq!((a.head.number, a.head.file.uid.as_str()), (3, "fl2"));
    let vs = s.list_versions(&key("sp1", "am1")).await.unwrap();
    assert_eq!(vs.iter().map(|v| v.number).collect::<Vec<_>>(), vec![3, 2, 1]);
    assert!(s.name_version(&key("sp1", "am1"), 2, Some("Launch")).await.unwrap());
    assert!(!s.name_version(&key("sp1", "am1"), 9, Some("x")).await.unwrap());
    assert_eq!(s.get_version(&key("sp1", "am1"), 2).await.unwrap().unwrap().name.as_deref(), Some("Launch"));
    s.set_slug("sp1", "am1", "hero").await.unwrap();
    s.set_slug("sp1", "am1", "hero").await.unwrap();
    assert_eq!(s.set_slug("sp1", "am1", "other").await.unwrap_err().kind, ErrorKind::Conflict);
    let missing = s.append_version(&key("sp1", "am_x"), 1, &version(2, "x", &f1), None).await.unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    assert_eq!(s.deliverable_file("sp1", "am1", "fl_am1").await.unwrap().unwrap().blob_hash, "h1");

    // A conditioned trash checks the head in its own transaction.
    let d = deletion();
    let am1 = ["am1".to_owned()];
    let stale = Precondition::OneOf(vec![VersionTag { version: 2, basis: Basis::Own }]);
    let err = s.trash_assets("sp1", "main", &am1, &d, Some((&key("sp1", "am1"), &stale))).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::PreconditionFailed);
    assert!(s.get_asset(&key("sp1", "am1")).await.unwrap().is_some(), "a refused trash changes nothing");
    let current = Precondition::OneOf(vec![VersionTag { version: 3, basis: Basis::Own }]);
    s.trash_assets("sp1", "main", &am1, &d, Some((&key("sp1", "am1"), &current))).await.unwrap();
    assert!(s.get_asset(&key("sp1", "am1")).await.unwrap().is_none());
}

async fn folders_moves_and_trash(s: &SqlStore) {
    let (sp, ws) = space("sp1");
    s.create_space(&sp, &ws).await.unwrap();
    s.create_folder(&folder("sp1", "a", None)).await.unwrap();
    s.create_folder(&folder("sp1", "b", Some("a"))).await.unwrap();
    s.create_folder(&folder("sp1", "c", Some("b"))).await.unwrap();
    assert_eq!(s.create_folder(&folder("sp1", "x", Some("nope"))).await.unwrap_err().kind, ErrorKind::NotFound);
    let cycle = s.update_folder("sp1", "main", "a", &move_to(Some("c"))).await.unwrap_err();
    assert_eq!((cycle.kind, cycle.code.as_ref()), (ErrorKind::Conflict, "folder_cycle"));
    let moved = s.update_folder("sp1", "main", "c", &move_to(None)).await.unwrap();
    assert_eq!((moved.parent_uid, moved.title.as_str()), (None, "c"), "a move keeps the title");
    let renamed =
        s.update_folder("sp1", "main", "c", &FolderChange { title: Some("C".into()), ..move_to(None) }).await.unwrap();
    assert_eq!(renamed.title, "C");
    let renamed = s
        .update_folder(
            "sp1",
            "main",
            "c",
            &FolderChange { parent_uid: None, title: Some("c2".into()), ..move_to(None) },
        )
        .await
        .unwrap();
    assert_eq!((renamed.parent_uid, renamed.title.as_str()), (None, "c2"));
    let root =
        s.list_folders("sp1", "main", &FolderFilter::In(None), None, PageRequest::new(None, None)).await.unwrap();
    assert_eq!(root.count, 2);
    s.update_folder("sp1", "main", "c", &move_to(Some("b"))).await.unwrap();
    assert_eq!(
        s.update_folder("sp1", "main", "c", &move_to(Some("nope"))).await.unwrap_err().kind,
        ErrorKind::NotFound
    );

    new_asset(s, "sp1", "am1", "h1", Some("c")).await;
    new_asset(s, "sp1", "am2", "h2", Some("a")).await;
    s.trash_assets("sp1", "main", &["am2".into()], &deletion(), None).await.unwrap();
    s.trash_folder("sp1", "main", "a", &deletion()).await.unwrap();
    assert!(s.get_folder("sp1", "main", "c").await.unwrap().is_none());
    assert!(s.get_asset(&key("sp1", "am1")).await.unwrap().is_none());
    let t = s.list_trash("sp1", "main", &TrashFilter::default(), PageRequest::new(None, None)).await.unwrap();
    assert_eq!(t.count, 2, "the folder and the asset deleted on its own");
    let f = t.items.iter().find(|i| i.kind == TrashKind::Folder).unwrap();
    assert_eq!((f.uid.as_str(), f.asset_count), ("a", 1));
    assert_eq!(s.restore_asset("sp1", "main", "am1").await.unwrap_err().kind, ErrorKind::Conflict);
    assert_eq!(s.restore_asset("sp1", "main", "am2").await.unwrap_err().kind, ErrorKind::Conflict);
    assert_eq!(s.trash_kind("sp1", "main", "a").await.unwrap(), Some(TrashKind::Folder));
    s.restore_folder("sp1", "main", "a", true).await.unwrap();
    assert!(s.get_folder("sp1", "main", "c").await.unwrap().is_some());
    assert!(s.get_asset(&key("sp1", "am1")).await.unwrap().is_some());
    s.restore_asset("sp1", "main", "am2").await.unwrap();
    assert_eq!(s.get_asset(&key("sp1", "am2")).await.unwrap().unwrap().parent_uid.as_deref(), Some("a"));
    let bad = s.move_assets("sp1", "main", &["am1".into(), "zz".into()], Some("b")).await.unwrap_err();
    assert_eq!(bad.kind, ErrorKind::NotFound);
    assert_eq!(s.get_asset(&key("sp1", "am1")).await.unwrap().unwrap().parent_uid.as_deref(), Some("c"));
    s.move_assets("sp1", "main", &["am1".into()], None).await.unwrap();
    let root_assets = s
        .list_assets(
            "sp1",
            "main",
            &["en-us".to_owned()],
            &AssetFilter::folder(FolderFilter::In(None)),
            PageRequest::new(None, None),
        )
        .await
        .unwrap();
    assert_eq!(root_assets.count, 1);
}

async fn purge_and_garbage_collection(s: &SqlStore) {
    let (sp, ws) = space("sp1");
    s.create_space(&sp, &ws).await.unwrap();
    new_asset(s, "sp1", "am1", "shared", None).await;
    new_asset(s, "sp1", "am2", "shared", None).await;
    new_asset(s, "sp1", "am3", "alone", None).await;
    s.trash_assets("sp1", "main", &["am1".into(), "am3".into()], &deletion(), None).await.unwrap();
    let r = s.purge_trash(Utc::now() - Duration::hours(1)).await.unwrap();
    assert_eq!(r, PurgeReport::default(), "nothing is old enough yet");
    let r = s.purge_trash(Utc::now() + Duration::seconds(1)).await.unwrap();
    assert_eq!(r.assets, 2);

    // A leased blob survives collection even without references.
    s.lease_blob("leased", 5, "lease-a", Utc::now() + Duration::hours(1)).await.unwrap();
    let deleted = Mutex::new(Vec::new());
    let deleter = |hashes: Vec<String>| {
        deleted.lock().unwrap().extend(hashes);
        async { Ok(()) }.boxed()
    };
    let n = s.collect_garbage(Utc::now(), 100, &deleter).await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(*deleted.lock().unwrap(), vec!["alone".to_string()]);

    // A failing object deletion rolls back: the blob is still known and collected later.
    s.lease_blob("expired", 5, "lease-b", Utc::now() - Duration::seconds(1)).await.unwrap();
    let failing = |_: Vec<String>| async { Err(trove_domain::Error::internal("storage down")) }.boxed();
    assert!(s.collect_garbage(Utc::now(), 100, &failing).await.is_err());
    deleted.lock().unwrap().clear();
    assert_eq!(s.collect_garbage(Utc::now(), 100, &deleter).await.unwrap(), 1);
    assert_eq!(*deleted.lock().unwrap(), vec!["expired".to_string()]);
    assert_eq!(s.collect_garbage(Utc::now() + Duration::hours(2), 100, &deleter).await.unwrap(), 1, "lease expired");

    // Two uploads of the same bytes: the first one committing must not end the
    // second one's lease, even if the first asset is then purged.
    s.lease_blob("twin", 5, "fl_am8", Utc::now() + Duration::hours(1)).await.unwrap();
    s.lease_blob("twin", 5, "fl_am9", Utc::now() + Duration::hours(1)).await.unwrap();
    let f = file("sp1", "am8", "fl_am8", "twin");
    let n = NewAsset {
        key: key("sp1", "am8"),
        parent_uid: None,
        slug: "a".into(),
        file: f.clone(),
        version: version(1, "x", &f),
    };
    s.create_asset(&n).await.unwrap();
    s.trash_assets("sp1", "main", &["am8".into()], &deletion(), None).await.unwrap();
    s.purge_trash(Utc::now() + Duration::seconds(1)).await.unwrap();
    deleted.lock().unwrap().clear();
    assert_eq!(s.collect_garbage(Utc::now(), 100, &deleter).await.unwrap(), 0, "the second upload still holds a lease");
    let f = file("sp1", "am9", "fl_am9", "twin");
    let n = NewAsset {
        key: key("sp1", "am9"),
        parent_uid: None,
        slug: "a".into(),
        file: f.clone(),
        version: version(1, "x", &f),
    };
    s.create_asset(&n).await.unwrap();
    assert_eq!(s.collect_garbage(Utc::now() + Duration::hours(2), 100, &deleter).await.unwrap(), 0, "now referenced");
}

async fn workspaces_fork_isolate_and_delete(s: &SqlStore) {
    let (sp, ws) = space("sp1");
    s.create_space(&sp, &ws).await.unwrap();
    let f1 = new_asset(s, "sp1", "am1", "h1", None).await;
    let w = s.create_workspace(&fork_of("sp1", "ws", "main")).await.unwrap();
    assert_eq!((w.source_uid.as_deref(), w.languages.clone()), (Some("main"), vec!["en-us".to_owned()]));
    let dup = s.create_workspace(&fork_of("sp1", "ws", "main")).await.unwrap_err();
    assert_eq!((dup.kind, dup.fields.contains_key("uid")), (ErrorKind::Conflict, true));
    let missing = s.create_workspace(&fork_of("sp1", "w2", "nope")).await.unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    assert_eq!(s.list_workspaces("sp1", PageRequest::new(None, None)).await.unwrap().count, 2);

    let in_ws = key_in("sp1", "ws", "am1");
    assert_eq!(s.get_asset(&in_ws).await.unwrap().unwrap().head.content.title, "one");
    s.append_version(&in_ws, 1, &version(2, "ws two", &f1), None).await.unwrap();
    s.append_version(&key("sp1", "am1"), 1, &version(2, "main two", &f1), None).await.unwrap();
    assert_eq!(s.get_asset(&in_ws).await.unwrap().unwrap().head.content.title, "ws two");
    assert_eq!(s.get_asset(&key("sp1", "am1")).await.unwrap().unwrap().head.content.title, "main two");
    let titles = |vs: Vec<Version>| vs.into_iter().map(|v| v.content.title).collect::<Vec<_>>();
    assert_eq!(titles(s.list_versions(&in_ws).await.unwrap()), vec!["ws two", "one"]);
    assert!(s.name_version(&in_ws, 1, Some("ws name")).await.unwrap());
    assert_eq!(s.get_version(&key("sp1", "am1"), 1).await.unwrap().unwrap().name, None);

    // A fork of the fork survives the fork's deletion.
    s.create_workspace(&fork_of("sp1", "ws2", "ws")).await.unwrap();
    s.append_version(&in_ws, 2, &version(3, "ws three", &f1), None).await.unwrap();
    assert!(s.delete_workspace("sp1", "ws").await.unwrap());
    assert!(!s.delete_workspace("sp1", "ws").await.unwrap());
    assert!(s.get_workspace("sp1", "ws").await.unwrap().is_none());
    let in_ws2 = key_in("sp1", "ws2", "am1");
    assert_eq!(s.get_asset(&in_ws2).await.unwrap().unwrap().head.content.title, "ws two");
    assert_eq!(s.get_version(&in_ws2, 1).await.unwrap().unwrap().name.as_deref(), Some("ws name"));
    assert_eq!(s.get_asset(&key("sp1", "am1")).await.unwrap().unwrap().head.content.title, "main two");
}

async fn workspaces_compare_and_merge(s: &SqlStore) {
    let (sp, ws) = space("sp1");
    s.create_space(&sp, &ws).await.unwrap();
    let f1 = new_asset(s, "sp1", "am1", "h1", None).await;
    new_asset(s, "sp1", "am2", "h2", None).await;
    s.create_workspace(&fork_of("sp1", "ws", "main")).await.unwrap();
    assert!(s.compare_workspace("sp1", "ws").await.unwrap().is_empty());
    s.append_version(&key_in("sp1", "ws", "am1"), 1, &version(2, "from ws", &f1), None).await.unwrap();
    let changes = s.compare_workspace("sp1", "ws").await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].uid, "am1");
    let l = &changes[0].locales[0];
    assert_eq!(l.sides.workspace.as_ref().map(|c| c.fields.clone()), Some(vec!["title".to_owned()]));
    assert!(l.sides.source.is_none() && !l.sides.conflict);

    let report = s.merge_workspace("sp1", "ws", &merge_request(MergeStrategy::FailOnConflict)).await.unwrap();
    assert_eq!((report.assets, report.versions), (1, 1));
    let head = s.get_asset(&key("sp1", "am1")).await.unwrap().unwrap().head;
    assert_eq!((head.number, head.content.title.as_str(), head.merged_from.as_deref()), (2, "from ws", Some("ws")));
    assert!(s.compare_workspace("sp1", "ws").await.unwrap().is_empty(), "the base moved to the merge");

    // Both sides change am2: a conflict.
    let f2 = s.get_asset(&key("sp1", "am2")).await.unwrap().unwrap().head.file;
    s.append_version(&key_in("sp1", "ws", "am2"), 1, &version(2, "ws side", &f2), None).await.unwrap();
    s.append_version(&key("sp1", "am2"), 1, &version(2, "main side", &f2), None).await.unwrap();
    let refused = s.merge_workspace("sp1", "ws", &merge_request(MergeStrategy::FailOnConflict)).await.unwrap_err();
    assert_eq!((refused.kind, refused.code.as_ref()), (ErrorKind::Conflict, "merge_conflict"));
    assert!(refused.fields.contains_key("asset/am2/en-us"), "{:?}", refused.fields);
    assert!(refused.fields.contains_key("asset/am2/en-us/title"), "the field is named: {:?}", refused.fields);
    let kept = s.merge_workspace("sp1", "ws", &merge_request(MergeStrategy::PreferSource)).await.unwrap();
    assert_eq!(
        (kept.versions, kept.conflicts.clone()),
        (0, vec!["asset/am2/en-us".to_owned(), "asset/am2/en-us/title".to_owned()])
    );
    assert_eq!(s.get_asset(&key("sp1", "am2")).await.unwrap().unwrap().head.content.title, "main side");
    s.append_version(&key_in("sp1", "ws", "am2"), 2, &version(3, "ws again", &f2), None).await.unwrap();
    s.append_version(&key("sp1", "am2"), 2, &version(3, "main again", &f2), None).await.unwrap();
    let taken = s.merge_workspace("sp1", "ws", &merge_request(MergeStrategy::PreferWorkspace)).await.unwrap();
    assert_eq!(taken.versions, 1);
    assert_eq!(s.get_asset(&key("sp1", "am2")).await.unwrap().unwrap().head.content.title, "ws again");
    let main_only = s.merge_workspace("sp1", "main", &merge_request(MergeStrategy::FailOnConflict)).await.unwrap_err();
    assert_eq!(main_only.kind, ErrorKind::Conflict);
}

async fn languages_keep_their_chains(s: &SqlStore) {
    s.create_language(&lang("fr-fr", "en-us")).await.unwrap();
    s.create_language(&lang("fr-ca", "fr-fr")).await.unwrap();
    assert_eq!(s.create_language(&lang("fr-ca", "en-us")).await.unwrap_err().code, "language_exists");
    assert_eq!(s.create_language(&lang("de-de", "xx")).await.unwrap_err().code, "unknown_language");
    assert_eq!(s.update_language("fr-fr", None, Some("fr-ca")).await.unwrap_err().code, "fallback_cycle");
    assert_eq!(s.get_language("fr-fr").await.unwrap().unwrap().fallback_code.as_deref(), Some("en-us"));
    let renamed = s.update_language("fr-ca", Some("Québécois"), None).await.unwrap().unwrap();
    assert_eq!((renamed.name.as_str(), renamed.fallback_code.as_deref()), ("Québécois", Some("fr-fr")));
    assert!(s.update_language("xx", None, None).await.unwrap().is_none());
    assert_eq!(s.delete_language("fr-fr").await.unwrap_err().code, "language_in_use");
    assert_eq!(s.delete_language("en-us").await.unwrap_err().code, "language_in_use");
    assert!(s.delete_language("fr-ca").await.unwrap());
    assert!(!s.delete_language("fr-ca").await.unwrap());
    let codes: Vec<String> = s.list_languages().await.unwrap().into_iter().map(|l| l.code).collect();
    assert_eq!(codes, vec!["en-us", "fr-fr"]);
}

async fn fields_are_unique_by_uid_and_name(s: &SqlStore) {
    use trove_domain::fields::{Field, FieldDef};
    let field = |uid: &str, name: &str| {
        let def: FieldDef =
            serde_json::from_value(serde_json::json!({"uid": uid, "name": name, "type": "single_line"})).unwrap();
        let now = Utc::now().trunc_subsecs(3);
        Field { def, created_by: "us1".into(), created_at: now, updated_by: "us1".into(), updated_at: now }
    };
    s.create_field(&field("product_id", "Product ID")).await.unwrap();
    s.create_field(&field("usage", "Usage")).await.unwrap();
    assert_eq!(s.create_field(&field("product_id", "Other")).await.unwrap_err().code, "field_exists");
    assert_eq!(s.create_field(&field("pid", " product id ")).await.unwrap_err().code, "field_name_taken");
    assert_eq!(s.update_field(&field("usage", "PRODUCT ID")).await.unwrap_err().code, "field_name_taken");
    let mut renamed = field("usage", "Usage rights");
    renamed.def.mandatory = true;
    renamed.created_at += Duration::seconds(1);
    renamed.updated_at = renamed.created_at;
    let stored = s.update_field(&renamed).await.unwrap().unwrap();
    assert_eq!(stored.def, renamed.def, "the definition round-trips whole");
    assert_eq!(stored.updated_at, renamed.updated_at);
    assert!(stored.created_at < renamed.created_at, "an update keeps the creation time");
    assert_eq!(s.get_field("usage").await.unwrap(), Some(stored));
    assert!(s.update_field(&field("nope", "Nope")).await.unwrap().is_none());
    assert!(s.delete_field("product_id").await.unwrap());
    assert!(!s.delete_field("product_id").await.unwrap());
    s.create_field(&field("pid", "Product ID")).await.unwrap();
    let uids: Vec<String> = s.list_fields().await.unwrap().into_iter().map(|f| f.def.uid).collect();
    assert_eq!(uids, vec!["pid", "usage"]);
}

async fn asset_types_own_their_fields_and_pairs(s: &SqlStore) {
    use trove_domain::asset_types::{AssetType, Category, catalogue};
    use trove_domain::fields::{Field, FieldDef};
    let now = Utc::now().trunc_subsecs(3);
    for uid in ["sku", "angle"] {
        let def: FieldDef =
            serde_json::from_value(serde_json::json!({"uid": uid, "name": uid, "type": "single_line"})).unwrap();
        s.create_field(&Field {
            def,
            created_by: "us1".into(),
            created_at: now,
            updated_by: "us1".into(),
            updated_at: now,
        })
        .await
        .unwrap();
    }
    let stored = |uid: &str, mimes: &[&str], exts: &[&str], fields: &[&str]| StoredAssetType {
        def: AssetType {
            uid: uid.into(),
            title: uid.into(),
            description: String::new(),
            category: Category::Other,
            mime_types: mimes.iter().map(|m| (*m).to_owned()).collect(),
            file_extensions: exts.iter().map(|e| (*e).to_owned()).collect(),
            is_system: false,
            restricted: None,
            icon: Some("box".into()),
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            rules: Vec::new(),
        },
        created_by: "us1".into(),
        created_at: now,
        updated_by: "us1".into(),
        updated_at: now,
    };
    let a = stored("a_type", &["application/x-a"], &["aaa", "aab"], &["angle", "sku"]);
    s.create_asset_type(&a).await.unwrap();
    assert_eq!(s.list_asset_types().await.unwrap(), vec![a.clone()], "the type round-trips, fields in order");
    let code = |r: trove_domain::Result<()>| r.unwrap_err().code.to_string();
    assert_eq!(code(s.create_asset_type(&stored("a_type", &["application/x-z"], &[], &[])).await), "asset_type_exists");
    assert_eq!(
        code(s.create_asset_type(&stored("b_type", &["application/x-a"], &["aab"], &[])).await),
        "asset_type_pair_taken"
    );
    let missing = s.create_asset_type(&stored("b_type", &["application/x-b"], &[], &["nope"])).await.unwrap_err();
    assert_eq!((missing.code.as_ref(), missing.kind), ("field_not_found", ErrorKind::Validation));
    // Nothing of a refused type was kept: its pairs are free.
    s.create_asset_type(&stored("b_type", &["application/x-a"], &["bbb"], &[])).await.unwrap();
    // A field a type lists cannot go, whoever checks first.
    assert_eq!(s.delete_field("sku").await.unwrap_err().kind, ErrorKind::Conflict);

    let mut changed = stored("a_type", &["application/x-a"], &["aaa"], &["sku"]);
    changed.updated_at = now + Duration::seconds(1);
    changed.created_at = changed.updated_at;
    let saved = s.update_asset_type(&changed).await.unwrap().unwrap();
    assert_eq!((saved.def.clone(), saved.created_at), (changed.def.clone(), now), "an update keeps the creation");
    // Its dropped pair and field are free.
    s.create_asset_type(&stored("c_type", &["application/x-a"], &["aab"], &[])).await.unwrap();
    assert!(s.delete_field("angle").await.unwrap());
    assert!(s.update_asset_type(&stored("nope", &["application/x-n"], &[], &[])).await.unwrap().is_none());

    // Additions to a built-in type: stored on first update, with no pairs of their own.
    let mut jpeg = StoredAssetType { def: catalogue()[0].clone(), ..stored("x", &[], &[], &[]) };
    jpeg.def.fields = vec!["sku".into()];
    assert!(s.update_asset_type(&jpeg).await.unwrap().is_some());
    let all = s.list_asset_types().await.unwrap();
    let uids: Vec<&str> = all.iter().map(|t| t.def.uid.as_str()).collect();
    let mut want = vec![jpeg.def.uid.as_str(), "a_type", "b_type", "c_type"];
    want.sort_unstable();
    assert_eq!(uids, want, "by UID");
    assert!(all.iter().any(|t| t.def.is_system && t.def.fields == ["sku"]));
    assert_eq!(s.count_files_of_type("a_type").await.unwrap(), 0);

    assert!(s.delete_asset_type("a_type").await.unwrap());
    assert!(!s.delete_asset_type("a_type").await.unwrap());
    s.create_asset_type(&stored("d_type", &["application/x-a"], &["aaa"], &[])).await.unwrap();
}

async fn job_claims_are_exclusive(s: &SqlStore) {
    let now = Utc::now();
    assert!(s.try_claim_job("j", "node-a", now, now + Duration::seconds(60)).await.unwrap());
    assert!(!s.try_claim_job("j", "node-b", now, now + Duration::seconds(60)).await.unwrap());
    let later = now + Duration::seconds(61);
    assert!(s.try_claim_job("j", "node-b", later, later + Duration::seconds(60)).await.unwrap());
    assert!(s.try_claim_job("other", "node-a", now, now + Duration::seconds(60)).await.unwrap());
    // Only the holder can release a claim; once released, anyone claims it at once.
    s.release_job("other", "node-b").await.unwrap();
    assert!(!s.try_claim_job("other", "node-c", now, now + Duration::seconds(60)).await.unwrap());
    s.release_job("other", "node-a").await.unwrap();
    assert!(s.try_claim_job("other", "node-c", now, now + Duration::seconds(60)).await.unwrap());
}

fn lang(code: &str, fallback: &str) -> Language {
    Language {
        code: code.into(),
        name: code.into(),
        fallback_code: Some(fallback.into()),
        is_default: false,
        is_custom: true,
        created_at: Utc::now().trunc_subsecs(3),
    }
}

async fn variants_localize_and_unlocalize(s: &SqlStore) {
    let (sp, ws) = space("sp1");
    s.create_space(&sp, &ws).await.unwrap();
    s.create_language(&lang("fr-fr", "en-us")).await.unwrap();
    s.set_workspace_languages("sp1", "main", &["en-us".into(), "fr-fr".into()], "us1", Utc::now()).await.unwrap();
    let (_, before) = s.workspace_with_settings_version("sp1", "main").await.unwrap().unwrap();
    s.create_language(&lang("de-de", "en-us")).await.unwrap();
    let (ws, after) = s.workspace_with_settings_version("sp1", "main").await.unwrap().unwrap();
    assert!(after > before, "a language change bumps the version: {before} → {after}");
    assert_eq!(ws.languages, ["en-us", "fr-fr"]);
    let f1 = new_asset(s, "sp1", "am1", "h1", None).await;
    let fr = AssetKey { locale: "fr-fr".into(), fallbacks: vec!["en-us".into()], ..key("sp1", "am1") };
    assert_eq!(s.get_asset(&fr).await.unwrap().unwrap().head.locale, "en-us");
    let v = Version { locale: "fr-fr".into(), ..version(1, "un", &f1) };
    assert_eq!(s.localize(&fr, ("en-us", 2), &v, None).await.unwrap_err().kind, ErrorKind::PreconditionFailed);
    // The first version numbers past every head the asset has (en-us v1).
    assert_eq!(s.localize(&fr, ("en-us", 1), &v, None).await.unwrap(), 2);
    assert_eq!(s.localize(&fr, ("en-us", 1), &v, None).await.unwrap_err().kind, ErrorKind::PreconditionFailed);
    let a = s.get_asset(&fr).await.unwrap().unwrap();
    assert_eq!((a.locale.as_str(), a.head.locale.as_str(), a.head.content.title.as_str()), ("fr-fr", "fr-fr", "un"));
    let heads = s.variants("sp1", "main", "am1").await.unwrap().unwrap();
    assert_eq!(
        heads.iter().map(|v| (v.locale.as_str(), v.head_version)).collect::<Vec<_>>(),
        [("en-us", 1), ("fr-fr", 2)]
    );
    let chain = fr.chain();
    let only = |f: AssetFilter| async move {
        s.list_assets("sp1", "main", &["fr-fr".to_owned(), "en-us".to_owned()], &f, PageRequest::new(None, None))
            .await
            .unwrap()
            .count
    };
    let localized = AssetFilter { localized_in: Some("fr-fr".into()), ..AssetFilter::folder(FolderFilter::Any) };
    let not = AssetFilter { not_localized_in: Some("fr-fr".into()), ..AssetFilter::folder(FolderFilter::Any) };
    assert_eq!((only(localized.clone()).await, only(not.clone()).await), (1, 0));
    assert_eq!(chain, ["fr-fr", "en-us"]);

    s.unlocalize(&fr).await.unwrap();
    assert_eq!(s.unlocalize(&fr).await.unwrap_err().code, "variant_not_found");
    assert_eq!(s.unlocalize(&key("sp1", "am1")).await.unwrap_err().code, "last_variant");
    assert_eq!(s.get_asset(&fr).await.unwrap().unwrap().head.locale, "en-us");
    assert_eq!((only(localized).await, only(not).await), (0, 1));
    // A new variant numbers on and has a history of its own.
    assert_eq!(s.localize(&fr, ("en-us", 1), &v, None).await.unwrap(), 3);
    let exact = AssetKey { fallbacks: Vec::new(), ..fr.clone() };
    assert_eq!(s.list_versions(&exact).await.unwrap().iter().map(|v| v.number).collect::<Vec<_>>(), [3]);
    assert!(s.get_version(&exact, 2).await.unwrap().is_none());
    assert!(s.variants("sp1", "main", "am_x").await.unwrap().is_none());
}

macro_rules! conformance {
    ($module:ident, $backend:path) => {
        mod $module {
            conformance!(@tests $backend;
                bootstrap_is_once,
                spaces_round_trip_and_cascade,
                versions_compare_and_set,
                folders_moves_and_trash,
                purge_and_garbage_collection,
                workspaces_fork_isolate_and_delete,
                workspaces_compare_and_merge,
                languages_keep_their_chains,
                fields_are_unique_by_uid_and_name,
                typed_values_follow_the_heads,
                typed_values_share_statements_across_kinds,
                typed_values_follow_merges,
                asset_types_own_their_fields_and_pairs,
                variants_localize_and_unlocalize,
                job_claims_are_exclusive,
            );
            conformance!(@reopening $backend;
                typed_values_are_rebuilt_from_the_heads,
            );
        }
    };
    (@reopening $backend:path; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $check() {
                let Some(b) = $backend().await else { return };
                super::$check(b).await.finish().await;
            }
        )*
    };
    (@tests $backend:path; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $check() {
                let Some(b) = $backend().await else { return };
                super::$check(&b.store).await;
                b.finish().await;
            }
        )*
    };
}

conformance!(sqlite, super::Backend::sqlite);
conformance!(postgres, super::Backend::postgres);
