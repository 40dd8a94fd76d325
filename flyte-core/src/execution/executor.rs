//! The local executor.
//!
//! A node starts as soon as the last of its upstream nodes finishes. Ready nodes run
//! as tokio tasks, so independent nodes run concurrently; when a node is the only one
//! that can run (a chain), it runs inline in the executor's own task, which saves a
//! spawn per node. Each attempt runs inside `catch_unwind`, under the task's timeout,
//! in its own tracing span. After the first failure no new node starts; running nodes
//! finish, and their outputs are kept in the error.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};
use tokio::task::JoinSet;
use tracing::Instrument;

use super::{
    CompletedOutputs, MapFailure, NodeFailure, NodeRecord, NodeStatus, RunError, RunOptions,
};
use super::{ExecutionContext, RunShared};
use crate::cache::{CacheMode, Lookup, entry_lock};
use crate::data::FileAccess;
use crate::task::context::{RunInfo, default_raw_prefix, new_execution_id};
use crate::task::{ErrorChain, TaskError, panic_message};
use crate::types::{Inputs, Outputs, Value};
use crate::workflow::{Binding, DynTask, Entity, MapSpec, SpecRef, Workflow, WorkflowSpec};

/// Runs `workflow` locally on `input` and returns its outputs.
///
/// `#[workflow]` gives each workflow `run` and `run_with` methods that call this with
/// the inputs as ordinary arguments.
pub async fn run_workflow<W: Workflow>(
    workflow: &'static W,
    input: W::Input,
    options: &RunOptions,
) -> Result<W::Output, RunError> {
    let values = run_spec_values(workflow.spec(), input.into_values(), options).await?;
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
        .inputs_from_literals(&names, inputs)
        .map_err(|source| RunError::InvalidInput {
            workflow: spec.name.clone(),
            source: Box::new(source),
        })?;
    let outputs = run_spec_values(spec, values, options).await?;
    Ok(workflow.outputs_to_literals(&outputs))
}

