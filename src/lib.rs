//! A typed Flyte SDK for Rust.
//!
//! Write tasks as ordinary functions with [`#[task]`](macro@task), compose them in
//! [`#[workflow]`](macro@workflow) functions, and run workflows locally, with
//! independent nodes running in parallel on tokio:
//!
//! ```
//! use flytekit::prelude::*;
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
//! # async fn main() -> Result<(), flytekit::execution::RunError> {
//! assert_eq!(double(4), 8); // a task is still a plain function
//! assert_eq!(sum_of_doubles::run(1, 2).await?, 6);
//! assert_eq!(sum_of_doubles::spec().nodes.len(), 3);
//! # Ok(())
//! # }
//! ```
//!
//! Plugin authors implement [`task::Task`] for a struct; see [`plugins`] for the
//! object-store sensor built that way.
//!
//! # Names
//! `#[task] fn double` leaves `double` a plain function and adds a type of the same
//! name for the task, so variables and parameters may share the name; `double {}` is
//! the task as a value (`App::new().task(&double {})`). A `#[workflow] fn
//! sum_of_doubles` is the type `sum_of_doubles`, run with `sum_of_doubles::run(..)`. In
//! a workflow body, a call of a snake_case name is a node; an ordinary function is
//! called as `(f)(x)`.

#![warn(missing_docs)]

pub use flytekit_core::{data, execution, interface, launch_plan, registry, task, types, workflow};

/// Flyte IDL: what this SDK writes for Flyte, and how. The settings entities are
/// serialized with, the functions that turn tasks, workflows and values into Flyte's
/// messages, and protobuf's JSON form of a message. The messages themselves
/// (`idl::core`, `idl::admin`, ...) are this crate's rendering of flyteidl's: usable,
/// but not part of the API this crate promises.
pub mod idl {
    pub use flytekit_core::idl::{
        FastSettings, IdlError, MAX_LITERAL_DEPTH, SerializationSettings, execute_args, literal,
        literal_from_idl, literal_hash, literal_map, literal_type, literal_type_from_idl,
        task_spec, task_template, workflow_closure, workflow_spec, workflow_template,
    };

    /// Protobuf's JSON form of a message, as flytekit's `MessageToJson` writes it.
    pub use flytekit_core::idl::json::to_json;

    #[doc(hidden)]
    pub use flytekit_core::idl::{
        admin, admin_service, core, dynamic_job, gates, inputs, interface,
    };
}

// Run by the command line and the runtime, not written by users: reachable, not
// promised.
#[doc(hidden)]
pub use flytekit_core::{cache, entrypoint};

#[cfg(feature = "remote")]
pub use flytekit_core::remote;

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "cli")]
mod digest;
#[cfg(feature = "image")]
pub mod image;
mod logging;
#[cfg(feature = "cli")]
pub mod platform;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod progress;

/// The `tracing` crate the SDK logs through, for tasks' own events and spans
/// (`flytekit::tracing::info!(..)`) without a dependency of their own.
pub use tracing;

/// Logs the SDK's and the tasks' `tracing` events to stderr, filtered by `RUST_LOG`
/// (`info` when unset; `RUST_LOG=debug` adds each node's start and end with its full
/// path, `trace` its inputs and outputs). Colours only when stderr is a terminal and
/// `NO_COLOR` is unset; JSON lines when `FLYTE_SDK_LOGGING_FORMAT=json` or on a
/// cluster. Does nothing if a subscriber is already installed. The command line
/// ([`cli::App::main`]) calls it itself.
pub fn init_logging() {
    logging::install();
}

