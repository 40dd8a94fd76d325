//! `flyteidl/core/workflow.proto` and `condition.proto`: nodes, branches, array
//! nodes and workflow templates.

use super::*;

/// `flyteidl.core.NodeMetadata`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct NodeMetadata {
    /// A friendly name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Timeout of one attempt.
    #[prost(message, optional, tag = "4")]
    #[serde(serialize_with = "crate::idl::schema::json::optional_duration")]
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
    /// What the node runs.
    #[prost(oneof = "workflow_node::Reference", tags = "1, 2")]
    pub reference: Option<workflow_node::Reference>,
}

/// The `reference` oneof of [`WorkflowNode`].
pub mod workflow_node {
    use super::Identifier;

    /// `WorkflowNode.reference`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Reference {
        /// `launchplan_ref`: a child execution of a registered launch plan.
        #[prost(message, tag = "1")]
        LaunchplanRef(Identifier),
        /// `sub_workflow_ref`: a subworkflow embedded in the workflow's spec.
        #[prost(message, tag = "2")]
        SubWorkflowRef(Identifier),
    }
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
        GateNode(super::GateNode),
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
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<ComparisonOperator, _>")]
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
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<LogicalOperator, _>")]
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

/// `flyteidl.core.ArrayNode.ExecutionMode`: how much state each sub-node keeps.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum ArrayExecutionMode {
    /// `MINIMAL_STATE`: task sub-nodes.
    MinimalState = 0,
    /// `FULL_STATE`: sub-nodes that are workflows or launch plans.
    FullState = 1,
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
    /// How many items must succeed: a count or a share.
    #[prost(oneof = "array_node::SuccessCriteria", tags = "3, 4")]
    pub success_criteria: Option<array_node::SuccessCriteria>,
    /// How much state each sub-node keeps.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<ArrayExecutionMode, _>")]
    #[prost(enumeration = "ArrayExecutionMode", tag = "5")]
    pub execution_mode: i32,
    /// Whether the sub-node's interface is the task's own (items, not lists).
    #[prost(message, optional, tag = "6")]
    pub is_original_sub_node_interface: Option<bool>,
    /// How sub-nodes get their inputs.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<ArrayDataMode, _>")]
    #[prost(enumeration = "ArrayDataMode", tag = "7")]
    pub data_mode: i32,
    /// Inputs every item gets whole (not mapped over).
    #[prost(string, repeated, tag = "8")]
    pub bound_inputs: Vec<String>,
}

/// The `success_criteria` oneof of [`ArrayNode`].
pub mod array_node {
    /// `ArrayNode.success_criteria`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum SuccessCriteria {
        /// `min_successes`
        #[prost(uint32, tag = "3")]
        MinSuccesses(u32),
        /// `min_success_ratio`
        #[prost(float, tag = "4")]
        MinSuccessRatio(f32),
    }
}

/// `flyteidl.core.WorkflowMetadata`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct WorkflowMetadata {
    /// What happens after a node fails.
    #[prost(enumeration = "OnFailurePolicy", tag = "2")]
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<OnFailurePolicy, _>")]
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
