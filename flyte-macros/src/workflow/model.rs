//! The checked model of a `#[workflow]` function, with its body rewritten.

use syn::{Block, Ident, ItemFn, LitStr, Path};

use super::parse::WorkflowArgs;
use crate::internals::diag::Ctxt;
use crate::internals::signature::{self, Signature};

pub(crate) struct WorkflowModel<'a> {
    pub(crate) item: &'a ItemFn,
    pub(crate) ident: &'a Ident,
    pub(crate) name: Option<LitStr>,
    pub(crate) sig: Signature<'a>,
    pub(crate) body: Block,
    pub(crate) docs: Option<String>,
    /// Each input's `#[default(..)]` value, in parameter order.
    pub(crate) defaults: Vec<Option<syn::Expr>>,
    /// Declared output names, or `None` for `o0`, `o1`, ...
    pub(crate) output_names: Option<Vec<String>>,
    /// `interruptible`: the nodes' default.
    pub(crate) interruptible: bool,
    /// `on_failure = task`.
    pub(crate) on_failure: Option<syn::Expr>,
    /// `failure_policy = ..`: the `FailurePolicy` variant.
    pub(crate) failure_policy: Option<Ident>,
    /// `labels(..)` and `annotations(..)` of the default launch plan, checked.
    pub(crate) labels: Vec<(String, LitStr)>,
    pub(crate) annotations: Vec<(String, LitStr)>,
    pub(crate) krate: Path,
}

impl<'a> WorkflowModel<'a> {
    pub(crate) fn build(cx: &Ctxt, item: &'a ItemFn, args: WorkflowArgs) -> Self {
        let sig = signature::read(cx, &item.sig, "workflow");
        let output_names = signature::output_names(cx, &sig, args.common.outputs.as_ref());
        if let Some(a) = &item.sig.asyncness {
            cx.error_spanned_by(
                a,
                "a workflow is not async: its body runs once to build the graph, and `.run(..).await` runs it; remove `async`",
            );
        }
        if let signature::Returns::Result(_) = sig.returns
            && let syn::ReturnType::Type(_, ty) = &item.sig.output
        {
            cx.error_spanned_by(
                ty,
                "a workflow returns its outputs, not a `Result`: failures are reported by `run`",
            );
        }
        let defaults = item
            .sig
            .inputs
            .iter()
            .filter_map(|arg| match arg {
                syn::FnArg::Typed(pt) => Some(pt),
                syn::FnArg::Receiver(_) => None,
            })
            .map(|pt| {
                let attr = pt.attrs.iter().find(|a| a.path().is_ident("default"))?;
                match attr.parse_args::<syn::Expr>() {
                    Ok(expr) => Some(expr),
                    Err(_) => {
                        cx.error_spanned_by(attr, "write a default as `#[default(value)]`");
                        None
                    }
                }
            })
            .collect();
        let failure_policy = args.failure_policy.as_ref().and_then(|p| {
            let variant = match p.to_string().as_str() {
                "fail_immediately" => "FailImmediately",
                "fail_after_executable_nodes_complete" => "FailAfterExecutableNodesComplete",
                other => {
                    cx.error_spanned_by(
                        p,
                        format!(
                            "unknown failure policy `{other}`: expected `fail_immediately` or `fail_after_executable_nodes_complete`"
                        ),
                    );
                    return None;
                }
            };
            Some(Ident::new(variant, p.span()))
        });
        let krate = args
            .common
            .krate
            .unwrap_or_else(|| syn::parse_quote!(::flytekit));
        let mut body = (*item.block).clone();
        super::rewrite_body(cx, &krate, &mut body);
        WorkflowModel {
            item,
            ident: &item.sig.ident,
            name: args.common.name,
            interruptible: args.interruptible.is_some_and(|b| b.value),
            on_failure: args.on_failure,
            labels: crate::internals::k8s_names::metadata_pairs(cx, args.labels.as_ref(), true),
            annotations: crate::internals::k8s_names::metadata_pairs(
                cx,
                args.annotations.as_ref(),
                false,
            ),
            failure_policy,
            sig,
            body,
            docs: signature::docs(&item.attrs),
            output_names,
            defaults,
            krate,
        }
    }
}
