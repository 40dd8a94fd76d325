use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[workflow]
fn twice(x: i64) -> i64 {
    double(x)
}

fn main() {
    // `double` here is the function; the task is `double {}`.
    let _ = RunOptions::default().mock(&double, |(x,): (i64,)| x);
    // `twice` is a type: its value is `twice {}`.
    let _ = flytekit::registry::Registry::new().workflow(&twice);
}
