use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[task]
fn label(x: i64) -> String {
    format!("{x}")
}

#[workflow]
fn mismatched(x: i64) -> i64 {
    when(x > 0).then(|| double(x)).otherwise(|| label(x))
}

#[workflow]
fn negated(x: i64) -> i64 {
    when(!(x > 0)).then(|| double(x)).otherwise(|| x)
}

#[workflow]
fn incomparable(x: i64, s: String) -> i64 {
    when(x > s).then(|| double(x)).otherwise(|| x)
}

fn main() {}
