//! A failed workflow's failure node (`#[workflow(on_failure = cleanup)]`, Flyte's
//! `fn0`): run as a graph of one node after the workflow's own nodes stopped, with the
//! workflow's inputs and the first failure as `err`. If it fails too, its failure joins
//! the workflow's.

use std::sync::Arc;

use super::RunShared;
use super::node::{Failed, Prefix, RunGraph};
use crate::interface::Interface;
use crate::task::ErrorChain;
use crate::types::{FlyteError, Value, into_value};
use crate::workflow::{Entity, FailureInput, FailureNode, Node, SpecRef, WorkflowSpec};

/// The id Flyte gives a workflow's failure node.
pub(crate) const FAILURE_NODE_ID: &str = "fn0";

/// Runs `node` for a workflow (`spec`, run on `inputs`) that ended as `failed`, and
/// returns the failure, with the failure node's own when it failed too.
pub(super) async fn run_failure_node(
    node: &FailureNode,
    spec: &WorkflowSpec,
    inputs: &[Value],
    shared: &Arc<RunShared>,
    prefix: &Prefix,
    mut failed: Failed,
    run_graph: RunGraph,
) -> Failed {
    let err = failed
        .failures
        .first()
        .map(|f| FlyteError::new(f.node.clone(), ErrorChain::new(f).to_string()));
    let values: Vec<Value> = node
        .inputs
        .iter()
        .map(|input| match input {
            FailureInput::Workflow(i) => inputs[*i].clone(),
            FailureInput::Error => into_value(err.clone()),
        })
        .collect();
    let graph = one_node_graph(node, &spec.name);
    tracing::info!(
        task = node.task.name(),
        "the workflow failed: running its on-failure task"
    );
    if let Err(also) = run_graph(
        SpecRef::Shared(Arc::new(graph)),
        values,
        shared.clone(),
        prefix.clone(),
    )
    .await
    {
        failed.failures.extend(also.failures);
    }
    failed
}

/// A graph of the failure node alone, its inputs the graph's own, so a run of it
/// retries, times out, caches and reports as any node does.
fn one_node_graph(node: &FailureNode, workflow: &str) -> WorkflowSpec {
    let task_inputs = node.task.interface().inputs;
    let inputs = crate::workflow::task_workflow::fed_by_workflow_inputs(&task_inputs);
    let interface = Interface {
        inputs: task_inputs,
        outputs: Vec::new(),
    };
    let nodes = vec![Node {
        id: FAILURE_NODE_ID.to_string(),
        entity: Entity::Task(node.task),
        inputs,
        upstream: Vec::new(),
        overrides: None,
        run_metadata: None,
    }];
    WorkflowSpec::new(workflow.to_string(), None, interface, nodes, Vec::new())
}
