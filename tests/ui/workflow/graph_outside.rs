use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[graph]
fn twice(x: Promise<i64>) -> Promise<i64> {
    double(double(x))
}

// Outside a workflow body there is no graph to add nodes to.
fn outside(x: Promise<i64>) -> Promise<i64> {
    twice(x)
}

fn main() {}
