//! Two variants of one Flyte type (two structs, both flytekit dataclasses): flytekit
//! could not tell them apart in a union, so the build fails while compiling, naming
//! them. (A file of its own: the check runs at constant evaluation.)

use flytekit::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize, FlyteType)]
struct Celsius {
    degrees: f64,
}

#[derive(Clone, Serialize, Deserialize, FlyteType)]
struct Fahrenheit {
    degrees: f64,
}

#[derive(Clone, FlyteType)]
enum Reading {
    Metric(Celsius),
    Imperial(Fahrenheit),
}

fn main() {}
