//! One behavioural suite for the `BlobStore` port, run against every backend, so the
//! backends cannot drift apart: local filesystem, object_store in memory, and
//! object_store over a local directory.

use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use object_store::local::LocalFileSystem;
use tempfile::TempDir;
use trove_app::ports::{BlobStore, ByteStream};
use trove_blob::{FsBlobStore, ObjectBlobStore};
use trove_domain::{Error, ErrorKind, model::Timestamp};

const CHUNK: usize = 64 * 1024;

/// A backend under test, with the temporary directory that must outlive it.
struct Backend {
    store: Arc<dyn BlobStore>,
    _dir: Option<TempDir>,
    _s3: Option<trove_blob::testing::S3TestServer>,
}

async fn fs_backend() -> Backend {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = FsBlobStore::open(dir.path().to_path_buf()).expect("open fs store");
    Backend { store: Arc::new(store), _dir: Some(dir), _s3: None }
}

async fn memory_backend() -> Backend {
    Backend { store: Arc::new(ObjectBlobStore::in_memory()), _dir: None, _s3: None }
}

async fn local_object_backend() -> Backend {
    let dir = tempfile::tempdir().expect("tempdir");
    let local = LocalFileSystem::new_with_prefix(dir.path()).expect("local object store");
    Backend { store: Arc::new(ObjectBlobStore::new(Arc::new(local))), _dir: Some(dir), _s3: None }
}

/// Real S3 requests (signed, multipart, ranged) against an in-process S3 server.
async fn s3_backend() -> Backend {
    let server = trove_blob::testing::S3TestServer::start("conformance").await.expect("S3 test server");
    let store = ObjectBlobStore::s3(&format!("{}/some/prefix", server.url()), &server.options()).expect("S3 store");
    Backend { store: Arc::new(store), _dir: None, _s3: Some(server) }
}

/// Deterministic pseudo-random bytes (xorshift), different for each seed.
fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Splits `data` into a stream of `CHUNK`-sized pieces, like an HTTP body.
fn chunked(data: &[u8]) -> ByteStream {
    let chunks: Vec<Result<Bytes, Error>> = data.chunks(CHUNK).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    stream::iter(chunks).boxed()
}

fn key(n: u128) -> String {
    format!("blobs/ab/cd/{n:064x}")
}

fn hour_from_now() -> Timestamp {
    Timestamp::from(SystemTime::now() + Duration::from_secs(3600))
}

fn hour_ago() -> Timestamp {
    Timestamp::from(SystemTime::now() - Duration::from_secs(3600))
}

async fn collect(stream: ByteStream) -> Result<Vec<u8>, Error> {
    stream
        .try_fold(Vec::new(), |mut acc, chunk| async move {
            acc.extend_from_slice(&chunk);
            Ok(acc)
        })
        .await
}

async fn read_all(store: &dyn BlobStore, key: &str, range: Option<Range<u64>>) -> Vec<u8> {
    let stream = store.read(key, range).await.expect("read");
    collect(stream).await.expect("read stream")
}

async fn put(store: &dyn BlobStore, key: &str, data: &[u8]) {
    let staged = store.stage(chunked(data)).await.expect("stage");
    assert_eq!(staged.size, data.len() as u64);
    store.promote(&staged, key).await.expect("promote");
}

async fn read_error(store: &dyn BlobStore, key: &str, range: Option<Range<u64>>) -> Error {
    match store.read(key, range).await {
        Ok(stream) => match collect(stream).await {
            Ok(bytes) => panic!("expected an error, read {} bytes", bytes.len()),
            Err(e) => e,
        },
        Err(e) => e,
    }
}

async fn ping_succeeds(store: &dyn BlobStore) {
    store.ping().await.expect("ping");
}