/// Turns a function into a task.
///
/// The function stays callable as written (`print_file("x".into())`), and the same
/// name becomes a type, the task's (`print_file {}` is its value): its name
/// (`module.function`), typed interface (inputs named after the parameters, outputs
/// `o0`, `o1`, ...), metadata and task type. Types and values live apart in Rust, so a
/// variable or parameter may share the task's name.
///
/// - Parameters and outputs are Flyte types (`i64`, `f64`, `String`, `bool`,
///   `Duration`, `DateTime<Utc>`, collections, files, structs; see [`types`]); a tuple
///   return gives several outputs.
/// - Returning `Result<T, E>` (any `E` convertible to a boxed error, `anyhow::Error`
///   included) makes `T` the output and `Err` a failed attempt, retried as set.
/// - `async fn` tasks run on the executor; plain `fn` tasks run on tokio's blocking
///   pool, so they may block.
/// - Doc comments become the task's description.
/// - `#[deprecated]` on the function marks it and the task, `#[must_use]` its node
///   calls in workflow bodies, and `#[cfg(..)]` removes everything generated for it.
///
/// # Settings
///
/// `#[task(key = value, ...)]` takes these keys, each at most once (`secret(..)` as
/// often as needed). A wrong key or value is one compile error at it, and the task is
/// still made, with default settings, so its uses compile. [`#[dynamic]`](macro@dynamic)
/// takes the same keys and `run_in_pod`.
///
/// | Key | What it does | Example |
/// |---|---|---|
/// | `name` | The task's name, instead of `module_path.function` | `name = "etl.load"` |
/// | `outputs(..)` | Names the outputs, instead of `o0`, `o1`, ... | `outputs(total, count)` |
/// | `retries` | How often a failed attempt is tried again | `retries = 3` |
/// | `timeout` | Per-attempt timeout, humantime, checked while compiling (`"1H"` is an error saying what is accepted) | `timeout = "20m"` |
/// | `cache` | Keeps outputs in the cache (needs `cache_version`); alone means `true`; `auto` derives the version from the function's signature and body (comments and layout left out), with an optional salt | `cache`, `cache = true`, `cache = auto`, `cache = auto("2")` |
/// | `cache_version` | The cache version; bump it to drop cached results | `cache_version = "1"` |
/// | `cache_serialize` | Equal concurrent calls run once, the others wait for the result | `cache_serialize = true` |
/// | `cache_ignore_input_vars` | Inputs left out of the cache key (needs `cache`) | `cache_ignore_input_vars = ["log_level"]` |
/// | `interruptible` | May run on spot (preemptible) nodes; alone means `true` | `interruptible`, `interruptible = false` |
/// | `enable_deck` | On a cluster, writes the task's decks to `deck.html`; alone means `true` | `enable_deck` |
/// | `deprecated` | Marks the task deprecated in Flyte, with a message | `deprecated = "use load_v2"` |
/// | `requests(..)` | Container requests: `cpu`, `mem`, `gpu`, `ephemeral_storage` (Kubernetes quantities, checked while compiling) | `requests(cpu = "500m", mem = "2Gi")` |
/// | `limits(..)` | Container limits, the same names | `limits(mem = "4Gi", gpu = "1")` |
/// | `resources(..)` | Requests and limits at once: a `(request, limit)` pair, or one amount (the request); not with `requests`/`limits` | `resources(cpu = ("1", "2"), mem = "1Gi")` |
/// | `accelerator` | The GPU the pod is scheduled with: a device, whole or a MIG partition | `accelerator = "nvidia-tesla-a100"`, `accelerator("nvidia-tesla-a100", partition = "2g.10gb")`, `accelerator("nvidia-tesla-a100", unpartitioned)`, `accelerator(device = "nvidia-l4")` |
/// | `shared_memory` | Mounts `/dev/shm`, unbounded or up to a size | `shared_memory`, `shared_memory = "2Gi"` |
/// | `environment(..)` | Container environment variables (an identifier or a string as name); [`ExecutionContext::env`](execution::ExecutionContext::env) sees them locally | `environment(RUST_LOG = "info", "MY.VAR" = "x")` |
/// | `secret(..)` | A secret from Flyte's secret manager: `group`, `key`, `version`, `mount = env_var` / `file` / `any`, `env_var = "NAME"`; repeatable. Without a `key`, a whole GCP Secret Manager secret by its `version`, read with `ctx.group_secret(..)` | `secret(group = "db", key = "password", env_var = "DB_PASSWORD")` |
/// | `image` | The task's image: a name given to `package --image NAME=..`, or a reference (anything with `/` or `:`) | `image = "gpu"`, `image = "ghcr.io/x/y:1"` |
/// | `pod_template` | A [`PodTemplate`](task::PodTemplate) expression: the task's container becomes its primary container | `pod_template = gpu_pod()` |
/// | `pod_template_name` | A PodTemplate registered on the cluster, by name | `pod_template_name = "gpu-nodes"` |
/// | `labels(..)` | Pod labels (Kubernetes keys and values, checked) | `labels(team = "ml")` |
/// | `annotations(..)` | Pod annotations | `annotations("acme.io/owner" = "ml-platform")` |
/// | `config` | A [`TaskConfig`](task::TaskConfig) value: the task gets that plugin's task type, `custom` config and per-attempt hook | `config = Spark { executors: 4 }` |
/// | `settings` | Settings shared by a group of tasks (a [`#[task_settings]`](macro@task_settings) function) under the task's own | `settings = etl` |
/// | `crate` | The path of the `flytekit` crate, when it is renamed or re-exported | `crate = ::flytekit` |
/// | `run_in_pod` | `#[dynamic]` only: runs the graph inside the dynamic task's pod | `#[dynamic(run_in_pod)]` |
///
/// ```
/// use flytekit::prelude::*;
///
/// #[task(retries = 3, timeout = "30s", cache = true, cache_version = "1")]
/// fn parse(text: String) -> Result<i64, std::num::ParseIntError> {
///     text.trim().parse()
/// }
///
/// assert_eq!(parse(" 42 ".into()), Ok(42));
/// assert_eq!(parse {}.metadata().node.retries, Some(3));
/// assert_eq!(parse {}.interface().inputs[0].name, "text");
/// ```
///
/// Every key at work:
///
/// ```
/// use flytekit::prelude::*;
///
/// /// The pod the training task runs in: GPU nodes, tolerating their taint.
/// fn gpu_pod() -> PodTemplate {
///     PodTemplate::new(serde_json::json!({
///         "nodeSelector": {"acme.io/pool": "gpu"},
///         "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists"}],
///     }))
/// }
///
/// #[task(
///     requests(cpu = "4", mem = "16Gi", gpu = "1"),
///     limits(mem = "32Gi", gpu = "1"),
///     accelerator("nvidia-tesla-a100", partition = "2g.10gb"),
///     shared_memory = "2Gi",
///     environment(RUST_LOG = "info"),
///     secret(group = "wandb", key = "api-key", env_var = "WANDB_API_KEY"),
///     secret(group = "db", key = "password", version = "v2", mount = file),
///     image = "gpu",
///     pod_template = gpu_pod(),
///     labels(team = "ml"),
///     annotations("acme.io/owner" = "ml-platform"),
///     interruptible,
///     timeout = "2h",
///     retries = 2
/// )]
/// fn train(rows: i64) -> f64 {
///     rows as f64 / 1000.0
/// }
///
/// #[task(
///     name = "etl.load",
///     outputs(total, count),
///     cache,
///     cache_version = "2",
///     cache_serialize = true,
///     cache_ignore_input_vars = ["log_level"],
///     resources(cpu = ("1", "2"), mem = "1Gi"),
///     accelerator("nvidia-l4", unpartitioned),
///     shared_memory,
///     pod_template_name = "gpu-nodes",
///     image = "ghcr.io/acme/etl:1.0",
///     interruptible = false,
///     enable_deck,
///     deprecated = "use load_v2"
/// )]
/// async fn load(xs: Vec<i64>, log_level: String) -> (i64, i64) {
///     let _ = log_level;
///     (xs.iter().sum(), xs.len() as i64)
/// }
///
/// /// A plugin's config: tasks that name it get its task type.
/// struct Spark {
///     executors: u32,
/// }
///
/// impl TaskConfig for Spark {
///     fn task_type(&self) -> &str {
///         "spark"
///     }
///     fn custom(&self) -> Option<serde_json::Value> {
///         Some(serde_json::json!({ "executors": self.executors }))
///     }
/// }
///
/// #[task(config = Spark { executors: 4 }, crate = ::flytekit)]
/// fn aggregate(x: i64) -> i64 {
///     x * 2
/// }
///
/// let gpu = train {}.metadata().node.accelerator.as_ref().unwrap();
/// assert_eq!(gpu.device(), "nvidia-tesla-a100");
/// assert_eq!(gpu.partition_size(), Some("2g.10gb"));
/// assert_eq!(train {}.metadata().secrets.len(), 2);
/// assert_eq!(train {}.metadata().node.shared_memory.as_ref().unwrap().size_limit(), Some("2Gi"));
/// assert_eq!(load {}.name(), "etl.load");
/// assert_eq!(load {}.interface().outputs[1].name, "count");
/// assert!(load {}.metadata().node.accelerator.as_ref().unwrap().is_unpartitioned());
/// assert_eq!(load {}.metadata().node.cache_ignored_inputs.as_deref(), Some(&["log_level".to_string()][..]));
/// assert_eq!(aggregate {}.task_type(), "spark");
/// ```
pub use flytekit_macros::task;

