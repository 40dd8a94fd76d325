//! `#[workflow(...)]` arguments: syntax only. A workflow takes the keys it shares
//! with `#[task]` (`name`, `outputs(..)` and `crate`) and `interruptible`.

use syn::parse::{Parse, ParseStream};
use syn::{LitBool, Token};

use crate::task::CommonArgs;

mod kw {
    syn::custom_keyword!(interruptible);
}

/// The arguments as written.
#[derive(Default)]
pub(crate) struct WorkflowArgs {
    pub(crate) common: CommonArgs,
    /// `interruptible` alone means `interruptible = true`.
    pub(crate) interruptible: Option<LitBool>,
}

impl Parse for WorkflowArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = WorkflowArgs::default();
        crate::task::parse_args(input, |look, input| {
            if args.common.parse_key(look, input)? {
                return Ok(true);
            }
            if !look.peek(kw::interruptible) {
                return Ok(false);
            }
            let key: kw::interruptible = input.parse()?;
            let v = if input.peek(Token![=]) {
                crate::task::value(input)?
            } else {
                LitBool::new(true, key.span)
            };
            crate::task::set(&mut args.interruptible, key, v)?;
            Ok(true)
        })?;
        Ok(args)
    }
}
