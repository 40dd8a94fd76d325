//! Task signatures that decide no interface, one module a case.
//! (Cases share a file: each file is a crate trybuild checks against the SDK,
//! a few seconds apiece.)

mod generic {
    use flytekit::prelude::*;

    #[task]
    fn identity<T: Clone>(x: T) -> T {
        x
    }
}

mod param_default {
    use flytekit::prelude::*;

    #[task]
    fn scale(x: i64, #[default(2)] factor: i64) -> i64 {
        x * factor
    }
}

mod pattern_param {
    use flytekit::prelude::*;

    #[task]
    fn add((a, b): (i64, i64)) -> i64 {
        a + b
    }
}

mod reference_param {
    use flytekit::prelude::*;

    #[task]
    fn greet(name: &str) -> String {
        format!("hello {name}")
    }
}

mod self_receiver {
    use flytekit::prelude::*;

    struct Counter;

    impl Counter {
        #[task]
        fn count(&self, x: i64) -> i64 {
            x
        }
    }
}

mod underscore_names {
    use flytekit::prelude::*;

    // `x` and `_x` would both be input `x`.
    #[task]
    fn clash(x: i64, _x: i64) -> i64 {
        x
    }
}

fn main() {}
