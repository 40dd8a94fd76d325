//! The checked model of a `#[task]` function: everything expand needs, decided.

use std::time::Duration;

use syn::{Expr, Ident, ItemFn, LitStr, Path};

use super::parse::TaskArgs;
use crate::diag::Ctxt;
use crate::signature::{self, Signature};

/// Knobs that become the task's metadata.
#[derive(Default)]
pub(crate) struct Knobs {
    pub(crate) retries: Option<u32>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) cache: bool,
    pub(crate) cache_version: Option<LitStr>,
    pub(crate) cache_serialize: bool,
    pub(crate) interruptible: Option<bool>,
    pub(crate) deprecated: Option<LitStr>,
}

pub(crate) struct TaskModel<'a> {
    pub(crate) item: &'a ItemFn,
    pub(crate) ident: &'a Ident,
    /// An explicit `name = "..."`; otherwise `module.function`.
    pub(crate) name: Option<LitStr>,
    pub(crate) sig: Signature<'a>,
    pub(crate) knobs: Knobs,
    pub(crate) config: Option<Expr>,
    pub(crate) docs: Option<String>,
    pub(crate) krate: Path,
}

impl<'a> TaskModel<'a> {
    pub(crate) fn build(cx: &Ctxt, item: &'a ItemFn, args: TaskArgs) -> Self {
        let sig = signature::read(cx, &item.sig, "task");
        let mut knobs = Knobs::default();
        if let Some(lit) = &args.retries {
            match lit.base10_parse::<u32>() {
                Ok(n) => knobs.retries = Some(n),
                Err(_) => {
                    cx.error_spanned_by(lit, "`retries` takes a whole number such as `retries = 3`")
                }
            }
        }
        if let Some(lit) = &args.timeout {
            knobs.timeout = parse_duration(cx, lit, "timeout");
        }
        if let Some((key, lit)) = &args.cache {
            knobs.cache = lit.value;
            if lit.value && args.cache_version.is_none() {
                cx.error_spanned_by(
                    key,
                    "`cache` needs a `cache_version`, such as `cache = true, cache_version = \"1\"`; bump it to invalidate cached results",
                );
            }
        }
        knobs.cache_version = args.cache_version;
        knobs.cache_serialize = args.cache_serialize.is_some_and(|b| b.value);
        knobs.interruptible = args.interruptible.map(|b| b.value);
        knobs.deprecated = args.deprecated;
        if let Some(name) = &args.name
            && name.value().trim().is_empty()
        {
            cx.error_spanned_by(name, "`name` cannot be empty");
        }
        TaskModel {
            item,
            ident: &item.sig.ident,
            name: args.name,
            sig,
            knobs,
            config: args.config,
            docs: signature::docs(&item.attrs),
            krate: args.krate.unwrap_or_else(|| syn::parse_quote!(::flyte)),
        }
    }
}

/// Checks a humantime duration at compile time, pointing at the literal when it fails.
pub(crate) fn parse_duration(cx: &Ctxt, lit: &LitStr, key: &str) -> Option<Duration> {
    match humantime::parse_duration(&lit.value()) {
        Ok(d) if d.is_zero() => {
            cx.error_spanned_by(lit, format!("`{key}` must be longer than zero"));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            cx.error_spanned_by(
                lit,
                format!(
                    "invalid duration {:?} for `{key}`: {e}; expected a duration such as `{key} = \"20m\"`, \"1h 30m\" or \"500ms\" (units: ns, us, ms, s, m, h, d, w; lowercase)",
                    lit.value()
                ),
            );
            None
        }
    }
}
