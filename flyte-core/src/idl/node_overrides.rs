//! A node's overrides (`.with_overrides(..)`) in its `NodeMetadata` and
//! `TaskNodeOverrides`, as flytekit's `with_overrides` writes them.

use super::core as pb;
use super::settings::SerializationSettings;
use super::task_template::{container, extended, resource_entries, resource_name};
use super::values::duration as duration_of;
use crate::task::{ResourceKind, Resources};
use crate::workflow::NodeOverrides;

/// Writes `o` into a task node's metadata and target.
pub(super) fn apply(
    task: &dyn crate::workflow::DynTask,
    o: &NodeOverrides,
    metadata: &mut pb::NodeMetadata,
    target: &mut pb::node::Target,
    settings: &SerializationSettings,
) {
    if let Some(name) = o.get_name() {
        metadata.name = name.to_string();
    }
    if let Some(t) = o.get_timeout() {
        metadata.timeout = Some(duration_of(t));
    }
    if let Some(r) = o.get_retries() {
        metadata.retries = Some(pb::RetryStrategy { retries: r });
    }
    metadata.interruptible = o.get_interruptible().or(metadata.interruptible);
    metadata.cacheable = o.get_cache();
    metadata.cache_version = o.get_cache_version().map(str::to_string);
    metadata.cache_serializable = o.get_cache_serialize();
    let pb::node::Target::TaskNode(task_node) = target else {
        return;
    };
    let (requests, limits) = (o.get_requests(), o.get_limits());
    let resources = (requests.entries().next().is_some() || limits.entries().next().is_some())
        .then(|| pb::Resources {
            requests: node_order(requests),
            limits: node_order(limits),
        });
    task_node.overrides = Some(pb::TaskNodeOverrides {
        resources,
        extended_resources: extended(o.get_accelerator(), o.get_shared_memory()),
        // An unknown image name (the CLI refuses it first) stays pyflyte's placeholder.
        container_image: match o.get_image() {
            None => String::new(),
            Some(image) => settings.image_for(Some(image)).map_or_else(
                |_| format!("{{{{.image.{image}.fqn}}}}:{{{{.image.{image}.version}}}}"),
                str::to_string,
            ),
        },
        pod_template: o.get_pod_template().map(|pod| {
            let mut k8s = super::k8s_pod::k8s_pod(pod, &container(task, settings));
            k8s.primary_container_name = pod.get_primary_container_name().to_string();
            Box::new(k8s)
        }),
    });
}

/// Resource entries in the order flytekit writes overrides: cpu, memory, gpu,
/// ephemeral storage (a task template's order differs).
fn node_order(resources: &Resources) -> Vec<pb::ResourceEntry> {
    let rank = |name: i32| {
        [
            ResourceKind::Cpu,
            ResourceKind::Mem,
            ResourceKind::Gpu,
            ResourceKind::EphemeralStorage,
        ]
        .iter()
        .position(|k| resource_name(*k) as i32 == name)
    };
    let mut entries = resource_entries(resources);
    entries.sort_by_key(|e| rank(e.name));
    entries
}
