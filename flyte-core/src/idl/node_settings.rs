//! A [`NodeSettings`] in Flyte's IDL, for a task template and for a node's overrides
//! alike: the same reading of timeout, retries, cache, interruptible, resources, image,
//! accelerator, shared memory and pod template, placed where each message wants it.

use super::core as pb;
use super::settings::SerializationSettings;
use super::values::duration;
use crate::task::{NodeSettings, ResourceKind, Resources};

/// The settings that go into a task's `TaskMetadata` or a node's `NodeMetadata`:
/// each `None` where the settings leave it unset.
pub(super) struct RunFields {
    pub(super) timeout: Option<prost_types::Duration>,
    pub(super) retries: Option<pb::RetryStrategy>,
    pub(super) interruptible: Option<bool>,
    pub(super) cacheable: Option<bool>,
    pub(super) cache_version: Option<String>,
    pub(super) cache_serializable: Option<bool>,
}

pub(super) fn run_fields(n: &NodeSettings) -> RunFields {
    RunFields {
        timeout: n.timeout.map(duration),
        retries: n.retries.map(|retries| pb::RetryStrategy { retries }),
        interruptible: n.interruptible,
        cacheable: n.cache,
        cache_version: n.cache_version.clone(),
        cache_serializable: n.cache_serialize,
    }
}

/// The image a container runs: `image` (a reference or an image name), or the
/// default image for `None`. An unknown name (the CLI refuses it first) stays
/// pyflyte's placeholder.
pub(super) fn image(image: Option<&str>, settings: &SerializationSettings) -> String {
    match settings.image_for(image) {
        Ok(image) => image.to_string(),
        Err(_) => {
            let name = image.unwrap_or_default();
            format!("{{{{.image.{name}.fqn}}}}:{{{{.image.{name}.version}}}}")
        }
    }
}

/// Which order resource entries are written in: flytekit writes a task's container
/// and a node's overrides differently.
#[derive(Clone, Copy)]
pub(super) enum ResourceOrder {
    /// Ephemeral storage, cpu, gpu, memory (`_get_container_definition`).
    Container,
    /// Cpu, memory, gpu, ephemeral storage (`with_overrides`).
    Overrides,
}

/// The requests and limits as `Resources`.
pub(super) fn resources(n: &NodeSettings, order: ResourceOrder) -> pb::Resources {
    pb::Resources {
        requests: resource_entries(&n.requests, order),
        limits: resource_entries(&n.limits, order),
    }
}

fn resource_entries(resources: &Resources, order: ResourceOrder) -> Vec<pb::ResourceEntry> {
    let mut entries: Vec<pb::ResourceEntry> = resources
        .entries()
        .map(|(kind, value)| pb::ResourceEntry {
            name: resource_name(kind) as i32,
            value: value.to_string(),
        })
        .collect();
    if let ResourceOrder::Overrides = order {
        let rank = [
            ResourceKind::Cpu,
            ResourceKind::Mem,
            ResourceKind::Gpu,
            ResourceKind::EphemeralStorage,
        ]
        .map(|k| resource_name(k) as i32);
        entries.sort_by_key(|e| rank.iter().position(|r| *r == e.name));
    }
    entries
}

/// Flyte's name for a resource.
fn resource_name(kind: ResourceKind) -> pb::ResourceName {
    match kind {
        ResourceKind::EphemeralStorage => pb::ResourceName::EphemeralStorage,
        ResourceKind::Cpu => pb::ResourceName::Cpu,
        ResourceKind::Gpu => pb::ResourceName::Gpu,
        ResourceKind::Mem => pb::ResourceName::Memory,
    }
}

/// The accelerator and shared memory as `ExtendedResources`, when either is set
/// (flytekit leaves the message out otherwise); shared memory is mounted where
/// flytekit mounts it.
pub(super) fn extended_resources(n: &NodeSettings) -> Option<pb::ExtendedResources> {
    use pb::gpu_accelerator::PartitionSizeValue;
    let gpu_accelerator = n.accelerator.as_ref().map(|a| pb::GpuAccelerator {
        device: a.device().to_string(),
        partition_size_value: match a.partition_size() {
            Some(size) => Some(PartitionSizeValue::PartitionSize(size.to_string())),
            None if a.is_unpartitioned() => Some(PartitionSizeValue::Unpartitioned(true)),
            None => None,
        },
    });
    let shared_memory = n.shared_memory.as_ref().map(|s| pb::SharedMemory {
        mount_path: "/dev/shm".to_string(),
        mount_name: "flyte-shared-memory".to_string(),
        size_limit: s.size_limit().unwrap_or_default().to_string(),
    });
    (gpu_accelerator.is_some() || shared_memory.is_some()).then_some(pb::ExtendedResources {
        gpu_accelerator,
        shared_memory,
    })
}
