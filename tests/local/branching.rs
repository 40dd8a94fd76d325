//! Conditionals: only the taken case runs, conditions compare promises and constants
//! with `&&` and `||`, cases nest, and a missing case can fail the node.

use std::sync::atomic::{AtomicU32, Ordering};

use flytekit::prelude::*;
use flytekit::workflow::Entity;

static DOUBLED: AtomicU32 = AtomicU32::new(0);
static NEGATED: AtomicU32 = AtomicU32::new(0);

/// Counts its runs; only `pick` uses it, so the count is this test's alone.
#[task]
fn double_counted(x: i64) -> i64 {
    DOUBLED.fetch_add(1, Ordering::SeqCst);
    x * 2
}

#[task]
fn negate_counted(x: i64) -> i64 {
    NEGATED.fetch_add(1, Ordering::SeqCst);
    -x
}

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[task]
fn negate(x: i64) -> i64 {
    -x
}

#[task]
fn is_even(x: i64) -> bool {
    x % 2 == 0
}

#[task]
fn describe(x: i64, tag: String) -> String {
    format!("{tag}:{x}")
}

#[workflow]
fn pick(x: i64, mode: String) -> String {
    let y = double_counted(x);
    let chosen = when(y > 10 && mode == "big" || x == 0)
        .then(|| double_counted(y))
        .when(x < 0)
        .then(|| negate_counted(x))
        .otherwise(|| y);
    describe(chosen, mode)
}

#[tokio::test]
async fn only_the_taken_case_runs() {
    let before = (
        DOUBLED.load(Ordering::SeqCst),
        NEGATED.load(Ordering::SeqCst),
    );
    assert_eq!(pick::run(6, "big".into()).await.unwrap(), "big:24");
    assert_eq!(pick::run(-4, "small".into()).await.unwrap(), "small:4");
    assert_eq!(pick::run(2, "small".into()).await.unwrap(), "small:4");
    assert_eq!(pick::run(0, "small".into()).await.unwrap(), "small:0");
    let after = (
        DOUBLED.load(Ordering::SeqCst),
        NEGATED.load(Ordering::SeqCst),
    );
    // Four runs double once each up front, and twice more in the first case (x = 6 and
    // x = 0); x = -4 negates once.
    assert_eq!(after.0 - before.0, 6);
    assert_eq!(after.1 - before.1, 1);
}

#[test]
fn the_branch_node_shows_its_inputs_conditions_and_cases() {
    let spec = pick::spec();
    assert_eq!(spec.nodes.len(), 3);
    let branch = &spec.nodes[1];
    let Entity::Branch(b) = &branch.entity else {
        panic!("expected a branch node")
    };
    let inputs: Vec<String> = branch
        .inputs
        .iter()
        .map(|i| format!("{} <- {}", i.name, i.binding))
        .collect();
    assert_eq!(inputs, ["c0 <- n0.o0", "c1 <- input mode", "c2 <- input x"]);
    assert_eq!(branch.upstream, [0]);
    let conditions: Vec<String> = b.cases.iter().map(|c| c.condition.to_string()).collect();
    assert_eq!(
        conditions,
        ["((c0 > 10 && c1 == \"big\") || c2 == 0)", "c2 < 0"]
    );
    assert_eq!(
        b.cases[0].spec.nodes[0].inputs[0].binding.to_string(),
        "input c0"
    );
    assert_eq!(spec.nodes[2].inputs[0].binding.to_string(), "n1.o0");
}

#[workflow]
fn nested(x: i64) -> (i64, bool) {
    let even = is_even(x);
    let out = when(even)
        .then(|| {
            let d = double(x);
            when(d >= 8).then(|| negate(d)).otherwise(|| d)
        })
        .otherwise(|| negate(x));
    (out, even)
}

#[tokio::test]
async fn conditions_take_bool_promises_and_cases_nest() {
    assert_eq!(nested::run(4).await.unwrap(), (-8, true));
    assert_eq!(nested::run(2).await.unwrap(), (4, true));
    assert_eq!(nested::run(3).await.unwrap(), (-3, false));
}

