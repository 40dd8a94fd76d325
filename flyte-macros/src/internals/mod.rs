//! What the attribute macros share, below all of them (as serde_derive's
//! `internals`): diagnostics, the reading of a function's signature, the arguments
//! loop and the keys every attribute takes, Kubernetes name checks, and the pieces of
//! generated code that tasks and workflows both emit.

pub(crate) mod args;
pub(crate) mod diag;
pub(crate) mod k8s_names;
pub(crate) mod shared;
pub(crate) mod signature;
