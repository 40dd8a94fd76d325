//! Messages of Flyte's `flyteidl.core` package that describe types, values and
//! interfaces, written with prost. Field numbers and names follow flyteidl 1.16
//! (`flyteidl/core/types.proto`, `literals.proto`, `interface.proto`); only the fields
//! this SDK writes or reads are declared, so others are skipped when decoding.

use std::collections::BTreeMap;

pub use super::k8s_pod::K8sPod;
pub use super::security::{Identity, Secret, SecretMountType, SecurityContext};

/// `flyteidl.core.SimpleType`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum SimpleType {
    /// `NONE`
    None = 0,
    /// `INTEGER`
    Integer = 1,
    /// `FLOAT`
    Float = 2,
    /// `STRING`
    String = 3,
    /// `BOOLEAN`
    Boolean = 4,
    /// `DATETIME`
    Datetime = 5,
    /// `DURATION`
    Duration = 6,
    /// `BINARY`
    Binary = 7,
    /// `ERROR`
    Error = 8,
    /// `STRUCT`
    Struct = 9,
}

/// `flyteidl.core.BlobType`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BlobType {
    /// Free-form format (`csv`, ...).
    #[prost(string, tag = "1")]
    pub format: String,
    /// `BlobType.BlobDimensionality`: 0 single, 1 multipart.
    #[serde(serialize_with = "crate::idl::json::enumeration::<BlobDimensionality, _>")]
    #[prost(enumeration = "BlobDimensionality", tag = "2")]
    pub dimensionality: i32,
}

/// `flyteidl.core.BlobType.BlobDimensionality`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum BlobDimensionality {
    /// `SINGLE`
    Single = 0,
    /// `MULTIPART`
    Multipart = 1,
}

/// `flyteidl.core.EnumType`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct EnumType {
    /// The allowed values.
    #[prost(string, repeated, tag = "1")]
    pub values: Vec<String>,
}

/// `flyteidl.core.UnionType`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct UnionType {
    /// The variants.
    #[prost(message, repeated, tag = "1")]
    pub variants: Vec<LiteralType>,
}

/// `flyteidl.core.TypeStructure`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct TypeStructure {
    /// Must match exactly for types to be castable.
    #[prost(string, tag = "1")]
    pub tag: String,
    /// A struct's field types, by name.
    #[prost(btree_map = "string, message", tag = "2")]
    pub dataclass_type: BTreeMap<String, LiteralType>,
}

/// `flyteidl.core.TypeAnnotation`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct TypeAnnotation {
    /// Any JSON payload.
    #[prost(message, optional, tag = "1")]
    #[serde(serialize_with = "crate::idl::json::optional_struct")]
    pub annotations: Option<prost_types::Struct>,
}

/// `flyteidl.core.LiteralType`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct LiteralType {
    /// The type itself.
    #[prost(oneof = "literal_type::Type", tags = "1, 3, 4, 5, 7, 10")]
    pub r#type: Option<literal_type::Type>,
    /// Descriptive metadata (a struct's JSON schema).
    #[prost(message, optional, tag = "6")]
    #[serde(serialize_with = "crate::idl::json::optional_struct")]
    pub metadata: Option<prost_types::Struct>,
    /// Client-side annotations.
    #[prost(message, optional, tag = "9")]
    pub annotation: Option<TypeAnnotation>,
    /// Hints for type matching.
    #[prost(message, optional, tag = "11")]
    pub structure: Option<TypeStructure>,
}

/// The `type` oneof of [`LiteralType`].
pub mod literal_type {
    /// `LiteralType.type`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Type {
        /// `simple`
        #[serde(serialize_with = "crate::idl::json::enumeration::<super::SimpleType, _>")]
        #[prost(enumeration = "super::SimpleType", tag = "1")]
        Simple(i32),
        /// `collection_type`
        #[prost(message, tag = "3")]
        CollectionType(Box<super::LiteralType>),
        /// `map_value_type`
        #[prost(message, tag = "4")]
        MapValueType(Box<super::LiteralType>),
        /// `blob`
        #[prost(message, tag = "5")]
        Blob(super::BlobType),
        /// `enum_type`
        #[prost(message, tag = "7")]
        EnumType(super::EnumType),
        /// `union_type`
        #[prost(message, tag = "10")]
        UnionType(super::UnionType),
    }
}

