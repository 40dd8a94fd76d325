//! [`NodeSettings`]: the settings a task gives every call of it and that one call may
//! override (flytekit's `with_overrides`), declared once for both.
//!
//! [`TaskMetadata`](super::TaskMetadata) holds one as `node`, next to the settings only
//! a task has (environment, secrets, labels, ...);
//! [`NodeOverrides`](crate::workflow::NodeOverrides) holds one as `node`, next to the
//! node's names. A node runs with its task's settings overlaid by its own
//! ([`NodeSettings::overlaid`]), and both are written into Flyte's IDL by the same
//! functions.

use std::time::Duration;

use super::config_error::ConfigError;
use super::pod_template::PodTemplate;
use super::resources::{Accelerator, Resources, SharedMemory, is_quantity};

/// What a call of a task may change of it: how an attempt runs (timeout, retries,
/// cache) and the pod it runs in (resources, image, accelerator, shared memory, pod
/// template, interruptible). `None`, or empty resources, is "not set here": a task
/// then has Flyte's default, a node its task's value.
///
/// Read a setting as a field (`metadata.node.retries`); set it with the builder method
/// of the same name on [`TaskMetadata`](super::TaskMetadata) or
/// [`NodeOverrides`](crate::workflow::NodeOverrides), which checks what it is given.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct NodeSettings {
    /// How long one attempt may run before it is cancelled and counted as failed.
    pub timeout: Option<Duration>,
    /// How many times a failed attempt is tried again (3: up to 4 attempts).
    pub retries: Option<u32>,
    /// Whether the pod may run on interruptible (spot) machines.
    pub interruptible: Option<bool>,
    /// Whether outputs are cached by input values.
    pub cache: Option<bool>,
    /// The cache version: bumping it invalidates earlier results.
    pub cache_version: Option<String>,
    /// Whether concurrent runs with equal inputs wait for one another's result.
    pub cache_serialize: Option<bool>,
    /// Inputs left out of the cache key (flytekit's `cache_ignore_input_vars`).
    pub cache_ignored_inputs: Option<Vec<String>>,
    /// What the container asks Kubernetes for.
    pub requests: Resources,
    /// What the container may not exceed.
    pub limits: Resources,
    /// The image: a reference, or an image name given to `--image NAME=..`.
    pub image: Option<String>,
    /// The GPU the pod is scheduled with.
    pub accelerator: Option<Accelerator>,
    /// Shared memory mounted at `/dev/shm`.
    pub shared_memory: Option<SharedMemory>,
    /// The pod the container runs in.
    pub pod_template: Option<PodTemplate>,
}

impl NodeSettings {
    /// Nothing set; usable in `const`/`static`.
    pub const NONE: NodeSettings = NodeSettings {
        timeout: None,
        retries: None,
        interruptible: None,
        cache: None,
        cache_version: None,
        cache_serialize: None,
        cache_ignored_inputs: None,
        requests: Resources::new(),
        limits: Resources::new(),
        image: None,
        accelerator: None,
        shared_memory: None,
        pod_template: None,
    };

    /// These settings with `over`'s wherever `over` sets one (resources as a whole);
    /// inputs left out of the cache key add up (a node may leave out more than its
    /// task, not put back what the task leaves out).
    pub fn overlaid(&self, over: &NodeSettings) -> NodeSettings {
        fn pick<T: Clone>(base: &Option<T>, over: &Option<T>) -> Option<T> {
            over.as_ref().or(base.as_ref()).cloned()
        }
        let resources = |base: &Resources, over: &Resources| match over.is_empty() {
            true => base.clone(),
            false => over.clone(),
        };
        NodeSettings {
            timeout: over.timeout.or(self.timeout),
            retries: over.retries.or(self.retries),
            interruptible: over.interruptible.or(self.interruptible),
            cache: over.cache.or(self.cache),
            cache_version: pick(&self.cache_version, &over.cache_version),
            cache_serialize: over.cache_serialize.or(self.cache_serialize),
            cache_ignored_inputs: ignored_union(
                &self.cache_ignored_inputs,
                &over.cache_ignored_inputs,
            ),
            requests: resources(&self.requests, &over.requests),
            limits: resources(&self.limits, &over.limits),
            image: pick(&self.image, &over.image),
            accelerator: pick(&self.accelerator, &over.accelerator),
            shared_memory: pick(&self.shared_memory, &over.shared_memory),
            pod_template: pick(&self.pod_template, &over.pod_template),
        }
    }

