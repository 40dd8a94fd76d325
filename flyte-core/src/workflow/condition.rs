//! Branch conditions: [`Cond`] while a workflow body builds its graph (operands are
//! wires), [`Condition`] once the branch is finished (operands are the branch node's
//! inputs or constants), and the comparisons both evaluate.

use std::cmp::Ordering;
use std::fmt;

use super::promise::{NodeIndex, Promise, Wire};
use crate::types::{FlyteType, Literal, Value, downcast_value};

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
    /// Calls `f` on each operand's wire.
    pub(super) fn read_wires(&self, f: &mut impl FnMut(&Wire)) {
        self.0.wires(f);
    }

    /// The finished condition, its promises read from the branch inputs `captures`.
    pub(super) fn resolve(&self, captures: &[(NodeIndex, u32)]) -> Condition {
        Condition(self.0.resolve(captures))
    }

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
