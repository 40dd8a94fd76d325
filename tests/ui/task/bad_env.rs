use flytekit::prelude::*;

// Kubernetes takes letters, digits, `_`, `-` and `.`, not starting with a digit; each
// name once.
#[task(environment("1ST" = "x", "MY VAR" = "y", REGION = "eu", REGION = "us"))]
fn t(x: i64) -> i64 {
    x
}

fn main() {}
