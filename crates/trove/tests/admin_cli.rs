//! `trove admin`, run on the server's machine with its data directory: the way
//! back in when the only token is lost — a new API token, a new set-up link, a
//! new user — and a clear failure for a user that does not exist.

mod support;

use std::path::Path;
use std::process::Stdio;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::process::{serve, trove_command};

const TOKEN: &str = "admin-cli-bootstrap-token-0123456789abcdef";

/// Runs `trove admin <args>` with `--data-dir dir` after them (it may stand
/// before or after the subcommand); returns success, stdout and stderr.
async fn admin(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let mut cmd = trove_command();
    cmd.arg("admin").args(args).arg("--data-dir").arg(dir);
    cmd.env("RUST_LOG", "warn").env_remove("RUST_BACKTRACE");
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let out = cmd.output().await.expect("running trove admin");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The secret `trove admin` printed on its own line.
fn secret(stdout: &str, prefix: &str) -> String {
    stdout
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("a {prefix}… line in {stdout}"))
        .to_owned()
}

#[tokio::test]
async fn admin_issues_tokens_set_up_links_and_users_from_the_machine() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing there yet: the command refuses rather than start a second, empty deployment.
    let (ok, out, err) = admin(dir.path(), &["issue-token", "--email", "admin@localhost"]).await;
    assert!(!ok, "{out}");
    assert!(err.contains("there is no Trove deployment"), "{err}");
    assert!(!dir.path().join("trove.db").exists(), "nothing was created");

    // With the server running on the directory, alongside it.
    let server = serve(dir.path(), TOKEN).await;
    let (ok, out, err) = admin(dir.path(), &["issue-token", "--email", "admin@localhost"]).await;
    assert!(ok, "{out}{err}");
    let token = secret(&out, "trove_");
    let (ok, out, err) =
        admin(dir.path(), &["create-user", "--email", "Ed@Example.com", "--name", "Ed", "--role", "member"]).await;
    assert!(ok, "{out}{err}");
    assert!(out.contains("ed@example.com"), "{out}");
    let setup = secret(&out, "setup_");
    let (ok, out, err) = admin(dir.path(), &["reset-password", "--email", "nobody@example.com"]).await;
    assert!(!ok, "{out}");
    assert!(err.contains("user_not_found"), "{err}");

    let http = reqwest::Client::new();
    let me: Value = http
        .get(format!("{}/api/users/me", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["email"], "admin@localhost");
    assert_eq!(me["user"]["org_role"], "product_admin");
    let resp = http
        .post(format!("{}/api/session/setup", server.base))
        .json(&json!({"setup_token": setup, "password": "correct horse battery staple 42"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    // The operator's doings are in the organization's audit, as the command line's.
    let audit: Value = http
        .get(format!("{}/api/audit?action=user.create", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(audit["events"][0]["credential"], "cli", "{audit}");
}
