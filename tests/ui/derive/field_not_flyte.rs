use flytekit::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
struct Opaque;

#[derive(Clone, Serialize, Deserialize, FlyteType)]
struct Holder {
    id: i64,
    payload: Opaque,
}

fn main() {}
