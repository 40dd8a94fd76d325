//! `#[derive(FlyteType)]`: a user struct becomes a Flyte struct type (fields and a JSON
//! schema; values through serde as msgpack), a unit-variant enum a Flyte enum, an enum
//! whose variants each carry one value a Flyte union.
//!
//! The derive reads the type (`model`), rejects what the schema cannot follow, and
//! emits an impl of `FlyteType` over `flytekit::__private_0_1` helpers.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Path};

use crate::internals::diag::Ctxt;

pub(crate) mod columns;
mod union;

pub(crate) fn derive(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let cx = Ctxt::new();
    let krate = crate_path(&cx, &input.attrs);
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "`FlyteType` cannot be derived for a generic type: Flyte needs one concrete schema",
        );
    }
    check_serde_attrs(&cx, &input.attrs, &["crate", "deny_unknown_fields"]);
    let tokens = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(fields) => {
                for f in &fields.named {
                    check_serde_attrs(&cx, &f.attrs, &["default"]);
                }
                Some(expand_struct(&input, fields, &krate))
            }
            other => {
                cx.error_spanned_by(
                    other,
                    "`FlyteType` needs named fields, which become the struct type's fields; name them",
                );
                None
            }
        },
        Data::Enum(e) => {
            for v in &e.variants {
                check_serde_attrs(&cx, &v.attrs, &[]);
            }
            if e.variants.iter().all(|v| matches!(v.fields, Fields::Unit)) {
                Some(expand_enum(&input, e, &krate))
            } else {
                union::check(&cx, e);
                Some(union::expand(&input, e, &krate))
            }
        }
        Data::Union(u) => {
            cx.error_spanned_by(u.union_token, "`FlyteType` cannot be derived for a union");
            None
        }
    };
    match cx.check() {
        Ok(()) => tokens.unwrap_or_default(),
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(stub_impl(&input, &krate));
            out
        }
    }
}

/// On an error, an impl whose bodies cannot run, so that each task using the type
/// compiles and the mistake is reported once, here. A generic type or a union gets
/// none (the impl could not be written for it without errors of its own).
fn stub_impl(input: &DeriveInput, krate: &Path) -> TokenStream {
    if !input.generics.params.is_empty() || matches!(input.data, Data::Union(_)) {
        return TokenStream::new();
    }
    let p = quote!(#krate::__private_0_1);
    let ident = &input.ident;
    let why = "`#[derive(FlyteType)]` reported an error for this type";
    quote! {
        #[automatically_derived]
        impl #p::FlyteType for #ident {
            fn literal_type() -> #p::LiteralType {
                ::core::unreachable!(#why)
            }
            fn to_literal(&self) -> #p::Literal {
                ::core::unreachable!(#why)
            }
            fn from_literal(_: &#p::Literal) -> ::core::result::Result<Self, #p::LiteralMismatch> {
                ::core::unreachable!(#why)
            }
        }
    }
}

/// `#[flyte(crate = path)]`, defaulting to `::flytekit`.
pub(crate) fn crate_path(cx: &Ctxt, attrs: &[syn::Attribute]) -> Path {
    let mut krate: Path = syn::parse_quote!(::flytekit);
    for attr in attrs.iter().filter(|a| a.path().is_ident("flyte")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                krate = meta.value()?.parse()?;
                Ok(())
            } else {
                Err(meta.error("expected `crate = path`"))
            }
        });
        if let Err(e) = result {
            cx.push(e);
        }
    }
    krate
}

/// serde attributes that change the serialized shape would make the schema lie, so
/// only the harmless ones are accepted.
fn check_serde_attrs(cx: &Ctxt, attrs: &[syn::Attribute], allowed: &[&str]) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let result = attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            if !allowed.contains(&name.as_str()) {
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "`#[serde({name})]` changes the serialized shape, which the Flyte schema of `FlyteType` does not follow yet"
                    ),
                );
            }
            // Consume whatever value or list follows, so parsing goes on to the next key.
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _content;
                syn::parenthesized!(_content in meta.input);
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.push(e);
        }
    }
}

