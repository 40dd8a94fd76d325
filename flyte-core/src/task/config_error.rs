//! [`ConfigError`], what a task or node setting that cannot be accepted reports, and
//! [`IntoDuration`], how duration settings are read (below the settings themselves).

use std::time::Duration;

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
    /// Inputs left out of a cache key, without a cache (shared settings that turn
    /// the cache on were expected, and do not).
    #[error(
        "the input `{name}` is left out of the cache key, but the task has no cache: turn it on with `cache` (and a `cache_version`)"
    )]
    IgnoredInputWithoutCache {
        /// The first such input.
        name: String,
    },
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
}
