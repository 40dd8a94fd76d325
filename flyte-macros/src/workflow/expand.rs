//! `#[workflow]` tokens from a checked model: a type with the function's name
//! implementing `Workflow`, with associated `run`, `run_with`, `spec` and `build`, and
//! the node type an enclosing workflow calls.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use super::model::WorkflowModel;
use crate::internals::shared::{self, Attrs, NodeOf};

pub(crate) fn workflow(m: &WorkflowModel<'_>) -> TokenStream {
    let attrs = Attrs::of(m.item);
    shared::with_cfg(items(m, &attrs), &attrs.cfg)
}

fn items(m: &WorkflowModel<'_>, attrs: &Attrs<'_>) -> TokenStream {
    let krate = &m.krate;
    let p = quote!(#krate::__private_0_1);
    let ident = m.ident;
    let vis = &m.item.vis;
    // The workflow's type has the function's name, in the type namespace: nothing
    // takes the name in the value namespace, so variables may share it.
    let wf_ty = ident.clone();
    let node_ty = format_ident!("__FlyteWfNode_{}", ident);
    let public = &attrs.public;
    let type_checks = shared::type_checks(&p, &m.sig);
    let (body, build) = build_fn(m, attrs, &p);
    let methods = inherent_methods(m, &p);
    let input_ty = shared::input_type(m.item, &m.sig);
    let output_ty = m.sig.output_type();
    let node = shared::node_type(
        &p,
        vis,
        ident,
        &m.sig,
        attrs,
        NodeOf {
            owner_ty: &wf_ty,
            node_ty: &node_ty,
            field: format_ident!("workflow"),
            add: format_ident!("workflow_node"),
            doc: "Adds a node running this workflow.",
            overridable: false,
        },
    );
    quote! {
        #(#public)*
        #[allow(non_camel_case_types)]
        #vis struct #wf_ty {}

        #type_checks

        #body

        #[automatically_derived]
        #[allow(deprecated)]
        impl #p::Workflow for #wf_ty {
            type Input = #input_ty;
            type Output = #output_ty;

            fn spec(&self) -> &'static #p::WorkflowSpec {
                static SPEC: #p::OnceLock<#p::WorkflowSpec> = #p::OnceLock::new();
                SPEC.get_or_init(|| <Self as #p::Workflow>::build(self))
            }

            #build
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl #wf_ty {
            #methods
        }

        #node
    }
}

