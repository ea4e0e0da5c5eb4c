//! Conformance of the typed-values read model: values follow the heads through
//! edits, forks, merges, unlocalization, deletion and a rebuild.

use super::*;

/// Typed values follow the heads: written when a head changes and only where a
/// value changed, read per field, counted per head, forked and dropped with their
/// workspace, and gone with an unlocalized variant.
pub(super) async fn typed_values_follow_the_heads(s: &SqlStore) {
    let (sp, main) = space("sp1");
    s.create_space(&sp, &main).await.unwrap();
    s.create_language(&lang("fr-fr", "en-us")).await.unwrap();
    s.set_workspace_languages("sp1", "main", &["en-us".into(), "fr-fr".into()], "us1", Utc::now()).await.unwrap();
    let f = new_asset(s, "sp1", "am1", &"c".repeat(64), None).await;
    let types = ["png".to_owned()];
    let rows = || async { s.row_count("asset_values").await.unwrap() };
    assert_eq!(s.count_missing_values(&types, "price", false).await.unwrap(), 1);
    assert_eq!(rows().await, 0);
    let custom = |j: serde_json::Value| j.as_object().cloned().unwrap();
    let mut v = version(2, "two", &f);
    v.content.custom = custom(serde_json::json!({
        "price": 19.5, "launch": "2024-01-02", "ok": true, "tags": ["a", "b"],
        "rights": {"end": "1970-01-11", "holder": {"name": "S"}}, "url": {"href": "https://x.example", "title": "X"}
    }));
    s.append_version(&key("sp1", "am1"), 1, &v, None).await.unwrap();
    assert_eq!(rows().await, 8, "one row per value, list items each");
    let one = |rows: Vec<trove_domain::fields::TypedRow>| {
        assert_eq!(rows.len(), 1, "{rows:?}");
        rows.into_iter().next().unwrap()
    };
    assert_eq!(one(s.stored_values("price", 10).await.unwrap()).number, Some(19.5));
    let launch = one(s.stored_values("launch", 10).await.unwrap());
    assert_eq!((launch.date, launch.text.as_deref()), (Some(19_724), Some("2024-01-02")));
    assert_eq!(one(s.stored_values("ok", 10).await.unwrap()).boolean, Some(true));
    assert_eq!(one(s.stored_values("rights.end", 10).await.unwrap()).date, Some(10));
    assert_eq!(one(s.stored_values("url", 10).await.unwrap()).text.as_deref(), Some("https://x.example"));
    assert_eq!(s.stored_values("tags", 10).await.unwrap().len(), 2);
    assert_eq!(s.count_missing_values(&types, "price", false).await.unwrap(), 0);
    assert_eq!(s.count_missing_values(&types, "rights", false).await.unwrap(), 0, "a group counts by its members");
    assert_eq!(s.count_missing_values(&types, "other", false).await.unwrap(), 1);
    assert_eq!(s.count_missing_values(&["pdf".to_owned()], "other", false).await.unwrap(), 0);

    // An edit that leaves the values alone writes none; one changed value is one
    // row, one removed value one tombstone.
    let mut same = version(3, "three", &f);
    same.content.custom = v.content.custom.clone();
    s.append_version(&key("sp1", "am1"), 2, &same, None).await.unwrap();
    assert_eq!(rows().await, 8);
    let mut changed = version(4, "four", &f);
    changed.content.custom = v.content.custom.clone();
    changed.content.custom.insert("price".into(), serde_json::json!(20));
    changed.content.custom.remove("ok");
    s.append_version(&key("sp1", "am1"), 3, &changed, None).await.unwrap();
    assert_eq!(rows().await, 10);
    assert_eq!(s.count_missing_values(&types, "ok", false).await.unwrap(), 1);
    assert_eq!(s.count_missing_values(&types, "price", false).await.unwrap(), 0);
    assert_eq!(s.stored_values("price", 10).await.unwrap().len(), 2, "past heads' values stay stored");

    // A fork reads its source's values as of the fork; changes on either side stay
    // on that side.
    s.create_workspace(&fork_of("sp1", "ws", "main")).await.unwrap();
    assert_eq!(s.count_missing_values(&types, "other", true).await.unwrap(), 2);
    let mut w = version(5, "five", &f);
    w.content.custom = custom(serde_json::json!({"other": 1}));
    s.append_version(&key_in("sp1", "ws", "am1"), 4, &w, None).await.unwrap();
    assert_eq!(s.count_missing_values(&types, "other", false).await.unwrap(), 1);
    assert_eq!(s.count_missing_values(&types, "price", false).await.unwrap(), 1, "the fork's edit dropped price");
    let mut m = version(5, "main five", &f);
    m.content.custom = changed.content.custom.clone();
    m.content.custom.insert("ok".into(), serde_json::json!(false));
    s.append_version(&key("sp1", "am1"), 4, &m, None).await.unwrap();
    assert_eq!(s.count_missing_values(&types, "ok", false).await.unwrap(), 1, "main's value is not the fork's");

    // A variant's values go with it.
    let fr = AssetKey { locale: "fr-fr".into(), fallbacks: vec!["en-us".into()], ..key("sp1", "am1") };
    let mut un = Version { locale: "fr-fr".into(), ..version(1, "un", &f) };
    un.content.custom = custom(serde_json::json!({"region": "eu"}));
    let n = s.localize(&fr, ("en-us", 5), &un, None).await.unwrap();
    assert_eq!(s.count_missing_values(&types, "region", false).await.unwrap(), 2, "en-us in both workspaces");
    s.unlocalize(&fr).await.unwrap();
    let again = Version { locale: "fr-fr".into(), ..version(1, "deux", &f) };
    assert!(s.localize(&fr, ("en-us", 5), &again, None).await.unwrap() > n);
    assert_eq!(s.count_missing_values(&types, "region", false).await.unwrap(), 3, "the new variant has none");

    // Deleting the fork takes its values with it.
    assert!(s.delete_workspace("sp1", "ws").await.unwrap());
    assert!(s.stored_values("other", 10).await.unwrap().is_empty());
    assert_eq!(s.stored_values("price", 10).await.unwrap().len(), 2);
}

