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

use std::cmp::Ordering;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use super::builder::{DraftKind, NodeIndex};
use super::graph::Graph;
use super::{Promise, Wire, WorkflowBuilder, WorkflowSpec};
use crate::interface::{Interface, Variable, default_output_name};
use crate::types::{FlyteType, Literal, Outputs, Value, downcast_value};

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(hidden)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

impl CmpOp {
    fn holds(self, ordering: Option<Ordering>) -> bool {
        match (self, ordering) {
            (CmpOp::Eq, Some(o)) => o == Ordering::Equal,
            (CmpOp::Ne, o) => o != Some(Ordering::Equal),
            (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
            (CmpOp::Ge, Some(o)) => o != Ordering::Less,
            (CmpOp::Lt, Some(o)) => o == Ordering::Less,
            (CmpOp::Le, Some(o)) => o != Ordering::Greater,
            // Incomparable values (NaN) satisfy nothing but `!=`.
            (_, None) => false,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
        }
    }
}

type CmpFn = fn(&Value, &Value) -> Option<Ordering>;

fn compare_values<T: FlyteType + PartialOrd>(a: &Value, b: &Value) -> Option<Ordering> {
    downcast_value::<T>(a).partial_cmp(&downcast_value::<T>(b))
}

/// Equality only (`==`, `!=`): `Equal` or no order, for types without `PartialOrd`.
fn equal_values<T: FlyteType + PartialEq>(a: &Value, b: &Value) -> Option<Ordering> {
    (downcast_value::<T>(a) == downcast_value::<T>(b)).then_some(Ordering::Equal)
}

/// A condition while the graph is being built (operands are wires).
#[derive(Clone)]
#[doc(hidden)]
pub struct Cond(CondNode<Wire>);

#[derive(Clone)]
enum CondNode<O> {
    Compare {
        lhs: O,
        op: CmpOp,
        rhs: O,
        cmp: CmpFn,
    },
    And(Box<CondNode<O>>, Box<CondNode<O>>),
    Or(Box<CondNode<O>>, Box<CondNode<O>>),
}

impl Cond {
    /// Both conditions hold (`&&` in a workflow body).
    pub fn and(self, other: impl IntoCondition) -> Cond {
        Cond(CondNode::And(
            Box::new(self.0),
            Box::new(other.into_condition().0),
        ))
    }

    /// Either condition holds (`||` in a workflow body).
    pub fn or(self, other: impl IntoCondition) -> Cond {
        Cond(CondNode::Or(
            Box::new(self.0),
            Box::new(other.into_condition().0),
        ))
    }
}

/// A value a comparison can take: a promise or a constant of a Flyte type with
/// `PartialEq` (`==`, `!=`) or `PartialOrd` (`<`, `<=`, `>`, `>=`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be compared in a condition",
    label = "expected a promise or a constant of a comparable Flyte type",
    note = "both sides of a comparison must have the same Flyte type; `==` and `!=` need `PartialEq`, `<` and the like `PartialOrd`"
)]
#[doc(hidden)]
pub trait IntoOperand {
    /// The type compared.
    type Value: FlyteType + PartialEq;
    /// The wire for the operand.
    fn into_wire(self) -> Wire;
}

impl<T: FlyteType + PartialEq> IntoOperand for Promise<T> {
    type Value = T;
    fn into_wire(self) -> Wire {
        self.wire()
    }
}

impl<T: FlyteType + PartialEq> IntoOperand for T {
    type Value = T;
    fn into_wire(self) -> Wire {
        Wire::Constant(self.to_literal(), crate::types::into_value(self))
    }
}

impl IntoOperand for &str {
    type Value = String;
    fn into_wire(self) -> Wire {
        IntoOperand::into_wire(self.to_string())
    }
}

/// `lhs == rhs` or `lhs != rhs`: `#[workflow]` writes this for those comparisons
/// inside `when(..)`; they need `PartialEq` only (an enum of names, say).
#[doc(hidden)]
pub fn compare_eq<A, B>(lhs: A, op: CmpOp, rhs: B) -> Cond
where
    A: IntoOperand,
    B: IntoOperand<Value = A::Value>,
{
    Cond(CondNode::Compare {
        lhs: lhs.into_wire(),
        op,
        rhs: rhs.into_wire(),
        cmp: equal_values::<A::Value>,
    })
}