/// `flyteidl.core.Primitive`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Primitive {
    /// The value.
    #[prost(oneof = "primitive::Value", tags = "1, 2, 3, 4, 5, 6")]
    pub value: Option<primitive::Value>,
}

/// The `value` oneof of [`Primitive`].
pub mod primitive {
    /// `Primitive.value`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Value {
        /// `integer`
        #[prost(int64, tag = "1")]
        Integer(i64),
        /// `float_value`
        #[prost(double, tag = "2")]
        FloatValue(f64),
        /// `string_value`
        #[prost(string, tag = "3")]
        StringValue(String),
        /// `boolean`
        #[prost(bool, tag = "4")]
        Boolean(bool),
        /// `datetime`
        #[prost(message, tag = "5")]
        #[serde(serialize_with = "crate::idl::json::timestamp")]
        Datetime(prost_types::Timestamp),
        /// `duration`
        #[prost(message, tag = "6")]
        #[serde(serialize_with = "crate::idl::json::duration")]
        Duration(prost_types::Duration),
    }
}

/// `flyteidl.core.Void`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Void {}

/// `flyteidl.core.BlobMetadata`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BlobMetadata {
    /// The blob's type.
    #[prost(message, optional, tag = "1")]
    pub r#type: Option<BlobType>,
}

/// `flyteidl.core.Blob`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Blob {
    /// Its metadata.
    #[prost(message, optional, tag = "1")]
    pub metadata: Option<BlobMetadata>,
    /// Where it is.
    #[prost(string, tag = "3")]
    pub uri: String,
}

/// `flyteidl.core.Binary`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Binary {
    /// The bytes.
    #[prost(bytes = "vec", tag = "1")]
    pub value: Vec<u8>,
    /// How they are encoded.
    #[prost(string, tag = "2")]
    pub tag: String,
}

/// `flyteidl.core.Union`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Union {
    /// The value.
    #[prost(message, optional, boxed, tag = "1")]
    pub value: Option<Box<Literal>>,
    /// The variant's type.
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<LiteralType>,
}

/// `flyteidl.core.Scalar`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Scalar {
    /// The value.
    #[prost(oneof = "scalar::Value", tags = "1, 2, 3, 5, 6, 9")]
    pub value: Option<scalar::Value>,
}

/// The `value` oneof of [`Scalar`].
pub mod scalar {
    /// `Scalar.value`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Value {
        /// `primitive`
        #[prost(message, tag = "1")]
        Primitive(super::Primitive),
        /// `blob`
        #[prost(message, tag = "2")]
        Blob(super::Blob),
        /// `binary`
        #[prost(message, tag = "3")]
        Binary(super::Binary),
        /// `none_type`
        #[prost(message, tag = "5")]
        NoneType(super::Void),
        /// `error`
        #[prost(message, tag = "6")]
        Error(super::Error),
        /// `union`
        #[prost(message, tag = "9")]
        Union(Box<super::Union>),
    }
}

/// `flyteidl.core.Literal`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Literal {
    /// The value.
    #[prost(oneof = "literal::Value", tags = "1, 2, 3")]
    pub value: Option<literal::Value>,
    /// A hash for caching.
    #[prost(string, tag = "4")]
    pub hash: String,
}

/// The `value` oneof of [`Literal`].
pub mod literal {
    /// `Literal.value`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Value {
        /// `scalar`
        #[prost(message, tag = "1")]
        Scalar(Box<super::Scalar>),
        /// `collection`
        #[prost(message, tag = "2")]
        Collection(super::LiteralCollection),
        /// `map`
        #[prost(message, tag = "3")]
        Map(super::LiteralMap),
    }
}

/// `flyteidl.core.LiteralCollection`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct LiteralCollection {
    /// The items.
    #[prost(message, repeated, tag = "1")]
    pub literals: Vec<Literal>,
}

/// `flyteidl.core.LiteralMap`: also the format of `inputs.pb` and `outputs.pb`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct LiteralMap {
    /// The entries.
    #[prost(btree_map = "string, message", tag = "1")]
    pub literals: BTreeMap<String, Literal>,
}

/// `flyteidl.core.Variable`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Variable {
    /// Its type.
    #[prost(message, optional, tag = "1")]
    pub r#type: Option<LiteralType>,
    /// A description.
    #[prost(string, tag = "2")]
    pub description: String,
}

