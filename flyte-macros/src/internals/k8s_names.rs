//! Kubernetes names checked while compiling: label and annotation keys and values,
//! object names (a PodTemplate's name, a label key's prefix).

use syn::LitStr;

use super::args::EnvArgs;
use super::diag::Ctxt;

/// `labels(..)` or `annotations(..)`: keys Kubernetes accepts (`[prefix/]name`), each
/// once; label values of at most 63 letters, digits, `-`, `_` and `.`.
pub(crate) fn metadata_pairs(
    cx: &Ctxt,
    list: Option<&EnvArgs>,
    labels: bool,
) -> Vec<(String, LitStr)> {
    let mut out: Vec<(String, LitStr)> = Vec::new();
    for (name, span, value) in list.map(|l| &l.vars[..]).unwrap_or_default() {
        let what = if labels { "label" } else { "annotation" };
        if !is_metadata_key(name) {
            cx.error_spanned_by(
                quote::quote_spanned!(*span=> name),
                format!("`{name}` is not a Kubernetes {what} key: an optional DNS prefix and `/`, then up to 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit"),
            );
        } else if out.iter().any(|(n, _)| n == name) {
            cx.error_spanned_by(
                quote::quote_spanned!(*span=> name),
                format!("`{name}` is given twice"),
            );
        } else if labels && !(value.value().is_empty() || is_name_part(&value.value())) {
            cx.error_spanned_by(value, format!("`{}` is not a Kubernetes label value: up to 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit", value.value()));
        } else {
            out.push((name.clone(), value.clone()));
        }
    }
    out
}

/// `name` or `prefix/name`, where prefix is a DNS subdomain.
fn is_metadata_key(key: &str) -> bool {
    match key.split_once('/') {
        Some((prefix, name)) => is_object_name(prefix) && is_name_part(name),
        None => is_name_part(key),
    }
}

/// Up to 63 letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit.
fn is_name_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A Kubernetes object name (a DNS subdomain): lowercase letters, digits, `-` and
/// `.`, starting and ending with a letter or digit, at most 253 characters.
pub(crate) fn is_object_name(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 253
        && v.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && v.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}
