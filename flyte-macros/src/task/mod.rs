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
