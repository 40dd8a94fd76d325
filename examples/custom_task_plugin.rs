//! The flytekit "custom task plugin" tutorial in Rust: an object-store sensor (a struct
//! task from `flytekit::plugins`) waits for a file, then `print_file` prints its path.
//!
//! Run with `cargo run --example custom_task_plugin` (`RUST_LOG=debug` for more).
//! Given arguments, it is the command line a Flyte cluster and its users call:
//! `cargo run --example custom_task_plugin -- package --image IMAGE` writes the
//! package for `flytectl register files`, and `... -- execute ...` is the container
//! entrypoint (see the README).

use flytekit::plugins::WaitForObjectStoreFile;
use flytekit::prelude::*;
use flytekit::task::NonRecoverable;
use std::sync::LazyLock;

// A named struct task: configured once, used in any workflow.
static SENSOR: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("my-objectstore-sensor")
        .with_metadata(TaskMetadata::default().retries(10).timeout("20m"))
        .poll_interval("1s")
});

/// Prints the path and hands it on.
#[task]
fn print_file(path: String) -> String {
    println!("{path}");
    path
}

#[workflow]
fn my_workflow(path: String) -> String {
    print_file(SENSOR(path))
}

/// A one-line report on the sensed file, returned as a file. Not part of the
/// tutorial's workflow: the binary registers it beside it, so a cluster (and the
/// end-to-end test) can run a task whose output is a file uploaded under the
/// raw-output prefix.
#[task(retries = 2)]
async fn file_report(path: String) -> Result<FlyteFile, flytekit::task::BoxError> {
    let ctx = ExecutionContext::current().ok_or("file_report runs as a task")?;
    // A missing file may still come: a plain error, which Flyte may retry.
    let bytes = ctx.file_access().get(&path).await?;
    if bytes.is_empty() {
        // Retrying cannot make an empty file longer.
        return Err(NonRecoverable::new(format!("`{path}` is empty")).into());
    }
    let report = std::env::temp_dir().join(format!("report-{}.txt", std::process::id()));
    std::fs::write(&report, format!("{path}: {} bytes\n", bytes.len()))?;
    Ok(FlyteFile::new(report.display().to_string()))
}

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    if std::env::args_os().len() > 1 {
        let app = flytekit::cli::App::new()
            .workflow(&my_workflow {})
            .task(&file_report {});
        return Ok(app.main().await);
    }
    // The sensor logs each poll through tracing, as the tutorial's plugin does.
    flytekit::init_logging();

    let f = std::env::temp_dir().join("some-file");
    std::fs::write(&f, "Hello World!")?;
    // The run's report: one HTML page with the graph, a timeline and each node's values.
    let report = std::env::temp_dir().join("custom_task_plugin-report.html");
    let options = RunOptions::default().report(&report);
    println!(
        "{}",
        my_workflow::run_with(&options, (f.display().to_string(),)).await?
    );
    println!(
        "report: {} (open it in a browser; the command line writes one with `run ... --report FILE`)",
        report.display()
    );
    Ok(std::process::ExitCode::SUCCESS)
}