    /// Whether any setting that changes how an attempt runs here (timeout, retries,
    /// cache) is set; the others only shape the pod on a cluster.
    pub(crate) fn changes_local_runs(&self) -> bool {
        self.timeout.is_some()
            || self.retries.is_some()
            || self.cache.is_some()
            || self.cache_version.is_some()
            || self.cache_serialize.is_some()
            || self.cache_ignored_inputs.is_some()
    }

    /// Whether caching is on.
    pub(crate) fn caches(&self) -> bool {
        self.cache == Some(true)
    }

    /// The inputs left out of the cache key (none when unset).
    pub(crate) fn ignored_inputs(&self) -> &[String] {
        self.cache_ignored_inputs.as_deref().unwrap_or_default()
    }

    /// Checks the values the builders cannot refuse as they are set (fields may be
    /// set directly): a timeout longer than zero, each amount a Kubernetes quantity,
    /// and the pod template usable.
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        // The builder refuses a zero timeout; a field set directly is checked here.
        if self.timeout.is_some_and(|t| t.is_zero()) {
            return Err(ConfigError::ZeroDuration { field: "timeout" });
        }
        if let Some(size) = self.shared_memory.as_ref().and_then(|s| s.size_limit())
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
        match self.pod_template.as_ref().and_then(|p| p.check().err()) {
            Some(reason) => Err(ConfigError::InvalidPodTemplate { reason }),
            None => Ok(()),
        }
    }
}

/// The inputs both leave out of the cache key, the base's first.
fn ignored_union(base: &Option<Vec<String>>, over: &Option<Vec<String>>) -> Option<Vec<String>> {
    match (base, over) {
        (Some(base), Some(over)) => {
            let mut all = base.clone();
            all.extend(over.iter().filter(|n| !base.contains(n)).cloned());
            Some(all)
        }
        _ => over.as_ref().or(base.as_ref()).cloned(),
    }
}

/// Reads a duration setting into `slot`, or keeps the error for `validate`.
pub(crate) fn set_duration(
    slot: &mut Option<Duration>,
    errors: &mut Vec<ConfigError>,
    field: &'static str,
    value: impl super::IntoDuration,
) {
    match value.into_duration(field) {
        Ok(d) if d.is_zero() => errors.push(ConfigError::ZeroDuration { field }),
        Ok(d) => *slot = Some(d),
        Err(e) => errors.push(e),
    }
}

