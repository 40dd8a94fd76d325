//! `flyteidl/admin/{common,execution,node_execution,task_execution,signal}.proto`: the
//! messages of flyteadmin's listing, node and task execution, relaunch, recover and
//! signal calls, with flyteidl 1.16's field numbers (the stand-in flyteadmin in
//! `tests/remote` parses each with the Python flyteidl package).

use super::admin_service::{
    ExecutionError, ExecutionMetadata, UrlBlob, WorkflowExecutionIdentifier,
};
use super::core::{Identifier, Literal, LiteralMap, LiteralType};

/// `flyteidl.admin.NamedEntityIdentifier`: a project and domain (and a name, for
/// entities).
#[derive(Clone, PartialEq, prost::Message)]
pub struct NamedEntityIdentifier {
    /// Project.
    #[prost(string, tag = "1")]
    pub project: String,
    /// Domain.
    #[prost(string, tag = "2")]
    pub domain: String,
    /// Name (empty for all).
    #[prost(string, tag = "3")]
    pub name: String,
}

/// `flyteidl.admin.Sort`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Sort {
    /// The field, such as `created_at`.
    #[prost(string, tag = "1")]
    pub key: String,
    /// 0 descending, 1 ascending.
    #[prost(int32, tag = "2")]
    pub direction: i32,
}

/// `flyteidl.admin.ResourceListRequest` (`ListExecutions`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResourceListRequest {
    /// Project and domain.
    #[prost(message, optional, tag = "1")]
    pub id: Option<NamedEntityIdentifier>,
    /// How many at most.
    #[prost(uint32, tag = "2")]
    pub limit: u32,
    /// Where the previous page ended.
    #[prost(string, tag = "3")]
    pub token: String,
    /// flyteadmin's filter expression (`eq(phase,FAILED)+eq(workflow.name,x)`).
    #[prost(string, tag = "4")]
    pub filters: String,
    /// The order.
    #[prost(message, optional, tag = "5")]
    pub sort_by: Option<Sort>,
}

/// `flyteidl.admin.ExecutionList`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionList {
    /// One page.
    #[prost(message, repeated, tag = "1")]
    pub executions: Vec<super::admin_service::Execution>,
    /// The next page's token (empty at the end).
    #[prost(string, tag = "2")]
    pub token: String,
}

/// `flyteidl.admin.ExecutionRelaunchRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionRelaunchRequest {
    /// The execution to run again.
    #[prost(message, optional, tag = "1")]
    pub id: Option<WorkflowExecutionIdentifier>,
    /// The new execution's name (empty: flyteadmin makes one).
    #[prost(string, tag = "3")]
    pub name: String,
    /// Run cached tasks again.
    #[prost(bool, tag = "4")]
    pub overwrite_cache: bool,
}

/// `flyteidl.admin.ExecutionRecoverRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutionRecoverRequest {
    /// The failed execution.
    #[prost(message, optional, tag = "1")]
    pub id: Option<WorkflowExecutionIdentifier>,
    /// The new execution's name (empty: flyteadmin makes one).
    #[prost(string, tag = "2")]
    pub name: String,
    /// Who recovers it.
    #[prost(message, optional, tag = "3")]
    pub metadata: Option<ExecutionMetadata>,
}

/// `flyteidl.core.NodeExecutionIdentifier`.
#[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
pub struct NodeExecutionIdentifier {
    /// The node's id (`n0`, or a child's `n1-0-n0` in dynamic and subworkflow
    /// children).
    #[prost(string, tag = "1")]
    pub node_id: String,
    /// Its execution.
    #[prost(message, optional, tag = "2")]
    pub execution_id: Option<WorkflowExecutionIdentifier>,
}

/// `flyteidl.admin.NodeExecutionListRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeExecutionListRequest {
    /// The execution.
    #[prost(message, optional, tag = "1")]
    pub workflow_execution_id: Option<WorkflowExecutionIdentifier>,
    /// How many at most.
    #[prost(uint32, tag = "2")]
    pub limit: u32,
    /// Where the previous page ended.
    #[prost(string, tag = "3")]
    pub token: String,
    /// Filters.
    #[prost(string, tag = "4")]
    pub filters: String,
    /// The order.
    #[prost(message, optional, tag = "5")]
    pub sort_by: Option<Sort>,
    /// The parent node's id, to list its children (dynamic, subworkflow, map).
    #[prost(string, tag = "6")]
    pub unique_parent_id: String,
}

/// `flyteidl.admin.NodeExecutionList`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeExecutionList {
    /// One page.
    #[prost(message, repeated, tag = "1")]
    pub node_executions: Vec<NodeExecution>,
    /// The next page's token.
    #[prost(string, tag = "2")]
    pub token: String,
}

