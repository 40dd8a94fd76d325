//! `#[container_task(..)]`: a task that runs an image's command instead of a Rust
//! body (flytekit's `ContainerTask`), declared by a typed signature without a body.
//! Its own keys (`command`, `arguments`, `input_data_dir`, `output_data_dir`,
//! `metadata_format`, `download`, `upload`) build the `ContainerSpec`; every other
//! key is `#[task]`'s, with `image` required.

use proc_macro2::{TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::parse::Parser as _;
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token};

use crate::internals::diag::Ctxt;

const KEYS: &[&str] = &[
    "command",
    "arguments",
    "input_data_dir",
    "output_data_dir",
    "metadata_format",
    "download",
    "upload",
];

/// The container's own settings as written.
#[derive(Default)]
struct ContainerArgs {
    command: Option<(Ident, Vec<LitStr>)>,
    arguments: Vec<LitStr>,
    input_data_dir: Option<LitStr>,
    output_data_dir: Option<LitStr>,
    /// Each choice key with its value.
    choices: Vec<(Ident, LitStr)>,
}

/// The attribute's arguments split at top-level commas (a comma inside brackets or
/// parentheses is inside one token tree).
fn segments(args: TokenStream) -> Vec<TokenStream> {
    let mut out = vec![TokenStream::new()];
    for tt in args {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => out.push(TokenStream::new()),
            _ => out.last_mut().expect("one segment").extend([tt]),
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Separates the container's keys from `#[task]`'s.
fn split(args: TokenStream) -> syn::Result<(ContainerArgs, TokenStream)> {
    let mut own = ContainerArgs::default();
    let mut rest = TokenStream::new();
    for segment in segments(args) {
        let key = match segment.clone().into_iter().next() {
            Some(TokenTree::Ident(i)) if KEYS.iter().any(|k| i == k) => i,
            _ => {
                rest.extend(segment);
                rest.extend(quote!(,));
                continue;
            }
        };
        let parse_value = |input: syn::parse::ParseStream<'_>| {
            input.parse::<Ident>()?;
            input.parse::<Token![=]>()?;
            input.parse::<syn::Expr>()
        };
        let value = parse_value.parse2(segment)?;
        let twice = || syn::Error::new_spanned(&key, format!("`{key}` is given twice"));
        match key.to_string().as_str() {
            "command" => {
                if own.command.is_some() {
                    return Err(twice());
                }
                own.command = Some((key.clone(), strings(&key, &value)?));
            }
            "arguments" => own.arguments = strings(&key, &value)?,
            "input_data_dir" => own.input_data_dir = Some(string(&key, &value)?),
            "output_data_dir" => own.output_data_dir = Some(string(&key, &value)?),
            _ => {
                if own.choices.iter().any(|(k, _)| *k == key) {
                    return Err(twice());
                }
                own.choices.push((key.clone(), string(&key, &value)?));
            }
        }
    }
    Ok((own, rest))
}

fn string(key: &Ident, value: &syn::Expr) -> syn::Result<LitStr> {
    match value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Ok(s.clone()),
        other => Err(syn::Error::new_spanned(
            other,
            format!("`{key}` takes a string literal"),
        )),
    }
}

fn strings(key: &Ident, value: &syn::Expr) -> syn::Result<Vec<LitStr>> {
    let syn::Expr::Array(list) = value else {
        return Err(syn::Error::new_spanned(
            value,
            format!("`{key}` takes a list of string literals: `{key} = [\"sh\", \"-c\", \"...\"]`"),
        ));
    };
    let items: Punctuated<syn::Expr, Token![,]> = list.elems.clone();
    items.iter().map(|e| string(key, e)).collect()
}

/// A choice key's value as the enum variant it names.
fn choice(key: &Ident, value: &LitStr) -> syn::Result<TokenStream> {
    let options: &[(&str, &str)] = match key.to_string().as_str() {
        "metadata_format" => &[("json", "Json"), ("yaml", "Yaml"), ("proto", "Proto")],
        "download" => &[("eager", "Eager"), ("stream", "Stream"), ("none", "None")],
        _ => &[("on_exit", "OnExit"), ("eager", "Eager"), ("none", "None")],
    };
    match options.iter().find(|(name, _)| *name == value.value()) {
        Some((_, variant)) => Ok(Ident::new(variant, value.span()).into_token_stream()),
        None => {
            let names: Vec<String> = options.iter().map(|(n, _)| format!("\"{n}\"")).collect();
            Err(syn::Error::new_spanned(
                value,
                format!("`{key}` is one of {}", names.join(", ")),
            ))
        }
    }
}

