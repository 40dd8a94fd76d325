//! `#[task]`: parse -> model (which validates) -> expand.

mod expand;
mod model;
mod parse;

use proc_macro2::TokenStream;

use crate::diag::Ctxt;

pub(crate) use parse::{OutputNames, peek_outputs, set, value};

pub(crate) fn task(args: TokenStream, item: TokenStream) -> TokenStream {
    match try_task(args, item.clone()) {
        Ok(tokens) => tokens,
        Err(e) => expand::fallback(&item, e),
    }
}

fn try_task(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args: parse::TaskArgs = syn::parse2(args)?;
    let func: syn::ItemFn = syn::parse2(item)?;
    let cx = Ctxt::new();
    let model = model::TaskModel::build(&cx, &func, args);
    cx.check()?;
    Ok(expand::task(&model))
}

/// `#[dynamic]`: a task whose body, like a workflow's, builds a graph, but on the
/// task's input values at run time, so its shape can depend on them.
pub(crate) fn dynamic(args: TokenStream, item: TokenStream) -> TokenStream {
    match try_dynamic(args, item.clone()) {
        Ok(tokens) => tokens,
        Err(e) => expand::fallback(&item, e),
    }
}

fn try_dynamic(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args: parse::TaskArgs = syn::parse2(args)?;
    let func: syn::ItemFn = syn::parse2(item)?;
    let cx = Ctxt::new();
    let mut model = model::TaskModel::build(&cx, &func, args);
    if let Some(a) = &func.sig.asyncness {
        cx.error_spanned_by(
            a,
            "a dynamic task's body builds a graph and is not async; remove `async`",
        );
    }
    if let crate::signature::Returns::Result(_) = model.sig.returns {
        cx.error_spanned_by(
            &func.sig.output,
            "a dynamic task returns its outputs as promises, not a `Result`",
        );
    }
    let mut body = (*func.block).clone();
    crate::workflow::rewrite_body(&cx, &model.krate, &mut body);
    model.dynamic_body = Some(body);
    cx.check()?;
    Ok(expand::task(&model))
}
