// A type whose derive fails is reported once, at the derive's mistake; the tasks and
// workflow using it compile as if it were a Flyte type.
use flytekit::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize, FlyteType)]
struct Point(i64, i64);

#[task]
fn origin() -> Point {
    Point(0, 0)
}

#[task]
fn norm(p: Point) -> i64 {
    p.0.abs() + p.1.abs()
}

#[workflow]
fn measure() -> i64 {
    norm(origin())
}

fn main() {}
