//! Workspaces: fork, isolation in both directions, management, languages, deletion
//! with forks of forks, and trash purge across workspaces.

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestServer, assert_error, bytes, json, sha256};

/// `/api/spaces/{space}{rest}` with `workspace=ws` added to the query.
pub fn at(space: &str, rest: &str, ws: &str) -> String {
    let sep = if rest.contains('?') { '&' } else { '?' };
    format!("/api/spaces/{space}{rest}{sep}workspace={ws}")
}

pub async fn fork(s: &TestServer, space: &str, uid: &str, source: &str) -> Value {
    let (status, body) = s
        .send_json(Method::POST, &format!("/api/spaces/{space}/workspaces"), json!({"uid": uid, "source": source}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["workspace"].clone()
}

pub async fn upload_in(s: &TestServer, space: &str, ws: &str, name: &str, data: &[u8], parent: Option<&str>) -> Value {
    let mut form = Form::new().part("file", Part::bytes(data.to_vec()).file_name(name.to_owned()));
    if let Some(p) = parent {
        form = form.text("parent_uid", p.to_owned());
    }
    let (status, body) =
        json(s.req(Method::POST, &at(space, "/assets", ws)).multipart(form).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["asset"].clone()
}

pub async fn replace_in(s: &TestServer, space: &str, ws: &str, asset: &str, name: &str, data: &[u8]) -> Value {
    let form = Form::new().part("file", Part::bytes(data.to_vec()).file_name(name.to_owned()));
    let req = s.req(Method::PUT, &at(space, &format!("/assets/{asset}"), ws)).multipart(form);
    let (status, body) = json(req.send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["asset"].clone()
}

pub async fn edit(s: &TestServer, space: &str, ws: &str, asset: &str, body: Value) -> Value {
    let (status, b) = s.send_json(Method::PUT, &at(space, &format!("/assets/{asset}"), ws), body).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    b["asset"].clone()
}

pub async fn asset(s: &TestServer, space: &str, ws: &str, asset: &str) -> (StatusCode, Value) {
    let (status, b) = s.get(&at(space, &format!("/assets/{asset}"), ws)).await;
    (status, b["asset"].clone())
}

pub async fn title(s: &TestServer, space: &str, ws: &str, uid: &str) -> String {
    let (status, a) = asset(s, space, ws, uid).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    a["title"].as_str().unwrap_or_default().to_owned()
}

pub async fn folder_in(s: &TestServer, space: &str, ws: &str, title: &str, parent: Option<&str>) -> String {
    let (status, body) =
        s.send_json(Method::POST, &at(space, "/folders", ws), json!({"title": title, "parent_uid": parent})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["folder"]["uid"].as_str().unwrap().to_owned()
}

/// A permanent URL as delivered in workspace `ws`.
pub fn permanent_in(url: &str, ws: &str) -> String {
    let path = url.split('?').next().unwrap_or(url);
    if ws == "main" { path.to_owned() } else { format!("{path}?workspace={ws}") }
}

fn uid(v: &Value) -> String {
    v["uid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn fork_list_get_rename_and_refusals() {
    let s = TestServer::start().await;
    let space = s.create_space("W").await;
    let base = format!("/api/spaces/{space}/workspaces");
    let (status, list) = s.get(&base).await;
    assert_eq!((status, list["count"].as_i64()), (StatusCode::OK, Some(1)));
    assert_eq!(list["workspaces"][0]["uid"], "main");
    assert_eq!(list["workspaces"][0]["source"], Value::Null);

    for (bad, why) in [("Spring", "uppercase"), ("a-b", "dash"), ("abcdefghijklmnop", "16 chars"), ("", "empty")] {
        let (status, body) = s.send_json(Method::POST, &base, json!({"uid": bad})).await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert!(body["errors"]["uid"].is_array(), "{why}: {body}");
    }
    let (status, body) = s.send_json(Method::POST, &base, json!({"name": "no uid"})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let (status, body) = s.send_json(Method::POST, &base, json!({"uid": "x", "source": "nope"})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "workspace_not_found");
    let (status, body) = s.send_json(Method::POST, "/api/spaces/sp_missing/workspaces", json!({"uid": "x"})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "space_not_found");

    let (status, body) = s
        .send_json(
            Method::POST,
            &base,
            json!({"uid": "spring_2027", "name": "Spring 2027", "description": "Campaign", "source": "main"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let w = &body["workspace"];
    assert_eq!((w["uid"].as_str(), w["name"].as_str()), (Some("spring_2027"), Some("Spring 2027")));
    assert_eq!((w["source"].as_str(), w["default_language"].as_str()), (Some("main"), Some("en-us")));
    assert_eq!(w["languages"], json!(["en-us"]));
    assert!(w["created_by"].as_str().is_some() && w["created_at"].as_str().is_some());
    let (status, body) = s.send_json(Method::POST, &base, json!({"uid": "spring_2027"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "workspace_exists");
    assert_eq!(body["errors"]["uid"][0], "is taken", "{body}");

    // Forks of forks, to any depth.
    let mut source = "spring_2027".to_owned();
    for depth in 0..4 {
        let w = fork(&s, &space, &format!("deep_{depth}"), &source).await;
        assert_eq!(w["source"].as_str(), Some(source.as_str()));
        source = uid(&w);
    }
    let (_, list) = s.get(&base).await;
    assert_eq!(list["count"], 6);
    let (_, page) = s.get(&format!("{base}?limit=2&skip=1")).await;
    assert_eq!(page["workspaces"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["workspaces"][0]["uid"], "spring_2027");

    let one = format!("{base}/spring_2027");
    let (status, body) = s.send_json(Method::PUT, &one, json!({"name": "Spring", "description": null})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["workspace"]["name"].as_str(), &body["workspace"]["description"]), (Some("Spring"), &Value::Null));
    let (status, body) = s.send_json(Method::PUT, &one, json!({"uid": "autumn"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "immutable_field");
    assert!(body["errors"]["uid"].is_array());
    let (status, body) = s.send_json(Method::PUT, &one, json!({"source": "deep_0"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "immutable_field");
    assert!(body["errors"]["source"].is_array());
    let (status, body) = s.send_json(Method::PUT, &one, json!({"uid": "spring_2027", "source": "main"})).await;
    assert_eq!(status, StatusCode::OK, "unchanged immutable fields are accepted: {body}");
    let (_, got) = s.get(&one).await;
    assert_eq!(
        (got["workspace"]["name"].as_str(), got["workspace"]["source"].as_str()),
        (Some("Spring"), Some("main"))
    );
    let (status, body) = s.get(&format!("{base}/nope")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "workspace_not_found");

    let (status, body) = s.delete(&format!("{base}/main")).await;
    assert_error(status, &body, StatusCode::CONFLICT, "main_workspace_protected");
    let (status, body) = s.delete(&format!("{base}/nope")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "workspace_not_found");
    let (status, body) = s.get(&at(&space, "/assets", "nope")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "workspace_not_found");
    s.stop().await;
}

#[tokio::test]
async fn workspace_languages_lock_the_default() {
    let s = TestServer::start().await;
    let space = s.create_space("L").await;
    fork(&s, &space, "ws", "main").await;
    let url = format!("/api/spaces/{space}/workspaces/ws/languages");
    let (status, body) = s.get(&url).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["default_language"].as_str(), &body["languages"]), (Some("en-us"), &json!(["en-us"])));
    let (status, body) = s.send_json(Method::PUT, &url, json!({"languages": []})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "default_language_locked");
    let (status, body) = s.send_json(Method::PUT, &url, json!({"languages": ["en-us", "xx-nowhere"]})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "unknown_language");
    let (status, body) = s.send_json(Method::PUT, &url, json!({"languages": "en-us"})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    let (_, before) = s.get(&format!("/api/spaces/{space}/workspaces/ws")).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, body) = s.send_json(Method::PUT, &url, json!({"languages": ["EN-US", "en-us"]})).await;
    assert_eq!((status, &body["languages"]), (StatusCode::OK, &json!(["en-us"])), "{body}");
    let (_, after) = s.get(&format!("/api/spaces/{space}/workspaces/ws")).await;
    assert_ne!(
        after["workspace"]["updated_at"], before["workspace"]["updated_at"],
        "a language change modifies the workspace"
    );
    let (status, body) = s.get(&format!("/api/spaces/{space}/workspaces/nope/languages")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "workspace_not_found");
    // A fork inherits its source's set.
    let w = fork(&s, &space, "ws2", "ws").await;
    assert_eq!(w["languages"], json!(["en-us"]));
    s.stop().await;
}

#[tokio::test]
async fn changes_stay_in_their_workspace_in_both_directions() {
    let s = TestServer::start().await;
    let space = s.create_space("Iso").await;
    let f = s.create_folder(&space, "F", None).await;
    let a = upload_in(&s, &space, "main", "a.txt", b"alpha one", Some(&f)).await;
    let b = upload_in(&s, &space, "main", "b.txt", b"bravo one", None).await;
    let (a_uid, b_uid) = (uid(&a), uid(&b));
    let blobs_before = s.blob_files().len();
    fork(&s, &space, "ws", "main").await;
    assert_eq!(s.blob_files().len(), blobs_before, "a fork copies no file bytes");

    // The fork starts with everything the source had.
    let (_, list) = s.get(&at(&space, "/assets", "ws")).await;
    assert_eq!(list["count"], 2);
    let (_, fl) = s.get(&at(&space, "/folders", "ws")).await;
    assert_eq!(fl["count"], 1);
    let (_, a_ws) = asset(&s, &space, "ws", &a_uid).await;
    assert_eq!((a_ws["parent_uid"].as_str(), a_ws["version"].as_i64()), (Some(f.as_str()), Some(1)));

    // Metadata edits.
    edit(&s, &space, "ws", &a_uid, json!({"title": "A in ws"})).await;
    edit(&s, &space, "main", &b_uid, json!({"title": "B in main"})).await;
    assert_eq!(title(&s, &space, "main", &a_uid).await, "a.txt");
    assert_eq!(title(&s, &space, "ws", &a_uid).await, "A in ws");
    assert_eq!(title(&s, &space, "ws", &b_uid).await, "b.txt");
    assert_eq!(title(&s, &space, "main", &b_uid).await, "B in main");

    // A stale If-Match in the fork is refused like anywhere else.
    let (status, body) = s
        .send_json(Method::PUT, &at(&space, &format!("/assets/{a_uid}"), "ws"), json!({"title": "x", "version": 1}))
        .await;
    assert_error(status, &body, StatusCode::PRECONDITION_FAILED, "version_conflict");

    // File replacement and permanent-URL delivery.
    let permanent = a["permanent_url"].as_str().unwrap().to_owned();
    let replaced = replace_in(&s, &space, "ws", &a_uid, "a.txt", b"alpha two, in ws").await;
    assert_eq!(s.fetch(&format!("{permanent}?workspace=ws")).await, (StatusCode::OK, b"alpha two, in ws".to_vec()));
    assert_eq!(s.fetch(&permanent).await, (StatusCode::OK, b"alpha one".to_vec()));
    assert_eq!(s.fetch(replaced["url"].as_str().unwrap()).await.1, b"alpha two, in ws".to_vec());
    assert_eq!(s.fetch(a["url"].as_str().unwrap()).await.1, b"alpha one".to_vec());
    let (status, _) = s.fetch(&format!("{permanent}?workspace=nope")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let b_permanent = b["permanent_url"].as_str().unwrap().to_owned();
    replace_in(&s, &space, "main", &b_uid, "b.txt", b"bravo two, in main").await;
    assert_eq!(s.fetch(&b_permanent).await.1, b"bravo two, in main".to_vec());
    assert_eq!(s.fetch(&permanent_in(&b_permanent, "ws")).await.1, b"bravo one".to_vec());
    // A restore in the source does not reach the fork either.
    let (status, _) =
        s.send_json(Method::POST, &at(&space, &format!("/assets/{b_uid}/versions/1/restore"), "main"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(asset(&s, &space, "ws", &b_uid).await.1["version"], 1);

    // Uploads.
    let c = upload_in(&s, &space, "main", "c.txt", b"charlie", None).await;
    let d = upload_in(&s, &space, "ws", "d.txt", b"delta", None).await;
    assert_eq!(asset(&s, &space, "ws", &uid(&c)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(asset(&s, &space, "main", &uid(&d)).await.0, StatusCode::NOT_FOUND);
    let d_permanent = d["permanent_url"].as_str().unwrap();
    assert!(d_permanent.ends_with("?workspace=ws"), "a fork's URLs name the fork: {d_permanent}");
    assert_eq!(s.fetch(&permanent_in(d_permanent, "main")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(s.fetch(d_permanent).await.0, StatusCode::OK);

    // Version history and naming.
    let (_, v_ws) = s.get(&at(&space, &format!("/assets/{a_uid}/versions"), "ws")).await;
    let (_, v_main) = s.get(&at(&space, &format!("/assets/{a_uid}/versions"), "main")).await;
    assert_eq!((v_ws["count"].as_i64(), v_main["count"].as_i64()), (Some(3), Some(1)));
    let name = |ws: &str, asset: &str, n: &str| {
        let url = at(&space, &format!("/assets/{asset}/versions/1/name"), ws);
        let body = json!({ "name": n });
        let s = &s;
        async move { s.send_json(Method::PUT, &url, body).await }
    };
    assert_eq!(name("ws", &a_uid, "ws-name").await.0, StatusCode::OK);
    assert_eq!(name("main", &b_uid, "main-name").await.0, StatusCode::OK);
    let version_name = |ws: &'static str, asset: String| {
        let url = at(&space, &format!("/assets/{asset}/versions/1"), ws);
        let s = &s;
        async move { s.get(&url).await.1["version"]["version_name"].clone() }
    };
    assert_eq!(version_name("ws", a_uid.clone()).await, "ws-name");
    assert_eq!(version_name("main", a_uid.clone()).await, Value::Null);
    assert_eq!(version_name("main", b_uid.clone()).await, "main-name");
    assert_eq!(version_name("ws", b_uid.clone()).await, Value::Null);

    // Restore in the fork.
    let (status, body) =
        s.send_json(Method::POST, &at(&space, &format!("/assets/{a_uid}/versions/1/restore"), "ws"), json!({})).await;
    assert_eq!((status, body["asset"]["version"].as_i64()), (StatusCode::OK, Some(4)), "{body}");
    assert_eq!(s.fetch(&format!("{permanent}?workspace=ws")).await.1, b"alpha one".to_vec());
    let (_, v_main) = s.get(&at(&space, &format!("/assets/{a_uid}/versions"), "main")).await;
    assert_eq!(v_main["count"], 1);

    // Folders: moves, renames, new folders.
    let g = folder_in(&s, &space, "main", "G", None).await;
    let (status, _) = s
        .send_json(
            Method::POST,
            &at(&space, "/assets/bulk/move", "main"),
            json!({"asset_uids": [b_uid], "target_folder_uid": g}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s
        .send_json(
            Method::POST,
            &at(&space, "/assets/bulk/move", "ws"),
            json!({"asset_uids": [a_uid], "target_folder_uid": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(asset(&s, &space, "ws", &b_uid).await.1["parent_uid"], Value::Null);
    assert_eq!(asset(&s, &space, "main", &a_uid).await.1["parent_uid"], f.as_str());
    assert_eq!(asset(&s, &space, "ws", &a_uid).await.1["parent_uid"], Value::Null);
    let (status, _) = s.get(&at(&space, &format!("/folders/{g}"), "ws")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) =
        s.send_json(Method::PUT, &at(&space, &format!("/folders/{f}"), "ws"), json!({"title": "F in ws"})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, fm) = s.get(&at(&space, &format!("/folders/{f}"), "main")).await;
    assert_eq!(fm["folder"]["title"], "F");
    let (status, body) =
        s.send_json(Method::PUT, &at(&space, &format!("/folders/{g}"), "ws"), json!({"title": "x"})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "folder_not_found");

    // Trash and restore.
    assert_eq!(s.delete(&at(&space, &format!("/assets/{b_uid}"), "ws")).await.0, StatusCode::OK);
    assert_eq!(asset(&s, &space, "main", &b_uid).await.0, StatusCode::OK);
    let (_, t_ws) = s.get(&at(&space, "/trash", "ws")).await;
    let (_, t_main) = s.get(&at(&space, "/trash", "main")).await;
    assert_eq!((t_ws["count"].as_i64(), t_main["count"].as_i64()), (Some(1), Some(0)));
    assert_eq!(s.delete(&at(&space, &format!("/folders/{f}"), "main")).await.0, StatusCode::OK);
    assert_eq!(asset(&s, &space, "main", &a_uid).await.0, StatusCode::NOT_FOUND, "a went to main's trash with f");
    assert_eq!(asset(&s, &space, "ws", &a_uid).await.0, StatusCode::OK, "the fork moved a out of f");
    let (_, fw) = s.get(&at(&space, &format!("/folders/{f}"), "ws")).await;
    assert_eq!(fw["folder"]["title"], "F in ws", "trashing a folder in main leaves the fork's");
    let (status, _) = s.send_json(Method::POST, &at(&space, &format!("/trash/{b_uid}/restore"), "ws"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(asset(&s, &space, "ws", &b_uid).await.0, StatusCode::OK);
    let (_, t_main) = s.get(&at(&space, "/trash", "main")).await;
    assert_eq!(t_main["count"], 1, "main's trash holds its folder");
    let (_, t_ws) = s.get(&at(&space, "/trash", "ws")).await;
    assert_eq!(t_ws["count"], 0);
    s.stop().await;
}

#[tokio::test]
async fn purge_in_one_workspace_keeps_what_forks_still_use() {
    let s = TestServer::start_with(|c| {
        c.trash_retention = Duration::from_secs(1);
        c.maintenance_interval = Duration::from_millis(300);
    })
    .await;
    let space = s.create_space("Purge").await;
    let data = bytes(41, 5000);
    let a = upload_in(&s, &space, "main", "a.bin", &data, None).await;
    let a_uid = uid(&a);
    fork(&s, &space, "one", "main").await;
    fork(&s, &space, "two", "one").await;
    assert_eq!(s.delete(&at(&space, &format!("/assets/{a_uid}"), "main")).await.0, StatusCode::OK);
    let gone_from = |ws: &'static str| {
        let s = &s;
        let url = at(&space, "/trash", ws);
        async move {
            let deadline = std::time::Instant::now() + Duration::from_secs(15);
            loop {
                let (_, t) = s.get(&url).await;
                if t["count"] == 0 {
                    return;
                }
                assert!(std::time::Instant::now() < deadline, "purge did not run in {ws}: {t}");
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        }
    };
    gone_from("main").await;
    let (status, _) =
        s.send_json(Method::POST, &at(&space, &format!("/trash/{a_uid}/restore"), "main"), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "purged in main");
    let permanent = a["permanent_url"].as_str().unwrap();
    for ws in ["one", "two"] {
        assert_eq!(asset(&s, &space, ws, &a_uid).await.0, StatusCode::OK, "{ws} still has the asset");
        assert_eq!(s.fetch(&format!("{permanent}?workspace={ws}")).await, (StatusCode::OK, data.clone()));
        let (_, v) = s.get(&at(&space, &format!("/assets/{a_uid}/versions"), ws)).await;
        assert_eq!(v["count"], 1, "{ws} keeps the history");
    }
    assert!(s.blob_files().iter().any(|p| p.ends_with(sha256(&data))), "the blob stays while forks use it");

    assert_eq!(s.delete(&at(&space, &format!("/assets/{a_uid}"), "one")).await.0, StatusCode::OK);
    gone_from("one").await;
    assert_eq!(asset(&s, &space, "one", &a_uid).await.0, StatusCode::NOT_FOUND);
    assert_eq!(asset(&s, &space, "two", &a_uid).await.0, StatusCode::OK, "two forked before one deleted it");
    assert_eq!(s.fetch(&format!("{permanent}?workspace=two")).await, (StatusCode::OK, data.clone()));

    // A purge in a fork leaves the source alone.
    let kept = bytes(42, 5000);
    let k = upload_in(&s, &space, "main", "k.bin", &kept, None).await;
    fork(&s, &space, "three", "main").await;
    assert_eq!(s.delete(&at(&space, &format!("/assets/{}", uid(&k)), "three")).await.0, StatusCode::OK);
    gone_from("three").await;
    assert_eq!(asset(&s, &space, "three", &uid(&k)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(asset(&s, &space, "main", &uid(&k)).await.0, StatusCode::OK);
    assert_eq!(s.fetch(k["permanent_url"].as_str().unwrap()).await, (StatusCode::OK, kept.clone()));
    assert!(s.blob_files().iter().any(|p| p.ends_with(sha256(&kept))));

    // The last workspace using the blob goes: the blob is freed.
    let (status, _) = s.delete(&format!("/api/spaces/{space}/workspaces/two")).await;
    assert_eq!(status, StatusCode::OK);
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while s.blob_files().iter().any(|p| p.ends_with(sha256(&data))) {
        assert!(std::time::Instant::now() < deadline, "the blob was not freed");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert_eq!(s.fetch(a["url"].as_str().unwrap()).await.0, StatusCode::NOT_FOUND);
    s.stop().await;
}

#[tokio::test]
async fn deleting_a_workspace_keeps_forks_of_it_intact() {
    let s = TestServer::start().await;
    let space = s.create_space("Del").await;
    let a = upload_in(&s, &space, "main", "a.txt", b"main bytes", None).await;
    let a_uid = uid(&a);
    fork(&s, &space, "parent", "main").await;
    edit(&s, &space, "parent", &a_uid, json!({"title": "parent v2"})).await;
    let x_data = bytes(51, 3000);
    let x = upload_in(&s, &space, "parent", "x.bin", &x_data, None).await;
    let folder = folder_in(&s, &space, "parent", "PF", None).await;
    fork(&s, &space, "child", "parent").await;
    // Changes in the parent after the child's fork: the child never saw them.
    edit(&s, &space, "parent", &a_uid, json!({"title": "parent v3"})).await;
    let y_data = bytes(52, 3000);
    upload_in(&s, &space, "parent", "y.bin", &y_data, None).await;
    assert!(s.blob_files().iter().any(|p| p.ends_with(sha256(&y_data))));

    let (status, body) = s.delete(&format!("/api/spaces/{space}/workspaces/parent")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = s.get(&format!("/api/spaces/{space}/workspaces/parent")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(title(&s, &space, "child", &a_uid).await, "parent v2");
    assert_eq!(title(&s, &space, "main", &a_uid).await, "a.txt");
    let (_, v) = s.get(&at(&space, &format!("/assets/{a_uid}/versions"), "child")).await;
    let numbers: Vec<i64> = v["versions"].as_array().unwrap().iter().filter_map(|x| x["version"].as_i64()).collect();
    assert_eq!(numbers, vec![2, 1]);
    assert_eq!(title(&s, &space, "child", &uid(&x)).await, "x.bin");
    assert_eq!(s.fetch(&permanent_in(x["permanent_url"].as_str().unwrap(), "child")).await.1, x_data);
    let (status, _) = s.get(&at(&space, &format!("/folders/{folder}"), "child")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!s.blob_files().iter().any(|p| p.ends_with(sha256(&y_data))), "only the deleted workspace used y");
    // The child still works as a workspace of its own.
    edit(&s, &space, "child", &a_uid, json!({"title": "child v3"})).await;
    assert_eq!(title(&s, &space, "child", &a_uid).await, "child v3");
    let (_, list) = s.get(&format!("/api/spaces/{space}/workspaces")).await;
    assert_eq!(list["count"], 2);
    s.stop().await;
}

#[tokio::test]
async fn a_fork_lists_and_pages_like_a_workspace_of_its_own() {
    let s = TestServer::start().await;
    let space = s.create_space("Pages").await;
    let f = folder_in(&s, &space, "main", "F", None).await;
    let mut base = Vec::new();
    for i in 0..5 {
        let parent = (i < 2).then_some(f.as_str());
        base.push(uid(&upload_in(&s, &space, "main", &format!("m{i}.txt"), format!("m{i}").as_bytes(), parent).await));
    }
    fork(&s, &space, "ws", "main").await;
    upload_in(&s, &space, "main", "late.txt", b"late", None).await;
    assert_eq!(s.delete(&at(&space, &format!("/assets/{}", base[4]), "ws")).await.0, StatusCode::OK);
    edit(&s, &space, "ws", &base[3], json!({"title": "edited in ws"})).await;
    let (status, _) = s
        .send_json(
            Method::POST,
            &at(&space, "/assets/bulk/move", "ws"),
            json!({"asset_uids": [base[0]], "target_folder_uid": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut added = Vec::new();
    for i in 0..2 {
        added.push(uid(&upload_in(&s, &space, "ws", &format!("w{i}.txt"), b"w", None).await));
    }
    let (_, all) = s.get(&at(&space, "/assets?limit=100", "ws")).await;
    assert_eq!(all["count"], 6, "{all}");
    let listed: Vec<String> = all["assets"].as_array().unwrap().iter().map(uid).collect();
    let mut want: Vec<String> = base[..4].iter().chain(&added).cloned().collect();
    want.sort_by(|a, b| b.cmp(a));
    assert_eq!(listed, want, "newest first, without the trashed one or the source's later upload");
    let edited = all["assets"].as_array().unwrap().iter().find(|a| a["uid"] == base[3].as_str()).unwrap();
    assert_eq!(edited["title"], "edited in ws");
    let mut paged = Vec::new();
    for skip in (0..8).step_by(2) {
        let (_, page) = s.get(&at(&space, &format!("/assets?limit=2&skip={skip}"), "ws")).await;
        assert_eq!(page["count"], 6);
        paged.extend(page["assets"].as_array().unwrap().iter().map(uid));
    }
    assert_eq!(paged, want, "pages add up to the whole list");
    let (_, in_f) = s.get(&at(&space, &format!("/assets?folder={f}"), "ws")).await;
    assert_eq!((in_f["count"].as_i64(), in_f["assets"][0]["uid"].as_str()), (Some(1), Some(base[1].as_str())));
    let (_, in_f) = s.get(&at(&space, &format!("/assets?folder={f}"), "main")).await;
    assert_eq!(in_f["count"], 2);
    let (_, root) = s.get(&at(&space, "/assets?folder=root", "ws")).await;
    assert_eq!(root["count"], 5);
    let (_, main) = s.get(&at(&space, "/assets?limit=100", "main")).await;
    assert_eq!(main["count"], 6, "main: its five, and the late one");
    // A fork of the fork pages through two levels.
    fork(&s, &space, "deeper", "ws").await;
    edit(&s, &space, "deeper", &base[2], json!({"title": "deeper"})).await;
    let (_, deep) = s.get(&at(&space, "/assets?limit=100", "deeper")).await;
    assert_eq!(deep["count"], 6);
    assert_eq!(deep["assets"].as_array().unwrap().iter().map(uid).collect::<Vec<_>>(), want);
    s.stop().await;
}

#[tokio::test]
async fn an_item_trashed_before_a_fork_is_purged_everywhere_and_its_bytes_freed() {
    let s = TestServer::start_with(|c| {
        c.trash_retention = Duration::from_secs(1);
        c.maintenance_interval = Duration::from_millis(300);
    })
    .await;
    let space = s.create_space("Both").await;
    let data = bytes(61, 4000);
    let z = upload_in(&s, &space, "main", "z.bin", &data, None).await;
    assert_eq!(s.delete(&at(&space, &format!("/assets/{}", uid(&z)), "main")).await.0, StatusCode::OK);
    fork(&s, &space, "later", "main").await;
    let (_, t) = s.get(&at(&space, "/trash", "later")).await;
    assert_eq!(t["count"], 1, "the fork inherits the trash as it was: {t}");
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let (_, a) = s.get(&at(&space, "/trash", "main")).await;
        let (_, b) = s.get(&at(&space, "/trash", "later")).await;
        let freed = !s.blob_files().iter().any(|p| p.ends_with(sha256(&data)));
        if a["count"] == 0 && b["count"] == 0 && freed {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not purged everywhere: {a} {b}, freed {freed}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert_eq!(s.fetch(z["url"].as_str().unwrap()).await.0, StatusCode::NOT_FOUND);
    s.stop().await;
}
