//! Tasks as plain functions, workflow graphs, constants, multiple outputs, nested
//! workflows, struct tasks and config routing.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use flytekit::prelude::*;
use flytekit::types::{Literal, LiteralType, Primitive, SimpleType};
use flytekit::workflow::{Binding, Entity};

/// Splits a number into its half and remainder.
#[task]
fn halve(n: i64) -> (i64, i64) {
    (n / 2, n % 2)
}

#[task]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[task]
fn describe(value: i64, label: String) -> String {
    format!("{label}={value}")
}

fn label_for(n: i64) -> String {
    format!("n{n}")
}

#[workflow]
fn arithmetic(n: i64) -> (String, i64) {
    let (half, rest) = halve(n);
    let offset = 2 * 5; // ordinary Rust computing a constant
    let total = add(half, offset);
    (describe(total, (label_for)(3)), add(rest, rest))
}

#[test]
fn a_task_is_still_an_ordinary_function() {
    assert_eq!(halve(7), (3, 1));
    assert_eq!(describe(1, "x".into()), "x=1");
}

#[tokio::test]
async fn an_async_task_is_still_an_ordinary_async_function() {
    assert_eq!(add(2, 3).await, 5);
}

#[test]
fn a_task_describes_itself() {
    assert_eq!(halve {}.name(), "local.composition.halve");
    assert_eq!(halve {}.task_type(), "rust-task");
    assert_eq!(
        halve {}.description(),
        Some("Splits a number into its half and remainder.")
    );
    let i = halve {}.interface();
    assert_eq!(i.inputs[0].name, "n");
    assert_eq!(i.inputs[0].ty, LiteralType::Simple(SimpleType::Integer));
    let outs: Vec<_> = i.outputs.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(outs, ["o0", "o1"]);
}

#[tokio::test]
async fn multiple_outputs_and_constants_flow_through_the_graph() {
    assert_eq!(arithmetic::run(9).await.unwrap(), ("n3=14".to_string(), 2));
}

#[test]
fn the_graph_shows_nodes_upstream_and_every_kind_of_binding() {
    let spec = arithmetic::spec();
    assert_eq!(spec.name, "local.composition.arithmetic");
    let ids: Vec<_> = spec.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["n0", "n1", "n2", "n3"]);
    let tasks: Vec<_> = spec.nodes.iter().map(|n| n.entity.name()).collect();
    assert_eq!(
        tasks,
        [
            "local.composition.halve",
            "local.composition.add",
            "local.composition.describe",
            "local.composition.add"
        ]
    );
    assert!(matches!(
        &spec.nodes[0].inputs[0].binding,
        Binding::WorkflowInput { name, index: 0 } if name == "n"
    ));
    let n1 = &spec.nodes[1];
    assert!(matches!(
        &n1.inputs[0].binding,
        Binding::NodeOutput { node_id, output_name, .. } if node_id == "n0" && output_name == "o0"
    ));
    assert!(matches!(
        &n1.inputs[1].binding,
        Binding::Constant {
            literal: Literal::Primitive(Primitive::Integer(10)),
            ..
        }
    ));
    let n2 = &spec.nodes[2];
    assert_eq!(n2.inputs[1].name, "label");
    assert!(matches!(
        &n2.inputs[1].binding,
        Binding::Constant { literal: Literal::Primitive(Primitive::String(s)), .. } if s == "n3"
    ));
    assert_eq!(n2.upstream, [1]);
    assert_eq!(spec.nodes[3].upstream, [0]);
    assert_eq!(spec.outputs.len(), 2);
    assert_eq!(spec.outputs[0].to_string(), "n2.o0");
    assert_eq!(spec.outputs[1].to_string(), "n3.o0");
    let listing = spec.to_string();
    assert!(
        listing.contains("n1 local.composition.add [rust-task] a <- n0.o0, b <- 10"),
        "{listing}"
    );
}

#[test]
fn the_graph_is_built_once() {
    assert!(std::ptr::eq(arithmetic::spec(), arithmetic::spec()));
}

// ---- nested workflows -------------------------------------------------------------

#[task]
fn fail_if_negative(x: i64) -> Result<i64, String> {
    if x < 0 {
        Err(format!("{x} is negative"))
    } else {
        Ok(x)
    }
}

