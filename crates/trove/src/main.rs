//! `trove`: the Trove digital asset management server.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;
use trove::Server;
use trove::config::{Config, Overrides};

#[derive(Parser)]
#[command(name = "trove", version, about = "Trove: open-source digital asset management")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API (SQLite + local files under --data-dir by default).
    Serve {
        /// TOML configuration file.
        #[arg(long, env = "TROVE_CONFIG")]
        config: Option<PathBuf>,
        /// Address to listen on [default: 127.0.0.1:8080; env TROVE_LISTEN].
        #[arg(long)]
        listen: Option<String>,
        /// Data directory [default: ./trove-data; env TROVE_DATA_DIR].
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Copy all metadata from one database to another (e.g. SQLite to PostgreSQL),
    /// then verify every table. Stop the servers writing to the source first.
    CopyData {
        /// Source database URL (sqlite://… or postgres://…).
        #[arg(long)]
        from: String,
        /// Target database URL; its schema is created if missing.
        #[arg(long)]
        to: String,
        /// Continue an interrupted copy into a non-empty target (rows already there are kept).
        #[arg(long)]
        resume: bool,
    },
    /// Copy all stored files from one storage to another (file:///path or
    /// s3://bucket[/prefix]), checking every object's checksum.
    CopyBlobs {
        /// Source storage URL.
        #[arg(long)]
        from: String,
        /// Target storage URL.
        #[arg(long)]
        to: String,
        /// Configuration file whose [s3] table to use (else the AWS_* variables).
        #[arg(long, env = "TROVE_CONFIG")]
        config: Option<PathBuf>,
        /// Continue an interrupted copy into a non-empty target (objects already there are kept).
        #[arg(long)]
        resume: bool,
        /// Skip re-reading every copied object from the target at the end.
        #[arg(long)]
        no_verify: bool,
    },
    /// Administer users from the server's machine, with the server's
    /// configuration: the way back in when the only token is lost.
    Admin {
        /// TOML configuration file (the server's).
        #[arg(long, env = "TROVE_CONFIG", global = true)]
        config: Option<PathBuf>,
        /// Data directory (the server's) [default: ./trove-data; env TROVE_DATA_DIR].
        #[arg(long, global = true)]
        data_dir: Option<PathBuf>,
        #[command(subcommand)]
        action: AdminAction,
    },
}

#[derive(Debug, Subcommand)]
enum AdminAction {
    /// Create a user; prints a one-time set-up link's secret.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Organization role: product_admin, asset_type_manager, member or a custom role's UID.
        #[arg(long, default_value = "product_admin")]
        role: String,
    },
    /// Let a user choose a new password: prints a one-time set-up link's secret
    /// (and enables the account if it was disabled).
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// Issue a new API token of a user (an administrator's, to get back in).
    IssueToken {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "issued by trove admin")]
        name: String,
    },
}

/// Logs to stderr with the configured filter (`RUST_LOG` wins when set). A filter
/// that does not parse stops the start: a typo must not silently hide the logs.
/// Colours only when stderr is a terminal, so files and log collectors get plain text.
fn init_logging(config: &Config) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.is_empty() => EnvFilter::try_new(&spec)
            .map_err(|e| anyhow::anyhow!("RUST_LOG {spec:?} is not a valid log filter: {e}"))?,
        _ => EnvFilter::try_new(&config.log_level)
            .map_err(|e| anyhow::anyhow!("log_level {:?} is not a valid log filter: {e}", config.log_level))?,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
    Ok(())
}

async fn shutdown_signal(tx: watch::Sender<bool>) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                let _ = ctrl_c.await;
                let _ = tx.send(true);
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down: finishing in-flight requests");
    let _ = tx.send(true);
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { config, listen, data_dir } => {
            let config = Config::load(config.as_deref(), Overrides { listen, data_dir })?;
            init_logging(&config)?;
            let unknown = trove::config::unknown_env_vars();
            if !unknown.is_empty() {
                tracing::warn!(
                    variables = %unknown.join(", "),
                    "ignoring unknown TROVE_* environment variables (misspelt settings?); see docs/configuration.md"
                );
            }
            let server = Server::bind(config).await?;
            if let Some(first) = &server.bootstrap {
                let token = &first.token;
                println!(
                    "Trove is set up. The administrator is {} (shown only this once; keep it safe):",
                    first.admin_email
                );
                println!("  API token: {token}");
                println!("  Use it as: Authorization: Bearer {token}");
                println!("  Or choose a password within 7 days: POST /api/session/setup with");
                println!("    {{\"setup_token\": \"{}\", \"password\": \"…\"}}", first.setup_secret);
            }
            println!("trove listening on http://{}", server.addr);
            let (tx, rx) = watch::channel(false);
            tokio::spawn(shutdown_signal(tx));
            server.run(rx).await
        }
        Command::Admin { config, data_dir, action } => {
            let config = Config::load(config.as_deref(), Overrides { listen: None, data_dir })?;
            let (app, store) = trove::open_deployment(&config).await?;
            let outcome = match action {
                AdminAction::CreateUser { email, name, role } => {
                    app.operator_create_user(&email, &name, &role).await.map(|(u, s)| (u, "set-up token", s))
                }
                AdminAction::ResetPassword { email } => {
                    app.operator_reset(&email).await.map(|(u, s)| (u, "set-up token", s))
                }
                AdminAction::IssueToken { email, name } => {
                    app.operator_token(&email, &name).await.map(|(u, s)| (u, "API token", s))
                }
            };
            store.close().await;
            let (user, what, secret) = outcome.map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))?;
            println!("{} ({}): {what} (shown only this once):", user.email, user.uid);
            println!("  {secret}");
            if what == "set-up token" {
                println!("  Choose a password within 7 days: POST /api/session/setup with");
                println!("    {{\"setup_token\": \"{secret}\", \"password\": \"…\"}}");
            }
            Ok(())
        }
        Command::CopyData { from, to, resume } => trove::copy::copy_data(&from, &to, resume).await,
        Command::CopyBlobs { from, to, config, resume, no_verify } => {
            trove::copy::copy_blobs(&from, &to, config.as_deref(), resume, !no_verify).await
        }
    }
}
