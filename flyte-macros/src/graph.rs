//! `#[graph]`: a helper function of graph code. Its body is rewritten as a workflow
//! body is (task calls become nodes), and it becomes a type (of the function's name,
//! as a task does) that a workflow or dynamic body calls like a function: the call runs the helper on the caller's
//! graph, so the nodes it adds are the caller's own. Outside a graph body it cannot be
//! called (there is no graph to add nodes to).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};

use crate::internals::diag::Ctxt;

/// `#[graph]` or `#[graph(crate = path)]`.
struct GraphArgs {
    krate: Option<syn::Path>,
}

impl Parse for GraphArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Ok(GraphArgs { krate: None });
        }
        let key: syn::Token![crate] = input.parse().map_err(|e| {
            syn::Error::new(e.span(), "`#[graph]` takes no arguments but `crate = path`")
        })?;
        let _ = key;
        input.parse::<syn::Token![=]>()?;
        let krate: syn::Path = input.parse()?;
        if !input.is_empty() {
            return Err(input.error("`#[graph]` takes no arguments but `crate = path`"));
        }
        Ok(GraphArgs { krate: Some(krate) })
    }
}

pub(crate) fn graph(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: syn::ItemFn = match syn::parse2(item) {
        Ok(f) => f,
        Err(e) => return e.to_compile_error(),
    };
    let args: GraphArgs = match syn::parse2(args) {
        Ok(a) => a,
        Err(e) => return e.to_compile_error(),
    };
    let cx = Ctxt::new();
    check(&cx, &func.sig);
    let krate = args.krate.unwrap_or_else(|| syn::parse_quote!(::flytekit));
    let mut body = (*func.block).clone();
    crate::workflow::rewrite_body(&cx, &krate, &mut body);
    if let Err(errors) = cx.check() {
        return errors.to_compile_error();
    }
    expand(&func, &krate, &body)
}

/// What a helper cannot be: it is called with the caller's graph, synchronously.
fn check(cx: &Ctxt, sig: &syn::Signature) {
    crate::internals::signature::check_name(cx, &sig.ident, "`#[graph]` helper");
    if let Some(a) = &sig.asyncness {
        cx.error_spanned_by(
            a,
            "a `#[graph]` helper builds nodes and cannot be `async`: remove `async`",
        );
    }
    if !sig.generics.params.is_empty() {
        cx.error_spanned_by(
            &sig.generics,
            "a `#[graph]` helper cannot be generic: write one helper per type",
        );
    }
    if let Some(syn::FnArg::Receiver(r)) = sig.inputs.first() {
        cx.error_spanned_by(r, "a `#[graph]` helper is a free function, not a method");
    }
}

fn expand(func: &syn::ItemFn, krate: &syn::Path, body: &syn::Block) -> TokenStream {
    let p = quote!(#krate::__private_0_1);
    let vis = &func.vis;
    let ident = &func.sig.ident;
    let attrs = &func.attrs;
    let helper_ty = ident;
    let call_ty = format_ident!("__FlyteGraphCall_{}", ident);
    let params = &func.sig.inputs;
    let output = &func.sig.output;
    let wf = crate::internals::shared::builder_ident();
    let stmts = &body.stmts;
    let span = func.sig.ident.span();
    let node_fn = quote_spanned!(span=> __flyte_node);
    quote! {
        // A type with the function's name, as a task is, so variables may share it.
        #(#attrs)*
        #[allow(non_camel_case_types)]
        #vis struct #helper_ty {}

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #call_ty<'w> {
            graph: &'w #p::WorkflowBuilder,
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl #helper_ty {
            /// The helper on the calling body's graph.
            #[doc(hidden)]
            #vis fn #node_fn<'w>(graph: &'w #p::WorkflowBuilder) -> #call_ty<'w> {
                #call_ty { graph }
            }
        }

        #[automatically_derived]
        impl #call_ty<'_> {
            /// Runs the helper's body on the caller's graph.
            #[doc(hidden)]
            #[allow(clippy::let_unit_value, clippy::unused_unit)]
            #vis fn call(self, #params) #output {
                #[allow(unused_imports)]
                use #p::{AsTaskNode as _, IfValue as _, PassThrough as _};
                let #wf = self.graph;
                #(#stmts)*
            }
        }
    }
}
