//! The sensor framework under tokio's paused clock (no real waiting): backoff with a
//! cap, jitter within its share, `max_wait` failing without retries, `soft_fail`
//! skipping the node and the nodes after it, and the prefix sensor on the in-memory
//! store.

use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use flytekit::data::FileAccess;
use flytekit::execution::{NodeStatus, RunError, RunSummary};
use flytekit::plugins::WaitForObjectStorePrefix;
use flytekit::plugins::sensor::{Poke, PokeError, Sensor, SensorTask, WaitExpired};
use flytekit::prelude::*;
use tokio::time::Instant;

/// Ready on the `ready_on`-th look (never when 0); records when each look happened.
struct Countdown {
    ready_on: usize,
    looks: Mutex<Vec<Instant>>,
}

impl Countdown {
    fn new(ready_on: usize) -> Self {
        Countdown {
            ready_on,
            looks: Mutex::new(Vec::new()),
        }
    }

    /// Milliseconds from the first look to each look.
    fn offsets(&self) -> Vec<u128> {
        let looks = self.looks.lock().unwrap();
        looks
            .iter()
            .map(|t| t.duration_since(looks[0]).as_millis())
            .collect()
    }
}

impl Sensor for Countdown {
    type Input = (String,);
    type Output = String;
    fn task_type(&self) -> &str {
        "countdown-sensor"
    }
    fn interface(&self) -> Interface {
        Interface::of::<(String,), String>(["what"], ["what"])
    }
    async fn poke(
        &self,
        _: &ExecutionContext,
        (what,): &(String,),
    ) -> Result<Poke<String>, PokeError> {
        let mut looks = self.looks.lock().unwrap();
        looks.push(Instant::now());
        Ok(if self.ready_on > 0 && looks.len() >= self.ready_on {
            Poke::Ready(what.clone())
        } else {
            Poke::NotYet
        })
    }
}

static BACKOFF: LazyLock<SensorTask<Countdown>> = LazyLock::new(|| {
    SensorTask::of("backoff", Countdown::new(6))
        .poll_interval("100ms")
        .backoff(2.0, "400ms")
});

#[workflow]
fn wait_backoff(what: String) -> String {
    BACKOFF(what)
}

#[tokio::test(start_paused = true)]
async fn backoff_doubles_the_interval_up_to_its_cap() {
    assert_eq!(wait_backoff::run("x".into()).await.unwrap(), "x");
    assert_eq!(BACKOFF.sensor().offsets(), [0, 100, 300, 700, 1100, 1500]);
}

static JITTERY: LazyLock<SensorTask<Countdown>> = LazyLock::new(|| {
    SensorTask::of("jittery", Countdown::new(40))
        .poll_interval("1s")
        .jitter(0.5)
});

#[workflow]
fn wait_jittery(what: String) -> String {
    JITTERY(what)
}

#[tokio::test(start_paused = true)]
async fn jitter_moves_each_interval_within_its_share() {
    wait_jittery::run("x".into()).await.unwrap();
    let offsets = JITTERY.sensor().offsets();
    let gaps: Vec<u128> = offsets.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps.len(), 39);
    assert!(gaps.iter().all(|g| (500..=1500).contains(g)), "{gaps:?}");
    // Not all the same: it is jitter, not a fixed shift.
    assert!(gaps.iter().any(|g| *g != gaps[0]), "{gaps:?}");
}

static GIVES_UP: LazyLock<SensorTask<Countdown>> = LazyLock::new(|| {
    SensorTask::of("gives-up", Countdown::new(0))
        .with_metadata(TaskMetadata::default().retries(3))
        .poll_interval("300ms")
        .max_wait("1s")
});

#[workflow]
fn wait_gives_up(what: String) -> String {
    GIVES_UP(what)
}

#[tokio::test(start_paused = true)]
async fn max_wait_fails_the_node_without_retries_after_a_last_look_at_the_deadline() {
    let err = wait_gives_up::run("x".into()).await.unwrap_err();
    let failure = err.failure().unwrap();
    assert_eq!(failure.attempt, 1, "{err}");
    assert!(!failure.error.is_retryable());
    let expired = std::error::Error::source(&failure.error)
        .and_then(|e| e.downcast_ref::<WaitExpired>())
        .expect("the cause is WaitExpired");
    assert_eq!(expired.polls, 5);
    assert_eq!(expired.waited, Duration::from_secs(1));
    assert_eq!(GIVES_UP.sensor().offsets(), [0, 300, 600, 900, 1000]);
}

static SOFT: LazyLock<SensorTask<Countdown>> = LazyLock::new(|| {
    SensorTask::of("soft", Countdown::new(0))
        .poll_interval("1s")
        .max_wait("5s")
        .soft_fail(true)
});

#[task]
fn shout(text: String) -> String {
    text.to_uppercase()
}

