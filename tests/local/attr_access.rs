//! Attribute access on promises (flytekit's `s.max_score`, `s.tags[0]`,
//! `s.weights["a"]`): a struct field, list item or map value of an output or input
//! feeds another node without a task of its own. Runs locally, and written to Flyte IDL
//! as the binding's `attr_path`, compared with what flytekit 1.16.31 writes for the same
//! workflow (`tests/polyglot/attr_access.py`, run with `FLYTEKIT_PYTHON`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use flytekit::idl::{self, SerializationSettings, core as pb};
use flytekit::prelude::*;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, FlyteType)]
struct Inner {
    score: f64,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, FlyteType)]
struct Summary {
    count: i64,
    max_score: f64,
    inner: Inner,
    tags: Vec<String>,
    weights: HashMap<String, f64>,
}

#[task]
fn summarize(xs: Vec<i64>) -> Summary {
    Summary {
        count: xs.len() as i64,
        max_score: xs.iter().copied().max().unwrap_or(0) as f64,
        inner: Inner { score: 0.5 },
        tags: xs.iter().map(|x| format!("t{x}")).collect(),
        weights: HashMap::from([("a".to_string(), 2.5)]),
    }
}

#[task]
fn use_float(x: f64) -> f64 {
    x
}

#[task]
fn use_str(s: String) -> String {
    s
}

#[task]
fn use_int(n: i64) -> i64 {
    n
}

/// The workflow of `attr_access.py`, call for call.
#[workflow]
fn attrs(xs: Vec<i64>, config: Summary) -> (f64, f64, String, f64, i64, f64) {
    let s = summarize(xs);
    let a = use_float(s.max_score);
    let b = use_float(s.inner.score);
    let c = use_str(s.tags[0]);
    let d = use_float(s.weights["a"]);
    let e = use_int(config.count);
    (a, b, c, d, e, s.inner.score)
}

/// Fields named as the promise's own private fields are still the struct's.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, FlyteType)]
struct Located {
    path: String,
    node: i64,
    output: i64,
}

#[task]
fn locate(path: String) -> Located {
    Located {
        node: path.len() as i64,
        output: 1,
        path,
    }
}

#[workflow]
fn located(path: String) -> (String, i64, i64) {
    let l = locate(path);
    (use_str(l.path), use_int(l.node), l.output)
}

/// A struct with a field named as one of `Summary`'s.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, FlyteType)]
struct Counted {
    count: i64,
}

#[task]
fn count_chars(text: String) -> Counted {
    Counted {
        count: text.len() as i64,
    }
}

/// Two struct types with a field of the same name, read in one workflow: each read
/// with its own type's reader.
#[workflow]
fn same_field_name(xs: Vec<i64>) -> (i64, i64) {
    let s = summarize(xs);
    let c = count_chars("abcd".to_string());
    (use_int(s.count), use_int(c.count))
}

#[workflow]
fn item_past_the_end(xs: Vec<i64>) -> String {
    let s = summarize(xs);
    use_str(s.tags[3])
}

fn config() -> Summary {
    Summary {
        count: 7,
        max_score: 0.0,
        inner: Inner { score: 0.0 },
        tags: vec![],
        weights: HashMap::new(),
    }
}

#[tokio::test]
async fn parts_of_outputs_and_inputs_feed_nodes_in_a_local_run() {
    let out = attrs::run(vec![3, 9, 4], config()).await.unwrap();
    assert_eq!(out, (9.0, 0.5, "t3".to_string(), 2.5, 7, 0.5));
    // No node of their own: five tasks and the summary.
    assert_eq!(attrs::spec().nodes.len(), 6);
}

#[tokio::test]
async fn fields_named_like_the_promises_own_are_the_structs() {
    let out = located::run("abc".into()).await.unwrap();
    assert_eq!(out, ("abc".to_string(), 3, 1));
}

#[tokio::test]
async fn the_same_field_name_on_two_struct_types_reads_each_its_own() {
    let out = same_field_name::run(vec![5, 6, 7]).await.unwrap();
    assert_eq!(out, (3, 4));
}

#[tokio::test]
async fn an_item_past_the_end_fails_the_node_that_reads_it() {
    let err = item_past_the_end::run(vec![1, 2]).await.unwrap_err();
    let failure = err.failure().unwrap();
    assert_eq!(failure.node, "n1");
    assert_eq!(failure.task, "local.attr_access.use_str");
    let text = flytekit::task::ErrorChain::new(&err).to_string();
    assert!(
        text.contains("n0.o0.tags[3] cannot be read: `[3]`: the list has 2 items"),
        "{text}"
    );
    // The summary's output is kept.
    assert!(
        err.completed()
            .unwrap()
            .get::<Summary>("n0", "o0")
            .is_some()
    );
}

/// `{var: {node, var, attrPath}}` of some bindings, as the Python script prints them.
fn paths(bindings: &[pb::Binding]) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for b in bindings {
        let Some(pb::binding_data::Value::Promise(p)) =
            b.binding.as_ref().and_then(|d| d.value.as_ref())
        else {
            panic!("{} is not bound to a promise", b.var)
        };
        let steps: Vec<serde_json::Value> = p
            .attr_path
            .iter()
            .map(|a| match &a.value {
                Some(pb::promise_attribute::Value::StringValue(s)) => {
                    serde_json::json!({"stringValue": s})
                }
                Some(pb::promise_attribute::Value::IntValue(i)) => {
                    serde_json::json!({"intValue": i})
                }
                None => serde_json::Value::Null,
            })
            .collect();
        out.insert(
            b.var.clone(),
            serde_json::json!({"node": p.node_id, "var": p.var, "attrPath": steps}),
        );
    }
    serde_json::Value::Object(out)
}

fn flytekit_python() -> PathBuf {
    match std::env::var_os("FLYTEKIT_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => panic!(
            "FLYTEKIT_PYTHON is not set: run the tests with `bash .ci/test`, which installs flytekit 1.16.31"
        ),
    }
}

#[test]
fn the_attribute_paths_are_the_ones_flytekit_writes() {
    let settings = SerializationSettings {
        project: "p".into(),
        domain: "d".into(),
        version: "v".into(),
        image: "img".into(),
        images: Default::default(),
        entrypoint: "/usr/local/bin/app".into(),
        fast: None,
    };
    let template = idl::workflow_template(attrs::spec(), &settings).unwrap();
    let ours = serde_json::json!({
        "nodes": template.nodes.iter().map(|n| paths(&n.inputs)).collect::<Vec<_>>(),
        "outputs": paths(&template.outputs),
    });
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/polyglot/attr_access.py");
    let out = Command::new(flytekit_python())
        .arg(script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let theirs: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
    assert_eq!(ours, theirs);
    // The flyteidl package parses it too.
    support::keep_for_flyteidl(
        "flyteidl.core.WorkflowTemplate",
        "attr_access.pb",
        &prost::Message::encode_to_vec(&template),
    );
}

use crate::support;
