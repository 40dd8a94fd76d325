//! `#[workflow(...)]` arguments: syntax only. A workflow takes the keys it shares
//! with `#[task]` (`name`, `outputs(..)` and `crate`), `interruptible`, `on_failure`,
//! `failure_policy`, and `labels(..)` and `annotations(..)` for its default launch plan.

use syn::parse::{Parse, ParseStream};
use syn::{LitBool, Token};

use crate::internals::args::CommonArgs;

mod kw {
    syn::custom_keyword!(interruptible);
    syn::custom_keyword!(on_failure);
    syn::custom_keyword!(failure_policy);
    syn::custom_keyword!(labels);
    syn::custom_keyword!(annotations);
}

/// The arguments as written.
#[derive(Default)]
pub(crate) struct WorkflowArgs {
    pub(crate) common: CommonArgs,
    /// `interruptible` alone means `interruptible = true`.
    pub(crate) interruptible: Option<LitBool>,
    /// `on_failure = task`: the task run when the workflow fails.
    pub(crate) on_failure: Option<syn::Expr>,
    /// `failure_policy = fail_immediately | fail_after_executable_nodes_complete`.
    pub(crate) failure_policy: Option<syn::Ident>,
    /// `labels(..)`: on the default launch plan's executions.
    pub(crate) labels: Option<crate::internals::args::EnvArgs>,
    /// `annotations(..)`: on the default launch plan's executions.
    pub(crate) annotations: Option<crate::internals::args::EnvArgs>,
}

impl Parse for WorkflowArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = WorkflowArgs::default();
        crate::internals::args::parse_args(input, |look, input| {
            if args.common.parse_key(look, input)? {
                return Ok(true);
            }
            if look.peek(kw::on_failure) {
                let key: kw::on_failure = input.parse()?;
                crate::internals::args::set(
                    &mut args.on_failure,
                    key,
                    crate::internals::args::value(input)?,
                )?;
                return Ok(true);
            }
            if look.peek(kw::labels) {
                let key: kw::labels = input.parse()?;
                let list = crate::internals::args::EnvArgs::parse_list(input)?;
                crate::internals::args::set(&mut args.labels, key, list)?;
                return Ok(true);
            }
            if look.peek(kw::annotations) {
                let key: kw::annotations = input.parse()?;
                let list = crate::internals::args::EnvArgs::parse_list(input)?;
                crate::internals::args::set(&mut args.annotations, key, list)?;
                return Ok(true);
            }
            if look.peek(kw::failure_policy) {
                let key: kw::failure_policy = input.parse()?;
                crate::internals::args::set(
                    &mut args.failure_policy,
                    key,
                    crate::internals::args::value(input)?,
                )?;
                return Ok(true);
            }
            if !look.peek(kw::interruptible) {
                return Ok(false);
            }
            let key: kw::interruptible = input.parse()?;
            let v = if input.peek(Token![=]) {
                crate::internals::args::value(input)?
            } else {
                LitBool::new(true, key.span)
            };
            crate::internals::args::set(&mut args.interruptible, key, v)?;
            Ok(true)
        })?;
        Ok(args)
    }
}