async fn large_multi_chunk_round_trip(store: &dyn BlobStore) {
    let data = pseudo_random(20 * 1024 * 1024, 1);
    let staged = store.stage(chunked(&data)).await.expect("stage");
    assert_eq!(staged.size, data.len() as u64);
    assert!(!store.exists(&key(1)).await.expect("exists"));
    store.promote(&staged, &key(1)).await.expect("promote");
    assert!(store.exists(&key(1)).await.expect("exists"));
    let read = read_all(store, &key(1), None).await;
    assert_eq!(read.len(), data.len());
    assert!(read == data, "bytes read back differ from bytes written");
}

async fn ranged_reads_return_exact_bytes(store: &dyn BlobStore) {
    let data = pseudo_random(1024 * 1024 + 123, 2);
    put(store, &key(2), &data).await;
    let len = data.len() as u64;
    for range in [0..100, 500_000..700_001, len - 1000..len, 7..8, 0..len] {
        let read = read_all(store, &key(2), Some(range.clone())).await;
        let expected = &data[range.start as usize..range.end as usize];
        assert!(read == expected, "range {range:?} returned wrong bytes");
    }
    assert!(read_all(store, &key(2), Some(10..10)).await.is_empty());
}

async fn unsatisfiable_ranges_are_refused(store: &dyn BlobStore) {
    let data = pseudo_random(1000, 3);
    put(store, &key(3), &data).await;
    for range in [990..1001, 1000..1010, 5000..6000] {
        let err = read_error(store, &key(3), Some(range.clone())).await;
        assert_eq!(err.kind, ErrorKind::RangeNotSatisfiable, "range {range:?}");
        assert_eq!(err.code, "range_not_satisfiable");
    }
}

async fn missing_key_is_not_found(store: &dyn BlobStore) {
    for range in [None, Some(0..10)] {
        let err = read_error(store, &key(404), range).await;
        assert_eq!(err.kind, ErrorKind::NotFound);
        assert_eq!(err.code, "blob_not_found");
    }
    assert!(!store.exists(&key(404)).await.expect("exists"));
}

async fn stream_error_is_returned_as_is(store: &dyn BlobStore) {
    // Crosses a multipart part boundary (8 MiB) before failing.
    let data = pseudo_random(9 * 1024 * 1024, 4);
    let failing = chunked(&data)
        .chain(stream::once(async {
            Err(Error::new(ErrorKind::PayloadTooLarge, "payload_too_large", "the body exceeds 9 MiB"))
        }))
        .chain(chunked(&data[..CHUNK]))
        .boxed();
    let err = store.stage(failing).await.expect_err("stage must fail");
    assert_eq!(err.kind, ErrorKind::PayloadTooLarge);
    assert_eq!(err.code, "payload_too_large");
    assert_eq!(err.message, "the body exceeds 9 MiB");
    assert_eq!(store.sweep_staging(hour_from_now()).await.expect("sweep"), 0);
}

async fn discard_removes_staged_object(store: &dyn BlobStore) {
    let staged = store.stage(chunked(b"discard me")).await.expect("stage");
    store.discard(&staged).await.expect("discard");
    store.discard(&staged).await.expect("second discard is a no-op");
    assert!(store.promote(&staged, &key(5)).await.is_err());
    assert!(!store.exists(&key(5)).await.expect("exists"));
    assert_eq!(store.sweep_staging(hour_from_now()).await.expect("sweep"), 0);
}

async fn promote_over_existing_key(store: &dyn BlobStore) {
    let data = pseudo_random(300_000, 6);
    put(store, &key(6), &data).await;
    put(store, &key(6), &data).await;
    assert!(read_all(store, &key(6), None).await == data);
    assert_eq!(store.sweep_staging(hour_from_now()).await.expect("sweep"), 0);
}

async fn exists_and_delete(store: &dyn BlobStore) {
    assert!(!store.exists(&key(7)).await.expect("exists"));
    put(store, &key(7), b"short lived").await;
    put(store, &key(8), b"neighbour").await;
    assert!(store.exists(&key(7)).await.expect("exists"));
    store.delete(&key(7)).await.expect("delete");
    assert!(!store.exists(&key(7)).await.expect("exists"));
    assert_eq!(read_error(store, &key(7), None).await.kind, ErrorKind::NotFound);
    store.delete(&key(7)).await.expect("deleting a missing key is ok");
    store.delete(&key(999)).await.expect("deleting a missing key is ok");
    assert_eq!(read_all(store, &key(8), None).await, b"neighbour");
}

