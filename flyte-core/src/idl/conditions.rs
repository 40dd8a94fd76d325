//! Branch conditions as Flyte's `BooleanExpression`.

use super::core as pb;
use super::values::literal;

/// A branch condition as Flyte's `BooleanExpression`; operands are the branch node's
/// inputs by name, or constants (primitives as flytekit writes them, other scalars
/// such as none in the newer `scalar` field).
pub(super) fn condition(c: &crate::workflow::Condition) -> pb::BooleanExpression {
    use crate::workflow::{CmpOp, ConditionTree, Operand};
    use pb::boolean_expression::Expr;
    fn operand(o: &Operand) -> pb::Operand {
        let val = match o {
            Operand::Input(k) => pb::operand::Val::Var(format!("c{k}")),
            Operand::Constant(l, _) => match literal(l).value {
                Some(pb::literal::Value::Scalar(s)) => match *s {
                    pb::Scalar {
                        value: Some(pb::scalar::Value::Primitive(p)),
                    } => pb::operand::Val::Primitive(p),
                    s => pb::operand::Val::Scalar(s),
                },
                // Conditions compare single values (the builder only accepts those).
                _ => pb::operand::Val::Scalar(pb::Scalar::default()),
            },
        };
        pb::Operand { val: Some(val) }
    }
    fn expr(tree: ConditionTree<'_>) -> pb::BooleanExpression {
        let e = match tree {
            ConditionTree::Compare(lhs, op, rhs) => Expr::Comparison(pb::ComparisonExpression {
                operator: match op {
                    CmpOp::Eq => pb::ComparisonOperator::Eq,
                    CmpOp::Ne => pb::ComparisonOperator::Neq,
                    CmpOp::Gt => pb::ComparisonOperator::Gt,
                    CmpOp::Ge => pb::ComparisonOperator::Gte,
                    CmpOp::Lt => pb::ComparisonOperator::Lt,
                    CmpOp::Le => pb::ComparisonOperator::Lte,
                } as i32,
                left_value: Some(operand(lhs)),
                right_value: Some(operand(rhs)),
            }),
            ConditionTree::And(a, b) => conjunction(pb::LogicalOperator::And, *a, *b),
            ConditionTree::Or(a, b) => conjunction(pb::LogicalOperator::Or, *a, *b),
        };
        pb::BooleanExpression { expr: Some(e) }
    }
    fn conjunction(
        operator: pb::LogicalOperator,
        a: ConditionTree<'_>,
        b: ConditionTree<'_>,
    ) -> Expr {
        Expr::Conjunction(pb::ConjunctionExpression {
            operator: operator as i32,
            left_expression: Some(Box::new(expr(a))),
            right_expression: Some(Box::new(expr(b))),
        })
    }
    expr(c.tree())
}
