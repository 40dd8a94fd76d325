//! Tasks: the [`Task`] trait plugin authors implement, [`TaskMetadata`] (retries,
//! timeout, cache, ...), [`TaskConfig`] for `#[task(config = ...)]` routing, and
//! [`TaskError`], what a failed attempt reports.

use std::future::Future;
use std::time::Duration;

use crate::interface::Interface;

mod chain;
pub(crate) mod context;
mod dyn_task;
mod offload;
mod resources;

use crate::types::{Inputs, Outputs};
pub use chain::ErrorChain;
pub(crate) use chain::panic_message;
pub use context::{Checkpoint, ClusterIdentity, ExecutionContext};
pub use dyn_task::DynTask;
pub use resources::{Accelerator, ResourceKind, Resources, SharedMemory, is_quantity};

/// A boxed error, the cause carried by a failed task.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A task setting that could not be accepted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A duration string that humantime does not accept.
    #[error(
        "invalid duration `{value}` for `{field}`: {reason} (expected a duration such as \"20m\", \"1h 30m\" or \"500ms\")"
    )]
    InvalidDuration {
        /// The setting, as the user spells it (`timeout`, `poll_interval`).
        field: &'static str,
        /// The string that was given.
        value: String,
        /// What humantime said.
        reason: String,
    },
    /// `cache = true` without a `cache_version`.
    #[error("`cache` is set without a `cache_version`; caching needs a version")]
    CacheWithoutVersion,
    /// A resource amount that is not a Kubernetes quantity.
    #[error(
        "invalid quantity `{value}` for `{kind}({name})`: expected a number and an optional suffix, such as \"500m\", \"2\", \"2Gi\" or \"10G\""
    )]
    InvalidQuantity {
        /// `requests` or `limits`.
        kind: &'static str,
        /// The resource: `cpu`, `mem`, `gpu`, `ephemeral_storage`.
        name: &'static str,
        /// The amount that was given.
        value: String,
    },
    /// A zero timeout, which would fail every attempt before it starts.
    #[error("`{field}` must be longer than zero")]
    ZeroDuration {
        /// The setting.
        field: &'static str,
    },
}

/// Something that can be read as a duration: a humantime string (`"20m"`, `"1h 30m"`,
/// `"500ms"`) or a [`Duration`].
pub trait IntoDuration {
    /// Reads the duration; `field` names the setting in the error.
    fn into_duration(self, field: &'static str) -> Result<Duration, ConfigError>;
}

impl IntoDuration for Duration {
    fn into_duration(self, _: &'static str) -> Result<Duration, ConfigError> {
        Ok(self)
    }
}

impl IntoDuration for &str {
    fn into_duration(self, field: &'static str) -> Result<Duration, ConfigError> {
        humantime::parse_duration(self).map_err(|e| ConfigError::InvalidDuration {
            field,
            value: self.to_string(),
            reason: e.to_string(),
        })
    }
}

impl IntoDuration for String {
    fn into_duration(self, field: &'static str) -> Result<Duration, ConfigError> {
        self.as_str().into_duration(field)
    }
}

/// How a task runs: retries, timeout, caching and the other knobs of flytekit's
/// `TaskMetadata`.
///
/// Setters chain on a default value and never fail; a bad value (say a duration
/// humantime rejects) is kept and reported by [`TaskMetadata::validate`], which every
/// run calls before starting any node.
///
/// ```
/// use flyte_core::task::TaskMetadata;
/// let m = TaskMetadata::default().retries(10).timeout("20m");
/// assert_eq!(m.get_retries(), 10);
/// assert_eq!(m.get_timeout(), Some(std::time::Duration::from_secs(1200)));
/// assert!(m.validate().is_ok());
/// assert!(TaskMetadata::default().timeout("1H").validate().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskMetadata {
    retries: u32,
    timeout: Option<Duration>,
    cache: bool,
    cache_version: Option<String>,
    cache_serialize: bool,
    interruptible: Option<bool>,
    deprecated: Option<String>,
    requests: Resources,
    limits: Resources,
    env: Vec<(String, String)>,
    image: Option<String>,
    accelerator: Option<Accelerator>,
    shared_memory: Option<SharedMemory>,
    pod_template_name: Option<String>,
    errors: Vec<ConfigError>,
}

