//! Runs the in-process S3 test server as a standalone process, for benchmarks and
//! manual trials of Trove on S3 without an outside S3 server:
//!
//! ```sh
//! cargo run --release -p trove-blob --features s3-test-server --example s3_test_server -- BUCKET
//! ```
//!
//! It prints the endpoint and credentials as `AWS_*` assignments, then serves until
//! interrupted. Objects live in a temporary directory that is removed on exit.

use trove_blob::testing::S3TestServer;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bucket = std::env::args().nth(1).unwrap_or_else(|| "trove".to_owned());
    let server = S3TestServer::start(&bucket).await?;
    let o = server.options();
    println!("AWS_ENDPOINT_URL={}", server.endpoint);
    println!("AWS_REGION={}", o.region.unwrap_or_default());
    println!("AWS_ACCESS_KEY_ID={}", o.access_key_id.unwrap_or_default());
    println!("AWS_SECRET_ACCESS_KEY={}", o.secret_access_key.unwrap_or_default());
    println!("AWS_ALLOW_HTTP=true");
    println!("BUCKET_DIR={}", server.bucket_dir().display());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
