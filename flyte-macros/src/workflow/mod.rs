//! `#[workflow]`: parse -> model (validates and rewrites the body) -> expand.

mod expand;
mod model;
mod parse;
mod rewrite;

pub(crate) use rewrite::names_entity;

use proc_macro2::TokenStream;

use crate::internals::diag::Ctxt;

/// Rewrites a body that builds a graph (a workflow's or a dynamic task's).
pub(crate) fn rewrite_body(cx: &Ctxt, krate: &syn::Path, body: &mut syn::Block) {
    use syn::visit_mut::VisitMut;
    rewrite::Rewriter {
        cx,
        krate,
        locals: Vec::new(),
    }
    .visit_block_mut(body);
}

pub(crate) fn workflow(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: syn::ItemFn = match syn::parse2(item) {
        Ok(f) => f,
        Err(e) => return e.to_compile_error(),
    };
    let args: parse::WorkflowArgs = match syn::parse2(args) {
        Ok(a) => a,
        Err(e) => return expand::fallback(&func, e),
    };
    let cx = Ctxt::new();
    let model = model::WorkflowModel::build(&cx, &func, args);
    match cx.check() {
        Ok(()) => expand::workflow(&model),
        Err(e) => expand::fallback(&func, e),
    }
}
