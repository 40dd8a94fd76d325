//! `#[workflow(...)]` arguments: syntax only.

use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Path, Token};

use crate::task::{OutputNames, peek_outputs, set, value};

mod kw {
    syn::custom_keyword!(name);
}

#[derive(Default)]
pub(crate) struct WorkflowArgs {
    pub(crate) name: Option<LitStr>,
    pub(crate) outputs: Option<OutputNames>,
    pub(crate) krate: Option<Path>,
}

impl Parse for WorkflowArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = WorkflowArgs::default();
        while !input.is_empty() {
            let look = input.lookahead1();
            if look.peek(kw::name) {
                let key: kw::name = input.parse()?;
                set(&mut args.name, key, value(input)?)?;
            } else if peek_outputs(&look) {
                let names: OutputNames = input.parse()?;
                let key = names.key;
                set(&mut args.outputs, key, names)?;
            } else if look.peek(Token![crate]) {
                let key: Token![crate] = input.parse()?;
                set(&mut args.krate, key, value(input)?)?;
            } else {
                return Err(look.error());
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}
