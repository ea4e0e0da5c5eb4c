//! Configuration: defaults, then a TOML file, then `TROVE_*` environment variables,
//! then command-line flags. Every key is documented in `docs/configuration.md`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bytesize::ByteSize;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The top-level keys, as read from `TROVE_<KEY>` environment variables.
const KEYS: &[&str] = &[
    "listen",
    "data_dir",
    "database_url",
    "storage_url",
    "s3",
    "public_url",
    "bootstrap_token",
    "max_upload_size",
    "trash_retention",
    "session_ttl",
    "maintenance_interval",
    "allowed_risky_types",
    "inline_active_content",
    "log_format",
    "log_level",
    "shutdown_timeout",
    "header_read_timeout",
    "body_read_timeout",
    "send_timeout",
    "keep_alive_timeout",
    "max_connections",
];

/// Every setting of `trove serve`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// Directory for the embedded default: the SQLite database and the blob files.
    pub data_dir: PathBuf,
    /// Metadata database: `sqlite://…` or `postgres://…`; default `sqlite://<data_dir>/trove.db`.
    pub database_url: Option<String>,
    /// Blob storage: `file:///path` or `s3://bucket[/prefix]`; default `<data_dir>/blobs`.
    pub storage_url: Option<String>,
    /// S3 settings; each overrides the standard `AWS_*` environment variable.
    pub s3: S3Config,
    /// Base URL clients reach Trove at; makes URLs in responses absolute.
    pub public_url: Option<String>,
    /// Admin API token to create on the first start instead of a random one.
    pub bootstrap_token: Option<String>,
    /// Largest accepted upload.
    pub max_upload_size: ByteSize,
    /// How long deleted items stay in the trash.
    #[serde(with = "humantime_serde")]
    pub trash_retention: Duration,
    /// How long a web UI session lasts after logging in.
    #[serde(with = "humantime_serde")]
    pub session_ttl: Duration,
    /// How often trash purge, blob freeing and the staging sweep run.
    #[serde(with = "humantime_serde")]
    pub maintenance_interval: Duration,
    /// Risky file types to accept anyway: extensions, MIME types or risk labels.
    pub allowed_risky_types: Vec<String>,
    /// Deliver HTML, XHTML, XML and SVG inline instead of as attachments (see the risk
    /// in docs/configuration.md).
    pub inline_active_content: bool,
    /// `text` or `json`.
    pub log_format: String,
    /// Log filter, e.g. `info` or `trove=debug,info` (`RUST_LOG` overrides it).
    pub log_level: String,
    /// How long shutdown waits for in-flight requests.
    #[serde(with = "humantime_serde")]
    pub shutdown_timeout: Duration,
    /// How long a client may take to send a request's headers (and a new
    /// connection to start sending); past it, 408 and the connection is closed.
    #[serde(with = "humantime_serde")]
    pub header_read_timeout: Duration,
    /// How long a request body may make no progress; past it, 408.
    #[serde(with = "humantime_serde")]
    pub body_read_timeout: Duration,
    /// How long a response may make no progress because the client does not read it.
    #[serde(with = "humantime_serde")]
    pub send_timeout: Duration,
    /// How long a kept-alive connection may sit idle between requests.
    #[serde(with = "humantime_serde")]
    pub keep_alive_timeout: Duration,
    /// Open connections at most; more wait in the kernel's backlog.
    pub max_connections: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".to_owned(),
            data_dir: PathBuf::from("./trove-data"),
            database_url: None,
            storage_url: None,
            s3: S3Config::default(),
            public_url: None,
            bootstrap_token: None,
            max_upload_size: ByteSize::gb(10),
            trash_retention: Duration::from_secs(14 * 24 * 3600),
            session_ttl: Duration::from_secs(12 * 3600),
            maintenance_interval: Duration::from_secs(3600),
            allowed_risky_types: Vec::new(),
            inline_active_content: false,
            log_format: "text".to_owned(),
            log_level: "info".to_owned(),
            shutdown_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            send_timeout: Duration::from_secs(60),
            keep_alive_timeout: Duration::from_secs(75),
            max_connections: 4096,
        }
    }
}

