use flytekit::prelude::*;

// A reference has no body: Flyte runs the registered task.
#[reference_task(project = "p", domain = "d", name = "acme.score", version = "v1")]
fn with_body(x: i64) -> f64 {
    x as f64
}

// Every part of the identifier is needed.
#[reference_task(project = "p", domain = "d", name = "acme.score")]
fn no_version(x: i64) -> f64;

#[reference_launch_plan(project = "p", domain = "", name = "acme.lp", version = "v1")]
fn empty_domain(x: i64) -> f64;

#[reference_task(project = "p", domain = "d", name = "acme.score", version = "v1", retries = 3)]
fn unknown_key(x: i64) -> f64;

fn main() {}
