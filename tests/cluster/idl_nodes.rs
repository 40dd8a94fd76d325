//! Branch and array (map task) nodes as Flyte IDL, subworkflows carried in the admin
//! `WorkflowSpec`, and `serialize --json`. The specs are left in
//! `target/idl-out/parse/<message>/` for `tests/idl/check_flyteidl.py`, which parses
//! them with the Python `flyteidl` package and rejects unknown fields.

use flytekit::idl::{self, SerializationSettings, core as pb};
use flytekit::prelude::*;
use prost::Message;

fn settings() -> SerializationSettings {
    SerializationSettings {
        project: "p".into(),
        domain: "d".into(),
        version: "v1".into(),
        image: "img".into(),
        images: Default::default(),
        entrypoint: "/usr/local/bin/app".into(),
        fast: None,
    }
}

/// Leaves `bytes` for the flyteidl check, which parses it as `message`.
fn keep(message: &str, name: &str, bytes: &[u8]) {
    support::keep_for_flyteidl(message, name, bytes);
}

use crate::support;
#[task]
async fn double(x: i64) -> i64 {
    x * 2
}

#[task]
async fn negate(x: i64) -> i64 {
    -x
}

#[task(retries = 2)]
async fn square(x: i64) -> i64 {
    x * x
}

#[workflow]
fn pick(x: i64, label: String) -> i64 {
    let d = double(x);
    when(d > 10 && label == "big")
        .then(|| negate(d))
        .when(d < 0)
        .then(|| double(negate(d)))
        .otherwise(|| d)
}

#[workflow]
fn strict(x: i64) -> i64 {
    when(x >= 0)
        .then(|| double(x))
        .fail("x must not be negative")
}

#[workflow]
fn squares(xs: Vec<i64>) -> Vec<i64> {
    map_task(&square).concurrency(4).over(xs)
}

#[workflow]
fn some_squares(xs: Vec<i64>) -> Vec<Option<i64>> {
    map_task(&square).min_success_ratio(0.75).over(xs)
}

fn branch_of(node: &pb::Node) -> &pb::IfElseBlock {
    match node.target.as_ref().unwrap() {
        pb::node::Target::BranchNode(b) => b.if_else.as_ref().unwrap(),
        other => panic!("expected a branch node, got {other:?}"),
    }
}

fn comparison(e: &pb::BooleanExpression) -> &pb::ComparisonExpression {
    match e.expr.as_ref().unwrap() {
        pb::boolean_expression::Expr::Comparison(c) => c,
        other => panic!("expected a comparison, got {other:?}"),
    }
}

fn sub_workflow_of(node: &pb::Node) -> &str {
    match node.target.as_ref().unwrap() {
        pb::node::Target::WorkflowNode(pb::WorkflowNode {
            reference: Some(pb::workflow_node::Reference::SubWorkflowRef(id)),
        }) => &id.name,
        other => panic!("expected a workflow node, got {other:?}"),
    }
}

