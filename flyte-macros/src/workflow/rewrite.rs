//! The workflow body rewrite: every call `f(a, b)` whose callee is a path becomes a
//! node call, or stays an ordinary call through `PassThrough`.
//!
//! A `#[task]` or `#[workflow]` is a type with the function's name (so variables may
//! share it), and the rewrite reaches it in the type namespace: a call of a
//! snake_case path that names no local variable, `f(a, b)` or `m::f(a, b)`, becomes
//! `<f>::__flyte_node(&__flyte_wf).call(a, b)`. An ordinary function of such a name
//! is called as `(f)(a, b)`, which the rewrite leaves alone. Every other path call (a `LazyLock`
//! static such as a launch plan or a plugin task, `Some`, `String::from`, a local
//! closure) becomes `f.__flyte_node(&__flyte_wf).call(a, b)`: method syntax lets
//! auto-deref reach a task behind a `LazyLock`, and plain callables implement
//! `PassThrough`, whose `call` just calls them. Spans stay the user's, so type errors
//! point at the call and its arguments. Constructs that cannot become a graph are
//! reported here.

use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, parse_quote_spanned};

use crate::internals::diag::Ctxt;

pub(crate) struct Rewriter<'c> {
    pub(crate) cx: &'c Ctxt,
    /// The `flytekit` crate path, for the condition helpers.
    pub(crate) krate: &'c syn::Path,
    /// The local variables and nested functions in scope where the visit is: a call
    /// of one of these is an ordinary call.
    pub(crate) locals: Vec<String>,
}

/// Whether `path` names a `#[task]` or `#[workflow]`, by Rust's naming conventions: a
/// snake_case function name after module segments only (`f`, `tasks::f`,
/// `crate::etl::f`), not an associated function (`String::from`, `i64::from`), a
/// constructor (`Some`) or a static (`PLAN`).
pub(crate) fn names_entity(path: &syn::Path) -> bool {
    use crate::internals::signature::PRIMITIVES;
    let snake = |ident: &syn::Ident| {
        let name = ident.to_string();
        let name = name.trim_start_matches("r#").trim_start_matches('_');
        name.starts_with(|c: char| c.is_ascii_lowercase())
    };
    let segments: Vec<_> = path.segments.iter().collect();
    let Some((last, modules)) = segments.split_last() else {
        return false;
    };
    last.arguments.is_none()
        && snake(&last.ident)
        && modules.iter().all(|seg| {
            let name = seg.ident.to_string();
            seg.arguments.is_none()
                && (matches!(name.as_str(), "crate" | "self" | "super")
                    || (snake(&seg.ident) && !PRIMITIVES.contains(&name.as_str())))
        })
}

/// The names a pattern binds.
fn bindings(pat: &syn::Pat, out: &mut Vec<String>) {
    use syn::Pat;
    match pat {
        Pat::Ident(p) => {
            out.push(p.ident.to_string());
            if let Some((_, sub)) = &p.subpat {
                bindings(sub, out);
            }
        }
        Pat::Or(p) => p.cases.iter().for_each(|c| bindings(c, out)),
        Pat::Paren(p) => bindings(&p.pat, out),
        Pat::Reference(p) => bindings(&p.pat, out),
        Pat::Slice(p) => p.elems.iter().for_each(|e| bindings(e, out)),
        Pat::Struct(p) => p.fields.iter().for_each(|f| bindings(&f.pat, out)),
        Pat::Tuple(p) => p.elems.iter().for_each(|e| bindings(e, out)),
        Pat::TupleStruct(p) => p.elems.iter().for_each(|e| bindings(e, out)),
        Pat::Type(p) => bindings(&p.pat, out),
        _ => {}
    }
}

/// The bindings of the `let`s in an `if` or `while` condition (`if let Some(x) = ..`,
/// `a && let b = ..`), which are in scope in its block.
fn condition_bindings(cond: &Expr, out: &mut Vec<String>) {
    match cond {
        Expr::Let(l) => bindings(&l.pat, out),
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            condition_bindings(&b.left, out);
            condition_bindings(&b.right, out);
        }
        Expr::Paren(p) => condition_bindings(&p.expr, out),
        _ => {}
    }
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

