//! Rust tasks beside Python ones in one pipeline: a Python scoring task registered
//! by another project (flytekit's, by reference), a dataframe built in Rust and
//! handed on as flytekit stores dataframes (Parquet), and a launch-plan node that
//! runs a reporting workflow as a child execution.
//!
//! `cargo run --example polyglot` runs it locally, the Python task mocked (a local
//! run cannot reach the registered task), and prints the workflow as it goes to
//! Flyte. With arguments it is the usual command line:
//!
//! ```text
//! cargo run --example polyglot -- serialize --image ghcr.io/acme/etl:1.0 --out /tmp/pkg --json
//! ```
//!
//! The README's "Rust and Python in one project" explains how such a project is
//! registered.

use std::sync::{Arc, LazyLock};

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use flytekit::launch_plan::CallableLaunchPlan;
use flytekit::prelude::*;

/// The columns of the orders frame, as the Python side declares them:
/// `Annotated[StructuredDataset, kwtypes(order_id=int, region=str, amount=float)]`.
#[derive(Columns)]
#[allow(dead_code)]
struct Orders {
    order_id: i64,
    region: String,
    amount: f64,
}

/// Builds the day's orders as an Arrow batch, stored as Parquet.
#[task]
fn load_orders(days: i64) -> Result<StructuredDataset<Orders>, flytekit::types::DataframeError> {
    let n = days * 4;
    let columns: [(&str, ArrayRef); 3] = [
        ("order_id", Arc::new(Int64Array::from_iter_values(0..n))),
        (
            "region",
            Arc::new(StringArray::from_iter_values(
                (0..n).map(|i| ["eu", "us"][(i % 2) as usize]),
            )),
        ),
        (
            "amount",
            Arc::new(Float64Array::from_iter_values(
                (0..n).map(|i| 10.0 + i as f64),
            )),
        ),
    ];
    let batch = RecordBatch::try_from_iter(columns).expect("columns of one length");
    StructuredDataset::from_batches(&[batch])
}

/// The scoring model, a Python task of the data-science project:
/// `@task def score(orders: Orders) -> float` registered as `ds.models.score`.
#[reference_task(
    project = "data-science",
    domain = "production",
    name = "ds.models.score",
    version = "v12"
)]
fn score_orders(orders: StructuredDataset<Orders>) -> f64;

/// Totals the orders (read back from Parquet, part by part).
#[task]
async fn sum_amounts(orders: StructuredDataset<Orders>) -> Result<f64, flytekit::task::BoxError> {
    let mut sum = 0.0;
    for batch in orders.batches().await? {
        let amounts = batch
            .column_by_name("amount")
            .and_then(|c| c.as_any().downcast_ref::<Float64Array>())
            .ok_or("an `amount` column of floats")?;
        sum += amounts.iter().flatten().sum::<f64>();
    }
    Ok(sum)
}

/// Formats the report line.
#[task]
fn report_line(amount: f64, model_score: f64, channel: String) -> String {
    format!("[{channel}] orders worth {amount:.2}, scored {model_score:.3}")
}

/// The reporting workflow, run through its launch plan.
#[workflow]
fn report(amount: f64, model_score: f64, channel: String) -> String {
    report_line(amount, model_score, channel)
}

/// How the pipeline calls the reporting launch plan: `channel` is fixed.
type ReportCall = fn(f64, f64) -> String;

/// Reports to the finance channel.
static FINANCE_REPORT: LazyLock<CallableLaunchPlan<ReportCall>> = LazyLock::new(|| {
    LaunchPlan::builder("finance-report", &report {})
        .fixed("channel", "finance".to_string())
        .call_signature()
        .build()
        .expect("a valid launch plan")
});

/// The pipeline: Rust builds the frame, Python scores it, Rust totals it, and the
/// report runs as a child execution of its launch plan.
#[workflow]
fn daily_orders(days: i64) -> String {
    let orders = load_orders(days);
    let scored = score_orders(orders);
    let amount = sum_amounts(orders);
    FINANCE_REPORT(amount, scored)
}

fn app() -> flytekit::cli::App {
    flytekit::cli::App::new().workflow(&daily_orders {})
}

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    if std::env::args_os().len() > 1 {
        return Ok(app().main().await);
    }
    // Locally the Python model is mocked; on Flyte the registered task runs.
    let options = RunOptions::default().mock(&score_orders {}, |(_orders,)| 0.875);
    let line = daily_orders::run_with(&options, (2,)).await?;
    println!("{line}");

    // What goes to Flyte: the reference node, the launch-plan node, no template of
    // the Python task, and the launch plan registered beside the workflow.
    let settings = flytekit::idl::SerializationSettings {
        project: "sales".into(),
        domain: "production".into(),
        version: "v1".into(),
        image: "ghcr.io/acme/etl:1.0".into(),
        images: Default::default(),
        entrypoint: "/usr/local/bin/polyglot".into(),
        fast: None,
    };
    let spec = flytekit::idl::workflow_spec(daily_orders::spec(), &settings)?;
    let nodes = spec.template.as_ref().map(|t| &t.nodes);
    println!("nodes: {}", serde_json::to_string(&nodes)?);
    let mut registry = flytekit::registry::Registry::new();
    registry.workflow(&daily_orders {});
    let plans: Vec<&str> = registry
        .launch_plans()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let tasks: Vec<&str> = registry.tasks().iter().map(|t| t.name()).collect();
    println!("registers tasks {tasks:?} and launch plans {plans:?}");
    Ok(std::process::ExitCode::SUCCESS)
}
