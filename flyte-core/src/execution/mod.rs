//! Local execution: runs a workflow's nodes on tokio as soon as their inputs are ready,
//! with retries, timeouts and panic isolation per attempt.

mod attempt;
pub(crate) mod container;
mod dispatch;
pub(crate) mod executor;
mod failure;
mod gates;
mod node;

pub use gates::SignalPrompt;
mod observe;
mod readiness;
mod report;

pub(crate) use attempt::inline_allowed;

use std::fmt;
use std::sync::Arc;

use crate::cache::{Cache, CacheMode};
pub use crate::task::{Checkpoint, ClusterIdentity, ExecutionContext, OffloadSettings};
pub use container::{
    ContainerError, ContainerRuntime, OutputError, RUNTIME_ENV as CONTAINER_RUNTIME_ENV,
};
pub use executor::{run_workflow, run_workflow_literals};
pub(crate) use observe::Observers;
pub use observe::{
    AttemptOutcome, AttemptRecord, NodeRecord, NodeStatus, RunEnd, RunObserver, RunSummary,
};
pub use report::Report;

use crate::data::FileAccess;
use crate::task::{ConfigError, TaskError};
use crate::types::{FlyteType, Value, downcast_value};

/// Settings of one local run.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// # use flytekit_macros::*;
/// use flytekit::prelude::*;
///
/// /// Would fetch the page; the run below replaces it with a mock.
/// #[task]
/// fn fetch(url: String) -> String {
///     format!("<html>{url}</html>")
/// }
///
/// #[task]
/// fn word_count(text: String) -> i64 {
///     text.split_whitespace().count() as i64
/// }
///
/// #[workflow]
/// fn page_words(url: String) -> i64 {
///     word_count(fetch(url))
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // A run of its own: a named execution, no cache, `fetch` replaced by a closure.
/// let options = RunOptions::default()
///     .execution_id("docs-1")
///     .no_cache()
///     .mock(&fetch {}, |(url,): (String,)| format!("the page at {url}"));
/// let words = page_words::run_with(&options, ("x.org".into(),)).await.unwrap();
/// assert_eq!(words, 4);
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The execution id; a fresh one (`local-...`) when not set.
    pub execution_id: Option<String>,
    /// Object-store access for the tasks; a process-wide default when not set.
    pub file_access: Option<Arc<FileAccess>>,
    /// Where files and directories returned by tasks are uploaded (a path or URL); a
    /// folder under the system's temporary directory when not set.
    pub raw_output_prefix: Option<String>,
    /// The cache folder; [`Cache::default_root`] when not set.
    pub cache_dir: Option<std::path::PathBuf>,
    /// What the run does with the cache; [`CacheMode::Use`] unless
    /// `FLYTE_LOCAL_CACHE_ENABLED=false`.
    pub cache_mode: Option<CacheMode>,
    /// Whether plain-`fn` task bodies always run on tokio's blocking pool (see
    /// [`RunOptions::cancellable`]).
    pub cancellable: bool,
    /// How container tasks run; chosen per task when not set (see
    /// [`ContainerRuntime`]).
    pub container_runtime: Option<ContainerRuntime>,
    pub(crate) observers: Observers,
    pub(crate) mocks: Mocks,
    pub(crate) secrets: crate::task::secrets::LocalSecrets,
    pub(crate) signals: gates::Signals,
}

/// A stand-in for a task's body, with the types erased.
/// What a mock of task `T` returns.
pub type MockResult<T> = Result<<T as crate::task::Task>::Output, TaskError>;

pub(crate) type MockFn =
    Arc<dyn Fn(&[Value]) -> Result<Vec<Value>, TaskError> + Send + Sync + 'static>;

/// The tasks a run replaces by mocks, by task name.
#[derive(Clone, Default)]
pub(crate) struct Mocks(pub(crate) Arc<std::collections::HashMap<String, MockFn>>);

impl fmt::Debug for Mocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.0.keys().collect();
        names.sort();
        f.debug_list().entries(names).finish()
    }
}

