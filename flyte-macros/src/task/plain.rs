//! The settings `#[task]` hands to `TaskMetadata` as written: each is a key, the kind
//! of value it takes, and the builder method of the same name in flyte-core. A new
//! setting whose value needs no check beyond its kind is one line in [`PLAIN`]; the
//! settings checked further while compiling (durations, resources, secrets, names,
//! the inputs a cache ignores) keep their own parsing in `parse.rs` and `model.rs`.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote_spanned};
use syn::ext::IdentExt as _;
use syn::parse::ParseStream;
use syn::{Ident, LitBool, LitInt, LitStr, Token};

/// What a plain setting's value is.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// `key` alone (true) or `key = true|false`.
    Flag,
    /// `key = "text"`.
    Str,
    /// `key = 3`, a whole number that fits a `u32`.
    Count,
    /// `key = <expression>`, type-checked by rustc against the builder method.
    Expr,
}

/// The plain settings, in the order the builder calls are emitted.
pub(crate) const PLAIN: &[(&str, Kind)] = &[
    ("retries", Kind::Count),
    ("cache_version", Kind::Str),
    ("cache_serialize", Kind::Flag),
    ("interruptible", Kind::Flag),
    ("enable_deck", Kind::Flag),
    ("hash_outputs", Kind::Flag),
    ("deprecated", Kind::Str),
    ("pod_template", Kind::Expr),
];

/// The keys of [`PLAIN`], for "expected one of".
pub(crate) fn keys() -> impl Iterator<Item = &'static str> {
    PLAIN.iter().map(|(k, _)| *k)
}

/// One plain setting as written: its key and the argument of its builder call, or
/// what is wrong with the value (reported by the model, so the task still expands).
pub(crate) struct Plain {
    pub(crate) key: Ident,
    pub(crate) value: Result<TokenStream, syn::Error>,
}

impl Plain {
    /// Whether this is the setting `key`.
    pub(crate) fn is(&self, key: &str) -> bool {
        self.key == key
    }

    /// `.key(value)`, spanned at the key so a type error points at the setting.
    pub(crate) fn builder_call(&self) -> Option<TokenStream> {
        let (key, value) = (&self.key, self.value.as_ref().ok()?);
        Some(quote_spanned!(key.span()=> .#key(#value)))
    }
}

/// Parses one plain setting when the next key is one; `Ok(None)` (nothing consumed)
/// for any other key.
pub(crate) fn parse(input: ParseStream<'_>) -> syn::Result<Option<Plain>> {
    let fork = input.fork();
    let Ok(key) = fork.call(Ident::parse_any) else {
        return Ok(None);
    };
    let Some((_, kind)) = PLAIN.iter().find(|(k, _)| key == k) else {
        return Ok(None);
    };
    input.call(Ident::parse_any)?;
    let value = match kind {
        Kind::Flag if !input.peek(Token![=]) => {
            Ok(LitBool::new(true, key.span()).into_token_stream())
        }
        Kind::Flag => Ok(crate::internals::args::value::<LitBool>(input)?.into_token_stream()),
        Kind::Str => Ok(crate::internals::args::value::<LitStr>(input)?.into_token_stream()),
        Kind::Expr => Ok(crate::internals::args::value::<syn::Expr>(input)?.into_token_stream()),
        Kind::Count => {
            let n: LitInt = crate::internals::args::value(input)?;
            match n.base10_parse::<u32>() {
                // The parsed number, not the literal: `3u8` or `3i64` still means 3.
                Ok(v) => Ok(quote::quote_spanned!(n.span()=> #v)),
                Err(_) => Err(syn::Error::new_spanned(
                    &n,
                    format!("`{key}` takes a whole number such as `{key} = 3`"),
                )),
            }
        }
    };
    Ok(Some(Plain { key, value }))
}
