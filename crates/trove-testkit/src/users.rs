//! Test clients that are users: `TestServer::with_user(role)` makes a user of
//! the organization with a password and an API token, and `Client` sends
//! requests as them; `another_node` starts a second server on the same stores.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

use crate::{TestServer, json as read_json};

/// A password every test user has (strong enough for the strength check).
pub const PASSWORD: &str = "correct horse battery staple 42";

/// Requests as one user (or one token).
#[derive(Clone)]
pub struct Client {
    pub uid: String,
    pub email: String,
    pub token: String,
    base: String,
    http: reqwest::Client,
}

impl TestServer {
    /// A new user with `org_role` and their own API token.
    pub async fn with_user(&self, org_role: &str) -> Client {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let email = format!("user{n}-{}@example.com", org_role.replace('_', "-"));
        let (st, body) = self
            .send_json(
                Method::POST,
                "/api/users",
                json!({"email": email, "name": format!("User {n}"), "password": PASSWORD, "org_role": org_role}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
        let uid = body["user"]["uid"].as_str().expect("user uid").to_owned();
        let (st, body) = self.send_json(Method::POST, "/api/tokens", json!({"name": "tests", "user_uid": uid})).await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
        let token = body["token"]["secret"].as_str().expect("secret").to_owned();
        Client { uid, email, token, base: self.base.clone(), http: self.client.clone() }
    }

    /// A client with an existing token (a space's token, a revoked one).
    pub fn with_token(&self, token: &str) -> Client {
        Client {
            uid: String::new(),
            email: String::new(),
            token: token.to_owned(),
            base: self.base.clone(),
            http: self.client.clone(),
        }
    }

    /// Gives `user` exactly `roles` in `space` (as the admin).
    pub async fn add_member(&self, space: &str, user: &str, roles: &[&str]) {
        let (st, body) =
            self.send_json(Method::PUT, &format!("/api/spaces/{space}/members/{user}"), json!({"roles": roles})).await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }

    /// Creates a custom role in `space` from its JSON definition; returns its UID.
    pub async fn create_role(&self, space: &str, definition: Value) -> String {
        let (st, body) = self.send_json(Method::POST, &format!("/api/spaces/{space}/roles"), definition).await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
        body["role"]["uid"].as_str().expect("role uid").to_owned()
    }
}

static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Client {
    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{}", self.base, path)).bearer_auth(&self.token)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        read_json(self.req(Method::GET, path).send().await.expect("request")).await
    }

    pub async fn send_json(&self, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
        read_json(self.req(method, path).json(&body).send().await.expect("request")).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        read_json(self.req(Method::DELETE, path).send().await.expect("request")).await
    }

    /// Uploads `bytes` as `name` into folder `folder` (the root if `None`).
    pub async fn upload(&self, space: &str, name: &str, bytes: &[u8], folder: Option<&str>) -> (StatusCode, Value) {
        let mut form = Form::new().part("file", Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
        if let Some(f) = folder {
            form = form.text("parent_uid", f.to_owned());
        }
        let resp = self
            .req(Method::POST, &format!("/api/spaces/{space}/assets"))
            .multipart(form)
            .send()
            .await
            .expect("upload");
        read_json(resp).await
    }
}

/// Another node serving the same database and storage, as a second server of a
/// deployment would.
pub struct Node {
    pub base: String,
    stop: tokio::sync::watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
}

impl TestServer {
    pub async fn another_node(&self) -> Node {
        let mut config = self.base_config.clone();
        // The organization exists: the second node bootstraps nothing.
        config.bootstrap_token = None;
        let server = trove::Server::bind(config).await.expect("second node starts");
        let base = format!("http://{}", server.addr);
        let (stop, rx) = tokio::sync::watch::channel(false);
        let handle = tokio::spawn(async move {
            server.run(rx).await.expect("second node runs");
        });
        Node { base, stop, handle }
    }
}

impl Node {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}