/// `flyteidl.admin.NodeExecution`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeExecution {
    /// Which.
    #[prost(message, optional, tag = "1")]
    pub id: Option<NodeExecutionIdentifier>,
    /// Where its inputs are (`inputs.pb`).
    #[prost(string, tag = "2")]
    pub input_uri: String,
    /// How it went.
    #[prost(message, optional, tag = "3")]
    pub closure: Option<NodeExecutionClosure>,
    /// What kind of node it is.
    #[prost(message, optional, tag = "4")]
    pub metadata: Option<NodeExecutionMetaData>,
}

/// `flyteidl.admin.NodeExecutionClosure`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeExecutionClosure {
    /// Where its outputs are.
    #[prost(string, tag = "1")]
    pub output_uri: String,
    /// Its error, when it failed.
    #[prost(message, optional, tag = "2")]
    pub error: Option<ExecutionError>,
    /// `flyteidl.core.NodeExecution.Phase`.
    #[prost(int32, tag = "3")]
    pub phase: i32,
    /// When it started.
    #[prost(message, optional, tag = "4")]
    pub started_at: Option<prost_types::Timestamp>,
    /// How long it ran.
    #[prost(message, optional, tag = "5")]
    pub duration: Option<prost_types::Duration>,
}

/// `flyteidl.admin.NodeExecutionMetaData`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeExecutionMetaData {
    /// The retry group of a child node.
    #[prost(string, tag = "1")]
    pub retry_group: String,
    /// Whether it has children (a subworkflow, a dynamic task, a branch).
    #[prost(bool, tag = "2")]
    pub is_parent_node: bool,
    /// The node's id in the workflow's spec.
    #[prost(string, tag = "3")]
    pub spec_node_id: String,
    /// Whether it is a dynamic task.
    #[prost(bool, tag = "4")]
    pub is_dynamic: bool,
    /// Whether it is an array (map) node.
    #[prost(bool, tag = "5")]
    pub is_array: bool,
}

/// `flyteidl.admin.NodeExecutionGetDataRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeExecutionGetDataRequest {
    /// The node execution.
    #[prost(message, optional, tag = "1")]
    pub id: Option<NodeExecutionIdentifier>,
}

/// `flyteidl.admin.NodeExecutionGetDataResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NodeExecutionGetDataResponse {
    /// Where its inputs are, when not sent inline.
    #[prost(message, optional, tag = "1")]
    pub inputs: Option<UrlBlob>,
    /// Where its outputs are, when not sent inline.
    #[prost(message, optional, tag = "2")]
    pub outputs: Option<UrlBlob>,
    /// Its inputs.
    #[prost(message, optional, tag = "3")]
    pub full_inputs: Option<LiteralMap>,
    /// Its outputs.
    #[prost(message, optional, tag = "4")]
    pub full_outputs: Option<LiteralMap>,
}

/// `flyteidl.core.TaskExecutionIdentifier`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TaskExecutionIdentifier {
    /// The task that ran.
    #[prost(message, optional, tag = "1")]
    pub task_id: Option<Identifier>,
    /// Its node execution.
    #[prost(message, optional, tag = "2")]
    pub node_execution_id: Option<NodeExecutionIdentifier>,
    /// The attempt, from 0.
    #[prost(uint32, tag = "3")]
    pub retry_attempt: u32,
}

/// `flyteidl.admin.TaskExecutionListRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TaskExecutionListRequest {
    /// The node execution.
    #[prost(message, optional, tag = "1")]
    pub node_execution_id: Option<NodeExecutionIdentifier>,
    /// How many at most.
    #[prost(uint32, tag = "2")]
    pub limit: u32,
    /// Where the previous page ended.
    #[prost(string, tag = "3")]
    pub token: String,
    /// Filters.
    #[prost(string, tag = "4")]
    pub filters: String,
    /// The order.
    #[prost(message, optional, tag = "5")]
    pub sort_by: Option<Sort>,
}

/// `flyteidl.admin.TaskExecutionList`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TaskExecutionList {
    /// One page.
    #[prost(message, repeated, tag = "1")]
    pub task_executions: Vec<TaskExecution>,
    /// The next page's token.
    #[prost(string, tag = "2")]
    pub token: String,
}

/// `flyteidl.admin.TaskExecution`: one attempt of a task node.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TaskExecution {
    /// Which task, node and attempt.
    #[prost(message, optional, tag = "1")]
    pub id: Option<TaskExecutionIdentifier>,
    /// Where its inputs are.
    #[prost(string, tag = "2")]
    pub input_uri: String,
    /// How it went.
    #[prost(message, optional, tag = "3")]
    pub closure: Option<TaskExecutionClosure>,
}