/// Turns a function into a workflow.
///
/// The body runs once, on promises, to build the graph: every call of a task, struct
/// task or workflow becomes a node (`n0`, `n1`, ... in call order), each argument a
/// binding (workflow input, another node's output, or a constant), and the returned
/// value the workflow's output. Wiring is type-checked: a `String` output into an
/// `i64` input does not compile. Ordinary Rust that computes constants may stand in
/// the body; `.await`, `?`, `while` and `loop` may not.
///
/// The name becomes a type, the workflow's, with `name::run(inputs..).await` (local
/// run), `name::run_with(&options, (inputs..,))`, `name::spec()` (the graph, built
/// once) and `name::build()` (built anew); `name {}` is its value where an API takes
/// one (`App::workflow(&name {})`). Workflows nest. In the body, a call of a snake_case
/// name is a node; an ordinary function is called as `(f)(x)`, and an `if` on a
/// promise is an error that points to `when(..)`.
///
/// # Settings
///
/// `#[workflow(key = value, ...)]` takes these keys, each at most once:
///
/// | Key | What it does | Example |
/// |---|---|---|
/// | `name` | The workflow's name, instead of `module_path.function` | `name = "etl.nightly"` |
/// | `outputs(..)` | Names the outputs, instead of `o0`, `o1`, ... | `outputs(total, count)` |
/// | `interruptible` | The nodes' default: may run on spot (preemptible) nodes; alone means `true` | `interruptible`, `interruptible = false` |
/// | `failure_policy` | After a node fails, start nothing more (`fail_immediately`, the default), or still run every node that does not need the failed one | `failure_policy = fail_after_executable_nodes_complete` |
/// | `on_failure` | A task run when the workflow fails (Flyte's failure node `fn0`): each of its inputs is a workflow input of the same name and type, or `err: Option<`[`FlyteError`](types::FlyteError)`>` | `on_failure = cleanup` |
/// | `labels(..)` | Labels on the executions of the default launch plan | `labels(team = "ml")` |
/// | `annotations(..)` | Annotations on those executions | `annotations("acme.io/owner" = "ml-platform")` |
/// | `crate` | The path of the `flytekit` crate, when it is renamed or re-exported | `crate = ::flytekit` |
///
/// and on a parameter:
///
/// | Attribute | What it does | Example |
/// |---|---|---|
/// | `#[default(..)]` | The input's default (any expression of its type), for runs and launch plans that leave it out | `#[default(1000)] rows: i64` |
///
/// ```
/// use flytekit::prelude::*;
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
/// assert_eq!(outer::run("ab".into()).await?, "ABAB");
/// # Ok(())
/// # }
/// ```
///
/// Every key at work:
///
/// ```
/// use flytekit::prelude::*;
/// use flytekit::workflow::FailurePolicy;
///
/// #[task]
/// fn count(rows: i64) -> i64 {
///     rows
/// }
///
/// /// Runs when the workflow fails: gets its `rows` input and the first failure.
/// #[task]
/// fn cleanup(rows: i64, err: Option<FlyteError>) {
///     eprintln!("{rows} rows: {err:?}");
/// }
///
/// #[workflow(
///     name = "etl.nightly",
///     outputs(total),
///     interruptible,
///     failure_policy = fail_after_executable_nodes_complete,
///     on_failure = cleanup,
///     labels(team = "ml"),
///     annotations("acme.io/owner" = "ml-platform"),
///     crate = ::flytekit
/// )]
/// fn nightly(#[default(1000)] rows: i64) -> i64 {
///     count(rows)
/// }
///
/// let spec = nightly::spec();
/// assert_eq!(spec.name, "etl.nightly");
/// assert_eq!(spec.interface.outputs[0].name, "total");
/// assert!(spec.interruptible);
/// assert_eq!(spec.failure_policy, FailurePolicy::FailAfterExecutableNodesComplete);
/// assert!(spec.failure_node.is_some());
/// assert_eq!(spec.default_labels, [("team".to_string(), "ml".to_string())]);
/// ```
pub use flytekit_macros::workflow;

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
/// use flytekit::prelude::*;
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
/// assert_eq!(sixteen_times::run(1).await.unwrap(), 16);
/// assert_eq!(sixteen_times::spec().nodes.len(), 4);
/// # }
/// ```
pub use flytekit_macros::graph;

