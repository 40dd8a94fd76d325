//! Dynamic tasks: a graph built at run time from the task's input values.

use std::collections::BTreeMap;

use flytekit::prelude::*;

#[task]
async fn square(x: i64) -> i64 {
    x * x
}

#[task]
fn total(values: Vec<i64>) -> i64 {
    values.iter().sum()
}

#[task]
fn checked(x: i64) -> Result<i64, String> {
    if x == 3 {
        Err("three is not allowed".into())
    } else {
        Ok(x)
    }
}

/// Squares 0..n as n nodes, then sums them in one more.
#[dynamic]
fn sum_of_squares(n: i64) -> (i64, Vec<i64>) {
    let squares: Vec<_> = (0..n).map(|i| square(i)).collect();
    (total(squares.clone()), squares)
}

#[dynamic]
fn by_name(names: Vec<String>) -> BTreeMap<String, i64> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| (name.clone(), square(i as i64)))
        .collect::<BTreeMap<_, _>>()
}

#[dynamic(retries = 1)]
fn strict(n: i64) -> Vec<i64> {
    (0..n).map(|i| checked(i)).collect::<Vec<_>>()
}

#[workflow]
fn outer(n: i64) -> (i64, Vec<i64>) {
    sum_of_squares(n)
}

#[workflow]
fn names_wf(list: Vec<String>) -> BTreeMap<String, i64> {
    by_name(list)
}

#[workflow]
fn strict_wf(n: i64) -> Vec<i64> {
    strict(n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graph_follows_the_input_values() {
    assert_eq!(outer::run(4).await.unwrap(), (14, vec![0, 1, 4, 9]));
    assert_eq!(outer::run(0).await.unwrap(), (0, vec![]));
    let out = names_wf::run(vec!["a".into(), "b".into(), "c".into()])
        .await
        .unwrap();
    assert_eq!(
        out,
        BTreeMap::from([("a".into(), 0), ("b".into(), 1), ("c".into(), 4)])
    );
}

#[test]
fn a_dynamic_task_is_one_node_of_its_workflow() {
    let spec = outer::spec();
    assert_eq!(spec.nodes.len(), 1);
    assert_eq!(spec.nodes[0].entity.name(), "local.dynamic.sum_of_squares");
}

#[tokio::test]
async fn a_failure_inside_names_the_path_through_the_dynamic_graph() {
    assert_eq!(strict_wf::run(3).await.unwrap(), [0, 1, 2]);
    let err = strict_wf::run(5).await.unwrap_err();
    let f = err.failure().unwrap();
    assert_eq!(f.task, "local.dynamic.strict");
    assert_eq!((f.attempt, f.max_attempts), (2, 2));
    let chain = format!("{:#}", anyhow::Error::from(err));
    assert!(
        chain.contains("node `n3` at `local.dynamic.strict_wf/n0/local.dynamic.strict.dynamic/n3`"),
        "{chain}"
    );
    assert!(chain.contains("three is not allowed"), "{chain}");
}

#[task]
fn plus_one(x: i64) -> i64 {
    x + 1
}

/// `plus_one` passed by name runs the function at build time: an error saying how to
/// add nodes instead, not a silent run of the body while the graph is built.
#[dynamic]
fn by_function(n: i64) -> i64 {
    let ones: Vec<i64> = (0..n).map(plus_one).collect();
    total(ones)
}

#[workflow]
fn by_function_wf(n: i64) -> i64 {
    by_function(n)
}

#[tokio::test]
async fn a_task_function_passed_by_name_in_a_dynamic_body_is_an_error_saying_how() {
    // Outside a graph the function is a function.
    assert_eq!(plus_one(1), 2);
    let err = by_function_wf::run(3).await.unwrap_err();
    let chain = format!("{:#}", anyhow::Error::from(err));
    assert!(
        chain.contains(
            "the task function `plus_one` was called as a function while a graph is built"
        ),
        "{chain}"
    );
    assert!(chain.contains("call it as `plus_one(x)`"), "{chain}");
}