/// `flyteidl.admin.TaskExecutionClosure`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TaskExecutionClosure {
    /// Its error, when it failed.
    #[prost(message, optional, tag = "2")]
    pub error: Option<ExecutionError>,
    /// `flyteidl.core.TaskExecution.Phase`.
    #[prost(int32, tag = "3")]
    pub phase: i32,
    /// Its logs.
    #[prost(message, repeated, tag = "4")]
    pub logs: Vec<TaskLog>,
    /// When it started.
    #[prost(message, optional, tag = "5")]
    pub started_at: Option<prost_types::Timestamp>,
    /// How long it ran.
    #[prost(message, optional, tag = "6")]
    pub duration: Option<prost_types::Duration>,
}

/// `flyteidl.core.TaskLog`: a link to an attempt's logs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TaskLog {
    /// The link.
    #[prost(string, tag = "1")]
    pub uri: String,
    /// What it is (`Kubernetes Logs`, ...).
    #[prost(string, tag = "2")]
    pub name: String,
}

/// `flyteidl.core.SignalIdentifier`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SignalIdentifier {
    /// The signal's name (the gate's).
    #[prost(string, tag = "1")]
    pub signal_id: String,
    /// Its execution.
    #[prost(message, optional, tag = "2")]
    pub execution_id: Option<WorkflowExecutionIdentifier>,
}

/// `flyteidl.admin.SignalListRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SignalListRequest {
    /// The execution.
    #[prost(message, optional, tag = "1")]
    pub workflow_execution_id: Option<WorkflowExecutionIdentifier>,
    /// How many at most.
    #[prost(uint32, tag = "2")]
    pub limit: u32,
    /// Where the previous page ended.
    #[prost(string, tag = "3")]
    pub token: String,
}

/// `flyteidl.admin.SignalList`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SignalList {
    /// One page.
    #[prost(message, repeated, tag = "1")]
    pub signals: Vec<Signal>,
    /// The next page's token.
    #[prost(string, tag = "2")]
    pub token: String,
}

/// `flyteidl.admin.Signal`: a gate an execution waits on, and its value once given.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Signal {
    /// Which.
    #[prost(message, optional, tag = "1")]
    pub id: Option<SignalIdentifier>,
    /// The value's type.
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<LiteralType>,
    /// The value, once set.
    #[prost(message, optional, tag = "3")]
    pub value: Option<Literal>,
}

/// `flyteidl.admin.SignalSetRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SignalSetRequest {
    /// Which.
    #[prost(message, optional, tag = "1")]
    pub id: Option<SignalIdentifier>,
    /// The value.
    #[prost(message, optional, tag = "2")]
    pub value: Option<Literal>,
}

/// `flyteidl.admin.LaunchPlanList` (only the identifiers are read).
#[derive(Clone, PartialEq, prost::Message)]
pub struct LaunchPlanList {
    /// One page.
    #[prost(message, repeated, tag = "1")]
    pub launch_plans: Vec<LaunchPlanId>,
    /// The next page's token.
    #[prost(string, tag = "2")]
    pub token: String,
}

/// `flyteidl.admin.LaunchPlan` with its identifier only.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LaunchPlanId {
    /// Its identifier.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
}

/// `flyteidl.admin.ObjectGetRequest` (`GetWorkflow`, `GetTask`, ...).
#[derive(Clone, PartialEq, prost::Message)]
pub struct ObjectGetRequest {
    /// The entity.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
}

/// `flyteidl.admin.Workflow` with its compiled closure only.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Workflow {
    /// Its identifier.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
    /// What flyteadmin compiled.
    #[prost(message, optional, tag = "2")]
    pub closure: Option<WorkflowClosure>,
}

/// `flyteidl.admin.WorkflowClosure` (the compiled workflow only).
#[derive(Clone, PartialEq, prost::Message)]
pub struct WorkflowClosure {
    /// The compiled workflow.
    #[prost(message, optional, tag = "1")]
    pub compiled_workflow: Option<CompiledWorkflowClosure>,
}

/// `flyteidl.core.CompiledWorkflowClosure` (the primary workflow and the
/// subworkflows).
#[derive(Clone, PartialEq, prost::Message)]
pub struct CompiledWorkflowClosure {
    /// The workflow itself.
    #[prost(message, optional, tag = "1")]
    pub primary: Option<CompiledWorkflow>,
    /// Its subworkflows.
    #[prost(message, repeated, tag = "2")]
    pub sub_workflows: Vec<CompiledWorkflow>,
}

/// `flyteidl.core.CompiledWorkflow` (the template only).
#[derive(Clone, PartialEq, prost::Message)]
pub struct CompiledWorkflow {
    /// The template.
    #[prost(message, optional, tag = "1")]
    pub template: Option<super::core::WorkflowTemplate>,
}
