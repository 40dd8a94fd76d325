//! The command line a program gets with one line in `main`, as `pyflyte` gives Python
//! users:
//!
//! ```no_run
//! # use flytekit::prelude::*;
//! # #[task] fn hello(name: String) -> String { name }
//! # #[workflow] fn greet(name: String) -> String { hello(name) }
//! #[tokio::main]
//! async fn main() -> std::process::ExitCode {
//!     flytekit::cli::App::new().workflow(&greet {}).main().await
//! }
//! ```
//!
//! Subcommands:
//! - `run WORKFLOW [--input name=value]...`: runs a workflow (or a launch plan) locally,
//!   each value read by its input's Flyte type (see
//!   [`flytekit_core::types::literal_from_text`]), inputs left out taking the workflow's
//!   or the plan's defaults; prints a table of the nodes (status, attempts, duration,
//!   cached or not) and then the outputs. `--no-cache`, `--overwrite-cache` and
//!   `--cache-dir` set the cache;
//! - `list`: the tasks, workflows and launch plans, with their interfaces;
//! - `graph WORKFLOW [--format mermaid|dot]`: the call graph, nodes labelled with what
//!   they run and edges with the variables they bind;
//! - `serialize --out DIR [--json]`: the protobuf files `pyflyte package` writes,
//!   unpacked (with `--json`, a readable `.json` copy beside each);
//! - `package [-o flyte-package.tgz]`: the same files in a tarball for
//!   `flytectl register files`. Both take `--image`, and `--project`, `--domain` and
//!   `--version` (left empty by default, as pyflyte leaves them for flytectl to fill);
//! - `execute --inputs URI --output-prefix URI --raw-output-data-prefix URI
//!   [--checkpoint-path URI] [--prev-checkpoint URI] -- task-name NAME`: what a Flyte
//!   cluster runs in the task's container (see [`flytekit_core::entrypoint`]). It exits
//!   0 when it wrote `outputs.pb` or `error.pb`, as flytekit does (1 for an error when
//!   `FLYTE_FAIL_ON_ERROR=true`), and non-zero when it could write neither.
//!
//! [`App::main`] also sets up `tracing` output to stderr (filtered by `RUST_LOG`,
//! `info` by default) unless the program installed a subscriber already.

#[cfg(feature = "remote")]
mod debug;
mod execute;
mod fast;
mod image;
mod inspect;
#[cfg(feature = "remote")]
mod operate;
mod outputs;
mod package;
#[cfg(feature = "remote")]
mod remote;
mod run;
mod signals;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use flytekit_core::entrypoint::EntrypointError;
use flytekit_core::execution::RunError;
use flytekit_core::idl::IdlError;
use flytekit_core::launch_plan::LaunchPlan;
use flytekit_core::registry::Registry;
use flytekit_core::types::{Outputs, TextError};
use flytekit_core::workflow::Workflow;

use execute::ExecuteArgs;
use inspect::GraphFormat;
use package::SettingsArgs;
use run::RunArgs;
pub use signals::StopSignal;

