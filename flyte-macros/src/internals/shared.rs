//! Generators `#[task]` and `#[workflow]` share: where the function's attributes go,
//! the interface, the type checks, and the node type a workflow body calls.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{Attribute, Ident, ItemFn, Visibility};

use crate::internals::signature::{self, Signature};

/// The function's attributes by where they land: docs and `#[deprecated]` on the
/// public value, `#[must_use]` on its node call, `#[cfg]` on every generated item
/// ([`with_cfg`]), the rest (lint levels and such) on the function's body.
pub(crate) struct Attrs<'a> {
    pub(crate) public: Vec<&'a Attribute>,
    pub(crate) must_use: Vec<&'a Attribute>,
    pub(crate) cfg: Vec<Attribute>,
    pub(crate) rest: Vec<&'a Attribute>,
}

impl<'a> Attrs<'a> {
    pub(crate) fn of(item: &'a ItemFn) -> Self {
        let is = |a: &Attribute, names: &[&str]| names.iter().any(|n| a.path().is_ident(n));
        let attrs = &item.attrs;
        Attrs {
            public: attrs
                .iter()
                .filter(|a| is(a, &["doc", "deprecated"]))
                .collect(),
            must_use: attrs.iter().filter(|a| is(a, &["must_use"])).collect(),
            cfg: attrs.iter().filter(|a| is(a, &["cfg"])).cloned().collect(),
            rest: attrs
                .iter()
                .filter(|a| !is(a, &["doc", "deprecated", "must_use", "cfg"]))
                .collect(),
        }
    }
}

/// Puts the function's `#[cfg(..)]` attributes on every item generated for it, so a
/// task or workflow compiled out leaves nothing behind.
pub(crate) fn with_cfg(tokens: TokenStream, cfgs: &[Attribute]) -> TokenStream {
    if cfgs.is_empty() {
        return tokens;
    }
    let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else {
        return tokens;
    };
    for item in &mut file.items {
        let attrs = match item {
            syn::Item::Const(i) => &mut i.attrs,
            syn::Item::Fn(i) => &mut i.attrs,
            syn::Item::Impl(i) => &mut i.attrs,
            syn::Item::Static(i) => &mut i.attrs,
            syn::Item::Struct(i) => &mut i.attrs,
            syn::Item::Mod(i) => &mut i.attrs,
            syn::Item::Use(i) => &mut i.attrs,
            _ => continue,
        };
        attrs.extend(cfgs.iter().cloned());
    }
    quote::ToTokens::into_token_stream(file)
}

