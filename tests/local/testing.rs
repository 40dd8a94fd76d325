//! Testing helpers for users' own tests: tasks replaced by typed mocks for one run,
//! and sensor waits, backoff and timeouts under tokio's paused clock.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use flytekit::execution::{NodeStatus, RunError, RunSummary};
use flytekit::plugins::WaitForObjectStoreFile;
use flytekit::prelude::*;

static REAL_FETCHES: AtomicU32 = AtomicU32::new(0);

/// Stands for a task that would reach the network.
#[task(retries = 2)]
async fn fetch(url: String, page: i64) -> String {
    REAL_FETCHES.fetch_add(1, Ordering::SeqCst);
    format!("real {url} {page}")
}

#[task]
fn word_count(text: String) -> i64 {
    text.split_whitespace().count() as i64
}

#[workflow]
fn page_words(url: String) -> i64 {
    word_count(fetch(url, 1))
}

#[tokio::test]
async fn a_mock_replaces_the_task_with_its_own_types_and_the_rest_runs_for_real() {
    let before = REAL_FETCHES.load(Ordering::SeqCst);
    let opts = RunOptions::default().mock(&fetch {}, |(url, page): (String, i64)| {
        format!("mocked page {page} of {url}")
    });
    assert_eq!(
        page_words::run_with(&opts, ("x.org".into(),))
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        REAL_FETCHES.load(Ordering::SeqCst),
        before,
        "the real task did not run"
    );
    // Without the mock, the real task runs.
    assert_eq!(page_words::run("x.org".into()).await.unwrap(), 3);
}

#[tokio::test]
async fn a_failing_mock_goes_through_the_tasks_retries() {
    let calls = Arc::new(AtomicU32::new(0));
    let seen = calls.clone();
    let summary = Arc::new(RunSummary::default());
    let opts = RunOptions::default().observe(summary.clone()).mock_result(
        &fetch {},
        move |(url, _): (String, i64)| match seen.fetch_add(1, Ordering::SeqCst) {
            0 | 1 => Err(TaskError::failed(format!("{url} timed out"))),
            _ => Ok("third time lucky".to_string()),
        },
    );
    assert_eq!(page_words::run_with(&opts, ("y".into(),)).await.unwrap(), 3);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let fetch_record = summary
        .records()
        .into_iter()
        .find(|r| r.task == "local.testing.fetch")
        .unwrap();
    assert_eq!(fetch_record.attempts, 3);

    // A mock that keeps failing fails the run like the task would.
    let opts = RunOptions::default().mock_result(&fetch {}, |_| {
        Err(TaskError::permanent("no network in tests"))
    });
    let err = page_words::run_with(&opts, ("z".into(),))
        .await
        .unwrap_err();
    assert!(matches!(err, RunError::NodeFailed { .. }));
    assert_eq!(err.failure().unwrap().attempt, 1);
}

static LANDING: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("landing")
        .poll_interval("10m")
        .backoff(2.0, "1h")
        .max_wait("6h")
        .soft_fail(true)
});

#[task(timeout = "2h")]
async fn slow_report(path: String) -> String {
    tokio::time::sleep(Duration::from_secs(3600)).await;
    format!("report on {path}")
}

#[workflow]
fn nightly(path: String) -> String {
    slow_report(LANDING(path))
}

#[tokio::test(start_paused = true)]
async fn under_the_paused_clock_hours_of_waiting_cost_no_real_time() {
    let real = std::time::Instant::now();
    let virtual_start = tokio::time::Instant::now();
    let summary = Arc::new(RunSummary::default());
    let opts = RunOptions::default().observe(summary.clone());
    let err = nightly::run_with(&opts, ("memory:///never/lands.csv".into(),))
        .await
        .unwrap_err();
    assert!(matches!(err, RunError::Skipped { .. }), "{err}");
    assert_eq!(summary.count(NodeStatus::Skipped), 2);
    assert_eq!(virtual_start.elapsed(), Duration::from_secs(6 * 3600));

    // The same workflow with the sensor mocked: the hour-long task still "takes" an
    // hour of virtual time.
    let virtual_start = tokio::time::Instant::now();
    let opts = RunOptions::default().mock(&LANDING, |(path,): (String,)| path);
    let out = nightly::run_with(&opts, ("memory:///x".into(),))
        .await
        .unwrap();
    assert_eq!(out, "report on memory:///x");
    assert_eq!(virtual_start.elapsed(), Duration::from_secs(3600));
    assert!(
        real.elapsed() < Duration::from_secs(5),
        "{:?}",
        real.elapsed()
    );
}
