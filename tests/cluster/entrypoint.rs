//! The container entrypoint in process, on object_store's in-memory store: outputs of
//! every shape, panics, checkpoints across attempts, dynamic tasks, and the identity a
//! task sees. (`tests/cluster/entrypoint_s3.rs` runs the demo binary against a real S3 server.)

use std::sync::Arc;

use flytekit::data::FileAccess;
use flytekit::entrypoint::{ExecuteRequest, Outcome, execute};
use flytekit::execution::ClusterIdentity;
use flytekit::idl::{self, core as pb};
use flytekit::prelude::*;
use flytekit::registry::Registry;
use prost::Message;

#[task]
fn notify(message: String) {
    let _ = message;
}

#[task]
fn split(text: String) -> (i64, Vec<String>) {
    let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    (words.len() as i64, words)
}

#[task(retries = 3)]
fn explode(x: i64) -> i64 {
    panic!("boom with {x}")
}

/// A dynamic task whose body panics while it builds its graph, for some inputs.
#[dynamic]
fn fan_or_fail(n: i64) -> Vec<i64> {
    assert!(n >= 0, "cannot fan out {n} ways");
    let items: Vec<Promise<i64>> = (0..n).map(|i| explode(i)).collect();
    items
}

/// Counts attempts through its checkpoint: reads the previous attempt's count and
/// saves one more.
#[task]
async fn resumable(step: i64) -> Result<i64, flytekit::task::BoxError> {
    let ctx = ExecutionContext::current().ok_or("runs as a task")?;
    let checkpoint = ctx.checkpoint().ok_or("this run has a checkpoint")?;
    let before = match checkpoint.read().await? {
        Some(bytes) => String::from_utf8(bytes.to_vec())?.parse::<i64>()?,
        None => 0,
    };
    checkpoint.write((before + step).to_string()).await?;
    Ok(before + step)
}

/// Reports who it runs as.
#[task]
fn whoami() -> String {
    let ctx = ExecutionContext::current().expect("runs as a task");
    let id = ctx.cluster().expect("on a cluster");
    format!(
        "{}/{}/{} task {} attempt {}",
        id.project,
        id.domain,
        ctx.execution_id(),
        id.task_name,
        ctx.attempt()
    )
}

#[task]
fn add_one(x: i64) -> i64 {
    x + 1
}

/// Runs its graph in its own pod (`run_in_pod`); `tests/cluster/idl_production.rs` has one
/// handing its graph to Flyte.
#[dynamic(run_in_pod)]
fn chain_of(n: i64) -> i64 {
    let mut acc = add_one(0);
    for _ in 1..n {
        acc = add_one(acc);
    }
    acc
}

/// flytekit's `@task(enable_deck=True)`: its decks go to `deck.html`.
#[task(enable_deck)]
fn decked(x: i64) -> i64 {
    let ctx = ExecutionContext::current().expect("runs as a task");
    ctx.deck("Summary")
        .markdown("# Doubled")
        .table(["x", "2x"], [[x, 2 * x]]);
    2 * x
}

/// Writes a deck without enabling decks: nothing is written on a cluster.
#[task]
fn undecked(x: i64) -> i64 {
    let ctx = ExecutionContext::current().expect("runs as a task");
    ctx.deck("Summary").text("not shown");
    x
}

fn registry() -> Registry {
    let mut r = Registry::new();
    r.task(&decked {}).task(&undecked {});
    r.task(&notify {})
        .task(&split {})
        .task(&explode {})
        .task(&resumable {})
        .task(&whoami {})
        .task(&chain_of {})
        .task(&fan_or_fail {});
    r
}

fn request(task: &str, node: &str) -> ExecuteRequest {
    ExecuteRequest {
        task_name: task.to_string(),
        inputs: format!("memory:///run/{node}/inputs.pb"),
        output_prefix: format!("memory:///run/{node}/out"),
        raw_output_prefix: Some("memory:///run/raw".to_string()),
        checkpoint_path: None,
        prev_checkpoint: None,
    }
}

async fn run(
    files: &Arc<FileAccess>,
    req: &ExecuteRequest,
    inputs: &[(&str, Literal)],
    identity: ClusterIdentity,
) -> Outcome {
    let map = idl::literal_map(inputs.iter().map(|(k, v)| (*k, v)));
    files.put(&req.inputs, map.encode_to_vec()).await.unwrap();
    execute(&registry(), files.clone(), identity, req)
        .await
        .unwrap()
}

use flytekit::types::Literal;

