//! Settings that shape the task's pod on a cluster and are checked by name while
//! compiling: environment variables, secrets, labels and annotations, and the
//! PodTemplate name. Each error points at the offending literal.

use syn::LitStr;

use super::parse::SecretArgs;
use crate::internals::args::EnvArgs;
use crate::internals::diag::Ctxt;

/// A checked `secret(..)`.
pub(crate) struct SecretKnob {
    pub(crate) group: LitStr,
    /// `None`: the whole group.
    pub(crate) key: Option<LitStr>,
    pub(crate) version: Option<LitStr>,
    /// `EnvVar`, `File` or `Any` (the variant of `SecretMount`).
    pub(crate) mount: &'static str,
    pub(crate) env_var: Option<LitStr>,
}

/// `environment(..)`: each name once, and a name Kubernetes accepts (letters, digits,
/// `_`, `-`, `.`; not starting with a digit).
pub(crate) fn env_vars(cx: &Ctxt, list: Option<&EnvArgs>) -> Vec<(String, LitStr)> {
    let mut out: Vec<(String, LitStr)> = Vec::new();
    for (name, span, value) in list.map(|l| &l.vars[..]).unwrap_or_default() {
        if !is_env_name(name) {
            cx.error_spanned_by(
                quote::quote_spanned!(*span=> name),
                format!(
                    "`{name}` is not an environment variable name Kubernetes accepts: letters, digits, `_`, `-` and `.`, not starting with a digit"
                ),
            );
        } else if out.iter().any(|(n, _)| n == name) {
            cx.error_spanned_by(
                quote::quote_spanned!(*span=> name),
                format!("`{name}` is given twice"),
            );
        } else {
            out.push((name.clone(), value.clone()));
        }
    }
    out
}

fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// `secret(..)`s: a group given, a key unless the whole group is mounted as a file,
/// none empty, a known mount, an env var name Kubernetes accepts, each secret once.
pub(crate) fn secrets(cx: &Ctxt, list: &[SecretArgs]) -> Vec<SecretKnob> {
    let mut out: Vec<SecretKnob> = Vec::new();
    for s in list {
        let Some(group) = &s.group else {
            cx.error_spanned_by(
                quote::quote_spanned!(s.key_span=> secret),
                "`secret(..)` needs a `group`, such as `secret(group = \"db\", key = \"password\")`",
            );
            continue;
        };
        let mut ok = true;
        for lit in [group].into_iter().chain(&s.key).chain(&s.version) {
            if lit.value().trim().is_empty() {
                cx.error_spanned_by(lit, "a secret's group, key and version cannot be empty");
                ok = false;
            }
        }
        let Some(mount) = secret_mount(cx, s) else {
            continue;
        };
        if s.key.is_none() && s.version.is_none() && mount != "EnvVar" {
            cx.error_spanned_by(
                group,
                "a secret without a `key` is a whole GCP Secret Manager secret, which Flyte mounts by its version: give a `version` (or a `key`)",
            );
            ok = false;
        }
        if s.key.is_none() && mount == "EnvVar" {
            let at = match (&s.env_var, &s.mount) {
                (Some(var), _) => quote::quote!(#var),
                (None, Some(m)) => quote::quote!(#m),
                (None, None) => quote::quote_spanned!(s.key_span=> secret),
            };
            cx.error_spanned_by(
                at,
                "a secret without a `key` is the whole group, which Flyte mounts only as a file: use `mount = file`, or name a `key`",
            );
            ok = false;
        }
        if let Some(var) = &s.env_var
            && !is_env_name(&var.value())
        {
            cx.error_spanned_by(var, format!("`{}` is not an environment variable name Kubernetes accepts: letters, digits, `_`, `-` and `.`, not starting with a digit", var.value()));
            ok = false;
        }
        let same = |k: &SecretKnob| {
            k.group.value() == group.value()
                && k.key.as_ref().map(LitStr::value) == s.key.as_ref().map(LitStr::value)
                && k.version.as_ref().map(LitStr::value) == s.version.as_ref().map(LitStr::value)
        };
        if ok && out.iter().any(same) {
            let name = match &s.key {
                Some(key) => format!("{}/{}", group.value(), key.value()),
                None => group.value(),
            };
            let at = s.key.as_ref().unwrap_or(group);
            cx.error_spanned_by(at, format!("secret `{name}` is requested twice"));
            ok = false;
        }
        if ok {
            out.push(SecretKnob {
                group: group.clone(),
                key: s.key.clone(),
                version: s.version.clone(),
                mount,
                env_var: s.env_var.clone(),
            });
        }
    }
    out
}

/// The `SecretMount` variant a `secret(..)` asks for; `None` after an error.
fn secret_mount(cx: &Ctxt, s: &SecretArgs) -> Option<&'static str> {
    match s.mount.as_ref().map(|m| (m, m.to_string())) {
        None if s.env_var.is_some() => Some("EnvVar"),
        None => Some("Any"),
        Some((_, m)) if m == "env_var" => Some("EnvVar"),
        Some((_, name)) if name == "file" || name == "any" => {
            if let Some(var) = &s.env_var {
                cx.error_spanned_by(var, format!("a secret mounted as `{name}` cannot name an env var; drop `mount` or `env_var`"));
                return None;
            }
            Some(if name == "file" { "File" } else { "Any" })
        }
        Some((m, name)) => {
            cx.error_spanned_by(
                m,
                format!("unknown mount `{name}`: expected `env_var`, `file` or `any`"),
            );
            None
        }
    }
}
