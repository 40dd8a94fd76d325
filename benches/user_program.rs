//! Whole runs as a user's program makes them: `#[tokio::main]`'s runtime, the graph
//! built first, then `workflow::run(..)` timed end to end, so per-run fixed costs
//! count (issue #24's regression showed here and not in the per-node benchmarks).
//! Prints the best of `REPS` runs per shape, in µs per node:
//! `cargo bench --bench user_program`. For a profile of one shape, name it and the
//! number of runs: `USER_PROGRAM_SHAPE=chain_1000 USER_PROGRAM_REPS=2000`.

use std::time::Instant;

use flytekit::prelude::*;

#[task]
fn inc(x: i64) -> i64 {
    x + 1
}

/// 1,000 plain-fn tasks, each waiting for the last.
#[workflow]
fn chain(x: i64) -> i64 {
    let mut v = inc(x);
    for _ in 1..1000 {
        v = inc(v);
    }
    v
}

/// 10,000 independent plain-fn tasks.
#[workflow]
fn fan() -> Vec<i64> {
    let all: Vec<Promise<i64>> = (0..10_000).map(|i| inc(i)).collect();
    all
}

/// A map task over 100,000 items.
#[workflow]
fn mapped(xs: Vec<i64>) -> Vec<i64> {
    map_task(inc).over(xs)
}

const REPS: usize = 20;

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; nothing else is read.
    let _ = (chain::spec(), fan::spec(), mapped::spec());
    let items: Vec<i64> = (0..100_000).collect();
    let only = std::env::var("USER_PROGRAM_SHAPE").ok();
    let reps = std::env::var("USER_PROGRAM_REPS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(REPS);
    for (shape, nodes) in [
        ("chain_1000", 1_000.0),
        ("fan_out_10000", 10_000.0),
        ("map_100000", 100_000.0),
    ] {
        if only.as_deref().is_some_and(|o| o != shape) {
            continue;
        }
        let mut best = f64::MAX;
        for _ in 0..reps {
            let started = Instant::now();
            match shape {
                "chain_1000" => drop(chain::run(0).await.unwrap()),
                "fan_out_10000" => drop(fan::run().await.unwrap()),
                _ => drop(mapped::run(items.clone()).await.unwrap()),
            }
            best = best.min(started.elapsed().as_secs_f64() * 1e6 / nodes);
        }
        println!("{shape}: {best:.3} µs per node (best of {reps} whole runs)");
    }
}
