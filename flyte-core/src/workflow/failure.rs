//! What a workflow does when a node fails: its [`FailurePolicy`] (stop starting nodes
//! at once, or run every node that does not need the failed one first), and an
//! on-failure task ([`FailureNode`], Flyte's failure node `fn0`) that receives the
//! workflow's inputs and the error.

use crate::interface::Interface;
use crate::task::{ConfigError, DynTask};
use crate::types::{FlyteError, FlyteType, LiteralType};

/// When a workflow with a failed node stops (Flyte's `WorkflowMetadata.OnFailurePolicy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailurePolicy {
    /// No new node starts after the first failure; nodes already running finish.
    #[default]
    FailImmediately,
    /// Every node that does not need a failed one still runs; then the workflow fails.
    FailAfterExecutableNodesComplete,
}

/// The task a workflow runs when it fails (`#[workflow(on_failure = cleanup)]`), and
/// where each of its inputs comes from.
#[derive(Clone)]
pub struct FailureNode {
    /// The task.
    pub task: &'static dyn DynTask,
    pub(crate) inputs: Vec<FailureInput>,
}

impl std::fmt::Debug for FailureNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FailureNode")
            .field("task", &self.task.name())
            .finish()
    }
}

/// Where an input of the failure task comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FailureInput {
    /// The workflow's input of this position (same name and type).
    Workflow(usize),
    /// The error (`err: Option<FlyteError>`).
    Error,
}

impl FailureNode {
    /// The failure node for `task` in a workflow with `interface`: each input of the
    /// task is a workflow input of the same name and type, or `err` of type
    /// `Option<FlyteError>`.
    pub(crate) fn new(
        task: &'static dyn DynTask,
        interface: &Interface,
    ) -> Result<Self, ConfigError> {
        let err_type = <Option<FlyteError> as FlyteType>::literal_type();
        let bad = |input: &str, reason: String| ConfigError::BadFailureTask {
            task: task.name().to_string(),
            input: input.to_string(),
            reason,
        };
        let mut inputs = Vec::new();
        for var in task.interface().inputs {
            if var.name == "err" {
                if var.ty != err_type {
                    return Err(bad(
                        "err",
                        format!("is {}; it must be Option<FlyteError>", var.ty),
                    ));
                }
                inputs.push(FailureInput::Error);
                continue;
            }
            let Some(index) = interface.inputs.iter().position(|w| w.name == var.name) else {
                let names = interface.input_names().join(", ");
                return Err(bad(
                    &var.name,
                    format!("is not an input of the workflow (its inputs: {names}), nor `err`"),
                ));
            };
            let wf_type: &LiteralType = &interface.inputs[index].ty;
            if *wf_type != var.ty {
                return Err(bad(
                    &var.name,
                    format!("is {}, but the workflow's input is {wf_type}", var.ty),
                ));
            }
            inputs.push(FailureInput::Workflow(index));
        }
        Ok(FailureNode { task, inputs })
    }
}
