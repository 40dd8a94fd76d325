//! Workflows run through the local executor: ordering, parallelism, retries,
//! timeouts, panics, failure propagation.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use flytekit::prelude::*;
use flytekit::task::TaskError as Te;

/// Start and end of each run of a task, per test.
type Intervals = Mutex<Vec<(String, Instant, Instant)>>;

fn record(log: &Intervals, name: &str, start: Instant) {
    log.lock()
        .unwrap()
        .push((name.to_string(), start, Instant::now()));
}

/// Asserts every pair of intervals overlaps: each started before every other ended.
fn assert_all_overlap(log: &Intervals, expected: usize) {
    let log = log.lock().unwrap();
    assert_eq!(log.len(), expected, "{log:?}");
    let last_start = log.iter().map(|(_, s, _)| *s).max().unwrap();
    let first_end = log.iter().map(|(_, _, e)| *e).min().unwrap();
    assert!(
        last_start < first_end,
        "the intervals do not all overlap: the last one started after the first one ended"
    );
}

// ---- parallelism ------------------------------------------------------------------

static ASYNC_LOG: Intervals = Mutex::new(Vec::new());

#[task]
async fn sleep_async(label: String) -> String {
    let start = Instant::now();
    tokio::time::sleep(Duration::from_millis(200)).await;
    record(&ASYNC_LOG, &label, start);
    label
}