/// `flyteidl.core.VariableMap`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct VariableMap {
    /// Variables by name.
    #[prost(btree_map = "string, message", tag = "1")]
    pub variables: BTreeMap<String, Variable>,
}

/// `flyteidl.core.TypedInterface`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct TypedInterface {
    /// Inputs.
    #[prost(message, optional, tag = "1")]
    pub inputs: Option<VariableMap>,
    /// Outputs.
    #[prost(message, optional, tag = "2")]
    pub outputs: Option<VariableMap>,
}

/// `flyteidl.core.Parameter`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Parameter {
    /// The variable.
    #[prost(message, optional, tag = "1")]
    pub var: Option<Variable>,
    /// Default or required.
    #[prost(oneof = "parameter::Behavior", tags = "2, 3")]
    pub behavior: Option<parameter::Behavior>,
}

/// The `behavior` oneof of [`Parameter`].
pub mod parameter {
    /// `Parameter.behavior`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Behavior {
        /// `default`
        #[prost(message, tag = "2")]
        Default(super::Literal),
        /// `required`
        #[prost(bool, tag = "3")]
        Required(bool),
    }
}

/// `flyteidl.core.ParameterMap`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ParameterMap {
    /// Parameters by name.
    #[prost(btree_map = "string, message", tag = "1")]
    pub parameters: BTreeMap<String, Parameter>,
}

/// `flyteidl.core.ResourceType`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum ResourceType {
    /// `UNSPECIFIED`
    Unspecified = 0,
    /// `TASK`
    Task = 1,
    /// `WORKFLOW`
    Workflow = 2,
    /// `LAUNCH_PLAN`
    LaunchPlan = 3,
}

/// `flyteidl.core.Identifier`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Identifier {
    /// What kind of entity.
    #[serde(serialize_with = "crate::idl::json::enumeration::<ResourceType, _>")]
    #[prost(enumeration = "ResourceType", tag = "1")]
    pub resource_type: i32,
    /// Project.
    #[prost(string, tag = "2")]
    pub project: String,
    /// Domain.
    #[prost(string, tag = "3")]
    pub domain: String,
    /// Name.
    #[prost(string, tag = "4")]
    pub name: String,
    /// Version.
    #[prost(string, tag = "5")]
    pub version: String,
}

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
    #[serde(serialize_with = "crate::idl::json::enumeration::<RuntimeType, _>")]
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
    #[serde(serialize_with = "crate::idl::json::optional_duration")]
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
    #[serde(serialize_with = "crate::idl::json::enumeration::<ResourceName, _>")]
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
    #[serde(serialize_with = "crate::idl::json::optional_struct")]
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

/// `flyteidl.core.OutputReference`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct OutputReference {
    /// The node (empty for the workflow's own inputs).
    #[prost(string, tag = "1")]
    pub node_id: String,
    /// The output variable.
    #[prost(string, tag = "2")]
    pub var: String,
}

/// `flyteidl.core.BindingData`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BindingData {
    /// What feeds the input.
    #[prost(oneof = "binding_data::Value", tags = "1, 2, 3, 4")]
    pub value: Option<binding_data::Value>,
}

/// The `value` oneof of [`BindingData`].
pub mod binding_data {
    /// `BindingData.value`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Value {
        /// `scalar`
        #[prost(message, tag = "1")]
        Scalar(super::Scalar),
        /// `collection`
        #[prost(message, tag = "2")]
        Collection(super::BindingDataCollection),
        /// `promise`
        #[prost(message, tag = "3")]
        Promise(super::OutputReference),
        /// `map`
        #[prost(message, tag = "4")]
        Map(super::BindingDataMap),
    }
}

/// `flyteidl.core.BindingDataCollection`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BindingDataCollection {
    /// The items.
    #[prost(message, repeated, tag = "1")]
    pub bindings: Vec<BindingData>,
}

/// `flyteidl.core.BindingDataMap`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BindingDataMap {
    /// The entries.
    #[prost(btree_map = "string, message", tag = "1")]
    pub bindings: BTreeMap<String, BindingData>,
}

/// `flyteidl.core.Binding`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Binding {
    /// The input (or workflow output) bound.
    #[prost(string, tag = "1")]
    pub var: String,
    /// What feeds it.
    #[prost(message, optional, tag = "2")]
    pub binding: Option<BindingData>,
}

