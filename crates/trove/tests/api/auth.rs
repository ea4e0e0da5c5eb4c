use reqwest::{Method, StatusCode};

use crate::common::{TOKEN, TestServer, assert_error, json};

#[tokio::test]
async fn api_needs_a_valid_bearer_token() {
    let s = TestServer::start().await;
    let resp = s.anon(Method::GET, "/api/spaces").send().await.unwrap();
    assert_eq!(resp.headers().get("www-authenticate").map(|v| v.to_str().unwrap()), Some("Bearer"));
    let (status, body) = json(resp).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");

    let (status, body) =
        json(s.anon(Method::GET, "/api/spaces").bearer_auth("trove_wrong_token_xxxxxxxxxxxx").send().await.unwrap())
            .await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");

    let (status, body) =
        json(s.anon(Method::GET, "/api/spaces").header("Authorization", "Basic abc").send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");

    let (status, _) = s.get("/api/spaces").await;
    assert_eq!(status, StatusCode::OK);
    s.stop().await;
}

#[tokio::test]
async fn health_needs_no_token() {
    let s = TestServer::start().await;
    let (status, body) = json(s.anon(Method::GET, "/healthz").send().await.unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (status, body) = json(s.anon(Method::GET, "/readyz").send().await.unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ready")));
    s.stop().await;
}

#[tokio::test]
async fn bootstrap_happens_once() {
    let first = TestServer::start().await;
    let (status, _) = first.get("/api/spaces").await;
    assert_eq!(status, StatusCode::OK);

    // A second start on the same stores keeps the first token and ignores a
    // different bootstrap token.
    let other = "trove_another_token_0123456789";
    let second = first.restart_with(|c| c.bootstrap_token = Some(other.into())).await;
    let (status, _) = second.get("/api/spaces").await;
    assert_eq!(status, StatusCode::OK, "the original token {TOKEN} still works");
    let (status, _) = json(second.anon(Method::GET, "/api/spaces").bearer_auth(other).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    second.stop().await;
}

#[tokio::test]
async fn short_bootstrap_tokens_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = trove::Config {
        listen: "127.0.0.1:0".into(),
        data_dir: dir.path().to_path_buf(),
        bootstrap_token: Some("short".into()),
        ..trove::Config::default()
    };
    assert!(trove::Server::bind(config).await.is_err());
}

/// The only operations anyone may call without a token. Making another route
/// public means adding it here, on purpose.
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/readyz"),
    // Logging in, and choosing the first password with a set-up link.
    ("post", "/api/session"),
    ("post", "/api/session/setup"),
    ("get", "/v3/assets/{space}/{asset}/{file_uid}/{file_name}"),
    ("head", "/v3/assets/{space}/{asset}/{file_uid}/{file_name}"),
    ("get", "/v3/assets/{space}/{asset}/{slug}"),
    ("head", "/v3/assets/{space}/{asset}/{slug}"),
];

/// Every operation of the OpenAPI document either needs a token (and answers 401
/// without one, before looking at anything else) or is on the public list, and the
/// document says which.
#[tokio::test]
async fn every_route_needs_a_token_or_is_listed_public() {
    let s = TestServer::start().await;
    let (status, doc) = json(s.anon(Method::GET, "/api/openapi.json").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let mut seen_public = Vec::new();
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            let Ok(m) = Method::from_bytes(method.to_uppercase().as_bytes()) else { continue };
            if !matches!(method.as_str(), "get" | "head" | "post" | "put" | "patch" | "delete") {
                continue;
            }
            let public = PUBLIC.contains(&(method.as_str(), path.as_str()));
            let declared_public = op["security"] == serde_json::json!([{}]);
            assert_eq!(public, declared_public, "{method} {path}: the document and the public list disagree");
            // Path parameters get plausible values: what matters is that the token is
            // checked before any of them is looked at.
            let concrete = path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "x1" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            let resp =
                s.anon(m.clone(), &concrete).header("Content-Type", "application/json").body("{}").send().await.unwrap();
            let status = resp.status();
            if public {
                assert_ne!(status, StatusCode::UNAUTHORIZED, "{method} {path} is public");
                seen_public.push((method.clone(), path.clone()));
            } else {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} answered without a token");
                if m != Method::HEAD {
                    let (_, body) = json(resp).await;
                    assert_eq!(body["error_code"], "unauthenticated", "{method} {path}");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(seen_public.len(), PUBLIC.len(), "every listed public operation is in the document: {seen_public:?}");
    assert!(checked > 40, "only {checked} operations found");
    s.stop().await;
}
