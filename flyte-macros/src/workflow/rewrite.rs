//! The workflow body rewrite: every call `f(a, b)` whose callee is a path becomes
//! `f.__flyte_node(&__flyte_wf).call(a, b)`.
//!
//! Method syntax lets auto-deref reach tasks behind `LazyLock` statics and nested
//! workflows alike; ordinary functions (`String::from`, helpers, `Some`) implement
//! `PassThrough`, whose `call` just calls them. Spans stay the user's, so type errors
//! point at the call and its arguments. Constructs that cannot become a graph are
//! reported here.

use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, parse_quote_spanned};

use crate::diag::Ctxt;

pub(crate) struct Rewriter<'c> {
    pub(crate) cx: &'c Ctxt,
}

impl VisitMut for Rewriter<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Await(e) => {
                self.cx.error_spanned_by(
                    e.await_token,
                    "a workflow body is not async: it builds a graph once, and the executor awaits each task when the workflow runs; remove `.await`",
                );
                return;
            }
            Expr::Async(e) => {
                self.cx.error_spanned_by(
                    e.async_token,
                    "a workflow body cannot hold `async` blocks: put async code in an `async fn` task",
                );
                return;
            }
            Expr::Try(e) => {
                self.cx.error_spanned_by(
                    e.question_token,
                    "`?` has no place in a workflow body: task outputs are promises, not results; a failing task fails the run with the node's error",
                );
                return;
            }
            Expr::While(e) => {
                self.cx.error_spanned_by(
                    e.while_token,
                    "a workflow cannot turn a `while` loop into a graph: the graph is fixed when it is built; use `for` over a constant range to fan out",
                );
                return;
            }
            Expr::Loop(e) => {
                self.cx.error_spanned_by(
                    e.loop_token,
                    "a workflow cannot turn a `loop` into a graph: the graph is fixed when it is built; use `for` over a constant range to fan out",
                );
                return;
            }
            _ => {}
        }
        visit_mut::visit_expr_mut(self, expr);
        if let Expr::Call(call) = expr
            && let Expr::Path(path) = &*call.func
            && path.qself.is_none()
            && call.attrs.is_empty()
        {
            let func = &call.func;
            let args = &call.args;
            let span = call.func.span();
            *expr = parse_quote_spanned! {span=>
                #func.__flyte_node(&__flyte_wf).call(#args)
            };
        }
    }

    // Items nested in the body (helper fns, consts) are ordinary Rust.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