async fn sweep_removes_only_old_staged_objects(store: &dyn BlobStore) {
    put(store, &key(9), b"promoted").await;
    let left_a = store.stage(chunked(b"left behind a")).await.expect("stage");
    let left_b = store.stage(chunked(b"left behind b")).await.expect("stage");
    assert_eq!(store.sweep_staging(hour_ago()).await.expect("sweep"), 0);
    assert_eq!(store.sweep_staging(hour_from_now()).await.expect("sweep"), 2);
    assert_eq!(store.sweep_staging(hour_from_now()).await.expect("sweep"), 0);
    assert!(store.promote(&left_a, &key(10)).await.is_err());
    assert!(store.promote(&left_b, &key(10)).await.is_err());
    assert_eq!(read_all(store, &key(9), None).await, b"promoted");
}

async fn empty_blob_round_trips(store: &dyn BlobStore) {
    let staged = store.stage(stream::empty().boxed()).await.expect("stage");
    assert_eq!(staged.size, 0);
    store.promote(&staged, &key(11)).await.expect("promote");
    assert!(store.exists(&key(11)).await.expect("exists"));
    assert!(read_all(store, &key(11), None).await.is_empty());
    assert!(read_all(store, &key(11), Some(0..0)).await.is_empty());
    let err = read_error(store, &key(11), Some(0..1)).await;
    assert_eq!(err.kind, ErrorKind::RangeNotSatisfiable);
}

async fn staged_ids_are_unique(store: &dyn BlobStore) {
    let a = store.stage(chunked(b"same")).await.expect("stage");
    let b = store.stage(chunked(b"same")).await.expect("stage");
    assert_ne!(a.id, b.id);
    store.discard(&a).await.expect("discard");
    store.discard(&b).await.expect("discard");
}

/// Generates one `#[tokio::test]` per conformance check for a backend constructor.
/// Listing shows complete objects under a prefix with their sizes, never staging.
async fn list_shows_final_objects_only(store: &dyn BlobStore) {
    use futures::TryStreamExt;
    for (key, len) in [("blobs/aa/bb/one", 3usize), ("blobs/aa/cc/two", 0), ("other/x", 5)] {
        let staged = store.stage(chunked(&vec![7u8; len])).await.expect("stage");
        store.promote(&staged, key).await.expect("promote");
    }
    let _pending = store.stage(chunked(&[1u8; 4])).await.expect("stage");
    let mut listed: Vec<(String, u64)> =
        store.list("blobs").await.expect("list").map_ok(|e| (e.key, e.size)).try_collect().await.expect("entries");
    listed.sort();
    assert_eq!(listed, vec![("blobs/aa/bb/one".to_string(), 3), ("blobs/aa/cc/two".to_string(), 0)]);
    let empty: Vec<_> = store.list("nothing").await.expect("list").try_collect().await.expect("entries");
    assert!(empty.is_empty());
}

macro_rules! conformance {
    ($module:ident, $backend:path) => {
        mod $module {
            use super::*;

            conformance!(@tests $backend;
                ping_succeeds,
                large_multi_chunk_round_trip,
                ranged_reads_return_exact_bytes,
                unsatisfiable_ranges_are_refused,
                missing_key_is_not_found,
                stream_error_is_returned_as_is,
                discard_removes_staged_object,
                promote_over_existing_key,
                exists_and_delete,
                sweep_removes_only_old_staged_objects,
                empty_blob_round_trips,
                staged_ids_are_unique,
                list_shows_final_objects_only,
            );
        }
    };
    (@tests $backend:path; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $check() {
                let backend = $backend().await;
                super::$check(backend.store.as_ref()).await;
            }
        )*
    };
}

