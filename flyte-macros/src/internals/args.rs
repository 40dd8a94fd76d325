//! What every attribute's arguments share: the comma-separated `key = value` loop
//! with "did you mean", a key given twice, the keys `#[task]` and `#[workflow]` both
//! take (`name`, `outputs(..)`, `crate`), and `name = "value"` lists.

use syn::ext::IdentExt as _;
use syn::parse::{Lookahead1, Parse, ParseStream};
use syn::{LitStr, Path, Token};

pub(crate) mod kw {
    syn::custom_keyword!(name);
    syn::custom_keyword!(outputs);
}

/// `environment(RUST_LOG = "info", "MY.VAR" = "x")`: names (an identifier or a
/// string) and values, in order.
pub(crate) struct EnvArgs {
    pub(crate) vars: Vec<(String, proc_macro2::Span, LitStr)>,
}

impl EnvArgs {
    pub(crate) fn parse_list(input: ParseStream<'_>) -> syn::Result<Self> {
        let content;
        syn::parenthesized!(content in input);
        let mut vars = Vec::new();
        while !content.is_empty() {
            let (name, span) = if content.peek(LitStr) {
                let lit: LitStr = content.parse()?;
                (lit.value(), lit.span())
            } else {
                let ident = <syn::Ident as syn::ext::IdentExt>::parse_any(&content)?;
                (ident.to_string(), ident.span())
            };
            content.parse::<Token![=]>()?;
            vars.push((name, span, content.parse()?));
            if !content.is_empty() {
                content.parse::<Token![,]>()?;
            }
        }
        Ok(EnvArgs { vars })
    }
}

/// `outputs(a, b)`: names for the outputs instead of `o0`, `o1`.
pub(crate) struct OutputNames {
    pub(crate) key: kw::outputs,
    paren: syn::token::Paren,
    pub(crate) names: syn::punctuated::Punctuated<syn::Ident, Token![,]>,
}

impl Parse for OutputNames {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = input.parse()?;
        let content;
        let paren = syn::parenthesized!(content in input);
        Ok(OutputNames {
            key,
            paren,
            names: content.parse_terminated(syn::Ident::parse, Token![,])?,
        })
    }
}

impl quote::ToTokens for OutputNames {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        self.key.to_tokens(tokens);
        self.paren
            .surround(tokens, |inner| self.names.to_tokens(inner));
    }
}

/// The keys `#[task]` and `#[workflow]` share.
#[derive(Default)]
pub(crate) struct CommonArgs {
    pub(crate) name: Option<LitStr>,
    pub(crate) outputs: Option<OutputNames>,
    pub(crate) krate: Option<Path>,
}

impl CommonArgs {
    /// Parses one shared key when `look` sees one; `Ok(false)` when it is another.
    pub(crate) fn parse_key(
        &mut self,
        look: &Lookahead1<'_>,
        input: ParseStream<'_>,
    ) -> syn::Result<bool> {
        if look.peek(kw::name) {
            let key: kw::name = input.parse()?;
            set(&mut self.name, key, value(input)?)?;
        } else if look.peek(kw::outputs) {
            let names: OutputNames = input.parse()?;
            let key = names.key;
            set(&mut self.outputs, key, names)?;
        } else if look.peek(Token![crate]) {
            let key: Token![crate] = input.parse()?;
            set(&mut self.krate, key, value(input)?)?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }
}

impl Parse for CommonArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = CommonArgs::default();
        parse_args(input, |look, input| args.parse_key(look, input))?;
        Ok(args)
    }
}

/// Comma-separated arguments, each handed to `one`, which says whether it knew the
/// key; an unknown key gets syn's "expected one of ..." error, or "did you mean" when
/// one known key is a slip away from it.
pub(crate) fn parse_args(
    input: ParseStream<'_>,
    one: impl FnMut(&Lookahead1<'_>, ParseStream<'_>) -> syn::Result<bool>,
) -> syn::Result<()> {
    parse_args_knowing(input, &[], one)
}

/// [`parse_args`] where `one` also knows keys it reads without peeking them (`more`,
/// listed after syn's in "expected one of").
pub(crate) fn parse_args_knowing(
    input: ParseStream<'_>,
    more: &[&str],
    mut one: impl FnMut(&Lookahead1<'_>, ParseStream<'_>) -> syn::Result<bool>,
) -> syn::Result<()> {
    while !input.is_empty() {
        let look = input.lookahead1();
        if !one(&look, input)? {
            let mut error = look.error();
            if !more.is_empty() {
                let listed: Vec<String> = more.iter().map(|k| format!("`{k}`")).collect();
                error = syn::Error::new(error.span(), format!("{}, {}", error, listed.join(", ")));
            }
            if let Ok(key) = input.fork().call(syn::Ident::parse_any)
                && let Some(near) = nearest_key(&key.to_string(), &error.to_string())
            {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown setting `{key}`; did you mean `{near}`?"),
                ));
            }
            return Err(error);
        }
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(())
}

/// The one key of syn's "expected one of: `a`, `b`" list within two edits of `typed`
/// (a swapped, missing or extra letter), if exactly one is the nearest.
fn nearest_key(typed: &str, expected: &str) -> Option<String> {
    let keys = expected.split('`').skip(1).step_by(2);
    let mut best: Vec<(usize, &str)> = keys.map(|k| (strsim::osa_distance(typed, k), k)).collect();
    best.sort();
    match best.as_slice() {
        [(d, k), rest @ ..] if *d <= 2 && rest.first().is_none_or(|(d2, _)| d2 > d) => {
            Some(k.to_string())
        }
        _ => None,
    }
}

/// `= value`.
pub(crate) fn value<T: Parse>(input: ParseStream<'_>) -> syn::Result<T> {
    input.parse::<Token![=]>()?;
    input.parse()
}

/// Stores a value, rejecting a key given twice.
pub(crate) fn set<K: quote::ToTokens, T>(slot: &mut Option<T>, key: K, v: T) -> syn::Result<()> {
    if slot.is_some() {
        let name = quote::ToTokens::to_token_stream(&key).to_string();
        return Err(syn::Error::new_spanned(
            key,
            format!("`{name}` is given twice"),
        ));
    }
    *slot = Some(v);
    Ok(())
}