/// The `[s3]` table of the configuration file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct S3Config {
    /// Endpoint of an S3-compatible server (`AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
    /// Region (`AWS_REGION`).
    pub region: Option<String>,
    /// Access key (`AWS_ACCESS_KEY_ID`).
    pub access_key_id: Option<String>,
    /// Secret key (`AWS_SECRET_ACCESS_KEY`).
    pub secret_access_key: Option<String>,
    /// Allow a plain-HTTP endpoint (`AWS_ALLOW_HTTP`).
    pub allow_http: Option<bool>,
}

impl S3Config {
    pub fn options(&self) -> trove_blob::S3Options {
        trove_blob::S3Options {
            endpoint_url: self.endpoint_url.clone(),
            region: self.region.clone(),
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            allow_http: self.allow_http,
        }
    }
}

/// Where blobs are stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Storage {
    /// A local directory, fsync'd.
    Files(PathBuf),
    /// An S3 bucket (and optional prefix): `s3://bucket[/prefix]`.
    S3(String),
}

/// Values given on the command line; they win over everything else.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
}

impl Config {
    /// Loads the configuration from the optional file, the environment and flags.
    pub fn load(file: Option<&Path>, overrides: Overrides) -> Result<Self, Box<figment::Error>> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(f) = file {
            fig = fig.merge(Toml::file_exact(f));
        }
        // Only Trove's own keys: other TROVE_* variables in the environment (test
        // settings, wrappers' variables) are not configuration and must not stop a
        // start; `trove serve` names them in a warning (see `unknown_env_vars`).
        let env = Env::prefixed("TROVE_").filter(|k| KEYS.iter().any(|key| k.as_str().eq_ignore_ascii_case(key)));
        // `TROVE_S3_REGION` and the like set single keys of the `[s3]` table.
        let s3 = Env::prefixed("TROVE_S3_")
            .filter(|k| S3_KEYS.iter().any(|key| k.as_str().eq_ignore_ascii_case(key)))
            .map(|k| format!("s3.{}", k.as_str().to_ascii_lowercase()).into());
        let config: Config =
            fig.merge(env).merge(s3).merge(Serialized::defaults(overrides)).extract().map_err(Box::new)?;
        config.validate().map_err(|m| Box::new(figment::Error::from(m)))?;
        Ok(config)
    }

    /// Checks values the types alone do not constrain.
    fn validate(&self) -> Result<(), String> {
        if self.maintenance_interval < Duration::from_secs(1) {
            return Err("maintenance_interval must be at least 1s".to_owned());
        }
        if self.log_format != "text" && self.log_format != "json" {
            return Err(format!("log_format must be \"text\" or \"json\", not {:?}", self.log_format));
        }
        if self.trash_retention > Duration::from_secs(100 * 365 * 24 * 3600) {
            return Err("trash_retention must be at most 100 years".to_owned());
        }
        if self.max_upload_size.as_u64() == 0 {
            return Err("max_upload_size must be more than 0".to_owned());
        }
        for (key, value) in [
            ("header_read_timeout", self.header_read_timeout),
            ("body_read_timeout", self.body_read_timeout),
            ("send_timeout", self.send_timeout),
            ("keep_alive_timeout", self.keep_alive_timeout),
        ] {
            if value < Duration::from_millis(10) || value > Duration::from_secs(24 * 3600) {
                return Err(format!("{key} must be between 10ms and 24h, not {value:?}"));
            }
        }
        if let Some(u) = &self.public_url {
            check_public_url(u)?;
        }
        tracing_subscriber::EnvFilter::try_new(&self.log_level)
            .map_err(|e| format!("log_level {:?} is not a valid log filter: {e}", self.log_level))?;
        if !(1..=1_000_000).contains(&self.max_connections) {
            return Err(format!("max_connections must be between 1 and 1000000, not {}", self.max_connections));
        }
        Ok(())
    }

    /// The connection limits of the server, with `max_connections` fitted to the
    /// process's open-file limit (see [`crate::serve::fit_fd_limit`]).
    pub fn limits(&self) -> crate::serve::Limits {
        crate::serve::Limits {
            timeouts: crate::conn::Timeouts {
                header_read: self.header_read_timeout,
                body_read: self.body_read_timeout,
                send: self.send_timeout,
                keep_alive: self.keep_alive_timeout,
            },
            max_connections: crate::serve::fit_fd_limit(self.max_connections),
        }
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", self.data_dir.join("trove.db").display()))
    }

    /// Where blobs live: `storage_url` if set, else `<data_dir>/blobs`.
    pub fn storage(&self) -> anyhow::Result<Storage> {
        match self.storage_url.as_deref() {
            None => Ok(Storage::Files(self.data_dir.join("blobs"))),
            Some(u) => parse_storage_url(u),
        }
    }
}

