//! The local output cache: `cache = true` tasks reuse outputs stored under the task's
//! name, cache version, interface and input values; misses when any changes; survives
//! damaged entries; `cache_serialize` runs equal concurrent calls once. Each test uses
//! its own cache folder.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use std::time::Duration;

use flytekit::execution::{NodeStatus, RunSummary};
use flytekit::prelude::*;

fn cache_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flyte-cache-test-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Options with their own cache folder and a summary to read.
fn options(dir: &std::path::Path) -> (RunOptions, Arc<RunSummary>) {
    install_subscriber();
    let summary = Arc::new(RunSummary::default());
    let opts = RunOptions::default()
        .cache_dir(dir)
        .observe(summary.clone());
    (opts, summary)
}

/// Every entry file under the folder.
fn entries(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "entry") {
                found.push(p);
            }
        }
    }
    found
}

static SQUARES: AtomicU32 = AtomicU32::new(0);

#[task(cache = true, cache_version = "1")]
async fn slow_square(x: i64) -> i64 {
    SQUARES.fetch_add(1, Ordering::SeqCst);
    x * x
}

#[task]
async fn plus_one(x: i64) -> i64 {
    x + 1
}

#[workflow]
fn squared_plus_one(x: i64) -> i64 {
    plus_one(slow_square(x))
}

#[tokio::test]
async fn a_second_run_with_equal_inputs_reuses_the_outputs_and_says_so() {
    let dir = cache_dir("reuse");
    let (opts, first) = options(&dir);
    let before = SQUARES.load(Ordering::SeqCst);
    assert_eq!(squared_plus_one::run_with(&opts, (7,)).await.unwrap(), 50);
    assert_eq!(SQUARES.load(Ordering::SeqCst), before + 1);
    assert_eq!(first.count(NodeStatus::Cached), 0);
    assert_eq!(entries(&dir).len(), 1);

    let (opts, second) = options(&dir);
    assert_eq!(squared_plus_one::run_with(&opts, (7,)).await.unwrap(), 50);
    assert_eq!(
        SQUARES.load(Ordering::SeqCst),
        before + 1,
        "not executed again"
    );
    let records = second.records();
    let cached: Vec<_> = records
        .iter()
        .filter(|r| r.status == NodeStatus::Cached)
        .collect();
    assert_eq!(cached.len(), 1, "{second}");
    assert_eq!(cached[0].task, "local.cache.slow_square");
    assert_eq!(cached[0].attempts, 0);
    assert!(second.to_string().contains("1 cached"), "{second}");

    // Other inputs miss.
    let (opts, third) = options(&dir);
    assert_eq!(squared_plus_one::run_with(&opts, (8,)).await.unwrap(), 65);
    assert_eq!(SQUARES.load(Ordering::SeqCst), before + 2);
    assert_eq!(third.count(NodeStatus::Cached), 0);
    assert_eq!(entries(&dir).len(), 2);
}

#[tokio::test]
async fn overwrite_runs_again_and_no_cache_neither_reads_nor_writes() {
    let dir = cache_dir("modes");
    let (opts, _) = options(&dir);
    squared_plus_one::run_with(&opts, (3,)).await.unwrap();
    let before = SQUARES.load(Ordering::SeqCst);

    let (opts, summary) = options(&dir);
    let opts = opts.overwrite_cache();
    squared_plus_one::run_with(&opts, (3,)).await.unwrap();
    assert_eq!(SQUARES.load(Ordering::SeqCst), before + 1);
    assert_eq!(summary.count(NodeStatus::Cached), 0);

    let off = cache_dir("modes-off");
    let (opts, summary) = options(&off);
    let opts = opts.no_cache();
    squared_plus_one::run_with(&opts, (3,)).await.unwrap();
    squared_plus_one::run_with(&opts, (3,)).await.unwrap();
    assert_eq!(SQUARES.load(Ordering::SeqCst), before + 3);
    assert_eq!(summary.count(NodeStatus::Cached), 0);
    assert!(!off.exists(), "nothing written with the cache off");
}

