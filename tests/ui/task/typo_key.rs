use flytekit::prelude::*;

// A slip in a setting's name says which one was meant.
#[task(retires = 3)]
fn work(x: i64) -> i64 {
    x
}

#[workflow(on_falure = work)]
fn wf(x: i64) -> i64 {
    work(x)
}

fn main() {}
