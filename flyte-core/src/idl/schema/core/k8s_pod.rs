//! `flyteidl.core.K8sPod` (`flyteidl/core/tasks.proto`): a pod a task or a node runs in.

/// `flyteidl.core.K8sPod`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct K8sPod {
    /// The pod's labels and annotations.
    #[prost(message, optional, tag = "1")]
    pub metadata: Option<super::K8sObjectMetadata>,
    /// The pod spec, with Kubernetes' JSON field names.
    #[prost(message, optional, tag = "2")]
    #[serde(serialize_with = "crate::idl::schema::json::optional_struct")]
    pub pod_spec: Option<prost_types::Struct>,
    /// How the copilot loads a raw container's data (container tasks).
    #[prost(message, optional, tag = "3")]
    pub data_config: Option<super::DataLoadingConfig>,
    /// The container that runs the task (set on node overrides; a task's own pod
    /// template says it in `TaskTemplate.config`, as flytekit does).
    #[prost(string, tag = "4")]
    pub primary_container_name: String,
}
