//! `#[workflow(...)]` arguments: syntax only. A workflow takes the keys it shares
//! with `#[task]`: `name`, `outputs(..)` and `crate`.

pub(crate) use crate::task::CommonArgs as WorkflowArgs;