#[tokio::test]
async fn a_task_without_outputs_leaves_an_empty_outputs_file() {
    let files = Arc::new(FileAccess::new());
    let req = request("cluster.entrypoint.notify", "a");
    let outcome = run(
        &files,
        &req,
        &[("message", "hi".to_string().to_literal())],
        ClusterIdentity::default(),
    )
    .await;
    assert_eq!(
        outcome,
        Outcome::Succeeded {
            outputs: pb::LiteralMap::default()
        }
    );
    let bytes = files.get("memory:///run/a/out/outputs.pb").await.unwrap();
    assert!(bytes.is_empty(), "flytekit writes a 0-byte outputs.pb");
}

#[tokio::test]
async fn several_outputs_are_named_o0_o1() {
    let files = Arc::new(FileAccess::new());
    let req = request("cluster.entrypoint.split", "b");
    run(
        &files,
        &req,
        &[("text", "a b c".to_string().to_literal())],
        ClusterIdentity::default(),
    )
    .await;
    let bytes = files.get("memory:///run/b/out/outputs.pb").await.unwrap();
    let map = pb::LiteralMap::decode(bytes.as_ref()).unwrap();
    let count = idl::literal_from_idl(&map.literals["o0"]).unwrap();
    let words = idl::literal_from_idl(&map.literals["o1"]).unwrap();
    assert_eq!(i64::from_literal(&count).unwrap(), 3);
    assert_eq!(
        <Vec<String>>::from_literal(&words).unwrap(),
        ["a", "b", "c"]
    );
}

#[tokio::test]
async fn a_panic_is_a_recoverable_user_error_document_and_one_attempt() {
    let files = Arc::new(FileAccess::new());
    let req = request("cluster.entrypoint.explode", "c");
    let Outcome::Failed(e) = run(
        &files,
        &req,
        &[("x", 7i64.to_literal())],
        ClusterIdentity::default(),
    )
    .await
    else {
        panic!("the task panics");
    };
    assert_eq!(e.code, "USER:Panic");
    assert_eq!(e.kind, pb::ContainerErrorKind::Recoverable as i32);
    assert_eq!(e.origin, pb::ErrorOrigin::User as i32);
    assert!(e.message.contains("boom with 7"), "{}", e.message);
    // Flyte retries; one container runs one attempt.
    assert!(e.message.contains("(attempt 1)"), "{}", e.message);
}

