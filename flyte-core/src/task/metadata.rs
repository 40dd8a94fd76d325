//! [`TaskMetadata`]: the settings of a task (retries, timeout, cache, resources,
//! environment, image, ...) and [`ConfigError`], what a bad one reports.

use std::time::Duration;

use super::pod_template::PodTemplate;
use super::reference::Reference;
use super::resources::{Accelerator, Resources, SharedMemory, is_quantity};
use super::secrets::Secret;

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
    /// A secret request without a group, with an empty key, or a whole group asked
    /// for as an env var.
    #[error("invalid secret `{name}`: {reason}")]
    InvalidSecret {
        /// The secret: `group/key`, or `group` for a whole group.
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// `cache_ignore_input` names something that is not an input of the task.
    #[error("`cache_ignore_input_vars` names `{name}`, which is not an input of the task (its inputs: {})", .inputs.join(", "))]
    UnknownCacheIgnoredInput {
        /// The name given.
        name: String,
        /// The task's inputs.
        inputs: Vec<String>,
    },
    /// Nodes of a workflow wait for each other in a circle (through `>>`, possibly
    /// lifted out of a `when` case), so none of them could ever start.
    #[error(
        "nodes {} wait for each other in a circle (through `>>` and the values they read), so none could start: drop one of the `>>`",
        .nodes.join(", ")
    )]
    OrderCycle {
        /// The ids of the nodes in or behind the circle.
        nodes: Vec<String>,
    },
    /// Two nodes of a workflow have the same id (a `node_name` override).
    #[error("two nodes of the workflow are called `{id}`: give each `node_name` a different name")]
    DuplicateNodeId {
        /// The id.
        id: String,
    },
    /// An inline pod template that cannot be used.
    #[error("invalid pod template: {reason}")]
    InvalidPodTemplate {
        /// What is wrong.
        reason: String,
    },
    /// A workflow's on-failure task takes an input it cannot be given.
    #[error("on-failure task `{task}`: input `{input}` {reason}")]
    BadFailureTask {
        /// The task.
        task: String,
        /// The input.
        input: String,
        /// What is wrong.
        reason: String,
    },
    /// A zero timeout, which would fail every attempt before it starts.
    #[error("`{field}` must be longer than zero")]
    ZeroDuration {
        /// The setting.
        field: &'static str,
    },
}

/// Checks what shapes a pod, for a task or one call of it: each amount a Kubernetes
/// quantity, and the pod template usable.
pub(crate) fn check_pod(
    requests: &Resources,
    limits: &Resources,
    shared_memory: Option<&SharedMemory>,
    pod_template: Option<&PodTemplate>,
) -> Result<(), ConfigError> {
    if let Some(size) = shared_memory.and_then(|s| s.get_size_limit())
        && !is_quantity(size)
    {
        return Err(ConfigError::InvalidQuantity {
            kind: "shared_memory",
            name: "size_limit",
            value: size.to_string(),
        });
    }
    for (kind, resources) in [("requests", requests), ("limits", limits)] {
        if let Some((name, value)) = resources.entries().find(|(_, v)| !is_quantity(v)) {
            return Err(ConfigError::InvalidQuantity {
                kind,
                name: name.name(),
                value: value.to_string(),
            });
        }
    }
    match pod_template.and_then(|p| p.check().err()) {
        Some(reason) => Err(ConfigError::InvalidPodTemplate { reason }),
        None => Ok(()),
    }
}

/// Sets `name` to `value`, keeping the position of a name already there.
fn upsert(pairs: &mut Vec<(String, String)>, name: String, value: String) {
    match pairs.iter_mut().find(|(n, _)| *n == name) {
        Some(pair) => pair.1 = value,
        None => pairs.push((name, value)),
    }
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
/// # extern crate flytekit_core as flytekit;
/// use flytekit::task::TaskMetadata;
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
    enable_deck: bool,
    deprecated: Option<String>,
    requests: Resources,
    limits: Resources,
    env: Vec<(String, String)>,
    image: Option<String>,
    accelerator: Option<Accelerator>,
    shared_memory: Option<SharedMemory>,
    pod_template_name: Option<String>,
    secrets: Vec<Secret>,
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
    cache_ignored_inputs: Vec<String>,
    pod_template: Option<PodTemplate>,
    reference: Option<Reference>,
    dynamic: Option<DynamicMode>,
    errors: Vec<ConfigError>,
}

