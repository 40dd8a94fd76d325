//! Tasks as Flyte's `TaskTemplate`: metadata, the container that runs a task through
//! our entrypoint (or the pod, with a pod template), secrets and extended resources,
//! as flytekit writes them.

use std::collections::BTreeMap;

use super::core as pb;
use super::settings::{SerializationSettings, execute_args, identifier};
use super::values::{duration, interface, json_struct};
use crate::task::{ResourceKind, Resources};

/// A task as Flyte's `TaskTemplate`. Every task, struct tasks included, gets a
/// container that runs it through our entrypoint.
pub fn task_template(
    task: &dyn crate::workflow::DynTask,
    settings: &SerializationSettings,
) -> pb::TaskTemplate {
    let meta = task.metadata();
    let mut template = pb::TaskTemplate {
        id: Some(identifier(pb::ResourceType::Task, task.name(), settings)),
        r#type: task.task_type().to_string(),
        metadata: Some(pb::TaskMetadata {
            discoverable: meta.get_cache(),
            runtime: Some(pb::RuntimeMetadata {
                r#type: pb::RuntimeType::FlyteSdk as i32,
                version: env!("CARGO_PKG_VERSION").to_string(),
                flavor: "rust".to_string(),
            }),
            timeout: meta.get_timeout().map(duration),
            retries: Some(pb::RetryStrategy {
                retries: meta.get_retries(),
            }),
            discovery_version: meta.get_cache_version().unwrap_or_default().to_string(),
            deprecated_error_message: meta.get_deprecated().unwrap_or_default().to_string(),
            interruptible_value: meta
                .get_interruptible()
                .map(pb::task_metadata::InterruptibleValue::Interruptible),
            cache_serializable: meta.get_cache_serialize(),
            pod_template_name: meta.get_pod_template_name().unwrap_or_default().to_string(),
            cache_ignore_input_vars: meta.get_cache_ignored_inputs().to_vec(),
            generates_deck: Some(meta.get_enable_deck()),
            metadata: Some(pb::K8sObjectMetadata {
                labels: meta.get_labels().iter().cloned().collect(),
                annotations: meta.get_annotations().iter().cloned().collect(),
            }),
        }),
        interface: Some(interface(&task.interface())),
        custom: task.custom().as_ref().and_then(json_struct),
        container: None,
        security_context: security_context(meta),
        extended_resources: extended_resources(meta),
        config: BTreeMap::new(),
        k8s_pod: None,
    };
    let container = container(task, settings);
    match meta.get_pod_template() {
        // A pod template's primary container carries what `container` would.
        Some(pod) => {
            template.k8s_pod = Some(super::k8s_pod::k8s_pod(pod, &container));
            template.config.insert(
                "primary_container_name".to_string(),
                pod.get_primary_container_name().to_string(),
            );
        }
        None => template.container = Some(container),
    }
    template
}

/// The container that runs `task` through our entrypoint.
pub(super) fn container(
    task: &dyn crate::workflow::DynTask,
    settings: &SerializationSettings,
) -> pb::Container {
    let meta = task.metadata();
    pb::Container {
        // An unknown name (the CLI refuses it first) stays pyflyte's placeholder.
        image: match settings.image_for(meta.get_image()) {
            Ok(image) => image.to_string(),
            Err(_) => {
                let name = meta.get_image().unwrap_or_default();
                format!("{{{{.image.{name}.fqn}}}}:{{{{.image.{name}.version}}}}")
            }
        },
        command: Vec::new(),
        args: execute_args(settings, task.name()),
        resources: Some(pb::Resources {
            requests: resource_entries(meta.get_requests()),
            limits: resource_entries(meta.get_limits()),
        }),
        env: meta
            .get_env()
            .iter()
            .map(|(key, value)| pb::KeyValuePair {
                key: key.clone(),
                value: value.clone(),
            })
            .chain(dynamic_settings(meta, settings))
            .collect(),
    }
}

