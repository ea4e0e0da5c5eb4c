//! An S3-compatible server inside the test process (s3s-fs over a temporary
//! directory), so blob-store and HTTP tests run against real S3 requests — signed,
//! multipart, ranged — with no outside process. Compiled only with the
//! `s3-test-server` feature.

use std::path::PathBuf;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::S3Options;

pub const ACCESS_KEY: &str = "trove-test-access";
pub const SECRET_KEY: &str = "trove-test-secret-key";

/// A running S3 test server with one empty bucket. Stops when dropped.
pub struct S3TestServer {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    pub bucket: String,
    dir: tempfile::TempDir,
    task: JoinHandle<()>,
}

impl S3TestServer {
    /// Starts a server on a free loopback port with a bucket named `bucket`.
    pub async fn start(bucket: &str) -> std::io::Result<S3TestServer> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir_all(dir.path().join(bucket))?;
        let fs = s3s_fs::FileSystem::new(dir.path()).map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(sock), service).await;
                });
            }
        });
        Ok(S3TestServer { endpoint, bucket: bucket.to_owned(), dir, task })
    }

    /// Options that reach this server.
    pub fn options(&self) -> S3Options {
        S3Options {
            endpoint_url: Some(self.endpoint.clone()),
            region: Some("us-east-1".to_owned()),
            access_key_id: Some(ACCESS_KEY.to_owned()),
            secret_access_key: Some(SECRET_KEY.to_owned()),
            allow_http: Some(true),
        }
    }

    /// `s3://<bucket>`.
    pub fn url(&self) -> String {
        format!("s3://{}", self.bucket)
    }

    /// The directory holding the bucket's objects as plain files.
    pub fn bucket_dir(&self) -> PathBuf {
        self.dir.path().join(&self.bucket)
    }
}

impl Drop for S3TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