/// `public_url` must be an absolute `http` or `https` URL: it is put in front of
/// every URL in responses, and a relative or mistyped one would break all of them.
fn check_public_url(u: &str) -> Result<(), String> {
    let what = "public_url must be an absolute http(s) URL such as \"https://dam.example.com\"";
    let parsed = url::Url::parse(u).map_err(|e| format!("{what}; {u:?} is not ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("{what}; {u:?} is not"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!("{what}, without a query or fragment; {u:?} has one"));
    }
    Ok(())
}

/// The `TROVE_*` variables in the environment that Trove does not read: reported at
/// start so a misspelt setting does not pass silently. Besides the keys, known are
/// `TROVE_CONFIG`, `TROVE_S3_<key>`, and the variables Kubernetes injects for a
/// service named `trove` (`TROVE_PORT…`, `TROVE_SERVICE_…`).
pub fn unknown_env_vars() -> Vec<String> {
    let mut unknown: Vec<String> = std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| k.starts_with("TROVE_") && !is_known_env(&k["TROVE_".len()..]))
        .collect();
    unknown.sort();
    unknown
}

fn is_known_env(rest: &str) -> bool {
    let lower = rest.to_ascii_lowercase();
    KEYS.contains(&lower.as_str())
        || lower == "config"
        || lower.strip_prefix("s3_").is_some_and(|k| S3_KEYS.contains(&k))
        || lower == "port"
        || lower.starts_with("port_")
        || lower.starts_with("service_")
}

/// The keys of the `[s3]` table, also read from `TROVE_S3_<KEY>`.
const S3_KEYS: &[&str] = &["endpoint_url", "region", "access_key_id", "secret_access_key", "allow_http"];

