//! Messages of `flyteidl/core/workflow.proto` for gate nodes: `GateNode` and its
//! sleep, signal and approve conditions.

/// `flyteidl.core.SleepCondition`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct SleepCondition {
    /// How long.
    #[prost(message, optional, tag = "1")]
    #[serde(serialize_with = "crate::idl::schema::json::optional_duration")]
    pub duration: Option<prost_types::Duration>,
}

/// `flyteidl.core.SignalCondition`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct SignalCondition {
    /// The signal's name.
    #[prost(string, tag = "1")]
    pub signal_id: String,
    /// The value's type.
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<super::LiteralType>,
    /// The output that holds the value.
    #[prost(string, tag = "3")]
    pub output_variable_name: String,
}

/// `flyteidl.core.ApproveCondition`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ApproveCondition {
    /// The signal's name.
    #[prost(string, tag = "1")]
    pub signal_id: String,
}

/// `flyteidl.core.GateNode`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct GateNode {
    /// What it waits for.
    #[prost(oneof = "gate_node::Condition", tags = "1, 2, 3")]
    pub condition: Option<gate_node::Condition>,
}

/// The `condition` oneof of [`GateNode`].
pub mod gate_node {
    /// `GateNode.condition`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Condition {
        /// `approve`
        #[prost(message, tag = "1")]
        Approve(super::ApproveCondition),
        /// `signal`
        #[prost(message, tag = "2")]
        Signal(super::SignalCondition),
        /// `sleep`
        #[prost(message, tag = "3")]
        Sleep(super::SleepCondition),
    }
}
