//! `#[task]` tokens from a checked model. Cannot fail: every decision was made by
//! the model. The generated code is glue over `flytekit::__private_0_1`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;

use super::model::TaskModel;
use crate::internals::shared::{self, Attrs, NodeOf};
use crate::internals::signature::Returns;

/// The names of what a task generates.
struct Names {
    /// `<crate>::__private_0_1`.
    p: TokenStream,
    /// The task's type: the function's own name, in the type namespace, so the
    /// function stays a function and variables may share its name.
    task_ty: Ident,
    node_ty: Ident,
    /// The function the task's attempts call: the user's own, or for a dynamic or
    /// reference task (which a caller cannot call directly) a hidden one.
    inner: Ident,
}

pub(crate) fn task(m: &TaskModel<'_>) -> TokenStream {
    let attrs = Attrs::of(m.item);
    shared::with_cfg(items(m, &attrs), &attrs.cfg)
}

/// Whether the function stays callable as written: not when its body builds a graph
/// (dynamic) or Flyte runs it (reference).
fn direct(m: &TaskModel<'_>) -> bool {
    m.dynamic_body.is_none() && m.reference.is_none() && m.container.is_none()
}

fn items(m: &TaskModel<'_>, attrs: &Attrs<'_>) -> TokenStream {
    let krate = &m.krate;
    let ident = m.ident;
    let n = Names {
        p: quote!(#krate::__private_0_1),
        task_ty: ident.clone(),
        node_ty: format_ident!("__FlyteNode_{}", ident),
        inner: if direct(m) {
            ident.clone()
        } else {
            format_ident!("__flyte_fn_{}", ident)
        },
    };
    let (p, task_ty, node_ty) = (&n.p, &n.task_ty, &n.node_ty);
    let vis = &m.item.vis;
    let user_fn = user_fn(m, attrs, &n);
    let public = &attrs.public;
    let type_checks = shared::type_checks(p, &m.sig);
    let quantity_checks = quantity_checks(m, p);
    let hash_check = hash_outputs_check(m, p);
    let task_impl = task_impl(m, &n);
    let config_fn = config_fn(m, &n);
    let dynamic_graph = dynamic_graph_impl(m, &n);
    let node = shared::node_type(
        p,
        vis,
        ident,
        &m.sig,
        attrs,
        NodeOf {
            owner_ty: task_ty,
            node_ty,
            field: format_ident!("task"),
            add: format_ident!("task_node_with"),
            doc: "Adds a node running this task.",
            overridable: true,
        },
    );
    quote! {
        #user_fn

        #(#public)*
        #[allow(non_camel_case_types)]
        #vis struct #task_ty {}

        // Collecting the task is no use of it: a `#[deprecated]` task warns where it
        // is called, not here.
        #[allow(deprecated)]
        const _: () = {
            #p::inventory::submit! { #p::CompiledTask(&#task_ty {}) }
        };

        #type_checks

        #quantity_checks

        #hash_check

        #task_impl

        #config_fn

        #dynamic_graph

        #node
    }
}

/// The user's function, with its body and spans untouched: as written for a plain
/// task, renamed and private for a dynamic task (whose body gets the graph builder
/// first and returns promises) or a reference (whose body never runs).
fn user_fn(m: &TaskModel<'_>, attrs: &Attrs<'_>, n: &Names) -> syn::ItemFn {
    let (p, inner) = (&n.p, &n.inner);
    let mut inner_fn = m.item.clone();
    if direct(m) {
        // Passed by name where a graph is built (`.map(task)`), the function would run
        // its body then instead of adding a node: it says so.
        let name = m.ident.to_string();
        inner_fn
            .block
            .stmts
            .insert(0, syn::parse_quote!(#p::not_while_building(#name);));
        return inner_fn;
    }
    inner_fn.sig.ident = inner.clone();
    inner_fn.vis = syn::Visibility::Inherited;
    inner_fn.attrs = attrs.rest.iter().map(|a| (*a).clone()).collect();
    let Some(body) = &m.dynamic_body else {
        return inner_fn;
    };
    let ret_span = match &m.item.sig.output {
        syn::ReturnType::Type(_, ty) => syn::spanned::Spanned::span(ty),
        syn::ReturnType::Default => m.ident.span(),
    };
    let out = m.sig.output_type();
    let ret = quote_spanned!(ret_span=> impl #p::IntoOutputs<#out> + use<>);
    let params = &m.item.sig.inputs;
    let stmts = &body.stmts;
    let wf = crate::internals::shared::builder_ident();
    syn::parse_quote! {
        #[allow(unused_mut, clippy::let_unit_value, clippy::unused_unit, clippy::too_many_arguments)]
        fn #inner(#wf: &#p::WorkflowBuilder, #params) -> #ret {
            #[allow(unused_imports)]
            use #p::{AsTaskNode as _, IfValue as _, PassThrough as _};
            #(#stmts)*
        }
    }
}

/// `impl Task`: name, type, interface, metadata, description, custom config, and the
/// attempt that runs the body.
fn task_impl(m: &TaskModel<'_>, n: &Names) -> TokenStream {
    let (p, task_ty) = (&n.p, &n.task_ty);
    let input_ty = shared::input_type(m.item, &m.sig);
    let output_ty = m.sig.output_type();
    let interface = shared::interface(p, m.item, &m.sig, m.output_names.as_ref());
    let name_expr = match &m.name {
        Some(lit) => quote!(#lit),
        None => {
            let fn_name = m.ident.to_string();
            quote! {{
                static NAME: #p::OnceLock<::std::string::String> = #p::OnceLock::new();
                #p::task_name(&NAME, ::core::module_path!(), #fn_name)
            }}
        }
    };
    let meta = match (metadata(m, p), &m.settings) {
        // No settings: a plain static, no lazy initializer of its own.
        (None, None) => quote!(static METADATA: #p::TaskMetadata = #p::TaskMetadata::DEFAULT;),
        (own, shared) => {
            let own = own.unwrap_or_else(|| quote!(#p::TaskMetadata::DEFAULT));
            // The task's own settings over the shared ones.
            let meta = match shared {
                Some(path) => quote!(#p::TaskMetadata::under(#own, #path())),
                None => own,
            };
            quote!(static METADATA: #p::LazyLock<#p::TaskMetadata> = #p::LazyLock::new(|| #meta);)
        }
    };
    let description = match &m.docs {
        Some(d) => quote!(::core::option::Option::Some(#d)),
        None => quote!(::core::option::Option::None),
    };
    let (task_type, custom) = match &m.config {
        Some(_) => (
            quote!(self.__flyte_config().task_type()),
            quote!(self.__flyte_config().custom()),
        ),
        None if m.container.is_some() => (
            quote!("raw-container"),
            quote!(::core::option::Option::None),
        ),
        None => (quote!("rust-task"), quote!(::core::option::Option::None)),
    };
    let execute = execute_fn(m, n);
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl #p::Task for #task_ty {
            type Input = #input_ty;
            type Output = #output_ty;

            fn name(&self) -> &str {
                #name_expr
            }
            fn task_type(&self) -> &str {
                #task_type
            }
            fn interface(&self) -> #p::Interface {
                #interface
            }
            fn metadata(&self) -> &#p::TaskMetadata {
                #meta
                &METADATA
            }
            fn description(&self) -> ::core::option::Option<&str> {
                #description
            }
            fn custom(&self) -> ::core::option::Option<#p::JsonValue> {
                #custom
            }
            #execute
        }
    }
}

/// The plain settings (see `plain.rs`), then the timeout and the cache flag, as
/// builder calls.
fn run_knobs(k: &super::model::Knobs, meta: &mut TokenStream) {
    meta.extend(k.plain.iter().filter_map(|p| p.builder_call()));
    if let Some(t) = k.timeout {
        let (secs, nanos) = (t.as_secs(), t.subsec_nanos());
        meta.extend(quote!(.timeout(::core::time::Duration::new(#secs, #nanos))));
    }
    if k.cache_written {
        let cache = k.cache;
        meta.extend(quote!(.cache(#cache)));
    }
    if let Some(version) = &k.auto_version {
        meta.extend(quote!(.cache_version(#version)));
    }
}

/// The settings as a `TaskMetadata` builder chain; `None` when none is set.
pub(super) fn metadata(m: &TaskModel<'_>, p: &TokenStream) -> Option<TokenStream> {
    let k = &m.knobs;
    let mut meta = TokenStream::new();
    run_knobs(k, &mut meta);
    for (kind, amounts) in [("requests", &k.requests), ("limits", &k.limits)] {
        if amounts.is_empty() {
            continue;
        }
        let kind = format_ident!("{}", kind);
        let setters = amounts.iter().map(|(name, lit)| {
            let name = format_ident!("{}", name);
            quote!(.#name(#lit))
        });
        meta.extend(quote!(.#kind(#p::Resources::new() #(#setters)*)));
    }
    for (name, value) in &k.env {
        meta.extend(quote!(.env(#name, #value)));
    }
    cluster_metadata(k, p, &mut meta);
    if let Some(image) = &k.image {
        meta.extend(quote!(.image(#image)));
    }
    if let Some(name) = &k.pod_template_name {
        meta.extend(quote!(.pod_template_name(#name)));
    }
    if let Some(acc) = &k.accelerator {
        let device = &acc.device;
        let mut a = quote!(#p::Accelerator::new(#device));
        if let Some(size) = &acc.partition {
            a.extend(quote!(.partition(#size)));
        }
        if acc.unpartitioned {
            a.extend(quote!(.unpartitioned()));
        }
        meta.extend(quote!(.accelerator(#a)));
    }
    match &k.shared_memory {
        Some(Some(size)) => meta.extend(quote!(.shared_memory(#p::SharedMemory::limit(#size)))),
        Some(None) => meta.extend(quote!(.shared_memory(#p::SharedMemory::new()))),
        None => {}
    }
    if let Some(c) = &m.container {
        meta.extend(quote!(.container(#c)));
    }
    if let Some(r) = &m.reference {
        meta.extend(quote!(.reference(#r)));
    }
    if m.dynamic_body.is_some() {
        let mode = match k.run_in_pod {
            Some(_) => quote!(InPod),
            None => quote!(Futures),
        };
        meta.extend(quote!(.dynamic(#p::DynamicMode::#mode)));
    }
    (!meta.is_empty()).then(|| quote!(#p::TaskMetadata::default() #meta))
}

/// The settings given as lists: secrets, labels and annotations, and the inputs left
/// out of the cache key.
fn cluster_metadata(k: &super::model::Knobs, p: &TokenStream, meta: &mut TokenStream) {
    for s in &k.secrets {
        let group = &s.group;
        let mount = format_ident!("{}", s.mount);
        let new = match &s.key {
            Some(key) => quote!(#p::Secret::new(#group, #key)),
            None => quote!(#p::Secret::whole_group(#group)),
        };
        let mut secret = quote!(#new.mount(#p::SecretMount::#mount));
        if let Some(v) = &s.version {
            secret.extend(quote!(.version(#v)));
        }
        if let Some(var) = &s.env_var {
            secret.extend(quote!(.env_var(#var)));
        }
        meta.extend(quote!(.secret(#secret)));
    }
    for (name, value) in &k.labels {
        meta.extend(quote!(.label(#name, #value)));
    }
    for (name, value) in &k.annotations {
        meta.extend(quote!(.annotation(#name, #value)));
    }
    for name in &k.cache_ignore {
        meta.extend(quote!(.cache_ignore_input(#name)));
    }
}

/// `hash_outputs` on a task that returns no file, directory or dataframe is a
/// compile error at the key (checked by the output type's `HAS_BLOBS`).
fn hash_outputs_check(m: &TaskModel<'_>, p: &TokenStream) -> TokenStream {
    let on =
        m.knobs.plain.iter().find(|s| {
            s.is("hash_outputs") && s.value.as_ref().is_ok_and(|v| v.to_string() == "true")
        });
    let Some(setting) = on else {
        return quote!();
    };
    let span = setting.key.span();
    let out = m.sig.output_type();
    let p = respan(p, span);
    quote_spanned!(span=> const _: () = #p::assert_hashable_outputs::<#out>();)
}

/// `tokens` with every token at `span`: rustc reports a const-evaluated call's
/// error at its path.
fn respan(tokens: &TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut t| {
            t.set_span(span);
            t
        })
        .collect()
}

/// Each resource amount checked while compiling, the error spanned at its literal.
fn quantity_checks(m: &TaskModel<'_>, p: &TokenStream) -> TokenStream {
    let k = &m.knobs;
    let shm = k.shared_memory.iter().flatten();
    let checks = k
        .requests
        .iter()
        .chain(&k.limits)
        .map(|(_, lit)| lit)
        .chain(shm)
        .map(|lit| {
            // Every token at the literal, the path too: rustc reports the call's span.
            let p = respan(p, lit.span());
            quote_spanned!(lit.span()=> #p::assert_quantity(#lit);)
        })
        .collect::<Vec<_>>();
    if checks.is_empty() {
        return quote!();
    }
    quote!(const _: () = { #(#checks)* };)
}

/// `config = <expr>`: the plugin config, made once, that decides the task type, the
/// custom config and a hook before each attempt.
fn config_fn(m: &TaskModel<'_>, n: &Names) -> TokenStream {
    let p = &n.p;
    let Some(expr) = &m.config else {
        return quote!();
    };
    let task_ty = &n.task_ty;
    quote! {
        #[automatically_derived]
        impl #task_ty {
            #[doc(hidden)]
            fn __flyte_config(&self) -> &'static dyn #p::TaskConfig {
                static CONFIG: #p::LazyLock<#p::DynConfig> =
                    #p::LazyLock::new(|| #p::assert_task_config(#expr));
                &**CONFIG
            }
        }
    }
}

/// `Task::execute`: the plugin's hook, then the body. A plain or async body is handed
/// boxed to a runner compiled once per output type (no state machine per task); a
/// dynamic task builds and runs its graph.
fn execute_fn(m: &TaskModel<'_>, n: &Names) -> TokenStream {
    let (p, inner) = (&n.p, &n.inner);
    let input_ty = shared::input_type(m.item, &m.sig);
    let output_ty = m.sig.output_type();
    let names = input_idents(m);
    let pre = match &m.config {
        Some(_) => quote!(self.__flyte_config().before_attempt(&__flyte_ctx)),
        None => quote!(::core::result::Result::Ok(())),
    };
    let signature = quote! {
        fn execute(
            &self,
            __flyte_ctx: #p::ExecutionContext,
            __flyte_input: #input_ty,
        )
    };
    let result = quote!(::core::result::Result<#output_ty, #p::TaskError>);
    if m.dynamic_body.is_some() {
        return quote! {
            async #signature -> #result {
                let spec = self.__flyte_graph(&__flyte_ctx, __flyte_input)?;
                #p::run_dynamic::<#output_ty>(__flyte_ctx, spec).await
            }
        };
    }
    let convert = match m.sig.returns {
        Returns::Result(_) => quote!(#p::task_result),
        Returns::Plain(_) | Returns::Unit => quote!(::core::result::Result::Ok),
    };
    let run = if m.sig.is_async {
        quote!(#p::run_async(__flyte_ctx, __flyte_pre, ::std::boxed::Box::pin(#inner(#(#names),*)), #convert))
    } else {
        quote!(#p::run_blocking(__flyte_ctx, __flyte_pre, ::std::boxed::Box::new(move || #convert(#inner(#(#names),*)))))
    };
    quote! {
        #[allow(unused_variables)]
        #signature -> impl ::core::future::Future<Output = #result> + ::core::marker::Send {
            let (#(#names,)*) = __flyte_input;
            let __flyte_pre = #pre;
            #run
        }
    }
}

/// Names of our own for the inputs, unpacked from the input tuple: a parameter may
/// share the task's name, which the call of the function needs unshadowed.
fn input_idents(m: &TaskModel<'_>) -> Vec<Ident> {
    (0..m.sig.params.len())
        .map(|i| Ident::new(&format!("__flyte_in{i}"), proc_macro2::Span::mixed_site()))
        .collect()
}

/// A dynamic task's graph, typed: `__flyte_graph` builds it (after the plugin's hook)
/// for both `execute` (which runs it) and [`DynamicGraph`] (which the entrypoint asks
/// on a cluster, to hand the graph to Flyte), and the task is collected as one.
fn dynamic_graph_impl(m: &TaskModel<'_>, n: &Names) -> TokenStream {
    if m.dynamic_body.is_none() {
        return quote!();
    }
    let (p, task_ty, inner) = (&n.p, &n.task_ty, &n.inner);
    let input_ty = shared::input_type(m.item, &m.sig);
    let output_ty = m.sig.output_type();
    let names = input_idents(m);
    let pre = match &m.config {
        Some(_) => quote!(self.__flyte_config().before_attempt(__flyte_ctx)?;),
        None => quote!(),
    };
    let graph = quote!(::core::result::Result<::std::sync::Arc<#p::WorkflowSpec>, #p::TaskError>);
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl #task_ty {
            #[allow(unused_variables)]
            fn __flyte_graph(&self, __flyte_ctx: &#p::ExecutionContext, __flyte_input: #input_ty) -> #graph {
                let (#(#names,)*) = __flyte_input;
                #pre
                ::core::result::Result::Ok(#p::build_dynamic::<#output_ty>(
                    #p::Task::name(self),
                    move |__flyte_wf| #p::IntoOutputs::<#output_ty>::into_wires(#inner(__flyte_wf, #(#names),*)),
                ))
            }
        }

        #[automatically_derived]
        #[allow(deprecated)]
        impl #p::DynamicGraph for #task_ty {
            fn task_name(&self) -> &str {
                #p::Task::name(self)
            }
            fn graph(&self, __flyte_ctx: &#p::ExecutionContext, __flyte_inputs: &[#p::Value]) -> #graph {
                self.__flyte_graph(__flyte_ctx, <#input_ty as #p::Inputs>::from_values(__flyte_inputs))
            }
        }

        #[allow(deprecated)]
        const _: () = {
            #p::inventory::submit! { #p::CompiledDynamic(&#task_ty {}) }
        };
    }
}

/// What is emitted when the attribute has errors: the function as written, so direct
/// calls still type-check, and the errors.
pub(crate) fn fallback(item: &proc_macro2::TokenStream, error: syn::Error) -> TokenStream {
    let error = error.to_compile_error();
    // A `#[default]` on a parameter was reported already; left in, rustc would add
    // that it knows no such attribute.
    if let Ok(mut func) = syn::parse2::<syn::ItemFn>(item.clone()) {
        for arg in &mut func.sig.inputs {
            if let syn::FnArg::Typed(pt) = arg {
                pt.attrs.retain(|a| !a.path().is_ident("default"));
            }
        }
        return quote!(#func #error);
    }
    quote!(#item #error)
}
