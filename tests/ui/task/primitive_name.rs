use flytekit::prelude::*;

// A task is also a type of its function's name: `str` would hide the primitive.
#[task]
fn str(x: String) -> String {
    x
}

fn main() {}