/// A command-line run that did not succeed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The arguments were wrong (or help was asked for).
    #[error(transparent)]
    Args(#[from] clap::Error),
    /// An entity could not be written as Flyte IDL.
    #[error(transparent)]
    Idl(#[from] IdlError),
    /// A task's settings cannot be written for a cluster (a resource amount that is
    /// not a quantity, `cache` without a version, ...).
    #[error("task `{task}` has a setting Flyte cannot take")]
    InvalidTask {
        /// The task.
        task: String,
        /// What is wrong.
        #[source]
        source: flytekit_core::task::ConfigError,
    },
    /// An `--image` argument is wrong, or there is no default image.
    #[error("--image: {0}")]
    Image(String),
    /// The program cannot run in the cluster's pods (`--binary`, `--fast`, `image`):
    /// not a Linux executable for the platform, or its loader missing from the base.
    #[error(transparent)]
    Program(Box<crate::platform::ProgramError>),
    /// An image could not be built or pushed (`image`, `--image auto`).
    #[cfg(feature = "image")]
    #[error(transparent)]
    ImageBuild(Box<crate::image::ImageError>),
    /// A task names an image `--image` did not give.
    #[error("task `{task}`: {reason}")]
    TaskImage {
        /// The task.
        task: String,
        /// Which name, and the names there are.
        reason: String,
    },
    /// `execute` could write neither outputs nor an error document.
    #[error(transparent)]
    Entrypoint(Box<EntrypointError>),
    /// `execute` wrote an error document and `FLYTE_FAIL_ON_ERROR` asks for a
    /// failing exit code.
    #[error("task `{task}` failed ({code}); the error document is under `{output_prefix}`")]
    TaskFailed {
        /// The task.
        task: String,
        /// The error document's code.
        code: String,
        /// Where `error.pb` is.
        output_prefix: String,
    },
    /// No workflow, launch plan or task has this name.
    #[error("no workflow, launch plan or task is named `{name}`{suggestion} (there are: {known})")]
    UnknownWorkflow {
        /// The name asked for.
        name: String,
        /// ` (did you mean `x`?)` for a close name, or empty.
        suggestion: String,
        /// The names there are.
        known: String,
    },
    /// An `--input` is wrong: not `name=value`, an unknown or fixed name, given twice,
    /// or a value its type does not accept.
    #[error("input `{input}`: {reason}")]
    Input {
        /// The input's name (or the whole argument when it has no `=`).
        input: String,
        /// What is wrong.
        reason: String,
        /// The value's error, when the value was the problem.
        #[source]
        source: Option<Box<TextError>>,
    },
    /// Inputs without a value or a default.
    #[error("missing value(s) for {}: pass them as `--input name=value`", .0.join(", "))]
    MissingInputs(Vec<String>),
    /// The run failed; the node table was printed.
    #[error(transparent)]
    Run(Box<RunError>),
    /// `debug` cannot run the node asked for.
    #[cfg(feature = "remote")]
    #[error("debug: {0}")]
    Debug(String),
    /// The run was stopped by Ctrl-C or SIGTERM; running tasks were cancelled and the
    /// table of the nodes that had ended was printed. The process exits with
    /// [`StopSignal::exit_code`] (130 or 143).
    #[error("run stopped by {}: {running} running node(s) cancelled", .signal.name())]
    Interrupted {
        /// Nodes that were running.
        running: u64,
        /// Which signal.
        signal: StopSignal,
    },
    /// flyteadmin refused a call, or an execution failed (boxed: it is large).
    #[cfg(feature = "remote")]
    #[error(transparent)]
    Remote(Box<flytekit_core::remote::RemoteError>),
    /// A fast-registered build could not be fetched, or is not the one registered.
    #[error("fast-execute `{distribution}`: {reason}")]
    Fast {
        /// Where the build is.
        distribution: String,
        /// What is wrong.
        reason: String,
    },
    /// A remote execution succeeded without an output its workflow has.
    #[error("the execution returned no output `{0}`")]
    MissingOutput(String),
    /// The arguments after `--` of `execute` do not name a task.
    #[error("`execute` expects `-- task-name NAME` after its options, got `{}`", .0.join(" "))]
    NoTaskName(Vec<String>),
    /// A file could not be written.
    #[error("cannot write `{}`", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The exit code of a `run` whose workflow outputs were skipped (a sensor with
/// `soft_fail` whose wait ran out): no node failed, but there are no outputs.
pub const SKIPPED_EXIT_CODE: u8 = 3;

#[cfg(feature = "remote")]
impl From<flytekit_core::remote::RemoteError> for CliError {
    fn from(e: flytekit_core::remote::RemoteError) -> Self {
        CliError::Remote(Box::new(e))
    }
}

impl CliError {
    /// Whether a `run` ended without outputs because a node was skipped (no node
    /// failed).
    pub fn is_skip(&self) -> bool {
        matches!(self, CliError::Run(e) if matches!(**e, RunError::Skipped { .. }))
    }

    /// The process's exit code for this error: [`SKIPPED_EXIT_CODE`] for a skip, 130 or
    /// 143 for a stop by a signal, 2 for bad arguments, else 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            _ if self.is_skip() => SKIPPED_EXIT_CODE,
            CliError::Interrupted { signal, .. } => signal.exit_code(),
            CliError::Args(e) => e.exit_code().try_into().unwrap_or(2),
            _ => 1,
        }
    }
}

