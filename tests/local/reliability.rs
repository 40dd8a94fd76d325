//! Fault injection: 1,000 seeded runs of a 50-node workflow whose tasks fail, panic,
//! hang past their timeout or fail permanently at random, and whose object store
//! fails a share of its calls. Every run must end with the right outputs or a typed
//! error naming the node, task and attempt, keeping the right outputs of the nodes
//! that finished; never a hang past the timeouts, a panic out of the executor, or a
//! wrong (cached) value. Runs under tokio's paused clock, so hangs cost no real time.
//! The counts go to RELIABILITY.md.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use flytekit::data::FileAccess;
use flytekit::execution::{NodeStatus, RunError, RunSummary};
use flytekit::prelude::*;
use flytekit::task::{BoxError, NonRecoverable};
use object_store::memory::InMemory;

use crate::support;
use support::{Fault, Probe};

const RUNS: u64 = 1_000;
const WIDTH: usize = 5;
const LAYERS: usize = 10;

/// The value every node computes; faults never change it.
fn combine(a: i64, b: i64) -> i64 {
    a.wrapping_mul(31).wrapping_add(b).rem_euclid(1_000_003)
}

/// SplitMix64, for reproducible fault decisions.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The fault for this attempt of this node in this run (the run's seed is in its
/// execution id).
fn fault_roll(ctx: &ExecutionContext) -> u64 {
    let seed: u64 = ctx
        .execution_id()
        .trim_start_matches("rel-")
        .parse()
        .unwrap_or(0);
    let node: u64 = ctx.node_id().trim_start_matches('n').parse().unwrap_or(0);
    mix(seed ^ mix(node) ^ mix(ctx.attempt() as u64 * 7919)) % 1000
}

/// One node: maybe a fault, then the value written to and read back from the store.
async fn work(a: i64, b: i64) -> Result<i64, BoxError> {
    let ctx = ExecutionContext::current().ok_or("runs as a task")?;
    match fault_roll(&ctx) {
        0..=39 => return Err("injected failure".into()),
        40..=59 => panic!("injected panic in {}", ctx.node_id()),
        60..=79 => tokio::time::sleep(Duration::from_secs(3600)).await,
        80..=84 => return Err(NonRecoverable::new("injected permanent failure").into()),
        _ => {}
    }
    let value = combine(a, b);
    let location = format!("memory:///rel/{}/{}", ctx.execution_id(), ctx.node_id());
    ctx.file_access()
        .put(&location, value.to_le_bytes().to_vec())
        .await?;
    let back = ctx.file_access().get(&location).await?;
    let bytes: [u8; 8] = back.as_ref().try_into()?;
    Ok(i64::from_le_bytes(bytes))
}

#[task(retries = 2, timeout = "50ms")]
async fn step(a: i64, b: i64) -> Result<i64, BoxError> {
    work(a, b).await
}

#[task(retries = 2, timeout = "50ms", cache = true, cache_version = "1")]
async fn cached_step(a: i64, b: i64) -> Result<i64, BoxError> {
    work(a, b).await
}

#[workflow]
fn mesh(x: i64) -> (i64, i64, i64, i64, i64) {
    let mut layer = vec![
        step(x, 0),
        step(x, 1),
        step(x, 2),
        cached_step(x, 3),
        step(x, 4),
    ];
    for _ in 1..10 {
        layer = vec![
            step(layer[0], layer[1]),
            step(layer[1], layer[2]),
            cached_step(layer[2], layer[3]),
            step(layer[3], layer[4]),
            step(layer[4], layer[0]),
        ];
    }
    (layer[0], layer[1], layer[2], layer[3], layer[4])
}

/// What each node `nK` must produce for input `x`, by node id.
fn expected(x: i64) -> BTreeMap<String, i64> {
    let mut values = BTreeMap::new();
    let mut layer: Vec<i64> = (0..WIDTH as i64).map(|k| combine(x, k)).collect();
    let mut id = 0;
    for l in 0..LAYERS {
        if l > 0 {
            layer = (0..WIDTH)
                .map(|k| combine(layer[k], layer[(k + 1) % WIDTH]))
                .collect();
        }
        for v in &layer {
            values.insert(format!("n{id}"), *v);
            id += 1;
        }
    }
    values
}

