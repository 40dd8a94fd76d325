//! The checked model of a `#[task]` function: everything expand needs, decided.

use std::time::Duration;

use syn::{Expr, Ident, ItemFn, LitStr, Path};

use super::parse::TaskArgs;
use crate::internals::diag::Ctxt;
use crate::internals::signature::{self, Signature};

/// Knobs that become the task's metadata.
#[derive(Default)]
pub(crate) struct Knobs {
    /// The settings handed to `TaskMetadata` as written, their values checked.
    pub(crate) plain: Vec<super::plain::Plain>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) cache: bool,
    /// `cache = auto`: the version derived from the code.
    pub(crate) auto_version: Option<String>,
    /// Whether `cache` was written (its value is then set, `false` too, over shared
    /// settings).
    pub(crate) cache_written: bool,
    /// `requests(..)`, and the requests of `resources(..)`.
    pub(crate) requests: super::resources::Amounts,
    /// `limits(..)`, and the limits of `resources(..)`.
    pub(crate) limits: super::resources::Amounts,
    /// `environment(..)`, names checked.
    pub(crate) env: Vec<(String, LitStr)>,
    /// `image = "..."`: a reference or an image name.
    pub(crate) image: Option<LitStr>,
    /// `accelerator ..`, as written.
    pub(crate) accelerator: Option<super::parse::AcceleratorArgs>,
    /// `shared_memory [= "2Gi"]`.
    pub(crate) shared_memory: Option<Option<LitStr>>,
    /// `pod_template_name = "..."`, a Kubernetes object name.
    pub(crate) pod_template_name: Option<LitStr>,
    /// `secret(..)`s, checked.
    pub(crate) secrets: Vec<super::pod::SecretKnob>,
    pub(crate) labels: Vec<(String, LitStr)>,
    pub(crate) annotations: Vec<(String, LitStr)>,
    /// `cache_ignore_input_vars`, each an input of the function.
    pub(crate) cache_ignore: Vec<LitStr>,
    /// `run_in_pod`: a dynamic task runs its graph inside its own pod.
    pub(crate) run_in_pod: Option<proc_macro2::Span>,
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
    /// For `#[dynamic]`: the body, rewritten to build a graph.
    pub(crate) dynamic_body: Option<syn::Block>,
    /// Declared output names, or `None` for `o0`, `o1`, ...
    pub(crate) output_names: Option<Vec<String>>,
    pub(crate) krate: Path,
    /// For `#[reference_task]` and `#[reference_launch_plan]`: the `Reference`.
    pub(crate) reference: Option<proc_macro2::TokenStream>,
    /// For `#[container_task]`: the `ContainerSpec`.
    pub(crate) container: Option<proc_macro2::TokenStream>,
    /// `settings = path`: shared settings under the task's own.
    pub(crate) settings: Option<Path>,
}

/// `#[default(..)]` belongs on workflow inputs: a task's interface has no defaults
/// in Flyte (flytekit fills a Python default in at the call), so say where it goes.
fn no_param_defaults(cx: &Ctxt, sig: &syn::Signature) {
    for arg in &sig.inputs {
        let syn::FnArg::Typed(pt) = arg else { continue };
        for attr in pt.attrs.iter().filter(|a| a.path().is_ident("default")) {
            cx.error_spanned_by(
                attr,
                "a task input has no default in Flyte: pass the value where the task is called, or give the workflow input a default (`#[default(..)]` on a `#[workflow]` parameter, or a launch plan's default)",
            );
        }
    }
}

