//! Stopping a run: a pipeline whose middle step is a long plain `fn` (a blocking
//! computation, as a CPU-bound step or a synchronous client would be).
//!
//! Without arguments it runs the pipeline on a short input and prints the result.
//! With arguments it is the SDK's command line: run it with
//! `cargo run --example graceful_stop -- run crunch_pipeline --input seconds=30` and
//! press Ctrl-C: the run stops at once, prints the table of the nodes that ended, and
//! exits with 130 (143 for SIGTERM, what Kubernetes sends). Under `execute` (as in a
//! Flyte container), SIGTERM leaves a recoverable `SYSTEM:Terminated` error document
//! so Flyte can run the task again elsewhere.

use std::time::Duration;

use flytekit::prelude::*;

#[task]
fn prepare(seconds: i64) -> i64 {
    seconds.max(0)
}

/// Blocks its thread for `seconds` (standing in for a long synchronous step).
#[task]
fn crunch(seconds: i64) -> String {
    eprintln!("crunching for {seconds} s");
    std::thread::sleep(Duration::from_secs(seconds as u64));
    format!("crunched for {seconds} s")
}

#[workflow]
fn crunch_pipeline(seconds: i64) -> String {
    crunch(prepare(seconds))
}

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    if std::env::args_os().len() > 1 {
        return Ok(flytekit::cli::App::new()
            .workflow(&crunch_pipeline {})
            .main()
            .await);
    }
    println!("{}", crunch_pipeline::run(1).await?);
    println!(
        "(run `cargo run --example graceful_stop -- run crunch_pipeline --input seconds=30` and press Ctrl-C to see a run stop)"
    );
    Ok(std::process::ExitCode::SUCCESS)
}
