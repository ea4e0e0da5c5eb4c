//! The `trove` binary under test, run as a child process.

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// What `trove serve` prints on stdout once it accepts connections, before its address.
const LISTENING: &str = "trove listening on http://";
/// What `trove serve` prints on stdout when this start created the organization.
const SET_UP: &str = "Trove is set up";
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A command for the binary under test, without the inherited `TROVE_*` variables (a
/// developer's own settings must not leak into a test).
pub fn trove_command() -> Command {
    trove_command_without(|_| false)
}

/// [`trove_command`], also without the inherited variables whose names match `also`.
pub fn trove_command_without(also: impl Fn(&str) -> bool) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trove"));
    for (k, _) in std::env::vars_os() {
        let key = k.to_string_lossy();
        if key.starts_with("TROVE_") || also(&key) {
            cmd.env_remove(&k);
        }
    }
    cmd
}

/// `trove serve` on `data_dir` with everything embedded, listening on a free loopback
/// port, with `token` as the bootstrap token; stderr is inherited.
pub async fn serve(data_dir: &Path, token: &str) -> TroveProcess {
    let mut cmd = trove_command();
    cmd.arg("serve")
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--listen")
        .arg("127.0.0.1:0")
        .env("TROVE_BOOTSTRAP_TOKEN", token)
        .env("RUST_LOG", "warn");
    TroveProcess::start("the server", &mut cmd, Stderr::Inherit).await
}

/// Stderr lines, each with the moment it was read.
pub type Log = Arc<Mutex<Vec<(Instant, String)>>>;

/// Where a process's stderr goes.
pub enum Stderr {
    Inherit,
    /// Into the process's [`Log`] (its tail is printed when a test panics).
    Capture,
}

/// A running `trove serve`; SIGKILLed when dropped (also on panic).
pub struct TroveProcess {
    name: String,
    child: Child,
    /// `http://<address it listens on>`.
    pub base: String,
    /// Whether this start created the organization (printed the admin token).
    pub bootstrapped: bool,
    /// Captured stderr (empty when it is inherited).
    log: Log,
}

impl TroveProcess {
    /// Spawns `cmd` and waits until it prints the address it listens on; panics when it
    /// exits first or takes longer than 60 s. `name` names the process in messages.
    pub async fn start(name: &str, cmd: &mut Command, stderr: Stderr) -> TroveProcess {
        let capture = matches!(stderr, Stderr::Capture);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if capture { Stdio::piped() } else { Stdio::inherit() })
            .kill_on_drop(true);
        let mut child = cmd.spawn().expect("spawning the trove binary");
        let log: Log = Arc::default();
        if capture {
            let stderr = child.stderr.take().expect("piped stderr");
            let sink = log.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stderr).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    sink.lock().unwrap().push((Instant::now(), line));
                }
            });
        }
        let stdout = child.stdout.take().expect("piped stdout");
        let mut process = TroveProcess { name: name.to_owned(), child, base: String::new(), bootstrapped: false, log };
        let mut lines = BufReader::new(stdout).lines();
        let started = tokio::time::timeout(START_TIMEOUT, async {
            let mut bootstrapped = false;
            while let Ok(Some(line)) = lines.next_line().await {
                if line.starts_with(SET_UP) {
                    bootstrapped = true;
                }
                if let Some(addr) = line.strip_prefix(LISTENING) {
                    return Some((addr.trim().to_owned(), bootstrapped));
                }
            }
            None
        })
        .await;
        match started {
            Ok(Some((addr, bootstrapped))) => {
                process.base = format!("http://{addr}");
                process.bootstrapped = bootstrapped;
            }
            Ok(None) => {
                // Give the stderr reader a moment to collect the last words.
                tokio::time::sleep(Duration::from_millis(200)).await;
                panic!("{name} exited before it printed its address{}", process.stderr_note());
            }
            Err(_) => panic!("{name} did not start within {START_TIMEOUT:?}{}", process.stderr_note()),
        }
        // Keep draining stdout so the process never blocks on (or dies of) a closed pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        process
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("the process is running")
    }

    /// SIGKILL (on Unix `Child::kill` sends SIGKILL) and reap.
    pub async fn kill(&mut self) {
        self.child.kill().await.unwrap_or_else(|e| panic!("killing {}: {e}", self.name));
    }

    /// Everything captured on stderr so far.
    pub fn stderr_text(&self) -> String {
        self.log.lock().unwrap().iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\n")
    }

    fn stderr_note(&self) -> String {
        if self.log.lock().unwrap().is_empty() { String::new() } else { format!("; stderr:\n{}", self.stderr_text()) }
    }

    /// Captured stderr lines containing `needle` that were read within `[from, to]`.
    pub fn lines_between(&self, needle: &str, from: Instant, to: Instant) -> usize {
        self.log.lock().unwrap().iter().filter(|(at, l)| *at >= from && *at <= to && l.contains(needle)).count()
    }

    /// Captured lines logged at ERROR level (JSON or text format).
    pub fn error_lines(&self) -> Vec<String> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|(_, l)| l.contains("\"level\":\"ERROR\"") || l.contains(" ERROR "))
            .map(|(_, l)| l.clone())
            .collect()
    }
}

impl Drop for TroveProcess {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        if std::thread::panicking() {
            let log = self.log.lock().unwrap();
            if !log.is_empty() {
                let tail: Vec<&str> = log.iter().rev().take(40).map(|(_, l)| l.as_str()).collect();
                eprintln!("--- last stderr lines of {} ---", self.name);
                for line in tail.into_iter().rev() {
                    eprintln!("{line}");
                }
            }
        }
    }
}
