//! A nightly training pipeline with the settings a production cluster needs: resources,
//! a GPU with shared memory, a secret, a pod template, an image per task, node
//! overrides, an approval gate, a failure policy with an on-failure task, and a
//! nightly cron launch plan that tells Slack when it fails.
//!
//! `cargo run --example production_settings` runs the launch plan locally (the
//! secret and the approval given in the run's options) and prints the settings as
//! they go to Flyte. With arguments it is the usual command line:
//!
//! ```text
//! cargo run --example production_settings -- run nightly-training --signal publish-model=true
//! cargo run --example production_settings -- serialize --image ghcr.io/acme/train:1.0 \
//!     --image gpu=ghcr.io/acme/train-gpu:1.0 --out /tmp/pkg --json
//! ```

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use flytekit::launch_plan::{Notification, Phase, Schedule};
use flytekit::prelude::*;
use flytekit::task::SecretError;
use flytekit::types::FlyteError;
use flytekit::workflow::gate::approve;

/// Loads the rows of the night's data. Cached across runs whatever the log level.
#[task(
    requests(cpu = "1", mem = "2Gi"),
    retries = 2,
    cache = true,
    cache_version = "1",
    cache_ignore_input_vars = ["log_level"],
    environment(RUST_LOG = "info")
)]
fn prepare(run_at: DateTime<Utc>, rows: i64, log_level: String) -> Vec<f64> {
    let _ = log_level;
    let seed = run_at.timestamp() % 7;
    (0..rows).map(|i| ((i + seed) % 10) as f64 / 10.0).collect()
}

/// The pod the training task runs in: GPU nodes, tolerating their taint.
fn gpu_pod() -> PodTemplate {
    PodTemplate::new(serde_json::json!({
        "nodeSelector": {"acme.io/pool": "gpu"},
        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
    }))
    .label("team", "ml")
}

/// Trains on an A100 with an experiment-tracker key from the cluster's secrets.
#[task(
    requests(cpu = "4", mem = "16Gi", gpu = "1"),
    limits(gpu = "1"),
    accelerator = "nvidia-tesla-a100",
    shared_memory = "2Gi",
    secret(group = "wandb", key = "api-key", env_var = "WANDB_API_KEY"),
    pod_template = gpu_pod(),
    image = "gpu",
    timeout = "2h",
    interruptible
)]
fn train(data: Vec<f64>) -> Result<f64, SecretError> {
    let ctx = ExecutionContext::current().expect("runs as a task");
    // The key is used, never printed: its Debug shows nothing of it.
    let key = ctx.secret("wandb", "api-key")?;
    tracing::info!(key = ?key, "logging the run to the tracker");
    let mean = data.iter().sum::<f64>() / data.len().max(1) as f64;
    Ok((mean * 1000.0).round() / 1000.0)
}

/// Publishes the model once someone approved its score.
#[task(labels(team = "ml"), annotations("acme.io/owner" = "ml-platform"))]
fn publish(score: f64) -> String {
    format!("published model with score {score}")
}

/// Runs when the pipeline fails: tells the team which node failed and why.
#[task]
fn report_failure(rows: i64, err: Option<FlyteError>) {
    match err {
        Some(e) => eprintln!("nightly training on {rows} rows failed: {e}"),
        None => eprintln!("nightly training on {rows} rows failed"),
    }
}

/// Prepares the data, trains, and publishes after an approval.
#[workflow(
    on_failure = report_failure,
    failure_policy = fail_after_executable_nodes_complete,
    labels(team = "ml")
)]
fn nightly_training(
    run_at: DateTime<Utc>,
    #[default(1000)] rows: i64,
    #[default("info")] log_level: String,
) -> String {
    let data = prepare(run_at, rows, log_level);
    let score = train(data).with_overrides(NodeOverrides::new().name("train-a100").retries(1));
    let approved = approve(score, "publish-model", "4h");
    publish(approved)
}

/// Every night at 05:00 UTC, half an hour late; Slack hears of failures.
static NIGHTLY: LazyLock<LaunchPlan<String>> = LazyLock::new(|| {
    LaunchPlan::builder("nightly-training", &nightly_training {})
        .schedule(
            Schedule::cron("0 5 * * *")
                .offset("PT30M")
                .kickoff_input("run_at"),
        )
        .notify(Notification::slack(
            [Phase::Failed, Phase::TimedOut],
            ["ml-alerts@acme.slack.com"],
        ))
        .label("team", "ml")
        .max_parallelism(4)
        .service_account("ml-runner")
        .max_concurrency(1)
        .build()
        .expect("a valid launch plan")
});

fn app() -> flytekit::cli::App {
    flytekit::cli::App::new().launch_plan(&NIGHTLY)
}

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    if std::env::args_os().len() > 1 {
        return Ok(app().main().await);
    }
    // Locally the secret comes from the run's options (on a cluster, from Flyte),
    // and the approval too (on a cluster, from the console or `flytectl`).
    let options = RunOptions::default()
        .secret("wandb", None, "api-key", "local-key-never-printed")
        .signal("publish-model", true);
    let published = NIGHTLY.inputs().options(options).run().await?;
    println!("{published}");

    // What goes to Flyte: the launch plan's schedule and notification, the training
    // task's container, pod and secrets.
    let settings = flytekit::idl::SerializationSettings {
        project: "flytesnacks".into(),
        domain: "development".into(),
        version: "v1".into(),
        image: "ghcr.io/acme/train:1.0".into(),
        images: [("gpu".to_string(), "ghcr.io/acme/train-gpu:1.0".to_string())].into(),
        entrypoint: "/usr/local/bin/production_settings".into(),
        fast: None,
    };
    let plan = NIGHTLY.entry().to_idl(&settings);
    let metadata = plan.spec.as_ref().and_then(|s| s.entity_metadata.as_ref());
    println!("launch plan: {}", serde_json::to_string(&metadata)?);
    let template = flytekit::idl::task_template(&train {}, &settings);
    println!("train pod: {}", serde_json::to_string(&template.k8s_pod)?);
    println!(
        "train secrets: {}",
        serde_json::to_string(&template.security_context)?
    );
    Ok(std::process::ExitCode::SUCCESS)
}
