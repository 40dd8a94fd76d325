//! [`DynTask`]: a task with its types erased, as graph nodes, the runtime, the cache
//! and the entrypoint hold it.

use std::future::Future;

use futures::future::BoxFuture;

use super::{ConfigError, ExecutionContext, Task, TaskError, TaskMetadata};
use crate::interface::Interface;
use crate::types::{Codec, Inputs, Outputs, Value};

/// A task with its types erased, as a graph node holds it.
///
/// Implemented for every [`Task`]; nothing else needs to implement it.
pub trait DynTask: Send + Sync + 'static {
    /// See [`Task::name`].
    fn name(&self) -> &str;
    /// See [`Task::task_type`].
    fn task_type(&self) -> &str;
    /// See [`Task::interface`].
    fn interface(&self) -> Interface;
    /// See [`Task::metadata`].
    fn metadata(&self) -> &TaskMetadata;
    /// See [`Task::description`].
    fn description(&self) -> Option<&str>;
    /// See [`Task::custom`].
    fn custom(&self) -> Option<serde_json::Value>;
    /// See [`Task::validate`].
    fn validate(&self) -> Result<(), ConfigError>;
    /// Reads and writes the literals of the task's inputs and outputs.
    fn codec(&self) -> &'static Codec;
    /// Starts one attempt on type-erased inputs.
    fn start(
        &'static self,
        ctx: ExecutionContext,
        inputs: &[Value],
    ) -> BoxFuture<'static, Result<Vec<Value>, TaskError>>;
}

impl<T: Task> DynTask for T {
    fn name(&self) -> &str {
        Task::name(self)
    }
    fn task_type(&self) -> &str {
        Task::task_type(self)
    }
    fn interface(&self) -> Interface {
        Task::interface(self)
    }
    fn metadata(&self) -> &TaskMetadata {
        Task::metadata(self)
    }
    fn description(&self) -> Option<&str> {
        Task::description(self)
    }
    fn custom(&self) -> Option<serde_json::Value> {
        Task::custom(self)
    }
    fn validate(&self) -> Result<(), ConfigError> {
        Task::validate(self)?;
        check_ignored_inputs(self, &Task::metadata(self).node)
    }
    fn codec(&self) -> &'static Codec {
        Codec::of::<T::Input, T::Output>()
    }
    fn start(
        &'static self,
        ctx: ExecutionContext,
        inputs: &[Value],
    ) -> BoxFuture<'static, Result<Vec<Value>, TaskError>> {
        let input = T::Input::from_values(inputs);
        // Only outputs that can hold files need the context afterwards.
        let offload_ctx = if <T::Output as Outputs>::HAS_BLOBS {
            Some(ctx.clone())
        } else {
            None
        };
        let hash_all = Task::metadata(self).hash_outputs.unwrap_or(false);
        finish(self.execute(ctx, input), offload_ctx, hash_all)
    }
}

/// Checks that the inputs `settings` leave out of the cache key are inputs of `task`.
pub(crate) fn check_ignored_inputs(
    task: &dyn DynTask,
    settings: &crate::task::NodeSettings,
) -> Result<(), ConfigError> {
    let ignored = settings.ignored_inputs();
    if ignored.is_empty() {
        return Ok(());
    }
    let inputs = task.interface().inputs;
    match ignored
        .iter()
        .find(|n| !inputs.iter().any(|v| v.name == **n))
    {
        Some(name) => Err(ConfigError::UnknownCacheIgnoredInput {
            name: name.clone(),
            inputs: inputs.iter().map(|v| v.name.to_string()).collect(),
        }),
        None => Ok(()),
    }
}

/// The rest of an attempt after the body: outputs' files uploaded, values erased.
/// Generic over the output and the body's future only, so tasks sharing an output
/// type (and the generated runners) share one copy.
fn finish<O, F>(
    attempt: F,
    offload_ctx: Option<ExecutionContext>,
    hash_all: bool,
) -> BoxFuture<'static, Result<Vec<Value>, TaskError>>
where
    O: Outputs,
    F: Future<Output = Result<O, TaskError>> + Send + 'static,
{
    Box::pin(async move {
        let mut outputs = attempt.await?;
        if let Some(ctx) = offload_ctx {
            // Boxed: an upload's state is kilobytes, and held inline it would make
            // every attempt's future as large (a large allocation per node, which
            // glibc pays for by consolidating its free lists), files or not.
            Box::pin(super::offload::offload(&ctx, &mut outputs, hash_all))
                .await
                .map_err(TaskError::failed)?;
        }
        Ok(outputs.into_values())
    })
}