#[workflow]
fn inner(x: i64) -> i64 {
    let checked = fail_if_negative(x);
    add(checked, 1)
}

#[workflow]
fn outer(x: i64) -> (i64, i64) {
    let first = add(x, 100);
    let nested = inner(x);
    (nested, first)
}

#[tokio::test]
async fn workflows_nest_as_nodes() {
    assert_eq!(outer::run(5).await.unwrap(), (6, 105));
    let spec = outer::spec();
    assert!(matches!(spec.nodes[1].entity, Entity::Workflow(_)));
    assert_eq!(spec.nodes[1].entity.name(), "local.composition.inner");
}

#[tokio::test]
async fn a_failure_inside_a_subworkflow_reports_the_full_path() {
    let err = outer::run(-1).await.unwrap_err();
    let f = err.failure().unwrap();
    assert_eq!(f.workflow, "local.composition.inner");
    assert_eq!(f.node, "n0");
    assert_eq!(
        f.path,
        "local.composition.outer/n1/local.composition.inner/n0"
    );
    assert_eq!(
        err.to_string(),
        "workflow `local.composition.inner` node `n0` at `local.composition.outer/n1/local.composition.inner/n0` \
         (task `local.composition.fail_if_negative`) failed on attempt 1 of 1: task returned an error: \
         -1 is negative"
    );
    // The chain of causes does not repeat what the text already says.
    assert_eq!(
        flytekit::task::ErrorChain::new(&err).to_string(),
        err.to_string()
    );
    let completed = err.completed().unwrap();
    assert_eq!(completed.get::<i64>("n0", "o0"), Some(99));
}

// ---- struct tasks -----------------------------------------------------------------

/// A plugin-style task: divides with a configured rounding, two inputs, two named
/// outputs.
struct Divide {
    name: String,
    metadata: TaskMetadata,
}

impl Task for Divide {
    type Input = (i64, i64);
    type Output = (i64, i64);
    fn name(&self) -> &str {
        &self.name
    }
    fn task_type(&self) -> &str {
        "divide"
    }
    fn interface(&self) -> Interface {
        Interface::of::<(i64, i64), (i64, i64)>(["num", "den"], ["quotient", "remainder"])
    }
    fn metadata(&self) -> &TaskMetadata {
        &self.metadata
    }
    fn custom(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({ "rounding": "floor" }))
    }
    async fn execute(
        &self,
        ctx: ExecutionContext,
        (num, den): (i64, i64),
    ) -> Result<(i64, i64), TaskError> {
        assert_eq!(ctx.task_name(), "divide-task");
        if den == 0 {
            return Err(TaskError::permanent("division by zero"));
        }
        Ok((num.div_euclid(den), num.rem_euclid(den)))
    }
}

static DIVIDE: LazyLock<Divide> = LazyLock::new(|| Divide {
    name: "divide-task".into(),
    metadata: TaskMetadata::default().timeout(Duration::from_secs(5)),
});

#[workflow]
fn divide_and_describe(num: i64, den: i64) -> String {
    let (q, r) = DIVIDE(num, den);
    describe(add(q, r), "sum")
}

#[tokio::test]
async fn struct_tasks_are_nodes_with_their_own_interface() {
    assert_eq!(divide_and_describe::run(17, 5).await.unwrap(), "sum=5");
    let spec = divide_and_describe::spec();
    let n0 = &spec.nodes[0];
    assert_eq!(n0.entity.name(), "divide-task");
    assert_eq!(n0.inputs[1].name, "den");
    assert_eq!(spec.nodes[1].inputs[0].binding.to_string(), "n0.quotient");
    let Entity::Task(t) = n0.entity else {
        panic!("expected a task node")
    };
    assert_eq!(t.task_type(), "divide");
    assert_eq!(t.custom(), Some(serde_json::json!({ "rounding": "floor" })));
}

// ---- config routing ---------------------------------------------------------------

/// A plugin's config type: tasks using it get its task type and custom config, and
/// its hook before each attempt.
struct Spark {
    executors: u32,
}

static SPARK_SESSIONS: AtomicU32 = AtomicU32::new(0);

impl TaskConfig for Spark {
    fn task_type(&self) -> &str {
        "spark"
    }
    fn custom(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({ "executors": self.executors }))
    }
    fn before_attempt(&self, ctx: &ExecutionContext) -> Result<(), TaskError> {
        SPARK_SESSIONS.fetch_add(1, Ordering::SeqCst);
        assert_eq!(ctx.attempt(), 1);
        Ok(())
    }
}

