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
    "maintenance_interval",
    "allowed_risky_types",
    "inline_active_content",
    "log_format",
    "log_level",
    "shutdown_timeout",
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
            maintenance_interval: Duration::from_secs(3600),
            allowed_risky_types: Vec::new(),
            inline_active_content: false,
            log_format: "text".to_owned(),
            log_level: "info".to_owned(),
            shutdown_timeout: Duration::from_secs(30),
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
        // settings, wrappers' variables) are not configuration and must not stop a start.
        let env = Env::prefixed("TROVE_").filter(|k| KEYS.iter().any(|key| k.as_str().eq_ignore_ascii_case(key)));
        let config: Config = fig.merge(env).merge(Serialized::defaults(overrides)).extract().map_err(Box::new)?;
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
        Ok(())
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
        ] {
            std::fs::write(&path, bad).unwrap();
            assert!(Config::load(Some(&path), Overrides::default()).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trove.toml");
        std::fs::write(&path, "lisen = \"x\"\n").unwrap();
        assert!(Config::load(Some(&path), Overrides::default()).is_err());
    }
}
