use flytekit::prelude::*;

struct Matrix {
    cells: Vec<f64>,
}

#[task]
fn trace(m: Matrix) -> f64 {
    m.cells.iter().sum()
}

fn main() {}
