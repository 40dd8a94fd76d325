//! An enum whose variants each carry one value (`Celsius(f64)`, `Label(String)`) is a
//! Flyte union of the values' types, as flytekit maps `Union[float, str]`: each
//! variant's value is written with its type's union tag, and read back by the tag.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Fields, Path};

use crate::internals::diag::Ctxt;

/// Each variant must carry exactly one unnamed value, of a type no other variant has.
pub(super) fn check(cx: &Ctxt, e: &syn::DataEnum) {
    let mut seen: Vec<(String, &syn::Ident)> = Vec::new();
    for v in &e.variants {
        match &v.fields {
            Fields::Unit => cx.error_spanned_by(
                &v.ident,
                format!(
                    "`{}` carries no value, but other variants do: a Flyte union's variants are each a value's type, and flytekit has no unit variant; give it a value (`{}(String)`) or make every variant a unit (a Flyte enum)",
                    v.ident, v.ident
                ),
            ),
            Fields::Named(f) => cx.error_spanned_by(
                f,
                "a Flyte union's variant carries one value: make it a tuple variant of one type (a `#[derive(FlyteType)]` struct for named fields)",
            ),
            Fields::Unnamed(f) if f.unnamed.len() != 1 => cx.error_spanned_by(
                f,
                "a Flyte union's variant carries one value: one type, not several (a tuple or a struct of them)",
            ),
            Fields::Unnamed(f) => {
                let ty = &f.unnamed[0].ty;
                let key = quote!(#ty).to_string();
                if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                    cx.error_spanned_by(
                        ty,
                        format!(
                            "`{}` and `{}` both carry `{key}`: Flyte (and flytekit) could not tell them apart in a union",
                            first, v.ident
                        ),
                    );
                }
                seen.push((key, &v.ident));
            }
        }
    }
}

pub(super) fn expand(input: &DeriveInput, e: &syn::DataEnum, krate: &Path) -> TokenStream {
    let p = quote!(#krate::__private_0_1);
    let ident = &input.ident;
    let variants: Vec<_> = e.variants.iter().map(|v| &v.ident).collect();
    let types: Vec<_> = e
        .variants
        .iter()
        .filter_map(|v| match &v.fields {
            Fields::Unnamed(f) => f.unnamed.first().map(|f| &f.ty),
            _ => None,
        })
        .collect();
    if types.len() != variants.len() {
        // `check` reported it; the stub impl stands in.
        return TokenStream::new();
    }
    let distinct = distinct_tags(&variants, &types, &p);
    quote! {
        #distinct

        #[automatically_derived]
        impl #p::FlyteType for #ident {
            fn literal_type() -> #p::LiteralType {
                #p::LiteralType::Union(::std::vec![
                    #(<#types as #p::FlyteType>::literal_type()),*
                ])
            }
            fn to_literal(&self) -> #p::Literal {
                match self {
                    #(Self::#variants(value) => #p::Literal::Union {
                        value: ::std::boxed::Box::new(#p::FlyteType::to_literal(value)),
                        variant: <#types as #p::FlyteType>::literal_type(),
                    },)*
                }
            }
            fn from_literal(literal: &#p::Literal) -> ::core::result::Result<Self, #p::LiteralMismatch> {
                #p::union_from_literal(literal, &[#((
                    <#types as #p::FlyteType>::literal_type(),
                    |l| <#types as #p::FlyteType>::from_literal(l).map(Self::#variants),
                )),*])
            }
            const HAS_BLOBS: bool = false #(|| <#types as #p::FlyteType>::HAS_BLOBS)*;
            const IS_UNION: bool = true;
            const HOLDS_UNION_ENUM: bool = true;
            fn visit_blobs<'a>(&'a mut self, f: &mut dyn ::core::ops::FnMut(#p::BlobRef<'a>)) {
                match self {
                    #(Self::#variants(value) => #p::FlyteType::visit_blobs(value, f),)*
                }
            }
        }
    }
}

/// A check run while compiling: two variants whose types have one union tag (`i64`
/// and a `u32` newtype both `int`, two structs both dataclasses) fail the build,
/// naming them.
fn distinct_tags(variants: &[&syn::Ident], types: &[&syn::Type], p: &TokenStream) -> TokenStream {
    let mut checks = Vec::new();
    // A union in a union: Python flattens it, so flytekit would not read it nested.
    for (v, ty) in variants.iter().zip(types) {
        let message = format!(
            "`#[derive(FlyteType)]`: variant `{v}` holds a union (an `Option` or a union enum); Python flattens a union in a union, so give its variants (or the inner type and an `Option` of the whole enum) instead"
        );
        let span = ty.span();
        checks.push(quote_spanned! {span=>
            if <#ty as #p::FlyteType>::IS_UNION {
                ::core::panic!(#message);
            }
        });
    }
    for i in 0..types.len() {
        for j in i + 1..types.len() {
            let (a, b) = (types[i], types[j]);
            let message = format!(
                "`#[derive(FlyteType)]`: variants `{}` and `{}` have the same Flyte type in a union, which flytekit could not tell apart",
                variants[i], variants[j]
            );
            let span = b.span();
            checks.push(quote_spanned! {span=>
                if #p::same_union_tag(<#a as #p::FlyteType>::UNION_TAG, <#b as #p::FlyteType>::UNION_TAG) {
                    ::core::panic!(#message);
                }
            });
        }
    }
    quote! {
        const _: () = {
            #(#checks)*
        };
    }
}