/// `flyteidl.core.NodeMetadata`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct NodeMetadata {
    /// A friendly name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Timeout of one attempt.
    #[prost(message, optional, tag = "4")]
    #[serde(serialize_with = "crate::idl::json::optional_duration")]
    pub timeout: Option<prost_types::Duration>,
    /// Retries.
    #[prost(message, optional, tag = "5")]
    pub retries: Option<RetryStrategy>,
    /// Whether the node may run on interruptible (spot) machines.
    #[prost(bool, optional, tag = "6")]
    pub interruptible: Option<bool>,
    /// Whether the node's outputs are cached.
    #[prost(bool, optional, tag = "7")]
    pub cacheable: Option<bool>,
    /// The cache version.
    #[prost(string, optional, tag = "8")]
    pub cache_version: Option<String>,
    /// Whether equal concurrent runs wait for one.
    #[prost(bool, optional, tag = "9")]
    pub cache_serializable: Option<bool>,
}

/// `flyteidl.core.TaskNodeOverrides`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct TaskNodeOverrides {
    /// Requests and limits instead of the task's.
    #[prost(message, optional, tag = "1")]
    pub resources: Option<Resources>,
    /// Accelerator and shared memory instead of the task's.
    #[prost(message, optional, tag = "2")]
    pub extended_resources: Option<ExtendedResources>,
    /// The image instead of the task's.
    #[prost(string, tag = "3")]
    pub container_image: String,
    /// The pod instead of the task's.
    #[prost(message, optional, boxed, tag = "4")]
    pub pod_template: Option<Box<K8sPod>>,
}

/// `flyteidl.core.TaskNode`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct TaskNode {
    /// The task.
    #[prost(message, optional, tag = "1")]
    pub reference_id: Option<Identifier>,
    /// Overrides at execution time.
    #[prost(message, optional, tag = "2")]
    pub overrides: Option<TaskNodeOverrides>,
}

/// `flyteidl.core.WorkflowNode`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct WorkflowNode {
    /// The subworkflow.
    #[prost(message, optional, tag = "2")]
    pub sub_workflow_ref: Option<Identifier>,
}

/// `flyteidl.core.Node`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Node {
    /// `n0`, `n1`, ...
    #[prost(string, tag = "1")]
    pub id: String,
    /// Metadata.
    #[prost(message, optional, tag = "2")]
    pub metadata: Option<NodeMetadata>,
    /// Input bindings.
    #[prost(message, repeated, tag = "3")]
    pub inputs: Vec<Binding>,
    /// Nodes this one waits for.
    #[prost(string, repeated, tag = "4")]
    pub upstream_node_ids: Vec<String>,
    /// What it runs.
    #[prost(oneof = "node::Target", tags = "6, 7, 8, 9, 10")]
    pub target: Option<node::Target>,
}

/// The `target` oneof of [`Node`].
pub mod node {
    /// `Node.target`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Target {
        /// `task_node`
        #[prost(message, tag = "6")]
        TaskNode(super::TaskNode),
        /// `workflow_node`
        #[prost(message, tag = "7")]
        WorkflowNode(super::WorkflowNode),
        /// `branch_node`
        #[prost(message, tag = "8")]
        BranchNode(Box<super::BranchNode>),
        /// `gate_node`
        #[prost(message, tag = "9")]
        GateNode(super::super::gates::GateNode),
        /// `array_node`
        #[prost(message, tag = "10")]
        ArrayNode(Box<super::ArrayNode>),
    }
}

/// `flyteidl.core.ComparisonExpression.Operator`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum ComparisonOperator {
    /// `EQ`
    Eq = 0,
    /// `NEQ`
    Neq = 1,
    /// `GT`
    Gt = 2,
    /// `GTE`
    Gte = 3,
    /// `LT`
    Lt = 4,
    /// `LTE`
    Lte = 5,
}

/// `flyteidl.core.ConjunctionExpression.LogicalOperator`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum LogicalOperator {
    /// `AND`
    And = 0,
    /// `OR`
    Or = 1,
}

/// `flyteidl.core.Operand` (`condition.proto`).
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Operand {
    /// A constant or one of the branch node's inputs.
    #[prost(oneof = "operand::Val", tags = "1, 2, 3")]
    pub val: Option<operand::Val>,
}