/// Parses `file:///path` or `s3://bucket[/prefix]`.
pub fn parse_storage_url(url: &str) -> anyhow::Result<Storage> {
    if let Some(path) = url.strip_prefix("file://") {
        anyhow::ensure!(
            path.starts_with('/'),
            "a file storage URL needs an absolute path: file:///var/lib/trove/blobs"
        );
        return Ok(Storage::Files(PathBuf::from(path)));
    }
    if url.starts_with("s3://") {
        trove_blob::parse_s3_url(url).map_err(|e| anyhow::anyhow!(e.message))?;
        return Ok(Storage::S3(url.to_owned()));
    }
    anyhow::bail!("unsupported storage URL {url:?}: use file:///path or s3://bucket[/prefix]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trove.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\nmax_upload_size = \"5 MB\"\ntrash_retention = \"2d\"\nallowed_risky_types = [\"js\"]\n",
        )
        .unwrap();
        let c = Config::load(Some(&path), Overrides { listen: Some("127.0.0.1:1".into()), data_dir: None }).unwrap();
        assert_eq!(c.listen, "127.0.0.1:1");
        assert_eq!(c.max_upload_size, ByteSize::mb(5));
        assert_eq!(c.trash_retention, Duration::from_secs(2 * 24 * 3600));
        assert_eq!(c.allowed_risky_types, vec!["js".to_string()]);
    }

    #[test]
    fn storage_urls() {
        assert_eq!(parse_storage_url("file:///srv/blobs").unwrap(), Storage::Files("/srv/blobs".into()));
        assert_eq!(parse_storage_url("s3://bucket/p").unwrap(), Storage::S3("s3://bucket/p".into()));
        assert!(parse_storage_url("file://relative").is_err());
        assert!(parse_storage_url("gs://x").is_err());
        let c = Config::default();
        assert_eq!(c.storage().unwrap(), Storage::Files(PathBuf::from("./trove-data/blobs")));
    }

    #[test]
    fn env_keys_match_the_struct() {
        let value = serde_json::to_value(Config::default()).unwrap();
        let mut fields: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        fields.sort_unstable();
        let mut keys = KEYS.to_vec();
        keys.sort_unstable();
        assert_eq!(fields, keys);
    }

    #[test]
    fn bad_values_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trove.toml");
        for bad in [
            "maintenance_interval = \"0s\"",
            "log_format = \"xml\"",
            "max_upload_size = 0",
            "trash_retention = \"100000years\"",
            "header_read_timeout = \"0s\"",
            "body_read_timeout = \"1ms\"",
            "send_timeout = \"400d\"",
            "keep_alive_timeout = \"0s\"",
            "max_connections = 0",
            "max_connections = 99999999",
        ] {
            std::fs::write(&path, bad).unwrap();
            assert!(Config::load(Some(&path), Overrides::default()).is_err(), "{bad}");
        }
    }

    #[test]
    fn public_url_must_be_absolute_http() {
        for bad in ["dam.example.com", "/trove", "ftp://x.example", "https://", "http://x.example/?a=1", "not a url"] {
            let c = Config { public_url: Some(bad.into()), ..Config::default() };
            let err = c.validate().expect_err(bad);
            assert!(err.contains("absolute http(s) URL"), "{bad}: {err}");
        }
        for good in ["https://dam.example.com", "http://127.0.0.1:8080/", "https://x.example/dam"] {
            let c = Config { public_url: Some(good.into()), ..Config::default() };
            assert!(c.validate().is_ok(), "{good}");
        }
    }

    #[test]
    fn a_bad_log_filter_is_refused() {
        let c = Config { log_level: "trove=loud".into(), ..Config::default() };
        assert!(c.validate().expect_err("bad filter").contains("log_level"));
    }

    #[test]
    fn known_environment_variables() {
        for known in ["LISTEN", "CONFIG", "S3_REGION", "s3_allow_http", "PORT", "PORT_8080_TCP_ADDR", "SERVICE_HOST"] {
            assert!(is_known_env(known), "{known}");
        }
        for unknown in ["LISTN", "S3_BUCKET", "MAX_CONNECTION", "S3"] {
            assert_eq!(is_known_env(unknown), unknown == "S3", "{unknown}");
        }
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's own closure type
    fn trove_s3_variables_set_the_s3_table() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("TROVE_S3_ENDPOINT_URL", "http://127.0.0.1:9000");
            jail.set_env("TROVE_S3_REGION", "eu-west-1");
            jail.set_env("TROVE_S3_ALLOW_HTTP", "true");
            jail.set_env("TROVE_SOMETHING_ELSE", "ignored");
            let c = Config::load(None, Overrides::default()).expect("loads");
            assert_eq!(c.s3.endpoint_url.as_deref(), Some("http://127.0.0.1:9000"));
            assert_eq!(c.s3.region.as_deref(), Some("eu-west-1"));
            assert_eq!(c.s3.allow_http, Some(true));
            let unknown = unknown_env_vars();
            assert!(unknown.contains(&"TROVE_SOMETHING_ELSE".to_string()), "{unknown:?}");
            assert!(!unknown.iter().any(|k| k.starts_with("TROVE_S3_")), "{unknown:?}");
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trove.toml");
        std::fs::write(&path, "lisen = \"x\"\n").unwrap();
        assert!(Config::load(Some(&path), Overrides::default()).is_err());
    }
}