#[derive(Parser)]
#[command(
    about = "Run, list, draw, serialize and package this program's Flyte tasks, workflows and launch plans, and run one task as a Flyte container does"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a workflow (or a launch plan) locally.
    Run(Box<RunArgs>),
    /// List the tasks, workflows and launch plans.
    List,
    /// Print a workflow's call graph.
    Graph {
        /// The workflow (its full name, or the last part when that is unique).
        workflow: String,
        /// Mermaid (for Markdown) or Graphviz dot.
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
    },
    /// Write the protobuf files of every task, workflow and launch plan into a folder.
    Serialize {
        #[command(flatten)]
        settings: SettingsArgs,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Also write a readable `.json` copy of each file.
        #[arg(long)]
        json: bool,
    },
    /// Write the same files into a gzipped tarball for `flytectl register files`.
    Package {
        #[command(flatten)]
        settings: SettingsArgs,
        /// The tarball to write.
        #[arg(short = 'o', long, default_value = "flyte-package.tgz")]
        output: PathBuf,
        /// Ship this build instead of a new image, as `pyflyte package --fast`: the
        /// tarball also holds the binary (`fast<digest>.tar.gz`), which
        /// `flytectl register files --archive` uploads, filling in where each task's
        /// `fast-execute` fetches it.
        #[arg(long)]
        fast: bool,
        /// With `--fast`: the folder of the task's container the build goes into
        /// (pyflyte's `--in-container-source-path`); by default flytectl's
        /// `{{ .dest_dir }}`, which it fills with `.` or its `--destinationDirectory`.
        #[arg(long, requires = "fast")]
        destination_dir: Option<String>,
    },
    /// Build this program's image on a base image and push it to a registry, with no
    /// Docker daemon; prints the image's reference (tagged by content).
    Image(image::ImageArgs),
    /// Run one attempt of one task as Flyte runs it in a container: read inputs.pb,
    /// write outputs.pb or error.pb under the output prefix.
    Execute(ExecuteArgs),
    /// Fetch a fast-registered build of this program, check it, and run it with the
    /// arguments after `--` (the task container's bootstrap).
    FastExecute(fast::FastExecuteArgs),
    /// Register every task, workflow and launch plan with flyteadmin.
    #[cfg(feature = "remote")]
    Register(remote::RegisterArgs),
    /// An execution's phase, and its outputs or error once it ended.
    #[cfg(feature = "remote")]
    Fetch(remote::FetchArgs),
    #[cfg(feature = "remote")]
    #[command(flatten)]
    Operate(operate::OperateCommand),
}

/// A program's Flyte entities and the command line over them: `run`, `list`,
/// `graph`, `serialize`, `package`, `execute` (the task container's entrypoint), and,
/// with the `remote` feature, `register`, `run --remote` and `fetch`.
///
/// ```
/// use flytekit::prelude::*;
///
/// #[task]
/// fn double(x: i64) -> i64 {
///     x * 2
/// }
///
/// #[workflow]
/// fn twice(x: i64) -> i64 {
///     double(double(x))
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // In `main`: `flytekit::cli::App::new().workflow(&twice {}).main().await`, which
/// // reads the process's arguments; here the arguments are given.
/// let app = flytekit::cli::App::new().workflow(&twice {});
/// let (mut out, mut table) = (Vec::new(), Vec::new());
/// app.run_to(["app", "run", "twice", "--x", "3"], &mut out, &mut table)
///     .await
///     .unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "o0 = 12\n");
/// # }
/// ```
#[derive(Default)]
pub struct App {
    registry: Registry,
    /// The program's image, described in code.
    #[cfg(feature = "image")]
    image: Option<crate::image::ImageSpec>,
}

impl App {
    /// An app with nothing registered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a workflow, with its tasks, subworkflows and default launch plan.
    pub fn workflow<W: Workflow>(mut self, workflow: &'static W) -> Self {
        self.registry.workflow(workflow);
        self
    }

    /// Registers a launch plan and its workflow.
    pub fn launch_plan<O: Outputs, S>(mut self, plan: &LaunchPlan<O, S>) -> Self {
        self.registry.launch_plan(plan);
        self
    }

    /// Registers a task no registered workflow uses: `&my_task`, or `&SENSOR` for a
    /// struct task in a `LazyLock`.
    pub fn task<S: flytekit_core::task::TaskStatic>(mut self, task: &'static S) -> Self {
        self.registry.task(task);
        self
    }

    /// Describes the program's image, as flytekit's `ImageSpec` does: `image` and
    /// `--image auto` build this one (their flags add to it, `--repo` replaces its
    /// repository, `auto:BASE` its base).
    ///
    /// ```
    /// use flytekit::image::ImageSpec;
    ///
    /// let app = flytekit::cli::App::new().image(
    ///     ImageSpec::new("ghcr.io/acme/etl").apt("ffmpeg").env("RUST_LOG", "info"),
    /// );
    /// # let _ = app;
    /// ```
    #[cfg(feature = "image")]
    pub fn image(mut self, spec: crate::image::ImageSpec) -> Self {
        self.image = Some(spec);
        self
    }