/// The `val` oneof of [`Operand`].
pub mod operand {
    /// `Operand.val`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Val {
        /// `primitive` (what flytekit writes for primitive constants).
        #[prost(message, tag = "1")]
        Primitive(super::Primitive),
        /// `var`: a branch node input.
        #[prost(string, tag = "2")]
        Var(String),
        /// `scalar`: any other constant (such as none).
        #[prost(message, tag = "3")]
        Scalar(super::Scalar),
    }
}

/// `flyteidl.core.ComparisonExpression`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ComparisonExpression {
    /// The operator.
    #[serde(serialize_with = "crate::idl::json::enumeration::<ComparisonOperator, _>")]
    #[prost(enumeration = "ComparisonOperator", tag = "1")]
    pub operator: i32,
    /// Left side.
    #[prost(message, optional, tag = "2")]
    pub left_value: Option<Operand>,
    /// Right side.
    #[prost(message, optional, tag = "3")]
    pub right_value: Option<Operand>,
}

/// `flyteidl.core.ConjunctionExpression`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ConjunctionExpression {
    /// `AND` or `OR`.
    #[serde(serialize_with = "crate::idl::json::enumeration::<LogicalOperator, _>")]
    #[prost(enumeration = "LogicalOperator", tag = "1")]
    pub operator: i32,
    /// Left side.
    #[prost(message, optional, boxed, tag = "2")]
    pub left_expression: Option<Box<BooleanExpression>>,
    /// Right side.
    #[prost(message, optional, boxed, tag = "3")]
    pub right_expression: Option<Box<BooleanExpression>>,
}

/// `flyteidl.core.BooleanExpression`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BooleanExpression {
    /// A comparison or a conjunction.
    #[prost(oneof = "boolean_expression::Expr", tags = "1, 2")]
    pub expr: Option<boolean_expression::Expr>,
}

/// The `expr` oneof of [`BooleanExpression`].
pub mod boolean_expression {
    /// `BooleanExpression.expr`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Expr {
        /// `conjunction`
        #[prost(message, tag = "1")]
        Conjunction(super::ConjunctionExpression),
        /// `comparison`
        #[prost(message, tag = "2")]
        Comparison(super::ComparisonExpression),
    }
}

/// `flyteidl.core.IfBlock`: a condition and the node it runs.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct IfBlock {
    /// The condition, over the branch node's inputs.
    #[prost(message, optional, tag = "1")]
    pub condition: Option<BooleanExpression>,
    /// What runs when it holds.
    #[prost(message, optional, tag = "2")]
    pub then_node: Option<Node>,
}

/// `flyteidl.core.Error`: the failure a branch reports when no case holds.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Error {
    /// The branch node.
    #[prost(string, tag = "1")]
    pub failed_node_id: String,
    /// The message.
    #[prost(string, tag = "2")]
    pub message: String,
}

/// `flyteidl.core.IfElseBlock`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct IfElseBlock {
    /// The first case.
    #[prost(message, optional, tag = "1")]
    pub case: Option<IfBlock>,
    /// The other cases, in order.
    #[prost(message, repeated, tag = "2")]
    pub other: Vec<IfBlock>,
    /// What runs when no case holds, or ...
    #[prost(message, optional, tag = "3")]
    pub else_node: Option<Node>,
    /// ... the failure reported instead.
    #[prost(message, optional, tag = "4")]
    pub error: Option<Error>,
}

/// `flyteidl.core.BranchNode`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BranchNode {
    /// The cases.
    #[prost(message, optional, tag = "1")]
    pub if_else: Option<IfElseBlock>,
}

/// `flyteidl.core.ArrayNode.DataMode`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum ArrayDataMode {
    /// `SINGLE_INPUT_FILE`: every sub-node reads the whole lists and picks its item.
    SingleInputFile = 0,
    /// `INDIVIDUAL_INPUT_FILES`: each sub-node gets its own item as its inputs.
    IndividualInputFiles = 1,
}

