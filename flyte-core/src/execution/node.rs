//! A node of a running graph: where it is ([`NodeAt`], the [`Prefix`] of its graph's
//! paths), and how it, or its graph, ended without outputs ([`Failed`]). Below the
//! executor's loop and the node kinds it runs, which both speak in these.

use std::sync::Arc;

use futures::future::BoxFuture;

use super::{CompletedOutputs, NodeFailure, RunShared};
use crate::task::TaskError;
use crate::types::Value;
use crate::workflow::SpecRef;

/// Runs one graph on its inputs (the executor's `run_spec`).
pub(super) type RunGraph =
    fn(SpecRef, Vec<Value>, Arc<RunShared>, Prefix) -> BoxFuture<'static, NodeResult>;

/// One node of a running graph: the graph, the node's position, what the run shares,
/// and where the graph's node paths start.
#[derive(Clone)]
pub(super) struct NodeAt {
    pub(super) spec: SpecRef,
    pub(super) index: u32,
    pub(super) shared: Arc<RunShared>,
    pub(super) prefix: Prefix,
    /// How a node that holds a graph (a branch case, a subworkflow, a launch plan)
    /// runs it: the executor's loop, handed down so that the node kinds sit below the
    /// loop that runs them.
    pub(super) run_graph: RunGraph,
}

impl NodeAt {
    /// The node's id in its graph (`n0`, `n1`, ...).
    pub(super) fn id(&self) -> &str {
        &self.spec.nodes[self.index as usize].id
    }

    /// The node's full path from the top workflow (`outer/n2/inner/n0`).
    pub(super) fn path(&self) -> String {
        format!("{}{}", self.prefix.full, self.id())
    }

    /// Where the nodes of a workflow this node runs (a subworkflow, a launch plan's)
    /// start.
    pub(super) fn nested(&self, name: &str) -> Prefix {
        Prefix::top(
            name,
            Arc::from(format!("{}{}/", self.prefix.relative, self.id())),
            Arc::from(format!("{}{}/{}/", self.prefix.full, self.id(), name)),
        )
    }

    /// Where the nodes of a branch case (`case0`, `otherwise`) start: in this
    /// node's workflow, under this node.
    pub(super) fn case(&self, label: &str) -> Prefix {
        let nested = self.nested(label);
        Prefix(Arc::new(PrefixParts {
            relative: nested.relative.clone(),
            full: nested.full.clone(),
            workflow: self.prefix.workflow.clone(),
            within: Arc::from(format!("{}{}/{label}/", self.prefix.within, self.id())),
        }))
    }

    /// A failure of this node running `task`.
    pub(super) fn failure(&self, task: &str, failure: AttemptFailure) -> Failed {
        Failed::failure(NodeFailure {
            workflow: self.prefix.workflow.to_string(),
            node: format!("{}{}", self.prefix.within, self.id()),
            path: self.path(),
            task: task.to_string(),
            attempt: failure.attempt,
            max_attempts: failure.max_attempts,
            error: failure.error,
        })
    }
}

/// How node paths of one (sub)workflow start: `n2/` and `outer/n2/inner/` for the
/// nodes of a subworkflow run by node `n2` of `outer`. One count to clone: every node
/// of a graph holds its graph's.
#[derive(Clone)]
pub(super) struct Prefix(Arc<PrefixParts>);

impl std::ops::Deref for Prefix {
    type Target = PrefixParts;
    fn deref(&self) -> &PrefixParts {
        &self.0
    }
}

/// The parts of a [`Prefix`].
pub(super) struct PrefixParts {
    pub(super) relative: Arc<str>,
    pub(super) full: Arc<str>,
    /// The workflow a failure is reported in: the graph's own, or for a branch case
    /// the workflow holding the branch (a case is part of it, not a workflow).
    pub(super) workflow: Arc<str>,
    /// The node path within that workflow, before the node's id (`n2/case0/` in a
    /// case, empty otherwise).
    pub(super) within: Arc<str>,
}

impl Prefix {
    /// The prefix of a graph that is a workflow of its own.
    pub(super) fn top(workflow: &str, relative: Arc<str>, full: Arc<str>) -> Prefix {
        Prefix(Arc::new(PrefixParts {
            relative,
            full,
            workflow: Arc::from(workflow),
            within: Arc::from(""),
        }))
    }
}

/// How a graph, or one of its nodes, ended without outputs.
pub(super) struct Failed {
    pub(super) failures: Vec<NodeFailure>,
    /// Paths of skipped nodes, when the graph could not finish because of them (no
    /// failure).
    pub(super) skipped: Vec<String>,
    /// Why the first node was skipped (a sensor's soft fail).
    pub(super) skip_reason: Option<String>,
    pub(super) completed: CompletedOutputs,
}

impl Failed {
    pub(super) fn failure(failure: NodeFailure) -> Self {
        Failed {
            failures: vec![failure],
            skipped: Vec::new(),
            skip_reason: None,
            completed: CompletedOutputs::default(),
        }
    }

    /// The node at `path` was skipped for `reason`: an outcome, not a failure.
    pub(super) fn skipped(path: String, reason: String) -> Self {
        Failed {
            failures: Vec::new(),
            skipped: vec![path],
            skip_reason: Some(reason),
            completed: CompletedOutputs::default(),
        }
    }

    pub(super) fn is_skip(&self) -> bool {
        self.failures.is_empty() && !self.skipped.is_empty()
    }
}

pub(super) type NodeResult = Result<Vec<Value>, Failed>;

/// The error of the last attempt, its number, and the number allowed.
pub(super) struct AttemptFailure {
    pub(super) error: TaskError,
    pub(super) attempt: u32,
    pub(super) max_attempts: u32,
}
