use flytekit::prelude::*;

#[task(retries = 3, max_retries = 5)]
fn work(x: i64) -> i64 {
    x
}

fn main() {}
