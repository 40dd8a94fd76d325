//! The local executor: a graph's run loop (this file), which nodes can start
//! (`readiness`), running a node by what it holds (`dispatch`), and a task's
//! attempts (`attempt`).
//!
//! A node starts as soon as the last of its upstream nodes finishes. Ready nodes run
//! as tokio tasks, so independent nodes run concurrently; when a node is the only one
//! that can run (a chain), it runs inline in the executor's own task, which saves a
//! spawn per node. Each attempt runs inside `catch_unwind`, under the task's timeout,
//! in its own tracing span. After the first failure no new node starts; running nodes
//! finish, and their outputs are kept in the error.

use std::sync::Arc;

use tokio::task::JoinSet;
use tracing::Instrument;

use super::node::{Failed, NodeAt, NodeResult, Prefix};
use super::readiness::{Readiness, binding_ready, read_binding};
use super::{CompletedOutputs, NodeFailure, NodeRecord, NodeStatus, RunError, RunOptions};
use super::{ExecutionContext, RunShared};
use crate::data::FileAccess;
use crate::task::TaskError;
use crate::task::context::{RunInfo, default_raw_prefix, new_execution_id};
use crate::types::{Inputs, Outputs, Value};
use crate::workflow::{FailurePolicy, SpecRef, Workflow, WorkflowSpec};

/// Runs `workflow` locally on `input` and returns its outputs.
///
/// `#[workflow]` gives each workflow `run` and `run_with` methods that call this with
/// the inputs as ordinary arguments.
pub async fn run_workflow<W: Workflow>(
    workflow: &'static W,
    input: W::Input,
    options: &RunOptions,
) -> Result<W::Output, RunError> {
    let codec = crate::workflow::DynWorkflow::codec(workflow);
    let values = run_spec_values(workflow.spec(), codec, input.into_values(), options).await?;
    Ok(W::Output::from_values(&values))
}

/// Runs a workflow given as literals, one per input in interface order (read from a
/// command line, say), and returns its outputs as literals.
pub async fn run_workflow_literals(
    workflow: &'static dyn crate::workflow::DynWorkflow,
    inputs: &[crate::types::Literal],
    options: &RunOptions,
) -> Result<Vec<crate::types::Literal>, RunError> {
    let spec = workflow.spec();
    let names = spec.interface.input_names();
    let values = workflow
        .codec()
        .inputs_from_literals(&names, inputs)
        .map_err(|source| RunError::InvalidInput {
            workflow: spec.name.clone(),
            source: Box::new(source),
        })?;
    let outputs = run_spec_values(spec, workflow.codec(), values, options).await?;
    Ok(workflow.codec().outputs_to_literals(&outputs))
}

/// Runs a workflow's graph on type-erased inputs (one per interface input, of the
/// workflow's own Rust types) and returns its outputs the same way; the observers
/// hear how it ended (`codec` turns its values into what they are shown as).
pub(crate) async fn run_spec_values(
    spec: &'static WorkflowSpec,
    codec: &'static crate::types::Codec,
    inputs: Vec<Value>,
    options: &RunOptions,
) -> Result<Vec<Value>, RunError> {
    let started_at = std::time::SystemTime::now();
    let started = std::time::Instant::now();
    let observers = options.observers.clone();
    let inputs_json = observers.wants_values().then(|| {
        let names = spec.interface.input_names();
        super::observe::named_json(&names, &codec.inputs_to_literals(&inputs))
    });
    let execution_id = options
        .execution_id
        .clone()
        .unwrap_or_else(new_execution_id);
    observers.run_started(spec, &execution_id);
    let result = run_spec_unobserved(spec, inputs, execution_id.clone(), options).await;
    if observers.is_empty() {
        return result;
    }
    let outputs = match (&result, inputs_json.is_some()) {
        (Ok(values), true) => {
            let names = spec.interface.output_names();
            Some(super::observe::named_json(
                &names,
                &codec.outputs_to_literals(values),
            ))
        }
        _ => None,
    };
    observers.run_finished(&super::RunEnd {
        spec,
        execution_id: &execution_id,
        started_at,
        duration: started.elapsed(),
        inputs: inputs_json,
        outputs,
        error: result
            .as_ref()
            .err()
            .map(|e| crate::task::ErrorChain::new(e).to_string()),
    });
    result
}

