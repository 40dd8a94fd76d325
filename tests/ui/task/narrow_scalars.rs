//! Rust scalars without a Flyte type: one error each, naming the type to use
//! (`Vec<u8>` is Flyte's binary and fine).
use flytekit::prelude::*;

#[task]
fn count(n: u32, ratio: f32, items: Vec<usize>, bytes: Vec<u8>) -> Option<char> {
    let _ = (n, ratio, items, bytes);
    None
}

fn main() {}