impl<'a> TaskModel<'a> {
    /// Reads the function and the arguments. Problems with the signature (which
    /// decide the interface) go to `sig_cx`, problems with settings to `cx`: a task
    /// with bad settings can still be expanded, with default settings.
    pub(crate) fn build(sig_cx: &Ctxt, cx: &Ctxt, item: &'a ItemFn, mut args: TaskArgs) -> Self {
        let sig = signature::read(sig_cx, &item.sig, "task");
        no_param_defaults(sig_cx, &item.sig);
        let output_names = signature::output_names(sig_cx, &sig, args.common.outputs.as_ref());
        let mut knobs = Knobs::default();
        (knobs.requests, knobs.limits) = super::resources::read(cx, &args);
        knobs.env = super::pod::env_vars(cx, args.environment.as_ref());
        knobs.secrets = super::pod::secrets(cx, &args.secrets);
        knobs.labels = crate::internals::k8s_names::metadata_pairs(cx, args.labels.as_ref(), true);
        knobs.annotations =
            crate::internals::k8s_names::metadata_pairs(cx, args.annotations.as_ref(), false);
        if let Some(image) = &args.image
            && image.value().trim().is_empty()
        {
            cx.error_spanned_by(image, "`image` cannot be empty: give a reference (`\"ghcr.io/acme/app:1.2\"`) or an image name (`\"gpu\"`)");
        }
        knobs.image = args.image.clone();
        knobs.accelerator = args.accelerator.take();
        knobs.shared_memory = args.shared_memory.take();
        if let Some(name) = &args.pod_template_name {
            let v = name.value();
            if !crate::internals::k8s_names::is_object_name(&v) {
                cx.error_spanned_by(name, format!("`{v}` is not a Kubernetes object name: lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit"));
            }
        }
        knobs.pod_template_name = args.pod_template_name.take();
        for plain in &args.plain {
            if let Err(e) = &plain.value {
                cx.push(e.clone());
            }
        }
        let has_version = args.plain.iter().any(|p| p.is("cache_version"));
        if let Some(lit) = &args.timeout {
            knobs.timeout = parse_duration(cx, lit, "timeout");
        }
        cache_knobs(cx, item, &args, has_version, &mut knobs);
        knobs.cache_ignore = cache_ignore(cx, &sig, &args);
        knobs.run_in_pod = args.run_in_pod.map(|k| k.span);
        knobs.plain = std::mem::take(&mut args.plain);
        if let Some(name) = &args.common.name
            && name.value().trim().is_empty()
        {
            cx.error_spanned_by(name, "`name` cannot be empty");
        }
        TaskModel {
            item,
            ident: &item.sig.ident,
            name: args.common.name,
            sig,
            knobs,
            config: args.config,
            docs: signature::docs(&item.attrs),
            dynamic_body: None,
            output_names,
            krate: args
                .common
                .krate
                .unwrap_or_else(|| syn::parse_quote!(::flytekit)),
            reference: None,
            container: None,
            settings: args.settings,
        }
    }
}

/// `cache`: a flag that needs a version (unless shared settings may give it), or
/// `auto`, which derives one and refuses a version given beside it.
fn cache_knobs(cx: &Ctxt, item: &ItemFn, args: &TaskArgs, has_version: bool, knobs: &mut Knobs) {
    knobs.cache_written = args.cache.is_some();
    match &args.cache {
        Some((_, super::parse::CacheArg::Auto { key, salt })) => {
            knobs.cache = true;
            if has_version {
                cx.error_spanned_by(
                    key,
                    "`cache = auto` derives the version from the task's code: leave out `cache_version` (or write `cache = true` with it)",
                );
            }
            knobs.auto_version = Some(auto_version(item, salt.as_ref()));
        }
        Some((key, flag)) => {
            knobs.cache = flag.on();
            // Shared settings may give the version; the merged settings are
            // checked when the task is validated.
            if flag.on() && !has_version && args.settings.is_none() {
                cx.error_spanned_by(
                    key,
                    "`cache` needs a `cache_version`, such as `cache = true, cache_version = \"1\"`, or `cache = auto` for a version derived from the task's code; bump it to invalidate cached results",
                );
            }
        }
        None => {}
    }
}

/// `cache = auto`'s version: `auto-` and 16 hex digits of a hash of the function's
/// signature (its name left out: a task's cache is its own already) and body, as
/// tokens, so formatting and comments do not change it and any edit of the code
/// does; and of the salt. What the body calls is not seen.
fn auto_version(item: &ItemFn, salt: Option<&LitStr>) -> String {
    use quote::ToTokens;
    let mut sig = item.sig.clone();
    sig.ident = syn::Ident::new("__task", sig.ident.span());
    let mut text = sig.to_token_stream().to_string();
    text.push('\n');
    text.push_str(&item.block.to_token_stream().to_string());
    if let Some(salt) = salt {
        text.push('\n');
        text.push_str(&salt.value());
    }
    // FNV-1a: stable across builds and Rust versions (std's hashers are not); a
    // version label, not a security boundary.
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("auto-{hash:016x}")
}

