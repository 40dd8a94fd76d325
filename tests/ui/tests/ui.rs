//! Compile-fail tests: each misuse of `#[task]` or `#[workflow]` is an error that
//! points at the offending tokens. Regenerate `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p flytekit-ui-tests` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("task/*.rs");
    t.compile_fail("workflow/*.rs");
    t.compile_fail("derive/*.rs");
    t.pass("pass/*.rs");
}
