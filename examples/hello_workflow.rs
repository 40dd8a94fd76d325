//! Typed tasks, multiple outputs, constants, a nested workflow, and a fan-out of
//! independent nodes that visibly run at the same time.
//!
//! Run with `cargo run --example hello_workflow`.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use flytekit::prelude::*;

static START: LazyLock<Instant> = LazyLock::new(Instant::now);

/// Splits a sentence into its word count and its longest word.
#[task]
fn analyse(text: String) -> (i64, String) {
    let words: Vec<&str> = text.split_whitespace().collect();
    let longest = words.iter().max_by_key(|w| w.len()).copied().unwrap_or("");
    (words.len() as i64, longest.to_string())
}

/// Pretends to call a slow service for one shard, then reports how long it took.
#[task(retries = 2, timeout = "5s")]
async fn fetch_shard(shard: i64) -> f64 {
    let begin = START.elapsed();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let end = START.elapsed();
    println!(
        "  shard {shard}: ran from {:>4} ms to {:>4} ms",
        begin.as_millis(),
        end.as_millis()
    );
    shard as f64 * 1.5
}

/// Adds two numbers.
#[task]
fn add(a: f64, b: f64) -> f64 {
    a + b
}

/// Puts a report together.
#[task]
fn report(words: i64, longest: String, total: f64) -> String {
    format!("{words} words, longest \"{longest}\", shard total {total}")
}

/// Fetches ten shards at once and sums them pairwise.
#[workflow]
fn fan_out() -> f64 {
    let (s0, s1, s2, s3, s4) = (
        fetch_shard(0),
        fetch_shard(1),
        fetch_shard(2),
        fetch_shard(3),
        fetch_shard(4),
    );
    let (s5, s6, s7, s8, s9) = (
        fetch_shard(5),
        fetch_shard(6),
        fetch_shard(7),
        fetch_shard(8),
        fetch_shard(9),
    );
    let a = add(add(add(s0, s1), add(s2, s3)), s4);
    let b = add(add(add(s5, s6), add(s7, s8)), s9);
    add(a, b)
}

/// The whole pipeline: text analysis next to the shard fan-out (a subworkflow).
#[workflow]
fn hello(text: String) -> (String, i64) {
    let (words, longest) = analyse(text);
    let total = fan_out();
    (report(words, longest, total), words)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    println!("{}", hello::spec());
    println!("{}", fan_out::spec());

    // The run's report: the graph, a timeline showing the shards side by side, and
    // each node's inputs and outputs, in one HTML page.
    let page = std::env::temp_dir().join("hello_workflow-report.html");
    let options = RunOptions::default().report(&page);
    LazyLock::force(&START);
    let (summary, words) = hello::run_with(
        &options,
        ("the quick brown fox jumps over the lazy dog".into(),),
    )
    .await?;
    let elapsed = START.elapsed();
    println!("result: {summary} ({words} words)");
    println!(
        "ten 100 ms shards took {} ms in all: they ran in parallel",
        elapsed.as_millis()
    );
    println!(
        "report: {} (open it in a browser: the timeline shows the shards side by side)",
        page.display()
    );
    Ok(())
}