#[task]
fn fails_on_seven(x: i64) -> Result<i64, String> {
    if x == 7 { Err("seven".into()) } else { Ok(x) }
}

#[workflow]
fn strict(x: i64) -> i64 {
    when(x > 0)
        .then(|| fails_on_seven(x))
        .fail("x must be positive")
}

#[tokio::test]
async fn no_matching_case_fails_and_failures_inside_a_case_name_their_path() {
    let err = strict::run(-1).await.unwrap_err();
    let chain = format!("{:#}", anyhow::Error::from(err));
    assert!(
        chain.contains("no condition held: x must be positive"),
        "{chain}"
    );
    let err = strict::run(7).await.unwrap_err();
    let f = err.failure().unwrap();
    assert_eq!(f.path, "local.branching.strict/n0/case0/n0");
    assert_eq!(f.task, "local.branching.fails_on_seven");
    // A case is part of the workflow holding the branch, not a workflow of its own.
    assert_eq!(f.workflow, "local.branching.strict");
    assert_eq!(f.node, "n0/case0/n0");
    let text = err.to_string();
    assert!(
        text.contains(
            "workflow `local.branching.strict` node `n0/case0/n0` (task `local.branching.fails_on_seven`)"
        ),
        "{text}"
    );
    assert!(!text.contains("workflow `case0`"), "{text}");
}

#[task]
fn late_or_early(hour: i64) -> String {
    if hour >= 12 { "late" } else { "early" }.to_string()
}

/// `when` is not a name in scope (the macro finds the SDK's by path), so an input may
/// be called `when`.
#[workflow]
fn schedule(when: i64) -> String {
    when(when >= 0)
        .then(|| late_or_early(when))
        .fail("no negative hours")
}

#[tokio::test]
async fn an_input_may_be_called_when() {
    assert_eq!(schedule::run(13).await.unwrap(), "late");
    let err = schedule::run(-1).await.unwrap_err();
    assert!(format!("{err}").contains("n0"), "{err}");
}

/// An enum of names with `PartialEq` only: `==` in a condition needs no order.
#[derive(Clone, Copy, Debug, PartialEq, FlyteType)]
enum Mode {
    Fast,
    Careful,
}

#[task]
fn pick_mode(fast: bool) -> Mode {
    if fast { Mode::Fast } else { Mode::Careful }
}

#[task]
fn describe_mode(careful: bool) -> String {
    if careful {
        "careful".into()
    } else {
        "fast".into()
    }
}

#[workflow]
fn by_mode(fast: bool) -> String {
    let mode = pick_mode(fast);
    when(mode == Mode::Careful)
        .then(|| describe_mode(true))
        .when(mode != Mode::Fast)
        .then(|| describe_mode(true))
        .otherwise(|| describe_mode(false))
}

#[tokio::test]
async fn an_enum_compares_by_equality_without_an_order() {
    assert_eq!(by_mode::run(true).await.unwrap(), "fast");
    assert_eq!(by_mode::run(false).await.unwrap(), "careful");
}

#[task]
fn announce(x: i64) {
    let _ = x;
}

/// `>>` across a `when`: a case's node after an outer one, and an outer node after a
/// case's. Flyte orders nodes of one graph only, so each edge is lifted to the branch
/// node.
#[workflow]
fn ordered_across_when(x: i64) -> i64 {
    let first = announce(x);
    let last = double(x);
    let chosen = when(x > 0)
        .then(|| {
            let d = negate(x);
            &first >> d;
            d >> &last;
            d
        })
        .otherwise(|| x);
    chosen
}

