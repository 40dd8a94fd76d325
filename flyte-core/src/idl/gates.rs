//! Gate nodes as Flyte's `GateNode` (sleep, signal, approve), as flytekit writes them.

pub use super::core::{ApproveCondition, GateNode, SignalCondition, SleepCondition, gate_node};

use super::core as pb;
use super::values::{duration, literal_type};
use crate::workflow::gate::{GateKind, GateSpec};

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
