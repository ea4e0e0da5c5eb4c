//! Compare and merge: adds, edits, replaces, deletes and folder moves; conflicts
//! under each strategy; repeated merges; and source edits racing a merge.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestServer, assert_error};
use crate::custom_values::{field, use_fields};
use crate::workspaces::{asset, at, edit, folder_in, fork, permanent_in, replace_in, title, upload_in};

async fn compare(s: &TestServer, space: &str, ws: &str) -> Value {
    let (status, body) = s.get(&format!("/api/spaces/{space}/workspaces/{ws}/compare")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn merge(s: &TestServer, space: &str, ws: &str, strategy: Option<&str>) -> (StatusCode, Value) {
    let url = format!("/api/spaces/{space}/workspaces/{ws}/merge");
    match strategy {
        Some(st) => s.send_json(Method::POST, &url, json!({ "strategy": st })).await,
        None => crate::common::json(s.req(Method::POST, &url).send().await.unwrap()).await,
    }
}

/// The compare entry for `uid`.
fn entry<'a>(c: &'a Value, uid: &str) -> &'a Value {
    c["changes"].as_array().and_then(|a| a.iter().find(|e| e["uid"] == uid)).unwrap_or(&Value::Null)
}

fn uid(v: &Value) -> String {
    v["uid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn merge_brings_adds_edits_replaces_deletes_and_moves_into_the_source() {
    let s = TestServer::start().await;
    let space = s.create_space("M").await;
    let f = folder_in(&s, &space, "main", "F", None).await;
    let a = upload_in(&s, &space, "main", "a.txt", b"a one", None).await;
    let b = upload_in(&s, &space, "main", "b.txt", b"b one", None).await;
    let c = upload_in(&s, &space, "main", "c.txt", b"c one", None).await;
    let k = upload_in(&s, &space, "main", "k.txt", b"k one", None).await;
    let (a_uid, b_uid, c_uid, k_uid) = (uid(&a), uid(&b), uid(&c), uid(&k));
    fork(&s, &space, "campaign", "main").await;
    let ws = "campaign";

    edit(&s, &space, ws, &a_uid, json!({"title": "A for spring", "tags": ["spring"]})).await;
    let (status, _) = s
        .send_json(
            Method::POST,
            &at(&space, "/assets/bulk/move", ws),
            json!({"asset_uids": [a_uid], "target_folder_uid": f}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    replace_in(&s, &space, ws, &b_uid, "b.txt", b"b two, from the campaign").await;
    assert_eq!(s.delete(&at(&space, &format!("/assets/{c_uid}"), ws)).await.0, StatusCode::OK);
    let g = folder_in(&s, &space, ws, "G", None).await;
    let d = upload_in(&s, &space, ws, "d.txt", b"d new", Some(&g)).await;
    let d_uid = uid(&d);
    let (status, _) = s.send_json(Method::PUT, &at(&space, &format!("/folders/{f}"), ws), json!({"title": "F2"})).await;
    assert_eq!(status, StatusCode::OK);
    // A change in the source alone is listed and kept.
    edit(&s, &space, "main", &k_uid, json!({"title": "K in main"})).await;

    let cmp = compare(&s, &space, ws).await;
    assert_eq!((cmp["workspace"].as_str(), cmp["source"].as_str()), (Some(ws), Some("main")));
    assert_eq!(cmp["count"], 7, "{cmp}");
    let e = entry(&cmp, &a_uid);
    assert_eq!(e["type"], "asset");
    assert_eq!(e["workspace"]["change"], "modified");
    assert_eq!(e["workspace"]["fields"], json!(["parent_uid"]));
    assert_eq!(e["locales"][0]["locale"], "en-us");
    assert_eq!(e["locales"][0]["workspace"]["fields"], json!(["title", "tags"]));
    assert_eq!(e["locales"][0]["workspace"]["file_changed"], false);
    assert_eq!(e["locales"][0]["source"], Value::Null);
    assert_eq!(e["conflict"], false);
    let e = entry(&cmp, &b_uid);
    assert_eq!(
        (e["workspace"].clone(), e["locales"][0]["workspace"]["file_changed"].clone()),
        (Value::Null, json!(true))
    );
    assert_eq!(entry(&cmp, &c_uid)["workspace"]["change"], "deleted");
    assert_eq!(entry(&cmp, &d_uid)["workspace"]["change"], "added");
    assert_eq!(entry(&cmp, &g)["type"], "folder");
    assert_eq!(entry(&cmp, &g)["workspace"]["change"], "added");
    assert_eq!(entry(&cmp, &f)["workspace"]["fields"], json!(["title"]));
    let e = entry(&cmp, &k_uid);
    assert_eq!((e["workspace"].clone(), e["locales"][0]["source"]["fields"].clone()), (Value::Null, json!(["title"])));
    let (_, page) = s.get(&format!("/api/spaces/{space}/workspaces/{ws}/compare?limit=2&skip=6")).await;
    assert_eq!((page["count"].as_i64(), page["changes"].as_array().map(Vec::len)), (Some(7), Some(1)));

    let (status, body) = merge(&s, &space, ws, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let m = &body["merge"];
    assert_eq!((m["strategy"].as_str(), m["conflicts"].clone()), (Some("fail_on_conflict"), json!([])));
    assert_eq!((m["assets"].as_u64(), m["folders"].as_u64(), m["versions"].as_u64()), (Some(4), Some(2), Some(3)));

    // The source now has the workspace's changes, as new versions naming the merge.
    let (_, a_main) = asset(&s, &space, "main", &a_uid).await;
    assert_eq!((a_main["title"].as_str(), a_main["parent_uid"].as_str()), (Some("A for spring"), Some(f.as_str())));
    assert_eq!((a_main["tags"].clone(), a_main["version"].as_i64()), (json!(["spring"]), Some(2)));
    let (_, v) = s.get(&at(&space, &format!("/assets/{a_uid}/versions/2"), "main")).await;
    assert_eq!(v["version"]["merged_from"], ws);
    let (_, v) = s.get(&at(&space, &format!("/assets/{a_uid}/versions"), "main")).await;
    assert_eq!(v["count"], 2, "history is kept, never rewritten");
    assert_eq!(
        s.fetch(&permanent_in(b["permanent_url"].as_str().unwrap(), "main")).await.1,
        b"b two, from the campaign"
    );
    assert_eq!(asset(&s, &space, "main", &c_uid).await.0, StatusCode::NOT_FOUND);
    let (_, trash) = s.get(&at(&space, "/trash", "main")).await;
    assert_eq!(trash["items"][0]["uid"], c_uid.as_str(), "a deletion merges into the source's trash: {trash}");
    let (_, d_main) = asset(&s, &space, "main", &d_uid).await;
    assert_eq!((d_main["title"].as_str(), d_main["parent_uid"].as_str()), (Some("d.txt"), Some(g.as_str())));
    assert_eq!(s.fetch(&permanent_in(d["permanent_url"].as_str().unwrap(), "main")).await.1, b"d new");
    let (_, fm) = s.get(&at(&space, &format!("/folders/{f}"), "main")).await;
    assert_eq!(fm["folder"]["title"], "F2");
    assert_eq!(title(&s, &space, "main", &k_uid).await, "K in main", "the source's own change stays");
    // The workspace is unchanged by merging.
    assert_eq!(title(&s, &space, ws, &k_uid).await, "k.txt");

    // The next merge starts from here: nothing left, then only newer changes.
    let cmp = compare(&s, &space, ws).await;
    assert_eq!(cmp["count"], 0, "{cmp}");
    let (status, body) = merge(&s, &space, ws, None).await;
    assert_eq!((status, body["merge"]["assets"].as_u64()), (StatusCode::OK, Some(0)), "{body}");
    edit(&s, &space, ws, &d_uid, json!({"description": "second round"})).await;
    let (_, body) = merge(&s, &space, ws, None).await;
    assert_eq!((body["merge"]["assets"].as_u64(), body["merge"]["versions"].as_u64()), (Some(1), Some(1)), "{body}");
    let (_, d_main) = asset(&s, &space, "main", &d_uid).await;
    assert_eq!((d_main["description"].as_str(), d_main["version"].as_i64()), (Some("second round"), Some(2)));
    assert_eq!(title(&s, &space, "main", &a_uid).await, "A for spring");
    s.stop().await;
}

#[tokio::test]
async fn conflicts_follow_the_strategy() {
    let s = TestServer::start().await;
    let space = s.create_space("C").await;
    let a = upload_in(&s, &space, "main", "a.txt", b"a", None).await;
    let b = upload_in(&s, &space, "main", "b.txt", b"b", None).await;
    let (a_uid, b_uid) = (uid(&a), uid(&b));
    fork(&s, &space, "ws", "main").await;
    edit(&s, &space, "ws", &a_uid, json!({"title": "ws title"})).await;
    edit(&s, &space, "main", &a_uid, json!({"title": "main title"})).await;
    edit(&s, &space, "ws", &b_uid, json!({"title": "b from ws"})).await;
    // The same change on both sides is no conflict.
    let x = upload_in(&s, &space, "main", "x.txt", b"x", None).await;
    let x_uid = uid(&x);
    fork(&s, &space, "ws2", "main").await;
    edit(&s, &space, "ws2", &x_uid, json!({"title": "same"})).await;
    edit(&s, &space, "main", &x_uid, json!({"title": "same"})).await;
    let cmp = compare(&s, &space, "ws2").await;
    assert_eq!(entry(&cmp, &x_uid)["locales"][0]["conflict"], false, "{cmp}");
    let (status, body) = merge(&s, &space, "ws2", None).await;
    assert_eq!((status, body["merge"]["versions"].as_u64()), (StatusCode::OK, Some(0)), "{body}");

    let cmp = compare(&s, &space, "ws").await;
    let e = entry(&cmp, &a_uid);
    assert_eq!((e["locales"][0]["conflict"].clone(), e["conflict"].clone()), (json!(true), json!(true)), "{cmp}");
    assert_eq!(e["locales"][0]["source"]["fields"], json!(["title"]));

    let (status, body) = merge(&s, &space, "ws", Some("fail_on_conflict")).await;
    assert_error(status, &body, StatusCode::CONFLICT, "merge_conflict");
    assert!(body["errors"][format!("asset/{a_uid}/en-us")].is_array(), "{body}");
    assert!(body["errors"][format!("asset/{a_uid}/en-us/title")].is_array(), "{body}");
    assert_eq!(title(&s, &space, "main", &b_uid).await, "b.txt", "nothing is applied when anything conflicts");
    let (status, body) = merge(&s, &space, "ws", Some("whatever")).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let (status, body) = s
        .req(Method::POST, &format!("/api/spaces/{space}/workspaces/ws/merge"))
        .header("Content-Type", "application/json")
        .body("{")
        .send()
        .await
        .map(|r| r.status())
        .map(|st| (st, ()))
        .unwrap();
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, ()));
    let url = format!("/api/spaces/{space}/workspaces/ws/merge");
    let plain =
        s.req(Method::POST, &url).header("Content-Type", "text/plain").body(r#"{"strategy":"prefer_workspace"}"#);
    let (status, body) = crate::common::json(plain.send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_content_type");
    let huge = s.req(Method::POST, &url).header("Content-Type", "application/json").body(vec![b' '; 3 << 20]);
    let (status, body) = crate::common::json(huge.send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
    assert_eq!(title(&s, &space, "main", &b_uid).await, "b.txt", "refused merges change nothing");

    let (status, body) = merge(&s, &space, "ws", Some("prefer_source")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["merge"]["conflicts"],
        json!([format!("asset/{a_uid}/en-us"), format!("asset/{a_uid}/en-us/title")])
    );
    assert_eq!(title(&s, &space, "main", &a_uid).await, "main title");
    assert_eq!(title(&s, &space, "main", &b_uid).await, "b from ws", "non-conflicting changes still merge");

    edit(&s, &space, "ws", &a_uid, json!({"title": "ws again"})).await;
    edit(&s, &space, "main", &a_uid, json!({"title": "main again"})).await;
    let (status, body) = merge(&s, &space, "ws", Some("prefer_workspace")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["merge"]["conflicts"],
        json!([format!("asset/{a_uid}/en-us"), format!("asset/{a_uid}/en-us/title")])
    );
    assert_eq!(title(&s, &space, "main", &a_uid).await, "ws again");
    let (_, v) = s.get(&at(&space, &format!("/assets/{a_uid}/versions"), "main")).await;
    let titles: Vec<&str> = v["versions"].as_array().unwrap().iter().filter_map(|x| x["title"].as_str()).collect();
    assert_eq!(titles, vec!["ws again", "main again", "main title", "a.txt"], "the overwritten edit stays in history");

    // Delete on one side, edit on the other: a conflict too.
    edit(&s, &space, "main", &b_uid, json!({"title": "b edited in main"})).await;
    assert_eq!(s.delete(&at(&space, &format!("/assets/{b_uid}"), "ws")).await.0, StatusCode::OK);
    let (status, body) = merge(&s, &space, "ws", None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "merge_conflict");
    assert!(body["errors"][format!("asset/{b_uid}")].is_array(), "{body}");

    let (status, body) = merge(&s, &space, "main", None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "workspace_has_no_source");
    let (status, body) = merge(&s, &space, "nope", None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "workspace_not_found");
    s.stop().await;
}

#[tokio::test]
async fn different_fields_changed_on_each_side_merge_and_the_same_field_is_a_conflict_naming_it() {
    let s = TestServer::start().await;
    let space = s.create_space("Fields").await;
    let keys = ["usage_rights", "product_id", "campaign", "region"];
    for f in keys {
        field(&s, json!({"uid": f, "name": f, "type": "single_line"})).await;
    }
    use_fields(&s, "plain_text", &keys, json!([])).await;
    let custom = json!({"usage_rights": "internal", "product_id": "P-1", "campaign": "none"});
    let mut uids = Vec::new();
    for name in ["a.txt", "b.txt", "c.txt"] {
        let x = uid(&upload_in(&s, &space, "main", name, name.as_bytes(), None).await);
        edit(&s, &space, "main", &x, json!({"custom_metadata": custom})).await;
        uids.push(x);
    }
    let (a, b, c) = (&uids[0], &uids[1], &uids[2]);
    fork(&s, &space, "ws", "main").await;
    // a: description and two custom keys in the workspace; the title, another key
    // and a removed key in main.
    edit(
        &s,
        &space,
        "ws",
        a,
        json!({"description": "from the campaign",
        "custom_metadata": {"usage_rights": "external", "product_id": "P-1", "campaign": "none", "region": "eu"}}),
    )
    .await;
    edit(
        &s,
        &space,
        "main",
        a,
        json!({"title": "A from main",
        "custom_metadata": {"usage_rights": "internal", "product_id": "P-2"}}),
    )
    .await;
    // b: the file replaced in the workspace, the title edited in main.
    replace_in(&s, &space, "ws", b, "b2.txt", b"b, replaced in the campaign").await;
    edit(&s, &space, "main", b, json!({"title": "B from main"})).await;
    // c: the title and one custom key changed differently, the description only in the workspace.
    edit(
        &s,
        &space,
        "ws",
        c,
        json!({"title": "C from ws", "description": "ws only",
        "custom_metadata": {"usage_rights": "ws", "product_id": "P-1", "campaign": "none"}}),
    )
    .await;
    edit(
        &s,
        &space,
        "main",
        c,
        json!({"title": "C from main",
        "custom_metadata": {"usage_rights": "main", "product_id": "P-1", "campaign": "none"}}),
    )
    .await;

    let cmp = compare(&s, &space, "ws").await;
    let l = &entry(&cmp, a)["locales"][0];
    assert_eq!(
        l["workspace"]["fields"],
        json!(["description", "custom_metadata.region", "custom_metadata.usage_rights"]),
        "{cmp}"
    );
    assert_eq!(l["source"]["fields"], json!(["title", "custom_metadata.campaign", "custom_metadata.product_id"]));
    assert_eq!((l["conflict"].clone(), l["conflicts"].clone()), (json!(false), json!([])), "{cmp}");
    assert_eq!(entry(&cmp, a)["conflict"], false);
    let l = &entry(&cmp, b)["locales"][0];
    assert_eq!((l["workspace"]["file_changed"].clone(), l["conflict"].clone()), (json!(true), json!(false)), "{cmp}");
    let l = &entry(&cmp, c)["locales"][0];
    assert_eq!(l["conflicts"], json!(["title", "custom_metadata.usage_rights"]), "{cmp}");
    assert_eq!((l["conflict"].clone(), entry(&cmp, c)["conflict"].clone()), (json!(true), json!(true)));

    let (status, body) = merge(&s, &space, "ws", None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "merge_conflict");
    let errors = body["errors"].as_object().cloned().unwrap_or_default();
    let mut keys: Vec<&str> = errors.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let locale = format!("asset/{c}/en-us");
    let expected = [locale.clone(), format!("{locale}/custom_metadata.usage_rights"), format!("{locale}/title")];
    assert_eq!(keys, expected.iter().map(String::as_str).collect::<Vec<_>>(), "{body}");
    let named: Vec<&str> = errors[&locale].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(named.iter().any(|m| m.starts_with("title:")), "{body}");
    assert_eq!(title(&s, &space, "main", a).await, "A from main", "nothing is applied");

    // The source wins the conflicting fields; every other change from either side stays.
    let (status, body) = merge(&s, &space, "ws", Some("prefer_source")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The report lists the locale, then its fields in the content's order.
    assert_eq!(body["merge"]["conflicts"], json!([expected[0], expected[2], expected[1]]));
    assert_eq!(body["merge"]["versions"], 3, "{body}");
    let (_, am) = asset(&s, &space, "main", a).await;
    assert_eq!((am["title"].as_str(), am["description"].as_str()), (Some("A from main"), Some("from the campaign")));
    assert_eq!(am["custom_metadata"], json!({"usage_rights": "external", "product_id": "P-2", "region": "eu"}));
    let (_, v) = s.get(&at(&space, &format!("/assets/{a}/versions/{}", am["version"]), "main")).await;
    assert_eq!(v["version"]["merged_from"], "ws", "{v}");
    let (_, bm) = asset(&s, &space, "main", b).await;
    assert_eq!(bm["title"], "B from main");
    let url = permanent_in(bm["permanent_url"].as_str().unwrap(), "main");
    assert_eq!(s.fetch(&url).await.1, b"b, replaced in the campaign");
    let (_, cm) = asset(&s, &space, "main", c).await;
    assert_eq!((cm["title"].as_str(), cm["description"].as_str()), (Some("C from main"), Some("ws only")));
    assert_eq!(cm["custom_metadata"]["usage_rights"], "main");
    assert_eq!(compare(&s, &space, "ws").await["count"], 0, "the next compare starts from the merge");
    s.stop().await;
}

#[tokio::test]
async fn folder_moves_merge_and_a_cycle_is_refused() {
    let s = TestServer::start().await;
    let space = s.create_space("Moves").await;
    let p = folder_in(&s, &space, "main", "P", None).await;
    let q = folder_in(&s, &space, "main", "Q", None).await;
    fork(&s, &space, "ws", "main").await;
    // The workspace puts Q under P; the source puts P under Q. Each alone is fine,
    // together they would be a cycle, so the workspace's move is left out.
    let (status, _) =
        s.send_json(Method::PUT, &at(&space, &format!("/folders/{q}"), "ws"), json!({"parent_uid": p})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) =
        s.send_json(Method::PUT, &at(&space, &format!("/folders/{p}"), "main"), json!({"parent_uid": q})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = merge(&s, &space, "ws", None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "merge_conflict");
    assert!(body["errors"][format!("folder/{q}")].is_array(), "{body}");
    let (status, body) = merge(&s, &space, "ws", Some("prefer_workspace")).await;
    assert_eq!((status, body["merge"]["folders"].as_u64()), (StatusCode::OK, Some(0)), "{body}");
    assert_eq!(body["merge"]["conflicts"], json!([format!("folder/{q}")]));
    let (_, qm) = s.get(&at(&space, &format!("/folders/{q}"), "main")).await;
    assert_eq!(qm["folder"]["parent_uid"], Value::Null);
    // A move with no counterpart merges.
    let r = folder_in(&s, &space, "main", "R", None).await;
    fork(&s, &space, "ws2", "main").await;
    let (status, _) =
        s.send_json(Method::PUT, &at(&space, &format!("/folders/{r}"), "ws2"), json!({"parent_uid": q})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = merge(&s, &space, "ws2", None).await;
    assert_eq!((status, body["merge"]["folders"].as_u64()), (StatusCode::OK, Some(1)), "{body}");
    let (_, rm) = s.get(&at(&space, &format!("/folders/{r}"), "main")).await;
    assert_eq!(rm["folder"]["parent_uid"], q.as_str());
    s.stop().await;
}

#[tokio::test]
async fn source_edits_during_a_merge_lose_nothing() {
    let s = TestServer::start().await;
    let space = s.create_space("Race").await;
    let mut merged = Vec::new();
    let mut edited = Vec::new();
    for i in 0..30 {
        merged.push(uid(&upload_in(&s, &space, "main", &format!("m{i}.txt"), format!("m{i}").as_bytes(), None).await));
        edited.push(uid(&upload_in(&s, &space, "main", &format!("e{i}.txt"), format!("e{i}").as_bytes(), None).await));
    }
    fork(&s, &space, "ws", "main").await;
    for a in &merged {
        edit(&s, &space, "ws", a, json!({"title": "from ws"})).await;
    }
    // Source edits race the merge: each one lands before or after it, whole.
    let editors = edited.iter().map(|a| {
        let req =
            s.req(Method::PUT, &at(&space, &format!("/assets/{a}"), "main")).json(&json!({"title": "edited in main"}));
        async move { req.send().await.map(|r| r.status()).ok() }
    });
    let (statuses, (status, body)) = tokio::join!(futures::future::join_all(editors), merge(&s, &space, "ws", None));
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["merge"]["versions"], 30);
    assert!(statuses.iter().all(|st| *st == Some(StatusCode::OK)), "{statuses:?}");
    for a in &merged {
        assert_eq!(title(&s, &space, "main", a).await, "from ws");
    }
    for a in &edited {
        assert_eq!(title(&s, &space, "main", a).await, "edited in main");
        assert_eq!(title(&s, &space, "ws", a).await.split('.').next().map(|t| t.starts_with('e')), Some(true));
    }
    s.stop().await;
}

#[tokio::test]
async fn only_visible_changes_merge_and_a_replaced_source_is_not_the_source() {
    let s = TestServer::start().await;
    let space = s.create_space("Edge").await;
    fork(&s, &space, "ws", "main").await;
    // Added and then deleted in the workspace: compare lists nothing, merge brings nothing.
    let g = folder_in(&s, &space, "ws", "Temp", None).await;
    let t = upload_in(&s, &space, "ws", "t.txt", b"temp", Some(&g)).await;
    assert_eq!(s.delete(&at(&space, &format!("/folders/{g}"), "ws")).await.0, StatusCode::OK);
    let cmp = compare(&s, &space, "ws").await;
    assert_eq!(cmp["count"], 0, "{cmp}");
    let (status, body) = merge(&s, &space, "ws", None).await;
    assert_eq!(
        (status, body["merge"]["assets"].as_u64(), body["merge"]["folders"].as_u64()),
        (StatusCode::OK, Some(0), Some(0)),
        "{body}"
    );
    let (_, trash) = s.get(&at(&space, "/trash", "main")).await;
    assert_eq!(trash["count"], 0, "{trash}");
    assert_eq!(asset(&s, &space, "main", &uid(&t)).await.0, StatusCode::NOT_FOUND);

    // A child of a deleted workspace has no source to merge into, even once another
    // workspace takes the deleted one's UID.
    fork(&s, &space, "child", "ws").await;
    assert_eq!(s.delete(&format!("/api/spaces/{space}/workspaces/ws")).await.0, StatusCode::OK);
    let (status, body) = merge(&s, &space, "child", None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "source_deleted");
    fork(&s, &space, "ws", "main").await;
    let (status, body) = merge(&s, &space, "child", None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "source_deleted");
    let (status, body) = s.get(&format!("/api/spaces/{space}/workspaces/child/compare")).await;
    assert_error(status, &body, StatusCode::CONFLICT, "source_deleted");
    s.stop().await;
}

pub async fn until_purged(s: &TestServer, space: &str, ws: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let (_, t) = s.get(&at(space, "/trash", ws)).await;
        if t["count"] == 0 {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "purge did not run in {ws}: {t}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

#[tokio::test]
async fn deletions_purged_before_the_merge_still_merge_and_purged_keys_come_back_cleanly() {
    let s = TestServer::start_with(|c| {
        c.trash_retention = Duration::from_secs(1);
        c.maintenance_interval = Duration::from_millis(300);
    })
    .await;
    let space = s.create_space("PurgeMerge").await;
    let old = upload_in(&s, &space, "main", "old.txt", b"old", None).await;
    fork(&s, &space, "ws", "main").await;
    // An asset made in the fork and merged, then deleted in the fork and purged there
    // before the next merge: the deletion still reaches the source.
    let made = upload_in(&s, &space, "ws", "made.txt", b"made in ws", None).await;
    edit(&s, &space, "ws", &uid(&old), json!({"title": "old, edited in ws"})).await;
    assert_eq!(merge(&s, &space, "ws", None).await.0, StatusCode::OK);
    assert_eq!(title(&s, &space, "main", &uid(&made)).await, "made.txt");
    for a in [&made, &old] {
        assert_eq!(s.delete(&at(&space, &format!("/assets/{}", uid(a)), "ws")).await.0, StatusCode::OK);
    }
    until_purged(&s, &space, "ws").await;
    let cmp = compare(&s, &space, "ws").await;
    assert_eq!(entry(&cmp, &uid(&made))["workspace"]["change"], "deleted", "{cmp}");
    assert_eq!(entry(&cmp, &uid(&old))["workspace"]["change"], "deleted", "{cmp}");
    assert_eq!(entry(&cmp, &uid(&old))["conflict"], false, "{cmp}");
    let (status, body) = merge(&s, &space, "ws", None).await;
    assert_eq!((status, body["merge"]["assets"].as_u64()), (StatusCode::OK, Some(2)), "{body}");
    assert_eq!(asset(&s, &space, "main", &uid(&made)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(asset(&s, &space, "main", &uid(&old)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(compare(&s, &space, "ws").await["count"], 0);
    until_purged(&s, &space, "main").await;

    // Deleted on both sides is no conflict.
    let both = upload_in(&s, &space, "main", "both.txt", b"both", None).await;
    fork(&s, &space, "ws2", "main").await;
    assert_eq!(s.delete(&at(&space, &format!("/assets/{}", uid(&both)), "ws2")).await.0, StatusCode::OK);
    assert_eq!(s.delete(&at(&space, &format!("/assets/{}", uid(&both)), "main")).await.0, StatusCode::OK);
    let (status, body) = merge(&s, &space, "ws2", None).await;
    assert_eq!((status, body["merge"]["conflicts"].clone()), (StatusCode::OK, json!([])), "{body}");

    // A fork of a fork brings back what its source purged: one clean history.
    let back = upload_in(&s, &space, "main", "back.txt", b"back", None).await;
    fork(&s, &space, "mid", "main").await;
    fork(&s, &space, "leaf", "mid").await;
    assert_eq!(s.delete(&at(&space, &format!("/assets/{}", uid(&back)), "mid")).await.0, StatusCode::OK);
    until_purged(&s, &space, "mid").await;
    edit(&s, &space, "leaf", &uid(&back), json!({"title": "back from leaf"})).await;
    let (status, body) = merge(&s, &space, "leaf", Some("prefer_workspace")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, got) = asset(&s, &space, "mid", &uid(&back)).await;
    assert_eq!((status, got["title"].as_str()), (StatusCode::OK, Some("back from leaf")), "{got}");
    let (_, v) = s.get(&at(&space, &format!("/assets/{}/versions", uid(&back)), "mid")).await;
    let numbers: Vec<i64> = v["versions"].as_array().unwrap().iter().filter_map(|x| x["version"].as_i64()).collect();
    assert_eq!(numbers, vec![2, 1], "no duplicate version numbers: {v}");
    let (_, list) = s.get(&at(&space, "/assets", "mid")).await;
    assert_eq!(list["assets"].as_array().unwrap().iter().filter(|a| a["uid"] == uid(&back).as_str()).count(), 1);
    s.stop().await;
}

#[tokio::test]
async fn a_merged_folder_deletion_takes_the_sources_own_contents_along() {
    let s = TestServer::start().await;
    let space = s.create_space("FolderDel").await;
    let g = folder_in(&s, &space, "main", "G", None).await;
    fork(&s, &space, "ws", "main").await;
    let late = upload_in(&s, &space, "main", "late.txt", b"late", Some(&g)).await;
    let sub = folder_in(&s, &space, "main", "Sub", Some(&g)).await;
    assert_eq!(s.delete(&at(&space, &format!("/folders/{g}"), "ws")).await.0, StatusCode::OK);
    let (status, body) = merge(&s, &space, "ws", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(asset(&s, &space, "main", &uid(&late)).await.0, StatusCode::NOT_FOUND, "in the trash with G");
    let (status, _) = s.get(&at(&space, &format!("/folders/{sub}"), "main")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, trash) = s.get(&at(&space, "/trash", "main")).await;
    assert_eq!((trash["count"].as_i64(), trash["items"][0]["uid"].as_str()), (Some(1), Some(g.as_str())), "{trash}");
    let (status, _) = s.send_json(Method::POST, &at(&space, &format!("/trash/{g}/restore"), "main"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(asset(&s, &space, "main", &uid(&late)).await.1["parent_uid"], g.as_str());
    s.stop().await;
}

#[tokio::test]
async fn a_merge_that_would_store_invalid_values_is_refused_whole_with_each_error() {
    let s = TestServer::start().await;
    let space = s.create_space("Checked").await;
    field(&s, json!({"uid": "code", "name": "Code", "type": "single_line", "max_length": 10})).await;
    field(&s, json!({"uid": "owner", "name": "Owner", "type": "single_line"})).await;
    use_fields(&s, "plain_text", &["code", "owner"], json!([])).await;
    let a = uid(&upload_in(&s, &space, "main", "a.txt", b"a", None).await);
    let b = uid(&upload_in(&s, &space, "main", "b.txt", b"b", None).await);
    fork(&s, &space, "ws", "main").await;
    edit(&s, &space, "ws", &a, json!({"custom_metadata": {"code": "ABCDEFGHIJ"}})).await;
    edit(&s, &space, "ws", &b, json!({"title": "B in ws", "custom_metadata": {"code": "0123456789", "owner": "x"}}))
        .await;
    // Meanwhile the organization tightens the field and drops another from the type.
    let (status, body) = s
        .send_json(
            Method::PUT,
            "/api/fields/code",
            json!({"uid": "code", "name": "Code", "type": "single_line", "max_length": 4}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    use_fields(&s, "plain_text", &["code"], json!([])).await;
    let (status, body) = merge(&s, &space, "ws", None).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "merge_invalid");
    let e = &body["errors"];
    assert!(e[format!("asset/{a}/en-us/custom_metadata.code")].is_array(), "{body}");
    assert!(e[format!("asset/{b}/en-us/custom_metadata.code")].is_array(), "{body}");
    assert_eq!(e[format!("asset/{b}/en-us/custom_metadata.owner")], json!(["is not a field of this asset type"]));
    // Nothing was applied: main is as it was, and the workspace still has its changes.
    assert_eq!(title(&s, &space, "main", &b).await, "b.txt");
    assert_eq!(compare(&s, &space, "ws").await["count"], 2);
    // Fixed in the workspace, the merge goes through.
    edit(&s, &space, "ws", &a, json!({"custom_metadata": {"code": "ABCD"}})).await;
    edit(&s, &space, "ws", &b, json!({"custom_metadata": {"code": "0123"}})).await;
    let (status, body) = merge(&s, &space, "ws", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = crate::workspaces::asset(&s, &space, "main", &b).await;
    assert_eq!(body["custom_metadata"], json!({"code": "0123"}), "{body}");
    s.stop().await;
}
