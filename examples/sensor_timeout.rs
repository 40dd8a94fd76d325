//! A sensor whose file never comes: after the task's metadata timeout the run fails
//! with an error that names the workflow, node, task and attempt.
//!
//! Run with `cargo run --example sensor_timeout`.

use std::sync::LazyLock;
use std::time::Instant;

use flytekit::plugins::WaitForObjectStoreFile;
use flytekit::prelude::*;
use flytekit::task::TaskError;

static SENSOR: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("wait-for-report")
        .with_metadata(TaskMetadata::default().timeout("2s"))
        .poll_interval("500ms")
});

/// Reads the report once it exists.
#[task]
fn read_report(path: String) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[workflow]
fn wait_for_report(path: String) -> String {
    read_report(SENSOR(path))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    flytekit::init_logging();

    let path = std::env::temp_dir().join("flyte-report-that-never-comes.csv");
    let _ = std::fs::remove_file(&path);
    let started = Instant::now();
    match wait_for_report::run(path.display().to_string()).await {
        Ok(text) => println!("unexpected: the report arrived: {text}"),
        Err(err) => {
            println!("\nafter {:.1} s: {err}", started.elapsed().as_secs_f64());
            if let Some(failure) = err.failure() {
                assert!(matches!(failure.error, TaskError::TimedOut(_)));
                println!(
                    "  workflow {}, node {}, task {}, attempt {}/{}",
                    failure.workflow,
                    failure.node,
                    failure.task,
                    failure.attempt,
                    failure.max_attempts
                );
            }
        }
    }
    Ok(())
}
