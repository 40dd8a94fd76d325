use flytekit::prelude::*;

// One mistake, one error: the task is still made (with its default timeout), so its
// uses below compile and say nothing more.
#[task(timeout = "1H", retries = 2)]
fn slow(x: i64) -> i64 {
    x
}

#[task(cache = true, unknown_key = 1)]
fn odd(x: i64) -> i64 {
    x
}

#[workflow]
fn uses_them(x: i64) -> i64 {
    odd(slow(x))
}

fn main() {
    let _ = slow(1) + odd(2);
    let _ = slow {}.name();
}
