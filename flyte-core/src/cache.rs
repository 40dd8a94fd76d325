//! The local output cache behind `#[task(cache = true, cache_version = "1")]`.
//!
//! An entry is keyed by the task's name, its cache version, its interface and a
//! stable hash of its input values (their Flyte IDL encoding, which is deterministic,
//! with a value that carries a content hash standing for itself by that hash, as in
//! Flyte's catalog); changing any of them misses. Entries are files under the cache folder
//! (`$FLYTE_CACHE_DIR`, else `flyte-rs` under the user's cache directory), written to
//! a temporary file and renamed into place, so a crash mid-write leaves no partial
//! entry; each carries a checksum, so a damaged entry is a miss with a warning, never
//! a wrong result.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, Weak};

use prost::Message;
use sha2::{Digest, Sha256};

use crate::idl::{hash_placed, literal, literal_from_idl};
use crate::interface::Interface;
use crate::types::{Literal, hex};

/// The variable that moves the cache folder.
pub const CACHE_DIR_ENV: &str = "FLYTE_CACHE_DIR";
/// flytekit's switch, honoured here too: `false` turns the local cache off.
pub const CACHE_ENABLED_ENV: &str = "FLYTE_LOCAL_CACHE_ENABLED";

/// The cache folder of a test process (see [`Cache::default_root`]); `None` when this
/// program is not a test harness cargo built.
fn test_run_root() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let folder = exe.parent()?.file_name()?.to_str()?;
    let under_test = folder == "deps" || folder.starts_with("rustdoctest");
    // The process id and its first use: a process id used again later (nextest runs
    // a process per test) never finds what an earlier process cached.
    static STARTED: LazyLock<u128> = LazyLock::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    });
    under_test.then(|| {
        let name = format!("flyte-rs-test-cache-{}-{}", std::process::id(), *STARTED);
        std::env::temp_dir().join(name)
    })
}

/// What a run does with the cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CacheMode {
    /// Reuse stored outputs; store new ones.
    #[default]
    Use,
    /// Run every cached task again and replace what is stored (flytekit's
    /// `overwrite_cache`).
    Overwrite,
    /// Neither read nor write the cache.
    Off,
}

/// The first bytes of every entry: a format tag, so a later format is a miss.
/// Version 2 adds the key to the entry.
const MAGIC: &[u8] = b"flyte-rs cache 2\n";

/// A temporary file older than this is a dead writer's leftover, whoever wrote it.
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// A cache folder.
#[derive(Clone, Debug)]
pub struct Cache {
    root: PathBuf,
}

/// Where an entry lives, from [`Cache::key`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    path: PathBuf,
    /// The hash the path is named after; the entry carries it too, so a file copied
    /// or renamed onto another key's name is not served for that key.
    digest: [u8; 32],
}

impl CacheKey {
    /// The entry's file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A held entry lock (from [`Cache::lock`]); dropping it lets go.
#[derive(Debug)]
pub struct EntryLock {
    _file: std::fs::File,
}

/// What a lookup found.
#[derive(Debug)]
pub enum Lookup {
    /// The stored outputs, one literal per output of the interface, in order.
    Hit(Vec<Literal>),
    /// Nothing stored.
    Miss,
    /// An entry that cannot be used (damaged, or of other types); it is treated as a
    /// miss and overwritten.
    Unusable(String),
}

impl Cache {
    /// A cache in `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Cache { root: root.into() }
    }

    /// `$FLYTE_CACHE_DIR`, else `flyte-rs` in the user's cache directory (such as
    /// `~/.cache/flyte-rs`), else under the system's temporary directory.
    ///
    /// Under test (a program cargo built into `target/<profile>/deps`, which is what
    /// `cargo test` and nextest run, or a doctest), the default is a folder of the test
    /// process's own in the temporary directory (`flyte-rs-test-cache-<pid>-<time>`),
    /// so a cached task in a test never returns what another run or project stored,
    /// and the user's cache is left alone.
    /// A test that wants a given cache names it (`RunOptions::cache_dir`,
    /// `$FLYTE_CACHE_DIR`).
    pub fn default_root() -> PathBuf {
        if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        if let Some(dir) = test_run_root() {
            return dir;
        }
        dirs::cache_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("flyte-rs")
    }

    /// The cache folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The entry for task `task_name` at `cache_version`, with `interface`, run on
    /// `inputs` (one literal per input, in order), leaving out the inputs named in
    /// `ignored` (`cache_ignore_input_vars`). Plain data in, so the cache knows nothing
    /// of tasks: any change to one of them is another entry.
    pub fn key(
        &self,
        task_name: &str,
        cache_version: &str,
        interface: &Interface,
        inputs: &[Literal],
        ignored: &[String],
    ) -> CacheKey {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            // Length-prefixed, so no two different inputs hash the same bytes.
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        field(MAGIC);
        field(task_name.as_bytes());
        field(cache_version.as_bytes());
        for var in interface.inputs.iter().chain(&interface.outputs) {
            field(var.name.as_bytes());
            field(var.ty.to_string().as_bytes());
        }
        for (var, input) in interface.inputs.iter().zip(inputs) {
            if !ignored.contains(&var.name) {
                // A value with a content hash is keyed by it, as Flyte's catalog keys.
                field(&hash_placed(&literal(input)).encode_to_vec());
            }
        }
        let digest: [u8; 32] = h.finalize().into();
        CacheKey {
            path: self
                .root
                .join(file_name_part(task_name))
                .join(format!("{}.entry", hex(&digest))),
            digest,
        }
    }

