use flytekit::prelude::*;

#[task]
fn describe(n: i64, label: String) -> String {
    format!("{label}={n}")
}

fn label_for(n: i64) -> String {
    format!("n{n}")
}

#[workflow]
fn labelled(n: i64) -> String {
    // A lowercase call is a node; an ordinary function is called as `(label_for)(3)`.
    describe(n, label_for(3))
}

fn main() {}
