//! Settings for one call of a task in a workflow body, flytekit's `with_overrides`:
//! `add_one(x).with_overrides(NodeOverrides::new().retries(2).timeout("5m"))`.
//!
//! The timeout, retries and cache apply in a local run as they do on a cluster; the
//! rest (resources, accelerator, shared memory, image, interruptible, names) shape the
//! node in the workflow's spec.

use std::time::Duration;

use crate::task::{
    Accelerator, ConfigError, IntoDuration, PodTemplate, Resources, SharedMemory, TaskMetadata,
};

/// What one node changes of its task's settings. Setters chain and never fail; a bad
/// value is kept and reported when the workflow's graph is checked (before a run
/// starts any node, and by `serialize`).
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::workflow::NodeOverrides;
/// use flytekit::task::Resources;
/// let o = NodeOverrides::new()
///     .requests(Resources::new().cpu("2").mem("1Gi"))
///     .retries(2)
///     .timeout("5m")
///     .name("custom-name");
/// assert!(o.validate().is_ok());
/// assert!(NodeOverrides::new().timeout("soon").validate().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeOverrides {
    name: Option<String>,
    node_name: Option<String>,
    timeout: Option<Duration>,
    retries: Option<u32>,
    interruptible: Option<bool>,
    cache: Option<bool>,
    cache_version: Option<String>,
    cache_serialize: Option<bool>,
    requests: Resources,
    limits: Resources,
    image: Option<String>,
    accelerator: Option<Accelerator>,
    shared_memory: Option<SharedMemory>,
    pod_template: Option<PodTemplate>,
    errors: Vec<ConfigError>,
}

impl NodeOverrides {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The node's display name (flytekit's `name`); its id stays `n0`, `n1`, ...
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The node's id instead of `n0`, `n1`, ... (flytekit's `node_name`), made
    /// DNS-safe as flytekit does (`Second_Node` is `second-node`).
    pub fn node_name(mut self, name: impl Into<String>) -> Self {
        self.node_name = Some(dnsify(&name.into()));
        self
    }

    /// The timeout of each attempt.
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

    /// How many times a failed attempt is tried again.
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = Some(retries);
        self
    }

    /// Whether the node may run on interruptible machines.
    pub fn interruptible(mut self, interruptible: bool) -> Self {
        self.interruptible = Some(interruptible);
        self
    }

    /// Caches the node's outputs under `version` (or, with `false`, turns the task's
    /// cache off for this node).
    pub fn cache(mut self, version: impl Into<String>) -> Self {
        self.cache = Some(true);
        self.cache_version = Some(version.into());
        self
    }

    /// Turns the task's cache off for this node.
    pub fn no_cache(mut self) -> Self {
        self.cache = Some(false);
        self
    }

    /// Whether equal concurrent calls run once (`cache_serialize`).
    pub fn cache_serialize(mut self, serialize: bool) -> Self {
        self.cache_serialize = Some(serialize);
        self
    }

    /// Resource requests for this node's container.
    pub fn requests(mut self, resources: Resources) -> Self {
        self.requests = resources;
        self
    }

    /// Resource limits for this node's container.
    pub fn limits(mut self, resources: Resources) -> Self {
        self.limits = resources;
        self
    }

    /// The image this node runs in: a reference or an image name (`--image NAME=..`).
    pub fn image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }

    /// A GPU accelerator for this node.
    pub fn accelerator(mut self, accelerator: Accelerator) -> Self {
        self.accelerator = Some(accelerator);
        self
    }

    /// Shared memory for this node.
    pub fn shared_memory(mut self, shared_memory: SharedMemory) -> Self {
        self.shared_memory = Some(shared_memory);
        self
    }

    /// The pod this node runs in (see [`PodTemplate`]).
    pub fn pod_template(mut self, template: PodTemplate) -> Self {
        self.pod_template = Some(template);
        self
    }

    /// The pod template, if overridden.
    pub fn get_pod_template(&self) -> Option<&PodTemplate> {
        self.pod_template.as_ref()
    }

    /// The display name, if overridden.
    pub fn get_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The node id, if overridden (already DNS-safe).
    pub fn get_node_name(&self) -> Option<&str> {
        self.node_name.as_deref()
    }

    /// The timeout, if overridden.
    pub fn get_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The retries, if overridden.
    pub fn get_retries(&self) -> Option<u32> {
        self.retries
    }

    /// Interruptible, if overridden.
    pub fn get_interruptible(&self) -> Option<bool> {
        self.interruptible
    }

    /// Whether the node caches, if overridden.
    pub fn get_cache(&self) -> Option<bool> {
        self.cache
    }

    /// The cache version, if overridden.
    pub fn get_cache_version(&self) -> Option<&str> {
        self.cache_version.as_deref()
    }

    /// Cache serialization, if overridden.
    pub fn get_cache_serialize(&self) -> Option<bool> {
        self.cache_serialize
    }

    /// The requests (empty when not overridden).
    pub fn get_requests(&self) -> &Resources {
        &self.requests
    }

    /// The limits (empty when not overridden).
    pub fn get_limits(&self) -> &Resources {
        &self.limits
    }

    /// The image, if overridden.
    pub fn get_image(&self) -> Option<&str> {
        self.image.as_deref()
    }

    /// The accelerator, if overridden.
    pub fn get_accelerator(&self) -> Option<&Accelerator> {
        self.accelerator.as_ref()
    }

    /// The shared memory, if overridden.
    pub fn get_shared_memory(&self) -> Option<&SharedMemory> {
        self.shared_memory.as_ref()
    }

    /// The first problem with these overrides, if any.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(e) = self.errors.first() {
            return Err(e.clone());
        }
        crate::task::check_pod(
            &self.requests,
            &self.limits,
            self.shared_memory.as_ref(),
            self.pod_template.as_ref(),
        )
    }

    /// The task's settings as this node runs them: timeout, retries and cache
    /// replaced where overridden; `None` when none of those is.
    pub(crate) fn applied_to(&self, task: &TaskMetadata) -> Option<TaskMetadata> {
        if self.timeout.is_none()
            && self.retries.is_none()
            && self.cache.is_none()
            && self.cache_serialize.is_none()
        {
            return None;
        }
        let mut m = task.clone();
        if let Some(t) = self.timeout {
            m = m.timeout(t);
        }
        if let Some(r) = self.retries {
            m = m.retries(r);
        }
        if let Some(c) = self.cache {
            m = m.cache(c);
        }
        if let Some(v) = &self.cache_version {
            m = m.cache_version(v.clone());
        }
        if let Some(s) = self.cache_serialize {
            m = m.cache_serialize(s);
        }
        Some(m)
    }
}

