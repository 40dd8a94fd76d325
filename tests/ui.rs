//! Compile-fail tests: each misuse of `#[task]` or `#[workflow]` is an error that
//! points at the offending tokens. Regenerate `.stderr` files with
//! `TRYBUILD=overwrite cargo test --test ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/task/*.rs");
    t.compile_fail("tests/ui/workflow/*.rs");
    t.compile_fail("tests/ui/derive/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
