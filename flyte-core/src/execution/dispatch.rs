//! Running one node of a graph by what it holds: a task (its attempts), a map task
//! (the task over every item), a branch (the chosen case's graph) or a subworkflow.

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use super::MapFailure;
use super::attempt::{Attempt, Stopped};
use super::node::{AttemptFailure, Failed, NodeAt, NodeResult};
use crate::task::{DynTask, TaskError};
use crate::types::Value;
use crate::workflow::{DynLaunchPlan, Entity, MapSpec, MapTarget, SpecRef};

impl NodeAt {
    /// Runs the node on `inputs`; `inline` lets a plain-fn body run on this thread.
    // A plain fn naming `Send`: graphs nest (a branch case or subworkflow runs a
    // graph), and the compiler cannot infer `Send` through that recursion.
    #[allow(clippy::manual_async_fn)]
    pub(super) fn run(
        self,
        inputs: Result<Vec<Value>, String>,
        inline: bool,
    ) -> impl Future<Output = NodeResult> + Send + 'static {
        async move {
            match inputs {
                Ok(inputs) => self.dispatch(inputs, inline).await,
                // A part of a value its inputs read is not there (`xs[5]` of 3 items).
                Err(message) => {
                    let entity = self.spec.nodes[self.index as usize]
                        .entity
                        .name()
                        .to_string();
                    Err(self.failure(
                        &entity,
                        AttemptFailure {
                            error: TaskError::permanent(message),
                            attempt: 1,
                            max_attempts: 1,
                        },
                    ))
                }
            }
        }
    }

    async fn dispatch(&self, inputs: Vec<Value>, inline: bool) -> NodeResult {
        let node = &self.spec.nodes[self.index as usize];
        match &node.entity {
            Entity::Task(task) => self.run_task(*task, inputs, inline).await,
            // Boxed: a map node's state is large, and every task node's future would
            // otherwise be as large as it.
            Entity::Map(map) => Box::pin(self.run_map(map, inputs)).await,
            Entity::Branch(branch) => match branch.choose(&inputs) {
                Ok(case) => {
                    let prefix = self.case(&case.name);
                    let case = SpecRef::Shared(case.clone());
                    (self.run_graph)(case, inputs, self.shared.clone(), prefix).await
                }
                Err(message) => Err(self.failure(
                    "branch",
                    AttemptFailure {
                        error: TaskError::permanent(NoCaseMatched(message.to_string())),
                        attempt: 1,
                        max_attempts: 1,
                    },
                )),
            },
            // Boxed: a gate waits on timers and signals, and few nodes are gates.
            Entity::Gate(gate) => Box::pin(self.run_gate(gate, inputs)).await,
            Entity::Workflow(wf) => {
                let inner = wf.spec();
                let prefix = self.nested(&inner.name);
                let inner = SpecRef::Static(inner);
                (self.run_graph)(inner, inputs, self.shared.clone(), prefix).await
            }
            // Locally, a child execution is the plan's workflow run in this run, with
            // the plan's fixed inputs.
            Entity::LaunchPlan(plan) => {
                let inner = plan.workflow().spec();
                let prefix = self.nested(plan.name());
                let inputs = plan.complete_inputs(inputs);
                let inner = SpecRef::Static(inner);
                (self.run_graph)(inner, inputs, self.shared.clone(), prefix).await
            }
        }
    }

    /// A task node: its attempts, and a [`NodeFailure`] or a skip when they end
    /// without outputs.
    async fn run_task(
        &self,
        task: &'static dyn DynTask,
        inputs: Vec<Value>,
        inline: bool,
    ) -> NodeResult {
        if let Some(message) = &task.metadata().deprecated {
            tracing::warn!(task = task.name(), "task is deprecated: {message}");
        }
        let attempt = Attempt { node: self, task };
        match attempt.run(&inputs, None, inline).await {
            Ok(values) => Ok(values),
            Err(Stopped::Skipped { reason, .. }) => Err(Failed::skipped(self.path(), reason)),
            Err(Stopped::Failed(failure)) => Err(self.failure(task.name(), failure)),
        }
    }

    /// A map node: the task over every item, at most `concurrency` at a time, each
    /// item with its own retries and timeout. Stops starting items once the minimum
    /// success ratio can no longer be met. A skipped item counts as failed.
    async fn run_map(&self, map: &MapSpec, inputs: Vec<Value>) -> NodeResult {
        let items = match (map.split)(&inputs, &map.bound) {
            Ok(items) => items,
            Err(message) => {
                return Err(self.failure(
                    map.target.name(),
                    AttemptFailure {
                        error: TaskError::permanent(MapInputsMismatch(message)),
                        attempt: 1,
                        max_attempts: 1,
                    },
                ));
            }
        };
        let task = match map.target {
            MapTarget::Task(task) => task,
            MapTarget::LaunchPlan(plan) => return self.run_plan_items(map, plan, items).await,
        };
        let total = items.len();
        let required = map.required(total);
        let attempt = &Attempt { node: self, task };
        let items = &items;
        let (outputs, failed, all_started) = map_items(map, total, |i| async move {
            match attempt.run(&items[i], Some(i as u32), false).await {
                Ok(mut values) => Ok(values.pop()),
                Err(Stopped::Failed(f)) => Err(f),
                Err(Stopped::Skipped { attempt, reason }) => Err(AttemptFailure {
                    error: TaskError::Skipped(reason),
                    attempt,
                    max_attempts: attempt,
                }),
            }
        })
        .await;
        let succeeded = failed.len() <= total - required && all_started;
        self.shared.observers.map_finished(&self.path(), succeeded);
        if succeeded {
            return Ok(vec![(map.gather)(outputs)]);
        }
        let (attempt, max_attempts) = (failed[0].1.attempt, failed[0].1.max_attempts);
        let error = TaskError::failed(MapFailure {
            total,
            required,
            failed: failed.into_iter().map(|(i, f)| (i, f.error)).collect(),
        });
        Err(self.failure(
            task.name(),
            AttemptFailure {
                error,
                attempt,
                max_attempts,
            },
        ))
    }

    /// A map node over a launch plan: each item a run of the plan's workflow (a
    /// child execution on Flyte) with the plan's fixed inputs, at most `concurrency`
    /// at a time. Misses the bar with the first failed item's failure, which names
    /// the item's own nodes.
    async fn run_plan_items(
        &self,
        map: &MapSpec,
        plan: &'static dyn DynLaunchPlan,
        items: Vec<Vec<Value>>,
    ) -> NodeResult {
        let total = items.len();
        let required = map.required(total);
        let spec = plan.workflow().spec();
        let mut items: Vec<Option<Vec<Value>>> = items.into_iter().map(Some).collect();
        let (outputs, mut failed, all_started) = map_items(map, total, |i| {
            let item = items[i].take().expect("each item is started once");
            let prefix = self.nested(&format!("{}[{i}]", plan.name()));
            let run = (self.run_graph)(
                SpecRef::Static(spec),
                plan.complete_inputs(item),
                self.shared.clone(),
                prefix,
            );
            async move { run.await.map(|mut v| v.pop()) }
        })
        .await;
        let succeeded = failed.len() <= total - required && all_started;
        self.shared.observers.map_finished(&self.path(), succeeded);
        if succeeded {
            return Ok(vec![(map.gather)(outputs)]);
        }
        Err(failed.swap_remove(0).1)
    }
}