conformance!(fs_store, fs_backend);
conformance!(memory_object_store, memory_backend);
conformance!(local_object_store, local_object_backend);
conformance!(s3_object_store, s3_backend);

/// Promotion above S3's single-copy limit streams the object into a multipart upload.
#[tokio::test]
async fn s3_promotes_large_objects_by_streaming() {
    let server = trove_blob::testing::S3TestServer::start("large").await.expect("S3 test server");
    let store = ObjectBlobStore::s3(&server.url(), &server.options()).expect("S3 store").with_single_copy_limit(1024);
    let data = pseudo_random(20 * 1024 * 1024 + 17, 99);
    let staged = store.stage(chunked(&data)).await.expect("stage");
    store.promote(&staged, &key(7)).await.expect("promote");
    let mut back = Vec::new();
    let mut stream = store.read(&key(7), None).await.expect("read");
    while let Some(chunk) = stream.next().await {
        back.extend_from_slice(&chunk.expect("chunk"));
    }
    assert_eq!(back, data);
    assert_eq!(store.sweep_staging(hour_from_now()).await.expect("sweep"), 0, "the staged copy is gone");
}

#[tokio::test]
async fn fs_refuses_invalid_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = FsBlobStore::open(dir.path().to_path_buf()).expect("open");
    let staged = store.stage(chunked(b"x")).await.expect("stage");
    for bad in ["", "/etc/passwd", "../escape", "blobs//x", "blobs/./x", "a/b c", "a/"] {
        let internal = |r: Result<(), Error>| r.expect_err(bad).kind == ErrorKind::Internal;
        assert!(store.object_path(bad).is_err(), "{bad:?}");
        assert!(internal(store.exists(bad).await.map(|_| ())), "{bad:?}");
        assert!(internal(store.read(bad, None).await.map(|_| ())), "{bad:?}");
        assert!(internal(store.delete(bad).await), "{bad:?}");
        assert!(internal(store.promote(&staged, bad).await), "{bad:?}");
    }
    // The staged object survived all the refused promotions.
    store.promote(&staged, &key(1)).await.expect("promote");
    assert!(!dir.path().join("escape").exists());
}

#[tokio::test]
async fn fs_files_appear_and_disappear_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = FsBlobStore::open(dir.path().to_path_buf()).expect("open");
    put(&store, &key(1), b"on disk").await;
    let path = store.object_path(&key(1)).expect("path");
    assert_eq!(path, dir.path().join("objects").join(key(1)));
    assert_eq!(std::fs::read(&path).expect("read file"), b"on disk");
    assert_eq!(std::fs::read_dir(dir.path().join("staging")).expect("ls").count(), 0);

    store.delete(&key(1)).await.expect("delete");
    assert!(!path.exists());
    assert!(!dir.path().join("objects/blobs").exists(), "empty dirs pruned");
    assert!(dir.path().join("objects").is_dir(), "objects root kept");
}

#[tokio::test]
async fn fs_failed_stage_leaves_staging_dir_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = FsBlobStore::open(dir.path().to_path_buf()).expect("open");
    let failing = chunked(&pseudo_random(3 * 1024 * 1024, 9))
        .chain(stream::once(async { Err(Error::bad_request("malformed_body", "broken multipart")) }))
        .boxed();
    let err = store.stage(failing).await.expect_err("stage must fail");
    assert_eq!(err.code, "malformed_body");
    assert_eq!(std::fs::read_dir(dir.path().join("staging")).expect("ls").count(), 0);
}

#[tokio::test]
async fn object_store_refuses_reserved_and_invalid_keys() {
    let store = ObjectBlobStore::in_memory();
    let staged = store.stage(chunked(b"x")).await.expect("stage");
    for bad in ["staging/abc", "../escape", "blobs//x", ""] {
        let err = store.promote(&staged, bad).await.expect_err(bad);
        assert_eq!(err.kind, ErrorKind::Internal, "{bad:?}");
    }
    store.promote(&staged, &key(1)).await.expect("promote");
    assert_eq!(read_all(&store, &key(1), None).await, b"x");
}
