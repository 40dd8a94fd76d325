//! A typed Flyte SDK for Rust.
//!
//! Write tasks as ordinary functions with [`#[task]`](macro@task), compose them in
//! [`#[workflow]`](macro@workflow) functions, and run workflows locally, with
//! independent nodes running in parallel on tokio:
//!
//! ```
//! use flyte::prelude::*;
//!
//! /// Doubles a number.
//! #[task]
//! fn double(x: i64) -> i64 {
//!     x * 2
//! }
//!
//! /// Adds two numbers.
//! #[task(retries = 2, timeout = "1m")]
//! async fn add(a: i64, b: i64) -> i64 {
//!     a + b
//! }
//!
//! #[workflow]
//! fn sum_of_doubles(a: i64, b: i64) -> i64 {
//!     add(double(a), double(b))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), flyte::execution::RunError> {
//! assert_eq!(double(4), 8); // a task is still a plain function
//! assert_eq!(sum_of_doubles.run(1, 2).await?, 6);
//! assert_eq!(sum_of_doubles.spec().nodes.len(), 3);
//! # Ok(())
//! # }
//! ```
//!
//! Plugin authors implement [`task::Task`] for a struct; see [`plugins`] for the
//! object-store sensor built that way.
//!
//! # Naming rule
//! `#[task]` and `#[workflow]` turn the function's name into a `static` (the task or
//! workflow value). A `static`'s name cannot be shadowed, so a local variable or
//! parameter with the same name as a task in scope is a compile error (E0530); pick
//! another name for the variable.

#![warn(missing_docs)]

pub use flyte_core::{
    cache, data, entrypoint, execution, idl, interface, launch_plan, registry, task, types,
    workflow,
};

#[cfg(feature = "remote")]
pub use flyte_core::remote;

pub mod cli;
pub mod progress;

/// The `tracing` crate the SDK logs through, for tasks' own events and spans
/// (`flyte::tracing::info!(..)`) without a dependency of their own.
pub use tracing;

/// Logs the SDK's and the tasks' `tracing` events to stderr, filtered by `RUST_LOG`
/// (`info` when unset; `RUST_LOG=debug` adds each node's start and end with its full
/// path, `trace` its inputs and outputs). Colours only when stderr is a terminal and
/// `NO_COLOR` is unset; JSON lines when `FLYTE_SDK_LOGGING_FORMAT=json` or on a
/// cluster. Does nothing if a subscriber is already installed. The command line
/// ([`cli::App::main`]) calls it itself.
pub fn init_logging() {
    cli::install_logging();
}

/// Turns a function into a task.
///
/// The function stays callable as written (`print_file("x".into())`), and the same
/// name becomes the task value: its name (`module.function`), typed interface (inputs
/// named after the parameters, outputs `o0`, `o1`, ...), metadata and task type.
///
/// - Parameters and outputs are Flyte types (`i64`, `f64`, `String`, `bool`,
///   `Duration`, `SystemTime`); a tuple return gives several outputs.
/// - Returning `Result<T, E>` (any `E` convertible to a boxed error, `anyhow::Error`
///   included) makes `T` the output and `Err` a failed attempt, retried as set.
/// - `async fn` tasks run on the executor; plain `fn` tasks run on tokio's blocking
///   pool, so they may block.
/// - Doc comments become the task's description.
///
/// Arguments: `name = "..."`, `retries = 3`, `timeout = "20m"` (humantime, checked at
/// compile time), `cache` / `cache = true` with `cache_version = "1"`,
/// `cache_serialize = true`, `interruptible`, `deprecated = "why"`,
/// `config = <expr>` (a [`task::TaskConfig`]: routes the task to that config's plugin
/// and task type), `outputs(name, ...)` to name the outputs instead of `o0`, `o1`, ...,
/// and `crate = path` to rename the `flyte` dependency.
///
/// ```
/// use flyte::prelude::*;
///
/// #[task(retries = 3, timeout = "30s", cache = true, cache_version = "1")]
/// fn parse(text: String) -> Result<i64, std::num::ParseIntError> {
///     text.trim().parse()
/// }
///
/// assert_eq!(parse(" 42 ".into()), Ok(42));
/// assert_eq!(parse.metadata().get_retries(), 3);
/// assert_eq!(parse.interface().inputs[0].name, "text");
/// ```
pub use flyte_macros::task;

