//! `#[graph]` helpers: graph code moved out of workflow and dynamic bodies adds its
//! nodes to the caller's graph, as if written in place.

use flytekit::prelude::*;

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[task]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[task]
fn label(x: i64) -> String {
    format!("#{x}")
}

/// Two nodes.
#[graph]
fn double_twice(x: Promise<i64>) -> Promise<i64> {
    double(double(x))
}

/// A plain parameter shapes the graph; a helper calls a helper.
#[graph]
fn fan_in(x: Promise<i64>, width: usize) -> Promise<i64> {
    let mut acc = double_twice(x);
    for _ in 1..width {
        acc = add(acc, double(x));
    }
    acc
}

/// Several results, and a branch.
#[graph]
fn both(x: Promise<i64>) -> (Promise<i64>, Promise<String>) {
    let y = when(x > 10).then(|| double(x)).otherwise(|| x);
    (y, label(y))
}

#[workflow]
fn uses_helpers(x: i64) -> (i64, String) {
    let total = fan_in(x, 3);
    both(total)
}

/// The same graph written in place.
#[workflow]
fn written_in_place(x: i64) -> (i64, String) {
    let mut acc = double(double(x));
    for _ in 1..3 {
        acc = add(acc, double(x));
    }
    let y = when(acc > 10).then(|| double(acc)).otherwise(|| acc);
    (y, label(y))
}

/// In a dynamic body the inputs are values: a node's output is the promise a helper
/// takes, and the width a value read now.
#[dynamic]
fn dynamic_fan(x: i64, width: i64) -> i64 {
    let start = add(x, 0);
    fan_in(start, width as usize)
}

#[workflow]
fn through_dynamic(x: i64) -> i64 {
    dynamic_fan(x, 4)
}

#[tokio::test]
async fn a_helper_adds_its_nodes_to_the_callers_graph() {
    // 1 -> 4, + 2 + 2 = 8; 8 <= 10 so y = 8.
    assert_eq!(uses_helpers::run(1).await.unwrap(), (8, "#8".to_string()));
    // 3 -> 12 + 6 + 6 = 24 > 10: doubled to 48.
    assert_eq!(uses_helpers::run(3).await.unwrap(), (48, "#48".to_string()));
}

#[test]
fn the_graph_is_the_one_written_in_place() {
    let (a, b) = (uses_helpers::spec(), written_in_place::spec());
    let nodes = |s: &WorkflowSpec| {
        s.nodes
            .iter()
            .map(|n| {
                (
                    n.id.clone(),
                    n.entity.name().to_string(),
                    n.upstream.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(nodes(a), nodes(b));
    // double, double, then (double, add) twice, the branch, label.
    assert_eq!(a.nodes.len(), 8);
}

#[tokio::test]
async fn a_dynamic_body_calls_helpers_too() {
    // 2 -> 8, + 4 * 3 = 20.
    assert_eq!(through_dynamic::run(2).await.unwrap(), 20);
}