// Two tasks sharing a name, as one task before and after a change: the version, then
// the interface.
#[task(name = "local.cache.evolving", cache = true, cache_version = "1")]
async fn evolving_v1(x: i64) -> i64 {
    x
}

#[task(name = "local.cache.evolving", cache = true, cache_version = "2")]
async fn evolving_v2(x: i64) -> i64 {
    x * 10
}

#[task(name = "local.cache.evolving", cache = true, cache_version = "2")]
async fn evolving_v2_text(x: i64) -> String {
    format!("x={x}")
}

#[workflow]
fn run_v1(x: i64) -> i64 {
    evolving_v1(x)
}

#[workflow]
fn run_v2(x: i64) -> i64 {
    evolving_v2(x)
}

#[workflow]
fn run_v2_text(x: i64) -> String {
    evolving_v2_text(x)
}

#[tokio::test]
async fn a_new_version_or_interface_misses() {
    let dir = cache_dir("versions");
    let (opts, _) = options(&dir);
    assert_eq!(run_v1::run_with(&opts, (4,)).await.unwrap(), 4);
    let (opts, s) = options(&dir);
    assert_eq!(run_v1::run_with(&opts, (4,)).await.unwrap(), 4);
    assert_eq!(s.count(NodeStatus::Cached), 1);

    let (opts, s) = options(&dir);
    assert_eq!(run_v2::run_with(&opts, (4,)).await.unwrap(), 40);
    assert_eq!(s.count(NodeStatus::Cached), 0, "a new version misses");

    let (opts, s) = options(&dir);
    assert_eq!(run_v2_text::run_with(&opts, (4,)).await.unwrap(), "x=4");
    assert_eq!(s.count(NodeStatus::Cached), 0, "a new interface misses");
    assert_eq!(entries(&dir).len(), 3);
}

#[task(cache = true, cache_version = "1")]
async fn counted(x: i64) -> i64 {
    x + 100
}

#[workflow]
fn run_counted(x: i64) -> i64 {
    counted(x)
}

#[tokio::test]
async fn a_damaged_entry_is_a_miss_with_a_warning_and_is_written_anew() {
    let dir = cache_dir("damaged");
    let (opts, _) = options(&dir);
    assert_eq!(run_counted::run_with(&opts, (1,)).await.unwrap(), 101);
    let entry = entries(&dir).pop().unwrap();
    let good = std::fs::read(&entry).unwrap();

    // Each kind of damage: a flipped byte, a cut-off file, a stranger's file, and an
    // entry of the right format holding a value of another type.
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x55;
    let cut = good[..good.len() / 2].to_vec();
    let damaged: [(&str, Vec<u8>); 3] = [
        ("flipped", flipped),
        ("cut", cut),
        ("stranger", b"hello".to_vec()),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&entry, bytes).unwrap();
        let (opts, s) = options(&dir);
        assert_eq!(
            run_counted::run_with(&opts, (1,)).await.unwrap(),
            101,
            "{what}"
        );
        // (Another test runs this task too, so the summary, not the counter, tells.)
        assert_eq!(s.count(NodeStatus::Succeeded), 1, "{what}: ran again");
        assert_eq!(s.count(NodeStatus::Cached), 0, "{what}");
        assert_eq!(std::fs::read(&entry).unwrap(), good, "{what}: written anew");
    }

    // A crash between writing the temporary file and renaming it leaves the
    // temporary file only: the entry is still good.
    std::fs::write(entry.with_extension("entry.1.2.tmp"), b"half").unwrap();
    let (opts, s) = options(&dir);
    assert_eq!(run_counted::run_with(&opts, (1,)).await.unwrap(), 101);
    assert_eq!(s.count(NodeStatus::Succeeded), 0);
    assert_eq!(s.count(NodeStatus::Cached), 1);
}

static KEYED: AtomicU32 = AtomicU32::new(0);

#[task(cache = true, cache_version = "1")]
async fn keyed(x: i64) -> String {
    KEYED.fetch_add(1, Ordering::SeqCst);
    format!("value-of-{x}")
}

#[workflow]
fn run_keyed(x: i64) -> String {
    keyed(x)
}

