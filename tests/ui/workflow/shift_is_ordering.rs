use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

// In a workflow body `>>` orders nodes; shifting a number is a task's job.
#[workflow]
fn shifted(x: i64) -> i64 {
    let bits = 3i64 >> 1;
    double(x) >> bits
}

// `interruptible` takes a boolean; an unknown key lists the known ones.
#[workflow(interruptible = "yes")]
fn flagged(x: i64) -> i64 {
    double(x)
}

#[workflow(retries = 2)]
fn retried(x: i64) -> i64 {
    double(x)
}

fn main() {}
