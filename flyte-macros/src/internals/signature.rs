//! What `#[task]` and `#[workflow]` share: reading a function signature into input
//! names and types and output types, and rejecting what Flyte cannot express.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, Ident, Pat, PathArguments, ReturnType, Type};

use crate::internals::diag::Ctxt;

/// One input: a parameter with a plain name.
pub(crate) struct Param<'a> {
    pub(crate) ident: Ident,
    pub(crate) ty: &'a Type,
}

impl Param<'_> {
    /// The input's name in Flyte: the parameter's, without leading underscores
    /// (`_summary`, rustc's fix for an unused parameter, is still input `summary`).
    pub(crate) fn flyte_name(&self) -> String {
        let name = self.ident.to_string();
        match name.trim_start_matches('_') {
            "" => name,
            stripped => stripped.to_string(),
        }
    }
}

/// Two parameters that are one input once leading underscores go (`x`, `_x`) are
/// an error at the second.
fn check_unique_names(cx: &Ctxt, params: &[Param<'_>]) {
    for (i, p) in params.iter().enumerate() {
        if let Some(first) = params[..i]
            .iter()
            .find(|q| q.flyte_name() == p.flyte_name())
        {
            cx.error_spanned_by(
                &p.ident,
                format!(
                    "`{}` and `{}` are both input `{}` (leading underscores are not part of an input's name); rename one",
                    first.ident,
                    p.ident,
                    p.flyte_name()
                ),
            );
        }
    }
}

/// What the function returns.
pub(crate) enum Returns<'a> {
    /// Nothing: no outputs.
    Unit,
    /// A value: one output, or several for a tuple.
    Plain(&'a Type),
    /// `Result<T, E>` (or an alias such as `anyhow::Result<T>`): `T` is the output,
    /// an `Err` is a failed attempt.
    Result(&'a Type),
}

/// A checked signature.
pub(crate) struct Signature<'a> {
    pub(crate) params: Vec<Param<'a>>,
    pub(crate) returns: Returns<'a>,
    pub(crate) is_async: bool,
}

impl<'a> Signature<'a> {
    /// The output type as the task's `Output` (`()` when there is none).
    pub(crate) fn output_type(&self) -> proc_macro2::TokenStream {
        match self.returns {
            Returns::Unit => quote::quote!(()),
            Returns::Plain(ty) | Returns::Result(ty) => {
                let span = ty.span();
                quote::quote_spanned!(span=> #ty)
            }
        }
    }

    /// Each output's type, for the per-type checks.
    pub(crate) fn output_types(&self) -> Vec<&'a Type> {
        match self.returns {
            Returns::Unit => Vec::new(),
            Returns::Plain(ty) | Returns::Result(ty) => match ty {
                Type::Tuple(t) => t.elems.iter().collect(),
                Type::Paren(p) => vec![&*p.elem],
                other => vec![other],
            },
        }
    }
}

/// The most inputs, or outputs, a task or workflow has: flytekit-core's
/// `types::MAX_ARITY`, which every tuple shape there (`Inputs`, `Outputs`, node calls,
/// branch outputs) goes up to. (A proc-macro crate cannot depend on it: the UI test
/// `too_many` and the widest tasks in `tests/local/composition.rs` hold the two together.)
pub(crate) const MAX_ARITY: usize = 16;

/// Reads `sig`, recording every problem in `cx`. `what` is "task" or "workflow".
/// Rust's primitive types: names a lowercase path segment may be besides a module.
pub(crate) const PRIMITIVES: &[&str] = &[
    "bool", "char", "str", "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16",
    "u32", "u64", "u128", "usize",
];

/// A task or workflow is also a type of the function's name, which must not hide a
/// primitive type in the module.
pub(crate) fn check_name(cx: &Ctxt, ident: &syn::Ident, what: &str) {
    let name = ident.to_string();
    if PRIMITIVES.contains(&name.as_str()) {
        cx.error_spanned_by(
            ident,
            format!(
                "a {what} cannot be named `{name}`: it is also a type of its function's name, which would hide the primitive type `{name}` in this module; rename the function (`name = \"...\"` keeps the Flyte name)"
            ),
        );
    }
}

/// What a task or workflow function cannot be: `const`, `unsafe`, `extern`,
/// variadic, generic.
fn check_qualifiers(cx: &Ctxt, sig: &syn::Signature, what: &str) {
    if let Some(c) = &sig.constness {
        cx.error_spanned_by(c, format!("a {what} cannot be a `const fn`"));
    }
    if let syn::Safety::Unsafe(u) = &sig.safety {
        cx.error_spanned_by(u, format!("a {what} cannot be `unsafe`"));
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(abi, format!("a {what} cannot have an `extern` ABI"));
    }
    if let Some(v) = &sig.variadic {
        cx.error_spanned_by(v, format!("a {what} cannot be variadic"));
    }
    if !sig.generics.params.is_empty() {
        cx.error_spanned_by(
            &sig.generics,
            format!(
                "a {what} cannot be generic: Flyte needs one concrete interface, so write one {what} per type"
            ),
        );
    } else if let Some(w) = &sig.generics.where_clause {
        cx.error_spanned_by(w, format!("a {what} cannot have a `where` clause"));
    }
}

pub(crate) fn read<'a>(cx: &Ctxt, sig: &'a syn::Signature, what: &str) -> Signature<'a> {
    check_qualifiers(cx, sig, what);
    check_name(cx, &sig.ident, what);

    let mut params = Vec::new();
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(r) => cx.error_spanned_by(
                r,
                format!("a {what} is a free function: `self` is not allowed, since there is no value to call it on"),
            ),
            FnArg::Typed(pt) => {
                let ident = match &*pt.pat {
                    Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                        Some(pi.ident.clone())
                    }
                    other => {
                        cx.error_spanned_by(
                            other,
                            format!(
                                "{what} parameters must be plain names, which become the input names; destructure inside the body instead"
                            ),
                        );
                        None
                    }
                };
                check_param_type(cx, &pt.ty, what);
                if let Some(ident) = ident {
                    params.push(Param { ident, ty: &pt.ty });
                }
            }
        }
    }

    check_unique_names(cx, &params);

    if let Some(extra) = sig.inputs.iter().nth(MAX_ARITY) {
        cx.error_spanned_by(
            extra,
            format!(
                "a {what} takes at most {MAX_ARITY} inputs; group the rest in a struct with `#[derive(FlyteType)]`"
            ),
        );
    }

    let returns = match &sig.output {
        ReturnType::Default => Returns::Unit,
        ReturnType::Type(_, ty) => read_return(cx, ty, what),
    };

    let signature = Signature {
        params,
        returns,
        is_async: sig.asyncness.is_some(),
    };
    for ty in signature
        .params
        .iter()
        .map(|p| p.ty)
        .chain(signature.output_types())
    {
        check_flyte_scalar(cx, ty);
    }
    signature
}

