use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

// The graph builder inside a workflow or dynamic body is hygienic: a variable of the
// same name is the user's own, and task calls still reach the builder.
#[workflow]
fn shadowing(x: i64) -> i64 {
    let __flyte_wf = 3;
    let _ = __flyte_wf;
    double(x)
}

#[dynamic]
fn shadowing_dynamic(x: i64) -> i64 {
    let __flyte_wf = "mine";
    let _ = __flyte_wf;
    double(x)
}

fn main() {
    let _ = shadowing::spec();
    let _ = shadowing_dynamic {}.name();
}
