use flytekit::prelude::*;

// Label and annotation keys as Kubernetes takes them; label values too.
#[task(labels(team = "ML team"), annotations("-bad" = "any value is fine"))]
fn labelled(x: i64) -> i64 {
    x
}

// Ignored inputs are inputs of the task, and only with a cache.
#[task(cache = true, cache_version = "1", cache_ignore_input_vars = ["log_level", "verbose"])]
fn cached(x: i64, log_level: String) -> i64 {
    let _ = log_level;
    x
}

#[task(cache_ignore_input_vars = ["x"])]
fn uncached(x: i64) -> i64 {
    x
}

fn main() {}