async fn run_spec_unobserved(
    spec: &'static WorkflowSpec,
    inputs: Vec<Value>,
    execution_id: String,
    options: &RunOptions,
) -> Result<Vec<Value>, RunError> {
    validate(spec)?;
    let shared = Arc::new(RunShared {
        info: RunInfo {
            raw_output_prefix: options
                .raw_output_prefix
                .clone()
                .unwrap_or_else(|| default_raw_prefix(&execution_id)),
            secrets: options.secrets.clone(),
            ..RunInfo::new(
                execution_id,
                options
                    .file_access
                    .clone()
                    .unwrap_or_else(FileAccess::shared),
            )
        },
        cache: options.resolve_cache(),
        observers: options.observers.clone(),
        mocks: options.mocks.clone(),
        signals: options.signals.clone(),
        inline_sync: !options.cancellable,
        container_runtime: options.container_runtime.clone(),
    });
    let span = tracing::info_span!(
        "workflow",
        workflow = %spec.name,
        execution_id = %shared.execution_id
    );
    let prefix = Prefix::top(
        &spec.name,
        Arc::from(""),
        Arc::from(format!("{}/", spec.name)),
    );
    Ok(run_spec(SpecRef::Static(spec), inputs, shared, prefix)
        .instrument(span)
        .await?)
}

/// Fails a run whose graph has a task with an invalid setting before any node starts.
fn validate(spec: &WorkflowSpec) -> Result<(), RunError> {
    spec.validate()
        .map_err(|(task, source)| RunError::InvalidTask {
            workflow: spec.name.clone(),
            task,
            source,
        })
}

impl From<Failed> for RunError {
    fn from(
        Failed {
            failures,
            skipped,
            skip_reason,
            completed,
        }: Failed,
    ) -> Self {
        if failures.is_empty() {
            RunError::Skipped {
                skipped,
                reason: skip_reason.unwrap_or_default(),
                completed,
            }
        } else {
            RunError::NodeFailed {
                failures,
                completed,
            }
        }
    }
}

/// Runs a graph made while a task runs (a dynamic task's) inside that task's run:
/// same execution, files and paths under the task's node.
pub(crate) async fn run_in_context(
    spec: Arc<WorkflowSpec>,
    ctx: &ExecutionContext,
) -> Result<Vec<Value>, RunError> {
    validate(&spec)?;
    let prefix = Prefix::top(
        &spec.name,
        Arc::from(format!("{}/", ctx.node_id())),
        Arc::from(format!("{}/{}/", ctx.node_path(), spec.name)),
    );
    Ok(run_spec(
        SpecRef::Shared(spec),
        Vec::new(),
        RunShared::of(ctx),
        prefix,
    )
    .await?)
}

/// What a graph's run gathers besides readiness: failures, skipped nodes, and the
/// outputs of nodes finished inside failed subgraphs.
#[derive(Default)]
struct Gathered {
    failures: Vec<NodeFailure>,
    skipped: Vec<String>,
    skip_reason: Option<String>,
    completed_inside: CompletedOutputs,
}

/// Runs one graph: nodes start when their inputs are ready, independent ones
/// concurrently; after a failure no new node starts.
pub(super) fn run_spec(
    spec: SpecRef,
    inputs: Vec<Value>,
    shared: Arc<RunShared>,
    prefix: Prefix,
) -> futures::future::BoxFuture<'static, NodeResult> {
    // Boxed: a graph's failure node runs as a graph of its own.
    Box::pin(run_graph(spec, inputs, shared, prefix))
}

async fn run_graph(
    spec: SpecRef,
    inputs: Vec<Value>,
    shared: Arc<RunShared>,
    prefix: Prefix,
) -> NodeResult {
    let mut ready = Readiness::new(&spec.plan);
    let mut gathered = Gathered::default();
    let mut running: JoinSet<(u32, NodeResult)> = JoinSet::new();
    // Blocking this thread is only harmless when other workers keep the runtime going.
    let may_block = shared.inline_sync
        && tokio::runtime::Handle::current().runtime_flavor()
            == tokio::runtime::RuntimeFlavor::MultiThread;
    let node_at = |index| NodeAt {
        spec: spec.clone(),
        index,
        shared: shared.clone(),
        prefix: prefix.clone(),
        run_graph: run_spec,
    };
    let inputs_of = |index: u32, results: &[Option<Vec<Value>>]| -> Result<Vec<Value>, String> {
        spec.nodes[index as usize]
            .inputs
            .iter()
            .map(|i| read_binding(&i.binding, &inputs, results))
            .collect()
    };

    // Under FAIL_AFTER_EXECUTABLE_NODES_COMPLETE a failure only stops what needs it.
    let keep_going = spec.failure_policy == FailurePolicy::FailAfterExecutableNodesComplete;
    loop {
        let may_start = gathered.failures.is_empty() || keep_going;
        let lone = may_start && ready.ready_count() == 1 && running.is_empty();
        let (index, result) = if lone {
            // A lone ready node with nothing running runs in this task.
            let index = ready.pop_ready().unwrap_or_default();
            let node_inputs = inputs_of(index, ready.results());
            (index, node_at(index).run(node_inputs, may_block).await)
        } else {
            if may_start {
                while let Some(index) = ready.pop_ready() {
                    let (node, inputs) = (node_at(index), inputs_of(index, ready.results()));
                    // The node's future is made (and boxed) when its tokio task first
                    // runs: a fan-out spawns thousands at once, and each waiting one
                    // then holds its few arguments, not a running attempt's state.
                    running.spawn(async move { (index, Box::pin(node.run(inputs, false)).await) });
                }
            }
            match running.join_next().await {
                None => break,
                Some(Ok(done)) => done,
                // Attempts run under catch_unwind, so only a runtime shutting down
                // gets here.
                Some(Err(e)) => {
                    gathered.failures.push(lost_node(&prefix, e));
                    continue;
                }
            }
        };
        settle(
            &spec,
            &prefix,
            &shared,
            &mut ready,
            &mut gathered,
            index,
            result,
        );
    }
    let result = finish(&spec, &inputs, &prefix, ready, gathered);
    match (result, &spec.failure_node) {
        (Err(failed), Some(node)) if !failed.is_skip() => Err(super::failure::run_failure_node(
            node, &spec, &inputs, &shared, &prefix, failed, run_spec,
        )
        .await),
        (result, _) => result,
    }
}

