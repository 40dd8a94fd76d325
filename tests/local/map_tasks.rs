//! Map tasks: a task over every item of a list, with a concurrency limit, a minimum
//! success ratio, and failures reported by item.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::Duration;

use flytekit::execution::MapFailure;
use flytekit::prelude::*;
use flytekit::workflow::Entity;

#[task]
async fn square(x: i64) -> i64 {
    x * x
}

#[task]
fn label(x: i64) -> String {
    format!("#{x}")
}

#[workflow]
fn squares_then_labels(xs: Vec<i64>) -> (Vec<i64>, Vec<String>) {
    let sq = map_task(&square).over(xs);
    (sq, map_task(&label).concurrency(2).over(sq))
}

#[tokio::test]
async fn a_map_task_keeps_item_order_for_async_and_plain_tasks() {
    let (sq, labels) = squares_then_labels::run(vec![3, 1, 2]).await.unwrap();
    assert_eq!(sq, [9, 1, 4]);
    assert_eq!(labels, ["#9", "#1", "#4"]);
    let (sq, labels) = squares_then_labels::run(vec![]).await.unwrap();
    assert!(sq.is_empty() && labels.is_empty());
}

#[test]
fn a_map_node_shows_list_types_and_its_task() {
    let spec = squares_then_labels::spec();
    let n0 = &spec.nodes[0];
    assert_eq!(n0.entity.kind(), "map:rust-task");
    assert_eq!(n0.entity.name(), "local.map_tasks.square");
    let i = n0.entity.interface();
    assert_eq!(i.inputs[0].name, "x");
    assert_eq!(i.inputs[0].ty.to_string(), "list<integer>");
    assert_eq!(i.outputs[0].ty.to_string(), "list<integer>");
    assert_eq!(spec.nodes[1].inputs[0].binding.to_string(), "n0.o0");
}

static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

#[task]
async fn slow_item(x: i64) -> i64 {
    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
    PEAK.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(10)).await;
    RUNNING.fetch_sub(1, Ordering::SeqCst);
    x
}

#[workflow]
fn limited(xs: Vec<i64>) -> Vec<i64> {
    map_task(&slow_item).concurrency(3).over(xs)
}

#[tokio::test(start_paused = true)]
async fn no_more_items_run_at_once_than_the_concurrency_allows() {
    let out = limited::run((0..20).collect()).await.unwrap();
    assert_eq!(out, (0..20).collect::<Vec<_>>());
    assert_eq!(PEAK.load(Ordering::SeqCst), 3);
}

#[task]
fn odd_fails(x: i64) -> Result<i64, String> {
    if x % 2 == 1 {
        Err(format!("{x} is odd"))
    } else {
        Ok(x / 2)
    }
}

#[workflow]
fn all_required(xs: Vec<i64>) -> Vec<i64> {
    map_task(&odd_fails).over(xs)
}

#[workflow]
fn half_required(xs: Vec<i64>) -> Vec<Option<i64>> {
    map_task(&odd_fails).min_success_ratio(0.5).over(xs)
}

#[tokio::test]
async fn failed_items_are_reported_by_index() {
    let err = all_required::run(vec![0, 2, 3, 4]).await.unwrap_err();
    let f = err.failure().unwrap();
    assert_eq!(f.node, "n0");
    let TaskError::Failed(source) = &f.error else {
        panic!("expected a failure")
    };
    let map = source.downcast_ref::<MapFailure>().unwrap();
    assert_eq!((map.total, map.required), (4, 4));
    let indices: Vec<_> = map.failed.iter().map(|(i, _)| *i).collect();
    assert_eq!(indices, [2]);
    assert_eq!(
        map.to_string(),
        "1 of 4 items failed (items 2); 4 had to succeed; item 2: task returned an error: 3 is odd"
    );
}

#[tokio::test]
async fn with_a_lower_success_ratio_failed_items_are_none() {
    let out = half_required::run(vec![0, 1, 2, 3]).await.unwrap();
    assert_eq!(out, [Some(0), None, Some(1), None]);
    let err = half_required::run(vec![1, 3, 5, 2]).await.unwrap_err();
    let chain = format!("{:#}", anyhow::Error::from(err));
    assert!(chain.contains("items 0, 1, 2"), "{chain}");
    assert!(chain.contains("2 had to succeed"), "{chain}");
}