/// Turns a function into a dynamic task: its body builds a graph like a workflow's,
/// but runs when the task runs, on the task's input values, so the graph's shape can
/// depend on them (flytekit's `@dynamic`).
///
/// The body calls tasks, workflows and map tasks and ends with the outputs as
/// promises; the graph runs as part of the task's node (failures name the path
/// through it). A dynamic task cannot be called as a plain function, and its body is
/// not `async` and returns no `Result`.
///
/// On a Flyte cluster it is handed to Flyte as flytekit's are: the task's pod builds
/// the graph and writes it as a `DynamicJobSpec` (`futures.pb`), and Flyte runs each of
/// its nodes in its own pod.
///
/// # Settings
///
/// `#[dynamic(..)]` takes every key of [`#[task]`](macro@task#settings) (`name`,
/// `outputs(..)`, `retries`, `timeout`, `cache`, `cache_version`, `cache_serialize`,
/// `cache_ignore_input_vars`, `interruptible`, `enable_deck`, `deprecated`,
/// `requests(..)`, `limits(..)`, `resources(..)`, `accelerator`, `shared_memory`,
/// `environment(..)`, `secret(..)`, `image`, `pod_template`, `pod_template_name`,
/// `labels(..)`, `annotations(..)`, `config`, `crate`; see the table there), and one of
/// its own:
///
/// | Key | What it does | Example |
/// |---|---|---|
/// | `run_in_pod` | Runs the graph inside the dynamic task's own pod, as a local run does, instead of handing it to Flyte | `#[dynamic(run_in_pod)]` |
///
/// The task settings apply to the dynamic task's own pod (the one that builds the
/// graph); the nodes of the graph run with their own tasks' settings.
///
/// ```
/// use flytekit::prelude::*;
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
/// assert_eq!(fan::run(4).await.unwrap(), [0, 1, 4, 9]);
/// # }
/// ```
///
/// With settings:
///
/// ```
/// use flytekit::prelude::*;
/// use flytekit::task::DynamicMode;
///
/// #[task]
/// fn add_one(x: i64) -> i64 {
///     x + 1
/// }
///
/// #[dynamic(run_in_pod, retries = 2, timeout = "1h", requests(cpu = "1", mem = "1Gi"))]
/// fn chain(n: i64) -> i64 {
///     let mut acc = add_one(0);
///     for _ in 1..n {
///         acc = add_one(acc);
///     }
///     acc
/// }
///
/// #[workflow]
/// fn three() -> i64 {
///     chain(3)
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert_eq!(chain {}.metadata().dynamic, Some(DynamicMode::InPod));
/// assert_eq!(chain {}.metadata().node.retries, Some(2));
/// assert_eq!(three::run().await.unwrap(), 3);
/// # }
/// ```
pub use flytekit_macros::dynamic;

