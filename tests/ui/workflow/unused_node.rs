#![deny(unused_variables)]
use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

// An unused node is a warning, as for any unused variable (denied here).
#[workflow]
fn forgot(x: i64) -> i64 {
    let unused = double(x);
    double(x)
}

fn main() {}