/// The body as a function of promises, and `Workflow::build`, which runs it once to
/// record the graph.
fn build_fn(
    m: &WorkflowModel<'_>,
    attrs: &Attrs<'_>,
    p: &TokenStream,
) -> (TokenStream, TokenStream) {
    let item = m.item;
    let rest = &attrs.rest;
    let output_ty = m.sig.output_type();
    let interface = shared::interface(p, item, &m.sig, m.output_names.as_ref());
    let stmts = &m.body.stmts;
    let wf = crate::internals::shared::builder_ident();
    // The user's patterns (`mut x`) are kept for the body's own parameters.
    let body_params = item.sig.inputs.iter().filter_map(|arg| match arg {
        syn::FnArg::Typed(pt) => {
            let (pat, ty) = (&pt.pat, &pt.ty);
            Some(quote!(#pat: #p::Promise<#ty>))
        }
        syn::FnArg::Receiver(_) => None,
    });
    let indices = 0..m.sig.params.len() as u32;
    let name_expr = match &m.name {
        Some(lit) => quote!(::std::string::String::from(#lit)),
        None => {
            let fn_name = m.ident.to_string();
            quote!(#p::qualified_name(::core::module_path!(), #fn_name))
        }
    };
    let description = match &m.docs {
        Some(d) => quote!(::core::option::Option::Some(#d)),
        None => quote!(::core::option::Option::None),
    };
    // `#[default(..)]` values, checked against the input's type where they are written.
    let defaults =
        m.defaults
            .iter()
            .zip(&m.sig.params)
            .enumerate()
            .filter_map(|(i, (d, param))| {
                let expr = d.as_ref()?;
                let (ty, i) = (param.ty, i as u32);
                let span = syn::spanned::Spanned::span(expr);
                Some(quote_spanned!(span=> __flyte_wf.default_input::<#ty>(#i, #expr);))
            });
    // Spanned at the declared return type, so a body that ends with the wrong outputs
    // is reported against it.
    let ret_span = match &item.sig.output {
        syn::ReturnType::Type(_, ty) => syn::spanned::Spanned::span(ty),
        syn::ReturnType::Default => item.sig.ident.span(),
    };
    let body_ret = quote_spanned!(ret_span=> impl #p::IntoOutputs<#output_ty> + use<>);
    let settings = workflow_settings(m, p);
    let body_fn = body_fn_ident(m);
    let body = quote! {
        #(#rest)*
        #[doc(hidden)]
        #[allow(unused_mut, non_snake_case, clippy::let_unit_value, clippy::unused_unit, clippy::too_many_arguments)]
        fn #body_fn(
            #wf: &#p::WorkflowBuilder,
            #(#body_params),*
        ) -> #body_ret {
            #[allow(unused_imports)]
            use #p::{AsTaskNode as _, IfValue as _, PassThrough as _};
            #(#stmts)*
        }
    };
    let build = quote! {
        fn build(&self) -> #p::WorkflowSpec {
            let __flyte_wf = #p::WorkflowBuilder::new(
                #name_expr,
                #description,
                #interface,
            );
            #(#defaults)*
            #settings
            let __flyte_out = #body_fn(&__flyte_wf, #(__flyte_wf.input(#indices)),*);
            __flyte_wf.finish(#p::IntoOutputs::<#output_ty>::into_wires(__flyte_out))
        }
    };
    (body, build)
}

/// The body's function, beside the workflow's impls rather than in them: those allow
/// `deprecated` (a deprecated workflow's own type is named in them), the body must
/// not hide the user's uses of deprecated tasks.
fn body_fn_ident(m: &WorkflowModel<'_>) -> syn::Ident {
    format_ident!("__flyte_body_{}", m.ident)
}

/// `interruptible`, `failure_policy`, `on_failure`, `labels` and `annotations` as calls
/// on the builder.
fn workflow_settings(m: &WorkflowModel<'_>, p: &TokenStream) -> TokenStream {
    let interruptible = m
        .interruptible
        .then(|| quote!(__flyte_wf.interruptible(true);));
    let failure_policy = m
        .failure_policy
        .as_ref()
        .map(|v| quote!(__flyte_wf.failure_policy(#p::FailurePolicy::#v);));
    let on_failure = m.on_failure.as_ref().map(|task| {
        let span = syn::spanned::Spanned::span(task);
        match task {
            // A `#[task]` is a type: its value is `task {}`.
            syn::Expr::Path(p) if p.qself.is_none() && super::names_entity(&p.path) => {
                quote_spanned!(span=> __flyte_wf.on_failure(&#task {});)
            }
            _ => quote_spanned!(span=> __flyte_wf.on_failure(&#task);),
        }
    });
    let labels = m
        .labels
        .iter()
        .map(|(k, v)| quote!(__flyte_wf.default_label(#k, #v);));
    let annotations = m
        .annotations
        .iter()
        .map(|(k, v)| quote!(__flyte_wf.default_annotation(#k, #v);));
    quote!(#interruptible #failure_policy #on_failure #(#labels)* #(#annotations)*)
}

/// `run`, `run_with`, `spec` and `build`, taking the inputs as ordinary arguments.
fn inherent_methods(m: &WorkflowModel<'_>, p: &TokenStream) -> TokenStream {
    let vis = &m.item.vis;
    let names: Vec<_> = m.sig.params.iter().map(|p| &p.ident).collect();
    let types: Vec<_> = m.sig.params.iter().map(|p| p.ty).collect();
    let input_ty = shared::input_type(m.item, &m.sig);
    let output_ty = m.sig.output_type();
    quote! {
        /// Runs the workflow locally and returns its outputs.
        #[allow(clippy::too_many_arguments)]
        #vis async fn run(#(#names: #types),*) -> ::core::result::Result<#output_ty, #p::RunError> {
            #p::run_workflow(&Self {}, (#(#names,)*), &#p::RunOptions::default()).await
        }

        /// Runs the workflow locally with the given options; inputs as a tuple.
        #vis async fn run_with(
            __flyte_options: &#p::RunOptions,
            __flyte_inputs: #input_ty,
        ) -> ::core::result::Result<#output_ty, #p::RunError> {
            #p::run_workflow(&Self {}, __flyte_inputs, __flyte_options).await
        }

        /// The workflow's graph: interface, nodes and bindings (built once).
        #vis fn spec() -> &'static #p::WorkflowSpec {
            <Self as #p::Workflow>::spec(&Self {})
        }

        /// Builds the graph anew, without keeping it.
        #vis fn build() -> #p::WorkflowSpec {
            <Self as #p::Workflow>::build(&Self {})
        }
    }
}

/// What is emitted when the attribute has errors: the signature with an unreachable
/// body, so uses elsewhere do not pile up follow-on errors, and the errors.
pub(crate) fn fallback(item: &syn::ItemFn, error: syn::Error) -> TokenStream {
    let error = error.to_compile_error();
    let mut stub = item.clone();
    for arg in stub.sig.inputs.iter_mut() {
        if let syn::FnArg::Typed(pt) = arg {
            pt.attrs.retain(|a| !a.path().is_ident("default"));
        }
    }
    stub.block = syn::parse_quote!({ ::core::unreachable!("this workflow did not compile") });
    quote!(#[allow(unused_variables, unreachable_code)] #stub #error)
}
