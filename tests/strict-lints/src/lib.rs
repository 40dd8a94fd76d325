//! A user library that denies the usual strict lints: everything `#[task]` and
//! `#[workflow]` generate must pass them.
#![deny(missing_docs, unreachable_pub, rust_2018_idioms, unused, clippy::all)]
use flytekit::prelude::*;

/// Doubles.
#[task]
pub fn double(x: i64) -> i64 {
    x * 2
}

/// Async add.
#[task(retries = 1)]
pub async fn add(a: i64, b: i64) -> Result<i64, std::io::Error> {
    Ok(a + b)
}

/// Pipeline.
#[workflow]
pub fn pipeline(x: i64) -> i64 {
    add(double(x), 1)
}

mod private {
    use flytekit::prelude::*;
    /// inner
    #[task]
    pub(crate) fn inner(x: i64) -> i64 {
        x
    }
    /// wf
    #[workflow]
    pub(crate) fn wf(x: i64) -> i64 {
        inner(x)
    }
}

/// Uses the private one.
pub fn spec_len() -> usize {
    private::wf::spec().nodes.len()
}
