use flytekit::prelude::*;

struct Counter;

impl Counter {
    #[task]
    fn count(&self, x: i64) -> i64 {
        x
    }
}

fn main() {}
