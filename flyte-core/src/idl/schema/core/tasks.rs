//! `flyteidl/core/tasks.proto`: task templates, their metadata, container and
//! resources.

use std::collections::BTreeMap;

use super::*;

/// `flyteidl.core.RuntimeMetadata.RuntimeType`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum RuntimeType {
    /// `OTHER`
    Other = 0,
    /// `FLYTE_SDK`
    FlyteSdk = 1,
}

/// `flyteidl.core.RuntimeMetadata`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct RuntimeMetadata {
    /// Runtime type.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<RuntimeType, _>")]
    #[prost(enumeration = "RuntimeType", tag = "1")]
    pub r#type: i32,
    /// SDK version.
    #[prost(string, tag = "2")]
    pub version: String,
    /// SDK language.
    #[prost(string, tag = "3")]
    pub flavor: String,
}

/// `flyteidl.core.RetryStrategy`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct RetryStrategy {
    /// Number of retries.
    #[prost(uint32, tag = "5")]
    pub retries: u32,
}

/// `flyteidl.core.K8sObjectMetadata`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct K8sObjectMetadata {
    /// Labels.
    #[prost(btree_map = "string, string", tag = "1")]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[prost(btree_map = "string, string", tag = "2")]
    pub annotations: BTreeMap<String, String>,
}

/// `flyteidl.core.TaskMetadata`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct TaskMetadata {
    /// Whether outputs are cached.
    #[prost(bool, tag = "1")]
    pub discoverable: bool,
    /// The SDK that wrote the task.
    #[prost(message, optional, tag = "2")]
    pub runtime: Option<RuntimeMetadata>,
    /// Timeout of one attempt.
    #[prost(message, optional, tag = "4")]
    #[serde(serialize_with = "crate::idl::schema::json::optional_duration")]
    pub timeout: Option<prost_types::Duration>,
    /// Retries.
    #[prost(message, optional, tag = "5")]
    pub retries: Option<RetryStrategy>,
    /// Cache version.
    #[prost(string, tag = "6")]
    pub discovery_version: String,
    /// Deprecation message.
    #[prost(string, tag = "7")]
    pub deprecated_error_message: String,
    /// Interruptible, when set.
    #[prost(oneof = "task_metadata::InterruptibleValue", tags = "8")]
    pub interruptible_value: Option<task_metadata::InterruptibleValue>,
    /// Cache serialization.
    #[prost(bool, tag = "9")]
    pub cache_serializable: bool,
    /// The name of a PodTemplate in the cluster to build the task's pod from.
    #[prost(string, tag = "12")]
    pub pod_template_name: String,
    /// Inputs left out of the cache key.
    #[prost(string, repeated, tag = "13")]
    pub cache_ignore_input_vars: Vec<String>,
    /// Whether the task writes a deck.
    #[prost(message, optional, tag = "15")]
    pub generates_deck: Option<bool>,
    /// Labels and annotations for the task's pod.
    #[prost(message, optional, tag = "16")]
    pub metadata: Option<K8sObjectMetadata>,
}

/// The `interruptible_value` oneof of [`TaskMetadata`].
pub mod task_metadata {
    /// `TaskMetadata.interruptible_value`.
    #[derive(Clone, Copy, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum InterruptibleValue {
        /// `interruptible`
        #[prost(bool, tag = "8")]
        Interruptible(bool),
    }
}

/// `flyteidl.core.KeyValuePair`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct KeyValuePair {
    /// Key.
    #[prost(string, tag = "1")]
    pub key: String,
    /// Value.
    #[prost(string, tag = "2")]
    pub value: String,
}

/// `flyteidl.core.Resources`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Resources {
    /// What the container asks for.
    #[prost(message, repeated, tag = "1")]
    pub requests: Vec<ResourceEntry>,
    /// What the container may not exceed.
    #[prost(message, repeated, tag = "2")]
    pub limits: Vec<ResourceEntry>,
}

/// `flyteidl.core.Resources.ResourceEntry`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ResourceEntry {
    /// Which resource.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<ResourceName, _>")]
    #[prost(enumeration = "ResourceName", tag = "1")]
    pub name: i32,
    /// A Kubernetes quantity, as given.
    #[prost(string, tag = "2")]
    pub value: String,
}

