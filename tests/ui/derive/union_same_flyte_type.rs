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


mod nested {
    use flytekit::prelude::*;

    // A union in a union: Python flattens it.
    #[derive(Clone, FlyteType)]
    enum Maybe {
        Count(i64),
        Note(Option<String>),
    }
}

mod in_a_struct {
    use flytekit::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Serialize, Deserialize, FlyteType)]
    enum Temp {
        C(f64),
        Label(String),
    }

    // serde would write the field tagged with the variant's name.
    #[derive(Clone, Serialize, Deserialize, FlyteType)]
    struct Station {
        reading: Option<Temp>,
    }
}

fn main() {}