/// Runs a map node's items, `start(i)` for item `i`, at most the map's concurrency at
/// once, and starts no more once more items failed than the map may lose. Returns
/// each item's output (`None` where none), the failures in item order, and whether
/// every item was started.
async fn map_items<E, F, Fut>(
    map: &MapSpec,
    total: usize,
    mut start: F,
) -> (Vec<Option<Value>>, Vec<(usize, E)>, bool)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<Option<Value>, E>>,
{
    let allowed = total - map.required(total);
    let limit = map.concurrency.unwrap_or(total).max(1);
    let mut outputs: Vec<Option<Value>> = vec![None; total];
    let mut failed = Vec::new();
    let mut running = FuturesUnordered::new();
    let mut next = 0;
    loop {
        while running.len() < limit && next < total && failed.len() <= allowed {
            let (i, item) = (next, start(next));
            running.push(async move { (i, item.await) });
            next += 1;
        }
        match running.next().await {
            None => break,
            Some((i, Ok(value))) => outputs[i] = value,
            Some((i, Err(e))) => failed.push((i, e)),
        }
    }
    failed.sort_by_key(|f: &(usize, E)| f.0);
    (outputs, failed, next == total)
}

/// A map node's mapped lists differ in length.
#[derive(Debug)]
struct MapInputsMismatch(String);

impl std::fmt::Display for MapInputsMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MapInputsMismatch {}

/// No case of a conditional held and it ends in `fail(message)`.
#[derive(Debug)]
struct NoCaseMatched(String);

impl std::fmt::Display for NoCaseMatched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no condition held: {}", self.0)
    }
}

impl std::error::Error for NoCaseMatched {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size of what `f` returns, without calling it.
    fn returned_size<A, B, C, R>(_: impl FnOnce(A, B, C) -> R) -> usize {
        std::mem::size_of::<R>()
    }

    /// Every running node of a fan-out holds this future (inside tokio's task cell),
    /// so its size is a per-node cost: a field or an await that makes it grow past
    /// the bound shows here before it shows in `benches/memory.rs`.
    #[test]
    fn a_node_future_stays_small() {
        let node = returned_size(NodeAt::run);
        assert!(node <= 704, "a node's future is {node} bytes");
        assert!(
            std::mem::size_of::<crate::task::ExecutionContext>() == std::mem::size_of::<usize>(),
            "the context is a pointer to its state"
        );
    }
}
