//! `#[task(...)]` arguments: syntax only. Each value keeps its span so later checks
//! can point at it; an unknown key gets syn's "expected one of ..." error.

use syn::parse::{Lookahead1, Parse, ParseStream};
use syn::{Expr, LitBool, LitStr, Token};

use crate::internals::args::{CommonArgs, EnvArgs, parse_args, parse_args_knowing, set, value};

mod kw {
    syn::custom_keyword!(timeout);
    syn::custom_keyword!(cache);
    syn::custom_keyword!(config);
    syn::custom_keyword!(requests);
    syn::custom_keyword!(limits);
    syn::custom_keyword!(resources);
    syn::custom_keyword!(environment);
    syn::custom_keyword!(image);
    syn::custom_keyword!(accelerator);
    syn::custom_keyword!(device);
    syn::custom_keyword!(partition);
    syn::custom_keyword!(unpartitioned);
    syn::custom_keyword!(shared_memory);
    syn::custom_keyword!(pod_template_name);
    syn::custom_keyword!(secret);
    syn::custom_keyword!(group);
    syn::custom_keyword!(key);
    syn::custom_keyword!(version);
    syn::custom_keyword!(mount);
    syn::custom_keyword!(env_var);
    syn::custom_keyword!(labels);
    syn::custom_keyword!(annotations);
    syn::custom_keyword!(cache_ignore_input_vars);
    syn::custom_keyword!(run_in_pod);
    syn::custom_keyword!(auto);
    syn::custom_keyword!(settings);
}

/// `cache`'s value: `true`/`false`, or `auto` (a version derived from the code), with
/// an optional salt: `auto("2")`.
pub(crate) enum CacheArg {
    Flag(LitBool),
    Auto { key: kw::auto, salt: Option<LitStr> },
}

impl CacheArg {
    pub(crate) fn on(&self) -> bool {
        match self {
            CacheArg::Flag(b) => b.value,
            CacheArg::Auto { .. } => true,
        }
    }
}

impl Parse for CacheArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(kw::auto) {
            let key: kw::auto = input.parse()?;
            let salt = if input.peek(syn::token::Paren) {
                let inner;
                syn::parenthesized!(inner in input);
                Some(inner.parse()?)
            } else {
                None
            };
            return Ok(CacheArg::Auto { key, salt });
        }
        match input.parse::<LitBool>() {
            Ok(b) => Ok(CacheArg::Flag(b)),
            Err(e) => Err(syn::Error::new(
                e.span(),
                "expected `true`, `false` or `auto` (a version derived from the task's code)",
            )),
        }
    }
}

/// `accelerator = "nvidia-tesla-a100"`, or `accelerator("nvidia-tesla-a100", partition =
/// "2g.10gb")`, or `accelerator("nvidia-tesla-a100", unpartitioned)`; the device may
/// also be written `device = ".."` anywhere in the parentheses.
pub(crate) struct AcceleratorArgs {
    pub(crate) device: LitStr,
    pub(crate) partition: Option<LitStr>,
    pub(crate) unpartitioned: bool,
}

impl AcceleratorArgs {
    fn parse_after_key(key: proc_macro2::Span, input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Token![=]) {
            return Ok(AcceleratorArgs {
                device: value(input)?,
                partition: None,
                unpartitioned: false,
            });
        }
        let content;
        syn::parenthesized!(content in input);
        let (mut device, mut partition, mut unpartitioned) = (None, None, None);
        // The short form: the device first, as a plain string.
        if content.peek(LitStr) {
            device = Some(content.parse::<LitStr>()?);
            if !content.is_empty() {
                content.parse::<Token![,]>()?;
            }
        }
        while !content.is_empty() {
            if content.peek(LitStr) {
                let lit: LitStr = content.parse()?;
                return Err(syn::Error::new_spanned(
                    lit,
                    "the device comes first: `accelerator(\"nvidia-tesla-a100\", partition = \"2g.10gb\")`, or name it: `device = \"...\"`",
                ));
            }
            let look = content.lookahead1();
            if look.peek(kw::device) {
                let k: kw::device = content.parse()?;
                let lit: LitStr = value(&content)?;
                if device.is_some() {
                    return Err(syn::Error::new_spanned(
                        k,
                        "the device is given twice: write it first as a string or as `device = \"...\"`, not both",
                    ));
                }
                device = Some(lit);
            } else if look.peek(kw::partition) {
                let k: kw::partition = content.parse()?;
                set(&mut partition, k, value(&content)?)?;
            } else if look.peek(kw::unpartitioned) {
                let k: kw::unpartitioned = content.parse()?;
                set(&mut unpartitioned, k, k.span)?;
            } else {
                return Err(look.error());
            }
            if !content.is_empty() {
                content.parse::<Token![,]>()?;
            }
        }
        let device: LitStr = device.ok_or_else(|| {
            syn::Error::new(
                key,
                "`accelerator(..)` needs a device, written first: `accelerator(\"nvidia-tesla-a100\", partition = \"2g.10gb\")` (or `device = \"...\"`)",
            )
        })?;
        if let (Some(p), Some(_)) = (&partition, &unpartitioned) {
            return Err(syn::Error::new_spanned(
                p,
                "an accelerator is either `unpartitioned` or of one `partition` size, not both",
            ));
        }
        Ok(AcceleratorArgs {
            device,
            partition,
            unpartitioned: unpartitioned.is_some(),
        })
    }
}

