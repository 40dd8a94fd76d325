use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[workflow]
fn inner(x: i64) -> i64 {
    double(x)
}

// Overrides are for task calls; a subworkflow call has none.
#[workflow]
fn outer(x: i64) -> i64 {
    inner(x).with_overrides(NodeOverrides::new().retries(2))
}

// `pod_template` takes a `PodTemplate`.
#[task(pod_template = "gpu-nodes")]
fn pinned(x: i64) -> i64 {
    x
}

fn main() {}