/// A node whose tokio task ended without a result (the runtime shutting down).
fn lost_node(prefix: &Prefix, e: tokio::task::JoinError) -> NodeFailure {
    NodeFailure {
        workflow: prefix.workflow.to_string(),
        node: format!("{}?", prefix.within),
        path: format!("{}?", prefix.full),
        task: "?".to_string(),
        attempt: 0,
        max_attempts: 0,
        error: TaskError::Panicked(format!("node task was cancelled: {e}")),
    }
}

/// Takes in a node's result: on success its downstream nodes may become ready; a
/// skip skips every node downstream of it (each reported as skipped); a failure is
/// kept.
fn settle(
    spec: &WorkflowSpec,
    prefix: &Prefix,
    shared: &RunShared,
    ready: &mut Readiness,
    gathered: &mut Gathered,
    index: u32,
    result: NodeResult,
) {
    let skipped_now = match result {
        Ok(values) => ready.finish(&spec.plan, index, Some(values)),
        Err(failed) if failed.is_skip() => {
            gathered.skipped.extend(failed.skipped);
            if gathered.skip_reason.is_none() {
                gathered.skip_reason = failed.skip_reason;
            }
            gathered.completed_inside.extend(failed.completed);
            ready.finish(&spec.plan, index, None)
        }
        Err(failed) => {
            gathered.failures.extend(failed.failures);
            gathered.completed_inside.extend(failed.completed);
            if spec.failure_policy != FailurePolicy::FailAfterExecutableNodesComplete {
                return;
            }
            // The nodes that need it will not run; the others still may.
            ready.finish(&spec.plan, index, None)
        }
    };
    for down in skipped_now {
        let node = &spec.nodes[down as usize];
        let path = format!("{}{}", prefix.full, node.id);
        tracing::info!(node = %path, "skipped: an upstream node was skipped");
        shared.observers.finished(
            NodeRecord::new(
                path.clone(),
                node.entity.name(),
                NodeStatus::Skipped,
                0,
                std::time::Duration::ZERO,
            )
            .with_reason("an upstream node was skipped"),
        );
        gathered.skipped.push(path);
    }
}

/// The graph's outputs, or why there are none with the outputs of the nodes that
/// finished.
fn finish(
    spec: &WorkflowSpec,
    inputs: &[Value],
    prefix: &Prefix,
    ready: Readiness,
    gathered: Gathered,
) -> NodeResult {
    let results = ready.into_results();
    // Skipped nodes are fine as long as the outputs do not need them.
    let mut gathered = gathered;
    if gathered.failures.is_empty() && spec.outputs.iter().all(|b| binding_ready(b, &results)) {
        let outputs: Result<Vec<Value>, String> = spec
            .outputs
            .iter()
            .map(|b| read_binding(b, inputs, &results))
            .collect();
        match outputs {
            Ok(outputs) => return Ok(outputs),
            // A part the outputs read is not there: the workflow fails.
            Err(message) => gathered.failures.push(NodeFailure {
                workflow: prefix.workflow.to_string(),
                node: format!("{}outputs", prefix.within),
                path: format!("{}outputs", prefix.full),
                task: "the workflow's outputs".to_string(),
                attempt: 1,
                max_attempts: 1,
                error: TaskError::permanent(message),
            }),
        }
    }
    let mut completed = CompletedOutputs::default();
    for (node, values) in spec.nodes.iter().zip(results) {
        if let Some(values) = values {
            let names = node.entity.interface().outputs.into_iter().map(|v| v.name);
            completed.push(
                format!("{}{}", prefix.relative, node.id),
                node.entity.name().to_string(),
                names.collect(),
                values,
            );
        }
    }
    completed.extend(gathered.completed_inside);
    Err(Failed {
        failures: gathered.failures,
        skipped: gathered.skipped,
        skip_reason: gathered.skip_reason,
        completed,
    })
}
