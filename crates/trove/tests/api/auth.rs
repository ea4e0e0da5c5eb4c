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