/// Runs a workflow's graph on type-erased inputs (one per interface input, of the
/// workflow's own Rust types) and returns its outputs the same way.
pub(crate) async fn run_spec_values(
    spec: &'static WorkflowSpec,
    inputs: Vec<Value>,
    options: &RunOptions,
) -> Result<Vec<Value>, RunError> {
    validate(spec)?;
    let execution_id = options
        .execution_id
        .clone()
        .unwrap_or_else(new_execution_id);
    let shared = Arc::new(RunShared {
        info: RunInfo {
            raw_output_prefix: options
                .raw_output_prefix
                .clone()
                .unwrap_or_else(|| default_raw_prefix(&execution_id)),
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
        inline_sync: !options.cancellable,
    });
    let span = tracing::info_span!(
        "workflow",
        workflow = %spec.name,
        execution_id = %shared.execution_id
    );
    let prefix = Prefix {
        relative: Arc::from(""),
        full: Arc::from(format!("{}/", spec.name)),
    };
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
            completed,
        }: Failed,
    ) -> Self {
        if failures.is_empty() {
            RunError::Skipped { skipped, completed }
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
    let prefix = Prefix {
        relative: Arc::from(format!("{}/", ctx.node_id())),
        full: Arc::from(format!("{}/{}/", ctx.node_path(), spec.name)),
    };
    Ok(run_spec(
        SpecRef::Shared(spec),
        Vec::new(),
        RunShared::of(ctx),
        prefix,
    )
    .await?)
}

/// How node paths of one (sub)workflow start: `n2/` and `outer/n2/inner/` for the
/// nodes of a subworkflow run by node `n2` of `outer`.
#[derive(Clone)]
struct Prefix {
    relative: Arc<str>,
    full: Arc<str>,
}

struct Failed {
    failures: Vec<NodeFailure>,
    /// Paths of skipped nodes, when the graph could not finish because of them (no
    /// failure).
    skipped: Vec<String>,
    completed: CompletedOutputs,
}

impl Failed {
    fn failure(failure: NodeFailure) -> Self {
        Failed {
            failures: vec![failure],
            skipped: Vec::new(),
            completed: CompletedOutputs::default(),
        }
    }

    fn is_skip(&self) -> bool {
        self.failures.is_empty() && !self.skipped.is_empty()
    }
}

type NodeResult = Result<Vec<Value>, Failed>;

async fn run_spec(
    spec: SpecRef,
    inputs: Vec<Value>,
    shared: Arc<RunShared>,
    prefix: Prefix,
) -> NodeResult {
    let plan = &spec.plan;
    let mut graph = GraphState {
        waits: plan.waits_for.clone(),
        results: (0..spec.nodes.len()).map(|_| None).collect(),
        ready: plan.roots.iter().rev().copied().collect(),
        failures: Vec::new(),
        completed_inside: CompletedOutputs::default(),
        skip_pending: vec![false; spec.nodes.len()],
        skipped: Vec::new(),
    };
    let mut running: JoinSet<(u32, NodeResult)> = JoinSet::new();
    // Blocking this thread is only harmless when other workers keep the runtime going.
    let may_block = shared.inline_sync
        && tokio::runtime::Handle::current().runtime_flavor()
            == tokio::runtime::RuntimeFlavor::MultiThread;

    loop {
        if graph.failures.is_empty() {
            if graph.ready.len() == 1 && running.is_empty() {
                let index = graph.ready.pop().unwrap_or_default();
                let fut = start_node(
                    &spec,
                    index,
                    &inputs,
                    &graph.results,
                    &shared,
                    &prefix,
                    may_block,
                );
                let result = fut.await;
                graph.settle(&spec, index, result, &shared, &prefix);
                continue;
            }
            // Reversed so that nodes start in call order as `ready` is popped.
            while let Some(index) = graph.ready.pop() {
                let fut = start_node(
                    &spec,
                    index,
                    &inputs,
                    &graph.results,
                    &shared,
                    &prefix,
                    false,
                );
                running.spawn(async move { (index, fut.await) });
            }
        }
        match running.join_next().await {
            None => break,
            Some(Ok((index, result))) => graph.settle(&spec, index, result, &shared, &prefix),
            // Attempts run under catch_unwind, so only a runtime shutting down gets here.
            Some(Err(e)) => graph.failures.push(NodeFailure {
                workflow: spec.name.clone(),
                node: "?".to_string(),
                path: format!("{}?", prefix.full),
                task: "?".to_string(),
                attempt: 0,
                max_attempts: 0,
                error: TaskError::Panicked(format!("node task was cancelled: {e}")),
            }),
        }
    }

    let GraphState {
        results,
        failures,
        completed_inside,
        skipped,
        ..
    } = graph;
    // Skipped nodes are fine as long as the outputs do not need them.
    if failures.is_empty() && spec.outputs.iter().all(|b| binding_ready(b, &results)) {
        return Ok(spec
            .outputs
            .iter()
            .map(|b| read_binding(b, &inputs, &results))
            .collect());
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
    completed.extend(completed_inside);
    Err(Failed {
        failures,
        skipped,
        completed,
    })
}

/// Where a graph's run stands.
struct GraphState {
    /// Upstream nodes each node still waits for.
    waits: Vec<u32>,
    results: Vec<Option<Vec<Value>>>,
    ready: Vec<u32>,
    failures: Vec<NodeFailure>,
    completed_inside: CompletedOutputs,
    /// Nodes with a skipped upstream node: skipped when their turn comes.
    skip_pending: Vec<bool>,
    /// Paths of the skipped nodes.
    skipped: Vec<String>,
}

impl GraphState {
    /// Takes in a node's result: on success its downstream nodes may become ready; a
    /// skip skips every node downstream of it; a failure is kept.
    fn settle(
        &mut self,
        spec: &WorkflowSpec,
        index: u32,
        result: NodeResult,
        shared: &RunShared,
        prefix: &Prefix,
    ) {
        match result {
            Ok(values) => {
                self.results[index as usize] = Some(values);
                self.release(spec, index, shared, prefix);
            }
            Err(failed) if failed.is_skip() => {
                self.skipped.extend(failed.skipped);
                self.completed_inside.extend(failed.completed);
                self.release(spec, index, shared, prefix);
            }
            Err(failed) => {
                self.failures.extend(failed.failures);
                self.completed_inside.extend(failed.completed);
            }
        }
    }

    /// Counts `index` as done for its downstream nodes. One whose upstream node was
    /// skipped is skipped in turn (without running) when its last upstream is done.
    fn release(&mut self, spec: &WorkflowSpec, index: u32, shared: &RunShared, prefix: &Prefix) {
        let was_skipped = self.results[index as usize].is_none();
        // Skips cascade through a small stack; the common case (no skip) needs none.
        let mut skipped_now = Vec::new();
        self.release_one(spec, index, was_skipped, &mut skipped_now);
        while let Some(down) = skipped_now.pop() {
            let node = &spec.nodes[down as usize];
            let path = format!("{}{}", prefix.full, node.id);
            tracing::info!(node = %node.id, "skipped: an upstream node was skipped");
            shared.observers.finished(NodeRecord {
                path: path.clone(),
                task: node.entity.name().to_string(),
                status: NodeStatus::Skipped,
                attempts: 0,
                duration: std::time::Duration::ZERO,
            });
            self.skipped.push(path);
            self.release_one(spec, down, true, &mut skipped_now);
        }
    }

    /// Counts `index` as done for each downstream node; those now due are made ready,
    /// or pushed on `skipped_now` when an upstream node was skipped.
    fn release_one(
        &mut self,
        spec: &WorkflowSpec,
        index: u32,
        was_skipped: bool,
        skipped_now: &mut Vec<u32>,
    ) {
        let plan = &spec.plan;
        let (start, end) = (
            plan.downstream_start[index as usize] as usize,
            plan.downstream_start[index as usize + 1] as usize,
        );
        // Pushed in reverse so that `ready.pop()` yields call order.
        for &down in plan.downstream[start..end].iter().rev() {
            let d = down as usize;
            self.skip_pending[d] |= was_skipped;
            self.waits[d] -= 1;
            if self.waits[d] > 0 {
                continue;
            }
            if self.skip_pending[d] {
                skipped_now.push(down);
            } else {
                self.ready.push(down);
            }
        }
    }
}

/// Whether every node output `binding` reads has finished.
fn binding_ready(binding: &Binding, results: &[Option<Vec<Value>>]) -> bool {
    match binding {
        Binding::NodeOutput { node, .. } => results[*node].is_some(),
        Binding::WorkflowInput { .. } | Binding::Constant { .. } => true,
        Binding::Collection { items, .. } => items.iter().all(|b| binding_ready(b, results)),
        Binding::Map { entries, .. } => entries.iter().all(|(_, b)| binding_ready(b, results)),
    }
}

fn read_binding(binding: &Binding, inputs: &[Value], results: &[Option<Vec<Value>>]) -> Value {
    match binding {
        Binding::WorkflowInput { index, .. } => inputs[*index].clone(),
        Binding::NodeOutput { node, output, .. } => match &results[*node] {
            Some(values) => values[*output].clone(),
            None => unreachable!("flyte bug: a node started before its upstream node finished"),
        },
        Binding::Constant { value, .. } => value.clone(),
        Binding::Collection { items, collect } => collect(
            items
                .iter()
                .map(|b| read_binding(b, inputs, results))
                .collect(),
        ),
        Binding::Map { entries, collect } => collect(
            entries
                .iter()
                .map(|(k, b)| (k.clone(), read_binding(b, inputs, results)))
                .collect(),
        ),
    }
}

/// Gathers the node's inputs now and returns the future that runs it.
fn start_node(
    spec: &SpecRef,
    index: u32,
    inputs: &[Value],
    results: &[Option<Vec<Value>>],
    shared: &Arc<RunShared>,
    prefix: &Prefix,
    inline: bool,
) -> impl Future<Output = NodeResult> + Send + 'static {
    let node_inputs: Vec<Value> = spec.nodes[index as usize]
        .inputs
        .iter()
        .map(|i| read_binding(&i.binding, inputs, results))
        .collect();
    let spec = spec.clone();
    let shared = shared.clone();
    let prefix = prefix.clone();
    async move {
        let node = &spec.nodes[index as usize];
        let nested = |name: &str| Prefix {
            relative: Arc::from(format!("{}{}/", prefix.relative, node.id)),
            full: Arc::from(format!("{}{}/{}/", prefix.full, node.id, name)),
        };
        match &node.entity {
            Entity::Task(task) => {
                let task = *task;
                run_task(&spec, index, task, node_inputs, shared, prefix.full, inline).await
            }
            Entity::Map(map) => run_map(&spec, index, map, node_inputs, shared, prefix.full).await,
            Entity::Branch(branch) => match branch.choose(&node_inputs) {
                Ok(case) => {
                    let inner_prefix = nested(&case.name);
                    let case = SpecRef::Shared(case.clone());
                    Box::pin(run_spec(case, node_inputs, shared, inner_prefix)).await
                }
                Err(message) => Err(Failed::failure(NodeFailure {
                    workflow: spec.name.clone(),
                    node: node.id.clone(),
                    path: format!("{}{}", prefix.full, node.id),
                    task: "branch".to_string(),
                    attempt: 1,
                    max_attempts: 1,
                    error: TaskError::permanent(NoCaseMatched(message.to_string())),
                })),
            },
            Entity::Workflow(wf) => {
                let inner = wf.spec();
                let inner_prefix = nested(&inner.name);
                Box::pin(run_spec(
                    SpecRef::Static(inner),
                    node_inputs,
                    shared,
                    inner_prefix,
                ))
                .await
            }
        }
    }
}

/// Runs a task node: its attempts, and a [`NodeFailure`] when they run out.
async fn run_task(
    spec: &SpecRef,
    index: u32,
    task: &'static dyn DynTask,
    inputs: Vec<Value>,
    shared: Arc<RunShared>,
    full_prefix: Arc<str>,
    inline: bool,
) -> NodeResult {
    if let Some(message) = task.metadata().get_deprecated() {
        tracing::warn!(task = task.name(), "task is deprecated: {message}");
    }
    let attempt = Attempt {
        spec,
        index,
        task,
        shared: &shared,
        full_prefix: &full_prefix,
    };
    attempt
        .run(&inputs, None, inline)
        .await
        .map_err(|(error, attempt, max_attempts)| {
            let node_id = &spec.nodes[index as usize].id;
            let path = format!("{full_prefix}{node_id}");
            if let TaskError::Skipped(_) = error {
                return Failed {
                    failures: Vec::new(),
                    skipped: vec![path],
                    completed: CompletedOutputs::default(),
                };
            }
            Failed::failure(NodeFailure {
                workflow: spec.name.clone(),
                node: node_id.clone(),
                path,
                task: task.name().to_string(),
                attempt,
                max_attempts,
                error,
            })
        })
}

/// Runs a map node: the task over every item, at most `concurrency` at a time, each
/// item with its own retries and timeout. Stops starting items once the minimum
/// success ratio can no longer be met.
async fn run_map(
    spec: &SpecRef,
    index: u32,
    map: &MapSpec,
    inputs: Vec<Value>,
    shared: Arc<RunShared>,
    full_prefix: Arc<str>,
) -> NodeResult {
    let items = (map.split)(&inputs[0]);
    let total = items.len();
    let required = ((map.min_success_ratio * total as f64).ceil() as usize).min(total);
    let limit = map.concurrency.unwrap_or(total).max(1);
    let attempt = Attempt {
        spec,
        index,
        task: map.task,
        shared: &shared,
        full_prefix: &full_prefix,
    };
    let mut outputs: Vec<Option<Value>> = vec![None; total];
    let mut failed: Vec<(usize, TaskError, u32, u32)> = Vec::new();
    let mut running = FuturesUnordered::new();
    let mut next = 0;
    loop {
        while running.len() < limit && next < total && failed.len() <= total - required {
            let (item_index, attempt) = (next, &attempt);
            let item = std::slice::from_ref(&items[item_index]);
            running.push(async move {
                let result = attempt.run(item, Some(item_index as u32), false).await;
                (item_index, result)
            });
            next += 1;
        }
        match running.next().await {
            None => break,
            Some((i, Ok(mut values))) => outputs[i] = values.pop(),
            Some((i, Err((error, attempt, max)))) => failed.push((i, error, attempt, max)),
        }
    }
    if failed.len() <= total - required && next == total {
        return Ok(vec![(map.gather)(outputs)]);
    }
    failed.sort_by_key(|f| f.0);
    let (attempt, max_attempts) = (failed[0].2, failed[0].3);
    let node_id = &spec.nodes[index as usize].id;
    Err(Failed::failure(NodeFailure {
        workflow: spec.name.clone(),
        node: node_id.clone(),
        path: format!("{full_prefix}{node_id}"),
        task: map.task.name().to_string(),
        attempt,
        max_attempts,
        error: TaskError::failed(MapFailure {
            total,
            required,
            failed: failed.into_iter().map(|(i, e, _, _)| (i, e)).collect(),
        }),
    }))
}

/// One task on one node: runs attempts until one succeeds or they run out.
struct Attempt<'a> {
    spec: &'a SpecRef,
    index: u32,
    task: &'static dyn DynTask,
    shared: &'a Arc<RunShared>,
    full_prefix: &'a Arc<str>,
}