impl RunOptions {
    /// Sets the execution id.
    pub fn execution_id(mut self, id: impl Into<String>) -> Self {
        self.execution_id = Some(id.into());
        self
    }

    /// Sets where returned files and directories are uploaded (`memory:///raw`,
    /// `s3://bucket/raw`, a local folder).
    pub fn raw_output_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.raw_output_prefix = Some(prefix.into());
        self
    }

    /// Gives the run a secret's value, found by [`ExecutionContext::secret`] before the
    /// places Flyte mounts secrets in a pod (the environment, `/etc/secrets`). For a
    /// request with a version, give the same version.
    ///
    /// [`ExecutionContext::secret`]: crate::task::ExecutionContext::secret
    pub fn secret(
        mut self,
        group: impl Into<String>,
        version: Option<&str>,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.secrets.insert(
            group.into(),
            version.map(str::to_string),
            key.into(),
            value.into(),
        );
        self
    }

    /// Gives the run the value of a gate's signal: the input a `wait_for_input` gate
    /// waits for, or (`true`/`false`) the approval an `approve` gate waits for.
    pub fn signal(mut self, name: impl Into<String>, value: impl FlyteType) -> Self {
        let value = gates::SignalValue::Literal(value.to_literal());
        self.signals.insert(name.into(), value);
        self
    }

    /// [`RunOptions::signal`] with the value as text, read against the gate's type
    /// when the gate is reached (as `run --signal NAME=VALUE` gives it).
    pub fn signal_text(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.signals
            .insert(name.into(), gates::SignalValue::Text(text.into()));
        self
    }

    /// How to ask for a signal the run was not given (the command line prompts when
    /// stdin is a terminal); without one, such a gate fails at once.
    pub fn signal_prompt(mut self, prompt: SignalPrompt) -> Self {
        self.signals.prompt = Some(prompt);
        self
    }

    /// Sets the object-store access the tasks get.
    pub fn file_access(mut self, fa: Arc<FileAccess>) -> Self {
        self.file_access = Some(fa);
        self
    }

    /// Keeps cached outputs in `dir` instead of the default folder.
    pub fn cache_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Runs cached tasks again and replaces their stored outputs.
    pub fn overwrite_cache(mut self) -> Self {
        self.cache_mode = Some(CacheMode::Overwrite);
        self
    }

    /// Runs container tasks this way (podman, docker, or as local processes) instead
    /// of choosing: over `$FLYTE_CONTAINER_RUNTIME` and the engines found.
    pub fn container_runtime(mut self, runtime: ContainerRuntime) -> Self {
        self.container_runtime = Some(runtime);
        self
    }

    /// Neither reads nor writes the cache.
    pub fn no_cache(mut self) -> Self {
        self.cache_mode = Some(CacheMode::Off);
        self
    }

    /// Keeps the task driving the run free to notice a cancellation (Ctrl-C, SIGTERM)
    /// while plain-`fn` task bodies run: they always go to tokio's blocking pool.
    ///
    /// By default a plain-`fn` body that is the only node able to run runs on the
    /// executor's own thread, which saves two thread hand-offs per node of a chain but
    /// leaves a `select!` around the run unable to see a signal until the body returns.
    /// Dropping the run then cancels async bodies at their next `.await`; a plain-`fn`
    /// body on the pool keeps its thread until it returns (or the process exits). The
    /// CLI's `run` sets this.
    pub fn cancellable(mut self) -> Self {
        self.cancellable = true;
        self
    }

    /// Adds an observer that hears of each task node as it starts and ends (a
    /// [`RunSummary`], a progress display).
    pub fn observe(mut self, observer: Arc<dyn RunObserver>) -> Self {
        self.observers.0.push(observer);
        self
    }

    /// Replaces `task` in this run by `mock`, a closure of the task's own input and
    /// output types (the compiler checks them): nodes running the task call the mock
    /// instead, with the task's retries and timeout around it. For tests.
    ///
    /// ```
    /// # extern crate flytekit_core as flytekit;
    /// # use flytekit_macros::*;
    /// use flytekit::prelude::*;
    ///
    /// #[task]
    /// async fn fetch(url: String) -> String {
    ///     unreachable!("a test must not reach the network")
    /// }
    ///
    /// #[workflow]
    /// fn page_length(url: String) -> String {
    ///     fetch(url)
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let options = RunOptions::default().mock(&fetch {}, |(url,): (String,)| format!("<html>{url}</html>"));
    /// let page = page_length::run_with(&options, ("x".into(),)).await.unwrap();
    /// assert_eq!(page, "<html>x</html>");
    /// # }
    /// ```
    pub fn mock<S: crate::task::TaskStatic>(
        self,
        task: &'static S,
        mock: impl Fn(<S::Task as crate::task::Task>::Input) -> <S::Task as crate::task::Task>::Output
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.mock_result(task, move |input| Ok(mock(input)))
    }

    /// [`RunOptions::mock`] with a mock that may fail, to test retries and failure
    /// handling (a [`TaskError::failed`] is retried as the task's would be).
    pub fn mock_result<S: crate::task::TaskStatic>(
        mut self,
        task: &'static S,
        mock: impl Fn(<S::Task as crate::task::Task>::Input) -> MockResult<S::Task>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        use crate::task::Task;
        use crate::types::{Inputs, Outputs};
        let task = task.task();
        let erased: MockFn = Arc::new(move |values: &[Value]| {
            mock(<S::Task as Task>::Input::from_values(values)).map(Outputs::into_values)
        });
        Arc::make_mut(&mut self.mocks.0).insert(task.name().to_string(), erased);
        self
    }

    /// The cache this run uses, if any.
    pub(crate) fn resolve_cache(&self) -> Option<(Arc<Cache>, CacheMode)> {
        let mode = self.cache_mode.unwrap_or_else(|| {
            match std::env::var(crate::cache::CACHE_ENABLED_ENV) {
                Ok(v) if v.eq_ignore_ascii_case("false") || v == "0" => CacheMode::Off,
                _ => CacheMode::Use,
            }
        });
        if mode == CacheMode::Off {
            return None;
        }
        let root = self.cache_dir.clone().unwrap_or_else(Cache::default_root);
        Some((Arc::new(Cache::new(root)), mode))
    }
}

