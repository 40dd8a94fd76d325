use flytekit::prelude::*;

#[task]
fn inc(x: i64) -> i64 {
    x + 1
}

// `.await` and `?` in a workflow body: one error each, ours, at the token.
#[workflow]
fn pipeline(x: i64) -> i64 {
    let y = inc(x).await;
    let z = inc(y)?;
    z
}

fn main() {}
