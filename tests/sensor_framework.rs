//! The sensor framework under tokio's paused clock (no real waiting): backoff with a
//! cap, jitter within its share, `max_wait` failing without retries, `soft_fail`
//! skipping the node and the nodes after it, and the prefix sensor on the in-memory
//! store.

use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use flyte::data::FileAccess;
use flyte::execution::{NodeStatus, RunError, RunSummary};
use flyte::plugins::WaitForObjectStorePrefix;
use flyte::plugins::sensor::{Poke, PokeError, Sensor, SensorTask, WaitExpired};
use flyte::prelude::*;
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
        Interface::of::<(String,), String>(&["what"], &["what"])
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
    assert_eq!(wait_backoff.run("x".into()).await.unwrap(), "x");
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
    wait_jittery.run("x".into()).await.unwrap();
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
    let err = wait_gives_up.run("x".into()).await.unwrap_err();
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
    let err = gated
        .run_with(&opts, ("x".into(), "four".into()))
        .await
        .unwrap_err();
    let RunError::Skipped { skipped, completed } = &err else {
        panic!("expected a skipped run, got {err}");
    };
    assert_eq!(
        skipped,
        &["sensor_framework.gated/n0", "sensor_framework.gated/n1"]
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
    let n = side_gate
        .run_with(&opts, ("x".into(), "abc".into()))
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
    let found = wait_batch
        .run_with(&opts, ("memory:///batch".into(), 3))
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
