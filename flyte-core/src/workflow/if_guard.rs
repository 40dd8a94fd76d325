//! `if` in a workflow body: the rewrite wraps each operand of an `if` condition as
//! `*IfOperand(&x).__flyte_if()`, which is `x` itself for a value known while the
//! graph is built (a constant, a loop counter) and, for a [`Promise`], an error that
//! says to branch with `when(..)` (rustc alone says only that `Promise<f64>` cannot be
//! compared).

use super::Promise;

/// An operand of an `if` condition in a workflow body.
#[doc(hidden)]
pub struct IfOperand<'a, T>(pub &'a T);

/// What an `if` in a workflow body can test: anything but a promise.
#[diagnostic::on_unimplemented(
    message = "an `if` in a workflow body cannot test `{Self}`: a node's output or a workflow input has no value until the workflow runs",
    label = "known only when the workflow runs",
    note = "branch with `when(..)`, which becomes a branch node Flyte decides at run time: `when(total > threshold).then(|| alert(total)).otherwise(|| log(total))`"
)]
pub trait KnownWhileBuilding {}

impl<'a, T> IfOperand<'a, Promise<T>> {
    /// Chosen over [`IfValue::__flyte_if`] for a promise (inherent methods come
    /// first), and never satisfiable: the bound is the error. It returns the value's
    /// type so the rest of the condition type-checks and adds no errors of its own.
    #[doc(hidden)]
    pub fn __flyte_if(&self) -> &'a T
    where
        Promise<T>: KnownWhileBuilding,
    {
        unreachable!("no promise is known while the graph is built")
    }
}

/// The operand itself, for every value that is not a promise.
#[doc(hidden)]
pub trait IfValue<'a, T> {
    /// The operand.
    fn __flyte_if(&self) -> &'a T;
}

impl<'a, T> IfValue<'a, T> for IfOperand<'a, T> {
    fn __flyte_if(&self) -> &'a T {
        self.0
    }
}