/// How a `#[dynamic]` task runs on a Flyte cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DynamicMode {
    /// As flytekit's: the task's pod builds the graph and hands it to Flyte
    /// (`futures.pb`, a `DynamicJobSpec`); Flyte runs its nodes, each in its own pod.
    Futures,
    /// `#[dynamic(run_in_pod)]`: the task's pod runs the graph itself, as a local run
    /// does, and writes the outputs.
    InPod,
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
        enable_deck: false,
        deprecated: None,
        requests: Resources::new(),
        limits: Resources::new(),
        env: Vec::new(),
        image: None,
        accelerator: None,
        shared_memory: None,
        pod_template_name: None,
        secrets: Vec::new(),
        labels: Vec::new(),
        annotations: Vec::new(),
        cache_ignored_inputs: Vec::new(),
        pod_template: None,
        reference: None,
        dynamic: None,
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

    /// Whether the task's decks are written to `deck.html` when it runs on a cluster
    /// (flytekit's `enable_deck`; the template says it generates a deck). A local run
    /// shows decks in its report either way.
    pub fn enable_deck(mut self, enable: bool) -> Self {
        self.enable_deck = enable;
        self
    }

    /// Marks the task deprecated; the message is logged each time it runs.
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecated = Some(message.into());
        self
    }

    /// Sets an environment variable for the task (flytekit's `environment`): written
    /// into its container, and seen locally through [`ExecutionContext::env`](crate::task::ExecutionContext::env) (the
    /// process environment is left alone: tasks run in parallel in one process). A
    /// second value for the same name replaces the first.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        upsert(&mut self.env, name.into(), value.into());
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

    /// Asks Flyte to mount a secret for the task, read at run time with
    /// [`ExecutionContext::secret`](crate::task::ExecutionContext::secret). Repeatable.
    pub fn secret(mut self, secret: Secret) -> Self {
        self.secrets.push(secret);
        self
    }

    /// A Kubernetes label on the task's pod. Repeatable; a later value for the same
    /// name wins.
    pub fn label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        upsert(&mut self.labels, name.into(), value.into());
        self
    }

    /// A Kubernetes annotation on the task's pod. Repeatable; a later value for the
    /// same name wins.
    pub fn annotation(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        upsert(&mut self.annotations, name.into(), value.into());
        self
    }

    /// An input left out of the cache key (flytekit's `cache_ignore_input_vars`): runs
    /// that differ only in it share cached outputs, locally and on a cluster.
    /// Repeatable; the name must be one of the task's inputs.
    pub fn cache_ignore_input(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        if !self.cache_ignored_inputs.contains(&name) {
            self.cache_ignored_inputs.push(name);
        }
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
    /// See [`TaskMetadata::enable_deck`].
    pub fn get_enable_deck(&self) -> bool {
        self.enable_deck
    }
    /// Makes the task a reference to a registered task or launch plan
    /// (`#[reference_task]`, `#[reference_launch_plan]`): Flyte runs that entity,
    /// and a local run needs a mock for it.
    pub fn reference(mut self, reference: Reference) -> Self {
        self.reference = Some(reference);
        self
    }

    /// Marks the task as dynamic (`#[dynamic]` sets it), and how it runs on a cluster.
    pub fn dynamic(mut self, mode: DynamicMode) -> Self {
        self.dynamic = Some(mode);
        self
    }

    /// How the task runs on a cluster, if it is dynamic.
    pub fn get_dynamic(&self) -> Option<DynamicMode> {
        self.dynamic
    }

    /// The registered entity this task stands for, if it is a reference.
    pub fn get_reference(&self) -> Option<&Reference> {
        self.reference.as_ref()
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

    /// The pod the task runs in (see [`PodTemplate`]); the task's container becomes
    /// its primary container.
    pub fn pod_template(mut self, template: PodTemplate) -> Self {
        self.pod_template = Some(template);
        self
    }

    /// The inline pod template, if any.
    pub fn get_pod_template(&self) -> Option<&PodTemplate> {
        self.pod_template.as_ref()
    }

    /// The secrets the task asks for, in the order given.
    pub fn get_secrets(&self) -> &[Secret] {
        &self.secrets
    }

    /// The pod's labels, in the order given.
    pub fn get_labels(&self) -> &[(String, String)] {
        &self.labels
    }

    /// The pod's annotations, in the order given.
    pub fn get_annotations(&self) -> &[(String, String)] {
        &self.annotations
    }

    /// The inputs left out of the cache key.
    pub fn get_cache_ignored_inputs(&self) -> &[String] {
        &self.cache_ignored_inputs
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
        check_pod(
            &self.requests,
            &self.limits,
            self.shared_memory.as_ref(),
            self.pod_template.as_ref(),
        )?;
        if let Some(s) = self.secrets.iter().find(|s| s.problem().is_some()) {
            return Err(ConfigError::InvalidSecret {
                name: s.label(),
                reason: s.problem().unwrap_or_default(),
            });
        }
        if self.cache && self.cache_version.is_none() {
            return Err(ConfigError::CacheWithoutVersion);
        }
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
}