    /// Reads the entry at `key`: one literal per output of `interface`.
    pub fn get(&self, key: &CacheKey, interface: &Interface) -> Lookup {
        let bytes = match std::fs::read(&key.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Lookup::Miss,
            Err(e) => return Lookup::Unusable(format!("cannot read it: {e}")),
        };
        match decode(&bytes, &key.digest, interface) {
            Ok(literals) => Lookup::Hit(literals),
            Err(reason) => Lookup::Unusable(reason),
        }
    }

    /// Waits until no other process holds `key`'s lock, then holds it until the guard
    /// is dropped (`cache_serialize` across processes: two `run`s of one program with
    /// equal inputs). The lock is the operating system's file lock on `<entry>.lock`,
    /// so a process that dies lets go of it.
    pub async fn lock(&self, key: &CacheKey) -> std::io::Result<EntryLock> {
        if let Some(dir) = key.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(key.path.with_extension("lock"))?;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(EntryLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) => {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(e),
            }
        }
    }

    /// Stores `outputs` (one literal per output of `interface`) at `key`, replacing
    /// what was there.
    pub fn put(
        &self,
        key: &CacheKey,
        interface: &Interface,
        outputs: &[Literal],
    ) -> std::io::Result<()> {
        let map = crate::idl::literal_map(interface.output_names().into_iter().zip(outputs));
        let payload = map.encode_to_vec();
        let dir = key.path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir)?;
        remove_stale_temporaries(dir);
        // A unique temporary name in the same folder: rename is atomic there, and
        // concurrent writers of one key never share a temporary file.
        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let tmp = dir.join(format!(
            ".{}.{}.{}.tmp",
            key.path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("entry"),
            std::process::id(),
            SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let written = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(MAGIC)?;
            f.write_all(&key.digest)?;
            f.write_all(&Sha256::digest(&payload))?;
            f.write_all(&payload)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &key.path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }
}

fn decode(bytes: &[u8], digest: &[u8; 32], interface: &Interface) -> Result<Vec<Literal>, String> {
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or("it is not a flyte-rs cache entry of this version")?;
    if rest.len() < 64 {
        return Err("it is truncated".to_string());
    }
    let (key, rest) = rest.split_at(32);
    if key != digest {
        return Err(format!(
            "it was written for another key ({}), not this one: the file was copied or moved",
            hex(key)
        ));
    }
    let (sum, payload) = rest.split_at(32);
    if Sha256::digest(payload).as_slice() != sum {
        return Err("its checksum does not match (the file is damaged)".to_string());
    }
    let map = crate::idl::core::LiteralMap::decode(payload)
        .map_err(|e| format!("it does not decode: {e}"))?;
    interface
        .output_names()
        .iter()
        .map(|n| {
            let l = map
                .literals
                .get(*n)
                .ok_or_else(|| format!("output `{n}` is missing"))?;
            literal_from_idl(l).map_err(|e| format!("output `{n}`: {e}"))
        })
        .collect()
}

/// Removes the temporary files in `dir` that no writer will finish: those of a
/// process that is gone (their names carry the writer's pid), and any older than
/// [`STALE_TEMP_AGE`]. Once per folder per process, so a run with many cached nodes
/// reads each folder once.
fn remove_stale_temporaries(dir: &Path) {
    static SWEPT: LazyLock<Mutex<std::collections::HashSet<PathBuf>>> =
        LazyLock::new(Default::default);
    if !SWEPT
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(dir.to_path_buf())
    {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_writer) else {
            continue;
        };
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if old || !process_alive(pid) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => {
                    tracing::info!(file = %entry.path().display(), "removed a cache entry left half-written")
                }
                Err(e) => {
                    tracing::debug!(file = %entry.path().display(), "cannot remove a stale cache temporary: {e}")
                }
            }
        }
    }
}

/// The writer's pid in a temporary entry's name (`.<entry>.<pid>.<seq>.tmp`).
fn temp_writer(name: &str) -> Option<u32> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let mut parts = inner.rsplitn(3, '.');
    let _seq: u64 = parts.next()?.parse().ok()?;
    parts.next()?.parse().ok()
}

/// Whether a process with this pid runs on this machine. Where that cannot be told
/// (no `/proc`), it is taken as alive, and only age removes its files.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        // This process's own temporaries are being written right now.
        return true;
    }
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// A task name as a folder name: characters other than letters, digits, `.`, `-`
/// and `_` become `_`.
fn file_name_part(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The lock `cache_serialize` tasks hold from lookup to store, one per entry, so
/// concurrent runs with equal inputs in this process run the task once.
pub(crate) fn entry_lock(key: &CacheKey) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: LazyLock<Mutex<HashMap<PathBuf, Weak<tokio::sync::Mutex<()>>>>> =
        LazyLock::new(Default::default);
    let mut locks = LOCKS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(lock) = locks.get(&key.path).and_then(Weak::upgrade) {
        return lock;
    }
    // Forget entries nobody holds any more, so the map does not grow without bound.
    locks.retain(|_, w| w.strong_count() > 0);
    let lock = Arc::new(tokio::sync::Mutex::new(()));
    locks.insert(key.path.clone(), Arc::downgrade(&lock));
    lock
}
