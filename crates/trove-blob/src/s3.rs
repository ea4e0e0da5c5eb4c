//! S3-compatible storage (AWS S3, MinIO, Garage, Ceph RGW, …) through object_store.

use std::sync::Arc;

use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::prefix::PrefixStore;
use trove_domain::{Error, Result};

use crate::ObjectBlobStore;

/// S3 settings from Trove's configuration file. Each one overrides the standard
/// `AWS_*` environment variable of the same meaning, which are read first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct S3Options {
    /// `AWS_ENDPOINT_URL`: the server, for anything but AWS itself.
    pub endpoint_url: Option<String>,
    /// `AWS_REGION`.
    pub region: Option<String>,
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: Option<String>,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: Option<String>,
    /// `AWS_ALLOW_HTTP`: permit a plain-HTTP endpoint (local test servers).
    pub allow_http: Option<bool>,
}

/// Splits `s3://bucket[/prefix]` into the bucket and an optional key prefix.
pub fn parse_s3_url(url: &str) -> Result<(String, Option<String>)> {
    let rest = url.strip_prefix("s3://").ok_or_else(|| {
        Error::bad_request("invalid_storage_url", "an S3 storage URL looks like s3://bucket[/prefix]")
    })?;
    let (bucket, prefix) = match rest.split_once('/') {
        Some((b, p)) => (b, Some(p.trim_matches('/')).filter(|p| !p.is_empty())),
        None => (rest, None),
    };
    if bucket.is_empty() {
        return Err(Error::bad_request("invalid_storage_url", "the S3 storage URL names no bucket"));
    }
    Ok((bucket.to_owned(), prefix.map(str::to_owned)))
}

impl ObjectBlobStore {
    /// A blob store in the bucket (and optional prefix) of `url`, configured from the
    /// standard `AWS_*` environment variables overridden by `options`. Requests use
    /// path-style addressing unless the endpoint is AWS itself, which suits
    /// self-hosted S3 servers.
    pub fn s3(url: &str, options: &S3Options) -> Result<Self> {
        let (bucket, prefix) = parse_s3_url(url)?;
        let mut b = AmazonS3Builder::from_env().with_bucket_name(&bucket);
        if let Some(v) = &options.endpoint_url {
            b = b.with_endpoint(v);
        }
        if let Some(v) = &options.region {
            b = b.with_region(v);
        }
        if let Some(v) = &options.access_key_id {
            b = b.with_access_key_id(v);
        }
        if let Some(v) = &options.secret_access_key {
            b = b.with_secret_access_key(v);
        }
        if let Some(v) = options.allow_http {
            b = b.with_allow_http(v);
        }
        let store = b.build().map_err(|e| Error::bad_request("invalid_storage_config", format!("S3 storage: {e}")))?;
        let store: Arc<dyn ObjectStore> = match prefix {
            Some(p) => Arc::new(PrefixStore::new(store, p.as_str())),
            None => Arc::new(store),
        };
        Ok(ObjectBlobStore::new(store))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_s3_url;

    #[test]
    fn s3_urls() {
        assert_eq!(parse_s3_url("s3://b").ok(), Some(("b".into(), None)));
        assert_eq!(parse_s3_url("s3://b/trove/prod/").ok(), Some(("b".into(), Some("trove/prod".into()))));
        assert!(parse_s3_url("s3:///x").is_err());
        assert!(parse_s3_url("file:///x").is_err());
    }
}
