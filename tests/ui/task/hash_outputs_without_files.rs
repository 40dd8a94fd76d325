// `hash_outputs` hashes files, directories and dataframes: on a task that returns
// none it would do nothing, so it fails the build at the key. `hash_outputs = false`
// is fine anywhere, and a file inside a list or a struct field's type counts.
use flytekit::prelude::*;

#[task(hash_outputs)]
fn count(x: i64) -> i64 {
    x
}

#[task(hash_outputs = false)]
fn plain(x: i64) -> i64 {
    x
}

#[task(hash_outputs)]
fn reports(n: i64) -> Vec<FlyteFile> {
    (0..n).map(|i| FlyteFile::new(format!("/tmp/{i}"))).collect()
}

fn main() {}