/// The builder methods of the [`NodeSettings`] both a task and a node set the same
/// way, written once for [`TaskMetadata`](super::TaskMetadata) and
/// [`NodeOverrides`](crate::workflow::NodeOverrides) (each has `node` and `errors`).
/// `cache` differs between them (a flag beside `cache_version` on a task, a version on
/// a node, as in flytekit), so each writes its own.
macro_rules! node_setters {
    () => {
        /// How long one attempt may run before it is cancelled and counted as failed:
        /// a humantime string (`"20m"`, `"1h 30m"`) or a `Duration`.
        pub fn timeout(mut self, timeout: impl $crate::task::IntoDuration) -> Self {
            $crate::task::node_settings::set_duration(
                &mut self.node.timeout,
                &mut self.errors,
                "timeout",
                timeout,
            );
            self
        }

        /// How many times a failed attempt is tried again (Flyte's `retries`: 3
        /// means up to 4 attempts).
        pub fn retries(mut self, retries: u32) -> Self {
            self.node.retries = Some(retries);
            self
        }

        /// Whether the pod may run on interruptible (spot) machines on a cluster.
        pub fn interruptible(mut self, interruptible: bool) -> Self {
            self.node.interruptible = Some(interruptible);
            self
        }

        /// Whether concurrent runs with equal inputs wait for one another's result
        /// (flytekit's `cache_serialize`).
        pub fn cache_serialize(mut self, serialize: bool) -> Self {
            self.node.cache_serialize = Some(serialize);
            self
        }

        /// An input left out of the cache key (flytekit's `cache_ignore_input_vars`):
        /// runs that differ only in it share cached outputs. Repeatable; the name
        /// must be one of the task's inputs.
        pub fn cache_ignore_input(mut self, name: impl Into<String>) -> Self {
            let name = name.into();
            let names = self.node.cache_ignored_inputs.get_or_insert_with(Vec::new);
            if !names.contains(&name) {
                names.push(name);
            }
            self
        }

        /// What the container asks Kubernetes for (flytekit's `requests`). Not
        /// enforced in local runs.
        pub fn requests(mut self, resources: $crate::task::Resources) -> Self {
            self.node.requests = resources;
            self
        }

        /// What the container may not exceed (flytekit's `limits`). Not enforced in
        /// local runs.
        pub fn limits(mut self, resources: $crate::task::Resources) -> Self {
            self.node.limits = resources;
            self
        }

        /// The image the container runs: a reference (`"ghcr.io/acme/gpu:1.2"`,
        /// anything with a `/` or a `:`) or the name of an image given to `serialize`
        /// and `package` with `--image NAME=FQN:TAG` (flytekit's `container_image`).
        pub fn image(mut self, image: impl Into<String>) -> Self {
            self.node.image = Some(image.into());
            self
        }

        /// The GPU the pod is scheduled with (flytekit's `accelerator`).
        pub fn accelerator(mut self, accelerator: $crate::task::Accelerator) -> Self {
            self.node.accelerator = Some(accelerator);
            self
        }

        /// Shared memory mounted at `/dev/shm` (flytekit's `shared_memory`).
        pub fn shared_memory(mut self, shared_memory: $crate::task::SharedMemory) -> Self {
            self.node.shared_memory = Some(shared_memory);
            self
        }

        /// The pod the container runs in (see
        /// [`PodTemplate`]($crate::task::PodTemplate)); the task's container becomes
        /// its primary container.
        pub fn pod_template(mut self, template: $crate::task::PodTemplate) -> Self {
            self.node.pod_template = Some(template);
            self
        }
    };
}
pub(crate) use node_setters;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlay_takes_what_it_sets_and_keeps_the_rest() {
        let task = NodeSettings {
            retries: Some(1),
            cache: Some(true),
            cache_version: Some("1".into()),
            requests: Resources::new().cpu("1"),
            ..NodeSettings::NONE
        };
        let node = NodeSettings {
            retries: Some(3),
            cache_ignored_inputs: Some(vec!["seed".into()]),
            ..NodeSettings::NONE
        };
        let run = task.overlaid(&node);
        assert_eq!(run.retries, Some(3));
        assert_eq!(run.cache_version.as_deref(), Some("1"));
        assert_eq!(run.ignored_inputs(), ["seed"]);
        assert_eq!(run.requests.cpu.as_deref(), Some("1"));
        assert!(node.changes_local_runs());
        let pod_only = NodeSettings {
            image: Some("x:1".into()),
            ..NodeSettings::NONE
        };
        assert!(!pod_only.changes_local_runs());
    }

    #[test]
    fn a_node_leaves_out_more_inputs_never_fewer() {
        let task = NodeSettings {
            cache_ignored_inputs: Some(vec!["log_level".into()]),
            ..NodeSettings::NONE
        };
        let node = NodeSettings {
            cache_ignored_inputs: Some(vec!["seed".into(), "log_level".into()]),
            ..NodeSettings::NONE
        };
        assert_eq!(task.overlaid(&node).ignored_inputs(), ["log_level", "seed"]);
        assert_eq!(
            task.overlaid(&NodeSettings::NONE).ignored_inputs(),
            ["log_level"]
        );
    }

    #[test]
    fn a_zero_timeout_set_as_a_field_is_refused() {
        let zero = NodeSettings {
            timeout: Some(Duration::ZERO),
            ..NodeSettings::NONE
        };
        assert_eq!(
            zero.check(),
            Err(ConfigError::ZeroDuration { field: "timeout" })
        );
    }
}