    /// What is registered.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Runs the command line from the process's arguments, printing errors; the exit
    /// code is non-zero on failure: 1 for an error, [`SKIPPED_EXIT_CODE`] (3) when a
    /// `run` ended without outputs because a node was skipped (a sensor's `soft_fail`),
    /// 130 or 143 when stopped by a signal.
    ///
    /// A `run` stopped by Ctrl-C or SIGTERM exits the process at once with 130 or 143,
    /// as a shell reports those signals, without waiting for plain-fn task bodies that
    /// are still running. `execute` stopped by SIGTERM writes a recoverable
    /// `SYSTEM:Terminated` error document first.
    pub async fn main(self) -> ExitCode {
        crate::logging::install();
        match self.run(std::env::args_os()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(CliError::Args(e)) => {
                let _ = e.print();
                if e.use_stderr() {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) if e.is_skip() => {
                // An outcome the workflow allowed for (a sensor's soft_fail), not an error.
                eprintln!("{e}");
                ExitCode::from(e.exit_code())
            }
            Err(e) => {
                eprintln!("error: {}", flytekit_core::task::ErrorChain::new(&e));
                if let CliError::Interrupted { signal, .. } = e {
                    // Exit now: returning would make the runtime wait for plain-fn task
                    // bodies still running on its blocking threads.
                    std::process::exit(signal.exit_code().into());
                }
                ExitCode::from(e.exit_code())
            }
        }
    }

    /// Runs the command line on `args` (the first one is the program's name).
    pub async fn run<I, T>(self, args: I) -> Result<(), CliError>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        self.run_to(args, &mut std::io::stdout(), &mut std::io::stderr())
            .await
    }

    /// [`App::run`], writing what it prints to `out` (outputs, listings, graphs) and
    /// `err` (the node table of `run`) instead of stdout and stderr.
    pub async fn run_to<I, T>(
        self,
        args: I,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), CliError>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        if let Some(help) = run::inputs_help(&self, &args) {
            return write!(out, "{help}").map_err(console);
        }
        match Cli::try_parse_from(run::inputs_as_flags(args))?.command {
            #[cfg(feature = "remote")]
            Command::Run(mut args) => {
                if args.remote {
                    self.describe(&mut args.cluster.ship);
                    args.cluster.resolve_auto(err).await?;
                }
                self.run_workflow(*args, out, err).await
            }
            #[cfg(not(feature = "remote"))]
            Command::Run(args) => self.run_workflow(*args, out, err).await,
            Command::List => write!(out, "{}", self.listing()).map_err(console),
            Command::Graph { workflow, format } => self.graph(&workflow, format, out),
            Command::Serialize {
                mut settings,
                out: folder,
                json,
            } => {
                self.describe(&mut settings.ship);
                settings.resolve_auto(err).await?;
                let said = self.serialize(settings, &folder, json)?;
                writeln!(out, "{said}").map_err(console)
            }
            Command::Package {
                mut settings,
                output,
                fast,
                destination_dir,
            } => {
                self.describe(&mut settings.ship);
                settings.resolve_auto(err).await?;
                let said = self.package(settings, &output, fast.then_some(destination_dir))?;
                writeln!(out, "{said}").map_err(console)
            }
            Command::Image(mut args) => {
                self.describe(&mut args.ship);
                image::image(args, out, err).await
            }
            Command::Execute(args) => self.execute(args).await,
            Command::FastExecute(args) => self.fast_execute(args).await,
            #[cfg(feature = "remote")]
            Command::Register(mut args) => {
                self.describe(&mut args.cluster.ship);
                args.cluster.resolve_auto(err).await?;
                self.register(args, out).await
            }
            #[cfg(feature = "remote")]
            Command::Fetch(args) => self.fetch(args, out).await,
            #[cfg(feature = "remote")]
            Command::Operate(command) => self.operate(command, out, err).await,
        }
    }
}

impl App {
    /// Hands the image described in code to the arguments that build images.
    fn describe(&self, ship: &mut image::ShipArgs) {
        #[cfg(feature = "image")]
        {
            ship.described = self.image.clone();
        }
        #[cfg(not(feature = "image"))]
        let _ = ship;
    }
}

/// An error writing to the console.
fn console(source: std::io::Error) -> CliError {
    CliError::Io {
        path: PathBuf::from("<stdout>"),
        source,
    }
}
