//! `#[reference_task(..)]` and `#[reference_launch_plan(..)]`: a registered task or
//! launch plan, declared by its Flyte identifier and a typed signature without a
//! body (`fn score(x: i64) -> f64;`). It expands to a task whose metadata carries
//! the reference: workflows call it like any task, Flyte runs the registered entity,
//! and a local run needs a mock for it.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Path, Token};

use crate::internals::args::{parse_args, set, value};

mod kw {
    syn::custom_keyword!(project);
    syn::custom_keyword!(domain);
    syn::custom_keyword!(name);
    syn::custom_keyword!(version);
}

/// What is referenced.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Task,
    LaunchPlan,
}

impl Kind {
    fn attribute(self) -> &'static str {
        match self {
            Kind::Task => "reference_task",
            Kind::LaunchPlan => "reference_launch_plan",
        }
    }
}

#[derive(Default)]
struct ReferenceArgs {
    project: Option<LitStr>,
    domain: Option<LitStr>,
    name: Option<LitStr>,
    version: Option<LitStr>,
    krate: Option<Path>,
}

impl Parse for ReferenceArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = ReferenceArgs::default();
        parse_args(input, |look, input| {
            if look.peek(kw::project) {
                let key: kw::project = input.parse()?;
                set(&mut args.project, key, value(input)?)?;
            } else if look.peek(kw::domain) {
                let key: kw::domain = input.parse()?;
                set(&mut args.domain, key, value(input)?)?;
            } else if look.peek(kw::name) {
                let key: kw::name = input.parse()?;
                set(&mut args.name, key, value(input)?)?;
            } else if look.peek(kw::version) {
                let key: kw::version = input.parse()?;
                set(&mut args.version, key, value(input)?)?;
            } else if look.peek(Token![crate]) {
                let key: Token![crate] = input.parse()?;
                set(&mut args.krate, key, value(input)?)?;
            } else {
                return Ok(false);
            }
            Ok(true)
        })?;
        Ok(args)
    }
}

pub(crate) fn reference(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    match expand(kind, args, item.clone()) {
        Ok(tokens) => tokens,
        // The declaration is kept as a plain function, so the one mistake gives one
        // error (rustc would add "free function without a body").
        Err(e) => match bodiless(kind.attribute(), item.clone()) {
            Ok(func) => super::expand::fallback(&quote!(#func), e),
            Err(_) => super::expand::fallback(&item, e),
        },
    }
}

fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args: ReferenceArgs = syn::parse2(args)?;
    let attribute = kind.attribute();
    let required = |v: Option<LitStr>, key: &str| {
        let v = v.ok_or_else(|| {
            syn::Error::new(
                Span::call_site(),
                format!(
                    "`#[{attribute}]` needs `{key} = \"...\"` (a reference names project, domain, name and version)"
                ),
            )
        })?;
        if v.value().trim().is_empty() {
            return Err(syn::Error::new_spanned(&v, format!("`{key}` is empty")));
        }
        Ok(v)
    };
    let project = required(args.project, "project")?;
    let domain = required(args.domain, "domain")?;
    let name = required(args.name, "name")?;
    let version = required(args.version, "version")?;
    let func = bodiless(attribute, item)?;
    let krate = args.krate.map(|k| quote!(crate = #k,));
    let constructor = match kind {
        Kind::Task => quote!(task),
        Kind::LaunchPlan => quote!(launch_plan),
    };
    let reference = quote!(#project, #domain, #name, #version);
    let task_args = quote!(#krate name = #name);
    Ok(super::expand_task(
        task_args,
        quote!(#func),
        move |_, _, model| {
            let p = &model.krate;
            model.reference = Some(quote!(#p::__private_0_1::Reference::#constructor(#reference)));
            Ok(())
        },
    ))
}

/// The declaration `fn f(x: i64) -> f64;` as a function whose body is never run
/// (the runtime stops a reference before it: Flyte runs it, or a mock does).
pub(super) fn bodiless(attribute: &str, item: TokenStream) -> syn::Result<syn::ItemFn> {
    if let Ok(with_body) = syn::parse2::<syn::ItemFn>(item.clone()) {
        return Err(syn::Error::new_spanned(
            &with_body.block,
            format!(
                "a `#[{attribute}]` has no body: {}; end the signature with `;`",
                if attribute == "container_task" {
                    "Flyte runs its command in its image"
                } else {
                    "Flyte runs the registered entity"
                }
            ),
        ));
    }
    let decl: syn::ForeignItemFn = syn::parse2(item)?;
    let (attrs, vis, sig) = (&decl.attrs, &decl.vis, &decl.sig);
    Ok(syn::parse_quote! {
        #(#attrs)*
        #[allow(unused_variables)]
        #vis #sig {
            ::core::unreachable!("run by Flyte or by a mock, never by its body")
        }
    })
}
