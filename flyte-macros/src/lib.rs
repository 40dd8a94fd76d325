//! The `#[task]` and `#[workflow]` attribute macros. Use them through the `flytekit`
//! crate, which documents them; the generated code calls `flytekit::__private_0_1`.

mod derive;
mod graph;
mod internals;
mod task;
mod workflow;

use proc_macro::TokenStream;

/// Turns a function into a Flyte task. See the `flytekit` crate's documentation.
#[proc_macro_attribute]
pub fn task(args: TokenStream, item: TokenStream) -> TokenStream {
    task::task(args.into(), item.into()).into()
}

/// Settings shared by a group of tasks. See the `flytekit` crate's documentation.
#[proc_macro_attribute]
pub fn task_settings(args: TokenStream, item: TokenStream) -> TokenStream {
    task::task_settings(args.into(), item.into()).into()
}

/// Turns a function into a dynamic task. See the `flytekit` crate's documentation.
#[proc_macro_attribute]
pub fn dynamic(args: TokenStream, item: TokenStream) -> TokenStream {
    task::dynamic(args.into(), item.into()).into()
}

/// Declares a task registered elsewhere. See the `flytekit` crate's documentation.
#[proc_macro_attribute]
pub fn reference_task(args: TokenStream, item: TokenStream) -> TokenStream {
    task::reference(task::ReferenceKind::Task, args.into(), item.into()).into()
}

/// Declares a task that runs an image's command. See the `flytekit` crate's
/// documentation.
#[proc_macro_attribute]
pub fn container_task(args: TokenStream, item: TokenStream) -> TokenStream {
    task::container_task(args.into(), item.into()).into()
}

/// Declares a launch plan registered elsewhere. See the `flytekit` crate's documentation.
#[proc_macro_attribute]
pub fn reference_launch_plan(args: TokenStream, item: TokenStream) -> TokenStream {
    task::reference(task::ReferenceKind::LaunchPlan, args.into(), item.into()).into()
}

/// Makes a helper of graph code, callable in workflow and dynamic bodies. See the
/// `flytekit` crate's documentation.
#[proc_macro_attribute]
pub fn graph(args: TokenStream, item: TokenStream) -> TokenStream {
    graph::graph(args.into(), item.into()).into()
}

/// Turns a function into a Flyte workflow. See the `flytekit` crate's documentation.
#[proc_macro_attribute]
pub fn workflow(args: TokenStream, item: TokenStream) -> TokenStream {
    workflow::workflow(args.into(), item.into()).into()
}

/// Derives `Columns` for a struct whose fields are a dataframe's columns. See the
/// `flytekit` crate's documentation.
#[proc_macro_derive(Columns, attributes(flyte))]
pub fn derive_columns(input: TokenStream) -> TokenStream {
    derive::columns::derive(input.into()).into()
}

/// Derives `FlyteType` for a struct with named fields (with serde's `Serialize` and
/// `Deserialize`) or an enum of unit variants. See the `flytekit` crate's documentation.
#[proc_macro_derive(FlyteType, attributes(flyte))]
pub fn derive_flyte_type(input: TokenStream) -> TokenStream {
    derive::derive(input.into()).into()
}
