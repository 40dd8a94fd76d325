//! A finished branch node: its cases (a condition and the sub-graph it runs) and what
//! happens when none holds.

use std::sync::Arc;

use super::WorkflowSpec;
use super::condition::Condition;
use crate::interface::Interface;
use crate::types::Value;

/// One case of a branch: its condition and the sub-graph it runs.
#[derive(Debug)]
pub struct Case {
    /// When the case runs.
    pub condition: Condition,
    /// What it runs; its inputs are the branch node's inputs.
    pub spec: Arc<WorkflowSpec>,
}

/// What a branch does when no condition holds.
#[derive(Debug)]
pub enum Fallback {
    /// Runs this sub-graph.
    Case(Arc<WorkflowSpec>),
    /// Fails the node with this message.
    Fail(String),
}

/// A finished branch node.
#[derive(Debug)]
pub struct BranchSpec {
    /// The cases, tried in order.
    pub cases: Vec<Case>,
    /// What happens when none holds.
    pub otherwise: Fallback,
    /// Inputs (the outer values the branch reads, `c0`, `c1`, ...) and outputs.
    pub interface: Interface,
}

impl BranchSpec {
    /// Every sub-graph the branch may run: each case's, then the fallback's.
    pub fn graphs(&self) -> impl Iterator<Item = &Arc<WorkflowSpec>> {
        let otherwise = match &self.otherwise {
            Fallback::Case(spec) => Some(spec),
            Fallback::Fail(_) => None,
        };
        self.cases.iter().map(|c| &c.spec).chain(otherwise)
    }

    /// The sub-graph to run for these inputs, or the failure message.
    pub fn choose(&self, inputs: &[Value]) -> Result<&Arc<WorkflowSpec>, &str> {
        for case in &self.cases {
            if case.condition.holds(inputs) {
                return Ok(&case.spec);
            }
        }
        match &self.otherwise {
            Fallback::Case(spec) => Ok(spec),
            Fallback::Fail(message) => Err(message),
        }
    }
}
