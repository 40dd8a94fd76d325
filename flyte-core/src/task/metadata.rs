//! [`TaskMetadata`]: the settings of a task (retries, timeout, cache, resources,
//! environment, image, ...).

use super::config_error::ConfigError;
use super::container::ContainerSpec;
use super::node_settings::{NodeSettings, node_setters};
use super::reference::Reference;
use super::secrets::Secret;

/// Sets `name` to `value`, keeping the position of a name already there.
fn upsert(pairs: &mut Vec<(String, String)>, name: String, value: String) {
    match pairs.iter_mut().find(|(n, _)| *n == name) {
        Some(pair) => pair.1 = value,
        None => pairs.push((name, value)),
    }
}

/// How a task runs: retries, timeout, caching and the other knobs of flytekit's
/// `TaskMetadata`.
///
/// Setters chain on a default value and never fail; a bad value (say a duration
/// humantime rejects) is kept and reported by [`TaskMetadata::validate`], which every
/// run calls before starting any node. Read a setting as a field: the ones a call of
/// the task may override are in [`node`](TaskMetadata::node), the others beside it.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit_core::task::TaskMetadata;
/// let m = TaskMetadata::default().retries(10).timeout("20m").env("MODE", "fast");
/// assert_eq!(m.node.retries, Some(10));
/// assert_eq!(m.node.timeout, Some(std::time::Duration::from_secs(1200)));
/// assert_eq!(m.env, [("MODE".to_string(), "fast".to_string())]);
/// assert!(m.validate().is_ok());
/// assert!(TaskMetadata::default().timeout("1H").validate().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct TaskMetadata {
    /// The settings a call of the task may override (timeout, retries, cache,
    /// resources, image, ...).
    pub node: NodeSettings,
    /// Whether the task's decks are written to `deck.html` on a cluster.
    pub enable_deck: bool,
    /// The deprecation message, logged each time the task runs.
    pub deprecated: Option<String>,
    /// Environment variables for the task, in the order given.
    pub env: Vec<(String, String)>,
    /// The name of a PodTemplate in the cluster the pod is built from.
    pub pod_template_name: Option<String>,
    /// The secrets the task asks for, in the order given.
    pub secrets: Vec<Secret>,
    /// The pod's Kubernetes labels, in the order given.
    pub labels: Vec<(String, String)>,
    /// The pod's Kubernetes annotations, in the order given.
    pub annotations: Vec<(String, String)>,
    /// The registered entity the task stands for, if it is a reference.
    pub reference: Option<Reference>,
    /// How the task runs on a cluster, if it is dynamic.
    pub dynamic: Option<DynamicMode>,
    /// Whether each file, directory and dataframe the task returns gets a content
    /// hash (`#[task(hash_outputs)]`); unset is off.
    pub hash_outputs: Option<bool>,
    /// What the task runs instead of a body, if it is a container task
    /// (`#[container_task]`, flytekit's `ContainerTask`).
    pub container: Option<ContainerSpec>,
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
        node: NodeSettings::NONE,
        enable_deck: false,
        deprecated: None,
        env: Vec::new(),
        pod_template_name: None,
        secrets: Vec::new(),
        labels: Vec::new(),
        annotations: Vec::new(),
        reference: None,
        dynamic: None,
        hash_outputs: None,
        container: None,
        errors: Vec::new(),
    };

    node_setters!();

    /// Whether outputs are cached by input values (needs [`TaskMetadata::cache_version`]).
    pub fn cache(mut self, cache: bool) -> Self {
        self.node.cache = Some(cache);
        self
    }

    /// The cache version: bump it to invalidate earlier results.
    pub fn cache_version(mut self, version: impl Into<String>) -> Self {
        self.node.cache_version = Some(version.into());
        self
    }

    /// Whether the task's decks are written to `deck.html` when it runs on a cluster
    /// (flytekit's `enable_deck`; the template says it generates a deck). A local run
    /// shows decks in its report either way.
    pub fn enable_deck(mut self, enable: bool) -> Self {
        self.enable_deck = enable;
        self
    }

    /// Gives each file, directory and dataframe the task returns a content hash
    /// (Flyte's `Literal.hash`, as flytekit's `HashMethod` writes it), computed from
    /// its bytes when the task finishes, unless the value has one already. A cached
    /// task downstream then keys on the bytes, locally and in Flyte's catalog: the
    /// same bytes at another location are a hit. Off by default, as in flytekit:
    /// hashing reads every byte (a second read of a file uploaded from this
    /// machine, a download of one the task left in an object store), and an output
    /// without a hash is what flytekit writes for the same Python task. One value
    /// asks for it with `with_content_hash()`.
    pub fn hash_outputs(mut self, on: bool) -> Self {
        self.hash_outputs = Some(on);
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

    /// Makes the task a reference to a registered task or launch plan
    /// (`#[reference_task]`, `#[reference_launch_plan]`): Flyte runs that entity,
    /// and a local run needs a mock for it.
    pub fn reference(mut self, reference: Reference) -> Self {
        self.reference = Some(reference);
        self
    }

    /// Makes the task a container task: Flyte runs `spec`'s command in the task's
    /// image (Flyte's `raw-container` type), and a local run runs it with podman,
    /// docker or as a local process (`#[container_task]` sets it).
    pub fn container(mut self, spec: ContainerSpec) -> Self {
        self.container = Some(spec);
        self
    }

    /// Marks the task as dynamic (`#[dynamic]` sets it), and how it runs on a cluster.
    pub fn dynamic(mut self, mode: DynamicMode) -> Self {
        self.dynamic = Some(mode);
        self
    }

    /// These settings as a call of the task runs them, with the call's own
    /// settings overlaid; `None` when the call sets nothing a local run sees.
    pub(crate) fn overlaid(&self, node: &NodeSettings) -> Option<TaskMetadata> {
        node.changes_local_runs().then(|| TaskMetadata {
            node: self.node.overlaid(node),
            ..self.clone()
        })
    }

    /// `own` settings over `shared` ones (`#[task(settings = etl)]`, flytekit's
    /// `Environment`): each setting the task gives wins; environment variables,
    /// labels and annotations are the shared ones with the task's added (a name given
    /// twice takes the task's value); secrets are both lists, a secret in both once;
    /// `enable_deck` is on if either turns it on (a task cannot turn it off).
    ///
    /// ```
    /// use flytekit_core::task::TaskMetadata;
    ///
    /// let shared = TaskMetadata::default().retries(3).env("REGION", "eu").image("etl");
    /// let own = TaskMetadata::default().retries(5).env("MODE", "fast");
    /// let m = TaskMetadata::under(own, shared);
    /// assert_eq!(m.node.retries, Some(5));
    /// assert_eq!(m.node.image.as_deref(), Some("etl"));
    /// assert_eq!(m.env, [("REGION".into(), "eu".into()), ("MODE".into(), "fast".into())]);
    /// ```
    pub fn under(own: TaskMetadata, shared: TaskMetadata) -> TaskMetadata {
        fn merged(
            shared: Vec<(String, String)>,
            own: Vec<(String, String)>,
        ) -> Vec<(String, String)> {
            let mut out: Vec<(String, String)> = shared
                .into_iter()
                .filter(|(k, _)| !own.iter().any(|(o, _)| o == k))
                .collect();
            out.extend(own);
            out
        }
        let mut errors = shared.errors;
        errors.extend(own.errors);
        let mut secrets: Vec<Secret> = shared
            .secrets
            .into_iter()
            .filter(|s| !own.secrets.contains(s))
            .collect();
        secrets.extend(own.secrets);
        TaskMetadata {
            node: shared.node.overlaid(&own.node),
            enable_deck: own.enable_deck || shared.enable_deck,
            deprecated: own.deprecated.or(shared.deprecated),
            env: merged(shared.env, own.env),
            pod_template_name: own.pod_template_name.or(shared.pod_template_name),
            secrets,
            labels: merged(shared.labels, own.labels),
            annotations: merged(shared.annotations, own.annotations),
            reference: own.reference.or(shared.reference),
            dynamic: own.dynamic.or(shared.dynamic),
            hash_outputs: own.hash_outputs.or(shared.hash_outputs),
            container: own.container.or(shared.container),
            errors,
        }
    }

    /// The first problem with these settings, if any.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(e) = self.errors.first() {
            return Err(e.clone());
        }
        self.node.check()?;
        if let Some(s) = self.secrets.iter().find(|s| s.problem().is_some()) {
            return Err(ConfigError::InvalidSecret {
                name: s.label(),
                reason: s.problem().unwrap_or_default(),
            });
        }
        if self.node.caches() && self.node.cache_version.is_none() {
            return Err(ConfigError::CacheWithoutVersion);
        }
        if !self.node.caches()
            && let Some(name) = self.node.ignored_inputs().first()
        {
            return Err(ConfigError::IgnoredInputWithoutCache {
                name: name.to_string(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_keeps_the_first_error() {
        let m = TaskMetadata::default().timeout("soon").retries(2);
        assert_eq!(m.node.retries, Some(2));
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
