#![deny(deprecated, unused_must_use)]
use flytekit::prelude::*;

/// `#[deprecated]` lands on the task value, `#[must_use]` on its node in a workflow.
#[task]
#[deprecated = "use `double` instead"]
fn twice(x: i64) -> i64 {
    x * 2
}

#[task]
#[must_use]
fn double(x: i64) -> i64 {
    x * 2
}

// Compiled out: nothing of it is left to clash or to warn.
#[task]
#[cfg(any())]
fn gone(x: i64) -> i64 {
    x
}

#[workflow]
#[cfg(any())]
fn gone_too(x: i64) -> i64 {
    gone(x)
}

#[workflow]
fn uses(x: i64) -> i64 {
    double(x);
    twice(x)
}

fn main() {}
