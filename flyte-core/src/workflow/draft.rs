//! What a workflow body records while it runs, before the graph is finished: one
//! [`Draft`] per node, a conditional's cases as a [`BranchDraft`].

use super::condition::Cond;
use super::promise::{NodeIndex, Wire};
use super::{Entity, NodeOverrides};
use crate::interface::{Interface, Variable};

/// One node as the body recorded it.
pub(super) struct Draft {
    pub(super) kind: DraftKind,
    pub(super) interface: Interface,
    pub(super) wires: Vec<Wire>,
    pub(super) scope: u32,
    /// Nodes it runs after without taking their outputs (`a >> b`).
    pub(super) after: Vec<NodeIndex>,
    /// `.with_overrides(..)` on the call; behind a pointer, as most calls have none
    /// and every node of a graph being built holds the field.
    pub(super) overrides: Option<std::sync::Arc<NodeOverrides>>,
}

/// A node: an entity, or a conditional whose cases are compiled when the graph is.
pub(super) enum DraftKind {
    Entity(Entity),
    Branch(BranchDraft),
}

/// One case of a conditional: its condition, and the scope and outputs of its body.
pub(super) struct CaseDraft {
    pub(super) cond: Cond,
    pub(super) scope: u32,
    pub(super) outputs: Vec<Wire>,
}

/// What a conditional does when no case holds.
pub(super) enum Otherwise {
    Case { scope: u32, outputs: Vec<Wire> },
    Fail(String),
}

/// A conditional as recorded while the body ran.
pub(super) struct BranchDraft {
    pub(super) cases: Vec<CaseDraft>,
    pub(super) otherwise: Otherwise,
    pub(super) outputs: Vec<Variable>,
}

impl BranchDraft {
    /// The scopes of its cases (and fallback).
    pub(super) fn scopes(&self) -> Vec<u32> {
        let mut scopes: Vec<u32> = self.cases.iter().map(|c| c.scope).collect();
        if let Otherwise::Case { scope, .. } = &self.otherwise {
            scopes.push(*scope);
        }
        scopes
    }
}