#[task(config = Spark { executors: 4 })]
fn count_words(text: String) -> i64 {
    text.split_whitespace().count() as i64
}

#[workflow]
fn spark_job(text: String) -> i64 {
    count_words(text)
}

#[tokio::test]
async fn a_config_routes_the_task_to_its_plugin() {
    assert_eq!(count_words {}.task_type(), "spark");
    assert_eq!(
        count_words {}.custom(),
        Some(serde_json::json!({ "executors": 4 }))
    );
    assert_eq!(spark_job::run("a b c".into()).await.unwrap(), 3);
    assert_eq!(SPARK_SESSIONS.load(Ordering::SeqCst), 1);
}

// ---- metadata from attributes -----------------------------------------------------

#[task(
    name = "custom-name",
    retries = 4,
    timeout = "1h 30m",
    cache = true,
    cache_version = "2",
    interruptible,
    deprecated = "use add instead"
)]
fn knobs(x: i64) -> i64 {
    x
}

#[test]
fn task_attributes_become_metadata() {
    assert_eq!(knobs {}.name(), "custom-name");
    let m = knobs {}.metadata();
    assert_eq!(m.node.retries, Some(4));
    assert_eq!(m.node.timeout, Some(Duration::from_secs(5400)));
    assert_eq!(m.node.cache, Some(true));
    assert_eq!(m.node.cache_version.as_deref(), Some("2"));
    assert_eq!(m.node.interruptible, Some(true));
    assert_eq!(m.deprecated.as_deref(), Some("use add instead"));
}

#[tokio::test]
async fn a_standalone_context_runs_a_task_outside_a_workflow() {
    let ctx = ExecutionContext::standalone("divide-task", Default::default());
    let out = DIVIDE.execute(ctx, (7, 2)).await.unwrap();
    assert_eq!(out, (3, 1));
}

// ---- named outputs, tasks from other modules, stable builds -------------------------

mod stats {
    use flytekit::prelude::*;

    /// Mean and spread of three numbers.
    #[task(outputs(mean, spread))]
    pub(crate) fn summarize(a: f64, b: f64, c: f64) -> (f64, f64) {
        let mean = (a + b + c) / 3.0;
        let spread = a.max(b).max(c) - a.min(b).min(c);
        (mean, spread)
    }
}

#[task]
fn ratio(x: f64, y: f64) -> f64 {
    x / y
}

#[workflow(outputs(mean, relative_spread))]
fn summary(a: f64, b: f64, c: f64) -> (f64, f64) {
    let (mean, spread) = stats::summarize(a, b, c);
    (mean, ratio(spread, mean))
}

#[tokio::test]
async fn outputs_can_be_named_and_tasks_come_from_other_modules() {
    assert_eq!(summary::run(1.0, 2.0, 3.0).await.unwrap(), (2.0, 1.0));
    let spec = summary::spec();
    assert_eq!(
        spec.nodes[0].entity.name(),
        "local.composition.stats.summarize"
    );
    assert_eq!(spec.nodes[1].inputs[0].binding.to_string(), "n0.spread");
    let outs: Vec<_> = spec
        .interface
        .outputs
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(outs, ["mean", "relative_spread"]);
    assert_eq!(spec.outputs[0].to_string(), "n0.mean");
}

#[test]
fn node_ids_and_input_names_are_stable_across_builds() {
    let shape = |s: &flytekit::workflow::WorkflowSpec| -> Vec<String> {
        s.nodes
            .iter()
            .map(|n| {
                let inputs: Vec<String> = n
                    .inputs
                    .iter()
                    .map(|i| format!("{}<-{}", i.name, i.binding))
                    .collect();
                format!("{} {} {}", n.id, n.entity.name(), inputs.join(","))
            })
            .collect()
    };
    let first = shape(&arithmetic::build());
    assert_eq!(first, shape(&arithmetic::build()));
    assert_eq!(first, shape(arithmetic::spec()));
}

// ---- the execution context inside #[task] functions --------------------------------

