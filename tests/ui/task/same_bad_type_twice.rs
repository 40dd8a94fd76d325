// A type used by two inputs gets one type check, at its first use (`a`); the other
// two errors come from the inputs tuple and the interface, spanned at the parameters.
use flytekit::prelude::*;

struct Matrix {
    cells: Vec<f64>,
}

#[task]
fn dot(a: Matrix, b: Matrix) -> f64 {
    a.cells.iter().zip(&b.cells).map(|(x, y)| x * y).sum()
}

fn main() {}
