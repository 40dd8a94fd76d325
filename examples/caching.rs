//! Cached tasks: the first run computes, the second reuses the stored outputs, and a
//! new input or version misses. With arguments it is the program's command line, so
//! `cargo run --example caching -- run squares_then_sum --input xs='[1, 2, 3]'`
//! shows the node table with `cached` rows on the second run.
//!
//! Run with `cargo run --example caching`.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use flytekit::execution::RunSummary;
use flytekit::prelude::*;

/// Squares a number slowly. With `cache_serialize`, equal calls running at once (in
/// this process or another) compute it once.
#[task(cache = true, cache_version = "1", cache_serialize = true)]
async fn slow_square(x: i64) -> i64 {
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Lets a test count real executions across processes.
    if let Some(marker) = std::env::var_os("CACHING_EXAMPLE_MARKER") {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(marker)
            .expect("marker file");
        // One write per line: items running at once append whole lines.
        f.write_all(format!("{x}\n").as_bytes())
            .expect("marker written");
    }
    x * x
}

#[task]
fn total(values: Vec<i64>) -> i64 {
    values.iter().sum()
}

#[workflow]
fn squares_then_sum(xs: Vec<i64>) -> i64 {
    total(map_task(&slow_square).over(xs))
}

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    if std::env::args_os().len() > 1 {
        return Ok(flytekit::cli::App::new()
            .workflow(&squares_then_sum {})
            .main()
            .await);
    }
    let dir = std::env::temp_dir().join(format!("flyte-caching-example-{}", std::process::id()));
    for (label, xs) in [
        ("first run", vec![1, 2, 3]),
        ("same inputs", vec![1, 2, 3]),
        ("one new item", vec![1, 2, 3, 4]),
    ] {
        let summary = Arc::new(RunSummary::default());
        let options = RunOptions::default()
            .cache_dir(&dir)
            .observe(summary.clone());
        let started = Instant::now();
        let sum = squares_then_sum::run_with(&options, (xs,)).await?;
        println!(
            "{label}: sum {sum} in {} ms, {} of the items from the cache",
            started.elapsed().as_millis(),
            summary.count(flytekit::execution::NodeStatus::Cached)
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(std::process::ExitCode::SUCCESS)
}