/// A merge moves the source's heads, and their values follow: a value the
/// workspace added arrives in the source, and one it removed is gone there too.
pub(super) async fn typed_values_follow_merges(s: &SqlStore) {
    let (sp, main) = space("sp1");
    s.create_space(&sp, &main).await.unwrap();
    let types = ["png".to_owned()];
    let custom = |j: serde_json::Value| j.as_object().cloned().unwrap();
    let f = new_asset(s, "sp1", "am1", &"d".repeat(64), None).await;
    let mut v = version(2, "two", &f);
    v.content.custom = custom(serde_json::json!({"price": 1, "region": "eu"}));
    s.append_version(&key("sp1", "am1"), 1, &v, None).await.unwrap();
    s.create_workspace(&fork_of("sp1", "ws", "main")).await.unwrap();
    let mut w = version(3, "three", &f);
    w.content.custom = custom(serde_json::json!({"price": 2, "region": "eu", "extra": true}));
    s.append_version(&key_in("sp1", "ws", "am1"), 2, &w, None).await.unwrap();
    assert_eq!(s.count_missing_values(&types, "extra", false).await.unwrap(), 1, "main has none yet");
    s.merge_workspace("sp1", "ws", &merge_request(MergeStrategy::FailOnConflict)).await.unwrap();
    assert_eq!(s.count_missing_values(&types, "extra", false).await.unwrap(), 0, "merged into main");
    let prices: Vec<Option<f64>> = s.stored_values("price", 10).await.unwrap().iter().map(|r| r.number).collect();
    assert!(prices.contains(&Some(1.0)) && prices.contains(&Some(2.0)), "{prices:?}");
    let head = s.get_asset(&key_in("sp1", "ws", "am1")).await.unwrap().unwrap().head.number;
    let mut dropped = version(head + 1, "four", &f);
    dropped.content.custom = custom(serde_json::json!({"price": 2, "region": "eu"}));
    s.append_version(&key_in("sp1", "ws", "am1"), head, &dropped, None).await.unwrap();
    s.merge_workspace("sp1", "ws", &merge_request(MergeStrategy::FailOnConflict)).await.unwrap();
    assert_eq!(s.count_missing_values(&types, "extra", false).await.unwrap(), 2, "removed in both");
    assert_eq!(s.count_missing_values(&types, "region", false).await.unwrap(), 0);
}

