//! The metadata of workflow nodes as flytekit writes it (names, retries, timeouts),
//! and the nodes calling registered entities by reference.

use super::core as pb;
use super::values::duration;

/// flytekit names a node after the last component of what it runs.
pub(super) fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// A node calling a registered task or launch plan by its own identifier, as
/// flytekit writes one: no overrides, named by the last part of the entity's name.
pub(super) fn reference_node(r: &crate::task::Reference) -> (pb::node::Target, pb::NodeMetadata) {
    use crate::task::ReferenceKind;
    let id = |kind: pb::ResourceType| pb::Identifier {
        resource_type: kind as i32,
        project: r.project.clone(),
        domain: r.domain.clone(),
        name: r.name.clone(),
        version: r.version.clone(),
    };
    let target = match r.kind {
        ReferenceKind::Task => pb::node::Target::TaskNode(pb::TaskNode {
            reference_id: Some(id(pb::ResourceType::Task)),
            overrides: None,
        }),
        ReferenceKind::LaunchPlan => pb::node::Target::WorkflowNode(pb::WorkflowNode {
            reference: Some(pb::workflow_node::Reference::LaunchplanRef(id(
                pb::ResourceType::LaunchPlan,
            ))),
        }),
    };
    (target, plain_metadata(r.short_name()))
}

pub(super) fn plain_metadata(name: &str) -> pb::NodeMetadata {
    pb::NodeMetadata {
        name: name.to_string(),
        timeout: None,
        retries: Some(pb::RetryStrategy { retries: 0 }),
        interruptible: None,
        cacheable: None,
        cache_version: None,
        cache_serializable: None,
    }
}

pub(super) fn task_node_metadata(task: &dyn crate::workflow::DynTask) -> pb::NodeMetadata {
    let meta = task.metadata();
    pb::NodeMetadata {
        name: short_name(task.name()).to_string(),
        timeout: meta.node.timeout.map(duration),
        retries: Some(pb::RetryStrategy {
            retries: meta.node.retries.unwrap_or(0),
        }),
        interruptible: None,
        cacheable: None,
        cache_version: None,
        cache_serializable: None,
    }
}