#[tokio::test]
async fn an_entry_copied_over_another_keys_file_is_not_served_for_that_key() {
    let dir = cache_dir("copied");
    let (opts, _) = options(&dir);
    assert_eq!(
        run_keyed::run_with(&opts, (1,)).await.unwrap(),
        "value-of-1"
    );
    let one = entries(&dir).pop().unwrap();
    assert_eq!(
        run_keyed::run_with(&opts, (2,)).await.unwrap(),
        "value-of-2"
    );
    let two = entries(&dir).into_iter().find(|p| *p != one).unwrap();
    // Entry 2's bytes under entry 1's name: well formed, right types, wrong key.
    std::fs::copy(&two, &one).unwrap();
    let (opts, s) = options(&dir);
    assert_eq!(
        run_keyed::run_with(&opts, (1,)).await.unwrap(),
        "value-of-1"
    );
    assert_eq!(s.count(NodeStatus::Cached), 0, "served another key's entry");
    assert_eq!(s.count(NodeStatus::Succeeded), 1);
    // Rewritten for its own key: the next run is a hit with the right value.
    let (opts, s) = options(&dir);
    assert_eq!(
        run_keyed::run_with(&opts, (1,)).await.unwrap(),
        "value-of-1"
    );
    assert_eq!(s.count(NodeStatus::Cached), 1);
}

#[tokio::test]
async fn temporary_files_of_dead_writers_are_removed() {
    let dir = cache_dir("stale");
    let (opts, _) = options(&dir);
    assert_eq!(
        run_keyed::run_with(&opts, (7,)).await.unwrap(),
        "value-of-7"
    );
    let entry = entries(&dir).pop().unwrap();
    let folder = entry.parent().unwrap();
    let name = entry.file_name().unwrap().to_str().unwrap();
    // A process killed mid-write leaves `.<entry>.<pid>.<seq>.tmp`; pid 2^22 + 1 is
    // above Linux's pid limit, so no live process has it.
    let dead = folder.join(format!(".{name}.4194305.0.tmp"));
    std::fs::write(&dead, vec![0u8; 1 << 20]).unwrap();
    // One of a live writer (this process) is left alone.
    let live = folder.join(format!(".{name}.{}.99.tmp", std::process::id()));
    std::fs::write(&live, b"being written").unwrap();
    // The sweep runs once per folder per process, as a new process would; the same
    // cache folder reached through a link counts as a new folder here.
    let alias = dir.with_extension("link");
    let _ = std::fs::remove_file(&alias);
    std::os::unix::fs::symlink(&dir, &alias).unwrap();
    let (opts, _) = options(&alias);
    assert_eq!(
        run_keyed::run_with(&opts, (8,)).await.unwrap(),
        "value-of-8"
    );
    assert!(!dead.exists(), "a dead writer's temporary file was kept");
    assert!(live.exists(), "a live writer's temporary file was removed");
}

#[tokio::test]
async fn a_damaged_entry_is_reported_in_the_logs() {
    let dir = cache_dir("logged");
    let (opts, _) = options(&dir);
    run_counted::run_with(&opts, (2,)).await.unwrap();
    let entry = entries(&dir).pop().unwrap();
    std::fs::write(&entry, b"garbage").unwrap();

    let (opts, _) = options(&dir);
    run_counted::run_with(&opts, (2,)).await.unwrap();
    let (opts, _) = options(&dir);
    run_counted::run_with(&opts, (2,)).await.unwrap();
    // This test's lines are the ones naming its entry.
    let needle = entry.display().to_string();
    let text = captured_logs();
    let mine: Vec<&str> = text.lines().filter(|l| l.contains(&needle)).collect();
    assert!(
        mine.iter().any(|l| l.contains("WARN")
            && l.contains("cache entry unusable")
            && l.contains("not a flyte-rs cache entry")),
        "{text}"
    );
    assert!(
        mine.iter()
            .any(|l| l.contains("cache hit: outputs reused, task not run")),
        "{text}"
    );
}

static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Everything logged in this test binary so far. The subscriber is global (installed
/// once): a per-test one would race other tests over tracing's per-callsite caches.
pub(super) fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

pub(super) fn install_subscriber() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        tracing_subscriber::fmt()
            .with_writer(|| Capture)
            .with_ansi(false)
            .init();
    });
}

