//! `flyteidl/core/dynamic_job.proto`: what a dynamic task hands Flyte (`futures.pb`).

use super::*;

/// `flyteidl.core.DynamicJobSpec`: the graph a dynamic task built at run time, for
/// Flyte to run in its place.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct DynamicJobSpec {
    /// The nodes (`dn0`, `dn1`, ...).
    #[prost(message, repeated, tag = "1")]
    pub nodes: Vec<Node>,
    /// How many nodes must succeed: all of them, as flytekit writes it.
    #[prost(int64, tag = "2")]
    pub min_successes: i64,
    /// The task's outputs, bound to the nodes' outputs.
    #[prost(message, repeated, tag = "3")]
    pub outputs: Vec<Binding>,
    /// The templates of the tasks the nodes run.
    #[prost(message, repeated, tag = "4")]
    pub tasks: Vec<TaskTemplate>,
    /// The templates of the subworkflows the nodes run.
    #[prost(message, repeated, tag = "5")]
    pub subworkflows: Vec<WorkflowTemplate>,
}