use quote::ToTokens as _;

pub(crate) fn container_task(args: TokenStream, item: TokenStream) -> TokenStream {
    let (own, rest) = match split(args) {
        Ok(split) => split,
        Err(e) => return fallback(item, e),
    };
    let func = match super::reference::bodiless("container_task", item.clone()) {
        Ok(func) => func,
        Err(e) => return fallback(item, e),
    };
    super::expand_task(rest, quote!(#func), move |cx, _, model| {
        spec(cx, own, model);
        Ok(())
    })
}

fn fallback(item: TokenStream, e: syn::Error) -> TokenStream {
    match super::reference::bodiless("container_task", item.clone()) {
        Ok(func) => super::expand::fallback(&quote!(#func), e),
        Err(_) => super::expand::fallback(&item, e),
    }
}

/// Checks the container's settings against the signature and sets the spec.
fn spec(cx: &Ctxt, own: ContainerArgs, model: &mut super::model::TaskModel<'_>) {
    let p = {
        let krate = &model.krate;
        quote!(#krate::__private_0_1)
    };
    if model.knobs.image.is_none() {
        cx.error_spanned_by(
            model.ident,
            "a `#[container_task]` needs `image = \"...\"`: the image whose command it runs",
        );
    }
    let Some((command_key, command)) = own.command else {
        cx.error_spanned_by(
            model.ident,
            "a `#[container_task]` needs `command = [\"program\", \"arg\", ...]`",
        );
        return;
    };
    if command.is_empty() {
        cx.error_spanned_by(&command_key, "`command` needs at least the program to run");
    }
    if let Some(hash) = model.knobs.plain.iter().find(|s| s.is("hash_outputs")) {
        cx.error_spanned_by(
            &hash.key,
            "`hash_outputs` is for Rust tasks: Flyte's copilot writes a container task's outputs without a content hash",
        );
    }
    let inputs: Vec<String> = model.sig.params.iter().map(|p| p.flyte_name()).collect();
    for lit in command.iter().chain(&own.arguments) {
        for name in placeholders(&lit.value()) {
            if !inputs.contains(&name) {
                cx.error_spanned_by(
                    lit,
                    format!(
                        "`{{{{.inputs.{name}}}}}` names no input of this task (its inputs: {})",
                        if inputs.is_empty() {
                            "none".to_string()
                        } else {
                            inputs.join(", ")
                        }
                    ),
                );
            }
        }
    }
    let outputs = model.sig.output_types();
    let mut spec = quote!(#p::ContainerSpec::new([#(#command),*]));
    if !own.arguments.is_empty() {
        let args = &own.arguments;
        spec.extend(quote!(.arguments([#(#args),*])));
    }
    if let Some(dir) = &own.input_data_dir {
        spec.extend(quote!(.input_data_dir(#dir)));
    }
    if let Some(dir) = &own.output_data_dir {
        spec.extend(quote!(.output_data_dir(#dir)));
    }
    let mut io = Vec::new();
    for (key, value) in &own.choices {
        match choice(key, value) {
            Ok(v) if key == "metadata_format" => {
                spec.extend(quote!(.metadata_format(#p::MetadataFormat::#v)))
            }
            Ok(v) if key == "download" => io.push(quote!(download: #p::DownloadMode::#v)),
            Ok(v) => io.push(quote!(upload: #p::UploadMode::#v)),
            Err(e) => cx.push(e),
        }
    }
    if !io.is_empty() {
        spec.extend(
            quote!(.io_strategy(#p::IoStrategy { #(#io,)* ..::core::default::Default::default() })),
        );
    }
    // Each output must be one a container can leave in a file.
    let checks = outputs.iter().map(|ty| {
        let span = crate::internals::signature::span_of(ty);
        quote_spanned!(span=> #p::assert_container_output::<#ty>();)
    });
    model.container = Some(quote!({ #(#checks)* #spec }));
}

/// The input names `{{.inputs.name}}` placeholders in `text` refer to (propeller's
/// form: any case, `.` or `$`, spaces inside the braces).
fn placeholders(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let body = after[..end].trim();
        if let Some(body) = body.strip_prefix(['.', '$'])
            && let Some((head, name)) = body.split_once('.')
            && head.eq_ignore_ascii_case("inputs")
            && !name.is_empty()
        {
            names.push(name.to_string());
        }
        rest = &after[end + 2..];
    }
    names
}
