//! A dynamic task's graph, built on the task's input values: run inside the task's own
//! run locally (and in its pod with `run_in_pod`), handed to Flyte as `futures.pb` on a
//! cluster. `#[dynamic]` implements [`DynamicGraph`] and collects it, so the
//! entrypoint asks for the graph itself, typed, rather than running an attempt.

use std::sync::Arc;

use super::WorkflowSpec;
use crate::task::{ExecutionContext, TaskError};
use crate::types::Value;

/// A task whose body builds a graph.
pub trait DynamicGraph: Send + Sync + 'static {
    /// The task's name, as [`Task::name`](crate::task::Task::name) gives it.
    fn task_name(&self) -> &str;

    /// The graph built on `inputs` (the task's input values, in order), after the
    /// plugin hook that runs before an attempt.
    fn graph(
        &self,
        ctx: &ExecutionContext,
        inputs: &[Value],
    ) -> Result<Arc<WorkflowSpec>, TaskError>;
}

/// A `#[dynamic]` task's graph builder, collected where it is defined.
#[doc(hidden)]
pub struct CompiledDynamic(pub &'static dyn DynamicGraph);

inventory::collect!(CompiledDynamic);

/// The graph builder of the task called `name`, if it is a `#[dynamic]` one.
pub(crate) fn dynamic_graph(name: &str) -> Option<&'static dyn DynamicGraph> {
    inventory::iter::<CompiledDynamic>
        .into_iter()
        .map(|d| d.0)
        .find(|d| d.task_name() == name)
}
