use flytekit::prelude::*;

#[task]
fn greet(name: &str) -> String {
    format!("hello {name}")
}

fn main() {}