impl TaskMetadata {
    /// Metadata with no retries, no timeout and no cache; usable in `const`/`static`.
    pub const DEFAULT: TaskMetadata = TaskMetadata {
        retries: 0,
        timeout: None,
        cache: false,
        cache_version: None,
        cache_serialize: false,
        interruptible: None,
        deprecated: None,
        requests: Resources::new(),
        limits: Resources::new(),
        env: Vec::new(),
        image: None,
        accelerator: None,
        shared_memory: None,
        pod_template_name: None,
        errors: Vec::new(),
    };

    /// How many times a failed attempt is tried again (Flyte's `retries`: 3 means up
    /// to 4 attempts).
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// How long one attempt may run before it is cancelled and counted as failed.
    pub fn timeout(mut self, timeout: impl IntoDuration) -> Self {
        match timeout.into_duration("timeout") {
            Ok(d) if d.is_zero() => self
                .errors
                .push(ConfigError::ZeroDuration { field: "timeout" }),
            Ok(d) => self.timeout = Some(d),
            Err(e) => self.errors.push(e),
        }
        self
    }

    /// Whether outputs are cached by input values (needs [`TaskMetadata::cache_version`]).
    pub fn cache(mut self, cache: bool) -> Self {
        self.cache = cache;
        self
    }

    /// The cache version: bump it to invalidate earlier results.
    pub fn cache_version(mut self, version: impl Into<String>) -> Self {
        self.cache_version = Some(version.into());
        self
    }

    /// Whether concurrent runs with equal inputs wait for one another's result.
    pub fn cache_serialize(mut self, serialize: bool) -> Self {
        self.cache_serialize = serialize;
        self
    }

    /// Whether the task may run on interruptible (spot) machines on a cluster.
    pub fn interruptible(mut self, interruptible: bool) -> Self {
        self.interruptible = Some(interruptible);
        self
    }