#[derive(Debug, Default)]
struct Tally {
    succeeded: u64,
    failed: BTreeMap<&'static str, u64>,
    cache_hits: u64,
    nodes_kept_from_failed_runs: u64,
    store_faults: u64,
    violations: Vec<String>,
}

#[tokio::test(start_paused = true)]
async fn a_thousand_seeded_runs_end_in_right_outputs_or_typed_errors() {
    assert_eq!(mesh::spec().nodes.len(), WIDTH * LAYERS);
    // Thousands of injected panics would flood the log; other panics still print.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let injected = info
            .payload()
            .downcast_ref::<String>()
            .is_some_and(|m| m.starts_with("injected panic"));
        if !injected {
            default_hook(info);
        }
    }));
    let cache = std::env::temp_dir().join(format!("flyte-reliability-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let mut tally = Tally::default();

    for seed in 0..RUNS {
        let x = (seed % 5) as i64;
        let want = expected(x);
        let store = Probe::new(
            InMemory::new(),
            Fault::Share {
                per_mille: 15,
                seed: mix(seed),
            },
        );
        let files = FileAccess::new()
            .with_store("memory:///", store.clone())
            .unwrap();
        let summary = Arc::new(RunSummary::default());
        let opts = RunOptions::default()
            .execution_id(format!("rel-{seed}"))
            .file_access(Arc::new(files))
            .cache_dir(&cache)
            .observe(summary.clone());
        // Every path is at most 10 nodes of 3 attempts of 50 ms: far under a minute.
        let run = tokio::spawn(async move {
            tokio::time::timeout(Duration::from_secs(60), mesh::run_with(&opts, (x,))).await
        });
        let outcome = match run.await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => {
                tally
                    .violations
                    .push(format!("seed {seed}: hung past the timeouts"));
                continue;
            }
            Err(e) => {
                tally
                    .violations
                    .push(format!("seed {seed}: executor panicked: {e}"));
                continue;
            }
        };
        tally.cache_hits += summary.count(NodeStatus::Cached) as u64;
        tally.store_faults += store.injected() as u64;
        match outcome {
            Ok(out) => {
                let last: Vec<i64> = (45..50).map(|k| want[&format!("n{k}")]).collect();
                if [out.0, out.1, out.2, out.3, out.4] == last[..] {
                    tally.succeeded += 1;
                } else {
                    tally
                        .violations
                        .push(format!("seed {seed}: wrong outputs {out:?}"));
                }
            }
            Err(RunError::NodeFailed {
                failures,
                completed,
            }) => {
                let first = &failures[0];
                if first.workflow != "local.reliability.mesh"
                    || !first.node.starts_with('n')
                    || !first.task.starts_with("local.reliability.")
                    || first.attempt == 0
                    || first.attempt > first.max_attempts
                {
                    tally
                        .violations
                        .push(format!("seed {seed}: failure not named: {first}"));
                }
                let kind = match &first.error {
                    TaskError::Panicked(_) => "panicked on the last attempt",
                    TaskError::TimedOut(_) => "timed out on the last attempt",
                    TaskError::Permanent(_) => "failed permanently (not retried)",
                    TaskError::Failed(e) if e.to_string().contains("object store") => {
                        "store errors on every attempt"
                    }
                    TaskError::Failed(_) => "failed on every attempt",
                    _ => "other",
                };
                *tally.failed.entry(kind).or_default() += 1;
                for node in completed.nodes() {
                    match completed.get::<i64>(node, "o0") {
                        Some(v) if Some(&v) == want.get(node) => {
                            tally.nodes_kept_from_failed_runs += 1
                        }
                        other => tally
                            .violations
                            .push(format!("seed {seed}: node {node} kept {other:?}")),
                    }
                }
            }
            Err(other) => tally
                .violations
                .push(format!("seed {seed}: unexpected error kind: {other}")),
        }
    }
    let _ = std::fs::remove_dir_all(&cache);

    println!("{tally:#?}");
    assert!(tally.violations.is_empty(), "{:#?}", tally.violations);
    let failed: u64 = tally.failed.values().sum();
    assert_eq!(tally.succeeded + failed, RUNS);
    // The faults did happen, and both outcomes occurred.
    assert!(tally.succeeded > 0 && failed > 0, "{tally:#?}");
    assert!(tally.store_faults > 0 && tally.cache_hits > 0, "{tally:#?}");
}
