//! Expansions that must compile: async tasks, Result tasks, nested workflows,
//! constants computed in the body, helpers (`(f)(x)`), associated functions and
//! constructors passing through, no outputs, a renamed crate path, settings written
//! loosely (a count with a type suffix, a flag alone).

use flytekit::prelude::*;

#[task]
async fn fetch(n: i64) -> Result<String, std::io::Error> {
    Ok(format!("{n}"))
}

#[task(retries = 3u8, cache_serialize, cache = true, cache_version = "1")]
fn log(line: String) {
    let _ = line;
}

#[task]
fn pair() -> (i64, bool) {
    (1, true)
}

fn helper(x: i64) -> i64 {
    x * 3
}

#[workflow]
fn inner(n: i64) -> String {
    fetch(n)
}

#[workflow]
fn outer(n: i64) -> (String, bool) {
    let k = (helper)(2) + i64::from(3u8);
    let s = inner(k);
    log(String::from("constant"));
    log(s);
    let (_, flag) = pair();
    for i in 0..3 {
        log(format!("fan-out {i}"));
    }
    let _ = (std::cmp::max)(1, 2);
    let _ = Some(n);
    (inner(n), flag)
}

mod renamed {
    use ::flytekit as fl;

    #[fl::task(crate = ::flytekit)]
    fn one() -> i64 {
        1
    }

    #[fl::workflow(crate = ::flytekit, name = "renamed-workflow")]
    pub(super) fn wf() -> i64 {
        one()
    }
}

fn main() {
    let _ = outer::spec();
    assert_eq!(renamed::wf::spec().name, "renamed-workflow");
}