struct Capture;

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

static SERIALIZED: AtomicU32 = AtomicU32::new(0);

#[task(cache = true, cache_version = "1", cache_serialize = true)]
async fn expensive(x: i64) -> i64 {
    SERIALIZED.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(100)).await;
    x * 3
}

#[workflow]
fn run_expensive(x: i64) -> i64 {
    expensive(x)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_serialize_runs_equal_concurrent_calls_once() {
    let dir = cache_dir("serialize");
    let runs = (0..4).map(|_| {
        let (opts, summary) = options(&dir);
        async move { (run_expensive::run_with(&opts, (5,)).await.unwrap(), summary) }
    });
    let results = futures::future::join_all(runs).await;
    assert_eq!(SERIALIZED.load(Ordering::SeqCst), 1);
    let cached = results
        .iter()
        .filter(|(v, s)| *v == 15 && s.count(NodeStatus::Cached) == 1)
        .count();
    assert_eq!(
        cached, 3,
        "three runs waited and reused the first one's outputs"
    );
}

static ITEMS: AtomicU32 = AtomicU32::new(0);

#[task(cache = true, cache_version = "1")]
async fn item_square(x: i64) -> i64 {
    ITEMS.fetch_add(1, Ordering::SeqCst);
    x * x
}

#[workflow]
fn squares(xs: Vec<i64>) -> Vec<i64> {
    map_task(&item_square).over(xs)
}

#[tokio::test]
async fn map_task_items_are_cached_one_by_one() {
    let dir = cache_dir("map");
    let (opts, _) = options(&dir);
    assert_eq!(
        squares::run_with(&opts, (vec![1, 2, 3],)).await.unwrap(),
        [1, 4, 9]
    );
    let before = ITEMS.load(Ordering::SeqCst);
    let (opts, s) = options(&dir);
    assert_eq!(
        squares::run_with(&opts, (vec![1, 2, 3, 4],)).await.unwrap(),
        [1, 4, 9, 16]
    );
    assert_eq!(
        ITEMS.load(Ordering::SeqCst),
        before + 1,
        "only the new item ran"
    );
    assert_eq!(s.count(NodeStatus::Cached), 3);
    let paths: Vec<String> = s.records().into_iter().map(|r| r.path).collect();
    assert!(
        paths.contains(&"local.cache.squares/n0[3]".to_string()),
        "{paths:?}"
    );
}

/// A struct task with caching in its metadata.
struct Shout {
    runs: AtomicU32,
    meta: TaskMetadata,
}

impl Task for Shout {
    type Input = (String,);
    type Output = String;
    fn name(&self) -> &str {
        "local.cache.shout"
    }
    fn task_type(&self) -> &str {
        "shout"
    }
    fn interface(&self) -> Interface {
        Interface::of::<(String,), String>(["text"], ["loud"])
    }
    fn metadata(&self) -> &TaskMetadata {
        &self.meta
    }
    async fn execute(&self, _: ExecutionContext, (text,): (String,)) -> Result<String, TaskError> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        Ok(text.to_uppercase())
    }
}

static SHOUT: std::sync::LazyLock<Shout> = std::sync::LazyLock::new(|| Shout {
    runs: AtomicU32::new(0),
    meta: TaskMetadata::default().cache(true).cache_version("1"),
});

#[workflow]
fn shout_twice(text: String) -> String {
    SHOUT(text)
}

