use flytekit::prelude::*;

#[task]
fn name_of(id: i64) -> String {
    format!("item-{id}")
}

#[workflow]
fn pipeline(id: i64) -> i64 {
    name_of(id)
}

fn main() {}
