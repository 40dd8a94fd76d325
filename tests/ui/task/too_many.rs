use flytekit::prelude::*;

#[task]
fn wide(a: i64, b: i64, c: i64, d: i64, e: i64, f: i64, g: i64, h: i64, i: i64) -> i64 {
    a + b + c + d + e + f + g + h + i
}

#[task]
fn tall() -> (i64, i64, i64, i64, i64, i64, i64, i64, i64) {
    (1, 2, 3, 4, 5, 6, 7, 8, 9)
}

fn main() {}