/// `secret(group = "db", key = "password", version = "v2", mount = env_var | file | any,
/// env_var = "DB_PASSWORD")`: group required, the rest optional (no key: the whole
/// group, as a file).
pub(crate) struct SecretArgs {
    pub(crate) key_span: proc_macro2::Span,
    pub(crate) group: Option<LitStr>,
    pub(crate) key: Option<LitStr>,
    pub(crate) version: Option<LitStr>,
    /// `env_var`, `file` or `any`.
    pub(crate) mount: Option<syn::Ident>,
    pub(crate) env_var: Option<LitStr>,
}

impl SecretArgs {
    fn parse_after_key(key_span: proc_macro2::Span, input: ParseStream<'_>) -> syn::Result<Self> {
        let content;
        syn::parenthesized!(content in input);
        let mut s = SecretArgs {
            key_span,
            group: None,
            key: None,
            version: None,
            mount: None,
            env_var: None,
        };
        parse_args(&content, |look, input| {
            if look.peek(kw::group) {
                let k: kw::group = input.parse()?;
                set(&mut s.group, k, value(input)?)?;
            } else if look.peek(kw::key) {
                let k: kw::key = input.parse()?;
                set(&mut s.key, k, value(input)?)?;
            } else if look.peek(kw::version) {
                let k: kw::version = input.parse()?;
                set(&mut s.version, k, value(input)?)?;
            } else if look.peek(kw::mount) {
                let k: kw::mount = input.parse()?;
                set(&mut s.mount, k, value(input)?)?;
            } else if look.peek(kw::env_var) {
                let k: kw::env_var = input.parse()?;
                set(&mut s.env_var, k, value(input)?)?;
            } else {
                return Ok(false);
            }
            Ok(true)
        })?;
        Ok(s)
    }
}

/// `requests(cpu = "1", mem = "2Gi")`, `limits(..)` or `resources(cpu = ("1", "2"))`:
/// the key, kept for spans, and its entries.
pub(crate) struct ResourceArgs {
    pub(crate) key: proc_macro2::Span,
    pub(crate) entries: Vec<(syn::Ident, ResourceValue)>,
}

/// An amount, or (in `resources(..)`) a request and a limit.
pub(crate) enum ResourceValue {
    One(LitStr),
    Pair(LitStr, LitStr),
}

impl ResourceArgs {
    fn parse_list(key: proc_macro2::Span, input: ParseStream<'_>) -> syn::Result<Self> {
        let content;
        syn::parenthesized!(content in input);
        let mut entries = Vec::new();
        while !content.is_empty() {
            let name: syn::Ident = content.parse()?;
            content.parse::<Token![=]>()?;
            let value = if content.peek(syn::token::Paren) {
                let pair;
                syn::parenthesized!(pair in content);
                let request = pair.parse()?;
                pair.parse::<Token![,]>()?;
                let limit = pair.parse()?;
                let _ = pair.parse::<Option<Token![,]>>()?;
                ResourceValue::Pair(request, limit)
            } else {
                ResourceValue::One(content.parse()?)
            };
            entries.push((name, value));
            if !content.is_empty() {
                content.parse::<Token![,]>()?;
            }
        }
        Ok(ResourceArgs { key, entries })
    }
}

/// The arguments as written.
#[derive(Default)]
pub(crate) struct TaskArgs {
    /// `name`, `outputs(..)` and `crate`, as `#[workflow]` takes them.
    pub(crate) common: CommonArgs,
    /// The settings handed to `TaskMetadata` as written (see `plain.rs`).
    pub(crate) plain: Vec<super::plain::Plain>,
    pub(crate) timeout: Option<LitStr>,
    /// `cache` alone means `cache = true`; the key is kept for spans.
    pub(crate) cache: Option<(kw::cache, CacheArg)>,
    pub(crate) config: Option<Expr>,
    pub(crate) requests: Option<ResourceArgs>,
    pub(crate) limits: Option<ResourceArgs>,
    pub(crate) resources: Option<ResourceArgs>,
    pub(crate) environment: Option<EnvArgs>,
    pub(crate) image: Option<LitStr>,
    pub(crate) accelerator: Option<AcceleratorArgs>,
    /// `shared_memory` alone (no limit) or `shared_memory = "2Gi"`.
    pub(crate) shared_memory: Option<Option<LitStr>>,
    pub(crate) pod_template_name: Option<LitStr>,
    /// `secret(..)`, once per secret.
    pub(crate) secrets: Vec<SecretArgs>,
    pub(crate) labels: Option<EnvArgs>,
    pub(crate) annotations: Option<EnvArgs>,
    /// `cache_ignore_input_vars = ["a", "b"]`.
    pub(crate) cache_ignore: Option<Vec<LitStr>>,
    /// `run_in_pod` (dynamic tasks only): the key, for its span.
    pub(crate) run_in_pod: Option<kw::run_in_pod>,
    /// `settings = path`: a `#[task_settings]` function whose settings the task's own
    /// override.
    pub(crate) settings: Option<syn::Path>,
}