/// Settings shared by a group of tasks, as flytekit's `Environment` and Flyte 2's
/// `TaskEnvironment`: written once with `#[task]`'s keys (checked as strictly), put
/// under each task's own with `#[task(settings = NAME)]`. The function becomes one
/// returning the settings ([`TaskMetadata::under`](task::TaskMetadata::under) says
/// how they combine); a task's IDL is what it would be with the settings written on
/// it. `name`, `outputs`, `config`, `cache_ignore_input_vars`, `run_in_pod` and
/// `cache = auto` belong to one task and are refused here.
///
/// ```
/// use flytekit::prelude::*;
///
/// /// The ETL tasks' pods: their image, resources, retries and logging.
/// #[task_settings(
///     image = "etl",
///     requests(cpu = "1", mem = "2Gi"),
///     retries = 3,
///     environment(RUST_LOG = "info"),
///     cache_version = "2"
/// )]
/// fn etl() {}
///
/// #[task(settings = etl, retries = 5, cache)]
/// fn extract(day: String) -> String {
///     day
/// }
///
/// let m = extract {}.metadata();
/// assert_eq!(m.node.retries, Some(5)); // its own
/// assert_eq!(m.node.image.as_deref(), Some("etl")); // shared
/// assert_eq!(m.node.cache_version.as_deref(), Some("2"));
/// assert_eq!(etl().env, [("RUST_LOG".to_string(), "info".to_string())]);
/// ```
pub use flytekit_macros::task_settings;