/// flytekit's node-name DNS-ification (`_dnsify`): `_`, `-` and `.` become `-`, an
/// upper-case letter becomes `-` and its lower case, other symbols are dropped; a
/// name of 63 characters or more keeps its end behind a hash of the whole.
fn dnsify(value: &str) -> String {
    use sha2::Digest;
    const MAX: usize = 63;
    const HASH_LEN: usize = 10;
    let chars: Vec<char> = value.chars().collect();
    let value = if chars.len() >= MAX {
        let hash = sha2::Sha224::digest(value.as_bytes());
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        let tail: String = chars[chars.len() - (MAX - HASH_LEN - 1)..].iter().collect();
        format!("{}-{tail}", &hex[..HASH_LEN])
    } else {
        value.to_string()
    };
    let mut res = String::new();
    for ch in value.chars() {
        if matches!(ch, '_' | '-' | '.') {
            if !res.is_empty() && res.len() < 62 {
                res.push('-');
            }
        } else if !ch.is_alphanumeric() {
            // Dropped.
        } else if ch.is_lowercase() || ch.is_numeric() {
            res.push(ch);
        } else {
            if !res.is_empty() && !res.ends_with('-') && res.len() < 62 {
                res.push('-');
            }
            res.extend(ch.to_lowercase());
        }
    }
    if res.ends_with('-') {
        res.pop();
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_names_are_made_dns_safe() {
        assert_eq!(dnsify("Second_Node"), "second-node");
        assert_eq!(dnsify("trainModel"), "train-model");
        assert_eq!(dnsify("_a.b c!"), "a-bc");
        let long = dnsify(&"x".repeat(70));
        assert_eq!(long.len(), 63);
    }

    #[test]
    fn only_local_settings_make_new_task_metadata() {
        let task = TaskMetadata::default().retries(1);
        assert_eq!(NodeOverrides::new().image("x:1").applied_to(&task), None);
        let m = NodeOverrides::new()
            .retries(3)
            .cache("2")
            .applied_to(&task)
            .unwrap();
        assert_eq!(m.get_retries(), 3);
        assert!(m.get_cache());
        assert_eq!(m.get_cache_version(), Some("2"));
    }
}