#[task(retries = 1)]
async fn context_async() -> Result<String, String> {
    let ctx = ExecutionContext::current().ok_or("no context")?;
    if ctx.attempt() == 1 {
        return Err("fail the first attempt".into());
    }
    Ok(format!(
        "{} {} {}",
        ctx.node_id(),
        ctx.task_name(),
        ctx.attempt()
    ))
}

#[task]
fn context_sync(previous: String) -> String {
    let ctx = ExecutionContext::current().expect("a plain-fn task sees its context");
    format!("{previous} | {} {}", ctx.node_path(), ctx.execution_id())
}

/// With a timeout, a plain-fn task always runs on the blocking pool.
#[task(timeout = "10s")]
fn context_sync_pool(previous: String) -> String {
    let ctx = ExecutionContext::current().expect("a pooled task sees its context");
    format!("{previous} | {}", ctx.node_id())
}

#[workflow]
fn context_workflow() -> String {
    context_sync_pool(context_sync(context_async()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_see_their_own_execution_context() {
    let opts = RunOptions::default().execution_id("exec-42");
    let out = context_workflow::run_with(&opts, ()).await.unwrap();
    assert_eq!(
        out,
        "n0 local.composition.context_async 2 | local.composition.context_workflow/n1 exec-42 | n2"
    );
    assert!(ExecutionContext::current().is_none());
    // Called directly, a task body has no context.
    assert!(context_async().await.is_err());
}

// ---- ordering without data (`a >> b`) ------------------------------------------------------

static ORDER: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

#[task]
async fn first_step() {
    // Slow enough that, unordered, `second` would finish first.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    ORDER.lock().unwrap().push("first_step");
}

#[task]
fn second_step() {
    ORDER.lock().unwrap().push("second_step");
}

#[task]
fn stamp_after(x: i64) -> i64 {
    ORDER.lock().unwrap().push("stamp");
    x + 1
}

#[workflow]
fn ordered(x: i64) -> i64 {
    first_step() >> second_step();
    let y = stamp_after(x);
    second_step() >> y
}

#[tokio::test]
async fn a_node_ordered_after_another_waits_for_it_without_taking_data() {
    let spec = ordered::spec();
    // n1 (second) after n0 (first); n2 (stamp) reads only x; n3 (second) before n2.
    assert_eq!(spec.nodes[1].upstream, [0]);
    assert_eq!(spec.nodes[2].upstream, [3]);
    assert!(spec.nodes[1].inputs.is_empty());
    let picture = flytekit::workflow::render::mermaid(spec);
    assert!(picture.contains("n0 -.-> n1"), "{picture}");
    assert!(picture.contains("n3 -.-> n2"), "{picture}");
    let dot = flytekit::workflow::render::dot(spec);
    assert!(dot.contains("\"n0\" -> \"n1\" [style=dashed]"), "{dot}");
    ORDER.lock().unwrap().clear();
    assert_eq!(ordered::run(1).await.unwrap(), 2);
    let order = ORDER.lock().unwrap().clone();
    let at = |name: &str| order.iter().position(|n| *n == name).unwrap();
    assert!(
        at("first_step") < order.iter().rposition(|n| *n == "second_step").unwrap(),
        "{order:?}"
    );
    assert_eq!(
        order.iter().filter(|n| **n == "second_step").count(),
        2,
        "{order:?}"
    );
    // The last `second` ran before `stamp`, which waited for it.
    assert!(
        order.iter().position(|n| *n == "second_step").unwrap() < at("stamp"),
        "{order:?}"
    );
}

// ---- node overrides (`.with_overrides(..)`) ------------------------------------------------

static FLAKY_CALLS: AtomicU32 = AtomicU32::new(0);

/// Fails its first two attempts; no retries of its own.
#[task]
fn flaky(x: i64) -> Result<i64, std::io::Error> {
    match FLAKY_CALLS.fetch_add(1, Ordering::SeqCst) {
        0 | 1 => Err(std::io::Error::other("not yet")),
        _ => Ok(x),
    }
}

#[task]
async fn slowish(x: i64) -> i64 {
    tokio::time::sleep(Duration::from_secs(5)).await;
    x
}

static PRICED: AtomicU32 = AtomicU32::new(0);

#[task]
fn price(x: i64) -> i64 {
    PRICED.fetch_add(1, Ordering::SeqCst);
    x * 100
}

#[workflow]
fn retried_here(x: i64) -> i64 {
    flaky(x).with_overrides(NodeOverrides::new().retries(2).name("patient"))
}

#[workflow]
fn timed_here(x: i64) -> i64 {
    slowish(x).with_overrides(NodeOverrides::new().timeout("50ms"))
}

#[workflow]
fn cached_here(x: i64) -> i64 {
    price(x).with_overrides(NodeOverrides::new().cache("1"))
}

#[workflow]
fn bad_override(x: i64) -> i64 {
    price(x).with_overrides(NodeOverrides::new().requests(Resources::new().cpu("lots")))
}

#[tokio::test]
async fn a_nodes_retries_timeout_and_cache_overrides_apply_locally() {
    // The task has no retries; this call has two, so the third attempt succeeds.
    FLAKY_CALLS.store(0, Ordering::SeqCst);
    assert_eq!(retried_here::run(4).await.unwrap(), 4);
    assert_eq!(FLAKY_CALLS.load(Ordering::SeqCst), 3);
    // The node's own timeout cuts a five-second task short.
    let err = timed_here::run(1).await.unwrap_err();
    assert!(format!("{err:?}").contains("TimedOut(50ms)"), "{err:?}");
    // The call is cached though the task is not.
    let dir = std::env::temp_dir().join(format!("flyte-override-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let opts = RunOptions::default().cache_dir(&dir);
    let before = PRICED.load(Ordering::SeqCst);
    assert_eq!(cached_here::run_with(&opts, (3,)).await.unwrap(), 300);
    assert_eq!(cached_here::run_with(&opts, (3,)).await.unwrap(), 300);
    assert_eq!(PRICED.load(Ordering::SeqCst), before + 1);
    let _ = std::fs::remove_dir_all(&dir);
    // A bad override stops the run before any node, naming the value.
    let err = bad_override::run(1).await.unwrap_err();
    assert!(format!("{err}: {:?}", err).contains("lots"), "{err:?}");
}

/// rustc's fix for an unused parameter, `_summary`, keeps the input's name.
#[task]
fn ignores(_summary: String, count: i64) -> i64 {
    count
}

#[test]
fn a_leading_underscore_is_not_part_of_an_input_name() {
    let names: Vec<String> = ignores {}
        .interface()
        .inputs
        .iter()
        .map(|v| v.name.clone())
        .collect();
    assert_eq!(names, ["summary", "count"]);
}

/// The widest task: sixteen inputs (`types::MAX_ARITY`).
#[task]
#[allow(clippy::too_many_arguments)]
fn sum16(
    p0: i64,
    p1: i64,
    p2: i64,
    p3: i64,
    p4: i64,
    p5: i64,
    p6: i64,
    p7: i64,
    p8: i64,
    p9: i64,
    p10: i64,
    p11: i64,
    p12: i64,
    p13: i64,
    p14: i64,
    p15: i64,
) -> i64 {
    p0 + p1 + p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9 + p10 + p11 + p12 + p13 + p14 + p15
}

/// Sixteen outputs.
#[task]
#[allow(clippy::type_complexity)]
fn spread(
    x: i64,
) -> (
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
) {
    (
        x,
        x + 1,
        x + 2,
        x + 3,
        x + 4,
        x + 5,
        x + 6,
        x + 7,
        x + 8,
        x + 9,
        x + 10,
        x + 11,
        x + 12,
        x + 13,
        x + 14,
        x + 15,
    )
}

/// Ten parameters, an ordinary workflow, and every wide shape in a body.
#[workflow]
fn wide_pipeline(
    a0: i64,
    a1: i64,
    a2: i64,
    a3: i64,
    a4: i64,
    a5: i64,
    a6: i64,
    a7: i64,
    a8: i64,
    a9: i64,
) -> (i64, i64) {
    let (s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15) = spread(a0);
    let total = sum16(
        s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15,
    );
    let again = sum16(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, 0, 0, 0, 0, 0, 0);
    (total, again)
}

#[tokio::test]
async fn sixteen_inputs_and_outputs_and_a_ten_parameter_workflow() {
    assert_eq!(wide_pipeline::spec().interface.inputs.len(), 10);
    let out = wide_pipeline::run(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
        .await
        .unwrap();
    // spread(1) is 1..=16, summed 136; the inputs sum to 55.
    assert_eq!(out, (136, 55));
}
