//! `flyteidl/admin/{task,workflow,launch_plan,execution}.proto`: the requests and
//! responses of flyteadmin's `AdminService` calls the remote client makes, with
//! flyteidl 1.16's field numbers (`tests/remote/main.rs` has the Python flyteidl
//! package's servicer parse each one).

use super::admin::{LaunchPlanSpec, TaskSpec, WorkflowSpec};
use super::core::{Identifier, LiteralMap, SecurityContext};

/// `flyteidl.admin.TaskCreateRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TaskCreateRequest {
    /// The task's identifier.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
    /// The task.
    #[prost(message, optional, tag = "2")]
    pub spec: Option<TaskSpec>,
}

/// `flyteidl.admin.WorkflowCreateRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct WorkflowCreateRequest {
    /// The workflow's identifier.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
    /// The workflow.
    #[prost(message, optional, tag = "2")]
    pub spec: Option<WorkflowSpec>,
}

/// `flyteidl.admin.LaunchPlanCreateRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LaunchPlanCreateRequest {
    /// The launch plan's identifier.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
    /// The launch plan.
    #[prost(message, optional, tag = "2")]
    pub spec: Option<LaunchPlanSpec>,
}

/// `flyteidl.admin.LaunchPlanUpdateRequest`: activates or deactivates a launch plan.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LaunchPlanUpdateRequest {
    /// The launch plan.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
    /// `flyteidl.admin.LaunchPlanState`: 0 inactive, 1 active.
    #[prost(int32, tag = "2")]
    pub state: i32,
}

/// The empty responses of the create and update calls.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Empty {}

/// `flyteidl.core.WorkflowExecutionIdentifier`.
#[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
pub struct WorkflowExecutionIdentifier {
    /// Project.
    #[prost(string, tag = "1")]
    pub project: String,
    /// Domain.
    #[prost(string, tag = "2")]
    pub domain: String,
    /// The execution's name.
    #[prost(string, tag = "4")]
    pub name: String,
    /// Organization (empty for none).
    #[prost(string, tag = "5")]
    pub org: String,
}

/// `flyteidl.admin.ExecutionMetadata`: who started an execution, and how.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionMetadata {
    /// `ExecutionMode`: 0 manual.
    #[prost(int32, tag = "1")]
    pub mode: i32,
    /// Who started it.
    #[prost(string, tag = "2")]
    pub principal: String,
    /// Nesting depth (0 for a top-level execution).
    #[prost(uint32, tag = "3")]
    pub nesting: u32,
}

/// `flyteidl.admin.ExecutionSpec`: what to run, and the execution's options.
/// flytekit's FlyteRemote sends the notifications, labels, annotations and auth role
/// present and empty (the launch plan's apply); so do we.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionSpec {
    /// The launch plan.
    #[prost(message, optional, tag = "1")]
    pub launch_plan: Option<Identifier>,
    /// Who and how.
    #[prost(message, optional, tag = "3")]
    pub metadata: Option<ExecutionMetadata>,
    /// `notifications` (`NotificationList`, in the `notification_overrides` oneof).
    #[prost(message, optional, tag = "5")]
    pub notifications: Option<Empty>,
    /// Kubernetes labels of the execution's pods.
    #[prost(message, optional, tag = "7")]
    pub labels: Option<super::admin::Labels>,
    /// Kubernetes annotations of the execution's pods.
    #[prost(message, optional, tag = "8")]
    pub annotations: Option<super::admin::Annotations>,
    /// Who it runs as (a Kubernetes service account).
    #[prost(message, optional, tag = "10")]
    pub security_context: Option<SecurityContext>,
    /// `auth_role` (`AuthRole`).
    #[prost(message, optional, tag = "16")]
    pub auth_role: Option<Empty>,
    /// How many nodes run at once (0: the platform's default).
    #[prost(int32, tag = "18")]
    pub max_parallelism: i32,
    /// Where its tasks write their data.
    #[prost(message, optional, tag = "19")]
    pub raw_output_data_config: Option<super::admin::RawOutputDataConfig>,
    /// The cluster pool it runs in.
    #[prost(message, optional, tag = "20")]
    pub cluster_assignment: Option<ClusterAssignment>,
    /// Run cached tasks again and replace what is stored.
    #[prost(bool, tag = "22")]
    pub overwrite_cache: bool,
    /// Environment variables of its tasks.
    #[prost(message, optional, tag = "23")]
    pub envs: Option<Envs>,
    /// Tags.
    #[prost(string, repeated, tag = "24")]
    pub tags: Vec<String>,
}

/// `flyteidl.admin.Envs`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Envs {
    /// The variables, in order.
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<super::core::KeyValuePair>,
}

/// `flyteidl.admin.ClusterAssignment`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ClusterAssignment {
    /// The pool's name.
    #[prost(string, tag = "3")]
    pub cluster_pool_name: String,
}

