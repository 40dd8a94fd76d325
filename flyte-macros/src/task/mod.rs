//! `#[task]`: parse -> model (which validates) -> expand.

mod container;
mod expand;
mod model;
mod parse;
mod plain;
mod pod;
mod reference;
mod resources;

use proc_macro2::TokenStream;

use crate::internals::diag::Ctxt;

pub(crate) use container::container_task;
pub(crate) use reference::{Kind as ReferenceKind, reference};

pub(crate) fn task(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_task(args, item, |_, _, _| Ok(()))
}

/// `#[dynamic]`: a task whose body, like a workflow's, builds a graph, but on the
/// task's input values at run time, so its shape can depend on them.
pub(crate) fn dynamic(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_task(args, item, |cx, func, model| {
        if let Some(a) = &func.sig.asyncness {
            cx.error_spanned_by(
                a,
                "a dynamic task's body builds a graph and is not async; remove `async`",
            );
        }
        if let crate::internals::signature::Returns::Result(_) = model.sig.returns {
            cx.error_spanned_by(
                &func.sig.output,
                "a dynamic task returns its outputs as promises, not a `Result`",
            );
        }
        let mut body = (*func.block).clone();
        crate::workflow::rewrite_body(cx, &model.krate, &mut body);
        model.dynamic_body = Some(body);
        Ok(())
    })
}

/// `#[task_settings(..)] fn etl() {}`: settings shared by a group of tasks, written
/// with `#[task]`'s keys and checked as strictly; the function becomes one returning
/// them, which `#[task(settings = etl)]` puts under a task's own.
pub(crate) fn task_settings(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(e) => return e.to_compile_error(),
    };
    let (mut args, args_error) = match syn::parse2::<parse::TaskArgs>(args) {
        Ok(args) => (args, None),
        Err(e) => (parse::TaskArgs::default(), Some(e)),
    };
    let (sig_cx, cx) = (Ctxt::new(), Ctxt::new());
    refuse_task_keys(&cx, &args);
    // Reported once, above: the model would find them wrong again.
    args.common.outputs = None;
    args.cache_ignore = None;
    if !func.sig.inputs.is_empty()
        || !matches!(func.sig.output, syn::ReturnType::Default)
        || !func.block.stmts.is_empty()
    {
        cx.error_spanned_by(
            &func.sig,
            "write shared settings on an empty function without parameters, `fn etl() {}`: it becomes one returning them",
        );
    }
    let model = model::TaskModel::build(&sig_cx, &cx, &func, args);
    let krate = &model.krate;
    let p = quote::quote!(#krate::__private_0_1);
    let meta =
        expand::metadata(&model, &p).unwrap_or_else(|| quote::quote!(#p::TaskMetadata::DEFAULT));
    let (attrs, vis, ident) = (&func.attrs, &func.vis, &func.sig.ident);
    let mut out = quote::quote! {
        #(#attrs)*
        #vis fn #ident() -> #p::TaskMetadata {
            #meta
        }
    };
    let errors = [args_error, sig_cx.check().err(), cx.check().err()];
    for e in errors.into_iter().flatten() {
        out.extend(e.to_compile_error());
    }
    out
}

/// The keys that belong to one task, not to settings shared by several.
fn refuse_task_keys(cx: &Ctxt, args: &parse::TaskArgs) {
    let why = "belongs to one task: give it on the task's `#[task(..)]`";
    if let Some(name) = &args.common.name {
        cx.error_spanned_by(name, format!("`name` {why}"));
    }
    if let Some(outputs) = &args.common.outputs {
        cx.error_spanned_by(outputs.key, format!("`outputs` {why}"));
    }
    if let Some(config) = &args.config {
        cx.error_spanned_by(config, format!("`config` {why}"));
    }
    if let Some(names) = args.cache_ignore.as_ref().and_then(|n| n.first()) {
        cx.error_spanned_by(
            names,
            format!("`cache_ignore_input_vars` names inputs, so it {why}"),
        );
    }
    if let Some(key) = &args.run_in_pod {
        cx.error_spanned_by(key, format!("`run_in_pod` {why}"));
    }
    if let Some((key, parse::CacheArg::Auto { .. })) = &args.cache {
        cx.error_spanned_by(
            key,
            "`cache = auto` derives a version from one task's code: give it on the task's `#[task(..)]` (shared settings may give `cache_version`)",
        );
    }
    if let Some(path) = &args.settings {
        cx.error_spanned_by(
            path,
            "shared settings do not build on other shared settings: write them out",
        );
    }
}

/// `run_in_pod` is for `#[dynamic]` only.
fn check_run_in_pod(cx: &Ctxt, model: &model::TaskModel<'_>) {
    if let Some(span) = model.knobs.run_in_pod
        && model.dynamic_body.is_none()
    {
        cx.error_spanned_by(
            quote::quote_spanned!(span=> run_in_pod),
            "`run_in_pod` is a setting of `#[dynamic]` tasks (their graph runs inside their own pod instead of being handed to Flyte)",
        );
    }
}

/// Expands a task, as tokio-macros and thiserror do on an error: a problem with the
/// settings (a bad `timeout`, an unknown key) is reported and the task is still
/// made, with default settings, so its uses compile and the one mistake gives one
/// error. Only a signature that decides no interface (generic, `self`, a pattern)
/// leaves the plain function with its errors.
pub(super) fn expand_task(
    args: TokenStream,
    item: TokenStream,
    extra: impl FnOnce(&Ctxt, &syn::ItemFn, &mut model::TaskModel<'_>) -> syn::Result<()>,
) -> TokenStream {
    let func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(e) => return expand::fallback(&item, e),
    };
    let (args, args_error) = match syn::parse2::<parse::TaskArgs>(args) {
        Ok(args) => (args, None),
        Err(e) => (parse::TaskArgs::default(), Some(e)),
    };
    let (sig_cx, cx) = (Ctxt::new(), Ctxt::new());
    let mut model = model::TaskModel::build(&sig_cx, &cx, &func, args);
    let extra = extra(&sig_cx, &func, &mut model);
    check_run_in_pod(&cx, &model);
    let sig_error = sig_cx.check().err();
    let signature_ok = sig_error.is_none() && extra.is_ok();
    let errors = [args_error, sig_error, extra.err(), cx.check().err()]
        .into_iter()
        .flatten()
        .reduce(|mut all, e| {
            all.combine(e);
            all
        });
    match errors {
        None => expand::task(&model),
        Some(e) if signature_ok => {
            let mut tokens = expand::task(&model);
            tokens.extend(e.to_compile_error());
            tokens
        }
        Some(e) => expand::fallback(&item, e),
    }
}
