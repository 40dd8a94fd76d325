use flytekit::prelude::*;

#[task]
fn name_of(id: i64) -> String {
    format!("item-{id}")
}

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[workflow]
fn pipeline(id: i64) -> i64 {
    let name = name_of(id);
    double(name)
}

fn main() {}
