//! A struct deriving `FlyteType` without serde's derives: one error saying what to derive.
use flytekit::prelude::*;

#[derive(Clone, FlyteType)]
struct Point {
    x: f64,
    y: f64,
}

fn main() {}
