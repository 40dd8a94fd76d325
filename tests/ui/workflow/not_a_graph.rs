use flytekit::prelude::*;

#[task]
fn inc(x: i64) -> i64 {
    x + 1
}

#[workflow]
fn loops(x: i64) -> i64 {
    let mut y = inc(x);
    while true {
        y = inc(y);
    }
    y
}

#[workflow]
fn awaits(x: i64) -> i64 {
    inc(x).await
}

fn main() {}
