use flytekit::prelude::*;

#[task]
fn inc(x: i64) -> i64 {
    x + 1
}

#[workflow]
async fn pipeline(x: i64) -> i64 {
    inc(x)
}

fn main() {}
