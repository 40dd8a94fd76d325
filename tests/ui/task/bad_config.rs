use flytekit::prelude::*;

struct NotAConfig;

#[task(config = NotAConfig)]
fn routed(x: i64) -> i64 {
    x
}

fn main() {}
