//! Tasks: the [`Task`] trait plugin authors implement, [`TaskMetadata`] (retries,
//! timeout, cache, ...), [`TaskConfig`] for `#[task(config = ...)]` routing, and
//! [`TaskError`], what a failed attempt reports.

use std::future::Future;
use std::time::Duration;

use crate::interface::Interface;

mod chain;
mod config_error;
pub(crate) mod container;
pub(crate) mod context;
pub(crate) mod deck;
mod dyn_task;
mod handle;
mod metadata;
pub(crate) mod node_settings;
mod offload;
mod pod_template;
mod reference;
mod resources;
pub(crate) mod secrets;

use crate::types::{Inputs, Outputs};
pub use chain::ErrorChain;
pub(crate) use chain::panic_message;
pub use config_error::{ConfigError, IntoDuration};
pub use container::{
    ContainerOutput, ContainerSpec, DownloadMode, IoStrategy, MetadataFormat, UploadMode,
};
pub use context::{Checkpoint, ClusterIdentity, ExecutionContext, OffloadSettings};
pub use deck::{Deck, DeckWriter, deck_page, escape_html};
pub use dyn_task::DynTask;
pub(crate) use dyn_task::check_ignored_inputs;
pub use handle::TaskStatic;
pub use metadata::{DynamicMode, TaskMetadata};
pub use node_settings::NodeSettings;
pub(crate) use node_settings::node_setters;
pub use pod_template::PodTemplate;
pub use reference::{Reference, ReferenceKind, ReferenceNotMocked};
pub use resources::{Accelerator, ResourceKind, Resources, SharedMemory, is_quantity};
pub use secrets::{Secret, SecretError, SecretMount, SecretValue};

/// A boxed error, the cause carried by a failed task.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why an attempt failed.
///
/// Tasks written with `#[task]` return their own error type, which becomes
/// [`TaskError::Failed`]; plugin authors build one with [`TaskError::failed`] or, for a
/// failure that retrying cannot fix, [`TaskError::permanent`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TaskError {
    /// The task returned an error; the attempt may be retried.
    #[error("task returned an error")]
    Failed(#[source] BoxError),
    /// The task returned an error that retrying cannot fix (bad input, permission
    /// denied): no further attempts are made.
    #[error("task returned an error that retrying cannot fix")]
    Permanent(#[source] BoxError),
    /// The task panicked; the panic message is kept.
    #[error("task panicked: {0}")]
    Panicked(String),
    /// The attempt ran past the task's timeout and was cancelled.
    #[error("task timed out after {}", crate::types::human_duration(*.0))]
    TimedOut(Duration),
    /// The task chose not to produce outputs (a sensor with `soft_fail` whose wait
    /// ran out): the node is skipped, not failed, and so are the nodes that need its
    /// outputs.
    #[error("skipped: {0}")]
    Skipped(String),
}

impl TaskError {
    /// A failure that may be retried, unless `e` is a [`NonRecoverable`], which gives
    /// [`TaskError::Permanent`].
    pub fn failed<E: Into<BoxError> + 'static>(e: E) -> Self {
        // `anyhow::Error` hides its error's type once boxed: look before boxing.
        if let Some(a) = (&e as &dyn std::any::Any).downcast_ref::<anyhow::Error>()
            && a.chain().any(|c| c.is::<NonRecoverable>())
        {
            return TaskError::Permanent(e.into());
        }
        let e = e.into();
        match e.downcast::<NonRecoverable>() {
            Ok(marked) => TaskError::Permanent(marked.0),
            // Marked further down: `anyhow`'s `.context(..)` or an error wrapping one.
            Err(e) if marked_within(&*e) => TaskError::Permanent(e),
            Err(e) => TaskError::Failed(e),
        }
    }

    /// A failure that retrying cannot fix.
    pub fn permanent(e: impl Into<BoxError>) -> Self {
        TaskError::Permanent(e.into())
    }

    /// Whether another attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            TaskError::Failed(_) | TaskError::Panicked(_) | TaskError::TimedOut(_)
        )
    }
}

/// Whether a cause of `e` (not `e` itself) is a [`NonRecoverable`].
fn marked_within(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = e.source();
    while let Some(cause) = next {
        if cause.is::<NonRecoverable>() {
            return true;
        }
        next = cause.source();
    }
    false
}

/// An error a `#[task]` function returns for a failure that retrying cannot fix: the
/// attempt is not retried locally, and on a Flyte cluster its error document says
/// `NON_RECOVERABLE`. Every other error a task returns may be retried (within the
/// task's `retries`), locally and on the cluster alike. It is found anywhere in the
/// error's chain of causes: returned as is, inside `anyhow::Error` (with or without
/// `.context(..)`), or as the source of an error of your own.
///
/// Note for flytekit users: flytekit marks a plain exception `NON_RECOVERABLE` (only
/// `FlyteRecoverableException` is retried); here a plain error is retried, because
/// most errors a Rust task returns (I/O, network, object stores) are worth another
/// attempt, and `NonRecoverable` says when one is not.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// # use flytekit_macros::*;
/// use flytekit::task::NonRecoverable;
///
/// #[task(retries = 3)]
/// fn parse_count(text: String) -> Result<i64, NonRecoverable> {
///     // Bad input stays bad however often it is read: fail at once.
///     text.trim().parse().map_err(NonRecoverable::new)
/// }
/// ```
#[derive(Debug)]
pub struct NonRecoverable(pub BoxError);