#[tokio::test]
async fn struct_tasks_are_cached_the_same_way() {
    let dir = cache_dir("struct");
    let (opts, _) = options(&dir);
    assert_eq!(
        shout_twice::run_with(&opts, ("hi".into(),)).await.unwrap(),
        "HI"
    );
    let (opts, s) = options(&dir);
    assert_eq!(
        shout_twice::run_with(&opts, ("hi".into(),)).await.unwrap(),
        "HI"
    );
    assert_eq!(SHOUT.runs.load(Ordering::SeqCst), 1);
    assert_eq!(s.count(NodeStatus::Cached), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entry_lock_keeps_a_second_holder_waiting_until_the_first_lets_go() {
    // Two opens of the lock file conflict as two processes' would.
    let dir = cache_dir("lock");
    let cache = flytekit::cache::Cache::new(&dir);
    let key = cache.key(
        expensive {}.name(),
        "1",
        &expensive {}.interface(),
        &[5i64.to_literal()],
        &[],
    );
    let first = cache.lock(&key).await.unwrap();
    let waiter = {
        let cache = cache.clone();
        let key = key.clone();
        tokio::spawn(async move {
            let _second = cache.lock(&key).await.unwrap();
            std::time::Instant::now()
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!waiter.is_finished(), "the second holder waits");
    let released = std::time::Instant::now();
    drop(first);
    let acquired = waiter.await.unwrap();
    assert!(acquired >= released);
}

static SCORES: AtomicU32 = AtomicU32::new(0);

#[task(cache = true, cache_version = "1", cache_ignore_input_vars = ["log_level"])]
fn score(x: i64, log_level: String) -> i64 {
    SCORES.fetch_add(1, Ordering::SeqCst);
    let _ = log_level;
    x * 10
}

#[workflow]
fn scored(x: i64, log_level: String) -> i64 {
    score(x, log_level)
}

#[tokio::test]
async fn an_ignored_input_is_left_out_of_the_key() {
    let dir = cache_dir("ignored");
    let before = SCORES.load(Ordering::SeqCst);
    let run = |x: i64, level: &str| {
        let (opts, summary) = options(&dir);
        let level = level.to_string();
        async move { (scored::run_with(&opts, (x, level)).await.unwrap(), summary) }
    };
    assert_eq!(run(3, "debug").await.0, 30);
    let (out, summary) = run(3, "info").await;
    assert_eq!(out, 30);
    assert_eq!(
        summary.count(NodeStatus::Cached),
        1,
        "another log level is the same entry"
    );
    assert_eq!(SCORES.load(Ordering::SeqCst), before + 1);
    let (out, summary) = run(4, "info").await;
    assert_eq!(out, 40);
    assert_eq!(
        summary.count(NodeStatus::Cached),
        0,
        "another x is another entry"
    );
    assert_eq!(SCORES.load(Ordering::SeqCst), before + 2);
}

static WEIGHED: AtomicU32 = AtomicU32::new(0);

/// Cached, keyed on every input: only the call below leaves `seed` out.
#[task(cache = true, cache_version = "1")]
fn weigh(x: i64, seed: i64) -> i64 {
    WEIGHED.fetch_add(1, Ordering::SeqCst);
    let _ = seed;
    x * 2
}

#[workflow]
fn weighed(x: i64, seed: i64) -> i64 {
    weigh(x, seed).with_overrides(NodeOverrides::new().cache_ignore_input("seed"))
}

#[workflow]
fn weighed_wrongly(x: i64, seed: i64) -> i64 {
    weigh(x, seed).with_overrides(NodeOverrides::new().cache_ignore_input("sead"))
}

#[tokio::test]
async fn a_node_can_leave_an_input_out_of_its_key() {
    let dir = cache_dir("node-ignored");
    let before = WEIGHED.load(Ordering::SeqCst);
    let run = |x: i64, seed: i64| {
        let (opts, summary) = options(&dir);
        async move { (weighed::run_with(&opts, (x, seed)).await.unwrap(), summary) }
    };
    assert_eq!(run(3, 1).await.0, 6);
    let (out, summary) = run(3, 2).await;
    assert_eq!((out, summary.count(NodeStatus::Cached)), (6, 1));
    assert_eq!(WEIGHED.load(Ordering::SeqCst), before + 1);
    // The task keeps its own key elsewhere: the override changed only this node.
    assert_eq!(weigh {}.metadata().node.cache_ignored_inputs, None);

    // A name that is not an input is refused before any node runs.
    let err = weighed_wrongly::run(3, 1).await.unwrap_err();
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert_eq!(
        source,
        "`cache_ignore_input_vars` names `sead`, which is not an input of the task (its inputs: x, seed)"
    );

    // Flyte's node metadata cannot carry it: serializing says so rather than drop it.
    let err = flytekit::idl::workflow_spec(
        weighed::spec(),
        &flytekit::idl::SerializationSettings::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("node `n0` sets `cache_ignore_input` for"),
        "{err}"
    );
    assert!(
        err.contains("Flyte's node metadata has no field for it"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[task(cache = auto)]
fn auto_a(x: i64) -> i64 {
    x * 3
}

// The same code as `auto_a`, laid out otherwise and with comments.
#[task(cache = auto)]
fn auto_b(x: i64) -> i64 {
    // Three times.
    x * 3
}

#[task(cache = auto)]
fn auto_c(x: i64) -> i64 {
    x * 4
}

#[task(cache = auto("2"))]
fn auto_salted(x: i64) -> i64 {
    x * 3
}

#[workflow]
fn tripled(x: i64) -> i64 {
    auto_a(x)
}

#[test]
fn cache_auto_derives_the_version_from_the_code_alone() {
    let version = |m: &TaskMetadata| m.node.cache_version.clone().unwrap();
    let (a, b) = (version(auto_a {}.metadata()), version(auto_b {}.metadata()));
    assert!(a.starts_with("auto-") && a.len() == 21, "{a}");
    assert_eq!(a, b, "formatting and comments do not change it");
    assert_ne!(a, version(auto_c {}.metadata()), "an edit of the body does");
    assert_ne!(a, version(auto_salted {}.metadata()), "a salt does");
    assert_eq!(auto_a {}.metadata().node.cache, Some(true));
}

#[tokio::test]
async fn a_cache_auto_task_is_a_cache_hit_on_the_second_run() {
    let dir = cache_dir("auto");
    let (opts, _) = options(&dir);
    assert_eq!(tripled::run_with(&opts, (5,)).await.unwrap(), 15);
    let (opts, summary) = options(&dir);
    assert_eq!(tripled::run_with(&opts, (5,)).await.unwrap(), 15);
    assert_eq!(summary.count(NodeStatus::Cached), 1);
}

// Content-hashed files: a cached task keys on the bytes of a hashed file, not on
// where it was put.

static SIZES: AtomicU32 = AtomicU32::new(0);

/// Writes `text` to a new file of its own (so every run's file is at a new path).
fn fresh_file(text: &str) -> FlyteFile {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "flyte-hash-src-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("report.txt"), text).unwrap();
    FlyteFile::new(dir.join("report.txt").to_str().unwrap())
}

#[task(hash_outputs)]
async fn hashed_report(text: String) -> FlyteFile {
    fresh_file(&text)
}

#[task]
async fn plain_report(text: String) -> FlyteFile {
    fresh_file(&text)
}

#[task]
async fn one_hashed_report(text: String) -> (FlyteFile, FlyteFile) {
    (fresh_file(&text).with_content_hash(), fresh_file(&text))
}

#[task(cache = true, cache_version = "1")]
async fn size_of(f: FlyteFile) -> i64 {
    SIZES.fetch_add(1, Ordering::SeqCst);
    f.read().await.unwrap().len() as i64
}

#[workflow]
fn hashed_size(text: String) -> i64 {
    size_of(hashed_report(text))
}

#[workflow]
fn plain_size(text: String) -> i64 {
    size_of(plain_report(text))
}

#[workflow]
fn second_of_two_size(text: String) -> i64 {
    let (_hashed, plain) = one_hashed_report(text);
    size_of(plain)
}

#[task(cache = true, cache_version = "1", hash_outputs)]
async fn cached_report(text: String) -> FlyteFile {
    fresh_file(&text)
}

#[workflow]
fn cached_hashed(text: String) -> FlyteFile {
    cached_report(text)
}

#[workflow]
fn just_hashed(text: String) -> FlyteFile {
    hashed_report(text)
}

#[workflow]
fn both_reports(text: String) -> (FlyteFile, FlyteFile) {
    one_hashed_report(text)
}

/// Options whose files go under a raw-output prefix of their own.
fn at_prefix(dir: &std::path::Path, prefix: &str) -> (RunOptions, Arc<RunSummary>) {
    let (opts, summary) = options(dir);
    let raw = std::env::temp_dir().join(format!("flyte-hash-raw-{}-{prefix}", std::process::id()));
    (opts.raw_output_prefix(raw.to_str().unwrap()), summary)
}

#[tokio::test]
async fn a_hashed_file_is_a_cache_hit_at_another_location_and_a_miss_with_other_bytes() {
    let dir = cache_dir("content-hash");
    let sizes = || SIZES.load(Ordering::SeqCst);
    let (opts, _) = at_prefix(&dir, "a");
    let before = sizes();
    assert_eq!(
        hashed_size::run_with(&opts, ("twelve bytes".into(),))
            .await
            .unwrap(),
        12
    );
    assert_eq!(sizes(), before + 1);

    // The same bytes, written and uploaded somewhere else: a hit.
    let (opts, summary) = at_prefix(&dir, "b");
    assert_eq!(
        hashed_size::run_with(&opts, ("twelve bytes".into(),))
            .await
            .unwrap(),
        12
    );
    assert_eq!(sizes(), before + 1, "not run again");
    assert_eq!(summary.count(NodeStatus::Cached), 1, "{summary}");

    // Other bytes: a miss.
    let (opts, summary) = at_prefix(&dir, "c");
    assert_eq!(
        hashed_size::run_with(&opts, ("eleven byte".into(),))
            .await
            .unwrap(),
        11
    );
    assert_eq!(sizes(), before + 2);
    assert_eq!(summary.count(NodeStatus::Cached), 0);

    // Without a hash the key is the location, new each run: a miss every time.
    for prefix in ["d", "e"] {
        let (opts, summary) = at_prefix(&dir, prefix);
        assert_eq!(
            plain_size::run_with(&opts, ("twelve bytes".into(),))
                .await
                .unwrap(),
            12
        );
        assert_eq!(summary.count(NodeStatus::Cached), 0, "{summary}");
    }
    assert_eq!(sizes(), before + 4);

    // One value asked for a hash; the other output is keyed by location.
    for prefix in ["f", "g"] {
        let (opts, summary) = at_prefix(&dir, prefix);
        assert_eq!(
            second_of_two_size::run_with(&opts, ("twelve bytes".into(),))
                .await
                .unwrap(),
            12
        );
        assert_eq!(summary.count(NodeStatus::Cached), 0, "{summary}");
    }
}

#[tokio::test]
async fn the_hash_is_the_sha256_of_the_bytes_and_kept_through_the_cache() {
    let (opts, _) = options(&cache_dir("hash-value"));
    let out = just_hashed::run_with(&opts, ("twelve bytes".into(),))
        .await
        .unwrap();
    // `printf 'twelve bytes' | sha256sum`
    let expected = "d4ce2c527afe674c7a086bd74e256019e3d5dcdb31eeb6eaadef5ada8c4383b9";
    assert_eq!(out.hash(), Some(expected));
    let computed = FlyteFile::new(out.uri()).hashed().await.unwrap();
    assert_eq!(computed.hash(), Some(expected));
    let (first, second) = both_reports::run_with(&opts, ("x".into(),)).await.unwrap();
    assert!(first.hash().is_some());
    assert_eq!(second.hash(), None);
    // A cached output keeps its hash on a hit.
    let dir = cache_dir("hash-kept");
    let (opts, _) = options(&dir);
    let first = cached_hashed::run_with(&opts, ("twelve bytes".into(),))
        .await
        .unwrap();
    let (opts, summary) = options(&dir);
    let again = cached_hashed::run_with(&opts, ("twelve bytes".into(),))
        .await
        .unwrap();
    assert_eq!(summary.count(NodeStatus::Cached), 1);
    assert_eq!(again.hash(), Some(expected));
    assert_eq!(again.uri(), first.uri());
    // A hash of one's own is kept as given.
    assert_eq!(fresh_file("y").with_hash("v1").hash(), Some("v1"));
    assert_eq!(
        fresh_file("y").with_hash("v1").with_content_hash().hash(),
        Some("v1")
    );
}
