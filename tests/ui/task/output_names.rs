use flytekit::prelude::*;

#[task(outputs(sum, product, extra))]
fn both(a: i64, b: i64) -> (i64, i64) {
    (a + b, a * b)
}

#[task(outputs(same, same))]
fn twice(a: i64) -> (i64, i64) {
    (a, a)
}

fn main() {}
