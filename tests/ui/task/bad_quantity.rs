// A resource amount that is not a Kubernetes quantity fails the build at its literal;
// the task is still made, so the workflow using it compiles (one error).
use flyte::prelude::*;

#[task(requests(cpu = "500m", mem = "2 GB"))]
fn train(x: i64) -> i64 {
    x
}

#[workflow]
fn pipeline(x: i64) -> i64 {
    train(x)
}

fn main() {}
