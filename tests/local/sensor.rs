//! The object-store sensor against object_store's real local and in-memory stores,
//! with a wrapper that counts calls and injects faults.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use flytekit::data::FileAccess;
use flytekit::plugins::WaitForObjectStoreFile;
use flytekit::prelude::*;

use crate::support;
use support::{Fault, Probe};

fn options(url: &str, store: Arc<dyn ObjectStore>) -> RunOptions {
    RunOptions::default().file_access(Arc::new(FileAccess::new().with_store(url, store).unwrap()))
}

// ---- the file arrives later -------------------------------------------------------

// Real time on the local file system: the interval leaves the writer, which acts right
// after the third poll, a wide margin on a loaded machine.
static SENSOR_LOCAL: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("sensor-local")
        .with_metadata(TaskMetadata::default().timeout("30s"))
        .poll_interval("300ms")
});

#[workflow]
fn wait_local(path: String) -> String {
    SENSOR_LOCAL(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_file_written_after_three_polls_is_found_on_the_next_poll() {
    let dir = std::env::temp_dir().join(format!("flyte-sensor-local-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("arrives-later.txt");
    let _ = std::fs::remove_file(&file);
    let probe = Probe::new(LocalFileSystem::new(), Fault::None);
    let opts = options("file:///", probe.clone());

    let writer = {
        let (probe, file) = (probe.clone(), file.clone());
        tokio::spawn(async move {
            probe.wait_for_reads(3).await;
            tokio::fs::write(&file, "Hello World!").await.unwrap();
        })
    };
    let path = file.display().to_string();
    let out = wait_local::run_with(&opts, (path.clone(),)).await.unwrap();
    writer.await.unwrap();
    assert_eq!(out, path);
    assert_eq!(probe.reads(), 4, "found on the poll right after the write");
    std::fs::remove_dir_all(&dir).unwrap();
}

static SENSOR_10MS: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("sensor-10ms")
        .with_metadata(TaskMetadata::default().timeout("1m"))
        .poll_interval("10ms")
});

#[workflow]
fn wait_10ms(path: String) -> String {
    SENSOR_10MS(path)
}

#[tokio::test(start_paused = true)]
async fn in_memory_file_is_found_on_the_first_poll_after_it_lands_and_sub_second_intervals_hold() {
    let probe = Probe::new(InMemory::new(), Fault::None);
    let opts = options("memory:///", probe.clone());
    let start = tokio::time::Instant::now();
    let writer = {
        let probe = probe.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(35)).await;
            probe
                .put(&Path::from("landing/data.csv"), PutPayload::from("a,b"))
                .await
                .unwrap();
        })
    };
    let out = wait_10ms::run_with(&opts, ("memory:///landing/data.csv".into(),))
        .await
        .unwrap();
    writer.await.unwrap();
    assert_eq!(out, "memory:///landing/data.csv");
    // Polls at 0, 10, 20, 30 and 40 ms; the file landed at 35 ms.
    assert_eq!(probe.reads(), 5);
    assert_eq!(start.elapsed(), Duration::from_millis(40));
}

// ---- the file never arrives -------------------------------------------------------

static SENSOR_SHORT_TIMEOUT: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("sensor-short-timeout")
        .with_metadata(TaskMetadata::default().timeout("1s"))
        .poll_interval("100ms")
});

#[workflow]
fn wait_short(path: String) -> String {
    SENSOR_SHORT_TIMEOUT(path)
}

#[tokio::test(start_paused = true)]
async fn a_missing_file_fails_with_a_timeout_after_polling_on_the_timer() {
    let probe = Probe::new(InMemory::new(), Fault::None);
    let opts = options("memory:///", probe.clone());
    let err = wait_short::run_with(&opts, ("memory:///never/there".into(),))
        .await
        .unwrap_err();
    let f = err.failure().unwrap();
    assert!(matches!(f.error, TaskError::TimedOut(d) if d == Duration::from_secs(1)));
    assert_eq!(f.task, "sensor-short-timeout");
    // Ten or eleven polls in one second (the last one races the deadline), not a spin.
    assert!(
        (10..=11).contains(&probe.reads()),
        "{} polls",
        probe.reads()
    );
}

// ---- store errors -----------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn transient_store_errors_are_polled_through() {
    let probe = Probe::new(InMemory::new(), Fault::TransientFirst(2));
    probe
        .put(&Path::from("ready"), PutPayload::from("x"))
        .await
        .unwrap();
    let opts = options("memory:///", probe.clone());
    let out = wait_10ms::run_with(&opts, ("memory:///ready".into(),))
        .await
        .unwrap();
    assert_eq!(out, "memory:///ready");
    assert_eq!(probe.reads(), 3);
}

static SENSOR_MANY_RETRIES: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("sensor-many-retries")
        .with_metadata(TaskMetadata::default().retries(10).timeout("1m"))
        .poll_interval("10ms")
});

#[workflow]
fn wait_retrying(path: String) -> String {
    SENSOR_MANY_RETRIES(path)
}

#[tokio::test(start_paused = true)]
async fn permission_denied_fails_at_once_without_retries_and_names_the_path() {
    let probe = Probe::new(InMemory::new(), Fault::PermissionDenied);
    let opts = options("memory:///", probe.clone());
    let err = wait_retrying::run_with(&opts, ("memory:///secret/file".into(),))
        .await
        .unwrap_err();
    assert_eq!(probe.reads(), 1);
    let f = err.failure().unwrap();
    assert_eq!((f.attempt, f.max_attempts), (1, 11));
    let chain = format!("{:#}", anyhow::Error::from(err));
    assert!(
        chain.contains("cannot sense `memory:///secret/file`"),
        "{chain}"
    );
    assert!(chain.contains("access denied (injected)"), "{chain}");
}

#[tokio::test]
async fn an_unknown_scheme_fails_at_once_and_names_the_path() {
    let err = wait_retrying::run("ftp://example.invalid/x".into())
        .await
        .unwrap_err();
    let f = err.failure().unwrap();
    assert_eq!(f.attempt, 1);
    let chain = format!("{:#}", anyhow::Error::from(err));
    assert!(
        chain.contains("cannot sense `ftp://example.invalid/x`"),
        "{chain}"
    );
    assert!(
        chain.contains("no object store handles `ftp://`"),
        "{chain}"
    );
}

// ---- settings ---------------------------------------------------------------------

static SENSOR_BAD_INTERVAL: LazyLock<WaitForObjectStoreFile> =
    LazyLock::new(|| WaitForObjectStoreFile::new("sensor-bad").poll_interval("1H"));

#[workflow]
fn wait_bad(path: String) -> String {
    SENSOR_BAD_INTERVAL(path)
}

#[tokio::test]
async fn a_bad_poll_interval_is_a_typed_error_naming_the_value() {
    let err = wait_bad::run("/tmp/x".into()).await.unwrap_err();
    assert!(matches!(err, RunError::InvalidTask { ref task, .. } if task == "sensor-bad"));
    let chain = format!("{:#}", anyhow::Error::from(err));
    assert!(
        chain.contains("invalid duration `1H` for `poll_interval`"),
        "{chain}"
    );
}

#[test]
fn the_sensor_declares_the_tutorials_interface() {
    let s = &*SENSOR_LOCAL;
    assert_eq!(s.task_type(), "object-store-sensor");
    let i = s.interface();
    assert_eq!(i.inputs[0].name, "path");
    assert_eq!(i.outputs[0].name, "path");
    assert_eq!(
        WaitForObjectStoreFile::new("x").policy().poll_interval,
        Duration::from_secs(10)
    );
}