#[tokio::test]
async fn ordering_across_a_when_is_lifted_to_the_branch_node() {
    let spec = ordered_across_when::spec();
    let ids: Vec<&str> = spec.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["n0", "n1", "n2"]);
    assert!(matches!(spec.nodes[2].entity, Entity::Branch(_)));
    // The branch waits for `announce`; `double` waits for the branch.
    assert_eq!(spec.nodes[2].upstream, vec![0]);
    assert_eq!(spec.nodes[1].upstream, vec![2]);
    let Entity::Branch(b) = &spec.nodes[2].entity else {
        unreachable!()
    };
    let case = &b.cases[0].spec;
    assert!(case.nodes.iter().all(|n| n.upstream.is_empty()));
    assert_eq!(ordered_across_when::run(3).await.unwrap(), -3);
    assert_eq!(ordered_across_when::run(-5).await.unwrap(), -5);
}

/// A case's node ordered before an outer node that the branch itself reads: lifted
/// to the branch, the edge closes a circle (the branch reads `y`, `y` waits for the
/// branch). Found when the graph is built, naming the nodes, before anything runs.
#[workflow]
fn ordered_in_a_circle(x: i64) -> i64 {
    let y = double(x);
    when(x > 0)
        .then(|| {
            let d = negate(x);
            d >> &y;
            d
        })
        .otherwise(|| negate(y))
}

#[tokio::test]
async fn an_order_that_closes_a_circle_is_an_error_naming_the_nodes() {
    let spec = ordered_in_a_circle::spec();
    let (_, e) = spec.validate().unwrap_err();
    assert!(
        matches!(&e, flytekit::task::ConfigError::OrderCycle { nodes } if nodes == &["n0", "n1"]),
        "{e}"
    );
    let err = ordered_in_a_circle::run(3).await.unwrap_err();
    assert!(err.to_string().contains("cannot run"), "{err}");
    assert!(
        flytekit::task::ErrorChain::new(&err)
            .to_string()
            .contains("wait for each other in a circle"),
        "{err}"
    );
}

// Conditions on union values: an `Option` against `None` (Flyte compares a none
// operand), and an enum whose variants carry values against one of them.

#[task]
fn half_if_even(x: i64) -> Option<i64> {
    (x % 2 == 0).then_some(x / 2)
}

/// `Union[float, str]` in flytekit.
#[derive(Clone, Debug, PartialEq, FlyteType)]
enum Reading {
    Celsius(f64),
    Label(String),
}

#[task]
fn read_sensor(x: i64) -> Reading {
    if x > 0 {
        Reading::Celsius(x as f64)
    } else {
        Reading::Label("offline".into())
    }
}

#[task]
fn say(text: String) -> String {
    text
}

#[workflow]
fn parity(x: i64) -> String {
    let half = half_if_even(x);
    when(half == None::<i64>)
        .then(|| say("odd".to_string()))
        .otherwise(|| say("even".to_string()))
}

#[workflow]
fn sensor_state(x: i64) -> String {
    let reading = read_sensor(x);
    when(reading == Reading::Label("offline".into()))
        .then(|| say("down".to_string()))
        .otherwise(|| say("up".to_string()))
}

#[tokio::test]
async fn union_values_are_compared_in_conditions() {
    assert_eq!(parity::run(3).await.unwrap(), "odd");
    assert_eq!(parity::run(4).await.unwrap(), "even");
    assert_eq!(sensor_state::run(-1).await.unwrap(), "down");
    assert_eq!(sensor_state::run(5).await.unwrap(), "up");
    // Flyte's branch compares the node's value with a scalar operand: none, or the
    // union value with its variant's tag.
    let settings = flytekit::idl::SerializationSettings::default();
    let json = |w: &dyn flytekit::workflow::DynWorkflow| {
        let template = flytekit::idl::workflow_template(w.spec(), &settings).unwrap();
        flytekit::idl::to_json(&template)
    };
    let parity_json = json(&parity {});
    assert!(parity_json.contains("\"rightValue\": {\n"), "{parity_json}");
    assert!(parity_json.contains("\"noneType\": {}"), "{parity_json}");
    let sensor_json = json(&sensor_state {});
    assert!(
        sensor_json.contains("\"stringValue\": \"offline\""),
        "{sensor_json}"
    );
    assert!(sensor_json.contains("\"tag\": \"str\""), "{sensor_json}");
}