/// `lhs op rhs`; `#[workflow]` writes this for each ordering comparison inside
/// `when(..)`.
#[doc(hidden)]
pub fn compare<A, B>(lhs: A, op: CmpOp, rhs: B) -> Cond
where
    A: IntoOperand,
    B: IntoOperand<Value = A::Value>,
    A::Value: PartialOrd,
{
    Cond(CondNode::Compare {
        lhs: lhs.into_wire(),
        op,
        rhs: rhs.into_wire(),
        cmp: compare_values::<A::Value>,
    })
}

/// Something `when(..)` accepts: a [`Cond`], a `Promise<bool>` (true when the value is
/// true), or a constant `bool`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a condition",
    label = "expected a comparison, `&&`/`||` of comparisons, or a `Promise<bool>`"
)]
#[doc(hidden)]
pub trait IntoCondition {
    /// The condition.
    fn into_condition(self) -> Cond;
}

impl IntoCondition for Cond {
    fn into_condition(self) -> Cond {
        self
    }
}

impl IntoCondition for Promise<bool> {
    fn into_condition(self) -> Cond {
        compare(self, CmpOp::Eq, true)
    }
}

impl IntoCondition for bool {
    fn into_condition(self) -> Cond {
        compare(self, CmpOp::Eq, true)
    }
}

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

struct CaseDraft {
    cond: Cond,
    scope: u32,
    outputs: Vec<Wire>,
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

enum Otherwise {
    Case { scope: u32, outputs: Vec<Wire> },
    Fail(String),
}

/// A conditional as recorded while the body ran.
pub(super) struct BranchDraft {
    cases: Vec<CaseDraft>,
    otherwise: Otherwise,
    outputs: Vec<Variable>,
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

    /// Every promise the conditions and the cases (nested conditionals included)
    /// read, whether made inside the cases or not.
    fn read_promises(&self, graph: &Graph<'_>, f: &mut impl FnMut(NodeIndex, u32)) {
        for case in &self.cases {
            case.cond.0.wires(&mut |w| w.promises(f));
            case.outputs.iter().for_each(|w| w.promises(f));
        }
        if let Otherwise::Case { outputs, .. } = &self.otherwise {
            outputs.iter().for_each(|w| w.promises(f));
        }
        let scopes = self.scopes();
        for draft in graph.drafts {
            if scopes.iter().any(|&s| graph.within(draft.scope, s)) {
                draft.wires.iter().for_each(|w| w.promises(f));
                if let DraftKind::Branch(inner) = &draft.kind {
                    inner.read_promises(graph, f);
                }
            }
        }
    }

    /// The values from outside the cases that the branch reads, in first-use order:
    /// the branch node's inputs `c0`, `c1`, ...
    pub(super) fn captures(&self, graph: &Graph<'_>) -> Vec<(NodeIndex, u32)> {
        let scopes = self.scopes();
        let mut captures = Vec::new();
        self.read_promises(graph, &mut |node, output| {
            let inside = scopes
                .iter()
                .any(|&s| graph.within(graph.scope_of(node), s) && node != super::builder::INPUTS);
            if !inside && !captures.contains(&(node, output)) {
                captures.push((node, output));
            }
        });
        captures
    }