type AttemptError = (TaskError, u32, u32);

impl Attempt<'_> {
    /// Runs the node (or map item), from the cache when the task is cached, and tells
    /// the run's observers. On failure, returns the last error with the attempt number
    /// and the number allowed.
    async fn run(
        &self,
        inputs: &[Value],
        item: Option<u32>,
        inline: bool,
    ) -> Result<Vec<Value>, AttemptError> {
        if self.shared.observers.is_empty() {
            return self
                .run_cached(inputs, item, inline)
                .await
                .map(|(v, _, _)| v);
        }
        // Boxed, like the cache path: a node future stays small when neither is used,
        // which a fan-out of thousands of spawned nodes feels.
        Box::pin(self.run_observed(inputs, item, inline)).await
    }

    async fn run_observed(
        &self,
        inputs: &[Value],
        item: Option<u32>,
        inline: bool,
    ) -> Result<Vec<Value>, AttemptError> {
        let observers = &self.shared.observers;
        let node_id = &self.spec.nodes[self.index as usize].id;
        let path = match item {
            None => format!("{}{node_id}", self.full_prefix),
            Some(i) => format!("{}{node_id}[{i}]", self.full_prefix),
        };
        let task = self.task.name();
        observers.started(&path, task);
        let started = std::time::Instant::now();
        let result = self.run_cached(inputs, item, inline).await;
        let (status, attempts) = match &result {
            Ok((_, _, true)) => (NodeStatus::Cached, 0),
            Ok((_, attempts, false)) => (NodeStatus::Succeeded, *attempts),
            Err((TaskError::Skipped(_), attempt, _)) => (NodeStatus::Skipped, *attempt),
            Err((_, attempt, _)) => (NodeStatus::Failed, *attempt),
        };
        observers.finished(NodeRecord {
            path,
            task: task.to_string(),
            status,
            attempts,
            duration: started.elapsed(),
        });
        result.map(|(v, _, _)| v)
    }

    /// The outputs, the attempts made, and whether they came from the cache.
    async fn run_cached(
        &self,
        inputs: &[Value],
        item: Option<u32>,
        inline: bool,
    ) -> Result<(Vec<Value>, u32, bool), AttemptError> {
        let meta = self.task.metadata();
        let cache = match &self.shared.cache {
            Some((cache, mode)) if meta.get_cache() => Some((cache, *mode)),
            _ => None,
        };
        let Some((cache, mode)) = cache else {
            let (values, attempts) = self.attempts(inputs, item, inline).await?;
            return Ok((values, attempts, false));
        };
        Box::pin(self.run_from_cache(cache, mode, inputs, item, inline)).await
    }

    async fn run_from_cache(
        &self,
        cache: &crate::cache::Cache,
        mode: CacheMode,
        inputs: &[Value],
        item: Option<u32>,
        inline: bool,
    ) -> Result<(Vec<Value>, u32, bool), AttemptError> {
        let meta = self.task.metadata();
        let interface = self.task.interface();
        let key = cache.key(
            self.task.name(),
            meta.get_cache_version().unwrap_or(""),
            &interface,
            &self.task.inputs_to_literals(inputs),
        );
        let node = self.spec.nodes[self.index as usize].id.as_str();
        let task = self.task.name();
        // Held from lookup to store: equal concurrent runs wait for the first, in this
        // process (a mutex) and in others (a file lock).
        let lock = meta.get_cache_serialize().then(|| entry_lock(&key));
        let _guard = match &lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        let _file_guard = match lock {
            Some(_) => match cache.lock(&key).await {
                Ok(guard) => Some(guard),
                Err(e) => {
                    tracing::warn!(
                        node,
                        item,
                        task,
                        "cannot lock the cache entry ({e}); running without"
                    );
                    None
                }
            },
            None => None,
        };
        if mode == CacheMode::Use {
            let unusable = match cache.get(&key, &interface) {
                Lookup::Hit(literals) => {
                    let names = interface.output_names();
                    match self.task.outputs_from_literals(&names, &literals) {
                        Ok(values) => {
                            tracing::info!(node, item, task, entry = %key.path().display(), "cache hit: outputs reused, task not run");
                            return Ok((values, 0, true));
                        }
                        // Right shape, other types (the entry predates a type change).
                        Err(e) => Some(e.to_string()),
                    }
                }
                Lookup::Miss => None,
                Lookup::Unusable(reason) => Some(reason),
            };
            match unusable {
                None => tracing::debug!(node, item, task, "cache miss"),
                Some(reason) => {
                    tracing::warn!(node, item, task, entry = %key.path().display(), "cache entry unusable ({reason}); running the task")
                }
            }
        }
        let (values, attempts) = self.attempts(inputs, item, inline).await?;
        let outputs = self.task.outputs_to_literals(&values);
        match cache.put(&key, &interface, &outputs) {
            Ok(()) => {
                tracing::debug!(node, item, task, entry = %key.path().display(), "outputs cached")
            }
            // The run goes on: a cache that cannot be written only costs a rerun.
            Err(e) => {
                tracing::warn!(node, item, task, entry = %key.path().display(), "cannot write the cache entry: {e}")
            }
        }
        Ok((values, attempts, false))
    }

    /// Retries retryable errors; each attempt has the task's timeout. Returns the
    /// outputs and the number of attempts made.
    async fn attempts(
        &self,
        inputs: &[Value],
        item: Option<u32>,
        inline: bool,
    ) -> Result<(Vec<Value>, u32), AttemptError> {
        let meta = self.task.metadata();
        let max_attempts = meta.get_retries().saturating_add(1);
        let task_name: &'static str = self.task.name();
        let node_id = self.spec.nodes[self.index as usize].id.as_str();
        let mut attempt = 1;
        loop {
            let span = match item {
                None => tracing::info_span!("node", node = node_id, task = task_name, attempt),
                Some(item) => {
                    tracing::info_span!("node", node = node_id, item, task = task_name, attempt)
                }
            };
            let ctx = ExecutionContext {
                run: self.shared.clone(),
                site: Some(self.spec.site()),
                node_index: self.index,
                path_prefix: self.full_prefix.clone(),
                item,
                task: task_name,
                attempt,
                span: span.clone(),
            };
            let mock = match self.shared.mocks.0.is_empty() {
                true => None,
                false => self.shared.mocks.0.get(task_name),
            };
            let started = match mock {
                Some(mock) => {
                    // The mock runs as the body would: in the attempt's context.
                    let mock = mock.clone();
                    let inputs = inputs.to_vec();
                    Box::pin(crate::task::context::scope(
                        ctx,
                        async move { mock(&inputs) },
                    )) as futures::future::BoxFuture<'static, _>
                }
                None => self.task.start(ctx, inputs),
            };
            // A plain-fn task with no timeout that is the only node able to run may
            // run on this thread: nothing else in the workflow is waiting, and it saves
            // two thread hand-offs per node in a chain. With a timeout it must go to
            // the blocking pool, where the timer can still fire.
            let started = InlineBlocking {
                inner: started,
                allow: inline && meta.get_timeout().is_none(),
            };
            let running = AssertUnwindSafe(started).catch_unwind();
            let outcome = match meta.get_timeout() {
                Some(limit) => match tokio::time::timeout(limit, running)
                    .instrument(span.clone())
                    .await
                {
                    Ok(outcome) => outcome,
                    Err(_) => Ok(Err(TaskError::TimedOut(limit))),
                },
                None => running.instrument(span.clone()).await,
            };
            let error = match outcome {
                Ok(Ok(values)) => return Ok((values, attempt)),
                Ok(Err(e)) => e,
                Err(panic) => TaskError::Panicked(panic_message(panic)),
            };
            if error.is_retryable() && attempt < max_attempts {
                span.in_scope(|| {
                    tracing::warn!(
                        max_attempts,
                        error = %ErrorChain::new(&error),
                        "attempt {attempt} of {max_attempts} failed, retrying"
                    )
                });
                attempt += 1;
                continue;
            }
            span.in_scope(|| {
                tracing::error!(
                    max_attempts,
                    error = %ErrorChain::new(&error),
                    "attempt {attempt} of {max_attempts} failed, giving up"
                )
            });
            return Err((error, attempt, max_attempts));
        }
    }
}

