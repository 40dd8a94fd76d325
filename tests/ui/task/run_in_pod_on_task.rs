use flytekit::prelude::*;

// `run_in_pod` is a setting of dynamic tasks only.
#[task(run_in_pod)]
fn plain(x: i64) -> i64 {
    x
}

fn main() {}