/// Rust scalars Flyte has no type for get one error each, naming the one to use,
/// instead of the trait errors of every place the type is used.
fn check_flyte_scalar(cx: &Ctxt, ty: &Type) {
    let Type::Path(tp) = ty else { return };
    let Some(last) = tp.path.segments.last() else {
        return;
    };
    if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
        // `Vec<u8>` is Flyte's binary.
        let is_u8 = |arg: &syn::GenericArgument| matches!(arg, syn::GenericArgument::Type(Type::Path(p)) if p.path.is_ident("u8"));
        if last.ident == "Vec" && args.args.len() == 1 && args.args.iter().all(is_u8) {
            return;
        }
        for arg in &args.args {
            if let syn::GenericArgument::Type(inner) = arg {
                check_flyte_scalar(cx, inner);
            }
        }
        return;
    }
    if tp.qself.is_some() || tp.path.segments.len() != 1 {
        return;
    }
    let name = last.ident.to_string();
    let hint = match name.as_str() {
        "u8" | "u16" | "u32" | "i8" | "i16" | "i32" => format!(
            "`{name}` is not a Flyte type: Flyte integers are 64-bit signed, so use `i64` (`i64::from(x)` converts without loss)"
        ),
        "u64" | "usize" | "isize" | "u128" | "i128" => format!(
            "`{name}` is not a Flyte type: Flyte integers are 64-bit signed, so use `i64` (`i64::try_from(x)` checks the range)"
        ),
        "f32" => "`f32` is not a Flyte type: Flyte floats are 64-bit, so use `f64`".to_string(),
        "char" => "`char` is not a Flyte type: use a `String`".to_string(),
        _ => return,
    };
    cx.error_spanned_by(ty, hint);
}

fn check_param_type(cx: &Ctxt, ty: &Type, what: &str) {
    match ty {
        Type::Reference(r) => {
            let owned = match &*r.elem {
                Type::Path(p) if p.path.is_ident("str") => "`String`".to_string(),
                Type::Slice(s) => format!("`Vec<{}>`", quote::ToTokens::to_token_stream(&s.elem)),
                other => format!("`{}`", quote::ToTokens::to_token_stream(other)),
            };
            cx.error_spanned_by(
                ty,
                format!(
                    "{what} inputs are owned values that outlive the call: take {owned} instead of a reference"
                ),
            );
        }
        Type::ImplTrait(_) => cx.error_spanned_by(
            ty,
            format!("`impl Trait` cannot be a {what} input: Flyte needs one concrete type"),
        ),
        Type::Infer(_) => cx.error_spanned_by(ty, format!("a {what} input needs a concrete type")),
        _ => {}
    }
}