fn expand_struct(input: &DeriveInput, fields: &syn::FieldsNamed, krate: &Path) -> TokenStream {
    let p = quote!(#krate::__private_0_1);
    let ident = &input.ident;
    let name = ident.to_string();
    let infos = fields.named.iter().map(|f| {
        let fname = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
        let ty = &f.ty;
        // As flytekit's dataclass schemas: every field without a default is required,
        // an `Option` too.
        let required = !has_serde_default(&f.attrs);
        let span = ty.span();
        quote_spanned! {span=>
            (#fname, <#ty as #p::FlyteType>::literal_type(), <#ty as #p::FlyteType>::json_schema(), #required)
        }
    });
    let field_idents: Vec<_> = fields
        .named
        .iter()
        .filter_map(|f| f.ident.as_ref())
        .collect();
    let field_types: Vec<_> = fields.named.iter().map(|f| &f.ty).collect();
    let promise_fields = promise_fields(input, fields, &p);
    let union_checks = fields.named.iter().map(|f| {
        let ty = &f.ty;
        let message = format!(
            "`#[derive(FlyteType)]`: field `{}` holds a union enum, which serde would write tagged with its variant's name where flytekit writes the bare value; not yet supported in a struct",
            f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default()
        );
        quote_spanned! {ty.span()=>
            if <#ty as #p::FlyteType>::HOLDS_UNION_ENUM {
                ::core::panic!(#message);
            }
        }
    });
    quote! {
        #promise_fields
        const _: () = {
            #(#union_checks)*
        };
        const _: () = {
            fn __flyte_fields() -> ::std::vec::Vec<#p::FieldInfo> {
                ::std::vec![#(#infos),*]
            }

            #[automatically_derived]
            impl #p::FlyteType for #ident {
                fn literal_type() -> #p::LiteralType {
                    #p::struct_type(#name, __flyte_fields())
                }
                fn json_schema() -> #p::JsonValue {
                    #p::struct_schema(#name, &__flyte_fields())
                }
                // One generic call for both directions: without serde's derives,
                // rustc reports its bound once, saying what to derive.
                fn to_literal(&self) -> #p::Literal {
                    (#p::struct_codec::<Self>().to_literal)(self)
                }
                fn from_literal(literal: &#p::Literal) -> ::core::result::Result<Self, #p::LiteralMismatch> {
                    (#p::struct_codec::<Self>().from_literal)(literal)
                }
                const HAS_BLOBS: bool = false #(|| <#field_types as #p::FlyteType>::HAS_BLOBS)*;
                const UNION_TAG: ::core::option::Option<&'static str> =
                    ::core::option::Option::Some("Object-Dataclass-Transformer");
                fn visit_blobs<'a>(&'a mut self, f: &mut dyn ::core::ops::FnMut(#p::BlobRef<'a>)) {
                    #(#p::FlyteType::visit_blobs(&mut self.#field_idents, f);)*
                }
            }
        };
    }
}

/// `summary.max_score` on a `Promise<Summary>`: a struct with a promise per field (each
/// with its field's visibility), which the promise derefs to.
fn promise_fields(input: &DeriveInput, fields: &syn::FieldsNamed, p: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let vis = &input.vis;
    let fields_ty = quote::format_ident!("__FlyteFields_{}", ident);
    let decls = fields.named.iter().map(|f| {
        let (fvis, fident, fty) = (&f.vis, &f.ident, &f.ty);
        quote!(#fvis #fident: #p::Promise<#fty>)
    });
    let inits = fields.named.iter().filter_map(|f| {
        let fident = f.ident.as_ref()?;
        let fty = &f.ty;
        let name = fident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
        // Bounds-free helpers: a field that is not a Flyte type is reported by the
        // `FlyteType` impl alone.
        Some(quote! {
            #fident: #p::struct_field::<#ident, #fty>(promise, #name, |value, _| {
                ::core::result::Result::Ok(#p::read_field::<#ident, #fty>(value, |s| &s.#fident))
            })
        })
    });
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #fields_ty {
            #(#decls),*
        }

        #[automatically_derived]
        impl #p::PromiseFields for #ident {
            type Fields = #fields_ty;
            fn fields(promise: #p::Promise<Self>) -> #fields_ty {
                #fields_ty { #(#inits),* }
            }
        }
    }
}

fn expand_enum(input: &DeriveInput, e: &syn::DataEnum, krate: &Path) -> TokenStream {
    let p = quote!(#krate::__private_0_1);
    let ident = &input.ident;
    let variants: Vec<_> = e.variants.iter().map(|v| &v.ident).collect();
    let names: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
    quote! {
        #[automatically_derived]
        impl #p::FlyteType for #ident {
            fn literal_type() -> #p::LiteralType {
                #p::LiteralType::Enum(::std::vec![#(::std::string::String::from(#names)),*])
            }
            fn to_literal(&self) -> #p::Literal {
                let name = match self {
                    #(Self::#variants => #names,)*
                };
                #p::Literal::Primitive(#p::Primitive::String(::std::string::String::from(name)))
            }
            fn from_literal(literal: &#p::Literal) -> ::core::result::Result<Self, #p::LiteralMismatch> {
                #p::enum_from_literal(literal, &[#((#names, Self::#variants)),*])
            }
            const UNION_TAG: ::core::option::Option<&'static str> =
                ::core::option::Option::Some("DefaultEnumTransformer");
        }
    }
}

fn has_serde_default(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .any(|a| {
            let mut found = false;
            let _ = a.parse_nested_meta(|meta| {
                found |= meta.path.is_ident("default");
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            found
        })
}