/// A statement that stored a value row with no number stores one with a number
/// next (one prepared statement per text, cached per connection): on PostgreSQL the
/// NULL must have been sent with the column's type, or the next bind is refused.
pub(super) async fn typed_values_share_statements_across_kinds(s: &SqlStore) {
    let (sp, main) = space("sp1");
    s.create_space(&sp, &main).await.unwrap();
    for i in 0..48 {
        let uid = format!("am{i}");
        let f = new_asset(s, "sp1", &uid, &format!("{i:064}"), None).await;
        let mut v = version(2, "two", &f);
        let custom = if i % 3 == 0 {
            serde_json::json!({"a": "x", "b": "y", "c": false})
        } else {
            serde_json::json!({"a": 1.5, "b": 2.5, "c": "2024-01-02"})
        };
        v.content.custom = custom.as_object().cloned().unwrap();
        s.append_version(&key("sp1", &uid), 1, &v, None).await.unwrap();
    }
    assert_eq!(s.stored_values("a", 10).await.unwrap().len(), 2);
}

/// A database whose typed values are missing (as the migration to the heads'
/// read model leaves one) gets them back from the heads at the next start: the
/// same counts and values, forks included, and the request is done once.
pub(super) async fn typed_values_are_rebuilt_from_the_heads(b: Backend) -> Backend {
    let s = &b.store;
    let (sp, main) = space("sp1");
    s.create_space(&sp, &main).await.unwrap();
    let custom = |j: serde_json::Value| j.as_object().cloned().unwrap();
    for (uid, c) in
        [("am1", serde_json::json!({"price": 1, "tags": ["a", "b"]})), ("am2", serde_json::json!({"ok": true}))]
    {
        let f = new_asset(s, "sp1", uid, &format!("{uid:0>64}"), None).await;
        let mut v = version(2, "two", &f);
        v.content.custom = custom(c);
        s.append_version(&key("sp1", uid), 1, &v, None).await.unwrap();
    }
    s.create_workspace(&fork_of("sp1", "ws", "main")).await.unwrap();
    let f = s.get_asset(&key("sp1", "am1")).await.unwrap().unwrap().head.file;
    let mut w = version(3, "three", &f);
    w.content.custom = custom(serde_json::json!({"ok": false}));
    s.append_version(&key_in("sp1", "ws", "am1"), 2, &w, None).await.unwrap();
    async fn counts(s: &SqlStore) -> Vec<u64> {
        let mut out = Vec::new();
        for field in ["price", "tags", "ok"] {
            out.push(s.count_missing_values(&["png".to_owned()], field, false).await.unwrap());
        }
        out
    }
    let before = counts(&b.store).await;
    assert_eq!(before, [3, 3, 1], "am1 in ws lost price and tags for ok; am2 has only ok, in both");
    // A second space, already rebuilt by a start that was cut short: left alone.
    let (sp2, main2) = space("sp2");
    s.create_space(&sp2, &main2).await.unwrap();
    b.execute("DELETE FROM asset_values").await;
    b.execute("INSERT INTO pending_rebuilds (name) VALUES ('asset_values'), ('asset_values:sp2')").await;
    assert_eq!(counts(&b.store).await, [4, 4, 4], "nothing to read until the rebuild");
    let b = b.reopen().await;
    assert_eq!(counts(&b.store).await, before);
    assert_eq!(b.store.row_count("pending_rebuilds").await.unwrap(), 0);
    assert_eq!(b.store.stored_values("tags", 10).await.unwrap().len(), 2);
    // Writes after the rebuild go on from its rows.
    let mut m = version(3, "main three", &f);
    m.content.custom = custom(serde_json::json!({"price": 1}));
    b.store.append_version(&key("sp1", "am1"), 2, &m, None).await.unwrap();
    assert_eq!(counts(&b.store).await, [3, 4, 1]);
    let b = b.reopen().await;
    assert_eq!(counts(&b.store).await, [3, 4, 1], "a second start rebuilds nothing");
    b
}
