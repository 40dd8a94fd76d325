//! A task, workflow or gate leaves its name free for variables and parameters: it
//! is a type, and the function stays a function. Every binding here shares a name
//! with one.

use flytekit::prelude::*;
use flytekit::workflow::gate::sleep;

/// Sums the amounts.
#[task]
fn total(amounts: Vec<f64>) -> f64 {
    amounts.iter().sum()
}

#[task]
fn alert(total: f64, threshold: f64) -> bool {
    total > threshold
}

#[task]
fn double(x: f64) -> f64 {
    x * 2.0
}

/// A parameter named like a task, and a variable named like the task it holds.
#[workflow]
fn check(amounts: Vec<f64>, threshold: f64) -> bool {
    let total = total(amounts);
    let double = double(total);
    let paused = sleep("1s");
    paused >> double;
    alert(double, threshold)
}

/// A local closure is called as the value it is, where it is in scope.
#[workflow]
fn with_closure(amounts: Vec<f64>) -> f64 {
    let twice = |x| double(x);
    twice(total(amounts))
}

/// A parameter shares the workflow's own name and a task's.
#[workflow]
fn sum_of(total: Vec<f64>) -> f64 {
    crate::total(total)
}

fn report(total: f64, check: bool, sleep: u32, when: &str, map_task: i32) -> String {
    format!("{total} {check} {sleep} {when} {map_task}")
}

#[tokio::main]
async fn main() {
    let total = total(vec![1.0, 2.0]);
    let alert = alert(total, 2.0);
    assert!(alert);
    let double = double(total);
    assert_eq!(double, 6.0);
    let check = check::run(vec![1.0, 2.0], 5.0).await.unwrap();
    assert!(check);
    assert_eq!(with_closure::run(vec![2.0]).await.unwrap(), 4.0);
    assert_eq!(sum_of::run(vec![2.0, 3.0]).await.unwrap(), 5.0);
    let sleep = 3;
    let _ = report(total, check, sleep, "now", 1);
}

/// An `if` on values known while the graph is built (a loop counter, a constant)
/// shapes the graph.
#[workflow]
fn every_other(x: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let limit = 4;
    for i in 0..limit {
        if i % 2 == 0 && !(i > 2) {
            out.push(double(x));
        }
    }
    let name = String::from("a");
    if name == "a" || name.is_empty() {
        out.push(double(x));
    }
    let _ = name;
    out
}