#[workflow]
fn four_async() -> (String, String, String, String) {
    (
        sleep_async("a"),
        sleep_async("b"),
        sleep_async("c"),
        sleep_async("d"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn independent_async_nodes_run_at_the_same_time() {
    let out = four_async::run().await.unwrap();
    assert_eq!(out, ("a".into(), "b".into(), "c".into(), "d".into()));
    assert_all_overlap(&ASYNC_LOG, 4);
}

static BLOCKING_LOG: Intervals = Mutex::new(Vec::new());

#[task]
fn sleep_blocking(label: String) -> String {
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(200));
    record(&BLOCKING_LOG, &label, start);
    label
}

#[workflow]
fn four_blocking() -> (String, String, String, String) {
    (
        sleep_blocking("a"),
        sleep_blocking("b"),
        sleep_blocking("c"),
        sleep_blocking("d"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn independent_blocking_nodes_run_at_the_same_time_even_on_two_workers() {
    four_blocking::run().await.unwrap();
    assert_all_overlap(&BLOCKING_LOG, 4);
}

// ---- ordering ---------------------------------------------------------------------

static DIAMOND_LOG: Intervals = Mutex::new(Vec::new());

#[task]
async fn step(label: String, _after: i64) -> i64 {
    let start = Instant::now();
    tokio::time::sleep(Duration::from_millis(100)).await;
    record(&DIAMOND_LOG, &label, start);
    1
}

#[task]
fn join2(a: i64, b: i64) -> i64 {
    a + b
}

#[workflow]
fn diamond() -> i64 {
    let top = step("top", 0);
    let left = step("left", top);
    let right = step("right", top);
    let bottom = step("bottom", join2(left, right));
    join2(bottom, top)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_starts_only_after_all_its_upstream_nodes_finished() {
    assert_eq!(diamond::run().await.unwrap(), 2);
    let log = DIAMOND_LOG.lock().unwrap();
    let get = |name: &str| log.iter().find(|(n, _, _)| n == name).unwrap().clone();
    let (top, left, right, bottom) = (get("top"), get("left"), get("right"), get("bottom"));
    assert!(left.1 >= top.2 && right.1 >= top.2);
    assert!(bottom.1 >= left.2 && bottom.1 >= right.2);
    // left and right only wait for top, so they overlap.
    assert!(left.1 < right.2 && right.1 < left.2);
}

// ---- retries ----------------------------------------------------------------------

static FLAKY_CALLS: AtomicU32 = AtomicU32::new(0);

#[task(retries = 3)]
fn flaky(x: i64) -> Result<i64, String> {
    let n = FLAKY_CALLS.fetch_add(1, Ordering::SeqCst) + 1;
    if n < 3 {
        Err(format!("flaky failure #{n}"))
    } else {
        Ok(x * 10)
    }
}

#[workflow]
fn uses_flaky(x: i64) -> i64 {
    flaky(x)
}

#[tokio::test]
async fn a_task_failing_twice_with_three_retries_succeeds_on_the_third_attempt() {
    assert_eq!(uses_flaky::run(4).await.unwrap(), 40);
    assert_eq!(FLAKY_CALLS.load(Ordering::SeqCst), 3);
}

static ALWAYS_CALLS: AtomicU32 = AtomicU32::new(0);

#[task(retries = 2)]
async fn always_fails(x: i64) -> anyhow::Result<i64> {
    ALWAYS_CALLS.fetch_add(1, Ordering::SeqCst);
    anyhow::bail!("no luck with {x}")
}

#[workflow]
fn uses_always_fails(x: i64) -> i64 {
    always_fails(x)
}

#[tokio::test]
async fn retries_run_out_and_the_error_names_workflow_node_task_and_attempt() {
    let err = uses_always_fails::run(7).await.unwrap_err();
    assert_eq!(ALWAYS_CALLS.load(Ordering::SeqCst), 3);
    let f = err.failure().unwrap();
    assert_eq!(f.workflow, "local.executor.uses_always_fails");
    assert_eq!(f.node, "n0");
    assert_eq!(f.path, "local.executor.uses_always_fails/n0");
    assert_eq!(f.task, "local.executor.always_fails");
    assert_eq!((f.attempt, f.max_attempts), (3, 3));
    assert!(matches!(f.error, Te::Failed(_)));
    assert_eq!(
        err.to_string(),
        "workflow `local.executor.uses_always_fails` node `n0` \
         (task `local.executor.always_fails`) failed on attempt 3 of 3: task returned an error: \
         no luck with 7"
    );
    // Through anyhow, the task's own message is there once.
    let chain = format!("{:#}", anyhow::Error::from(err));
    assert_eq!(chain.matches("no luck with 7").count(), 1, "{chain}");
}

static PERMANENT_CALLS: AtomicU32 = AtomicU32::new(0);

struct Permanent;

impl Task for Permanent {
    type Input = ();
    type Output = ();
    fn name(&self) -> &str {
        "permanent"
    }
    fn task_type(&self) -> &str {
        "test"
    }
    fn interface(&self) -> Interface {
        Interface::of::<(), ()>([], [])
    }
    fn metadata(&self) -> &TaskMetadata {
        static M: std::sync::LazyLock<TaskMetadata> =
            std::sync::LazyLock::new(|| TaskMetadata::default().retries(5));
        &M
    }
    async fn execute(&self, _: ExecutionContext, (): ()) -> Result<(), TaskError> {
        PERMANENT_CALLS.fetch_add(1, Ordering::SeqCst);
        Err(TaskError::permanent("the input can never work"))
    }
}

static PERMANENT: Permanent = Permanent;

#[workflow]
fn uses_permanent() {
    PERMANENT()
}

#[tokio::test]
async fn a_permanent_error_is_not_retried() {
    let err = uses_permanent::run().await.unwrap_err();
    assert_eq!(PERMANENT_CALLS.load(Ordering::SeqCst), 1);
    let f = err.failure().unwrap();
    assert_eq!((f.attempt, f.max_attempts), (1, 6));
}

// ---- timeouts ---------------------------------------------------------------------

static SLOW_ATTEMPTS: AtomicU32 = AtomicU32::new(0);

#[task(timeout = "50ms", retries = 1)]
async fn too_slow() -> i64 {
    SLOW_ATTEMPTS.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(3600)).await;
    1
}

#[workflow]
fn uses_too_slow() -> i64 {
    too_slow()
}

#[tokio::test(start_paused = true)]
async fn an_async_task_past_its_timeout_is_cancelled_and_retried() {
    let err = uses_too_slow::run().await.unwrap_err();
    let f = err.failure().unwrap();
    assert!(matches!(f.error, Te::TimedOut(d) if d == Duration::from_millis(50)));
    assert_eq!(SLOW_ATTEMPTS.load(Ordering::SeqCst), 2);
    assert!(
        err.to_string().ends_with("task timed out after 50ms"),
        "{err}"
    );
}

static BLOCKING_DONE: AtomicBool = AtomicBool::new(false);

#[task(timeout = "100ms")]
fn blocks_too_long() -> i64 {
    std::thread::sleep(Duration::from_millis(800));
    BLOCKING_DONE.store(true, Ordering::SeqCst);
    1
}

#[workflow]
fn uses_blocks_too_long() -> i64 {
    blocks_too_long()
}

#[tokio::test]
async fn a_blocking_task_past_its_timeout_fails_its_node_without_waiting_for_it() {
    let err = uses_blocks_too_long::run().await.unwrap_err();
    assert!(matches!(err.failure().unwrap().error, Te::TimedOut(_)));
    // The run returned while the blocking body was still sleeping.
    assert!(!BLOCKING_DONE.load(Ordering::SeqCst));
}

// ---- panics -----------------------------------------------------------------------

#[task]
fn panics_sync(x: i64) -> i64 {
    if x > 0 {
        panic!("boom {x}");
    }
    x
}

#[task]
async fn panics_async(x: i64) -> i64 {
    if x > 0 {
        panic!("async boom {x}");
    }
    x
}

#[workflow]
fn uses_panics(x: i64) -> (i64, i64) {
    (panics_sync(x), panics_async(x))
}

#[tokio::test]
async fn a_panic_in_a_task_is_a_task_failure_not_a_crash() {
    let err = uses_panics::run(3).await.unwrap_err();
    let mut messages: Vec<String> = err
        .failures()
        .iter()
        .map(|f| match &f.error {
            Te::Panicked(m) => m.clone(),
            other => panic!("expected a panic failure, got {other:?}"),
        })
        .collect();
    messages.sort();
    assert_eq!(messages, ["async boom 3", "boom 3"]);
    // And the same workflow still runs fine afterwards.
    assert_eq!(uses_panics::run(0).await.unwrap(), (0, 0));
}

// ---- failure propagation ----------------------------------------------------------

static AFTER_FAILURE_STARTED: AtomicBool = AtomicBool::new(false);
static AFTER_SLOW_STARTED: AtomicBool = AtomicBool::new(false);

#[task]
async fn fails_fast(x: i64) -> Result<i64, std::io::Error> {
    Err(std::io::Error::other(format!("fails fast on {x}")))
}

#[task]
async fn slow_ok(x: i64) -> i64 {
    tokio::time::sleep(Duration::from_millis(100)).await;
    x + 1
}

#[task]
fn after_failure(x: i64) -> i64 {
    AFTER_FAILURE_STARTED.store(true, Ordering::SeqCst);
    x
}

#[task]
fn after_slow(x: i64) -> i64 {
    AFTER_SLOW_STARTED.store(true, Ordering::SeqCst);
    x
}

#[workflow]
fn partly_failing(x: i64) -> (i64, i64) {
    let bad = fails_fast(x);
    let good = slow_ok(x);
    (after_failure(bad), after_slow(good))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_failure_running_nodes_finish_and_no_new_node_starts() {
    let err = partly_failing::run(1).await.unwrap_err();
    assert_eq!(err.failures().len(), 1);
    assert_eq!(err.failure().unwrap().node, "n0");
    let completed = err.completed().unwrap();
    // slow_ok was running when fails_fast failed: it finished and its output is kept.
    assert_eq!(completed.get::<i64>("n1", "o0"), Some(2));
    assert_eq!(completed.task("n1"), Some("local.executor.slow_ok"));
    assert_eq!(completed.len(), 1);
    assert!(!AFTER_FAILURE_STARTED.load(Ordering::SeqCst));
    assert!(!AFTER_SLOW_STARTED.load(Ordering::SeqCst));
}

// ---- invalid settings -------------------------------------------------------------

struct BadTimeout;

impl Task for BadTimeout {
    type Input = ();
    type Output = ();
    fn name(&self) -> &str {
        "bad-timeout"
    }
    fn task_type(&self) -> &str {
        "test"
    }
    fn interface(&self) -> Interface {
        Interface::default()
    }
    fn metadata(&self) -> &TaskMetadata {
        static M: std::sync::LazyLock<TaskMetadata> =
            std::sync::LazyLock::new(|| TaskMetadata::default().timeout("1H"));
        &M
    }
    async fn execute(&self, _: ExecutionContext, (): ()) -> Result<(), TaskError> {
        panic!("must not run");
    }
}

static BAD_TIMEOUT: BadTimeout = BadTimeout;

#[workflow]
fn uses_bad_timeout() {
    BAD_TIMEOUT()
}

#[tokio::test]
async fn a_bad_duration_fails_the_run_before_any_node_starts_and_names_the_value() {
    let err = uses_bad_timeout::run().await.unwrap_err();
    assert!(matches!(err, RunError::InvalidTask { ref task, .. } if task == "bad-timeout"));
    let full = format!("{:#}", anyhow::Error::from(err));
    assert!(
        full.contains("invalid duration `1H` for `timeout`"),
        "{full}"
    );
}

// ---- options ----------------------------------------------------------------------

#[task]
async fn who_am_i() -> String {
    "me".into()
}

#[workflow]
fn named_run() -> String {
    who_am_i()
}

#[tokio::test]
async fn run_with_takes_options_and_a_tuple_of_inputs() {
    let opts = RunOptions::default().execution_id("exec-1");
    assert_eq!(named_run::run_with(&opts, ()).await.unwrap(), "me");
}

// ---- failure policy and the on-failure task ------------------------------------------------

use flytekit::execution::RunError;
use flytekit::types::FlyteError;

static LATE_RAN: AtomicU32 = AtomicU32::new(0);
static AFTER_FAIL_RAN: AtomicU32 = AtomicU32::new(0);
static CLEANUPS: Mutex<Vec<(i64, Option<FlyteError>)>> = Mutex::new(Vec::new());

#[task]
fn breaks(x: i64) -> Result<i64, std::io::Error> {
    Err(std::io::Error::other(format!("broke on {x}")))
}

#[task]
async fn slow_step(x: i64) -> i64 {
    tokio::time::sleep(Duration::from_millis(50)).await;
    x + 1
}

/// Starts only once `slow_step` finished, long after `breaks` failed.
#[task]
fn late_step(x: i64) -> i64 {
    LATE_RAN.fetch_add(1, Ordering::SeqCst);
    x + 1
}

#[task]
fn after_breaks(x: i64) -> i64 {
    AFTER_FAIL_RAN.fetch_add(1, Ordering::SeqCst);
    x
}

#[task]
fn note_failure(x: i64, err: Option<FlyteError>) {
    CLEANUPS.lock().unwrap().push((x, err));
}

#[task]
fn failing_cleanup(x: i64) -> Result<(), std::io::Error> {
    Err(std::io::Error::other(format!("cleanup of {x} failed too")))
}

#[workflow]
fn stops_at_once(x: i64) -> (i64, i64) {
    let broken = breaks(x);
    let late = late_step(slow_step(x));
    (after_breaks(broken), late)
}

#[workflow(failure_policy = fail_after_executable_nodes_complete, on_failure = note_failure)]
fn runs_what_it_can(x: i64) -> (i64, i64) {
    let broken = breaks(x);
    let late = late_step(slow_step(x));
    (after_breaks(broken), late)
}

#[workflow(on_failure = failing_cleanup)]
fn cleanup_fails_too(x: i64) -> i64 {
    breaks(x)
}

fn failures(err: RunError) -> Vec<(String, String)> {
    match err {
        RunError::NodeFailed { failures, .. } => failures
            .into_iter()
            .map(|f| (f.node.clone(), f.task.clone()))
            .collect(),
        other => panic!("expected node failures, got {other:?}"),
    }
}

#[tokio::test]
async fn a_failure_policy_decides_whether_independent_nodes_still_start() {
    LATE_RAN.store(0, Ordering::SeqCst);
    AFTER_FAIL_RAN.store(0, Ordering::SeqCst);
    // Fail immediately (the default): `late_step` was not started yet, so it never is.
    let err = stops_at_once::run(7).await.unwrap_err();
    assert_eq!(failures(err).len(), 1);
    assert_eq!(LATE_RAN.load(Ordering::SeqCst), 0);
    // Fail after executable nodes: `late_step` still runs; what needs `breaks` does not.
    CLEANUPS.lock().unwrap().clear();
    let err = runs_what_it_can::run(7).await.unwrap_err();
    let text = err.to_string();
    assert_eq!(
        failures(err),
        [("n0".to_string(), "local.executor.breaks".to_string())],
        "{text}"
    );
    assert_eq!(LATE_RAN.load(Ordering::SeqCst), 1);
    assert_eq!(AFTER_FAIL_RAN.load(Ordering::SeqCst), 0);
    // The on-failure task got the workflow's input and the first failure.
    let cleanups = CLEANUPS.lock().unwrap().clone();
    assert_eq!(cleanups.len(), 1, "{cleanups:?}");
    let (x, err) = &cleanups[0];
    assert_eq!(*x, 7);
    let err = err.as_ref().expect("the error is passed");
    assert_eq!(err.failed_node_id, "n0");
    assert!(err.message.contains("broke on 7"), "{}", err.message);
}

#[tokio::test]
async fn an_on_failure_task_that_fails_adds_its_failure() {
    let err = cleanup_fails_too::run(3).await.unwrap_err();
    let text = format!("{err}: {err:?}");
    assert_eq!(
        failures(err),
        [
            ("n0".to_string(), "local.executor.breaks".to_string()),
            (
                "fn0".to_string(),
                "local.executor.failing_cleanup".to_string()
            )
        ],
        "{text}"
    );
}

// ---- gates ---------------------------------------------------------------------------------

use flytekit::workflow::gate::{approve, sleep, wait_for_input};

#[task]
fn bump(x: i64) -> i64 {
    x + 1
}

#[task]
fn ship(x: i64, ok: bool) -> i64 {
    if ok { x } else { -1 }
}

#[workflow]
fn gated(x: i64) -> i64 {
    let pause = sleep("10m");
    let ok: Promise<bool> = wait_for_input("approve-deploy", "1h");
    let y = bump(x);
    pause >> y;
    let z = approve(y, "release", "2h");
    ship(z, ok)
}

#[tokio::test(start_paused = true)]
async fn gates_sleep_on_tokios_clock_and_take_signals_from_the_run_options() {
    let options = RunOptions::default()
        .signal("approve-deploy", true)
        .signal("release", true);
    let before = tokio::time::Instant::now();
    assert_eq!(gated::run_with(&options, (1,)).await.unwrap(), 2);
    // Ten minutes on the paused clock, no real time.
    assert!(tokio::time::Instant::now() - before >= Duration::from_secs(600));
    // The input's value decides; a text value is read against the gate's type.
    let options = RunOptions::default()
        .signal_text("approve-deploy", "false")
        .signal("release", true);
    assert_eq!(gated::run_with(&options, (1,)).await.unwrap(), -1);
}

#[tokio::test(start_paused = true)]
async fn a_rejected_approval_or_a_missing_signal_fails_the_gate_naming_it() {
    let options = RunOptions::default()
        .signal("approve-deploy", true)
        .signal("release", false);
    let err = gated::run_with(&options, (1,)).await.unwrap_err();
    let text = format!("{}", flytekit::task::ErrorChain::new(&err));
    assert!(text.contains("`release` was not approved"), "{text}");
    let options = RunOptions::default().signal("release", true);
    let err = gated::run_with(&options, (1,)).await.unwrap_err();
    let text = format!("{}", flytekit::task::ErrorChain::new(&err));
    assert!(
        text.contains("no value for signal `approve-deploy` (boolean)"),
        "{text}"
    );
    assert!(text.contains("--signal approve-deploy=VALUE"), "{text}");
    // A prompt answers what the options do not.
    let options = RunOptions::default()
        .signal("release", true)
        .signal_prompt(std::sync::Arc::new(|name: &str, _: &_| {
            (name == "approve-deploy").then(|| "yes".to_string())
        }));
    assert_eq!(gated::run_with(&options, (4,)).await.unwrap(), 5);
}

// ---- NonRecoverable through anyhow and source chains ---------------------------------------

static MARKED_CALLS: AtomicU32 = AtomicU32::new(0);

#[derive(Debug)]
struct Wrapped(flytekit::task::NonRecoverable);

impl std::fmt::Display for Wrapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("while loading the config")
    }
}

impl std::error::Error for Wrapped {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

#[task(retries = 3)]
fn marked(how: String) -> anyhow::Result<i64> {
    use anyhow::Context;
    MARKED_CALLS.fetch_add(1, Ordering::SeqCst);
    let bad = || flytekit::task::NonRecoverable::new("bad input");
    match how.as_str() {
        "plain" => Err(bad().into()),
        "context" => Err(bad()).context("reading the input"),
        "wrapped" => Err(Wrapped(bad()).into()),
        _ => Err(anyhow::anyhow!("transient")),
    }
}

#[workflow]
fn marked_wf(how: String) -> i64 {
    marked(how)
}

#[tokio::test]
async fn non_recoverable_is_found_inside_anyhow_and_source_chains() {
    for how in ["plain", "context", "wrapped"] {
        MARKED_CALLS.store(0, Ordering::SeqCst);
        let err = marked_wf::run(how.to_string()).await.unwrap_err();
        assert_eq!(
            MARKED_CALLS.load(Ordering::SeqCst),
            1,
            "{how}: not retried: {err}"
        );
        let text = flytekit::task::ErrorChain::new(&err).to_string();
        assert!(text.contains("bad input"), "{how}: {text}");
    }
    // An ordinary error is retried.
    MARKED_CALLS.store(0, Ordering::SeqCst);
    marked_wf::run("other".to_string()).await.unwrap_err();
    assert_eq!(MARKED_CALLS.load(Ordering::SeqCst), 4);
}