fn read_return<'a>(cx: &Ctxt, ty: &'a Type, what: &str) -> Returns<'a> {
    if let Type::ImplTrait(_) = ty {
        cx.error_spanned_by(
            ty,
            format!("`impl Trait` cannot be a {what} output: Flyte needs one concrete type"),
        );
        return Returns::Unit;
    }
    if let Type::Reference(_) = ty {
        cx.error_spanned_by(
            ty,
            format!("a {what} output must be an owned value, not a reference"),
        );
        return Returns::Unit;
    }
    let mut returns = Returns::Plain(ty);
    if let Type::Path(p) = ty
        && let Some(last) = p.path.segments.last()
        && last.ident == "Result"
        && let PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(GenericArgument::Type(ok)) = args.args.first()
    {
        returns = Returns::Result(ok);
    }
    if let Returns::Plain(Type::Tuple(t)) | Returns::Result(Type::Tuple(t)) = returns {
        if t.elems.len() == 1 {
            cx.error_spanned_by(
                t,
                format!("a single {what} output is written without a tuple: `T`, not `(T,)`"),
            );
        }
        // `()` is no output; `Result<(), E>` stays a result with no output.
        if t.elems.is_empty() && matches!(returns, Returns::Plain(_)) {
            return Returns::Unit;
        }
        if let Some(extra) = t.elems.iter().nth(MAX_ARITY) {
            cx.error_spanned_by(
                extra,
                format!(
                    "a {what} has at most {MAX_ARITY} outputs; group the rest in a struct with `#[derive(FlyteType)]`"
                ),
            );
        }
    }
    returns
}

/// Output names: the declared ones (checked against the output count and for
/// duplicates), or `None` for flytekit's `o0`, `o1`, ...
pub(crate) fn output_names(
    cx: &Ctxt,
    sig: &Signature<'_>,
    declared: Option<&crate::internals::args::OutputNames>,
) -> Option<Vec<String>> {
    let declared = declared?;
    let names: Vec<String> = declared.names.iter().map(|i| i.to_string()).collect();
    let count = sig.output_types().len();
    if names.len() != count {
        cx.error_spanned_by(
            declared,
            format!(
                "`outputs` names {} output{} but the function returns {count}",
                names.len(),
                if names.len() == 1 { "" } else { "s" }
            ),
        );
    }
    for (i, ident) in declared.names.iter().enumerate() {
        if names[..i].contains(&names[i]) {
            cx.error_spanned_by(ident, format!("output `{}` is named twice", names[i]));
        }
    }
    Some(names)
}

/// The doc comment on an item, one line per `///` line, or `None`.
pub(crate) fn docs(attrs: &[syn::Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            let v = s.value();
            lines.push(v.strip_prefix(' ').unwrap_or(&v).to_string());
        }
    }
    let text = lines.join("\n").trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Span helper: the span of a type, for checks generated at it.
pub(crate) fn span_of(ty: &Type) -> Span {
    ty.span()
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn errors(f: &syn::ItemFn) -> Vec<String> {
        let cx = Ctxt::new();
        let _ = read(&cx, &f.sig, "task");
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn a_plain_signature_gives_names_types_and_outputs() {
        let f: syn::ItemFn = parse_quote!(
            fn f(a: i64, mut b: String) -> (i64, String) {
                todo()
            }
        );
        let cx = Ctxt::new();
        let sig = read(&cx, &f.sig, "task");
        cx.check().unwrap();
        let names: Vec<_> = sig.params.iter().map(|p| p.ident.to_string()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(sig.output_types().len(), 2);
        assert!(!sig.is_async);
    }

    #[test]
    fn result_returns_are_unwrapped_including_aliases() {
        for f in [
            parse_quote!(
                fn f() -> Result<i64, MyError> {
                    todo()
                }
            ),
            parse_quote!(
                fn f() -> anyhow::Result<i64> {
                    todo()
                }
            ),
        ] {
            let f: syn::ItemFn = f;
            let cx = Ctxt::new();
            let sig = read(&cx, &f.sig, "task");
            cx.check().unwrap();
            assert!(matches!(sig.returns, Returns::Result(_)));
            assert_eq!(sig.output_type().to_string(), "i64");
        }
    }

    #[test]
    fn every_problem_is_reported_not_just_the_first() {
        let f: syn::ItemFn = parse_quote!(
            unsafe fn f<T>(self, (a, b): (i64, i64), s: &str, v: &[u8]) -> (i64,) {
                todo()
            }
        );
        let errs = errors(&f);
        assert_eq!(errs.len(), 7, "{errs:#?}");
        assert!(errs.iter().any(|e| e.contains("take `String` instead")));
        assert!(errs.iter().any(|e| e.contains("take `Vec<u8>` instead")));
        assert!(errs.iter().any(|e| e.contains("`T`, not `(T,)`")));
    }

    #[test]
    fn doc_comments_are_joined_and_trimmed() {
        let f: syn::ItemFn = parse_quote! {
            /// First line.
            ///
            /// Second paragraph.
            fn f() {}
        };
        assert_eq!(
            docs(&f.attrs).as_deref(),
            Some("First line.\n\nSecond paragraph.")
        );
        let bare: syn::ItemFn = parse_quote!(
            fn f() {}
        );
        assert_eq!(docs(&bare.attrs), None);
    }
}
