//! `#[task]` tokens from a checked model. Cannot fail: every decision was made by
//! the model. The generated code is glue over `flyte::__private`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use super::model::TaskModel;
use crate::signature::{self, Returns};

pub(crate) fn task(m: &TaskModel<'_>) -> TokenStream {
    let cfgs: Vec<syn::Attribute> = m
        .item
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .cloned()
        .collect();
    crate::signature::with_cfg(items(m), &cfgs)
}

fn items(m: &TaskModel<'_>) -> TokenStream {
    let krate = &m.krate;
    let p = quote!(#krate::__private);
    let item = m.item;
    let ident = m.ident;
    let vis = &item.vis;
    let task_ty = format_ident!("__FlyteTask_{}", ident);
    let node_ty = format_ident!("__FlyteNode_{}", ident);
    let inner = format_ident!("__flyte_fn_{}", ident);

    // The user's function, renamed and private, with its body and spans untouched.
    // Doc comments move to the static that takes its name.
    let mut inner_fn = item.clone();
    inner_fn.sig.ident = inner.clone();
    // Only the generated items in this module call it; the static is the public face.
    inner_fn.vis = syn::Visibility::Inherited;
    // Docs, `#[deprecated]` and `#[must_use]` belong to the public face (the static
    // and its node call); `#[cfg]` goes on every generated item (see `with_cfg`).
    inner_fn.attrs.retain(|a| {
        !["doc", "deprecated", "must_use", "cfg"]
            .iter()
            .any(|name| a.path().is_ident(name))
    });
    if let Some(body) = &m.dynamic_body {
        // A dynamic body gets the graph builder first and returns its outputs as
        // promises; its parameters are the task's input values.
        let ret_span = match &item.sig.output {
            syn::ReturnType::Type(_, ty) => syn::spanned::Spanned::span(ty),
            syn::ReturnType::Default => ident.span(),
        };
        let out = m.sig.output_type();
        let ret = quote_spanned!(ret_span=> impl #p::IntoOutputs<#out> + use<>);
        let params = &item.sig.inputs;
        let stmts = &body.stmts;
        let wf = crate::workflow::builder_ident();
        inner_fn = syn::parse_quote! {
            #[allow(unused_variables, unused_mut, clippy::let_unit_value, clippy::unused_unit)]
            fn #inner(#wf: &#p::WorkflowBuilder, #params) -> #ret {
                #[allow(unused_imports)]
                use #p::{AsTaskNode as _, PassThrough as _};
                #(#stmts)*
            }
        };
    }
    let doc_attrs: Vec<_> = item
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc") || a.path().is_ident("deprecated"))
        .collect();
    let must_use: Vec<_> = item
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("must_use"))
        .collect();

    let names: Vec<_> = m.sig.params.iter().map(|p| &p.ident).collect();
    let name_strs: Vec<String> = names.iter().map(|i| i.to_string()).collect();
    let types: Vec<_> = m.sig.params.iter().map(|p| p.ty).collect();
    // Spanned at the parameter list and the return type, so a type that is not a Flyte
    // type is reported there rather than at the attribute.
    let params_span = item.sig.paren_token.span.join();
    let input_ty = quote_spanned!(params_span=> (#(#types,)*));
    let output_ty = m.sig.output_type();
    let interface = match &m.output_names {
        Some(outs) => {
            quote!(#p::Interface::of::<#input_ty, #output_ty>(&[#(#name_strs),*], &[#(#outs),*]))
        }
        None => {
            quote!(#p::Interface::with_default_outputs::<#input_ty, #output_ty>(&[#(#name_strs),*]))
        }
    };
    // `call` carries the task's name span: rustc's "method defined here" note then
    // shows the task's own signature and parameter names.
    let call = syn::Ident::new("call", ident.span());
    let fn_ret = match &item.sig.output {
        syn::ReturnType::Default => quote!(()),
        syn::ReturnType::Type(_, ty) => quote!(#ty),
    };

    let type_checks = types.iter().copied().chain(m.sig.output_types()).map(|ty| {
        let span = signature::span_of(ty);
        quote_spanned!(span=> #p::assert_flyte_type::<#ty>();)
    });

    // Direct calls go through `Deref` to a plain fn pointer; async tasks get a boxed
    // future so the pointer type can be written down.
    let (deref_target, boxed_fn, deref_to) = if m.sig.is_async {
        let boxed = format_ident!("__flyte_boxed_{}", ident);
        let target = quote!(fn(#(#types),*) -> ::core::pin::Pin<::std::boxed::Box<dyn ::core::future::Future<Output = #fn_ret> + ::core::marker::Send>>);
        let f = quote! {
            #[doc(hidden)]
            #[allow(non_snake_case)]
            fn #boxed(#(#names: #types),*) -> ::core::pin::Pin<::std::boxed::Box<dyn ::core::future::Future<Output = #fn_ret> + ::core::marker::Send>> {
                ::std::boxed::Box::pin(#inner(#(#names),*))
            }
        };
        (target, f, boxed)
    } else {
        (quote!(fn(#(#types),*) -> #fn_ret), quote!(), inner.clone())
    };

    // Direct calls reach the body; a dynamic task's body needs a graph builder, so it
    // has none.
    let deref_impl = if m.dynamic_body.is_some() {
        quote!()
    } else {
        quote! {
            #[automatically_derived]
            impl ::core::ops::Deref for #task_ty {
                type Target = #deref_target;
                fn deref(&self) -> &Self::Target {
                    static FN: #deref_target = #deref_to;
                    &FN
                }
            }
        }
    };

    let name_expr = match &m.name {
        Some(lit) => quote!(#lit),
        None => {
            let fn_name = ident.to_string();
            quote! {{
                static NAME: #p::OnceLock<::std::string::String> = #p::OnceLock::new();
                NAME.get_or_init(|| #p::qualified_name(::core::module_path!(), #fn_name))
            }}
        }
    };

    let k = &m.knobs;
    let mut meta = quote!(#p::TaskMetadata::default());
    if let Some(r) = k.retries {
        meta.extend(quote!(.retries(#r)));
    }
    if let Some(t) = k.timeout {
        let (secs, nanos) = (t.as_secs(), t.subsec_nanos());
        meta.extend(quote!(.timeout(::core::time::Duration::new(#secs, #nanos))));
    }
    if k.cache {
        meta.extend(quote!(.cache(true)));
    }
    if let Some(v) = &k.cache_version {
        meta.extend(quote!(.cache_version(#v)));
    }
    if k.cache_serialize {
        meta.extend(quote!(.cache_serialize(true)));
    }
    if let Some(b) = k.interruptible {
        meta.extend(quote!(.interruptible(#b)));
    }
    if let Some(d) = &k.deprecated {
        meta.extend(quote!(.deprecated(#d)));
    }

    let description = match &m.docs {
        Some(d) => quote!(::core::option::Option::Some(#d)),
        None => quote!(::core::option::Option::None),
    };

    let (config_fn, task_type, custom, before) = match &m.config {
        Some(expr) => (
            quote! {
                #[doc(hidden)]
                fn __flyte_config(&self) -> &'static dyn #p::TaskConfig {
                    static CONFIG: #p::LazyLock<#p::DynConfig> =
                        #p::LazyLock::new(|| #p::assert_task_config(#expr));
                    &**CONFIG
                }
            },
            quote!(self.__flyte_config().task_type()),
            quote!(self.__flyte_config().custom()),
            quote!(self.__flyte_config().before_attempt(&__flyte_ctx)?;),
        ),
        None => (
            quote!(),
            quote!("rust-task"),
            quote!(::core::option::Option::None),
            quote!(),
        ),
    };

    let call_body = if m.dynamic_body.is_some() {
        quote! {
            #p::run_dynamic::<#output_ty>(
                __flyte_ctx,
                #p::Task::name(self),
                move |__flyte_wf| #p::IntoOutputs::<#output_ty>::into_wires(#inner(__flyte_wf, #(#names),*)),
            )
            .await?
        }
    } else if m.sig.is_async {
        quote!(#p::in_context(__flyte_ctx, #inner(#(#names),*)).await)
    } else {
        quote!(#p::run_blocking(__flyte_ctx, move || #inner(#(#names),*)).await?)
    };
    let finish = match m.sig.returns {
        _ if m.dynamic_body.is_some() => quote!(::core::result::Result::Ok(__flyte_out)),
        Returns::Result(_) => quote!(__flyte_out.map_err(#p::task_error)),
        Returns::Plain(_) | Returns::Unit => quote!(::core::result::Result::Ok(__flyte_out)),
    };

    // `call` takes the user's parameter names (with their spans), so a missing or
    // extra argument in a workflow is reported against the task's own signature.
    let call_params = m.sig.params.iter().map(|param| {
        let (id, ty) = (&param.ident, param.ty);
        quote!(#id: impl #p::IntoBinding<#ty>)
    });
    let wires = m.sig.params.iter().map(|param| {
        let (id, ty) = (&param.ident, param.ty);
        quote!(<_ as #p::IntoBinding<#ty>>::into_wire(#id))
    });

    quote! {
        #inner_fn

        #boxed_fn

        #(#doc_attrs)*
        #[allow(non_upper_case_globals)]
        #vis static #ident: #task_ty = #task_ty { _private: () };

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #task_ty {
            _private: (),
        }

        const _: () = {
            #(#type_checks)*
        };

        #deref_impl

        #[automatically_derived]
        impl #p::Task for #task_ty {
            type Input = #input_ty;
            type Output = #output_ty;

            fn name(&self) -> &str {
                #name_expr
            }
            fn task_type(&self) -> &str {
                #task_type
            }
            fn interface(&self) -> #p::Interface {
                #interface
            }
            fn metadata(&self) -> &#p::TaskMetadata {
                static METADATA: #p::LazyLock<#p::TaskMetadata> = #p::LazyLock::new(|| #meta);
                &METADATA
            }
            fn description(&self) -> ::core::option::Option<&str> {
                #description
            }
            fn custom(&self) -> ::core::option::Option<#p::JsonValue> {
                #custom
            }
            #[allow(unused_variables)]
            async fn execute(
                &self,
                __flyte_ctx: #p::ExecutionContext,
                __flyte_input: #input_ty,
            ) -> ::core::result::Result<#output_ty, #p::TaskError> {
                let (#(#names,)*) = __flyte_input;
                #before
                let __flyte_out = #call_body;
                #finish
            }
        }

        #[automatically_derived]
        impl #task_ty {
            #config_fn

            #[doc(hidden)]
            pub fn __flyte_node<'w>(&'static self, __flyte_wf: &'w #p::WorkflowBuilder) -> #node_ty<'w> {
                #node_ty { task: self, wf: __flyte_wf }
            }
        }

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #node_ty<'w> {
            task: &'static #task_ty,
            wf: &'w #p::WorkflowBuilder,
        }

        #[automatically_derived]
        impl<'w> #node_ty<'w> {
            /// Adds a node running this task.
            #[allow(clippy::too_many_arguments)]
            #(#must_use)*
            pub fn #call(self, #(#call_params),*) -> <#output_ty as #p::OutputPromises>::Promises {
                self.wf.task_node(self.task, ::std::vec![#(#wires),*])
            }
        }
    }
}

/// What is emitted when the attribute has errors: the function as written, so direct
/// calls still type-check, and the errors.
pub(crate) fn fallback(item: &proc_macro2::TokenStream, error: syn::Error) -> TokenStream {
    let error = error.to_compile_error();
    quote!(#item #error)
}
