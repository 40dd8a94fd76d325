//! Shared by the integration tests: [`Probe`], a wrapper around a real object store
//! that counts reads and injects faults.

#![allow(dead_code)] // Each test binary uses part of it.
#![allow(unreachable_pub)] // A module of each test crate, not a library.

pub mod oci;

use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult,
};
use tokio::sync::watch;

/// Faults to inject.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// None: a pass-through that counts reads.
    None,
    /// The first `n` reads (`head` is a read) fail with a transient error.
    TransientFirst(u32),
    /// Every read is refused.
    PermissionDenied,
    /// Each read and write fails with a transient error with this chance (per
    /// thousand), decided by a generator seeded with `seed`.
    Share {
        /// Failures per thousand calls.
        per_mille: u32,
        /// The generator's seed.
        seed: u64,
    },
}

/// An object store that passes calls to `inner`, counting reads and injecting
/// `fault`.
#[derive(Debug)]
pub struct Probe<S> {
    inner: S,
    fault: Fault,
    reads: AtomicU32,
    calls: AtomicU64,
    injected: AtomicU32,
    published: watch::Sender<u32>,
    markers: Vec<Path>,
}

impl<S: ObjectStore> Probe<S> {
    /// Wraps `inner`, listing an empty object at each of `markers` that cannot be
    /// read: what S3 lists for a folder marker (`dir/sub/`), whose name object_store
    /// gives without the `/`.
    pub fn with_markers(inner: S, markers: &[&str]) -> Arc<Self> {
        let mut probe = Arc::into_inner(Self::new(inner, Fault::None)).expect("new");
        probe.markers = markers.iter().map(|m| Path::from(*m)).collect();
        Arc::new(probe)
    }

    /// Wraps `inner`.
    pub fn new(inner: S, fault: Fault) -> Arc<Self> {
        Arc::new(Probe {
            inner,
            fault,
            reads: AtomicU32::new(0),
            calls: AtomicU64::new(0),
            markers: Vec::new(),
            injected: AtomicU32::new(0),
            published: watch::Sender::new(0),
        })
    }

    /// Reads so far.
    pub fn reads(&self) -> u32 {
        self.reads.load(Ordering::SeqCst)
    }

