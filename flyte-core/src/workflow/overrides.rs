//! Settings for one call of a task in a workflow body, flytekit's `with_overrides`:
//! `add_one(x).with_overrides(NodeOverrides::new().retries(2).timeout("5m"))`.
//!
//! The timeout, retries and cache apply in a local run as they do on a cluster; the
//! rest (resources, accelerator, shared memory, image, interruptible, names) shape the
//! node in the workflow's spec.

use crate::task::{ConfigError, NodeSettings, node_setters};

/// What one node changes of its task's settings. Setters chain and never fail; a bad
/// value is kept and reported when the workflow's graph is checked (before a run
/// starts any node, and by `serialize`). Read a setting as a field: the task's
/// settings it overrides are in [`node`](NodeOverrides::node), the same
/// [`NodeSettings`] a task's metadata holds.
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
/// assert_eq!(o.node.retries, Some(2));
/// assert_eq!(o.name.as_deref(), Some("custom-name"));
/// assert!(o.validate().is_ok());
/// assert!(NodeOverrides::new().timeout("soon").validate().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct NodeOverrides {
    /// The node's display name, if overridden.
    pub name: Option<String>,
    /// The node's id, if overridden (already DNS-safe).
    pub node_name: Option<String>,
    /// The task settings this node overrides.
    pub node: NodeSettings,
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

    node_setters!();

    /// Caches the node's outputs under `version` (flytekit's
    /// `with_overrides(cache=Cache(version=..))`).
    pub fn cache(mut self, version: impl Into<String>) -> Self {
        self.node.cache = Some(true);
        self.node.cache_version = Some(version.into());
        self
    }

    /// Turns the task's cache off for this node.
    pub fn no_cache(mut self) -> Self {
        self.node.cache = Some(false);
        self
    }

    /// The first problem with these overrides, if any.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(e) = self.errors.first() {
            return Err(e.clone());
        }
        self.node.check()
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
        use crate::task::TaskMetadata;
        let task = TaskMetadata::default().retries(1);
        assert_eq!(task.overlaid(&NodeOverrides::new().image("x:1").node), None);
        let m = task
            .overlaid(&NodeOverrides::new().retries(3).cache("2").node)
            .unwrap();
        assert_eq!(m.node.retries, Some(3));
        assert_eq!(m.node.cache, Some(true));
        assert_eq!(m.node.cache_version.as_deref(), Some("2"));
    }
}