#[test]
fn a_branch_is_a_branch_node_whose_cases_are_subworkflows_over_its_inputs() {
    let spec = idl::workflow_spec(pick::spec(), &settings()).unwrap();
    let bytes = spec.encode_to_vec();
    keep("flyteidl.admin.WorkflowSpec", "pick.pb", &bytes);
    let spec = idl::admin::WorkflowSpec::decode(bytes.as_slice()).unwrap();
    let template = spec.template.as_ref().unwrap();
    let branch_node = &template.nodes[1];
    assert_eq!(branch_node.upstream_node_ids, ["n0"]);
    // The branch reads d (n0.o0) and the workflow input label: c0 and c1.
    let vars: Vec<&str> = branch_node.inputs.iter().map(|b| b.var.as_str()).collect();
    assert_eq!(vars, ["c0", "c1"]);

    let block = branch_of(branch_node);
    let first = block.case.as_ref().unwrap();
    let pb::boolean_expression::Expr::Conjunction(and) =
        first.condition.as_ref().unwrap().expr.as_ref().unwrap()
    else {
        panic!("the first condition is a conjunction");
    };
    assert_eq!(and.operator, pb::LogicalOperator::And as i32);
    let gt = comparison(and.left_expression.as_ref().unwrap());
    assert_eq!(gt.operator, pb::ComparisonOperator::Gt as i32);
    assert_eq!(
        gt.left_value.as_ref().unwrap().val,
        Some(pb::operand::Val::Var("c0".into()))
    );
    let Some(pb::operand::Val::Primitive(ten)) = &gt.right_value.as_ref().unwrap().val else {
        panic!("a constant operand is a primitive, as flytekit writes it");
    };
    assert_eq!(ten.value, Some(pb::primitive::Value::Integer(10)));
    let eq = comparison(and.right_expression.as_ref().unwrap());
    assert_eq!(eq.operator, pb::ComparisonOperator::Eq as i32);
    assert_eq!(
        eq.left_value.as_ref().unwrap().val,
        Some(pb::operand::Val::Var("c1".into()))
    );

    assert_eq!(block.other.len(), 1);
    let lt = comparison(block.other[0].condition.as_ref().unwrap());
    assert_eq!(lt.operator, pb::ComparisonOperator::Lt as i32);

    // Each case runs a subworkflow, carried in the spec, that takes the branch's inputs.
    let case0 = first.then_node.as_ref().unwrap();
    assert_eq!(sub_workflow_of(case0), "cluster.idl_nodes.pick.n1.case0");
    assert_eq!(case0.inputs, branch_node.inputs);
    let otherwise = block.else_node.as_ref().unwrap();
    assert_eq!(
        sub_workflow_of(otherwise),
        "cluster.idl_nodes.pick.n1.otherwise"
    );
    assert!(block.error.is_none());
    let subs: Vec<&str> = spec
        .sub_workflows
        .iter()
        .map(|w| w.id.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(
        subs,
        [
            "cluster.idl_nodes.pick.n1.case0",
            "cluster.idl_nodes.pick.n1.case1",
            "cluster.idl_nodes.pick.n1.otherwise"
        ]
    );
    // The second case calls two tasks; its subworkflow holds both.
    let case1 = &spec.sub_workflows[1];
    assert_eq!(case1.nodes.len(), 2);
    let inputs: Vec<&str> = case1
        .interface
        .as_ref()
        .unwrap()
        .inputs
        .as_ref()
        .unwrap()
        .variables
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(inputs, ["c0", "c1"]);
    // The branch's output is what the workflow returns.
    assert_eq!(
        template.outputs[0].binding.as_ref().unwrap().value,
        Some(pb::binding_data::Value::Promise(pb::OutputReference {
            node_id: "n1".into(),
            var: "o0".into(),
            attr_path: vec![],
        }))
    );

    // The closure carries the template of every task the cases call.
    let closure = idl::workflow_closure(pick::spec(), &settings()).unwrap();
    let tasks: Vec<&str> = closure
        .tasks
        .iter()
        .map(|t| t.id.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(
        tasks,
        ["cluster.idl_nodes.double", "cluster.idl_nodes.negate"]
    );
    keep(
        "flyteidl.core.WorkflowClosure",
        "pick.pb",
        &closure.encode_to_vec(),
    );
}

#[test]
fn a_branch_that_fails_when_nothing_holds_carries_the_message() {
    let template = idl::workflow_template(strict::spec(), &settings()).unwrap();
    keep(
        "flyteidl.core.WorkflowTemplate",
        "strict.pb",
        &template.encode_to_vec(),
    );
    let block = branch_of(&template.nodes[0]);
    assert!(block.else_node.is_none());
    let error = block.error.as_ref().unwrap();
    assert_eq!(error.failed_node_id, "n0");
    assert_eq!(error.message, "x must not be negative");
    let ge = comparison(block.case.as_ref().unwrap().condition.as_ref().unwrap());
    assert_eq!(ge.operator, pb::ComparisonOperator::Gte as i32);
}

fn array_of(node: &pb::Node) -> &pb::ArrayNode {
    match node.target.as_ref().unwrap() {
        pb::node::Target::ArrayNode(a) => a,
        other => panic!("expected an array node, got {other:?}"),
    }
}

#[test]
fn a_map_task_is_an_array_node_running_the_task_itself_per_item() {
    let spec = idl::workflow_spec(squares::spec(), &settings()).unwrap();
    let bytes = spec.encode_to_vec();
    keep("flyteidl.admin.WorkflowSpec", "squares.pb", &bytes);
    let spec = idl::admin::WorkflowSpec::decode(bytes.as_slice()).unwrap();
    let node = &spec.template.as_ref().unwrap().nodes[0];
    let array = array_of(node);
    assert_eq!(array.parallelism, Some(4));
    assert_eq!(
        array.success_criteria,
        Some(pb::array_node::SuccessCriteria::MinSuccessRatio(1.0))
    );
    assert_eq!(array.is_original_sub_node_interface, Some(true));
    assert_eq!(
        array.data_mode,
        pb::ArrayDataMode::IndividualInputFiles as i32
    );
    let item = array.node.as_ref().unwrap();
    let pb::node::Target::TaskNode(task) = item.target.as_ref().unwrap() else {
        panic!("the item node runs the task");
    };
    assert_eq!(
        task.reference_id.as_ref().unwrap().name,
        "cluster.idl_nodes.square"
    );
    // The task's retries apply to each item.
    assert_eq!(
        item.metadata.as_ref().unwrap().retries,
        Some(pb::RetryStrategy { retries: 2 })
    );
    assert_eq!(item.inputs, node.inputs);
    assert_eq!(node.inputs[0].var, "x");

    let some = idl::workflow_template(some_squares::spec(), &settings()).unwrap();
    keep(
        "flyteidl.core.WorkflowTemplate",
        "some_squares.pb",
        &some.encode_to_vec(),
    );
    let array = array_of(&some.nodes[0]);
    assert_eq!(
        array.success_criteria,
        Some(pb::array_node::SuccessCriteria::MinSuccessRatio(0.75))
    );
    assert_eq!(array.parallelism, None);
}

#[tokio::test]
async fn serialize_json_writes_protobufs_json_form_of_each_file() {
    let out = std::env::temp_dir().join(format!("flyte-idl-json-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    flytekit::cli::App::new()
        .workflow(&pick {})
        .run([
            "app",
            "serialize",
            "--image",
            "img",
            "--json",
            "--out",
            &out.display().to_string(),
        ])
        .await
        .unwrap();
    let text = std::fs::read_to_string(out.join("2_cluster.idl_nodes.pick_2.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Protobuf's JSON form: lowerCamelCase names, oneof members in place of their
    // oneof, enums by name, and defaults (`AND` is the operator's 0) left out.
    let node = &json["template"]["nodes"][1];
    let condition = &node["branchNode"]["ifElse"]["case"]["condition"];
    let conjunction = &condition["conjunction"];
    assert!(conjunction["leftExpression"].is_object(), "{text}");
    assert!(conjunction.get("operator").is_none(), "{text}");
    assert_eq!(json["template"]["id"]["resourceType"], "WORKFLOW", "{text}");
    // Every .pb has its .json.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let pbs = names.iter().filter(|n| n.ends_with(".pb")).count();
    assert_eq!(pbs * 2, names.len(), "{names:?}");
    // Kept for tests/idl/check_flyteidl.py, which requires each .json to be what
    // MessageToJson writes for its .pb (branch nodes, conditions, oneofs in them).
    let keep = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/idl-out/package-json-branch");
    let _ = std::fs::remove_dir_all(&keep);
    std::fs::create_dir_all(&keep).unwrap();
    for name in &names {
        std::fs::copy(out.join(name), keep.join(name)).unwrap();
    }
    std::fs::remove_dir_all(&out).unwrap();
}
