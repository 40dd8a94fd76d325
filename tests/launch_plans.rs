//! Workflow input defaults and launch plans: fixed inputs, defaults, and typed errors
//! that name the input.

use std::sync::LazyLock;

use flyte::launch_plan::LaunchPlanError;
use flyte::prelude::*;

#[task]
fn scale(values: Vec<f64>, factor: f64, label: String) -> String {
    let total: f64 = values.iter().map(|v| v * factor).sum();
    format!("{label}: {total}")
}

#[workflow]
fn report(
    values: Vec<f64>,
    #[default(2.0)] factor: f64,
    #[default("total")] label: String,
) -> String {
    scale(values, factor, label)
}

static NIGHTLY: LazyLock<LaunchPlan<String>> = LazyLock::new(|| {
    LaunchPlan::builder("nightly-report", &report)
        .fixed("label", "nightly".to_string())
        .default_input("values", vec![1.0, 2.0])
        .build()
        .unwrap()
});

#[test]
fn workflow_defaults_are_part_of_the_graph() {
    let spec = report.spec();
    let defaults: Vec<String> = spec
        .defaults
        .iter()
        .map(|d| d.as_ref().map(|l| l.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(defaults, ["", "2.0", "\"total\""]);
    assert!(spec.to_string().starts_with(
        "workflow launch_plans.report(values: list<float>, factor: float = 2.0, label: string = \"total\")"
    ));
}

#[tokio::test]
async fn a_launch_plan_runs_with_fixed_and_default_inputs() {
    assert_eq!(NIGHTLY.inputs().run().await.unwrap(), "nightly: 6");
    let out = NIGHTLY
        .inputs()
        .set("values", vec![10.0])
        .set("factor", 0.5)
        .run()
        .await
        .unwrap();
    assert_eq!(out, "nightly: 5");
    assert_eq!(NIGHTLY.name(), "nightly-report");
    assert_eq!(NIGHTLY.default_inputs().len(), 2);
}

#[tokio::test]
async fn the_default_launch_plan_uses_the_workflow_defaults() {
    let lp = LaunchPlan::default_for(&report);
    assert_eq!(lp.name(), "launch_plans.report");
    let out = lp.inputs().set("values", vec![1.5]).run().await.unwrap();
    assert_eq!(out, "total: 3");
    match lp.inputs().run().await.unwrap_err() {
        LaunchPlanError::MissingInputs { inputs, .. } => assert_eq!(inputs, ["values"]),
        other => panic!("expected missing inputs, got {other}"),
    }
}

#[tokio::test]
async fn bad_inputs_are_typed_errors_naming_the_input() {
    let err = LaunchPlan::builder("bad", &report)
        .fixed("factr", 1.0)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "launch plan `bad`: workflow `launch_plans.report` has no input `factr` (inputs: values, factor, label)"
    );

    let err = NIGHTLY
        .inputs()
        .set("factor", "high".to_string())
        .run()
        .await
        .unwrap_err();
    let chain = format!("{:#}", anyhow::Error::from(err));
    assert_eq!(
        chain,
        "launch plan `nightly-report`: `factor` expects a value of type float, got `\"high\"`"
    );

    let err = NIGHTLY
        .inputs()
        .set("label", "x".to_string())
        .run()
        .await
        .unwrap_err();
    assert!(matches!(err, LaunchPlanError::FixedInput { ref input, .. } if input == "label"));
}