/// `cache_ignore_input_vars = [..]`: only with `cache`, and each name an input.
fn cache_ignore(cx: &Ctxt, sig: &Signature<'_>, args: &TaskArgs) -> Vec<LitStr> {
    let names = args.cache_ignore.clone().unwrap_or_default();
    let cached = args.cache.as_ref().is_some_and(|(_, c)| c.on()) || args.settings.is_some();
    if let Some(first) = names.first()
        && !cached
    {
        cx.error_spanned_by(
            first,
            "`cache_ignore_input_vars` needs `cache = true` (and a `cache_version`)",
        );
        return Vec::new();
    }
    let inputs: Vec<String> = sig.params.iter().map(|p| p.flyte_name()).collect();
    names
        .into_iter()
        .filter(|lit| {
            let known = inputs.contains(&lit.value());
            if !known {
                cx.error_spanned_by(
                    lit,
                    format!(
                        "`{}` is not an input of this task (its inputs: {})",
                        lit.value(),
                        inputs.join(", ")
                    ),
                );
            }
            known
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn build(args: proc_macro2::TokenStream, f: syn::ItemFn) -> Result<Knobs, String> {
        let args: TaskArgs = syn::parse2(args).map_err(|e| e.to_string())?;
        let (sig_cx, cx) = (Ctxt::new(), Ctxt::new());
        let model = TaskModel::build(&sig_cx, &cx, &f, args);
        let TaskModel { knobs, .. } = model;
        sig_cx.check().map_err(|e| e.to_string())?;
        cx.check().map_err(|e| e.to_string())?;
        Ok(knobs)
    }

    fn f() -> syn::ItemFn {
        parse_quote!(
            fn f(x: i64) -> i64 {
                x
            }
        )
    }

    #[test]
    fn knobs_are_read_and_durations_checked() {
        let k = build(
            quote::quote!(
                retries = 3,
                timeout = "1h 30m",
                cache,
                cache_version = "2",
                interruptible
            ),
            f(),
        )
        .unwrap();
        let calls: Vec<String> = k
            .plain
            .iter()
            .map(|p| p.builder_call().unwrap().to_string())
            .collect();
        assert_eq!(
            calls,
            [
                ". retries (3u32)",
                ". cache_version (\"2\")",
                ". interruptible (true)"
            ]
        );
        assert_eq!(k.timeout, Some(Duration::from_secs(5400)));
        assert!(k.cache);
    }

    #[test]
    fn a_bad_duration_names_the_value_and_what_works() {
        let err = build(quote::quote!(timeout = "1H"), f()).err().unwrap();
        assert!(
            err.starts_with("invalid duration \"1H\" for `timeout`"),
            "{err}"
        );
        assert!(err.contains("`timeout = \"20m\"`"), "{err}");
        let zero = build(quote::quote!(timeout = "0s"), f()).err().unwrap();
        assert_eq!(zero, "`timeout` must be longer than zero");
    }

    #[test]
    fn unknown_and_repeated_keys_are_rejected() {
        let err = build(quote::quote!(retry = 3), f()).err().unwrap();
        assert!(
            err.starts_with("expected one of: `name`, `outputs`, `crate`, `timeout`"),
            "{err}"
        );
        assert!(err.ends_with("`retries`, `cache_version`, `cache_serialize`, `interruptible`, `enable_deck`, `hash_outputs`, `deprecated`, `pod_template`"), "{err}");
        let err = build(quote::quote!(retries = -1), f()).err().unwrap();
        assert_eq!(err, "`retries` takes a whole number such as `retries = 3`");
        let err = build(quote::quote!(retries = 1, retries = 2), f())
            .err()
            .unwrap();
        assert_eq!(err, "`retries` is given twice");
    }

    #[test]
    fn an_accelerator_takes_its_device_first_or_by_name() {
        for args in [
            quote::quote!(accelerator("nvidia-tesla-a100", partition = "2g.10gb")),
            quote::quote!(accelerator(
                device = "nvidia-tesla-a100",
                partition = "2g.10gb"
            )),
            quote::quote!(accelerator(
                partition = "2g.10gb",
                device = "nvidia-tesla-a100"
            )),
        ] {
            let acc = build(args, f()).unwrap().accelerator.unwrap();
            assert_eq!(acc.device.value(), "nvidia-tesla-a100");
            assert_eq!(acc.partition.unwrap().value(), "2g.10gb");
            assert!(!acc.unpartitioned);
        }
        let acc = build(quote::quote!(accelerator("nvidia-l4", unpartitioned)), f())
            .unwrap()
            .accelerator
            .unwrap();
        assert_eq!(acc.device.value(), "nvidia-l4");
        assert!(acc.unpartitioned && acc.partition.is_none());
        let acc = build(quote::quote!(accelerator("nvidia-l4")), f())
            .unwrap()
            .accelerator
            .unwrap();
        assert!(!acc.unpartitioned && acc.partition.is_none());
        let twice = build(
            quote::quote!(accelerator("nvidia-l4", device = "nvidia-l4")),
            f(),
        )
        .err()
        .unwrap();
        assert!(twice.starts_with("the device is given twice"), "{twice}");
        let late = build(quote::quote!(accelerator(unpartitioned, "nvidia-l4")), f())
            .err()
            .unwrap();
        assert!(late.starts_with("the device comes first"), "{late}");
        let none = build(quote::quote!(accelerator(unpartitioned)), f())
            .err()
            .unwrap();
        assert!(
            none.starts_with("`accelerator(..)` needs a device"),
            "{none}"
        );
    }

    #[test]
    fn cache_needs_a_version() {
        let err = build(quote::quote!(cache = true), f()).err().unwrap();
        assert!(err.starts_with("`cache` needs a `cache_version`"), "{err}");
        assert!(build(quote::quote!(cache = false), f()).is_ok());
    }
}
