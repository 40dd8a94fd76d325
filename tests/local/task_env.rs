//! A task's own environment variables (`#[task(environment(..))]`): seen through its
//! context, by plain and async bodies, while the process environment stays as it was
//! (tasks run in parallel in one process).

use flytekit::prelude::*;

#[task(environment(FLYTE_RS_TEST_REGION = "eu", "FLYTE_RS.TEST-TIER" = "gold"))]
fn region_plain() -> (String, String, bool) {
    let ctx = ExecutionContext::current().expect("runs as a task");
    (
        ctx.env("FLYTE_RS_TEST_REGION").unwrap_or_default(),
        ctx.env("FLYTE_RS.TEST-TIER").unwrap_or_default(),
        std::env::var("FLYTE_RS_TEST_REGION").is_ok(),
    )
}

#[task(environment(FLYTE_RS_TEST_REGION = "us"))]
async fn region_async() -> String {
    let ctx = ExecutionContext::current().expect("runs as a task");
    ctx.env("FLYTE_RS_TEST_REGION").unwrap_or_default()
}

#[task]
fn no_env() -> Option<String> {
    ExecutionContext::current()
        .expect("runs as a task")
        .env("FLYTE_RS_TEST_REGION")
}

#[workflow]
fn regions() -> (String, String, bool, String, Option<String>) {
    let (plain, tier, in_process) = region_plain();
    (plain, tier, in_process, region_async(), no_env())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_task_sees_its_own_environment_and_the_process_is_untouched() {
    let (plain, tier, in_process, async_region, none) = regions::run().await.unwrap();
    assert_eq!(plain, "eu");
    assert_eq!(tier, "gold");
    assert!(!in_process, "the process environment was changed");
    assert_eq!(async_region, "us");
    assert_eq!(none, None);
    assert_eq!(
        region_plain {}.metadata().env,
        [
            ("FLYTE_RS_TEST_REGION".to_string(), "eu".to_string()),
            ("FLYTE_RS.TEST-TIER".to_string(), "gold".to_string())
        ]
    );
}

#[test]
fn a_later_value_for_the_same_name_replaces_the_first() {
    let m = TaskMetadata::default()
        .env("A", "1")
        .env("B", "2")
        .env("A", "3");
    let env: Vec<_> = m.env.iter().map(|(k, v)| (&k[..], &v[..])).collect();
    assert_eq!(env, [("A", "3"), ("B", "2")]);
}
