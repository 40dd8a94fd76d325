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

fn main() {}
