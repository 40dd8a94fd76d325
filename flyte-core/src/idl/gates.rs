//! Gate nodes as Flyte's `GateNode` (sleep, signal, approve), as flytekit writes them.

use super::core as pb;
use super::values::{duration, literal_type};
use crate::workflow::gate::{GateKind, GateSpec};

/// `flyteidl.core.SleepCondition`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct SleepCondition {
    /// How long.
    #[prost(message, optional, tag = "1")]
    #[serde(serialize_with = "crate::idl::json::optional_duration")]
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
    pub r#type: Option<pb::LiteralType>,
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

/// A gate's target and metadata: its name, and a timeout for every gate (a sleep's
/// too, as flytekit writes it).
pub(super) fn gate_node(gate: &GateSpec) -> (pb::node::Target, pb::NodeMetadata) {
    use gate_node::Condition;
    let condition = match &gate.kind {
        GateKind::Sleep(d) => Condition::Sleep(SleepCondition {
            duration: Some(duration(*d)),
        }),
        GateKind::Signal { id, ty } => Condition::Signal(SignalCondition {
            signal_id: id.clone(),
            r#type: Some(literal_type(ty)),
            output_variable_name: "o0".to_string(),
        }),
        GateKind::Approve { id, .. } => Condition::Approve(ApproveCondition {
            signal_id: id.clone(),
        }),
    };
    let metadata = pb::NodeMetadata {
        name: gate.name().to_string(),
        timeout: Some(duration(gate.timeout)),
        retries: Some(pb::RetryStrategy { retries: 0 }),
        interruptible: None,
        cacheable: None,
        cache_version: None,
        cache_serializable: None,
    };
    let target = pb::node::Target::GateNode(GateNode {
        condition: Some(condition),
    });
    (target, metadata)
}