impl Parse for TaskArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = TaskArgs::default();
        let plain: Vec<&str> = super::plain::keys().collect();
        parse_args_knowing(input, &plain, |look, input| {
            if args.common.parse_key(look, input)? {
                return Ok(true);
            }
            if let Some(setting) = super::plain::parse(input)? {
                if args.plain.iter().any(|p| p.key == setting.key) {
                    let key = &setting.key;
                    return Err(syn::Error::new_spanned(
                        key,
                        format!("`{key}` is given twice"),
                    ));
                }
                args.plain.push(setting);
            } else if look.peek(kw::timeout) {
                let key: kw::timeout = input.parse()?;
                set(&mut args.timeout, key, value(input)?)?;
            } else if look.peek(kw::cache) {
                let key: kw::cache = input.parse()?;
                let v = if input.peek(Token![=]) {
                    input.parse::<Token![=]>()?;
                    input.parse()?
                } else {
                    CacheArg::Flag(LitBool::new(true, key.span))
                };
                set(&mut args.cache, key, (key, v))?;
            } else if look.peek(kw::run_in_pod) {
                let key: kw::run_in_pod = input.parse()?;
                set(&mut args.run_in_pod, key, key)?;
            } else if look.peek(kw::settings) {
                let key: kw::settings = input.parse()?;
                input.parse::<Token![=]>()?;
                set(&mut args.settings, key, input.parse()?)?;
            } else if look.peek(kw::config) {
                let key: kw::config = input.parse()?;
                set(&mut args.config, key, value(input)?)?;
            } else if look.peek(kw::cache_ignore_input_vars) {
                let key: kw::cache_ignore_input_vars = input.parse()?;
                input.parse::<Token![=]>()?;
                let content;
                syn::bracketed!(content in input);
                let names = content.parse_terminated(<LitStr as Parse>::parse, Token![,])?;
                set(&mut args.cache_ignore, key, names.into_iter().collect())?;
            } else if look.peek(kw::secret) {
                let key: kw::secret = input.parse()?;
                args.secrets
                    .push(SecretArgs::parse_after_key(key.span, input)?);
            } else if look.peek(kw::labels) {
                let key: kw::labels = input.parse()?;
                set(&mut args.labels, key, EnvArgs::parse_list(input)?)?;
            } else if look.peek(kw::annotations) {
                let key: kw::annotations = input.parse()?;
                set(&mut args.annotations, key, EnvArgs::parse_list(input)?)?;
            } else {
                return args.parse_pod_key(look, input);
            }
            Ok(true)
        })?;
        Ok(args)
    }
}

impl TaskArgs {
    /// The keys that shape the task's pod on a cluster: resources, accelerator,
    /// shared memory, PodTemplate, image, environment. `Ok(false)` for another key.
    fn parse_pod_key(
        &mut self,
        look: &Lookahead1<'_>,
        input: ParseStream<'_>,
    ) -> syn::Result<bool> {
        if look.peek(kw::requests) {
            let key: kw::requests = input.parse()?;
            let list = ResourceArgs::parse_list(key.span, input)?;
            set(&mut self.requests, key, list)?;
        } else if look.peek(kw::limits) {
            let key: kw::limits = input.parse()?;
            let list = ResourceArgs::parse_list(key.span, input)?;
            set(&mut self.limits, key, list)?;
        } else if look.peek(kw::resources) {
            let key: kw::resources = input.parse()?;
            let list = ResourceArgs::parse_list(key.span, input)?;
            set(&mut self.resources, key, list)?;
        } else if look.peek(kw::accelerator) {
            let key: kw::accelerator = input.parse()?;
            let acc = AcceleratorArgs::parse_after_key(key.span, input)?;
            set(&mut self.accelerator, key, acc)?;
        } else if look.peek(kw::shared_memory) {
            let key: kw::shared_memory = input.parse()?;
            let limit = if input.peek(Token![=]) {
                Some(value(input)?)
            } else {
                None
            };
            set(&mut self.shared_memory, key, limit)?;
        } else if look.peek(kw::pod_template_name) {
            let key: kw::pod_template_name = input.parse()?;
            set(&mut self.pod_template_name, key, value(input)?)?;
        } else if look.peek(kw::image) {
            let key: kw::image = input.parse()?;
            set(&mut self.image, key, value(input)?)?;
        } else if look.peek(kw::environment) {
            let key: kw::environment = input.parse()?;
            let list = EnvArgs::parse_list(input)?;
            set(&mut self.environment, key, list)?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }
}