/// What every attempt of one local run shares: what its tasks see, and the
/// runtime's own state (cache, observers, mocks), which the tasks' context carries
/// opaquely so a graph built inside a task runs in the same run.
#[derive(Debug)]
pub(crate) struct RunShared {
    pub(crate) info: crate::task::context::RunInfo,
    /// The output cache and what to do with it; `None` when caching is off.
    pub(crate) cache: Option<(Arc<Cache>, CacheMode)>,
    pub(crate) observers: Observers,
    pub(crate) mocks: Mocks,
    /// Whether a lone plain-fn node may run on the executor's own thread.
    pub(crate) inline_sync: bool,
    /// Values for gates.
    pub(crate) signals: gates::Signals,
    /// How container tasks run, when the run says.
    pub(crate) container_runtime: Option<ContainerRuntime>,
}

impl RunShared {
    /// A run with no cache, observers or mocks around `info`.
    pub(crate) fn around(info: crate::task::context::RunInfo) -> Self {
        RunShared {
            info,
            cache: None,
            observers: Default::default(),
            mocks: Default::default(),
            inline_sync: true,
            signals: Default::default(),
            container_runtime: None,
        }
    }

    /// The run of a context's attempt: its own when a local run started it, else
    /// (a standalone or cluster context) a new one around what the task sees.
    pub(crate) fn of(ctx: &ExecutionContext) -> Arc<RunShared> {
        match ctx.0.run.clone().into_any().downcast::<RunShared>() {
            Ok(shared) => shared,
            Err(_) => {
                let info = ctx.0.run.info();
                Arc::new(RunShared::around(crate::task::context::RunInfo {
                    execution_id: info.execution_id.clone(),
                    file_access: info.file_access.clone(),
                    raw_output_prefix: info.raw_output_prefix.clone(),
                    cluster: info.cluster.clone(),
                    checkpoint: info.checkpoint.clone(),
                    secrets: info.secrets.clone(),
                }))
            }
        }
    }
}

