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
    /// The `flytekit` crate path, for the condition helpers.
    pub(crate) krate: &'c syn::Path,
}

impl Rewriter<'_> {
    /// Turns a `when(..)` condition into calls: comparisons into `compare`, `&&` and
    /// `||` into `and` and `or`. Anything else is left for `IntoCondition`
    /// (a `Promise<bool>`, say).
    fn condition(&self, expr: Expr) -> Expr {
        let p = self.krate;
        match expr {
            Expr::Paren(paren) => self.condition(*paren.expr),
            Expr::Binary(bin) => {
                use syn::BinOp;
                let span = bin.op.span();
                let op = match bin.op {
                    BinOp::And(_) | BinOp::Or(_) => {
                        let method = if matches!(bin.op, BinOp::And(_)) {
                            quote::format_ident!("and", span = span)
                        } else {
                            quote::format_ident!("or", span = span)
                        };
                        let left = self.condition(*bin.left);
                        let right = self.condition(*bin.right);
                        return parse_quote_spanned! {span=>
                            #p::__private_0_1::IntoCondition::into_condition(#left).#method(#right)
                        };
                    }
                    BinOp::Eq(_) => quote::quote!(Eq),
                    BinOp::Ne(_) => quote::quote!(Ne),
                    BinOp::Lt(_) => quote::quote!(Lt),
                    BinOp::Le(_) => quote::quote!(Le),
                    BinOp::Gt(_) => quote::quote!(Gt),
                    BinOp::Ge(_) => quote::quote!(Ge),
                    _ => return Expr::Binary(bin),
                };
                let (left, right) = (&bin.left, &bin.right);
                // `==` and `!=` need `PartialEq` only.
                let compare = if matches!(bin.op, BinOp::Eq(_) | BinOp::Ne(_)) {
                    quote::format_ident!("compare_eq", span = span)
                } else {
                    quote::format_ident!("compare", span = span)
                };
                parse_quote_spanned! {span=>
                    #p::__private_0_1::#compare(#left, #p::__private_0_1::CmpOp::#op, #right)
                }
            }
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => {
                self.cx.error_spanned_by(
                    u.op,
                    "a Flyte condition has no `!`: compare the other way (`x <= 5` for `!(x > 5)`, `flag == false`)",
                );
                Expr::Unary(u)
            }
            other => other,
        }
    }
}

fn is_when(path: &syn::ExprPath) -> bool {
    path.path.segments.last().is_some_and(|s| s.ident == "when")
}