    /// Marks the task deprecated; the message is logged each time it runs.
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecated = Some(message.into());
        self
    }

    /// Sets an environment variable for the task (flytekit's `environment`): written
    /// into its container, and seen locally through [`ExecutionContext::env`] (the
    /// process environment is left alone: tasks run in parallel in one process). A
    /// second value for the same name replaces the first.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        match self.env.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.env.push((name, value)),
        }
        self
    }

    /// The image the task's container runs: a reference (`"ghcr.io/acme/gpu:1.2"`,
    /// anything with a `/` or a `:`) or the name of an image given to `serialize` and
    /// `package` with `--image NAME=FQN:TAG` (flytekit's `container_image`). Unset, the
    /// default image.
    pub fn image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }

    /// The GPU the task's pod is scheduled with (flytekit's `accelerator`).
    pub fn accelerator(mut self, accelerator: Accelerator) -> Self {
        self.accelerator = Some(accelerator);
        self
    }

    /// Shared memory mounted at `/dev/shm` (flytekit's `shared_memory`).
    pub fn shared_memory(mut self, shared_memory: SharedMemory) -> Self {
        self.shared_memory = Some(shared_memory);
        self
    }

    /// The name of a PodTemplate in the cluster the task's pod is built from
    /// (flytekit's `pod_template_name`).
    pub fn pod_template_name(mut self, name: impl Into<String>) -> Self {
        self.pod_template_name = Some(name.into());
        self
    }

    /// What the task's container asks Kubernetes for (flytekit's `requests`). Not
    /// enforced in local runs.
    pub fn requests(mut self, resources: Resources) -> Self {
        self.requests = resources;
        self
    }

    /// What the task's container may not exceed (flytekit's `limits`). Not enforced
    /// in local runs.
    pub fn limits(mut self, resources: Resources) -> Self {
        self.limits = resources;
        self
    }

    /// The number of retries.
    pub fn get_retries(&self) -> u32 {
        self.retries
    }
    /// The per-attempt timeout, if any.
    pub fn get_timeout(&self) -> Option<Duration> {
        self.timeout
    }
    /// Whether caching is on.
    pub fn get_cache(&self) -> bool {
        self.cache
    }
    /// The cache version, if set.
    pub fn get_cache_version(&self) -> Option<&str> {
        self.cache_version.as_deref()
    }
    /// Whether cache access is serialized.
    pub fn get_cache_serialize(&self) -> bool {
        self.cache_serialize
    }
    /// The interruptible flag, if set.
    pub fn get_interruptible(&self) -> Option<bool> {
        self.interruptible
    }
    /// The deprecation message, if any.
    pub fn get_deprecated(&self) -> Option<&str> {
        self.deprecated.as_deref()
    }

    /// The environment variables set for the task, in the order given.
    pub fn get_env(&self) -> &[(String, String)] {
        &self.env
    }

    /// The task's own image or image name, if it has one.
    pub fn get_image(&self) -> Option<&str> {
        self.image.as_deref()
    }

    /// The GPU accelerator, if any.
    pub fn get_accelerator(&self) -> Option<&Accelerator> {
        self.accelerator.as_ref()
    }

    /// The shared memory, if any.
    pub fn get_shared_memory(&self) -> Option<&SharedMemory> {
        self.shared_memory.as_ref()
    }

    /// The PodTemplate name, if any.
    pub fn get_pod_template_name(&self) -> Option<&str> {
        self.pod_template_name.as_deref()
    }

    /// The resource requests.
    pub fn get_requests(&self) -> &Resources {
        &self.requests
    }

    /// The resource limits.
    pub fn get_limits(&self) -> &Resources {
        &self.limits
    }

    /// The first problem with these settings, if any.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(e) = self.errors.first() {
            return Err(e.clone());
        }
        if let Some(size) = self.shared_memory.as_ref().and_then(|s| s.get_size_limit())
            && !is_quantity(size)
        {
            return Err(ConfigError::InvalidQuantity {
                kind: "shared_memory",
                name: "size_limit",
                value: size.to_string(),
            });
        }
        for (kind, resources) in [("requests", &self.requests), ("limits", &self.limits)] {
            if let Some((name, value)) = resources.entries().find(|(_, v)| !is_quantity(v)) {
                return Err(ConfigError::InvalidQuantity {
                    kind,
                    name: name.name(),
                    value: value.to_string(),
                });
            }
        }
        if self.cache && self.cache_version.is_none() {
            return Err(ConfigError::CacheWithoutVersion);
        }
        Ok(())
    }
}

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
    #[error("task timed out after {}", humantime::format_duration(*.0))]
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
    pub fn failed(e: impl Into<BoxError>) -> Self {
        let e = e.into();
        match e.downcast::<NonRecoverable>() {
            Ok(marked) => TaskError::Permanent(marked.0),
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

/// An error a `#[task]` function returns for a failure that retrying cannot fix: the
/// attempt is not retried locally, and on a Flyte cluster its error document says
/// `NON_RECOVERABLE`. Every other error a task returns may be retried (within the
/// task's `retries`), locally and on the cluster alike.
///
/// ```
/// use flyte_core::task::NonRecoverable;
///
/// #[flyte_macros::task(crate = ::flyte_core, retries = 3)]
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
/// use flyte_core::prelude::*;
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
    label = "`config = ...` needs a value whose type implements `flyte::task::TaskConfig`",
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
    fn durations_parse_with_humantime_and_name_the_value() {
        assert_eq!(
            "20m".into_duration("timeout"),
            Ok(Duration::from_secs(1200))
        );
        let err = "1H".into_duration("timeout").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("invalid duration `1H` for `timeout`"),
            "{msg}"
        );
        assert!(msg.contains("\"20m\""), "{msg}");
    }

    #[test]
    fn metadata_keeps_the_first_error() {
        let m = TaskMetadata::default().timeout("soon").retries(2);
        assert_eq!(m.get_retries(), 2);
        assert!(matches!(
            m.validate(),
            Err(ConfigError::InvalidDuration { value, .. }) if value == "soon"
        ));
        assert_eq!(
            TaskMetadata::default().timeout("0s").validate(),
            Err(ConfigError::ZeroDuration { field: "timeout" })
        );
    }

    #[test]
    fn cache_needs_a_version() {
        assert!(TaskMetadata::default().cache(true).validate().is_err());
        assert!(
            TaskMetadata::default()
                .cache(true)
                .cache_version("1")
                .validate()
                .is_ok()
        );
    }

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
