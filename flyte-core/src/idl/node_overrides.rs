//! A node's overrides (`.with_overrides(..)`) in its `NodeMetadata` and
//! `TaskNodeOverrides`, as flytekit's `with_overrides` writes them.

use super::core as pb;
use super::errors::IdlError;
use super::node_settings::{ResourceOrder, extended_resources, image, resources, run_fields};
use super::settings::SerializationSettings;
use crate::workflow::NodeOverrides;

/// Writes `o` into a task node's metadata and target.
pub(super) fn apply(
    task: &dyn crate::workflow::DynTask,
    node_id: &str,
    o: &NodeOverrides,
    metadata: &mut pb::NodeMetadata,
    target: &mut pb::node::Target,
    settings: &SerializationSettings,
) -> Result<(), IdlError> {
    let n = &o.node;
    if !n.ignored_inputs().is_empty() {
        return Err(IdlError {
            what: "a node",
            reason: format!(
                "node `{node_id}` sets `cache_ignore_input` for `{}`: Flyte's node metadata has no field for it (flytekit's `with_overrides` drops it too), so a cluster would key the cache on every input; set it on the task (`#[task(cache_ignore_input_vars = [..])]`), or keep it to local runs",
                task.name()
            ),
        });
    }
    if let Some(name) = &o.name {
        metadata.name = name.clone();
    }
    let run = run_fields(n);
    metadata.timeout = run.timeout.or(metadata.timeout.take());
    metadata.retries = run.retries.or(metadata.retries.take());
    metadata.interruptible = run.interruptible.or(metadata.interruptible);
    metadata.cacheable = run.cacheable;
    metadata.cache_version = run.cache_version;
    metadata.cache_serializable = run.cache_serializable;
    let pb::node::Target::TaskNode(task_node) = target else {
        return Ok(());
    };
    task_node.overrides = Some(pb::TaskNodeOverrides {
        resources: (!n.requests.is_empty() || !n.limits.is_empty())
            .then(|| resources(n, ResourceOrder::Overrides)),
        extended_resources: extended_resources(n),
        container_image: match &n.image {
            None => String::new(),
            Some(name) => image(Some(name), settings),
        },
        pod_template: n.pod_template.as_ref().map(|pod| {
            let mut k8s =
                super::k8s_pod::k8s_pod(pod, &super::task_template::container(task, settings));
            k8s.primary_container_name = pod.primary_container_name.clone();
            Box::new(k8s)
        }),
    });
    Ok(())
}