impl Rewriter<'_> {
    /// The condition of `when(..)` and `.when(..)` becomes condition calls.
    fn rewrite_condition(&self, expr: &mut Expr) {
        let condition_arg = match expr {
            Expr::MethodCall(call) if call.method == "when" && call.args.len() == 1 => {
                Some(&mut call.args)
            }
            Expr::Call(call)
                if call.args.len() == 1 && matches!(&*call.func, Expr::Path(p) if is_when(p)) =>
            {
                Some(&mut call.args)
            }
            _ => None,
        };
        if let Some(args) = condition_arg
            && let Some(arg) = args.pop()
        {
            args.push(self.condition(arg));
        }
    }

    /// A path call `f(a, b)` becomes `f.__flyte_node(&wf).call(a, b)`: a node when
    /// `f` is a task or workflow, the plain call when it is an ordinary function.
    fn rewrite_call(&self, expr: &mut Expr) {
        let Expr::Call(call) = expr else { return };
        let Expr::Path(path) = &*call.func else {
            return;
        };
        if path.qself.is_some() || !call.attrs.is_empty() {
            return;
        }
        let args = &call.args;
        let span = call.func.span();
        let p = self.krate;
        // `bound(v)` in a map task's arguments is the SDK's, called as it is.
        if path.path.is_ident("bound") {
            *expr = parse_quote_spanned! {span=> #p::workflow::bound(#args) };
            return;
        }
        // A bare `when(..)` or `map_task(..)` names the SDK's by full path, so neither
        // needs to be in scope, and a variable may have either name.
        let func: Expr = if path.path.is_ident("when") {
            parse_quote_spanned! {span=> #p::workflow::when }
        } else if path.path.is_ident("map_task") {
            parse_quote_spanned! {span=> #p::workflow::map_task }
        } else {
            (*call.func).clone()
        };
        let wf = crate::workflow::builder_ident();
        *expr = parse_quote_spanned! {span=>
            #func.__flyte_node(&#wf).call(#args)
        };
    }
}

impl Rewriter<'_> {
    /// `f(a).with_overrides(o)`, once the call is a node call
    /// (`f.__flyte_node(&wf).call(a).with_overrides(o)`), becomes
    /// `f.__flyte_node(&wf).with_overrides(o).call(a)`: the settings go to the node
    /// before it is added.
    fn rewrite_overrides(&self, expr: &mut Expr) {
        let Expr::MethodCall(outer) = expr else {
            return;
        };
        if outer.method != "with_overrides" {
            return;
        }
        let Expr::MethodCall(call) = &mut *outer.receiver else {
            return;
        };
        let is_node_call = call.method == "call"
            && matches!(&*call.receiver, Expr::MethodCall(n) if n.method == "__flyte_node");
        if !is_node_call {
            return;
        }
        let node = &call.receiver;
        let (args, overrides) = (&call.args, &outer.args);
        let span = outer.method.span();
        *expr = parse_quote_spanned! {span=>
            #node.with_overrides(#overrides).call(#args)
        };
    }

    /// `a >> b` orders nodes (flytekit's `>>`): `order(&wf, a, b)`, which makes `b`'s
    /// nodes wait for `a`'s and returns `b`.
    fn rewrite_order(&self, expr: &mut Expr) {
        let Expr::Binary(bin) = expr else { return };
        if !matches!(bin.op, syn::BinOp::Shr(_)) {
            return;
        }
        let (left, right) = (&bin.left, &bin.right);
        let span = bin.op.span();
        let p = self.krate;
        let wf = crate::workflow::builder_ident();
        *expr = parse_quote_spanned! {span=>
            #p::__private_0_1::order(&#wf, #left, #right)
        };
    }
}

impl VisitMut for Rewriter<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Await(e) => {
                self.cx.error_spanned_by(
                    e.await_token,
                    "a workflow body is not async: it builds a graph once, and the executor awaits each task when the workflow runs; remove `.await`",
                );
                // Carry on without it, so rustc adds no errors of its own about it.
                *expr = (*e.base).clone();
                self.visit_expr_mut(expr);
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
                *expr = (*e.expr).clone();
                self.visit_expr_mut(expr);
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
            // `vec![f(x), g(y)]` holds calls like an array does: rewrite its items.
            // Other macros (`format!`, ...) are left alone.
            Expr::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "vec") => {
                type Items = syn::punctuated::Punctuated<Expr, syn::Token![,]>;
                // `vec![x; n]` does not parse as a list and stays as written.
                if let Ok(mut items) = m.mac.parse_body_with(Items::parse_terminated) {
                    for item in items.iter_mut() {
                        self.visit_expr_mut(item);
                    }
                    m.mac.tokens = quote::quote!(#items);
                }
                return;
            }
            _ => {}
        }
        visit_mut::visit_expr_mut(self, expr);
        self.rewrite_condition(expr);
        self.rewrite_call(expr);
        self.rewrite_overrides(expr);
        self.rewrite_order(expr);
    }

    // Items nested in the body (helper fns, consts) are ordinary Rust.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use syn::parse_quote;

    fn rewrite(mut block: syn::Block) -> (String, Vec<String>) {
        let cx = Ctxt::new();
        let krate: syn::Path = parse_quote!(::flytekit);
        Rewriter {
            cx: &cx,
            krate: &krate,
        }
        .visit_block_mut(&mut block);
        let errors = match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        };
        (block.into_token_stream().to_string(), errors)
    }

    #[test]
    fn path_calls_become_node_calls_inside_out() {
        let (out, errors) = rewrite(parse_quote!({ print_file(SENSOR(path)) }));
        assert!(errors.is_empty());
        assert_eq!(
            out.replace(' ', ""),
            "{print_file.__flyte_node(&__flyte_wf).call(SENSOR.__flyte_node(&__flyte_wf).call(path))}"
        );
    }

    #[test]
    fn macros_method_calls_and_nested_items_are_left_alone() {
        let (out, _) = rewrite(parse_quote!({
            let s = format!("{}", f(x));
            let n = x.len();
            fn helper(a: i64) -> i64 {
                other(a)
            }
            g(s)
        }));
        let out = out.replace(' ', "");
        assert!(out.contains("format!(\"{}\",f(x))"), "{out}");
        assert!(out.contains("x.len()"), "{out}");
        assert!(out.contains("other(a)"), "{out}");
        assert!(out.contains("g.__flyte_node(&__flyte_wf).call(s)"), "{out}");
    }

    #[test]
    fn calls_inside_vec_are_rewritten_and_repeat_form_is_left_alone() {
        let (out, errors) = rewrite(parse_quote!({
            let layer = vec![f(x), g(y, h(z))];
            let zeros = vec![0; 3];
            total(layer)
        }));
        assert!(errors.is_empty());
        let out = out.replace(' ', "");
        assert!(
            out.contains("vec![f.__flyte_node(&__flyte_wf).call(x),g.__flyte_node(&__flyte_wf).call(y,h.__flyte_node(&__flyte_wf).call(z))]"),
            "{out}"
        );
        assert!(out.contains("vec![0;3]"), "{out}");
    }

    #[test]
    fn constructs_that_cannot_be_a_graph_are_errors() {
        let (_, errors) = rewrite(parse_quote!({
            let a = f(x).await;
            let b = g(x)?;
            while true {}
            loop {}
            async { 1 }
        }));
        assert_eq!(errors.len(), 5, "{errors:#?}");
    }
}
