//! A dynamic task: its graph is built when it runs, from its input values, so the
//! number of nodes depends on the data. Prints the partitions and their results.
//!
//! Run with `cargo run --example dynamic_fanout`. With arguments it is the program's
//! command line (`cargo run --example dynamic_fanout -- package --fast --image ...`).

use flytekit::prelude::*;

/// Splits a range into chunks of at most `size`.
#[task]
fn partition(total: i64, size: i64) -> Vec<i64> {
    (0..total).step_by(size.max(1) as usize).collect()
}

#[task]
async fn process(start: i64, end: i64) -> i64 {
    let sum: i64 = (start..end).sum();
    println!("  processed {start}..{end}: sum {sum}");
    sum
}

#[task]
fn combine(parts: Vec<i64>) -> i64 {
    parts.iter().sum()
}

/// One `process` node per chunk: how many depends on `starts`, known only at run time.
#[dynamic]
fn process_all(starts: Vec<i64>, size: i64, total: i64) -> (i64, i64) {
    println!("  building a graph with {} chunk nodes", starts.len());
    let parts: Vec<_> = starts
        .iter()
        .map(|&s| process(s, (s + size).min(total)))
        .collect();
    (combine(parts), starts.len() as i64)
}

#[workflow]
fn sum_in_chunks(total: i64, size: i64) -> (i64, i64) {
    process_all(partition(total, size), size, total)
}

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    if std::env::args_os().len() > 1 {
        return Ok(flytekit::cli::App::new()
            .workflow(&sum_in_chunks {})
            .main()
            .await);
    }
    println!("{}", sum_in_chunks::spec());
    for (total, size) in [(100, 25), (10, 3)] {
        println!("sum of 0..{total} in chunks of {size}:");
        let (sum, chunks) = sum_in_chunks::run(total, size).await?;
        println!(
            "  -> {sum} from {chunks} chunks (expected {})",
            (0..total).sum::<i64>()
        );
    }
    Ok(std::process::ExitCode::SUCCESS)
}
