//! Starting the real `trove` binary with configuration that cannot work: it stops at
//! once and says why (a bad `public_url`, a bad log filter, an unreachable
//! PostgreSQL), warns about `TROVE_*` variables it does not read, creates a new
//! SQLite database where an explicit URL points, and writes no colour codes into a
//! log that is not a terminal.

mod support;

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use support::process::{Stderr, TroveProcess, trove_command};

const TOKEN: &str = "startup-bootstrap-token-0123456789abcdef";

/// Runs `trove serve` on a fresh data directory with `env`, expecting it to exit
/// on its own within `within`.
async fn serve_fails(env: &[(&str, &str)], within: Duration) -> (Output, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = trove_command();
    cmd.arg("serve").arg("--data-dir").arg(dir.path()).arg("--listen").arg("127.0.0.1:0");
    cmd.env("TROVE_BOOTSTRAP_TOKEN", TOKEN).env_remove("RUST_LOG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let started = Instant::now();
    let output = tokio::time::timeout(within, cmd.output())
        .await
        .unwrap_or_else(|_| panic!("trove serve with {env:?} was still running after {within:?}"))
        .expect("running trove");
    let took = started.elapsed();
    assert!(!output.status.success(), "trove serve with {env:?} started: {}", String::from_utf8_lossy(&output.stdout));
    (output, took)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test]
async fn a_public_url_that_is_not_absolute_http_stops_the_start() {
    for bad in ["dam.example.com", "ftp://dam.example.com", "/trove"] {
        let (out, _) = serve_fails(&[("TROVE_PUBLIC_URL", bad)], Duration::from_secs(30)).await;
        let err = stderr(&out);
        assert!(err.contains("public_url must be an absolute http(s) URL"), "{bad}: {err}");
    }
}

#[tokio::test]
async fn an_invalid_log_filter_stops_the_start() {
    let (out, _) = serve_fails(&[("TROVE_LOG_LEVEL", "trove=loud")], Duration::from_secs(30)).await;
    let err = stderr(&out);
    assert!(err.contains("log_level") && err.contains("not a valid log filter"), "{err}");
    let (out, _) = serve_fails(&[("RUST_LOG", "info,trove=shouting")], Duration::from_secs(30)).await;
    let err = stderr(&out);
    assert!(err.contains("RUST_LOG") && err.contains("not a valid log filter"), "{err}");
}

#[tokio::test]
async fn an_unreachable_postgres_fails_within_seconds_naming_the_cause() {
    // A port nothing listens on: bind one, note it, let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("postgres://postgres@127.0.0.1:{port}/trove");
    let (out, took) = serve_fails(&[("TROVE_DATABASE_URL", &url)], Duration::from_secs(20)).await;
    let err = stderr(&out);
    assert!(err.to_lowercase().contains("refused"), "{err}");
    assert!(took < Duration::from_secs(6), "took {took:?}");

    let (out, took) = serve_fails(
        &[("TROVE_DATABASE_URL", "postgres://postgres@no-such-host.invalid:5432/trove")],
        Duration::from_secs(20),
    )
    .await;
    let err = stderr(&out);
    assert!(err.contains("cannot connect to the database"), "{err}");
    assert!(!err.contains("pool timed out"), "{err}");
    assert!(took < Duration::from_secs(6), "took {took:?}");
}

#[tokio::test]
async fn unknown_trove_variables_are_named_and_logs_have_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = trove_command();
    cmd.arg("serve")
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--listen")
        .arg("127.0.0.1:0")
        .env("TROVE_BOOTSTRAP_TOKEN", TOKEN)
        .env("TROVE_MAX_UPLAOD_SIZE", "1 GB")
        .env("TROVE_S3_REGION", "eu-west-1")
        .env("TROVE_SERVICE_HOST", "10.0.0.1")
        .env("RUST_LOG", "info");
    let server = TroveProcess::start("the server", &mut cmd, Stderr::Capture).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.stderr_text().contains("TROVE_MAX_UPLAOD_SIZE") {
        assert!(Instant::now() < deadline, "no warning names the variable:\n{}", server.stderr_text());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = server.stderr_text();
    let warning = log.lines().find(|l| l.contains("TROVE_MAX_UPLAOD_SIZE")).unwrap();
    assert!(warning.contains("WARN"), "{warning}");
    assert!(!warning.contains("TROVE_S3_REGION") && !warning.contains("TROVE_SERVICE_HOST"), "{warning}");
    assert!(!log.contains('\u{1b}'), "colour codes in a piped log:\n{log:?}");
}

#[tokio::test]
async fn an_explicit_sqlite_url_creates_its_database_in_serve_and_copy_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new").join("dir").join("trove.db");
    let mut cmd = trove_command();
    cmd.arg("serve")
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--listen")
        .arg("127.0.0.1:0")
        .env("TROVE_BOOTSTRAP_TOKEN", TOKEN)
        .env("TROVE_DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("RUST_LOG", "warn");
    let mut server = TroveProcess::start("the server", &mut cmd, Stderr::Capture).await;
    let resp = reqwest::get(format!("{}/readyz", server.base)).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(db.is_file(), "{} was not created", db.display());
    server.kill().await;

    let target = dir.path().join("copy").join("target.db");
    let out = trove_command()
        .arg("copy-data")
        .arg("--from")
        .arg(format!("sqlite://{}", db.display()))
        .arg("--to")
        .arg(format!("sqlite://{}", target.display()))
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "copy-data failed: {}", stderr(&out));
    assert!(target.is_file(), "{} was not created", target.display());
}