impl std::ops::Deref for RunShared {
    type Target = crate::task::context::RunInfo;
    fn deref(&self) -> &Self::Target {
        &self.info
    }
}

impl crate::task::context::RunState for RunShared {
    fn info(&self) -> &crate::task::context::RunInfo {
        &self.info
    }
    fn into_any(self: Arc<Self>) -> Arc<dyn std::any::Any + Send + Sync> {
        self
    }
}

/// One node that failed: where, which attempt, and why.
#[derive(Debug)]
pub struct NodeFailure {
    /// The workflow the node belongs to (a branch case's node belongs to the
    /// workflow holding the branch).
    pub workflow: String,
    /// The node's id in that workflow; inside a branch case, with the branch node
    /// and the case before it (`n2/case0/n0`).
    pub node: String,
    /// The node's path from the top workflow (`outer/n2/inner/n0`).
    pub path: String,
    /// The task the node runs.
    pub task: String,
    /// The attempt that failed last, from 1.
    pub attempt: u32,
    /// How many attempts the task's retries allowed.
    pub max_attempts: u32,
    /// Why the last attempt failed.
    pub error: TaskError,
}

impl fmt::Display for NodeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "workflow `{}` node `{}`", self.workflow, self.node)?;
        // A node inside a subworkflow also shows where it sits from the top.
        if self.path != format!("{}/{}", self.workflow, self.node) {
            write!(f, " at `{}`", self.path)?;
        }
        write!(
            f,
            " (task `{}`) failed on attempt {} of {}",
            self.task, self.attempt, self.max_attempts
        )?;
        // The cause, so `{err}` alone says what went wrong (`ErrorChain` leaves out
        // the causes this text already holds).
        write!(f, ": {}", crate::task::ErrorChain::new(&self.error))
    }
}

/// The task's error is in the text already (and typed, in [`NodeFailure::error`]), so
/// it is not a `source` too: `anyhow`'s `{:#}` would print it twice.
impl std::error::Error for NodeFailure {}

/// Too many items of a map task failed.
#[derive(Debug)]
pub struct MapFailure {
    /// How many items there were.
    pub total: usize,
    /// How many had to succeed.
    pub required: usize,
    /// The failed items, by position, with their errors.
    pub failed: Vec<(usize, TaskError)>,
}

impl fmt::Display for MapFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let indices: Vec<String> = self.failed.iter().map(|(i, _)| i.to_string()).collect();
        write!(
            f,
            "{} of {} items failed (items {}); {} had to succeed",
            self.failed.len(),
            self.total,
            indices.join(", "),
            self.required
        )?;
        if let Some((i, e)) = self.failed.first() {
            write!(f, "; item {i}: {}", crate::task::ErrorChain::new(e))?;
        }
        Ok(())
    }
}

impl std::error::Error for MapFailure {}

/// The outputs of the nodes that finished before a run failed.
#[derive(Clone, Default)]
pub struct CompletedOutputs {
    nodes: Vec<CompletedNode>,
}

#[derive(Clone)]
struct CompletedNode {
    path: String,
    task: String,
    names: Vec<String>,
    values: Vec<Value>,
}

impl CompletedOutputs {
    pub(crate) fn push(
        &mut self,
        path: String,
        task: String,
        names: Vec<String>,
        values: Vec<Value>,
    ) {
        self.nodes.push(CompletedNode {
            path,
            task,
            names,
            values,
        });
    }

    pub(crate) fn extend(&mut self, other: CompletedOutputs) {
        self.nodes.extend(other.nodes);
    }

    /// The paths of the nodes that finished (`n0`, `outer/n2/inner/n0`), in the order
    /// they finished.
    pub fn nodes(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.path.as_str())
    }

    /// The task a finished node ran.
    pub fn task(&self, node_path: &str) -> Option<&str> {
        self.find(node_path).map(|n| n.task.as_str())
    }

    /// Output `output` (`o0`, `path`, ...) of the finished node at `node_path`, if it
    /// finished and the output has type `T`.
    pub fn get<T: FlyteType>(&self, node_path: &str, output: &str) -> Option<T> {
        let node = self.find(node_path)?;
        let i = node.names.iter().position(|n| n == output)?;
        node.values[i].downcast_ref::<T>()?;
        Some(downcast_value(&node.values[i]))
    }

    /// How many nodes finished.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether no node finished.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    fn find(&self, path: &str) -> Option<&CompletedNode> {
        self.nodes.iter().find(|n| n.path == path)
    }
}