impl NonRecoverable {
    /// Marks `e` as not worth retrying.
    pub fn new(e: impl Into<BoxError>) -> Self {
        NonRecoverable(e.into())
    }
}

impl std::fmt::Display for NonRecoverable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for NonRecoverable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// A task type: what plugin authors implement (the counterpart of flytekit's
/// `PythonTask`).
///
/// `Input` is a tuple with one element per input (`(String,)` for one input), and
/// `Output` is `()`, a single type, or a tuple for several outputs. The interface
/// names them. Put the task in a `static` (a `LazyLock` works) and call it in a
/// `#[workflow]` like a function.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::prelude::*;
///
/// /// Adds a fixed amount.
/// struct AddN { n: i64 }
///
/// impl Task for AddN {
///     type Input = (i64,);
///     type Output = i64;
///     fn name(&self) -> &str { "add-n" }
///     fn task_type(&self) -> &str { "add-n" }
///     fn interface(&self) -> Interface { Interface::of::<(i64,), i64>(["x"], ["sum"]) }
///     async fn execute(&self, _ctx: ExecutionContext, (x,): (i64,)) -> Result<i64, TaskError> {
///         Ok(x + self.n)
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a task",
    label = "expected a task",
    note = "a `#[task] fn name` is the type `name`, and `name {{}}` its value: write `&name {{}}`"
)]
pub trait Task: Send + Sync + 'static {
    /// The inputs, as a tuple in interface order.
    type Input: Inputs;
    /// The outputs: `()`, one type, or a tuple.
    type Output: Outputs;

    /// The task's name, unique among the tasks a program registers.
    fn name(&self) -> &str;
    /// The task type (`"rust-task"` for `#[task]` functions); a Flyte backend picks
    /// its plugin by this string.
    fn task_type(&self) -> &str;
    /// Names and types of the inputs and outputs.
    fn interface(&self) -> Interface;
    /// Retries, timeout, cache and the rest; defaults to none of them.
    fn metadata(&self) -> &TaskMetadata {
        static NONE: TaskMetadata = TaskMetadata::DEFAULT;
        &NONE
    }
    /// A description for people, shown in specs (doc comments for `#[task]`).
    fn description(&self) -> Option<&str> {
        None
    }
    /// Configuration the backend plugin receives with the task (Flyte's `custom`).
    fn custom(&self) -> Option<serde_json::Value> {
        None
    }
    /// Checks the task's settings; a run calls it for every task before starting any
    /// node. The default checks [`Task::metadata`]; plugins with settings of their own
    /// (a poll interval, say) check those too.
    fn validate(&self) -> Result<(), ConfigError> {
        self.metadata().validate()
    }
    /// Runs one attempt.
    fn execute(
        &self,
        ctx: ExecutionContext,
        input: Self::Input,
    ) -> impl Future<Output = Result<Self::Output, TaskError>> + Send;
}

/// A plugin's configuration type: `#[task(config = MyConfig { .. })]` routes a task
/// function to the plugin that owns `MyConfig`, as flytekit's `task_config` does.
///
/// The config decides the task type and what the backend receives, and may prepare
/// each attempt (set up a session, check a precondition) before the function runs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a task config",
    label = "`config = ...` needs a value whose type implements `flytekit::task::TaskConfig`",
    note = "implement `TaskConfig` for this type to route tasks to its plugin"
)]
pub trait TaskConfig: Send + Sync + 'static {
    /// The task type of tasks that use this config.
    fn task_type(&self) -> &str;
    /// What the backend plugin receives (Flyte's `custom`).
    fn custom(&self) -> Option<serde_json::Value> {
        None
    }
    /// Runs before each attempt of a task using this config; an error fails the attempt.
    fn before_attempt(&self, ctx: &ExecutionContext) -> Result<(), TaskError> {
        let _ = ctx;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_permanent_and_config_errors_stop_retries() {
        assert!(TaskError::failed("x").is_retryable());
        assert!(!TaskError::permanent("x").is_retryable());
        assert!(TaskError::TimedOut(Duration::from_secs(1)).is_retryable());
    }

    #[test]
    fn a_non_recoverable_error_is_permanent_and_keeps_its_message_and_cause() {
        let parse = "x".parse::<i64>().unwrap_err();
        let e = TaskError::failed(NonRecoverable::new(parse.clone()));
        assert!(!e.is_retryable());
        match e {
            TaskError::Permanent(inner) => assert_eq!(inner.to_string(), parse.to_string()),
            other => panic!("expected a permanent error, got {other:?}"),
        }
    }
}
