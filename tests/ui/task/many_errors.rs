use flytekit::prelude::*;

// Every problem is reported at once, each at its own tokens.
#[task]
async unsafe fn everything_wrong<T>(self, (a, b): (i64, i64), name: &str) -> impl Clone {
    1
}

fn main() {}
