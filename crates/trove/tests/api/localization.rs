//! Localized variants: localizing by writing in a language (metadata or file),
//! fallback resolution for reads, versions and delivery, unlocalize, the locale
//! status route, the language filters of lists, and per-locale merges.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestServer, assert_error, json as to_json};
use crate::workspaces::{fork, upload_in};

/// An organization with fr-fr → en-us and fr-ca → fr-fr (and de-de → en-us), and a
/// space whose main workspace enables en-us, fr-fr and fr-ca.
async fn french_space(s: &TestServer) -> String {
    for body in [json!({"code": "fr-fr"}), json!({"code": "fr-ca", "fallback_code": "fr-fr"}), json!({"code": "de-de"})]
    {
        let (status, b) = s.send_json(Method::POST, "/api/languages", body).await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
    }
    let space = s.create_space("Campaigns").await;
    enable(s, &space, "main", &["en-us", "fr-fr", "fr-ca"]).await;
    space
}

async fn enable(s: &TestServer, space: &str, ws: &str, languages: &[&str]) {
    let url = format!("/api/spaces/{space}/workspaces/{ws}/languages");
    let (status, b) = s.send_json(Method::PUT, &url, json!({ "languages": languages })).await;
    assert_eq!(status, StatusCode::OK, "{b}");
}

/// `/api/spaces/{space}{rest}` in a workspace and locale.
fn url(space: &str, rest: &str, ws: &str, locale: &str) -> String {
    let sep = if rest.contains('?') { '&' } else { '?' };
    format!("/api/spaces/{space}{rest}{sep}workspace={ws}&locale={locale}")
}

async fn read(s: &TestServer, space: &str, asset: &str, locale: &str) -> (StatusCode, Value) {
    let (status, b) = s.get(&url(space, &format!("/assets/{asset}"), "main", locale)).await;
    (status, b["asset"].clone())
}

async fn read_ok(s: &TestServer, space: &str, asset: &str, locale: &str) -> Value {
    let (status, a) = read(s, space, asset, locale).await;
    assert_eq!(status, StatusCode::OK, "{locale}: {a}");
    a
}

async fn write(s: &TestServer, space: &str, ws: &str, asset: &str, locale: &str, body: Value) -> (StatusCode, Value) {
    s.send_json(Method::PUT, &url(space, &format!("/assets/{asset}"), ws, locale), body).await
}