/// Declares a task registered on Flyte by another project, often a Python one
/// (flytekit's `@reference_task`): its identifier and its typed signature, with no
/// body. Workflows call it like any task; Flyte runs the registered task (the node
/// carries its `reference_id`; nothing of it is registered by this program). A local
/// run needs a mock for it and says so.
///
/// ```
/// use flytekit::prelude::*;
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
/// let options = RunOptions::default().mock(&score {}, |(x,): (i64,)| x as f64 / 2.0);
/// assert_eq!(scored::run_with(&options, (3,)).await.unwrap(), 1.5);
/// // Without the mock, the run fails naming the reference.
/// let e = scored::run(3).await.unwrap_err();
/// assert!(e.to_string().contains("acme.tasks.score"), "{e}");
/// # }
/// ```
pub use flytekit_macros::reference_task;

/// Declares a task that runs an image's command instead of a Rust body, with typed
/// inputs and outputs (flytekit's `ContainerTask`): for the step that is a CLI tool
/// or a vendor's container. Workflows call it like any task.
///
/// On a cluster it is Flyte's `raw-container` task: Flyte fills `{{.inputs.NAME}}`
/// in `command` and `arguments`, its copilot writes each input as a file under
/// `input_data_dir` (default `/var/flyte/inputs`; every input also in `inputs.pb`,
/// and `inputs.json` or `.yaml` by `metadata_format`) and reads each output from the
/// file of its name under `output_data_dir` (default `/var/flyte/outputs`). A local run does the same with podman or docker when one
/// answers, else runs the command as a process here when it exists (the two
/// folders in its arguments swapped for temporary ones), and logs which;
/// `$FLYTE_CONTAINER_RUNTIME` (`podman`, `docker`, `process`) picks one. Every
/// `#[task]` setting applies (retries, timeout, cache, resources, environment,
/// secrets, pod template); `image` is required. `download` and `upload`
/// (`"eager"`, `"stream"`, `"on_exit"`, `"none"`) set Flyte's `IOStrategy`.
///
/// ```
/// use flytekit::prelude::*;
///
/// #[container_task(
///     image = "docker.io/library/busybox:1.36",
///     command = ["sh", "-c", "echo $(({{.inputs.a}} * {{.inputs.b}})) > /var/outputs/area"],
///     input_data_dir = "/var/inputs",
///     output_data_dir = "/var/outputs",
///     outputs(area),
/// )]
/// fn area(a: i64, b: i64) -> i64;
///
/// #[workflow]
/// fn rectangle(a: i64, b: i64) -> i64 {
///     area(a, b)
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// # // SAFETY: the doc test's only thread.
/// # unsafe { std::env::set_var("FLYTE_CONTAINER_RUNTIME", "process") };
/// assert_eq!(rectangle::run(3, 4).await.unwrap(), 12);
/// # }
/// ```
pub use flytekit_macros::container_task;