static FLAKY: AtomicU32 = AtomicU32::new(0);

#[task(retries = 1)]
async fn flaky_item(x: i64) -> Result<i64, String> {
    let ctx = ExecutionContext::current().unwrap();
    if x == 1 && ctx.attempt() == 1 {
        FLAKY.fetch_add(1, Ordering::SeqCst);
        return Err("first try fails".into());
    }
    Ok(x * 10 + i64::from(ctx.array_index().unwrap()))
}

#[workflow]
fn retrying(xs: Vec<i64>) -> Vec<i64> {
    map_task(&flaky_item).over(xs)
}

#[tokio::test]
async fn each_item_has_its_own_retries_and_knows_its_index() {
    assert_eq!(retrying::run(vec![0, 1, 2]).await.unwrap(), [0, 11, 22]);
    assert_eq!(FLAKY.load(Ordering::SeqCst), 1);
}

/// `map_task` is named by full path in a workflow body, not imported by the prelude,
/// so an input may share its name (a static in scope would make that error E0530).
#[workflow]
fn named_like_the_helper(map_task: Vec<i64>) -> Vec<i64> {
    map_task(&square).over(map_task)
}

#[tokio::test]
async fn an_input_may_be_called_map_task() {
    assert_eq!(
        named_like_the_helper::run(vec![2, 3]).await.unwrap(),
        [4, 9]
    );
}

/// `def scale(x: int, factor: int) -> int`.
#[task]
fn scale(x: i64, factor: i64) -> i64 {
    x * factor
}

/// `def pair(a: int, b: str) -> str`.
#[task]
fn pair(a: i64, b: String) -> String {
    format!("{b}{a}")
}

/// `map_task(functools.partial(scale, factor=10))(x=xs)`.
#[workflow]
fn scaled_by_ten(xs: Vec<i64>) -> Vec<i64> {
    map_task(&scale).over(xs, bound(10))
}

/// `map_task(pair)(a=a, b=b)`.
#[workflow]
fn paired(a: Vec<i64>, b: Vec<String>) -> Vec<String> {
    map_task(&pair).over(a, b)
}

#[workflow]
fn at_least_two(xs: Vec<i64>) -> Vec<Option<i64>> {
    map_task(&odd_fails)
        .concurrency(2)
        .min_successes(2)
        .over(xs)
}

#[tokio::test]
async fn a_bound_input_goes_whole_to_every_item() {
    assert_eq!(
        scaled_by_ten::run(vec![1, 2, 3]).await.unwrap(),
        [10, 20, 30]
    );
    let spec = scaled_by_ten::spec();
    let Entity::Map(map) = &spec.nodes[0].entity else {
        panic!("a map node");
    };
    assert_eq!(map.bound_inputs(), ["factor"]);
    let types: Vec<String> = spec.nodes[0]
        .entity
        .interface()
        .inputs
        .iter()
        .map(|v| format!("{}: {}", v.name, v.ty))
        .collect();
    assert_eq!(types, ["x: list<integer>", "factor: integer"]);
}

#[tokio::test]
async fn several_lists_are_mapped_together_and_must_be_as_long() {
    let out = paired::run(vec![1, 2], vec!["a".into(), "b".into()])
        .await
        .unwrap();
    assert_eq!(out, ["a1", "b2"]);
    let err = paired::run(vec![1, 2, 3], vec!["a".into()])
        .await
        .unwrap_err();
    let message = flytekit::task::ErrorChain::new(&err).to_string();
    assert!(
        message.contains("the mapped lists differ in length (3, 1)"),
        "{message}"
    );
}

#[tokio::test]
async fn min_successes_counts_items() {
    // Items 1 and 3 fail; two of four succeed, which is enough.
    let out = at_least_two::run(vec![0, 1, 2, 3]).await.unwrap();
    assert_eq!(out, [Some(0), None, Some(1), None]);
    // Three of four fail: too few.
    let err = at_least_two::run(vec![1, 3, 5, 2]).await.unwrap_err();
    let TaskError::Failed(source) = &err.failure().expect("the map node failed").error else {
        panic!("expected a failure")
    };
    let map = source.downcast_ref::<MapFailure>().unwrap();
    assert_eq!((map.total, map.required), (4, 2));
}
