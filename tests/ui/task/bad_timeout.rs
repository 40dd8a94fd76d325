use flytekit::prelude::*;

// The flytekit tutorial's own spelling, which humantime rejects.
#[task(timeout = "1H")]
fn slow(x: i64) -> i64 {
    x
}

fn main() {}