/// The inputs as one tuple type, spanned at the parameter list so a type that is not
/// a Flyte type is reported there rather than at the attribute.
pub(crate) fn input_type(item: &ItemFn, sig: &Signature<'_>) -> TokenStream {
    let types = sig.params.iter().map(|p| p.ty);
    let span = item.sig.paren_token.span.join();
    quote_spanned!(span=> (#(#types,)*))
}

/// The interface: input names from the parameters, output names declared or `o0`...
pub(crate) fn interface(
    p: &TokenStream,
    item: &ItemFn,
    sig: &Signature<'_>,
    output_names: Option<&Vec<String>>,
) -> TokenStream {
    let input_ty = input_type(item, sig);
    let output_ty = sig.output_type();
    let names: Vec<String> = sig.params.iter().map(|p| p.flyte_name()).collect();
    let outs = match output_names {
        Some(outs) => quote!(::core::option::Option::Some(&[#(#outs),*])),
        None => quote!(::core::option::Option::None),
    };
    quote!(#p::interface_of::<#input_ty, #output_ty>(&[#(#names),*], #outs))
}

/// One compile-time check per distinct input and output type, spanned at its first
/// use: a type used five times is checked (and reported) once.
pub(crate) fn type_checks(p: &TokenStream, sig: &Signature<'_>) -> TokenStream {
    let mut seen = std::collections::HashSet::new();
    let checks = sig
        .params
        .iter()
        .map(|param| param.ty)
        .chain(sig.output_types())
        .filter(|ty| seen.insert(quote!(#ty).to_string()))
        .map(|ty| {
            let span = signature::span_of(ty);
            quote_spanned!(span=> #p::assert_flyte_type::<#ty>();)
        });
    quote!(const _: () = { #(#checks)* };)
}

/// What a node type is for: the value's type, the field naming it, and the
/// builder method that adds the node (`task_node`, `workflow_node`).
pub(crate) struct NodeOf<'a> {
    pub(crate) owner_ty: &'a Ident,
    pub(crate) node_ty: &'a Ident,
    pub(crate) field: Ident,
    pub(crate) add: Ident,
    pub(crate) doc: &'a str,
    /// Whether calls take `.with_overrides(..)` (task calls do).
    pub(crate) overridable: bool,
}

/// What a node type adds when its calls take `.with_overrides(..)`.
struct Overridable {
    field_decl: TokenStream,
    field_init: TokenStream,
    with: TokenStream,
    add_call: TokenStream,
}

/// Task calls carry their `.with_overrides(..)` to the node they add; workflow calls
/// have none.
fn overridable_parts(
    p: &TokenStream,
    overridable: bool,
    add: &Ident,
    field: &Ident,
    wires: &TokenStream,
) -> Overridable {
    if !overridable {
        return Overridable {
            field_decl: TokenStream::new(),
            field_init: TokenStream::new(),
            with: TokenStream::new(),
            add_call: quote!(self.wf.#add(self.#field, #wires)),
        };
    }
    Overridable {
        field_decl: quote!(overrides: ::core::option::Option<#p::NodeOverrides>,),
        field_init: quote!(overrides: ::core::option::Option::None),
        with: quote! {
            /// This call's own settings (flytekit's `with_overrides`).
            pub fn with_overrides(mut self, overrides: #p::NodeOverrides) -> Self {
                self.overrides = ::core::option::Option::Some(overrides);
                self
            }
        },
        add_call: quote!(self.wf.#add(self.#field, #wires, self.overrides)),
    }
}

/// The node type a workflow body calls: `f::__flyte_node(&wf)` gives it, and its
/// `call` takes the user's parameter names (with their spans), so a missing or extra
/// argument is reported against the function's own signature.
pub(crate) fn node_type(
    p: &TokenStream,
    vis: &Visibility,
    fn_ident: &Ident,
    sig: &Signature<'_>,
    attrs: &Attrs<'_>,
    of: NodeOf<'_>,
) -> TokenStream {
    let NodeOf {
        owner_ty,
        node_ty,
        field,
        add,
        doc,
        overridable,
    } = of;
    let output_ty = sig.output_type();
    // `call` carries the function's name span: rustc's "method defined here" note
    // then shows the function's own signature and parameter names.
    let call = Ident::new("call", fn_ident.span());
    let must_use = &attrs.must_use;
    let call_params = sig.params.iter().map(|param| {
        let (id, ty) = (&param.ident, param.ty);
        quote!(#id: impl #p::IntoBinding<#ty>)
    });
    let wires = sig.params.iter().map(|param| {
        let (id, ty) = (&param.ident, param.ty);
        quote!(<_ as #p::IntoBinding<#ty>>::into_wire(#id))
    });
    let wires = quote!(::std::vec![#(#wires),*]);
    let Overridable {
        field_decl,
        field_init,
        with,
        add_call,
    } = overridable_parts(p, overridable, &add, &field, &wires);
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl #owner_ty {
            #[doc(hidden)]
            pub fn __flyte_node<'w>(__flyte_wf: &'w #p::WorkflowBuilder) -> #node_ty<'w> {
                #node_ty { #field: &Self {}, wf: __flyte_wf, #field_init }
            }
        }

        #[doc(hidden)]
        #[allow(non_camel_case_types, deprecated)]
        #vis struct #node_ty<'w> {
            #field: &'static #owner_ty,
            wf: &'w #p::WorkflowBuilder,
            #field_decl
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl<'w> #node_ty<'w> {
            #with

            #[doc = #doc]
            #[allow(clippy::too_many_arguments)]
            #(#must_use)*
            pub fn #call(self, #(#call_params),*) -> <#output_ty as #p::OutputPromises>::Promises {
                #add_call
            }
        }
    }
}

/// The graph builder's name inside a workflow or dynamic body: mixed-site hygiene, so
/// the user's code can neither see nor shadow it.
pub(crate) fn builder_ident() -> proc_macro2::Ident {
    proc_macro2::Ident::new("__flyte_wf", proc_macro2::Span::mixed_site())
}