#[task]
fn count_chars(text: String) -> i64 {
    text.len() as i64
}

#[workflow]
fn gated(what: String, other: String) -> (String, i64) {
    let sensed = SOFT(what);
    (shout(sensed), count_chars(other))
}

#[tokio::test(start_paused = true)]
async fn soft_fail_skips_the_sensor_and_the_nodes_after_it() {
    let summary = Arc::new(RunSummary::default());
    let opts = RunOptions::default().observe(summary.clone());
    let err = gated::run_with(&opts, ("x".into(), "four".into()))
        .await
        .unwrap_err();
    let RunError::Skipped {
        skipped,
        reason,
        completed,
    } = &err
    else {
        panic!("expected a skipped run, got {err}");
    };
    // What the sensor said when it gave up.
    assert!(
        reason.starts_with("still not ready after waiting "),
        "{reason}"
    );
    assert!(err.to_string().contains(reason.as_str()), "{err}");
    assert_eq!(
        skipped,
        &[
            "local.sensor_framework.gated/n0",
            "local.sensor_framework.gated/n1"
        ]
    );
    // The node that did not depend on the sensor ran, and its output is kept.
    assert_eq!(completed.get::<i64>("n2", "o0"), Some(4));
    assert!(err.failures().is_empty());
    assert_eq!(summary.count(NodeStatus::Skipped), 2, "{summary}");
    assert_eq!(summary.count(NodeStatus::Succeeded), 1, "{summary}");
    assert!(summary.to_string().ends_with(", 2 skipped"), "{summary}");
}

static SOFT_SIDE: LazyLock<SensorTask<Countdown>> = LazyLock::new(|| {
    SensorTask::of("soft-side", Countdown::new(0))
        .poll_interval("1s")
        .max_wait("2s")
        .soft_fail(true)
});

#[task]
fn notify(text: String) {
    let _ = text;
}

#[workflow]
fn side_gate(what: String, other: String) -> i64 {
    notify(SOFT_SIDE(what));
    count_chars(other)
}

#[tokio::test(start_paused = true)]
async fn a_skipped_side_branch_leaves_the_run_successful() {
    let summary = Arc::new(RunSummary::default());
    let opts = RunOptions::default().observe(summary.clone());
    let n = side_gate::run_with(&opts, ("x".into(), "abc".into()))
        .await
        .unwrap();
    assert_eq!(n, 3);
    assert_eq!(summary.count(NodeStatus::Skipped), 2, "{summary}");
}

static BATCH: LazyLock<WaitForObjectStorePrefix> =
    LazyLock::new(|| WaitForObjectStorePrefix::new("batch").poll_interval("1s"));

#[workflow]
fn wait_batch(prefix: String, min_count: i64) -> Vec<String> {
    BATCH(prefix, min_count)
}

#[tokio::test(start_paused = true)]
async fn the_prefix_sensor_waits_for_enough_objects_and_lists_them() {
    let files = Arc::new(FileAccess::new());
    let writer = {
        let files = files.clone();
        tokio::spawn(async move {
            for name in ["c.csv", "a.csv", "b.csv"] {
                tokio::time::sleep(Duration::from_millis(1500)).await;
                files
                    .put(&format!("memory:///batch/{name}"), "1")
                    .await
                    .unwrap();
            }
        })
    };
    let start = Instant::now();
    let opts = RunOptions::default().file_access(files);
    let found = wait_batch::run_with(&opts, ("memory:///batch".into(), 3))
        .await
        .unwrap();
    writer.await.unwrap();
    assert_eq!(
        found,
        [
            "memory:///batch/a.csv",
            "memory:///batch/b.csv",
            "memory:///batch/c.csv"
        ]
    );
    // The third object lands at 4.5 s; the next look, at 5 s, sees it.
    assert_eq!(start.elapsed(), Duration::from_secs(5));
}

/// Every look hangs: a store that accepts the request and never answers.
struct Hangs {
    looks: Mutex<Vec<Instant>>,
}

impl Sensor for Hangs {
    type Input = (String,);
    type Output = String;
    fn task_type(&self) -> &str {
        "hanging-sensor"
    }
    fn interface(&self) -> Interface {
        Interface::of::<(String,), String>(["what"], ["what"])
    }
    async fn poke(&self, _: &ExecutionContext, _: &(String,)) -> Result<Poke<String>, PokeError> {
        self.looks.lock().unwrap().push(Instant::now());
        std::future::pending().await
    }
}

static HANGS: LazyLock<SensorTask<Hangs>> = LazyLock::new(|| {
    SensorTask::of(
        "hangs",
        Hangs {
            looks: Mutex::new(Vec::new()),
        },
    )
    .with_metadata(TaskMetadata::default().timeout("60s"))
    .poll_interval("1s")
    .check_timeout("3s")
    .max_wait("8s")
    .soft_fail(true)
});