    /// The finished branch: conditions over the captures and one sub-graph per case.
    pub(super) fn finish(&self, graph: &Graph<'_>, captures: &[(NodeIndex, u32)]) -> BranchSpec {
        let inputs: Vec<Variable> = captures
            .iter()
            .enumerate()
            .map(|(k, &(node, output))| Variable {
                name: format!("c{k}"),
                ty: graph.type_of(node, output),
            })
            .collect();
        let interface = Interface {
            inputs,
            outputs: self.outputs.clone(),
        };
        let sub = |name: String, scope: u32, outputs: &[Wire]| {
            let (nodes, outs) = graph.build(scope, captures, outputs.to_vec());
            WorkflowSpec::new(name, None, interface.clone(), nodes, outs)
        };
        let cases = self
            .cases
            .iter()
            .enumerate()
            .map(|(k, case)| Case {
                condition: Condition(case.cond.0.resolve(captures)),
                spec: Arc::new(sub(format!("case{k}"), case.scope, &case.outputs)),
            })
            .collect();
        let otherwise = match &self.otherwise {
            Otherwise::Case { scope, outputs } => {
                Fallback::Case(Arc::new(sub("otherwise".to_string(), *scope, outputs)))
            }
            Otherwise::Fail(message) => Fallback::Fail(message.clone()),
        };
        BranchSpec {
            cases,
            otherwise,
            interface,
        }
    }
}

impl<O> CondNode<O> {
    fn wires(&self, f: &mut impl FnMut(&O)) {
        match self {
            CondNode::Compare { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            CondNode::And(a, b) | CondNode::Or(a, b) => {
                a.wires(f);
                b.wires(f);
            }
        }
    }
}

impl CondNode<Wire> {
    fn resolve(&self, captures: &[(NodeIndex, u32)]) -> CondNode<Operand> {
        let operand = |w: &Wire| match w {
            Wire::Promise { node, output } => {
                let k = captures
                    .iter()
                    .position(|c| *c == (*node, *output))
                    .unwrap_or_else(|| {
                        unreachable!("flyte bug: a condition reads an uncaptured value")
                    });
                Operand::Input(k)
            }
            Wire::Constant(literal, value) => Operand::Constant(literal.clone(), value.clone()),
            // Flyte's comparison operands are whole values (`Operand.var` has no path).
            Wire::Attr { path, .. } => panic!(
                "a `when` condition cannot compare a part of a value (`{}`): Flyte's conditions compare whole outputs and inputs; compare the output of a task that returns the part",
                path.iter().map(|s| s.key.to_string()).collect::<String>()
            ),
            Wire::Collection { .. } | Wire::Map { .. } => {
                unreachable!("flyte bug: conditions compare single values")
            }
        };
        match self {
            CondNode::Compare { lhs, op, rhs, cmp } => CondNode::Compare {
                lhs: operand(lhs),
                op: *op,
                rhs: operand(rhs),
                cmp: *cmp,
            },
            CondNode::And(a, b) => {
                CondNode::And(Box::new(a.resolve(captures)), Box::new(b.resolve(captures)))
            }
            CondNode::Or(a, b) => {
                CondNode::Or(Box::new(a.resolve(captures)), Box::new(b.resolve(captures)))
            }
        }
    }
}

/// One side of a comparison in a finished branch.
#[derive(Clone)]
pub enum Operand {
    /// Branch input `c{k}`.
    Input(usize),
    /// A constant.
    Constant(Literal, Value),
}

/// A finished condition over the branch node's inputs.
#[derive(Clone)]
pub struct Condition(CondNode<Operand>);

/// A view of a finished condition's structure, for writing it out (as Flyte IDL).
#[derive(Clone)]
pub enum ConditionTree<'a> {
    /// `lhs op rhs`.
    Compare(&'a Operand, CmpOp, &'a Operand),
    /// Both hold.
    And(Box<ConditionTree<'a>>, Box<ConditionTree<'a>>),
    /// Either holds.
    Or(Box<ConditionTree<'a>>, Box<ConditionTree<'a>>),
}

impl Condition {
    /// The condition's structure.
    pub fn tree(&self) -> ConditionTree<'_> {
        fn view(node: &CondNode<Operand>) -> ConditionTree<'_> {
            match node {
                CondNode::Compare { lhs, op, rhs, .. } => ConditionTree::Compare(lhs, *op, rhs),
                CondNode::And(a, b) => ConditionTree::And(Box::new(view(a)), Box::new(view(b))),
                CondNode::Or(a, b) => ConditionTree::Or(Box::new(view(a)), Box::new(view(b))),
            }
        }
        view(&self.0)
    }

    /// Whether the condition holds for these branch inputs.
    pub fn holds(&self, inputs: &[Value]) -> bool {
        fn eval(node: &CondNode<Operand>, inputs: &[Value]) -> bool {
            let value = |o: &Operand| match o {
                Operand::Input(k) => inputs[*k].clone(),
                Operand::Constant(_, v) => v.clone(),
            };
            match node {
                CondNode::Compare { lhs, op, rhs, cmp } => op.holds(cmp(&value(lhs), &value(rhs))),
                CondNode::And(a, b) => eval(a, inputs) && eval(b, inputs),
                CondNode::Or(a, b) => eval(a, inputs) || eval(b, inputs),
            }
        }
        eval(&self.0, inputs)
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn show(node: &CondNode<Operand>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let operand = |o: &Operand| match o {
                Operand::Input(k) => format!("c{k}"),
                Operand::Constant(l, _) => l.to_string(),
            };
            match node {
                CondNode::Compare { lhs, op, rhs, .. } => {
                    write!(f, "{} {} {}", operand(lhs), op.symbol(), operand(rhs))
                }
                CondNode::And(a, b) => {
                    f.write_str("(")?;
                    show(a, f)?;
                    f.write_str(" && ")?;
                    show(b, f)?;
                    f.write_str(")")
                }
                CondNode::Or(a, b) => {
                    f.write_str("(")?;
                    show(a, f)?;
                    f.write_str(" || ")?;
                    show(b, f)?;
                    f.write_str(")")
                }
            }
        }
        show(&self.0, f)
    }
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

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