/// A dynamic task that hands its graph to Flyte carries the settings to write that
/// graph's task templates with, as flytekit's do.
fn dynamic_settings(
    meta: &crate::task::TaskMetadata,
    settings: &SerializationSettings,
) -> Option<pb::KeyValuePair> {
    (meta.get_dynamic() == Some(crate::task::DynamicMode::Futures)).then(|| pb::KeyValuePair {
        key: super::settings::SETTINGS_ENV.to_string(),
        value: super::settings::settings_env_value(settings),
    })
}

/// The secrets the task asks for, in its order (flytekit leaves the message out when
/// there are none).
fn security_context(meta: &crate::task::TaskMetadata) -> Option<pb::SecurityContext> {
    use crate::task::SecretMount;
    let secrets: Vec<pb::Secret> = meta
        .get_secrets()
        .iter()
        .map(|s| pb::Secret {
            group: s.get_group().to_string(),
            group_version: s.get_version().unwrap_or_default().to_string(),
            key: s.get_key().unwrap_or_default().to_string(),
            mount_requirement: match s.get_mount() {
                SecretMount::Any => pb::SecretMountType::Any,
                SecretMount::EnvVar => pb::SecretMountType::EnvVar,
                SecretMount::File => pb::SecretMountType::File,
            } as i32,
            env_var: s.get_env_var().unwrap_or_default().to_string(),
        })
        .collect();
    (!secrets.is_empty()).then_some(pb::SecurityContext {
        run_as: None,
        secrets,
    })
}

/// The accelerator and shared memory, when the task asks for either (flytekit leaves
/// the message out otherwise); shared memory is mounted where flytekit mounts it.
fn extended_resources(meta: &crate::task::TaskMetadata) -> Option<pb::ExtendedResources> {
    extended(meta.get_accelerator(), meta.get_shared_memory())
}

/// An accelerator and shared memory as `ExtendedResources`; `None` for neither.
pub(super) fn extended(
    accelerator: Option<&crate::task::Accelerator>,
    shared_memory: Option<&crate::task::SharedMemory>,
) -> Option<pb::ExtendedResources> {
    use pb::gpu_accelerator::PartitionSizeValue;
    let gpu_accelerator = accelerator.map(|a| pb::GpuAccelerator {
        device: a.get_device().to_string(),
        partition_size_value: match a.get_partition() {
            Some(size) => Some(PartitionSizeValue::PartitionSize(size.to_string())),
            None if a.is_unpartitioned() => Some(PartitionSizeValue::Unpartitioned(true)),
            None => None,
        },
    });
    let shared_memory = shared_memory.map(|s| pb::SharedMemory {
        mount_path: "/dev/shm".to_string(),
        mount_name: "flyte-shared-memory".to_string(),
        size_limit: s.get_size_limit().unwrap_or_default().to_string(),
    });
    (gpu_accelerator.is_some() || shared_memory.is_some()).then_some(pb::ExtendedResources {
        gpu_accelerator,
        shared_memory,
    })
}

/// The amounts that are set, in flytekit's order (ephemeral storage, cpu, gpu, memory).
pub(super) fn resource_entries(resources: &Resources) -> Vec<pb::ResourceEntry> {
    resources
        .entries()
        .map(|(kind, value)| pb::ResourceEntry {
            name: resource_name(kind) as i32,
            value: value.to_string(),
        })
        .collect()
}

/// Flyte's name for a resource.
pub(super) fn resource_name(kind: ResourceKind) -> pb::ResourceName {
    match kind {
        ResourceKind::EphemeralStorage => pb::ResourceName::EphemeralStorage,
        ResourceKind::Cpu => pb::ResourceName::Cpu,
        ResourceKind::Gpu => pb::ResourceName::Gpu,
        ResourceKind::Mem => pb::ResourceName::Memory,
    }
}
