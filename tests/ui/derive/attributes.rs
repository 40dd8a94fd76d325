//! Misused `#[derive(FlyteType)]` attributes and shapes, one module a case.
//! (Cases share a file: each file is a crate trybuild checks against the SDK,
//! a few seconds apiece.)

mod bad_type_used {
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
}

mod serde_rename {
    use flytekit::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Serialize, Deserialize, FlyteType)]
    #[serde(rename_all = "camelCase")]
    struct Config {
        #[serde(rename = "maxItems")]
        max_items: i64,
        #[serde(default)]
        note: Option<String>,
    }
}

mod shapes {
    use flytekit::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Serialize, Deserialize, FlyteType)]
    struct Wrapper<T> {
        inner: T,
    }

    #[derive(Clone, Serialize, Deserialize, FlyteType)]
    struct Pair(i64, i64);

    #[derive(Clone, FlyteType)]
    enum Event {
        Started,
        Failed { code: i64 },
    }

    // A union's variants: one value each, of types no two variants share.
    #[derive(Clone, FlyteType)]
    enum Reading {
        Missing,
        Celsius(f64),
        Pair(i64, i64),
        Label(String),
        Name(String),
    }
}

fn main() {}