impl Rewriter<'_> {
    /// The operands of an `if` condition, each wrapped so that a promise among them
    /// is an error saying to use `when(..)`, and a value is itself: comparisons'
    /// sides, `&&` and `||` and `!` looked through, `let` patterns left alone.
    fn if_condition(&self, cond: Expr) -> Expr {
        use syn::BinOp;
        match cond {
            Expr::Paren(mut p) => {
                *p.expr = self.if_condition(*p.expr);
                Expr::Paren(p)
            }
            Expr::Binary(mut b) => match b.op {
                BinOp::And(_) | BinOp::Or(_) => {
                    *b.left = self.if_condition(*b.left);
                    *b.right = self.if_condition(*b.right);
                    Expr::Binary(b)
                }
                BinOp::Eq(_)
                | BinOp::Ne(_)
                | BinOp::Lt(_)
                | BinOp::Le(_)
                | BinOp::Gt(_)
                | BinOp::Ge(_) => {
                    *b.left = self.if_operand(*b.left);
                    *b.right = self.if_operand(*b.right);
                    Expr::Binary(b)
                }
                _ => self.if_operand(Expr::Binary(b)),
            },
            Expr::Unary(mut u) if matches!(u.op, syn::UnOp::Not(_)) => {
                *u.expr = self.if_condition(*u.expr);
                Expr::Unary(u)
            }
            e @ (Expr::Let(_) | Expr::Lit(_)) => e,
            other => self.if_operand(other),
        }
    }

    fn if_operand(&self, e: Expr) -> Expr {
        let span = e.span();
        // Every token at the operand, the crate path too: rustc reports the call's
        // whole span, which would otherwise reach back to the attribute.
        let p: proc_macro2::TokenStream = quote::ToTokens::to_token_stream(self.krate)
            .into_iter()
            .map(|mut t| {
                t.set_span(span);
                t
            })
            .collect();
        parse_quote_spanned! {span=>
            (*#p::__private_0_1::IfOperand(&(#e)).__flyte_if())
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
        let path = path.path.clone();
        let span = call.func.span();
        let p = self.krate;
        let wf = crate::internals::shared::builder_ident();
        // `bound(v)` in a map task's arguments is the SDK's, called as it is.
        if path.is_ident("bound") {
            let args = &call.args;
            *expr = parse_quote_spanned! {span=> #p::workflow::bound(#args) };
            return;
        }
        // A bare `when(..)` or `map_task(..)` names the SDK's by full path, so neither
        // needs to be in scope, and a variable may have either name.
        let sdk: Option<Expr> = if path.is_ident("when") {
            Some(parse_quote_spanned! {span=> #p::workflow::when })
        } else if path.is_ident("map_task") {
            self.map_target(call);
            Some(parse_quote_spanned! {span=> #p::workflow::map_task })
        } else {
            None
        };
        let args = &call.args;
        *expr = match sdk {
            Some(func) => parse_quote_spanned! {span=> #func::__flyte_node(&#wf).call(#args) },
            // `<f>::` rather than `f::`: for a plain function rustc then says "expected
            // type, found function `f`" at the call.
            None if self.names_entity_here(&path) => {
                parse_quote_spanned! {span=> <#path>::__flyte_node(&#wf).call(#args) }
            }
            None => parse_quote_spanned! {span=> #path.__flyte_node(&#wf).call(#args) },
        };
    }

    /// Whether `path` names a task, workflow or helper where the visit is: by
    /// [`names_entity`], and not a local variable in scope of that name.
    fn names_entity_here(&self, path: &syn::Path) -> bool {
        let is_local = path
            .get_ident()
            .is_some_and(|i| self.locals.contains(&i.to_string()));
        !is_local && names_entity(path)
    }

    /// `map_task(f)` and `map_task(&f)` of a `#[task]` pass its value, `&f {}`; a
    /// `LazyLock` static (`map_task(&PLAN)`) is passed as written.
    fn map_target(&self, call: &mut syn::ExprCall) {
        let Some(arg) = call.args.first_mut() else {
            return;
        };
        let target = match &*arg {
            Expr::Reference(r) if r.mutability.is_none() => &*r.expr,
            other => other,
        };
        let Expr::Path(p) = target else { return };
        if p.qself.is_none() && self.names_entity_here(&p.path) {
            let path = p.path.clone();
            *arg = syn::parse_quote_spanned! {path.span()=> &#path {} };
        }
    }
}

impl Rewriter<'_> {
    /// `f(a).with_overrides(o)`, once the call is a node call
    /// (`f::__flyte_node(&wf).call(a).with_overrides(o)`), becomes
    /// `f::__flyte_node(&wf).with_overrides(o).call(a)`: the settings go to the node
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
            && match &*call.receiver {
                Expr::MethodCall(n) => n.method == "__flyte_node",
                Expr::Call(n) => matches!(&*n.func, Expr::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == "__flyte_node")),
                _ => false,
            };
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
        let wf = crate::internals::shared::builder_ident();
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

    // Scopes: a `let` binds after its initializer, a block's functions throughout it.
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let mark = self.locals.len();
        for stmt in &block.stmts {
            if let syn::Stmt::Item(syn::Item::Fn(f)) = stmt {
                self.locals.push(f.sig.ident.to_string());
            }
        }
        for stmt in &mut block.stmts {
            match stmt {
                syn::Stmt::Local(local) => {
                    if let Some(init) = &mut local.init {
                        self.visit_expr_mut(&mut init.expr);
                        if let Some((_, diverge)) = &mut init.diverge {
                            self.visit_expr_mut(diverge);
                        }
                    }
                    bindings(&local.pat, &mut self.locals);
                }
                other => self.visit_stmt_mut(other),
            }
        }
        self.locals.truncate(mark);
    }

    fn visit_expr_closure_mut(&mut self, closure: &mut syn::ExprClosure) {
        let mark = self.locals.len();
        closure
            .inputs
            .iter()
            .for_each(|p| bindings(p, &mut self.locals));
        self.visit_expr_mut(&mut closure.body);
        self.locals.truncate(mark);
    }

    fn visit_expr_for_loop_mut(&mut self, for_loop: &mut syn::ExprForLoop) {
        self.visit_expr_mut(&mut for_loop.expr);
        let mark = self.locals.len();
        bindings(&for_loop.pat, &mut self.locals);
        self.visit_block_mut(&mut for_loop.body);
        self.locals.truncate(mark);
    }

    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        let mark = self.locals.len();
        bindings(&arm.pat, &mut self.locals);
        visit_mut::visit_arm_mut(self, arm);
        self.locals.truncate(mark);
    }

    fn visit_expr_if_mut(&mut self, e: &mut syn::ExprIf) {
        let cond = std::mem::replace(&mut *e.cond, Expr::Verbatim(Default::default()));
        *e.cond = self.if_condition(cond);
        self.visit_expr_mut(&mut e.cond);
        let mark = self.locals.len();
        condition_bindings(&e.cond, &mut self.locals);
        self.visit_block_mut(&mut e.then_branch);
        self.locals.truncate(mark);
        if let Some((_, other)) = &mut e.else_branch {
            self.visit_expr_mut(other);
        }
    }
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
            locals: Vec::new(),
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
            "{<print_file>::__flyte_node(&__flyte_wf).call(SENSOR.__flyte_node(&__flyte_wf).call(path))}"
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
        assert!(
            out.contains("<g>::__flyte_node(&__flyte_wf).call(s)"),
            "{out}"
        );
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
            out.contains("vec![<f>::__flyte_node(&__flyte_wf).call(x),<g>::__flyte_node(&__flyte_wf).call(y,<h>::__flyte_node(&__flyte_wf).call(z))]"),
            "{out}"
        );
        assert!(out.contains("vec![0;3]"), "{out}");
    }

    #[test]
    fn tasks_are_reached_by_type_and_everything_else_by_value() {
        let (out, _) = rewrite(parse_quote!({
            let a = etl::clean(x);
            let b = crate::etl::clean(a);
            let c = String::from(i64::from(b));
            let d = PLAN(Some(c));
            Vec::<i64>::new()
        }));
        let out = out.replace(' ', "");
        for expected in [
            "<etl::clean>::__flyte_node(&__flyte_wf).call(x)",
            "<crate::etl::clean>::__flyte_node(&__flyte_wf).call(a)",
            "String::from.__flyte_node(&__flyte_wf).call(i64::from.__flyte_node(&__flyte_wf).call(b))",
            "PLAN.__flyte_node(&__flyte_wf).call(Some.__flyte_node(&__flyte_wf).call(c))",
            "Vec::<i64>::new.__flyte_node(&__flyte_wf).call()",
        ] {
            assert!(out.contains(expected), "{expected} in {out}");
        }
    }

    #[test]
    fn a_local_of_the_same_name_is_called_as_a_value_only_where_it_is_in_scope() {
        let (out, _) = rewrite(parse_quote!({
            let total = total(xs);
            let twice = |v| double(v);
            for step in steps {
                step(total);
            }
            if let Some(f) = pick {
                f(twice(total));
            }
            fn helper(v: i64) -> i64 {
                v
            }
            step(helper(f(total)))
        }));
        let out = out.replace(' ', "");
        for expected in [
            "lettotal=<total>::__flyte_node(&__flyte_wf).call(xs)",
            "|v|<double>::__flyte_node(&__flyte_wf).call(v)",
            "{step.__flyte_node(&__flyte_wf).call(total);}",
            "f.__flyte_node(&__flyte_wf).call(twice.__flyte_node(&__flyte_wf).call(total))",
            "<step>::__flyte_node(&__flyte_wf).call(helper.__flyte_node(&__flyte_wf).call(<f>::__flyte_node(&__flyte_wf).call(total)))",
        ] {
            assert!(out.contains(expected), "{expected} in {out}");
        }
    }

    #[test]
    fn map_task_of_a_task_passes_its_value_and_of_a_static_as_written() {
        let (out, _) = rewrite(parse_quote!({
            let a = map_task(square).over(xs);
            let b = map_task(&tasks::square).over(a);
            map_task(&PLAN).over(b)
        }));
        let out = out.replace(' ', "");
        assert!(out.contains("call(&square{})"), "{out}");
        assert!(out.contains("call(&tasks::square{})"), "{out}");
        assert!(out.contains("call(&PLAN)"), "{out}");
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