/// `flyteidl.core.ArrayNode`: one sub-node run per list item (map tasks).
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ArrayNode {
    /// The node run per item.
    #[prost(message, optional, boxed, tag = "1")]
    pub node: Option<Box<Node>>,
    /// How many items run at once (unset: the platform's default; 0: no limit).
    #[prost(uint32, optional, tag = "2")]
    pub parallelism: Option<u32>,
    /// The share of items that must succeed.
    #[prost(float, optional, tag = "4")]
    pub min_success_ratio: Option<f32>,
    /// Whether the sub-node's interface is the task's own (items, not lists).
    #[prost(message, optional, tag = "6")]
    pub is_original_sub_node_interface: Option<bool>,
    /// How sub-nodes get their inputs.
    #[serde(serialize_with = "crate::idl::json::enumeration::<ArrayDataMode, _>")]
    #[prost(enumeration = "ArrayDataMode", tag = "7")]
    pub data_mode: i32,
}

/// `flyteidl.core.WorkflowMetadata`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct WorkflowMetadata {
    /// What happens after a node fails.
    #[prost(enumeration = "OnFailurePolicy", tag = "2")]
    #[serde(serialize_with = "crate::idl::json::enumeration::<OnFailurePolicy, _>")]
    pub on_failure: i32,
}

/// `flyteidl.core.WorkflowMetadata.OnFailurePolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum OnFailurePolicy {
    /// `FAIL_IMMEDIATELY`
    FailImmediately = 0,
    /// `FAIL_AFTER_EXECUTABLE_NODES_COMPLETE`
    FailAfterExecutableNodesComplete = 1,
}

/// `flyteidl.core.WorkflowMetadataDefaults`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct WorkflowMetadataDefaults {
    /// Whether nodes are interruptible by default.
    #[prost(bool, tag = "1")]
    pub interruptible: bool,
}

/// `flyteidl.core.WorkflowTemplate`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct WorkflowTemplate {
    /// Identity.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
    /// Metadata.
    #[prost(message, optional, tag = "2")]
    pub metadata: Option<WorkflowMetadata>,
    /// Interface.
    #[prost(message, optional, tag = "3")]
    pub interface: Option<TypedInterface>,
    /// Nodes.
    #[prost(message, repeated, tag = "4")]
    pub nodes: Vec<Node>,
    /// Output bindings.
    #[prost(message, repeated, tag = "5")]
    pub outputs: Vec<Binding>,
    /// The node run when the workflow fails (`fn0`).
    #[prost(message, optional, tag = "6")]
    pub failure_node: Option<Node>,
    /// Defaults for the nodes.
    #[prost(message, optional, tag = "7")]
    pub metadata_defaults: Option<WorkflowMetadataDefaults>,
}

/// `flyteidl.core.ContainerError.Kind`: whether Flyte may retry after this error.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum ContainerErrorKind {
    /// `NON_RECOVERABLE`: the node fails.
    NonRecoverable = 0,
    /// `RECOVERABLE`: Flyte tries again while retries remain.
    Recoverable = 1,
}

/// `flyteidl.core.ExecutionError.ErrorKind`: whose fault an error is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum ErrorOrigin {
    /// `UNKNOWN`
    Unknown = 0,
    /// `USER`: the task's code or its inputs.
    User = 1,
    /// `SYSTEM`: the platform (storage, the entrypoint).
    System = 2,
}

/// `flyteidl.core.ContainerError` (`errors.proto`).
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ContainerError {
    /// A short code, such as `USER:RuntimeError`.
    #[prost(string, tag = "1")]
    pub code: String,
    /// The message people read, with the cause chain.
    #[prost(string, tag = "2")]
    pub message: String,
    /// Recoverable or not.
    #[serde(serialize_with = "crate::idl::json::enumeration::<ContainerErrorKind, _>")]
    #[prost(enumeration = "ContainerErrorKind", tag = "3")]
    pub kind: i32,
    /// User or system.
    #[serde(serialize_with = "crate::idl::json::enumeration::<ErrorOrigin, _>")]
    #[prost(enumeration = "ErrorOrigin", tag = "4")]
    pub origin: i32,
    /// When it happened.
    #[prost(message, optional, tag = "5")]
    #[serde(serialize_with = "crate::idl::json::optional_timestamp")]
    pub timestamp: Option<prost_types::Timestamp>,
    /// The worker that reported it (distributed tasks only).
    #[prost(string, tag = "6")]
    pub worker: String,
}

/// `flyteidl.core.ErrorDocument`: the `error.pb` a failed task leaves under its output
/// prefix.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ErrorDocument {
    /// The error.
    #[prost(message, optional, tag = "1")]
    pub error: Option<ContainerError>,
}