/// Turns a function into a workflow.
///
/// The body runs once, on promises, to build the graph: every call of a task, struct
/// task or workflow becomes a node (`n0`, `n1`, ... in call order), each argument a
/// binding (workflow input, another node's output, or a constant), and the returned
/// value the workflow's output. Wiring is type-checked: a `String` output into an
/// `i64` input does not compile. Ordinary Rust that computes constants may stand in
/// the body; `.await`, `?`, `while` and `loop` may not.
///
/// The name becomes a workflow value with `run(inputs..).await` (local run),
/// `run_with(&options, (inputs..,))`, `spec()` (the graph, built once) and `build()`
/// (built anew). Workflows nest. Arguments: `name = "..."`, `outputs(name, ...)`,
/// `crate = path`.
///
/// ```
/// use flyte::prelude::*;
///
/// #[task]
/// fn split(s: String) -> (String, i64) {
///     let n = s.len() as i64;
///     (s, n)
/// }
///
/// #[task]
/// fn shout(s: String, times: i64) -> String {
///     s.to_uppercase().repeat(times as usize)
/// }
///
/// #[workflow]
/// fn inner(s: String) -> String {
///     let (text, n) = split(s);
///     shout(text, n)
/// }
///
/// #[workflow]
/// fn outer(s: String) -> String {
///     shout(inner(s), 1)
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), RunError> {
/// assert_eq!(outer.run("ab".into()).await?, "ABAB");
/// # Ok(())
/// # }
/// ```
pub use flyte_macros::workflow;

/// Makes a helper of graph code: a function a [`#[workflow]`](macro@workflow) or
/// [`#[dynamic]`](macro@dynamic) body calls to add nodes to its own graph, so that
/// repeated graph-building code can move out of the body.
///
/// The helper's body is written as a workflow body is (task calls become nodes, `when`
/// builds branches); its parameters and result are whatever it needs: promises
/// (`Promise<i64>`), plain values (`n: usize` for a loop), tuples or vectors of them.
/// The nodes it adds belong to the caller's graph, with ids in call order as if the
/// body were written in place; unlike a subworkflow it is not a node of its own. A
/// helper can call other helpers. It is not callable outside a graph body.
///
/// ```
/// use flyte::prelude::*;
///
/// #[task]
/// fn double(x: i64) -> i64 {
///     x * 2
/// }
///
/// /// `double` twice: two nodes in the caller's graph.
/// #[graph]
/// fn double_twice(x: Promise<i64>) -> Promise<i64> {
///     double(double(x))
/// }
///
/// /// `double` `times` times.
/// #[graph]
/// fn double_n(x: Promise<i64>, times: usize) -> Promise<i64> {
///     let mut acc = x;
///     for _ in 0..times {
///         acc = double(acc);
///     }
///     acc
/// }
///
/// #[workflow]
/// fn sixteen_times(x: i64) -> i64 {
///     double_n(double_twice(x), 2)
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert_eq!(sixteen_times.run(1).await.unwrap(), 16);
/// assert_eq!(sixteen_times.spec().nodes.len(), 4);
/// # }
/// ```
pub use flyte_macros::graph;

/// Turns a function into a dynamic task: its body builds a graph like a workflow's,
/// but runs when the task runs, on the task's input values, so the graph's shape can
/// depend on them (flytekit's `@dynamic`).
///
/// It takes the same arguments as [`#[task]`](macro@task). The body calls tasks,
/// workflows and map tasks and ends with the outputs as promises; the graph runs as
/// part of the task's node (failures name the path through it). A dynamic task cannot
/// be called as a plain function.
///
/// ```
/// use flyte::prelude::*;
///
/// #[task]
/// async fn square(x: i64) -> i64 {
///     x * x
/// }
///
/// #[dynamic]
/// fn squares_up_to(n: i64) -> Vec<i64> {
///     let mut out = Vec::new();
///     for i in 0..n {
///         out.push(square(i));
///     }
///     out
/// }
///
/// #[workflow]
/// fn fan(n: i64) -> Vec<i64> {
///     squares_up_to(n)
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert_eq!(fan.run(4).await.unwrap(), [0, 1, 4, 9]);
/// # }
/// ```
pub use flyte_macros::dynamic;

/// Declares a task registered on Flyte by another project, often a Python one
/// (flytekit's `@reference_task`): its identifier and its typed signature, with no
/// body. Workflows call it like any task; Flyte runs the registered task (the node
/// carries its `reference_id`; nothing of it is registered by this program). A local
/// run needs a mock for it and says so.
///
/// ```
/// use flyte::prelude::*;
///
/// #[reference_task(project = "shared", domain = "production", name = "acme.tasks.score", version = "v7")]
/// fn score(x: i64) -> f64;
///
/// #[workflow]
/// fn scored(x: i64) -> f64 {
///     score(x)
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let options = RunOptions::default().mock(&score, |(x,): (i64,)| x as f64 / 2.0);
/// assert_eq!(scored.run_with(&options, (3,)).await.unwrap(), 1.5);
/// // Without the mock, the run fails naming the reference.
/// let e = scored.run(3).await.unwrap_err();
/// assert!(e.to_string().contains("acme.tasks.score"), "{e}");
/// # }
/// ```
pub use flyte_macros::reference_task;

/// Declares a launch plan registered on Flyte by another project (flytekit's
/// `@reference_launch_plan`): its identifier and typed signature, with no body.
/// Calling it in a workflow starts a child execution of it on the cluster (a
/// workflow node with its `launchplan_ref`); a local run needs a mock for it, as for
/// a [`reference_task`](macro@reference_task).
///
/// ```
/// use flyte::prelude::*;
///
/// #[reference_launch_plan(project = "shared", domain = "production", name = "acme.lp.nightly", version = "v3")]
/// fn nightly(day: String) -> i64;
///
/// #[workflow]
/// fn weekly() -> i64 {
///     nightly("mon".to_string())
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let options = RunOptions::default().mock(&nightly, |(day,): (String,)| day.len() as i64);
/// assert_eq!(weekly.run_with(&options, ()).await.unwrap(), 3);
/// # }
/// ```
pub use flyte_macros::reference_launch_plan;

/// Makes a struct or an enum a Flyte type, usable as a task input or output.
///
/// - A struct with named fields, which also derives serde's `Serialize` and
///   `Deserialize`, becomes a Flyte struct type: its fields' types and a JSON schema of
///   them go in the spec, and values travel as msgpack (as flytekit stores dataclasses),
///   so integers stay integers and floats keep their bits. Every field must be a Flyte
///   type; `Option` fields (and `#[serde(default)]` ones) are not required.
/// - An enum whose variants have no fields becomes a Flyte enum of the variant names.
///
/// Generic types, tuple structs, enum variants with fields, and serde attributes that
/// change the serialized shape (`rename`, `flatten`, `skip`, ...) are compile errors.
/// `#[flyte(crate = path)]` renames the `flyte` dependency.
///
/// ```
/// use flyte::prelude::*;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FlyteType)]
/// struct Point {
///     x: i64,
///     y: f64,
///     label: Option<String>,
/// }
///
/// #[derive(Clone, Debug, PartialEq, FlyteType)]
/// enum Color {
///     Red,
///     Green,
/// }
///
/// let p = Point { x: 1, y: 2.5, label: None };
/// assert_eq!(Point::from_literal(&p.to_literal()).unwrap(), p);
/// assert_eq!(Color::literal_type().to_string(), "enum{Red, Green}");
/// ```
pub use flyte_macros::FlyteType;

/// Derives `Columns` for a struct whose fields name a dataframe's columns and give
/// their types: `StructuredDataset<Cols>` is flytekit's
/// `Annotated[StructuredDataset, kwtypes(..)]`.
#[cfg(feature = "dataframe")]
pub use flyte_macros::Columns;

/// Task plugins.
pub mod plugins {
    pub use flyte_plugins::*;
}

/// What task and workflow code needs: the macros, the task traits, metadata and
/// errors.
pub mod prelude {
    // The macros only: `crate::task` and `crate::workflow` would bring the modules of
    // the same names along.
    pub use flyte_core::prelude::*;
    #[cfg(feature = "dataframe")]
    pub use flyte_macros::Columns;
    pub use flyte_macros::{
        FlyteType, dynamic, graph, reference_launch_plan, reference_task, task, workflow,
    };
}

pub use flyte_core::file_format;

#[doc(hidden)]
pub use flyte_core::__private_0_1;

// The README's examples compile and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