/// No case of a conditional held and it ends in `fail(message)`.
#[derive(Debug)]
struct NoCaseMatched(String);

impl std::fmt::Display for NoCaseMatched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no condition held: {}", self.0)
    }
}

impl std::error::Error for NoCaseMatched {}

thread_local! {
    /// Set while the executor polls a node that may run a plain-fn body in place.
    static INLINE_ALLOWED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a plain-fn task body may run on the current thread right now.
pub(crate) fn inline_allowed() -> bool {
    INLINE_ALLOWED.with(|c| c.get())
}

/// Polls a task attempt with [`inline_allowed`] set for the duration of each poll.
struct InlineBlocking<F> {
    inner: F,
    allow: bool,
}

impl<F: Future + Unpin> Future for InlineBlocking<F> {
    type Output = F::Output;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        if !self.allow {
            return std::pin::Pin::new(&mut self.inner).poll(cx);
        }
        struct Reset;
        impl Drop for Reset {
            fn drop(&mut self) {
                INLINE_ALLOWED.with(|c| c.set(false));
            }
        }
        INLINE_ALLOWED.with(|c| c.set(true));
        let _reset = Reset;
        std::pin::Pin::new(&mut self.inner).poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn inline_permission_is_only_set_while_polling_an_allowed_attempt() {
        assert!(!inline_allowed());
        let seen = InlineBlocking {
            inner: Box::pin(async { inline_allowed() }),
            allow: true,
        }
        .await;
        assert!(seen);
        assert!(!inline_allowed());
        let seen = InlineBlocking {
            inner: Box::pin(async { inline_allowed() }),
            allow: false,
        }
        .await;
        assert!(!seen);
    }
}
