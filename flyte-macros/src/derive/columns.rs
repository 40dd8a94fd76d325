//! `#[derive(Columns)]`: a struct's fields name a dataframe's columns and give their
//! types, for `StructuredDataset<Cols>` (flytekit's `kwtypes(a=int, b=str)`).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

use crate::internals::diag::Ctxt;

pub(crate) fn derive(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let cx = Ctxt::new();
    let krate = super::crate_path(&cx, &input.attrs);
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "`Columns` cannot be derived for a generic type: a dataframe type has one set of columns",
        );
    }
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => Some(&named.named),
            other => {
                cx.error_spanned_by(other, "`Columns` needs named fields: each names a column");
                None
            }
        },
        _ => {
            cx.error_spanned_by(
                &input.ident,
                "`Columns` is derived for a struct whose fields are the columns",
            );
            None
        }
    };
    if let Err(e) = cx.check() {
        return e.to_compile_error();
    }
    let p = quote!(#krate::__private_0_1);
    let columns = fields.into_iter().flatten().map(|f| {
        let name = f.ident.as_ref().expect("named fields").to_string();
        let ty = &f.ty;
        // Spanned at the field's type, so a type Flyte lacks is reported there.
        quote_spanned! {ty.span()=>
            (::std::string::String::from(#name), <#ty as #p::FlyteType>::literal_type())
        }
    });
    let ident = &input.ident;
    quote! {
        #[automatically_derived]
        impl #krate::types::Columns for #ident {
            fn columns() -> ::std::vec::Vec<(::std::string::String, #krate::types::LiteralType)> {
                ::std::vec![#(#columns),*]
            }
        }
    }
}