async fn replace(s: &TestServer, space: &str, asset: &str, locale: &str, name: &str, data: &[u8]) -> Value {
    let form = Form::new()
        .part("file", Part::bytes(data.to_vec()).file_name(name.to_owned()))
        .text("alt_text", format!("{name} ({locale})"));
    let req = s.req(Method::PUT, &url(space, &format!("/assets/{asset}"), "main", locale)).multipart(form);
    let (status, b) = to_json(req.send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    b["asset"].clone()
}

async fn unlocalize(s: &TestServer, space: &str, ws: &str, asset: &str, locale: &str) -> (StatusCode, Value) {
    s.delete(&format!("/api/spaces/{space}/assets/{asset}/locales/{locale}?workspace={ws}")).await
}

/// The bytes delivered by the permanent URL in a locale.
async fn delivered(s: &TestServer, asset: &Value, locale: &str) -> Vec<u8> {
    let base = asset["permanent_url"].as_str().unwrap().split('?').next().unwrap().to_owned();
    let (status, bytes) = s.fetch(&format!("{base}?locale={locale}")).await;
    assert_eq!(status, StatusCode::OK, "{locale}");
    bytes
}

/// `(locale, status, source_locale)` for every enabled language.
async fn status_of(s: &TestServer, space: &str, ws: &str, asset: &str) -> Vec<(String, String, Option<String>)> {
    let (status, b) = s.get(&format!("/api/spaces/{space}/assets/{asset}/locales?workspace={ws}")).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    b["locales"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["locale"].as_str().unwrap().to_owned(),
                l["status"].as_str().unwrap().to_owned(),
                l["source_locale"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn st(locale: &str, status: &str, source: Option<&str>) -> (String, String, Option<String>) {
    (locale.to_owned(), status.to_owned(), source.map(str::to_owned))
}

fn uid(a: &Value) -> String {
    a["uid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_three_level_chain_follows_each_localize_and_unlocalize_at_once() {
    let s = TestServer::start().await;
    let space = french_space(&s).await;
    let a = upload_in(&s, &space, "main", "banner.png", b"english banner", None).await;
    let id = uid(&a);

    // Nothing localized: every language reads English, and says so.
    let got = read_ok(&s, &space, &id, "fr-ca").await;
    assert_eq!((got["locale"].as_str(), got["source_locale"].as_str()), (Some("fr-ca"), Some("en-us")), "{got}");
    assert_eq!((got["localized"].as_bool(), got["title"].as_str()), (Some(false), Some("banner.png")));
    assert!(got["permanent_url"].as_str().unwrap().ends_with("?locale=fr-ca"), "{got}");
    assert_eq!(delivered(&s, &a, "fr-ca").await, b"english banner");

    // fr-fr gets its own metadata; fr-ca now inherits from fr-fr.
    let (status, b) = write(
        &s,
        &space,
        "main",
        &id,
        "fr-fr",
        json!({"title": "Bannière", "tags": ["été"], "alt_text": "Bannière des soldes d'été"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    // Its first version numbers past the inherited one (en-us v1).
    assert_eq!((b["asset"]["localized"].as_bool(), b["asset"]["version"].as_i64()), (Some(true), Some(2)), "{b}");
    let got = read_ok(&s, &space, &id, "fr-ca").await;
    assert_eq!((got["source_locale"].as_str(), got["title"].as_str()), (Some("fr-fr"), Some("Bannière")), "{got}");
    assert_eq!((got["tags"].clone(), got["alt_text"].clone()), (json!(["été"]), json!("Bannière des soldes d'été")));
    assert_eq!(read_ok(&s, &space, &id, "en-us").await["alt_text"], Value::Null, "English is untouched");
    let (status, b) = write(&s, &space, "main", &id, "fr-fr", json!({"alt_text": "x".repeat(1001)})).await;
    assert_error(status, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(b["errors"]["alt_text"].is_array(), "{b}");
    assert_eq!(delivered(&s, &a, "fr-ca").await, b"english banner", "fr-fr kept the file it inherited");

    // fr-ca gets its own file, starting from what it inherited (fr-fr's metadata).
    let ca = replace(&s, &space, &id, "fr-ca", "banniere-qc.png", b"quebec banner").await;
    assert_eq!((ca["localized"].as_bool(), ca["title"].as_str()), (Some(true), Some("Bannière")), "{ca}");
    assert_eq!(ca["alt_text"], "banniere-qc.png (fr-ca)");
    assert_eq!(delivered(&s, &a, "fr-ca").await, b"quebec banner");
    assert_eq!(delivered(&s, &a, "fr-fr").await, b"english banner");
    assert_eq!(delivered(&s, &a, "en-us").await, b"english banner");
    assert_eq!(
        status_of(&s, &space, "main", &id).await,
        [
            st("en-us", "localized", Some("en-us")),
            st("fr-ca", "localized", Some("fr-ca")),
            st("fr-fr", "localized", Some("fr-fr"))
        ]
    );

    // Edits of the default language no longer reach localized languages.
    let (status, _) = write(&s, &space, "main", &id, "en-us", json!({"title": "Summer sale"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read_ok(&s, &space, &id, "fr-fr").await["title"], "Bannière");
    assert_eq!(read_ok(&s, &space, &id, "fr-ca").await["title"], "Bannière");

    // Unlocalizing the middle level: fr-fr inherits English again, fr-ca keeps its own.
    let (status, b) = unlocalize(&s, &space, "main", &id, "fr-fr").await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let fr = read_ok(&s, &space, &id, "fr-fr").await;
    assert_eq!((fr["source_locale"].as_str(), fr["title"].as_str()), (Some("en-us"), Some("Summer sale")), "{fr}");
    assert_eq!(read_ok(&s, &space, &id, "fr-ca").await["title"], "Bannière");
    assert_eq!(
        status_of(&s, &space, "main", &id).await,
        [
            st("en-us", "localized", Some("en-us")),
            st("fr-ca", "localized", Some("fr-ca")),
            st("fr-fr", "inherited", Some("en-us"))
        ]
    );
    let (status, b) = unlocalize(&s, &space, "main", &id, "fr-fr").await;
    assert_error(status, &b, StatusCode::NOT_FOUND, "variant_not_found");

    // Unlocalizing the top level: fr-ca falls through fr-fr (unlocalized) to en-us,
    // and delivery follows at once.
    assert_eq!(unlocalize(&s, &space, "main", &id, "fr-ca").await.0, StatusCode::OK);
    let ca = read_ok(&s, &space, &id, "fr-ca").await;
    assert_eq!((ca["source_locale"].as_str(), ca["title"].as_str()), (Some("en-us"), Some("Summer sale")), "{ca}");
    assert_eq!(delivered(&s, &a, "fr-ca").await, b"english banner");

    // Localizing the middle level again: fr-ca follows it; the new variant's
    // history does not include the discarded one's.
    let (status, b) = write(&s, &space, "main", &id, "fr-fr", json!({"title": "Soldes d'été"})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["asset"]["version"], 3, "past the discarded v2 and the inherited v2: {b}");
    assert_eq!(read_ok(&s, &space, &id, "fr-ca").await["title"], "Soldes d'été");
    let (_, v) = s.get(&url(&space, &format!("/assets/{id}/versions"), "main", "fr-fr")).await;
    assert_eq!((v["count"].as_i64(), v["versions"][0]["title"].as_str()), (Some(1), Some("Soldes d'été")), "{v}");

    // The default language cannot be unlocalized; the language must be enabled.
    let (status, b) = unlocalize(&s, &space, "main", &id, "en-us").await;
    assert_error(status, &b, StatusCode::CONFLICT, "default_language_locked");
    let (status, b) = unlocalize(&s, &space, "main", &id, "de-de").await;
    assert_error(status, &b, StatusCode::NOT_FOUND, "locale_not_enabled");
    let (status, b) = unlocalize(&s, &space, "main", "am00000000000000000000000000", "fr-fr").await;
    assert_error(status, &b, StatusCode::NOT_FOUND, "asset_not_found");
    s.stop().await;
}

#[tokio::test]
async fn a_localized_file_replace_keeps_its_versions_and_the_old_file_url() {
    let s = TestServer::start().await;
    let space = french_space(&s).await;
    let a = upload_in(&s, &space, "main", "poster.png", b"english poster", None).await;
    let id = uid(&a);
    let first = replace(&s, &space, &id, "fr-fr", "affiche.png", b"affiche v1").await;
    let second = replace(&s, &space, &id, "fr-fr", "affiche.png", b"affiche v2").await;
    assert_eq!((first["version"].as_i64(), second["version"].as_i64()), (Some(2), Some(3)));
    assert_eq!(s.fetch(first["url"].as_str().unwrap()).await, (StatusCode::OK, b"affiche v1".to_vec()));
    assert_eq!(s.fetch(second["url"].as_str().unwrap()).await, (StatusCode::OK, b"affiche v2".to_vec()));
    assert_eq!(delivered(&s, &a, "fr-fr").await, b"affiche v2");
    assert_eq!(delivered(&s, &a, "en-us").await, b"english poster");

    // Versions are per locale; fr-ca reads fr-fr's history.
    let (_, v) = s.get(&url(&space, &format!("/assets/{id}/versions"), "main", "fr-fr")).await;
    let numbers: Vec<i64> = v["versions"].as_array().unwrap().iter().filter_map(|x| x["version"].as_i64()).collect();
    assert_eq!(numbers, [3, 2], "{v}");
    assert!(v["versions"].as_array().unwrap().iter().all(|x| x["locale"] == "fr-fr"), "{v}");
    let (_, v) = s.get(&url(&space, &format!("/assets/{id}/versions"), "main", "en-us")).await;
    assert_eq!(v["count"], 1, "{v}");
    let (status, v1) = s.get(&url(&space, &format!("/assets/{id}/versions/2"), "main", "fr-ca")).await;
    assert_eq!((status, v1["version"]["file_name"].as_str()), (StatusCode::OK, Some("affiche.png")), "{v1}");

    // Naming belongs to the language that owns the history.
    let name_url = |locale: &str| url(&space, &format!("/assets/{id}/versions/2/name"), "main", locale);
    let (status, b) = s.send_json(Method::PUT, &name_url("fr-fr"), json!({"name": "premiere"})).await;
    assert_eq!((status, b["version"]["version_name"].as_str()), (StatusCode::OK, Some("premiere")), "{b}");
    let (status, b) = s.send_json(Method::PUT, &name_url("fr-ca"), json!({"name": "x"})).await;
    assert_error(status, &b, StatusCode::CONFLICT, "not_localized");

    // Restoring in fr-fr appends; restoring in fr-ca (which inherits) localizes it.
    let restore = |locale: &str| url(&space, &format!("/assets/{id}/versions/2/restore"), "main", locale);
    let (status, b) = s.send_json(Method::POST, &restore("fr-fr"), json!({})).await;
    assert_eq!((status, b["asset"]["version"].as_i64()), (StatusCode::OK, Some(4)), "{b}");
    assert_eq!(delivered(&s, &a, "fr-fr").await, b"affiche v1");
    let (status, b) = s.send_json(Method::POST, &restore("fr-ca"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!((b["asset"]["localized"].as_bool(), b["asset"]["source_locale"].as_str()), (Some(true), Some("fr-ca")));

    // A localizing write based on a stale inherited version is refused and
    // localizes nothing: fr-fr inherits en-us at version 2 after this edit.
    let (status, b) = write(&s, &space, "main", &id, "en-us", json!({"title": "moved on"})).await;
    assert_eq!((status, b["asset"]["version"].as_i64()), (StatusCode::OK, Some(2)), "{b}");
    assert_eq!(unlocalize(&s, &space, "main", &id, "fr-ca").await.0, StatusCode::OK);
    assert_eq!(unlocalize(&s, &space, "main", &id, "fr-fr").await.0, StatusCode::OK);
    let req = s
        .req(Method::PUT, &url(&space, &format!("/assets/{id}"), "main", "fr-fr"))
        .header("If-Match", "\"v1\"")
        .json(&json!({"title": "stale"}));
    let (status, b) = to_json(req.send().await.unwrap()).await;
    assert_error(status, &b, StatusCode::PRECONDITION_FAILED, "version_conflict");
    assert_eq!(read_ok(&s, &space, &id, "fr-fr").await["localized"], false);

    // Two clients holding the same inherited ETag: the first localizes, the
    // second is refused rather than overwriting it.
    let resp = s.req(Method::GET, &url(&space, &format!("/assets/{id}"), "main", "fr-ca")).send().await.unwrap();
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, "\"v2@en-us\"", "an inherited read names where it came from");
    for (title, want) in [("first", StatusCode::OK), ("second", StatusCode::PRECONDITION_FAILED)] {
        let req = s
            .req(Method::PUT, &url(&space, &format!("/assets/{id}"), "main", "fr-ca"))
            .header("If-Match", &etag)
            .json(&json!({ "title": title }));
        let (status, b) = to_json(req.send().await.unwrap()).await;
        assert_eq!(status, want, "{title}: {b}");
    }
    assert_eq!(read_ok(&s, &space, &id, "fr-ca").await["title"], "first");
    // A client holding the ETag of a variant that is discarded meanwhile is refused
    // too, even where the inherited version has the same number (en-us v2).
    let resp = s.req(Method::GET, &url(&space, &format!("/assets/{id}"), "main", "fr-ca")).send().await.unwrap();
    assert_eq!(resp.headers()["etag"], "\"v6\"", "fr-ca's own variant, past its discarded v5");
    assert_eq!(unlocalize(&s, &space, "main", &id, "fr-ca").await.0, StatusCode::OK);
    let req = s
        .req(Method::PUT, &url(&space, &format!("/assets/{id}"), "main", "fr-ca"))
        .header("If-Match", "\"v2\"")
        .json(&json!({ "title": "late" }));
    let (status, b) = to_json(req.send().await.unwrap()).await;
    assert_error(status, &b, StatusCode::PRECONDITION_FAILED, "version_conflict");
    s.stop().await;
}

#[tokio::test]
async fn languages_outside_the_workspace_are_refused_and_skipped_in_chains() {
    let s = TestServer::start().await;
    let space = french_space(&s).await;
    let a = upload_in(&s, &space, "main", "logo.svg", b"<svg/>", None).await;
    let id = uid(&a);

    // A chain that would loop is refused, naming the loop.
    let (status, b) = s.send_json(Method::PUT, "/api/languages/fr-fr", json!({"fallback_code": "fr-ca"})).await;
    assert_error(status, &b, StatusCode::CONFLICT, "fallback_cycle");
    let msg = b["error_message"].as_str().unwrap();
    assert!(msg.contains("fr-fr → fr-ca → fr-fr") || msg.contains("fr-ca → fr-fr → fr-ca"), "{msg}");

    // de-de exists but is not enabled here; xx-zz does not exist at all.
    for locale in ["de-de", "xx-zz"] {
        let (status, b) = s.get(&url(&space, &format!("/assets/{id}"), "main", locale)).await;
        assert_error(status, &b, StatusCode::NOT_FOUND, "locale_not_enabled");
        let (status, b) = write(&s, &space, "main", &id, locale, json!({"title": "Logo"})).await;
        assert_error(status, &b, StatusCode::NOT_FOUND, "locale_not_enabled");
        // Public delivery tells nothing about a space's configuration.
        let (status, _) = s.fetch(&format!("/v3/assets/{space}/{id}/logo.svg?locale={locale}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{locale}");
    }
    let (status, b) = s.get(&url(&space, "/assets", "main", "de-de")).await;
    assert_error(status, &b, StatusCode::NOT_FOUND, "locale_not_enabled");
    assert_eq!(read_ok(&s, &space, &id, "en-us").await["version"], 1, "nothing was written");

    // Locale codes are case-insensitive; an empty one is the default; text that
    // cannot be a code is refused without being echoed.
    assert_eq!(read_ok(&s, &space, &id, "FR-CA").await["locale"], "fr-ca");
    assert_eq!(read_ok(&s, &space, &id, "").await["locale"], "en-us");
    let long = "x".repeat(5000);
    for bad in ["fr_fr", "%25", "fr-fr,en-us", long.as_str()] {
        let (status, b) = s.get(&url(&space, &format!("/assets/{id}"), "main", bad)).await;
        assert_error(status, &b, StatusCode::UNPROCESSABLE_ENTITY, "invalid_locale");
        assert!(b.to_string().len() < 500, "{b}");
    }

    // A workspace without fr-fr: fr-ca passes over it to en-us, even though main
    // has a French variant.
    let (status, _) = write(&s, &space, "main", &id, "fr-fr", json!({"title": "Logo FR"})).await;
    assert_eq!(status, StatusCode::OK);
    fork(&s, &space, "quebec", "main").await;
    enable(&s, &space, "quebec", &["en-us", "fr-ca"]).await;
    let (status, got) = s.get(&url(&space, &format!("/assets/{id}"), "quebec", "fr-ca")).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(
        (got["asset"]["source_locale"].as_str(), got["asset"]["title"].as_str()),
        (Some("en-us"), Some("logo.svg"))
    );
    assert_eq!(read_ok(&s, &space, &id, "fr-ca").await["title"], "Logo FR", "main still has fr-fr enabled");
    let (status, b) = write(&s, &space, "quebec", &id, "fr-fr", json!({"title": "x"})).await;
    assert_error(status, &b, StatusCode::NOT_FOUND, "locale_not_enabled");

    // Re-pointing a fallback takes effect on the next read.
    let (status, b) = s.send_json(Method::PUT, "/api/languages/fr-ca", json!({"fallback_code": "en-us"})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(read_ok(&s, &space, &id, "fr-ca").await["source_locale"], "en-us");
    let (status, b) = s.send_json(Method::PUT, "/api/languages/fr-ca", json!({"fallback_code": "fr-fr"})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(read_ok(&s, &space, &id, "fr-ca").await["source_locale"], "fr-fr");
    s.stop().await;
}

/// The UIDs of a list, sorted.
async fn listed(s: &TestServer, space: &str, ws: &str, locale: &str, filter: &str) -> (Vec<String>, i64) {
    let (status, b) = s.get(&url(space, &format!("/assets{filter}"), ws, locale)).await;
    assert_eq!(status, StatusCode::OK, "{filter}: {b}");
    let mut uids: Vec<String> = b["assets"].as_array().unwrap().iter().map(uid).collect();
    uids.sort();
    (uids, b["count"].as_i64().unwrap())
}

fn sorted(v: &[&String]) -> (Vec<String>, i64) {
    let mut out: Vec<String> = v.iter().map(|s| (*s).clone()).collect();
    out.sort();
    let n = out.len() as i64;
    (out, n)
}

#[tokio::test]
async fn lists_filter_on_languages_and_resolve_each_asset() {
    let s = TestServer::start().await;
    let space = french_space(&s).await;
    enable(&s, &space, "main", &["en-us", "fr-fr", "fr-ca", "de-de"]).await;
    let english = uid(&upload_in(&s, &space, "main", "en.png", b"en", None).await);
    let both = uid(&upload_in(&s, &space, "main", "both.png", b"both", None).await);
    write(&s, &space, "main", &both, "fr-fr", json!({"title": "Les deux"})).await;
    // An asset made in French only: not available in English or German.
    let form = Form::new().part("file", Part::bytes(b"fr only".to_vec()).file_name("fr.png"));
    let (status, b) =
        to_json(s.req(Method::POST, &url(&space, "/assets", "main", "fr-fr")).multipart(form).send().await.unwrap())
            .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let french = uid(&b["asset"]);
    assert_eq!((b["asset"]["locale"].as_str(), b["asset"]["localized"].as_bool()), (Some("fr-fr"), Some(true)));
    let (status, b) = read(&s, &space, &french, "en-us").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{b}");
    assert_eq!(read_ok(&s, &space, &french, "fr-ca").await["source_locale"], "fr-fr");
    let (status, b) = unlocalize(&s, &space, "main", &french, "fr-fr").await;
    assert_error(status, &b, StatusCode::CONFLICT, "last_variant");
    let (status, b) = read(&s, &space, &french, "de-de").await;
    assert!(status == StatusCode::NOT_FOUND && b.is_null(), "{b}");

    for ws in ["main", "fork"] {
        if ws == "fork" {
            // The same lists in a fork, which pages lineage entry by entry, with an
            // asset localized in the fork only.
            fork(&s, &space, "fork", "main").await;
            write(&s, &space, "fork", &english, "fr-fr", json!({"title": "Anglais"})).await;
        }
        assert_eq!(listed(&s, &space, ws, "en-us", "").await, sorted(&[&english, &both]), "{ws}");
        assert_eq!(listed(&s, &space, ws, "de-de", "").await, sorted(&[&english, &both]), "{ws}");
        assert_eq!(listed(&s, &space, ws, "fr-ca", "").await, sorted(&[&english, &both, &french]), "{ws}");
        assert_eq!(listed(&s, &space, ws, "fr-fr", "?available_in=de-de").await, sorted(&[&english, &both]), "{ws}");
        let localized: Vec<&String> = if ws == "fork" { vec![&english, &both, &french] } else { vec![&both, &french] };
        assert_eq!(listed(&s, &space, ws, "fr-ca", "?localized_in=fr-fr").await, sorted(&localized), "{ws}");
        let not: Vec<&String> = if ws == "fork" { vec![] } else { vec![&english] };
        assert_eq!(listed(&s, &space, ws, "fr-ca", "?not_localized_in=fr-fr").await, sorted(&not), "{ws}");
        assert_eq!(listed(&s, &space, ws, "fr-ca", "?localized_in=fr-ca").await, sorted(&[]), "{ws}");
        assert_eq!(listed(&s, &space, ws, "fr-ca", "?localized_in=en-us&limit=1").await.1, 2, "{ws}");
        let (status, b) = s.get(&url(&space, "/assets?localized_in=xx-zz", ws, "en-us")).await;
        assert_error(status, &b, StatusCode::NOT_FOUND, "locale_not_enabled");
    }
    // The trash lists an asset localized only outside the default language too.
    assert_eq!(s.delete(&url(&space, &format!("/assets/{french}"), "main", "fr-fr")).await.0, StatusCode::OK);
    let (_, trash) = s.get(&format!("/api/spaces/{space}/trash")).await;
    assert_eq!((trash["count"].as_i64(), trash["items"][0]["title"].as_str()), (Some(1), Some("fr.png")), "{trash}");
    assert_eq!(
        s.send_json(Method::POST, &format!("/api/spaces/{space}/trash/{french}/restore"), json!({})).await.0,
        StatusCode::OK
    );

    // Each listed asset says where its values came from.
    let (_, b) = s.get(&url(&space, "/assets", "main", "fr-ca")).await;
    for a in b["assets"].as_array().unwrap() {
        let want = if uid(a) == english { "en-us" } else { "fr-fr" };
        assert_eq!(a["source_locale"], want, "{a}");
    }
    s.stop().await;
}

#[tokio::test]
async fn a_french_only_change_merges_without_touching_english() {
    let s = TestServer::start().await;
    let space = french_space(&s).await;
    let a = upload_in(&s, &space, "main", "sale.png", b"sale", None).await;
    let id = uid(&a);
    let gone = uid(&upload_in(&s, &space, "main", "gone.png", b"gone", None).await);
    write(&s, &space, "main", &gone, "fr-fr", json!({"title": "Parti"})).await;
    fork(&s, &space, "french", "main").await;
    let (status, b) = write(&s, &space, "french", &id, "fr-fr", json!({"title": "Soldes"})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(unlocalize(&s, &space, "french", &gone, "fr-fr").await.0, StatusCode::OK);
    // Main does not see the workspace's localization until the merge.
    assert_eq!(read_ok(&s, &space, &id, "fr-fr").await["source_locale"], "en-us");

    let (status, cmp) = s.get(&format!("/api/spaces/{space}/workspaces/french/compare")).await;
    assert_eq!(status, StatusCode::OK, "{cmp}");
    let entry = |uid: &str| cmp["changes"].as_array().unwrap().iter().find(|c| c["uid"] == uid).cloned().unwrap();
    let locales: Vec<String> =
        entry(&id)["locales"].as_array().unwrap().iter().map(|l| l["locale"].as_str().unwrap().to_owned()).collect();
    assert_eq!(locales, ["fr-fr"], "{cmp}");
    let (status, b) =
        s.send_json(Method::POST, &format!("/api/spaces/{space}/workspaces/french/merge"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{b}");

    let fr = read_ok(&s, &space, &id, "fr-fr").await;
    assert_eq!((fr["source_locale"].as_str(), fr["title"].as_str()), (Some("fr-fr"), Some("Soldes")), "{fr}");
    let en = read_ok(&s, &space, &id, "en-us").await;
    assert_eq!((en["version"].as_i64(), en["title"].as_str()), (Some(1), Some("sale.png")), "{en}");
    assert_eq!(read_ok(&s, &space, &gone, "fr-fr").await["source_locale"], "en-us", "the unlocalize merged");
    let (_, list) = s.get(&url(&space, "/assets?localized_in=fr-fr", "main", "en-us")).await;
    let uids: Vec<String> = list["assets"].as_array().unwrap().iter().map(uid).collect();
    assert_eq!(uids, [id], "{list}");
    s.stop().await;
}

#[tokio::test]
async fn a_market_asset_can_be_given_a_default_variant() {
    let s = TestServer::start().await;
    let space = french_space(&s).await;
    let form = Form::new().part("file", Part::bytes(b"fr only".to_vec()).file_name("affiche.png"));
    let (status, b) =
        to_json(s.req(Method::POST, &url(&space, "/assets", "main", "fr-fr")).multipart(form).send().await.unwrap())
            .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let id = uid(&b["asset"]);
    let (status, b) = s.get(&url(&space, &format!("/assets/{id}"), "main", "en-us")).await;
    assert_error(status, &b, StatusCode::NOT_FOUND, "asset_not_found");
    assert!(b["error_message"].as_str().unwrap().contains("fr-fr"), "the 404 says where the asset is: {b}");
    // Writing in English starts from the French variant.
    let (status, b) = write(&s, &space, "main", &id, "en-us", json!({"title": "Poster"})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let en = read_ok(&s, &space, &id, "en-us").await;
    assert_eq!((en["localized"].as_bool(), en["title"].as_str()), (Some(true), Some("Poster")), "{en}");
    assert_eq!(delivered(&s, &en, "en-us").await, b"fr only");
    assert_eq!(read_ok(&s, &space, &id, "fr-fr").await["title"], "affiche.png");
    s.stop().await;
}

#[tokio::test]
async fn merges_bring_whole_variants_back_and_never_discarded_history() {
    let s = TestServer::start_with(|c| {
        c.trash_retention = std::time::Duration::from_secs(1);
        c.maintenance_interval = std::time::Duration::from_millis(300);
    })
    .await;
    let space = french_space(&s).await;
    // The source purges an asset the fork localized: the merge brings it back with
    // every variant the fork has, readable in English and French.
    let a = uid(&upload_in(&s, &space, "main", "kept.png", b"kept", None).await);
    fork(&s, &space, "fr", "main").await;
    write(&s, &space, "fr", &a, "fr-fr", json!({"title": "Gardé"})).await;
    assert_eq!(s.delete(&url(&space, &format!("/assets/{a}"), "main", "en-us")).await.0, StatusCode::OK);
    crate::merge::until_purged(&s, &space, "main").await;
    let merge = format!("/api/spaces/{space}/workspaces/fr/merge");
    let (status, b) = s.send_json(Method::POST, &merge, json!({"strategy": "prefer_workspace"})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(read_ok(&s, &space, &a, "en-us").await["title"], "kept.png");
    assert_eq!(read_ok(&s, &space, &a, "fr-ca").await["title"], "Gardé");

    // Main localizes and discards fr-fr of another asset; the fork's own French
    // variant merges in without the discarded versions.
    let b_uid = uid(&upload_in(&s, &space, "main", "other.png", b"other", None).await);
    fork(&s, &space, "fr2", "main").await;
    write(&s, &space, "main", &b_uid, "fr-fr", json!({"title": "jeté"})).await;
    assert_eq!(unlocalize(&s, &space, "main", &b_uid, "fr-fr").await.0, StatusCode::OK);
    write(&s, &space, "fr2", &b_uid, "fr-fr", json!({"title": "Autre"})).await;
    let (status, b) = s.send_json(Method::POST, &format!("/api/spaces/{space}/workspaces/fr2/merge"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let (_, v) = s.get(&url(&space, &format!("/assets/{b_uid}/versions"), "main", "fr-fr")).await;
    let titles: Vec<&str> = v["versions"].as_array().unwrap().iter().filter_map(|x| x["title"].as_str()).collect();
    assert_eq!(titles, ["Autre"], "{v}");

    // The same when the fork shares the start of the variant's history with main,
    // and main edited and discarded it after the fork.
    let c = uid(&upload_in(&s, &space, "main", "third.png", b"third", None).await);
    write(&s, &space, "main", &c, "fr-fr", json!({"title": "orig"})).await;
    fork(&s, &space, "fr3", "main").await;
    write(&s, &space, "main", &c, "fr-fr", json!({"title": "main only"})).await;
    assert_eq!(unlocalize(&s, &space, "main", &c, "fr-fr").await.0, StatusCode::OK);
    write(&s, &space, "fr3", &c, "fr-fr", json!({"title": "fork"})).await;
    let merge3 = format!("/api/spaces/{space}/workspaces/fr3/merge");
    let (status, b) = s.send_json(Method::POST, &merge3, json!({"strategy": "prefer_workspace"})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let (_, v) = s.get(&url(&space, &format!("/assets/{c}/versions"), "main", "fr-fr")).await;
    let titles: Vec<&str> = v["versions"].as_array().unwrap().iter().filter_map(|x| x["title"].as_str()).collect();
    assert!(!titles.contains(&"main only") && titles[0] == "fork", "{v}");

    // Purging in main copies versions down to forks whole, alt text included.
    let d = uid(&upload_in(&s, &space, "main", "alt.png", b"alt", None).await);
    write(&s, &space, "main", &d, "en-us", json!({"alt_text": "a cat on a mat"})).await;
    fork(&s, &space, "alts", "main").await;
    assert_eq!(s.delete(&url(&space, &format!("/assets/{d}"), "main", "en-us")).await.0, StatusCode::OK);
    crate::merge::until_purged(&s, &space, "main").await;
    let (status, got) = s.get(&url(&space, &format!("/assets/{d}"), "alts", "en-us")).await;
    assert_eq!((status, got["asset"]["alt_text"].as_str()), (StatusCode::OK, Some("a cat on a mat")), "{got}");
    s.stop().await;
}
