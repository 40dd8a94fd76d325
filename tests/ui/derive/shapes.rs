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

fn main() {}
