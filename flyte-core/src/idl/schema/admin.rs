//! Messages of Flyte's `flyteidl.admin` package that registration takes: task and
//! workflow specs and launch plans (`flyteidl/admin/{task,workflow,launch_plan,
//! description_entity,common}.proto`), plus `flyteidl.core.WorkflowClosure`.

use std::collections::BTreeMap;

pub use super::admin_schedule::*;
use super::core::{
    Identifier, LiteralMap, ParameterMap, SecurityContext, TaskTemplate, VariableMap,
    WorkflowTemplate,
};

/// `flyteidl.admin.Description.DescriptionFormat`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum DescriptionFormat {
    /// `DESCRIPTION_FORMAT_UNKNOWN`
    #[serde(rename = "DESCRIPTION_FORMAT_UNKNOWN")]
    Unknown = 0,
    /// `DESCRIPTION_FORMAT_MARKDOWN`
    #[serde(rename = "DESCRIPTION_FORMAT_MARKDOWN")]
    Markdown = 1,
    /// `DESCRIPTION_FORMAT_HTML`
    #[serde(rename = "DESCRIPTION_FORMAT_HTML")]
    Html = 2,
    /// `DESCRIPTION_FORMAT_RST`
    #[serde(rename = "DESCRIPTION_FORMAT_RST")]
    Rst = 3,
}

/// `flyteidl.admin.Description`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Description {
    /// The text.
    #[prost(string, tag = "1")]
    pub value: String,
    /// Its format.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<DescriptionFormat, _>")]
    #[prost(enumeration = "DescriptionFormat", tag = "3")]
    pub format: i32,
}

/// `flyteidl.admin.DescriptionEntity`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct DescriptionEntity {
    /// One line.
    #[prost(string, tag = "2")]
    pub short_description: String,
    /// The rest.
    #[prost(message, optional, tag = "3")]
    pub long_description: Option<Description>,
}

/// `flyteidl.admin.TaskSpec`: what `pyflyte package` writes for a task.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct TaskSpec {
    /// The task.
    #[prost(message, optional, tag = "1")]
    pub template: Option<TaskTemplate>,
    /// Its description.
    #[prost(message, optional, tag = "2")]
    pub description: Option<DescriptionEntity>,
}

/// `flyteidl.admin.WorkflowSpec`: what `pyflyte package` writes for a workflow.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct WorkflowSpec {
    /// The workflow.
    #[prost(message, optional, tag = "1")]
    pub template: Option<WorkflowTemplate>,
    /// Subworkflows it uses.
    #[prost(message, repeated, tag = "2")]
    pub sub_workflows: Vec<WorkflowTemplate>,
    /// Its description.
    #[prost(message, optional, tag = "3")]
    pub description: Option<DescriptionEntity>,
}

/// `flyteidl.core.WorkflowClosure`: a workflow with the tasks it runs.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct WorkflowClosure {
    /// The workflow.
    #[prost(message, optional, tag = "1")]
    pub workflow: Option<WorkflowTemplate>,
    /// Its tasks.
    #[prost(message, repeated, tag = "2")]
    pub tasks: Vec<TaskTemplate>,
}

/// `flyteidl.admin.Labels`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Labels {
    /// Labels.
    #[prost(btree_map = "string, string", tag = "1")]
    pub values: BTreeMap<String, String>,
}

/// `flyteidl.admin.Annotations`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Annotations {
    /// Annotations.
    #[prost(btree_map = "string, string", tag = "1")]
    pub values: BTreeMap<String, String>,
}

/// `flyteidl.admin.RawOutputDataConfig`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct RawOutputDataConfig {
    /// Where raw outputs go.
    #[prost(string, tag = "1")]
    pub output_location_prefix: String,
}

/// `flyteidl.admin.LaunchPlanMetadata`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct LaunchPlanMetadata {
    /// When it runs by itself.
    #[prost(message, optional, tag = "1")]
    pub schedule: Option<Schedule>,
    /// Whom it tells, on which phases.
    #[prost(message, repeated, tag = "2")]
    pub notifications: Vec<Notification>,
}

/// `flyteidl.admin.LaunchPlanSpec`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct LaunchPlanSpec {
    /// The workflow it runs.
    #[prost(message, optional, tag = "1")]
    pub workflow_id: Option<Identifier>,
    /// Schedule and notifications.
    #[prost(message, optional, tag = "2")]
    pub entity_metadata: Option<LaunchPlanMetadata>,
    /// Inputs a run may set: defaults, or required.
    #[prost(message, optional, tag = "3")]
    pub default_inputs: Option<ParameterMap>,
    /// Inputs a run may not change.
    #[prost(message, optional, tag = "4")]
    pub fixed_inputs: Option<LiteralMap>,
    /// Labels for executions.
    #[prost(message, optional, tag = "6")]
    pub labels: Option<Labels>,
    /// Annotations for executions.
    #[prost(message, optional, tag = "7")]
    pub annotations: Option<Annotations>,
    /// Who executions run as.
    #[prost(message, optional, tag = "10")]
    pub security_context: Option<SecurityContext>,
    /// Where raw outputs go.
    #[prost(message, optional, tag = "17")]
    pub raw_output_data_config: Option<RawOutputDataConfig>,
    /// Nodes of an execution run at once.
    #[prost(int32, tag = "18")]
    pub max_parallelism: i32,
    /// Whether cached tasks run again and replace their entries.
    #[prost(bool, tag = "20")]
    pub overwrite_cache: bool,
    /// Executions of the plan at once.
    #[prost(message, optional, tag = "24")]
    pub concurrency_policy: Option<ConcurrencyPolicy>,
}

/// `flyteidl.admin.LaunchPlanClosure`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct LaunchPlanClosure {
    /// Inputs an execution must give.
    #[prost(message, optional, tag = "2")]
    pub expected_inputs: Option<ParameterMap>,
    /// Outputs it gives.
    #[prost(message, optional, tag = "3")]
    pub expected_outputs: Option<VariableMap>,
}

/// `flyteidl.admin.LaunchPlan`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct LaunchPlan {
    /// Identity.
    #[prost(message, optional, tag = "1")]
    pub id: Option<Identifier>,
    /// What it runs and with which inputs.
    #[prost(message, optional, tag = "2")]
    pub spec: Option<LaunchPlanSpec>,
    /// Filled in by the platform; empty as written.
    #[prost(message, optional, tag = "3")]
    pub closure: Option<LaunchPlanClosure>,
}