#[workflow]
fn wait_hangs(what: String) -> String {
    shout(HANGS(what))
}

#[tokio::test(start_paused = true)]
async fn a_look_that_never_answers_is_abandoned_and_max_wait_still_holds() {
    let summary = Arc::new(RunSummary::default());
    let started = Instant::now();
    let err = wait_hangs::run_with(
        &RunOptions::default().observe(summary.clone()),
        ("x".into(),),
    )
    .await
    .unwrap_err();
    // The sensor's own expiry at max_wait, so soft_fail skips; not the task's 60 s
    // timeout, which would fail the node.
    assert!(matches!(err, RunError::Skipped { .. }), "{err}");
    assert_eq!(started.elapsed(), Duration::from_secs(8));
    assert_eq!(summary.count(NodeStatus::Skipped), 2);
    let looks: Vec<u128> = HANGS
        .sensor()
        .looks
        .lock()
        .unwrap()
        .iter()
        .map(|t| t.duration_since(started).as_millis())
        .collect();
    // Abandoned after 3 s each, then 1 s apart; the last look is cut at the deadline.
    assert_eq!(looks, [0, 4000, 8000]);
}

/// An S3 endpoint on 127.0.0.1 that accepts connections and never answers.
async fn black_hole() -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = listener.accept().await {
            held.push(conn);
        }
    });
    (addr, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_s3_store_that_never_answers_ends_the_wait_at_max_wait() {
    use object_store::aws::AmazonS3Builder;
    let (addr, server) = black_hole().await;
    let store = AmazonS3Builder::new()
        .with_endpoint(format!("http://{addr}"))
        .with_allow_http(true)
        .with_bucket_name("silent")
        .with_region("us-east-1")
        .with_access_key_id("k")
        .with_secret_access_key("s")
        .build()
        .unwrap();
    let fa = Arc::new(
        FileAccess::new()
            .with_store("s3://silent", Arc::new(store))
            .unwrap(),
    );
    let opts = RunOptions::default().file_access(fa);
    let started = std::time::Instant::now();
    let err = wait_silent::run_with(&opts, ("s3://silent/landing/data.csv".into(),))
        .await
        .unwrap_err();
    let waited = started.elapsed();
    server.abort();
    assert!(matches!(err, RunError::Skipped { .. }), "{err}");
    // max_wait is 2 s; one look alone would take the S3 client's 3-minute retry budget.
    assert!(waited < Duration::from_secs(4), "waited {waited:?}");
}

static SILENT: LazyLock<flytekit::plugins::WaitForObjectStoreFile> = LazyLock::new(|| {
    flytekit::plugins::WaitForObjectStoreFile::new("silent-sensor")
        .poll_interval("500ms")
        .max_wait("2s")
        .soft_fail(true)
});

#[workflow]
fn wait_silent(path: String) -> String {
    shout(SILENT(path))
}

/// On a Flyte cluster a skipped sensor cannot say "skipped": Flyte has no such state
/// for a task node. Its error document fails the node with `USER:Skipped`, never
/// retried, and says why, so the nodes after it do not run (as locally) and an
/// on-failure task can tell a skip from a failure.
#[tokio::test(start_paused = true)]
async fn on_a_cluster_a_skipped_sensor_fails_its_node_as_user_skipped_never_retried() {
    use flytekit::entrypoint::{ExecuteRequest, Outcome, execute};
    use flytekit::execution::ClusterIdentity;
    use flytekit::idl::core as pb;
    use prost::Message;

    let mut registry = flytekit::registry::Registry::new();
    registry.task(&SOFT);
    let files = Arc::new(FileAccess::new());
    let req = ExecuteRequest {
        task_name: "soft".into(),
        inputs: "memory:///soft/inputs.pb".into(),
        output_prefix: "memory:///soft/out".into(),
        raw_output_prefix: Some("memory:///soft/raw".into()),
        checkpoint_path: None,
        prev_checkpoint: None,
    };
    let inputs = flytekit::idl::literal_map([("what", &"x".to_string().to_literal())]);
    files
        .put(&req.inputs, inputs.encode_to_vec())
        .await
        .unwrap();
    let outcome = execute(&registry, files.clone(), ClusterIdentity::default(), &req)
        .await
        .unwrap();
    let Outcome::Failed(e) = outcome else {
        panic!("a skip is no success on Flyte: {outcome:?}");
    };
    assert_eq!(e.code, "USER:Skipped");
    assert_eq!(e.kind, pb::ContainerErrorKind::NonRecoverable as i32);
    assert!(e.message.contains("skipped itself"), "{}", e.message);
    assert!(
        e.message.contains("Flyte has no skipped state for a task"),
        "{}",
        e.message
    );
    assert!(files.exists("memory:///soft/out/error.pb").await.unwrap());
}