/// `flyteidl.core.Resources.ResourceName`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum ResourceName {
    /// `UNKNOWN`
    Unknown = 0,
    /// `CPU`
    Cpu = 1,
    /// `GPU`
    Gpu = 2,
    /// `MEMORY`
    Memory = 3,
    /// `STORAGE`
    Storage = 4,
    /// `EPHEMERAL_STORAGE`
    EphemeralStorage = 5,
}

/// `flyteidl.core.Container`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Container {
    /// Image.
    #[prost(string, tag = "1")]
    pub image: String,
    /// Command.
    #[prost(string, repeated, tag = "2")]
    pub command: Vec<String>,
    /// Arguments, with Flyte's `{{.input}}`-style placeholders.
    #[prost(string, repeated, tag = "3")]
    pub args: Vec<String>,
    /// Resources.
    #[prost(message, optional, tag = "4")]
    pub resources: Option<Resources>,
    /// Environment.
    #[prost(message, repeated, tag = "5")]
    pub env: Vec<KeyValuePair>,
    /// How the copilot loads a raw container's data (container tasks).
    #[prost(message, optional, tag = "9")]
    pub data_config: Option<super::DataLoadingConfig>,
}

/// `flyteidl.core.TaskTemplate`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct TaskTemplate {
    /// Identity.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
    /// Task type.
    #[prost(string, tag = "2")]
    pub r#type: String,
    /// Metadata.
    #[prost(message, optional, tag = "3")]
    pub metadata: Option<TaskMetadata>,
    /// Interface.
    #[prost(message, optional, tag = "4")]
    pub interface: Option<TypedInterface>,
    /// Plugin configuration.
    #[prost(message, optional, tag = "5")]
    #[serde(serialize_with = "crate::idl::schema::json::optional_struct")]
    pub custom: Option<prost_types::Struct>,
    /// The container that runs it.
    #[prost(message, optional, tag = "6")]
    pub container: Option<Container>,
    /// Secrets to mount.
    #[prost(message, optional, tag = "8")]
    pub security_context: Option<SecurityContext>,
    /// Plugin settings as strings (`primary_container_name` for a pod template).
    #[prost(btree_map = "string, string", tag = "16")]
    pub config: BTreeMap<String, String>,
    /// The pod that runs it, instead of `container`, when it has a pod template.
    #[prost(message, optional, tag = "17")]
    pub k8s_pod: Option<K8sPod>,
    /// Resources beyond cpu and memory: a GPU accelerator, shared memory.
    #[prost(message, optional, tag = "9")]
    pub extended_resources: Option<ExtendedResources>,
}

/// `flyteidl.core.ExtendedResources`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ExtendedResources {
    /// The GPU the pod is scheduled with.
    #[prost(message, optional, tag = "1")]
    pub gpu_accelerator: Option<GpuAccelerator>,
    /// Shared memory mounted into the container.
    #[prost(message, optional, tag = "2")]
    pub shared_memory: Option<SharedMemory>,
}

/// `flyteidl.core.GPUAccelerator`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct GpuAccelerator {
    /// The device type (`nvidia-tesla-a100`).
    #[prost(string, tag = "1")]
    pub device: String,
    /// Whole GPUs or one partition size (oneof `partition_size_value`).
    #[prost(oneof = "gpu_accelerator::PartitionSizeValue", tags = "2, 3")]
    pub partition_size_value: Option<gpu_accelerator::PartitionSizeValue>,
}

/// Nested types of [`GpuAccelerator`].
pub mod gpu_accelerator {
    /// `oneof partition_size_value`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    pub enum PartitionSizeValue {
        /// A whole, unpartitioned GPU.
        #[prost(bool, tag = "2")]
        Unpartitioned(bool),
        /// One MIG partition of this size.
        #[prost(string, tag = "3")]
        PartitionSize(String),
    }
}

/// `flyteidl.core.SharedMemory`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct SharedMemory {
    /// Where it is mounted.
    #[prost(string, tag = "1")]
    pub mount_path: String,
    /// The volume's name.
    #[prost(string, tag = "2")]
    pub mount_name: String,
    /// Its size limit (a Kubernetes quantity), if any.
    #[prost(string, tag = "3")]
    pub size_limit: String,
}