impl fmt::Debug for CompletedOutputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.nodes()).finish()
    }
}

/// A run that did not produce its outputs.
#[derive(Debug)]
#[non_exhaustive]
pub enum RunError {
    /// An input value is not of the input's type; no node was started.
    InvalidInput {
        /// The workflow that was to run.
        workflow: String,
        /// Which input, and what was wrong.
        source: Box<crate::types::ConversionError>,
    },
    /// A task's settings are invalid; no node was started.
    InvalidTask {
        /// The workflow that was to run.
        workflow: String,
        /// The task with the bad setting.
        task: String,
        /// What is wrong.
        source: ConfigError,
    },
    /// No node failed, but the workflow's outputs need a node that was skipped (a
    /// sensor with `soft_fail` whose wait ran out, or a node after it).
    Skipped {
        /// The skipped nodes' paths, the one skipped first first.
        skipped: Vec<String>,
        /// Why the first was skipped (what the task said).
        reason: String,
        /// Outputs of the nodes that did finish.
        completed: CompletedOutputs,
    },
    /// One or more nodes failed. Nodes already running were let finish; no new ones
    /// were started.
    NodeFailed {
        /// The failures, first one first.
        failures: Vec<NodeFailure>,
        /// Outputs of the nodes that did finish.
        completed: CompletedOutputs,
    },
}

impl RunError {
    /// The first node failure, if nodes failed.
    pub fn failure(&self) -> Option<&NodeFailure> {
        match self {
            RunError::NodeFailed { failures, .. } => failures.first(),
            RunError::InvalidTask { .. }
            | RunError::InvalidInput { .. }
            | RunError::Skipped { .. } => None,
        }
    }

    /// All node failures.
    pub fn failures(&self) -> &[NodeFailure] {
        match self {
            RunError::NodeFailed { failures, .. } => failures,
            RunError::InvalidTask { .. }
            | RunError::InvalidInput { .. }
            | RunError::Skipped { .. } => &[],
        }
    }

    /// Outputs of the nodes that finished.
    pub fn completed(&self) -> Option<&CompletedOutputs> {
        match self {
            RunError::NodeFailed { completed, .. } | RunError::Skipped { completed, .. } => {
                Some(completed)
            }
            RunError::InvalidTask { .. } | RunError::InvalidInput { .. } => None,
        }
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::InvalidTask { workflow, task, .. } => write!(
                f,
                "workflow `{workflow}` cannot run: task `{task}` has an invalid setting"
            ),
            RunError::InvalidInput { workflow, .. } => {
                write!(f, "workflow `{workflow}` cannot run: an input is invalid")
            }
            RunError::Skipped {
                skipped, reason, ..
            } => {
                let first = skipped.first().map_or("?", String::as_str);
                write!(f, "skipped: node `{first}` was skipped ({reason})")?;
                match skipped.len() {
                    1 => write!(f, "; the workflow's outputs need it"),
                    n => write!(
                        f,
                        "; {} node(s) after it and the workflow's outputs need it ({})",
                        n - 1,
                        skipped[1..].join(", ")
                    ),
                }
            }
            RunError::NodeFailed { failures, .. } => {
                match failures.first() {
                    Some(first) => write!(f, "{first}")?,
                    None => f.write_str("workflow failed")?,
                }
                if failures.len() > 1 {
                    write!(f, " (and {} more failed nodes)", failures.len() - 1)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::InvalidTask { source, .. } => Some(source),
            RunError::InvalidInput { source, .. } => Some(source),
            // The first failure's text holds its cause (see `NodeFailure`).
            RunError::Skipped { .. } | RunError::NodeFailed { .. } => None,
        }
    }
}
