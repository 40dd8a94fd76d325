use flytekit::launch_plan::LaunchPlan;
use flytekit::prelude::*;
use std::sync::LazyLock;

#[task]
fn add_one(x: i64) -> i64 {
    x + 1
}

#[workflow]
fn sub(x: i64) -> i64 {
    add_one(x)
}

// Built without a call signature: it can be run and registered, not called.
static PLAN: LazyLock<LaunchPlan<i64>> =
    LazyLock::new(|| LaunchPlan::builder("plan", &sub {}).build().unwrap());

#[workflow]
fn outer(x: i64) -> i64 {
    PLAN(x)
}

fn main() {}
