use flytekit::prelude::*;

#[task]
fn total(xs: Vec<f64>) -> f64 {
    xs.iter().sum()
}

#[task]
fn alert(total: f64) -> String {
    format!("{total}")
}

#[workflow]
fn report(xs: Vec<f64>, threshold: f64) -> String {
    let sum = total(xs);
    // A promise has no value while the graph is built: one error, at the operand.
    if sum > threshold {
        alert(sum)
    } else {
        alert(0.0)
    }
}

fn main() {}
