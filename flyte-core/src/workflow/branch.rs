//! Conditionals: a branch node that runs only the case whose condition holds.
//!
//! In a workflow body, `#[workflow]` turns comparisons, `&&` and `||` inside `when(..)`
//! into [`Cond`]itions, and each case's closure builds a sub-graph:
//!
//! ```
//! # extern crate flytekit_core as flytekit;
//! use flytekit::prelude::*;
//! // Users write these through the `flytekit` crate; here they are named directly.
//! # use flytekit_macros::{task, workflow};
//!
//! #[task(crate = ::flytekit_core)]
//! fn double(x: i64) -> i64 { x * 2 }
//! #[task(crate = ::flytekit_core)]
//! fn negate(x: i64) -> i64 { -x }
//!
//! #[workflow(crate = ::flytekit_core)]
//! fn pick(x: i64, mode: String) -> i64 {
//!     when(x > 10 && mode == "fast")
//!         .then(|| double(x))
//!         .when(x < 0)
//!         .then(|| negate(x))
//!         .otherwise(|| x)
//! }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! assert_eq!(pick::run(20, "fast".into()).await.unwrap(), 40);
//! assert_eq!(pick::run(-3, "slow".into()).await.unwrap(), 3);
//! assert_eq!(pick::run(5, "slow".into()).await.unwrap(), 5);
//! # }
//! ```
//!
//! Every case returns the same output type (a closure returning another type does
//! not compile); only the chosen case's nodes run.
//!
//! The conditions are in `condition`, the recorded conditional in `draft`, its
//! compilation into sub-graphs in `graph`, and the finished node in `branch_spec`.

use std::marker::PhantomData;

use super::WorkflowBuilder;
use super::condition::{Cond, IntoCondition};
use super::draft::{BranchDraft, CaseDraft, DraftKind, Otherwise};
use super::promise::{NodeIndex, Promise, Wire};
use crate::interface::{Interface, Variable, default_output_name};
use crate::types::{FlyteType, Outputs};

/// What a case returns: a promise, a tuple of promises, or `()`; every case of one
/// conditional returns the same type.
#[doc(hidden)]
pub trait BranchOutput: Sized {
    /// The outputs the branch node gives.
    type Outputs: Outputs;
    /// The wire of each promise.
    fn wires(self) -> Vec<Wire>;
    /// Promises for the outputs of node `node`.
    fn promises(node: NodeIndex) -> Self;
}

impl<T: FlyteType> BranchOutput for Promise<T> {
    type Outputs = T;
    fn wires(self) -> Vec<Wire> {
        vec![self.wire()]
    }
    fn promises(node: NodeIndex) -> Self {
        Promise::new(node, 0)
    }
}

impl BranchOutput for () {
    type Outputs = ();
    fn wires(self) -> Vec<Wire> {
        Vec::new()
    }
    fn promises(_: NodeIndex) -> Self {}
}

macro_rules! branch_tuples {
    ($n:expr; $t:ident $b:ident $v:ident $i:tt) => {};
    ($n:expr; $($t:ident $b:ident $v:ident $i:tt),+) => {
        impl<$($t: FlyteType),+> BranchOutput for ($(Promise<$t>,)+) {
            type Outputs = ($($t,)+);
            fn wires(self) -> Vec<Wire> {
                vec![$(self.$i.wire()),+]
            }
            fn promises(node: NodeIndex) -> Self {
                ($(Promise::new(node, $i),)+)
            }
        }
    };
}

crate::types::for_each_arity!(branch_tuples);

/// Starts a conditional in a workflow body: `when(cond).then(|| ..)`.
#[allow(non_camel_case_types)]
pub struct when {}

impl when {
    /// Called by `#[workflow]`-generated code.
    #[doc(hidden)]
    pub fn __flyte_node(wf: &WorkflowBuilder) -> WhenStart<'_> {
        WhenStart { wf }
    }
}

/// `when` in a workflow body, before its condition.
pub struct WhenStart<'w> {
    wf: &'w WorkflowBuilder,
}

impl<'w> WhenStart<'w> {
    /// The first case's condition.
    pub fn call(self, cond: impl IntoCondition) -> When<'w> {
        When {
            wf: self.wf,
            cases: Vec::new(),
            cond: cond.into_condition(),
        }
    }
}

/// A condition waiting for its case.
pub struct When<'w> {
    wf: &'w WorkflowBuilder,
    cases: Vec<CaseDraft>,
    cond: Cond,
}

impl<'w> When<'w> {
    /// The nodes to run when the condition holds.
    pub fn then<P: BranchOutput>(self, body: impl FnOnce() -> P) -> Then<'w, P> {
        let (scope, out) = self.wf.in_new_scope(body);
        let mut cases = self.cases;
        cases.push(CaseDraft {
            cond: self.cond,
            scope,
            outputs: out.wires(),
        });
        Then {
            wf: self.wf,
            cases,
            _output: PhantomData,
        }
    }
}

/// A conditional with at least one case.
pub struct Then<'w, P> {
    wf: &'w WorkflowBuilder,
    cases: Vec<CaseDraft>,
    _output: PhantomData<fn() -> P>,
}

impl<'w, P: BranchOutput> Then<'w, P> {
    /// Another case, tried when the earlier ones do not hold.
    pub fn when(self, cond: impl IntoCondition) -> ThenWhen<'w, P> {
        ThenWhen {
            wf: self.wf,
            cases: self.cases,
            cond: cond.into_condition(),
            _output: PhantomData,
        }
    }

    /// The nodes to run when no condition holds; ends the conditional.
    pub fn otherwise(self, body: impl FnOnce() -> P) -> P {
        let (scope, out) = self.wf.in_new_scope(body);
        self.finish(Otherwise::Case {
            scope,
            outputs: out.wires(),
        })
    }

    /// Fails the node with `message` when no condition holds; ends the conditional.
    pub fn fail(self, message: impl Into<String>) -> P {
        self.finish(Otherwise::Fail(message.into()))
    }

    fn finish(self, otherwise: Otherwise) -> P {
        let types = <P::Outputs as Outputs>::types();
        let outputs: Vec<Variable> = types
            .into_iter()
            .enumerate()
            .map(|(i, ty)| Variable {
                name: default_output_name(i),
                ty,
            })
            .collect();
        let draft = BranchDraft {
            cases: self.cases,
            otherwise,
            outputs: outputs.clone(),
        };
        let interface = Interface {
            inputs: Vec::new(),
            outputs,
        };
        let index = self
            .wf
            .push_draft(DraftKind::Branch(draft), interface, Vec::new());
        P::promises(index)
    }
}

/// A further condition waiting for its case.
pub struct ThenWhen<'w, P> {
    wf: &'w WorkflowBuilder,
    cases: Vec<CaseDraft>,
    cond: Cond,
    _output: PhantomData<fn() -> P>,
}

impl<'w, P: BranchOutput> ThenWhen<'w, P> {
    /// The nodes to run when this condition holds.
    pub fn then(self, body: impl FnOnce() -> P) -> Then<'w, P> {
        When {
            wf: self.wf,
            cases: self.cases,
            cond: self.cond,
        }
        .then(body)
    }
}
