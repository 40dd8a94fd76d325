use flytekit::prelude::*;

#[task(cache = true)]
fn cached(x: i64) -> i64 {
    x
}

fn main() {}
