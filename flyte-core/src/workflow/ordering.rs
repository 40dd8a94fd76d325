//! Ordering without data: `a >> b` in a workflow body makes `b`'s nodes wait for
//! `a`'s, as flytekit's `>>` does. Either side may be a call, a promise, the handle of
//! a node without outputs ([`Done`]), or a tuple or `Vec` of them.

use super::builder::{Done, WorkflowBuilder};
use super::promise::{INPUTS, NodeIndex, Promise};

/// Values that stand for nodes of a graph being built.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a node of the workflow",
    label = "`>>` in a workflow body orders nodes: both sides must be task or workflow calls, their outputs, or tuples or `Vec`s of them",
    note = "to shift an integer in a workflow body, do it in a task"
)]
pub trait NodeRefs {
    /// Adds the nodes' positions to `out`.
    #[doc(hidden)]
    fn node_refs(&self, out: &mut Vec<NodeIndex>);
}

impl NodeRefs for Done {
    fn node_refs(&self, out: &mut Vec<NodeIndex>) {
        out.push(self.node);
    }
}

impl<T> NodeRefs for Promise<T> {
    fn node_refs(&self, out: &mut Vec<NodeIndex>) {
        // A workflow input is there from the start: nothing to wait for.
        if self.node() != INPUTS {
            out.push(self.node());
        }
    }
}

impl<T: NodeRefs> NodeRefs for Vec<T> {
    fn node_refs(&self, out: &mut Vec<NodeIndex>) {
        self.iter().for_each(|t| t.node_refs(out));
    }
}

impl<T: NodeRefs> NodeRefs for &T {
    fn node_refs(&self, out: &mut Vec<NodeIndex>) {
        (**self).node_refs(out);
    }
}

macro_rules! node_refs_tuples {
    ($n:expr; $($t:ident $b:ident $v:ident $i:tt),+) => {
        impl<$($t: NodeRefs),+> NodeRefs for ($($t,)+) {
            fn node_refs(&self, out: &mut Vec<NodeIndex>) {
                $(self.$i.node_refs(out);)+
            }
        }
    };
}

crate::types::for_each_arity!(node_refs_tuples);

/// `before >> after` in a workflow body: every node of `after` waits for every node
/// of `before`; returns `after`, so `a >> b >> c` chains.
#[doc(hidden)]
pub fn order<A: NodeRefs, B: NodeRefs>(wf: &WorkflowBuilder, before: A, after: B) -> B {
    let (mut b, mut a) = (Vec::new(), Vec::new());
    before.node_refs(&mut b);
    after.node_refs(&mut a);
    wf.order(&b, &a);
    after
}
