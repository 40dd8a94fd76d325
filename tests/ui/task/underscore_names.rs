use flytekit::prelude::*;

// `x` and `_x` would both be input `x`.
#[task]
fn clash(x: i64, _x: i64) -> i64 {
    x
}

fn main() {}