/// Declares a launch plan registered on Flyte by another project (flytekit's
/// `@reference_launch_plan`): its identifier and typed signature, with no body.
/// Calling it in a workflow starts a child execution of it on the cluster (a
/// workflow node with its `launchplan_ref`); a local run needs a mock for it, as for
/// a [`reference_task`](macro@reference_task).
///
/// ```
/// use flytekit::prelude::*;
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
/// let options = RunOptions::default().mock(&nightly {}, |(day,): (String,)| day.len() as i64);
/// assert_eq!(weekly::run_with(&options, ()).await.unwrap(), 3);
/// # }
/// ```
pub use flytekit_macros::reference_launch_plan;

/// Makes a struct or an enum a Flyte type, usable as a task input or output.
///
/// - A struct with named fields, which also derives serde's `Serialize` and
///   `Deserialize`, becomes a Flyte struct type: its fields' types and a JSON schema of
///   them go in the spec, and values travel as msgpack (as flytekit stores dataclasses),
///   so integers stay integers and floats keep their bits. Every field must be a Flyte
///   type; `Option` fields (and `#[serde(default)]` ones) are not required.
/// - An enum whose variants have no fields becomes a Flyte enum of the variant names.
/// - An enum whose variants each carry one value (`Celsius(f64)`, `Label(String)`)
///   becomes a Flyte union of the values' types, as flytekit's `Union[float, str]`:
///   each value travels with its variant's union tag. Two variants of one Flyte type
///   (flytekit could not tell them apart) fail the build.
///
/// Generic types, tuple structs, unit variants beside variants with values, variants
/// with named fields or several values, and serde attributes that change the
/// serialized shape (`rename`, `flatten`, `skip`, ...) are compile errors.
/// `#[flyte(crate = path)]` renames the `flytekit` dependency.
///
/// ```
/// use flytekit::prelude::*;
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
/// #[derive(Clone, Debug, PartialEq, FlyteType)]
/// enum Reading {
///     Celsius(f64),
///     Label(String),
/// }
///
/// let p = Point { x: 1, y: 2.5, label: None };
/// assert_eq!(Point::from_literal(&p.to_literal()).unwrap(), p);
/// assert_eq!(Color::literal_type().to_string(), "enum{Red, Green}");
/// let r = Reading::Label("fog".into());
/// assert_eq!(Reading::from_literal(&r.to_literal()).unwrap(), r);
/// assert_eq!(Reading::literal_type().to_string(), "union<float, string>");
/// ```
pub use flytekit_macros::FlyteType;

/// Derives `Columns` for a struct whose fields name a dataframe's columns and give
/// their types: `StructuredDataset<Cols>` is flytekit's
/// `Annotated[StructuredDataset, kwtypes(..)]`.
#[cfg(feature = "dataframe")]
pub use flytekit_macros::Columns;

/// Task plugins.
pub mod plugins {
    pub use flytekit_plugins::*;
}

/// What task and workflow code needs: the macros, the task traits, metadata and
/// errors, [`FlyteError`](crate::types::FlyteError) (an on-failure task's `err`),
/// [`Accelerator`](crate::task::Accelerator) and
/// [`SharedMemory`](crate::task::SharedMemory) (for
/// [`NodeOverrides`](crate::workflow::NodeOverrides)), and the file formats of
/// [`FlyteFile<F>`](crate::types::FlyteFile) ([`Csv`](crate::types::Csv), ...).
///
/// Gates are not in it: `use flytekit::workflow::gate;` then `gate::sleep("10m")`.
pub mod prelude {
    // The macros only: `crate::task` and `crate::workflow` would bring the modules of
    // the same names along.
    pub use flytekit_core::prelude::*;
    // The error an on-failure task receives, the task settings `NodeOverrides` takes
    // by value, and the file formats of `FlyteFile<F>`.
    pub use flytekit_core::task::{Accelerator, SharedMemory};
    pub use flytekit_core::types::{
        AnyFormat, Csv, FileFormat, FlyteError, Hdf5, Html, Jpeg, Json, Onnx, Parquet, Pdf, Png,
        Svg,
    };
    #[cfg(feature = "dataframe")]
    pub use flytekit_macros::Columns;
    pub use flytekit_macros::{
        FlyteType, container_task, dynamic, graph, reference_launch_plan, reference_task, task,
        task_settings, workflow,
    };
}

pub use flytekit_core::file_format;

#[doc(hidden)]
pub use flytekit_core::__private_0_1;

// The README's examples compile and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
