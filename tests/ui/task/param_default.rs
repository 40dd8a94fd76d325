use flytekit::prelude::*;

#[task]
fn scale(x: i64, #[default(2)] factor: i64) -> i64 {
    x * factor
}

fn main() {}
