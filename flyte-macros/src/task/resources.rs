//! `requests(..)`, `limits(..)` and `resources(..)`: the amounts a task's container asks
//! for and may not exceed. The names are checked here; the quantities are checked by
//! a `const` assertion in the expansion (one grammar, in flyte-core).

use syn::LitStr;

use super::parse::{ResourceArgs, ResourceValue, TaskArgs};
use crate::internals::diag::Ctxt;

/// The resources flytekit's `Resources` has, by the names it gives them.
const NAMES: [&str; 4] = ["cpu", "mem", "gpu", "ephemeral_storage"];

/// Amounts by resource name, in the order written.
pub(crate) type Amounts = Vec<(String, LitStr)>;

/// Reads the three settings into requests and limits. `resources(cpu = "1")` sets the
/// request only and `resources(cpu = ("1", "2"))` both, as flytekit does; it cannot be
/// combined with `requests` or `limits`.
pub(crate) fn read(cx: &Ctxt, args: &TaskArgs) -> (Amounts, Amounts) {
    let mut requests = one_kind(cx, args.requests.as_ref(), "requests");
    let mut limits = one_kind(cx, args.limits.as_ref(), "limits");
    let Some(both) = &args.resources else {
        return (requests, limits);
    };
    if args.requests.is_some() || args.limits.is_some() {
        cx.error_spanned_by(
            quote::quote_spanned!(both.key=> resources),
            "`resources(..)` sets requests and limits together; use it alone, or `requests(..)` and `limits(..)`",
        );
        return (requests, limits);
    }
    for (name, value) in checked(cx, both) {
        match value {
            ResourceValue::One(v) => requests.push((name, v.clone())),
            ResourceValue::Pair(request, limit) => {
                requests.push((name.clone(), request.clone()));
                limits.push((name, limit.clone()));
            }
        }
    }
    (requests, limits)
}

fn one_kind(cx: &Ctxt, list: Option<&ResourceArgs>, kind: &str) -> Amounts {
    let Some(list) = list else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, value) in checked(cx, list) {
        match value {
            ResourceValue::One(v) => out.push((name, v.clone())),
            ResourceValue::Pair(request, _) => cx.error_spanned_by(
                request,
                format!(
                    "`{kind}(..)` takes one amount per resource; a (request, limit) pair goes in `resources(..)`"
                ),
            ),
        }
    }
    out
}

/// The entries with known names, each name once.
fn checked<'a>(
    cx: &Ctxt,
    list: &'a ResourceArgs,
) -> impl Iterator<Item = (String, &'a ResourceValue)> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for (ident, value) in &list.entries {
        let name = ident.to_string();
        if !NAMES.contains(&name.as_str()) {
            cx.error_spanned_by(
                ident,
                format!(
                    "unknown resource `{name}`: expected `cpu`, `mem`, `gpu` or `ephemeral_storage`"
                ),
            );
        } else if seen.contains(&name) {
            cx.error_spanned_by(ident, format!("`{name}` is given twice"));
        } else {
            seen.push(name.clone());
            out.push((name, value));
        }
    }
    out.into_iter()
}
