//! Tasks as Flyte's `TaskTemplate`: metadata, the container that runs a task through
//! our entrypoint (or the pod, with a pod template), secrets and extended resources,
//! as flytekit writes them.

use std::collections::BTreeMap;

use super::core as pb;
use super::node_settings::{ResourceOrder, extended_resources, image, resources, run_fields};
use super::settings::{SerializationSettings, execute_args, identifier};
use super::values::{interface, json_struct};

/// A task as Flyte's `TaskTemplate`. Every task, struct tasks included, gets a
/// container that runs it through our entrypoint.
pub fn task_template(
    task: &dyn crate::workflow::DynTask,
    settings: &SerializationSettings,
) -> pb::TaskTemplate {
    let meta = task.metadata();
    let run = run_fields(&meta.node);
    let mut template = pb::TaskTemplate {
        id: Some(identifier(pb::ResourceType::Task, task.name(), settings)),
        r#type: task.task_type().to_string(),
        metadata: Some(pb::TaskMetadata {
            discoverable: run.cacheable.unwrap_or(false),
            runtime: Some(pb::RuntimeMetadata {
                r#type: pb::RuntimeType::FlyteSdk as i32,
                version: env!("CARGO_PKG_VERSION").to_string(),
                flavor: "rust".to_string(),
            }),
            timeout: run.timeout,
            retries: Some(run.retries.unwrap_or_default()),
            discovery_version: run.cache_version.unwrap_or_default(),
            deprecated_error_message: meta.deprecated.clone().unwrap_or_default(),
            interruptible_value: run
                .interruptible
                .map(pb::task_metadata::InterruptibleValue::Interruptible),
            cache_serializable: run.cache_serializable.unwrap_or(false),
            pod_template_name: meta.pod_template_name.clone().unwrap_or_default(),
            cache_ignore_input_vars: meta.node.cache_ignored_inputs.clone().unwrap_or_default(),
            generates_deck: Some(meta.enable_deck),
            metadata: Some(pb::K8sObjectMetadata {
                labels: meta.labels.iter().cloned().collect(),
                annotations: meta.annotations.iter().cloned().collect(),
            }),
        }),
        interface: Some(interface(&task.interface())),
        custom: task.custom().as_ref().and_then(json_struct),
        container: None,
        security_context: security_context(meta),
        extended_resources: extended_resources(&meta.node),
        config: BTreeMap::new(),
        k8s_pod: None,
    };
    let container = container(task, settings);
    match &meta.node.pod_template {
        // A pod template's primary container carries what `container` would.
        Some(pod) => {
            template.k8s_pod = Some(super::k8s_pod::k8s_pod(pod, &container));
            template.config.insert(
                "primary_container_name".to_string(),
                pod.primary_container_name.clone(),
            );
        }
        None => template.container = Some(container),
    }
    template
}

/// The container that runs `task`: through our entrypoint, or a container task's
/// own command with the copilot's data config, as flytekit writes a `ContainerTask`.
pub(super) fn container(
    task: &dyn crate::workflow::DynTask,
    settings: &SerializationSettings,
) -> pb::Container {
    let meta = task.metadata();
    let (command, args, data_config) = match &meta.container {
        Some(spec) => (
            spec.command.clone(),
            spec.arguments.clone(),
            Some(data_loading_config(spec)),
        ),
        None => (Vec::new(), execute_args(settings, task.name()), None),
    };
    pb::Container {
        image: image(meta.node.image.as_deref(), settings),
        command,
        args,
        data_config,
        resources: Some(resources(&meta.node, ResourceOrder::Container)),
        env: meta
            .env
            .iter()
            .map(|(key, value)| pb::KeyValuePair {
                key: key.clone(),
                value: value.clone(),
            })
            .chain(dynamic_settings(meta, settings))
            .collect(),
    }
}

/// How Flyte's copilot loads a container task's data.
fn data_loading_config(spec: &crate::task::ContainerSpec) -> pb::DataLoadingConfig {
    use crate::task::{DownloadMode, MetadataFormat, UploadMode};
    pb::DataLoadingConfig {
        enabled: true,
        input_path: spec.input_data_dir.clone().unwrap_or_default(),
        output_path: spec.output_data_dir.clone().unwrap_or_default(),
        format: match spec.metadata_format {
            MetadataFormat::Json => pb::LiteralMapFormat::Json,
            MetadataFormat::Yaml => pb::LiteralMapFormat::Yaml,
            MetadataFormat::Proto => pb::LiteralMapFormat::Proto,
        } as i32,
        io_strategy: spec.io_strategy.map(|s| pb::IoStrategy {
            download_mode: match s.download {
                DownloadMode::Eager => pb::DownloadMode::DownloadEager,
                DownloadMode::Stream => pb::DownloadMode::DownloadStream,
                DownloadMode::None => pb::DownloadMode::DoNotDownload,
            } as i32,
            upload_mode: match s.upload {
                UploadMode::OnExit => pb::UploadMode::UploadOnExit,
                UploadMode::Eager => pb::UploadMode::UploadEager,
                UploadMode::None => pb::UploadMode::DoNotUpload,
            } as i32,
        }),
    }
}

/// A dynamic task that hands its graph to Flyte carries the settings to write that
/// graph's task templates with, as flytekit's do.
fn dynamic_settings(
    meta: &crate::task::TaskMetadata,
    settings: &SerializationSettings,
) -> Option<pb::KeyValuePair> {
    (meta.dynamic == Some(crate::task::DynamicMode::Futures)).then(|| pb::KeyValuePair {
        key: super::settings::SETTINGS_ENV.to_string(),
        value: super::settings::settings_env_value(settings),
    })
}

/// The secrets the task asks for, in its order (flytekit leaves the message out when
/// there are none).
fn security_context(meta: &crate::task::TaskMetadata) -> Option<pb::SecurityContext> {
    use crate::task::SecretMount;
    let secrets: Vec<pb::Secret> = meta
        .secrets
        .iter()
        .map(|s| pb::Secret {
            group: s.group.clone(),
            group_version: s.version.clone().unwrap_or_default(),
            key: s.key.clone().unwrap_or_default(),
            mount_requirement: match s.mount {
                SecretMount::Any => pb::SecretMountType::Any,
                SecretMount::EnvVar => pb::SecretMountType::EnvVar,
                SecretMount::File => pb::SecretMountType::File,
            } as i32,
            env_var: s.env_var.clone().unwrap_or_default(),
        })
        .collect();
    (!secrets.is_empty()).then_some(pb::SecurityContext {
        run_as: None,
        secrets,
    })
}
