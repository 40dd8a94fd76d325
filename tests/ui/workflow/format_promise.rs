use flytekit::prelude::*;

#[task]
fn shout(text: String) -> String {
    text.to_uppercase()
}

// Formatting a promise would bake a placeholder into the graph: it does not compile.
#[workflow]
fn greet(name: String) -> String {
    shout(format!("hello {name:?}"))
}

fn main() {}