#[tokio::test]
async fn a_dynamic_task_panicking_while_it_builds_its_graph_is_a_user_error_document() {
    // The body panics before any node is added, so no graph reaches Flyte.
    let identity = ClusterIdentity::default();
    let files = Arc::new(FileAccess::new());
    let req = request("cluster.entrypoint.fan_or_fail", "dyn");
    let Outcome::Failed(e) = run(&files, &req, &[("n", (-2i64).to_literal())], identity).await
    else {
        panic!("the body panics");
    };
    assert_eq!(e.code, "USER:Panic");
    assert_eq!(e.origin, pb::ErrorOrigin::User as i32);
    assert!(
        e.message.contains("cannot fan out -2 ways"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn the_checkpoint_carries_state_from_one_attempt_to_the_next() {
    let files = Arc::new(FileAccess::new());
    let mut first = request("cluster.entrypoint.resumable", "d1");
    first.checkpoint_path = Some("memory:///run/d/cp1".into());
    let outcome = run(
        &files,
        &first,
        &[("step", 5i64.to_literal())],
        ClusterIdentity::default(),
    )
    .await;
    assert!(matches!(outcome, Outcome::Succeeded { .. }), "{outcome:?}");
    assert_eq!(
        files
            .get("memory:///run/d/cp1/_dst_cp")
            .await
            .unwrap()
            .as_ref(),
        b"5"
    );

    let mut second = request("cluster.entrypoint.resumable", "d2");
    second.checkpoint_path = Some("memory:///run/d/cp2".into());
    second.prev_checkpoint = Some("memory:///run/d/cp1".into());
    let Outcome::Succeeded { outputs } = run(
        &files,
        &second,
        &[("step", 5i64.to_literal())],
        ClusterIdentity::default(),
    )
    .await
    else {
        panic!("the second attempt succeeds");
    };
    let total = idl::literal_from_idl(&outputs.literals["o0"]).unwrap();
    assert_eq!(i64::from_literal(&total).unwrap(), 10);
}

#[tokio::test]
async fn the_task_sees_the_execution_identity_flyte_sets() {
    let files = Arc::new(FileAccess::new());
    let identity = ClusterIdentity::from_vars(|name| {
        Some(
            match name {
                "FLYTE_INTERNAL_EXECUTION_PROJECT" => "flytesnacks",
                "_F_DM" => "development",
                "FLYTE_INTERNAL_EXECUTION_ID" => "abc123",
                "FLYTE_INTERNAL_TASK_NAME" => "cluster.entrypoint.whoami",
                "FLYTE_ATTEMPT_NUMBER" => "2",
                _ => return None,
            }
            .to_string(),
        )
    });
    let req = request("cluster.entrypoint.whoami", "e");
    let Outcome::Succeeded { outputs } = run(&files, &req, &[], identity).await else {
        panic!("whoami succeeds");
    };
    let text =
        String::from_literal(&idl::literal_from_idl(&outputs.literals["o0"]).unwrap()).unwrap();
    assert_eq!(
        text,
        "flytesnacks/development/abc123 task cluster.entrypoint.whoami attempt 3"
    );
}

#[tokio::test]
async fn a_dynamic_task_runs_its_graph_inside_the_container() {
    let files = Arc::new(FileAccess::new());
    let req = request("cluster.entrypoint.chain_of", "f");
    let Outcome::Succeeded { outputs } = run(
        &files,
        &req,
        &[("n", 4i64.to_literal())],
        ClusterIdentity::default(),
    )
    .await
    else {
        panic!("the dynamic task succeeds");
    };
    let out = idl::literal_from_idl(&outputs.literals["o0"]).unwrap();
    assert_eq!(i64::from_literal(&out).unwrap(), 4);
}

#[tokio::test]
async fn a_map_item_pod_reading_the_whole_lists_picks_its_own_item() {
    let mut registry = registry();
    registry.task(&add_one {});
    let files = Arc::new(FileAccess::new());
    let env = |index: &'static str| {
        ClusterIdentity::from_vars(move |name| {
            Some(
                match name {
                    "BATCH_JOB_ARRAY_INDEX_VAR_NAME" => "FLYTE_K8S_ARRAY_INDEX",
                    "FLYTE_K8S_ARRAY_INDEX" => index,
                    "BATCH_JOB_ARRAY_INDEX_OFFSET" => "1",
                    _ => return None,
                }
                .to_string(),
            )
        })
    };
    assert_eq!(env("1").array_index, Some(2));
    let list = vec![10i64, 20, 30].to_literal();
    let req = request("cluster.entrypoint.add_one", "g");
    let map = idl::literal_map([("x", &list)]);
    files.put(&req.inputs, map.encode_to_vec()).await.unwrap();
    let Outcome::Succeeded { outputs } = execute(&registry, files.clone(), env("1"), &req)
        .await
        .unwrap()
    else {
        panic!("item 2 succeeds");
    };
    let out = idl::literal_from_idl(&outputs.literals["o0"]).unwrap();
    assert_eq!(i64::from_literal(&out).unwrap(), 31);

    let Outcome::Failed(e) = execute(&registry, files.clone(), env("5"), &req)
        .await
        .unwrap()
    else {
        panic!("item 6 does not exist");
    };
    assert_eq!(e.code, "USER:InputsMismatch");
    assert!(
        e.message
            .contains("item 6 of map task `cluster.entrypoint.add_one` do not match its interface: input `x`: it has 3 items, no item 6"),
        "{}",
        e.message
    );
}

#[task]
fn stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339()
}

#[task]
fn count_up(n: i64) -> i64 {
    n
}

/// A type whose conversion panics: a bug in a hand-written `FlyteType`, outside the
/// task's body.
#[derive(Clone, Debug)]
struct Fragile;

impl FlyteType for Fragile {
    fn literal_type() -> flytekit::types::LiteralType {
        i64::literal_type()
    }
    fn to_literal(&self) -> Literal {
        0i64.to_literal()
    }
    fn from_literal(_: &Literal) -> Result<Self, flytekit::types::LiteralMismatch> {
        panic!("Fragile cannot be read")
    }
}

#[task]
fn fragile(x: Fragile) -> i64 {
    let _ = x;
    0
}

fn hostile_registry() -> Registry {
    let mut r = Registry::new();
    r.task(&stamp {}).task(&count_up {}).task(&fragile {});
    r
}

async fn run_hostile(task: &str, node: &str, x: (&str, pb::Literal)) -> Outcome {
    let files = Arc::new(FileAccess::new());
    let req = request(task, node);
    let map = pb::LiteralMap {
        literals: [(x.0.to_string(), x.1)].into_iter().collect(),
    };
    files.put(&req.inputs, map.encode_to_vec()).await.unwrap();
    execute(&hostile_registry(), files, ClusterIdentity::default(), &req)
        .await
        .unwrap()
}

fn datetime(seconds: i64) -> pb::Literal {
    let mut lit = idl::literal(&0i64.to_literal());
    if let Some(pb::literal::Value::Scalar(s)) = &mut lit.value {
        s.value = Some(pb::scalar::Value::Primitive(pb::Primitive {
            value: Some(pb::primitive::Value::Datetime(prost_types::Timestamp {
                seconds,
                nanos: 0,
            })),
        }));
    }
    lit
}

fn failed(outcome: Outcome) -> pb::ContainerError {
    match outcome {
        Outcome::Failed(e) => e,
        other => panic!("expected an error document, got {other:?}"),
    }
}

#[tokio::test]
async fn datetimes_before_1970_or_past_9999_for_an_integer_are_a_mismatch_not_a_panic() {
    // 1969-07-20T20:17:00Z, and a second past 9999-12-31T23:59:59-23:59.
    for (seconds, shown) in [(-14_182_980, "datetime"), (253_402_387_140, "datetime")] {
        let e = failed(
            run_hostile(
                "cluster.entrypoint.count_up",
                "dt-int",
                ("n", datetime(seconds)),
            )
            .await,
        );
        assert_eq!(e.code, "USER:InputsMismatch", "{}", e.message);
        assert!(
            e.message.contains("expected integer, but got a"),
            "{}",
            e.message
        );
        assert!(e.message.contains(shown), "{}", e.message);
    }
}

#[tokio::test]
async fn a_datetime_past_chronos_years_is_a_mismatch_naming_why() {
    let e = failed(
        run_hostile(
            "cluster.entrypoint.stamp",
            "dt-far",
            ("at", datetime(9_000_000_000_000)),
        )
        .await,
    );
    assert_eq!(e.code, "USER:InputsMismatch", "{}", e.message);
    assert!(e.message.contains("chrono"), "{}", e.message);
    // One the SDK can hold prints in RFC 3339, also before 1970.
    let Outcome::Succeeded { outputs } = run_hostile(
        "cluster.entrypoint.stamp",
        "dt-old",
        ("at", datetime(-14_182_980)),
    )
    .await
    else {
        panic!("1969 is a valid datetime");
    };
    let out = idl::literal_from_idl(&outputs.literals["o0"]).unwrap();
    assert_eq!(
        String::from_literal(&out).unwrap(),
        "1969-07-20T20:17:00+00:00"
    );
}

#[tokio::test]
async fn a_huge_value_of_the_wrong_type_is_quoted_within_a_bound() {
    let secret = format!("s3cr3t-{}", "x".repeat(5_000_000));
    let e = failed(
        run_hostile(
            "cluster.entrypoint.count_up",
            "huge",
            ("n", idl::literal(&secret.to_literal())),
        )
        .await,
    );
    assert_eq!(e.code, "USER:InputsMismatch");
    assert!(
        e.message.len() < 500,
        "{} bytes: {}",
        e.message.len(),
        e.message
    );
    assert!(
        e.message.contains("a string of 5000007 bytes"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn a_panic_outside_the_task_body_is_a_system_error_document() {
    let e = failed(
        run_hostile(
            "cluster.entrypoint.fragile",
            "fragile",
            ("x", idl::literal(&1i64.to_literal())),
        )
        .await,
    );
    assert_eq!(e.code, "SYSTEM:Panic", "{}", e.message);
    assert_eq!(e.origin, pb::ErrorOrigin::System as i32);
    assert!(
        e.message.contains("Fragile cannot be read"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn a_task_with_decks_enabled_writes_deck_html_next_to_its_outputs() {
    // As flytekit's exec_deck and exec_nodeck runs: `out/deck.html` beside
    // `out/outputs.pb` only for the task with enable_deck.
    let files = Arc::new(FileAccess::new());
    let req = request("cluster.entrypoint.decked", "deck");
    let outcome = run(
        &files,
        &req,
        &[("x", 7i64.to_literal())],
        ClusterIdentity::default(),
    )
    .await;
    assert!(matches!(outcome, Outcome::Succeeded { .. }), "{outcome:?}");
    let listed = files.list("memory:///run/deck/out").await.unwrap();
    assert_eq!(
        listed,
        [
            "memory:///run/deck/out/deck.html",
            "memory:///run/deck/out/outputs.pb"
        ]
    );
    let page = files.get("memory:///run/deck/out/deck.html").await.unwrap();
    let page = String::from_utf8(page.to_vec()).unwrap();
    assert!(
        page.contains("<label for=\"deck0\">Summary</label>"),
        "{page}"
    );
    assert!(page.contains("<h1>Doubled</h1>"), "{page}");
    assert!(page.contains("<td>7</td><td>14</td>"), "{page}");
    assert!(
        page.contains(">Inputs</label>") && page.contains(">Outputs</label>"),
        "{page}"
    );

    let req = request("cluster.entrypoint.undecked", "nodeck");
    run(
        &files,
        &req,
        &[("x", 7i64.to_literal())],
        ClusterIdentity::default(),
    )
    .await;
    let listed = files.list("memory:///run/nodeck/out").await.unwrap();
    assert_eq!(listed, ["memory:///run/nodeck/out/outputs.pb"]);
}

#[task]
fn nested_sum(xs: Vec<Vec<i64>>) -> i64 {
    xs.iter().flatten().sum()
}

/// `tag` as a protobuf key of a length-delimited field, then `body`'s length and
/// bytes, written by hand: encoding a message 200,000 deep with prost would itself
/// recurse that deep.
fn length_delimited(tag: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 12);
    prost::encoding::encode_key(tag, prost::encoding::WireType::LengthDelimited, &mut out);
    prost::encoding::encode_varint(body.len() as u64, &mut out);
    out.extend_from_slice(body);
    out
}

/// inputs.pb with `{name: [[[...]]]}`, a list nested `depth` deep. Each level is
/// only a header (the nested literal is the whole rest), so the headers are made
/// from the inside out and laid down in reverse: linear in `depth`.
fn deeply_nested_inputs(name: &str, depth: usize) -> Vec<u8> {
    let mut headers: Vec<Vec<u8>> = Vec::with_capacity(depth);
    let mut inner_len = 0usize; // the innermost literal: empty
    for _ in 0..depth {
        // Literal.collection (2) holding LiteralCollection.literals (1).
        let mut collection = Vec::new();
        prost::encoding::encode_key(
            1,
            prost::encoding::WireType::LengthDelimited,
            &mut collection,
        );
        prost::encoding::encode_varint(inner_len as u64, &mut collection);
        let collection_len = collection.len() + inner_len;
        let mut header = Vec::new();
        prost::encoding::encode_key(2, prost::encoding::WireType::LengthDelimited, &mut header);
        prost::encoding::encode_varint(collection_len as u64, &mut header);
        header.extend(collection);
        inner_len += header.len();
        headers.push(header);
    }
    let literal: Vec<u8> = headers.into_iter().rev().flatten().collect();
    let mut entry = length_delimited(1, name.as_bytes());
    entry.extend(length_delimited(2, &literal));
    length_delimited(1, &entry)
}

#[tokio::test]
async fn a_hostile_deeply_nested_input_is_a_clean_error_document_not_a_crash() {
    let mut registry = Registry::new();
    registry.task(&nested_sum {});
    for depth in [200_000, flytekit::idl::MAX_LITERAL_DEPTH + 1] {
        let files = Arc::new(FileAccess::new());
        let req = request("cluster.entrypoint.nested_sum", &format!("deep{depth}"));
        let bytes = deeply_nested_inputs("xs", depth);
        files.put(&req.inputs, bytes).await.unwrap();
        let outcome = execute(&registry, files.clone(), ClusterIdentity::default(), &req)
            .await
            .unwrap();
        let e = failed(outcome);
        assert_eq!(e.kind, pb::ContainerErrorKind::NonRecoverable as i32);
        assert!(
            e.message.contains("nested more than 100 levels deep"),
            "{}",
            e.message
        );
        let written = format!("memory:///run/deep{depth}/out/error.pb");
        assert!(files.exists(&written).await.unwrap());
    }
    // Within the limit, a value the type allows reads as always.
    let files = Arc::new(FileAccess::new());
    let req = request("cluster.entrypoint.nested_sum", "shallow");
    let map = idl::literal_map([("xs", &vec![vec![1i64, 2], vec![3]].to_literal())]);
    files.put(&req.inputs, map.encode_to_vec()).await.unwrap();
    let outcome = execute(&registry, files, ClusterIdentity::default(), &req)
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Succeeded { .. }), "{outcome:?}");
}