    /// Faults injected so far.
    pub fn injected(&self) -> u32 {
        self.injected.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` reads happened.
    pub async fn wait_for_reads(&self, n: u32) {
        let mut rx = self.published.subscribe();
        rx.wait_for(|&r| r >= n).await.unwrap();
    }

    /// Whether this call (read or write) gets a share fault.
    fn roll(&self) -> bool {
        let Fault::Share { per_mille, seed } = self.fault else {
            return false;
        };
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        // SplitMix64 of (seed, call): reproducible for a seed and call order.
        let mut z = seed ^ call.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let hit = z % 1000 < per_mille as u64;
        if hit {
            self.injected.fetch_add(1, Ordering::SeqCst);
        }
        hit
    }

    fn transient(&self, what: &str) -> object_store::Error {
        object_store::Error::Generic {
            store: "Probe",
            source: format!("connection reset (injected, {what})").into(),
        }
    }
}

impl<S> fmt::Display for Probe<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Probe")
    }
}

#[async_trait]
impl<S: ObjectStore> ObjectStore for Probe<S> {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        if self.roll() {
            return Err(self.transient("write"));
        }
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(
        &self,
        location: &Path,
        options: GetOptions,
    ) -> object_store::Result<GetResult> {
        let n = self.reads.fetch_add(1, Ordering::SeqCst) + 1;
        let result = match self.fault {
            Fault::TransientFirst(k) if n <= k => Err(self.transient(&format!("read {n}"))),
            Fault::PermissionDenied => Err(object_store::Error::PermissionDenied {
                path: location.to_string(),
                source: "access denied (injected)".into(),
            }),
            Fault::Share { .. } if self.roll() => Err(self.transient(&format!("read {n}"))),
            _ => self.inner.get_opts(location, options).await,
        };
        self.published.send_replace(n);
        result
    }

    async fn get_ranges(
        &self,
        location: &Path,
        ranges: &[Range<u64>],
    ) -> object_store::Result<Vec<Bytes>> {
        self.inner.get_ranges(location, ranges).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        use futures::StreamExt;
        let markers: Vec<object_store::Result<ObjectMeta>> = self
            .markers
            .iter()
            .filter(|m| prefix.is_none_or(|p| m.prefix_matches(p)))
            .map(|m| {
                Ok(ObjectMeta {
                    location: m.clone(),
                    last_modified: chrono::Utc::now(),
                    size: 0,
                    e_tag: None,
                    version: None,
                })
            })
            .collect();
        self.inner
            .list(prefix)
            .chain(futures::stream::iter(markers))
            .boxed()
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(
        &self,
        from: &Path,
        to: &Path,
        options: CopyOptions,
    ) -> object_store::Result<()> {
        self.inner.copy_opts(from, to, options).await
    }
}

/// Where the tests leave protobufs for `tests/idl/check_flyteidl.py`:
/// `target/idl-out/`, or `$FLYTE_IDL_OUT`.
pub fn idl_out_dir() -> std::path::PathBuf {
    let dir = std::env::var_os("FLYTE_IDL_OUT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/idl-out")
        });
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The settings flytekit's goldens were made with (project `flytesnacks`, domain
/// `development`, version `v1`), with our image and entrypoint.
pub fn golden_settings() -> flytekit::idl::SerializationSettings {
    flytekit::idl::SerializationSettings {
        project: "flytesnacks".into(),
        domain: "development".into(),
        version: "v1".into(),
        image: "ghcr.io/example/seed:v1".into(),
        images: Default::default(),
        entrypoint: "/usr/local/bin/custom_task_plugin".into(),
        fast: None,
    }
}

/// Leaves `bytes` under `target/idl-out/parse/<message>/<name>` (or `$FLYTE_IDL_OUT`)
/// for `tests/idl/check_flyteidl.py`, which parses it with the Python flyteidl
/// package as the message named `message` and rejects unknown fields.
pub fn keep_for_flyteidl(message: &str, name: &str, bytes: &[u8]) {
    let dir = std::env::var_os("FLYTE_IDL_OUT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/idl-out")
        })
        .join("parse")
        .join(message);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// The built example `name` (`cargo test` builds the examples before it runs tests).
pub fn example_binary(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: `cargo test` builds it with the examples (with `--test` alone, \
         run `cargo build --examples` first)",
        bin.display()
    );
    bin
}

/// The bucket `.ci/test` created on its S3 server; without it the S3 tests cannot
/// run, and say how.
pub fn s3_bucket() -> String {
    std::env::var("FLYTE_TEST_S3_BUCKET").unwrap_or_else(|_| {
        panic!(
            "these tests need an S3 server: run them through `bash .ci/test`, which starts \
             s3s-fs on 127.0.0.1 and exports AWS_ENDPOINT, the credentials and \
             FLYTE_TEST_S3_BUCKET"
        )
    })
}

/// A fresh prefix in the test bucket for one test (`s3://bucket/<test>-<pid>-<nanos>`).
pub fn s3_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("s3://{}/{test}-{}-{nanos}", s3_bucket(), std::process::id())
}

/// Every file under `root` with its text, by path relative to `root`, sorted.
pub fn read_tree(root: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Reads lines from `from` until one contains `marker` (at most 30 s); returns all
/// that was read. Panics, showing it, if the stream ends first.
pub fn read_until(from: &mut impl std::io::BufRead, marker: &str) -> String {
    let mut seen = String::new();
    let started = std::time::Instant::now();
    while !seen.contains(marker) {
        let mut line = String::new();
        assert!(
            from.read_line(&mut line).unwrap() > 0,
            "exited early: {seen}"
        );
        seen.push_str(&line);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{seen}"
        );
    }
    seen
}

/// A file of flytekit 1.16.31's production goldens (`tests/golden/production/<name>`;
/// `tests/golden/README.md` says how they are made).
pub fn production_golden(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/production")
        .join(name)
}