/// `flyteidl.admin.ExecutionCreateRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionCreateRequest {
    /// Project.
    #[prost(string, tag = "1")]
    pub project: String,
    /// Domain.
    #[prost(string, tag = "2")]
    pub domain: String,
    /// The execution's name (empty: flyteadmin makes one).
    #[prost(string, tag = "3")]
    pub name: String,
    /// What to run.
    #[prost(message, optional, tag = "4")]
    pub spec: Option<ExecutionSpec>,
    /// The inputs.
    #[prost(message, optional, tag = "5")]
    pub inputs: Option<LiteralMap>,
}

/// `flyteidl.admin.ExecutionCreateResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionCreateResponse {
    /// The execution made.
    #[prost(message, optional, tag = "1")]
    pub id: Option<WorkflowExecutionIdentifier>,
}

/// `flyteidl.admin.WorkflowExecutionGetRequest` (and `...GetDataRequest`, the same
/// shape).
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionIdRequest {
    /// The execution.
    #[prost(message, optional, tag = "1")]
    pub id: Option<WorkflowExecutionIdentifier>,
}

/// `flyteidl.core.ExecutionError`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionError {
    /// `USER:...` or `SYSTEM:...`.
    #[prost(string, tag = "1")]
    pub code: String,
    /// What happened.
    #[prost(string, tag = "2")]
    pub message: String,
    /// Where the full error document is.
    #[prost(string, tag = "3")]
    pub error_uri: String,
    /// `ErrorKind`: 1 user, 2 system.
    #[prost(int32, tag = "4")]
    pub kind: i32,
}

/// `flyteidl.admin.ExecutionClosure`: how an execution is doing.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionClosure {
    /// Its error, when it failed.
    #[prost(message, optional, tag = "2")]
    pub error: Option<ExecutionError>,
    /// Why it was aborted, when it was.
    #[prost(string, tag = "10")]
    pub abort_cause: String,
    /// `flyteidl.core.WorkflowExecution.Phase`.
    #[prost(int32, tag = "4")]
    pub phase: i32,
    /// When it started running.
    #[prost(message, optional, tag = "5")]
    pub started_at: Option<prost_types::Timestamp>,
    /// How long it ran.
    #[prost(message, optional, tag = "6")]
    pub duration: Option<prost_types::Duration>,
    /// When it was created.
    #[prost(message, optional, tag = "7")]
    pub created_at: Option<prost_types::Timestamp>,
    /// The workflow it runs.
    #[prost(message, optional, tag = "11")]
    pub workflow_id: Option<Identifier>,
}

/// `flyteidl.admin.Execution`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Execution {
    /// Its identifier.
    #[prost(message, optional, tag = "1")]
    pub id: Option<WorkflowExecutionIdentifier>,
    /// What it runs.
    #[prost(message, optional, tag = "2")]
    pub spec: Option<ExecutionSpec>,
    /// Its state.
    #[prost(message, optional, tag = "3")]
    pub closure: Option<ExecutionClosure>,
}

/// `flyteidl.admin.WorkflowExecutionGetDataResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionDataResponse {
    /// Where the outputs are, when flyteadmin does not send them inline (too large).
    #[prost(message, optional, tag = "1")]
    pub outputs: Option<UrlBlob>,
    /// The inputs.
    #[prost(message, optional, tag = "3")]
    pub full_inputs: Option<LiteralMap>,
    /// The outputs.
    #[prost(message, optional, tag = "4")]
    pub full_outputs: Option<LiteralMap>,
}

/// `flyteidl.admin.UrlBlob`: data at a URL (signed, or the store's own).
#[derive(Clone, PartialEq, prost::Message)]
pub struct UrlBlob {
    /// Where.
    #[prost(string, tag = "1")]
    pub url: String,
    /// How big.
    #[prost(int64, tag = "2")]
    pub bytes: i64,
}

/// `flyteidl.admin.ExecutionTerminateRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionTerminateRequest {
    /// The execution.
    #[prost(message, optional, tag = "1")]
    pub id: Option<WorkflowExecutionIdentifier>,
    /// Why.
    #[prost(string, tag = "2")]
    pub cause: String,
}

/// `flyteidl.service.CreateUploadLocationRequest`: where to upload a file.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CreateUploadLocationRequest {
    /// Project.
    #[prost(string, tag = "1")]
    pub project: String,
    /// Domain.
    #[prost(string, tag = "2")]
    pub domain: String,
    /// The file's name.
    #[prost(string, tag = "3")]
    pub filename: String,
    /// The MD5 of its contents.
    #[prost(bytes = "vec", tag = "5")]
    pub content_md5: Vec<u8>,
    /// The folder it goes in (instead of one named by its MD5): the files of one
    /// uploaded folder share it.
    #[prost(string, tag = "6")]
    pub filename_root: String,
}

/// `flyteidl.service.CreateUploadLocationResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CreateUploadLocationResponse {
    /// Where to `PUT` the contents.
    #[prost(string, tag = "1")]
    pub signed_url: String,
    /// Where the file is then, as tasks read it (`s3://...`).
    #[prost(string, tag = "2")]
    pub native_url: String,
    /// Headers the `PUT` must carry.
    #[prost(map = "string, string", tag = "4")]
    pub headers: std::collections::HashMap<String, String>,
}
