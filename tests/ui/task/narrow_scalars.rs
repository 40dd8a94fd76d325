//! Rust scalars without a Flyte type: one error each, naming the type to use.
use flyte::prelude::*;

#[task]
fn count(n: u32, ratio: f32, items: Vec<usize>) -> Option<char> {
    let _ = (n, ratio, items);
    None
}

fn main() {}
