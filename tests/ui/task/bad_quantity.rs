// A resource amount that is not a Kubernetes quantity fails the build at its literal;
// the task is still made, so the workflow using it compiles (one error per amount).
use flytekit::prelude::*;

#[task(requests(cpu = "500m", mem = "2 GB"))]
fn train(x: i64) -> i64 {
    x
}

#[task(shared_memory = "lots")]
fn shm(x: i64) -> i64 {
    x
}

#[workflow]
fn pipeline(x: i64) -> i64 {
    shm(train(x))
}

fn main() {}
