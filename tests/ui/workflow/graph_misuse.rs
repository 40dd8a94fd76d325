//! `#[graph]` helpers: what they cannot be, and that they only run in a graph body.
use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[graph]
async fn later(x: Promise<i64>) -> Promise<i64> {
    double(x)
}

#[graph]
fn generic<T>(x: Promise<i64>, _t: T) -> Promise<i64> {
    double(x)
}

#[graph(name = "x")]
fn named(x: Promise<i64>) -> Promise<i64> {
    double(x)
}

#[graph]
fn twice(x: Promise<i64>) -> Promise<i64> {
    double(double(x))
}


fn main() {}
