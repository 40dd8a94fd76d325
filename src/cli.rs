//! The command line a program gets with one line in `main`, as `pyflyte` gives Python
//! users:
//!
//! ```no_run
//! # use flyte::prelude::*;
//! # #[task] fn hello(name: String) -> String { name }
//! # #[workflow] fn greet(name: String) -> String { hello(name) }
//! #[tokio::main]
//! async fn main() -> std::process::ExitCode {
//!     flyte::cli::App::new().workflow(&greet).main().await
//! }
//! ```
//!
//! Subcommands:
//! - `run WORKFLOW [--input name=value]...`: runs a workflow (or a launch plan) locally,
//!   each value read by its input's Flyte type (see
//!   [`flyte_core::types::literal_from_text`]), inputs left out taking the workflow's
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
//!   cluster runs in the task's container (see [`flyte_core::entrypoint`]). It exits
//!   0 when it wrote `outputs.pb` or `error.pb`, as flytekit does (1 for an error when
//!   `FLYTE_FAIL_ON_ERROR=true`), and non-zero when it could write neither.
//!
//! [`App::main`] also sets up `tracing` output to stderr (filtered by `RUST_LOG`,
//! `info` by default) unless the program installed a subscriber already.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use flyte_core::data::FileAccess;
use flyte_core::entrypoint::{EntrypointError, ExecuteRequest, Outcome, Termination};

pub use crate::signals::StopSignal;
use flyte_core::execution::{ClusterIdentity, RunError, RunOptions, RunSummary};
use flyte_core::idl::{IdlError, SerializationSettings};
use flyte_core::launch_plan::LaunchPlan;
use flyte_core::registry::Registry;
use flyte_core::types::Outputs;
use flyte_core::types::{Literal, TextError, literal_from_text};
use flyte_core::workflow::{DynTask, Workflow};

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
    /// No workflow or launch plan has this name.
    #[error("no workflow or launch plan is named `{name}` (there are: {known})")]
    UnknownWorkflow {
        /// The name asked for.
        name: String,
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
    Run(RunArgs),
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
    },
    /// Run one attempt of one task as Flyte runs it in a container: read inputs.pb,
    /// write outputs.pb or error.pb under the output prefix.
    Execute(ExecuteArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Args)]
struct RunArgs {
    /// The workflow or launch plan (its full name, or the last part when that is
    /// unique).
    workflow: String,
    /// An input value, as `name=value` (repeat for each input).
    #[arg(short, long = "input", value_name = "NAME=VALUE")]
    inputs: Vec<std::ffi::OsString>,
    /// Run cached tasks without reading or writing the cache.
    #[arg(long, conflicts_with = "overwrite_cache")]
    no_cache: bool,
    /// Run cached tasks again and replace what is cached.
    #[arg(long)]
    overwrite_cache: bool,
    /// The cache folder (default: $FLYTE_CACHE_DIR, or flyte-rs in the user cache).
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// Where files returned by tasks are uploaded (a folder or an object-store URL).
    #[arg(long)]
    raw_output_prefix: Option<String>,
    /// The live progress line on stderr: when stdout and stderr are terminals, always,
    /// or never.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    progress: ProgressMode,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ProgressMode {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct ExecuteArgs {
    /// The inputs.pb to read (a local path or an object-store URL).
    #[arg(long)]
    inputs: String,
    /// Where outputs.pb or error.pb goes.
    #[arg(long)]
    output_prefix: String,
    /// Where files and directories the task returns are uploaded.
    #[arg(long)]
    raw_output_data_prefix: Option<String>,
    /// Where this attempt's checkpoint goes.
    #[arg(long)]
    checkpoint_path: Option<String>,
    /// The previous attempt's checkpoint.
    #[arg(long)]
    prev_checkpoint: Option<String>,
    /// Which task: `task-name NAME`.
    #[arg(last = true, required = true)]
    loader: Vec<String>,
}

impl ExecuteArgs {
    fn request(self) -> Result<ExecuteRequest, CliError> {
        let task_name = match self.loader.as_slice() {
            [key, name] if key == "task-name" => name.clone(),
            _ => return Err(CliError::NoTaskName(self.loader)),
        };
        Ok(ExecuteRequest {
            task_name,
            inputs: self.inputs,
            output_prefix: self.output_prefix,
            raw_output_prefix: self.raw_output_data_prefix,
            checkpoint_path: self.checkpoint_path,
            prev_checkpoint: self.prev_checkpoint,
        }
        .normalize())
    }
}

#[derive(Args)]
struct SettingsArgs {
    /// The container image holding this program.
    #[arg(long)]
    image: String,
    /// Flyte project (empty: filled in at registration).
    #[arg(long, default_value = "")]
    project: String,
    /// Flyte domain (empty: filled in at registration).
    #[arg(long, default_value = "")]
    domain: String,
    /// Version (empty: filled in at registration).
    #[arg(long, default_value = "")]
    version: String,
    /// This program's path inside the image.
    #[arg(long)]
    entrypoint: Option<String>,
}

impl SettingsArgs {
    fn settings(self) -> SerializationSettings {
        let entrypoint = self.entrypoint.unwrap_or_else(|| {
            let exe = std::env::current_exe()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "app".to_string());
            format!("/usr/local/bin/{exe}")
        });
        SerializationSettings {
            project: self.project,
            domain: self.domain,
            version: self.version,
            image: self.image,
            entrypoint,
        }
    }
}

/// A program's Flyte entities and the command line over them.
#[derive(Default)]
pub struct App {
    registry: Registry,
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
    pub fn launch_plan<O: Outputs>(mut self, plan: &LaunchPlan<O>) -> Self {
        self.registry.launch_plan(plan);
        self
    }

    /// Registers a task no registered workflow uses.
    pub fn task(mut self, task: &'static dyn DynTask) -> Self {
        self.registry.task(task);
        self
    }

    /// What is registered.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Runs the command line from the process's arguments, printing errors; the exit
    /// code is non-zero on failure.
    ///
    /// A `run` stopped by Ctrl-C or SIGTERM exits the process at once with 130 or 143,
    /// as a shell reports those signals, without waiting for plain-fn task bodies that
    /// are still running. `execute` stopped by SIGTERM writes a recoverable
    /// `SYSTEM:Terminated` error document first.
    pub async fn main(self) -> ExitCode {
        install_logging();
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
            Err(e) => {
                eprintln!("error: {}", flyte_core::task::ErrorChain::new(&e));
                if let CliError::Interrupted { signal, .. } = e {
                    // Exit now: returning would make the runtime wait for plain-fn task
                    // bodies still running on its blocking threads.
                    std::process::exit(signal.exit_code().into());
                }
                ExitCode::FAILURE
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
        let console = |source| CliError::Io {
            path: PathBuf::from("<stdout>"),
            source,
        };
        match Cli::try_parse_from(args)?.command {
            Command::Run(args) => self.run_workflow(args, out, err).await,
            Command::List => write!(out, "{}", self.listing()).map_err(console),
            Command::Graph { workflow, format } => {
                let wf = self.workflow_named(&workflow)?;
                let text = match format {
                    GraphFormat::Mermaid => flyte_core::workflow::render::mermaid(wf.spec()),
                    GraphFormat::Dot => flyte_core::workflow::render::dot(wf.spec()),
                };
                write!(out, "{text}").map_err(console)
            }
            Command::Serialize {
                settings,
                out,
                json,
            } => {
                let settings = settings.settings();
                let mut files = self.registry.package_files(&settings)?;
                if json {
                    let copies = self.registry.package_json(&settings)?;
                    files.extend(copies.into_iter().map(|(n, text)| (n, text.into_bytes())));
                }
                std::fs::create_dir_all(&out).map_err(|source| CliError::Io {
                    path: out.clone(),
                    source,
                })?;
                for (name, bytes) in files {
                    let path = out.join(name);
                    std::fs::write(&path, bytes).map_err(|source| CliError::Io { path, source })?;
                }
                Ok(())
            }
            Command::Package { settings, output } => {
                let files = self.registry.package_files(&settings.settings())?;
                write_tarball(&output, &files).map_err(|source| CliError::Io {
                    path: output.clone(),
                    source,
                })
            }
            Command::Execute(args) => {
                let request = args.request()?;
                let termination = std::sync::Arc::new(Termination::default());
                let watch = crate::signals::TerminateWatch::start(
                    termination.clone(),
                    request.clone(),
                    if fail_on_error() { 1 } else { 0 },
                )
                .map_err(|source| CliError::Io {
                    path: PathBuf::from("<signal handler>"),
                    source,
                })?;
                let outcome = flyte_core::entrypoint::execute_with(
                    &self.registry,
                    FileAccess::shared(),
                    ClusterIdentity::from_env(),
                    &request,
                    &termination,
                )
                .await
                .map_err(|e| CliError::Entrypoint(Box::new(e)))?;
                drop(watch);
                match outcome {
                    Outcome::Failed(error) if fail_on_error() => Err(CliError::TaskFailed {
                        task: request.task_name,
                        code: error.code,
                        output_prefix: request.output_prefix,
                    }),
                    _ => Ok(()),
                }
            }
        }
    }
}

impl App {
    fn workflow_named(
        &self,
        name: &str,
    ) -> Result<&'static dyn flyte_core::workflow::DynWorkflow, CliError> {
        self.registry
            .find_workflow(name)
            .ok_or_else(|| self.unknown(name))
    }

    fn unknown(&self, name: &str) -> CliError {
        let mut known: Vec<&str> = self
            .registry
            .workflows()
            .iter()
            .map(|w| w.spec().name.as_str())
            .chain(self.registry.launch_plans().iter().map(|p| p.name.as_str()))
            .collect();
        known.sort_unstable();
        known.dedup();
        CliError::UnknownWorkflow {
            name: name.to_string(),
            known: known.join(", "),
        }
    }

    /// `list`: one line per entity, with its interface.
    fn listing(&self) -> String {
        use std::fmt::Write as _;
        fn vars(vs: &[flyte_core::interface::Variable]) -> String {
            vs.iter()
                .map(|v| format!("{}: {}", v.name, v.ty))
                .collect::<Vec<_>>()
                .join(", ")
        }
        let mut out = String::from("tasks:\n");
        for t in self.registry.tasks() {
            let i = t.interface();
            let _ = writeln!(
                out,
                "  {} [{}] ({}) -> ({})",
                t.name(),
                t.task_type(),
                vars(&i.inputs),
                vars(&i.outputs)
            );
        }
        out.push_str("workflows:\n");
        for w in self.registry.workflows() {
            let spec = w.spec();
            let _ = writeln!(
                out,
                "  {} ({}) -> ({}), {} nodes",
                spec.name,
                vars(&spec.interface.inputs),
                vars(&spec.interface.outputs),
                spec.nodes.len()
            );
        }
        out.push_str("launch plans:\n");
        for p in self.registry.launch_plans() {
            let fixed: Vec<&str> = p.fixed.keys().map(String::as_str).collect();
            let _ = writeln!(
                out,
                "  {} -> {}{}",
                p.name,
                p.workflow.spec().name,
                if fixed.is_empty() {
                    String::new()
                } else {
                    format!(" (fixed: {})", fixed.join(", "))
                }
            );
        }
        out
    }

    async fn run_workflow(
        &self,
        args: RunArgs,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), CliError> {
        let (workflow, fixed, mut defaults) = match self.registry.find_workflow(&args.workflow) {
            Some(w) => {
                let spec = w.spec();
                let defaults = spec
                    .interface
                    .inputs
                    .iter()
                    .zip(&spec.defaults)
                    .filter_map(|(v, d)| Some((v.name.clone(), d.clone()?)))
                    .collect();
                (w, Default::default(), defaults)
            }
            None => match self.registry.find_launch_plan(&args.workflow) {
                Some(p) => (p.workflow, p.fixed.clone(), p.defaults.clone()),
                None => return Err(self.unknown(&args.workflow)),
            },
        };
        let spec = workflow.spec();
        let mut given: std::collections::BTreeMap<String, Literal> = Default::default();
        for arg in &args.inputs {
            let arg = utf8_input(arg)?;
            let Some((name, text)) = arg.split_once('=') else {
                return Err(CliError::Input {
                    input: flyte_core::types::preview(arg),
                    reason: "write it as `name=value`".to_string(),
                    source: None,
                });
            };
            let input_error = |reason: String, source| CliError::Input {
                input: name.to_string(),
                reason,
                source,
            };
            let Some(var) = spec.interface.inputs.iter().find(|v| v.name == name) else {
                let names = spec.interface.input_names();
                return Err(input_error(
                    format!(
                        "`{}` takes no such input (it takes: {})",
                        spec.name,
                        names.join(", ")
                    ),
                    None,
                ));
            };
            if fixed.contains_key(name) {
                return Err(input_error(
                    "the launch plan fixes this input".to_string(),
                    None,
                ));
            }
            if given.contains_key(name) {
                return Err(input_error("given twice".to_string(), None));
            }
            let literal = literal_from_text(&var.ty, text).map_err(|e| {
                // The value's own error quotes it (cut short), so it is not quoted here.
                input_error(format!("not a {}", var.ty), Some(Box::new(e)))
            })?;
            given.insert(name.to_string(), literal);
        }
        let mut literals = Vec::with_capacity(spec.interface.inputs.len());
        let mut missing = Vec::new();
        for var in &spec.interface.inputs {
            let value = given
                .remove(&var.name)
                .or_else(|| fixed.get(&var.name).cloned())
                .or_else(|| defaults.remove(&var.name));
            match value {
                Some(v) => literals.push(v),
                None => missing.push(format!("`{}` ({})", var.name, var.ty)),
            }
        }
        if !missing.is_empty() {
            return Err(CliError::MissingInputs(missing));
        }

        let summary = std::sync::Arc::new(RunSummary::default());
        let progress = std::sync::Arc::new(match args.progress {
            ProgressMode::Auto => crate::progress::Progress::for_terminal(spec),
            ProgressMode::Always => crate::progress::Progress::new(spec, true),
            ProgressMode::Never => crate::progress::Progress::new(spec, false),
        });
        let mut options = RunOptions::default()
            .observe(summary.clone())
            .observe(progress.clone());
        if args.no_cache {
            options = options.no_cache();
        }
        if args.overwrite_cache {
            options = options.overwrite_cache();
        }
        if let Some(dir) = args.cache_dir {
            options = options.cache_dir(dir);
        }
        if let Some(prefix) = args.raw_output_prefix {
            options = options.raw_output_prefix(prefix);
        }
        // Plain-fn bodies go to the blocking pool, so this task stays free to see a
        // signal while they run.
        let options = options.cancellable();
        let run = flyte_core::execution::run_workflow_literals(workflow, &literals, &options);
        // Ctrl-C or SIGTERM drops the run: spawned tasks are aborted, async attempts
        // cancelled at their next await. A cache entry is only ever renamed into place
        // whole, so none is left half-written.
        let result = tokio::select! {
            // Polled first, so the handlers are in place before any task starts.
            biased;
            signal = crate::signals::stop_requested() => Err(signal),
            result = run => Ok(result),
        };
        progress.finish();
        let console = |source| CliError::Io {
            path: PathBuf::from("<stdout>"),
            source,
        };
        writeln!(err, "{summary}").map_err(console)?;
        let result = result.map_err(|signal| CliError::Interrupted {
            running: progress.counts().running,
            signal,
        })?;
        let outputs = result.map_err(|e| CliError::Run(Box::new(e)))?;
        for (var, value) in spec.interface.outputs.iter().zip(&outputs) {
            writeln!(out, "{} = {value}", var.name).map_err(console)?;
        }
        Ok(())
    }
}

/// An `--input` argument as text, or an error naming the input whose value is not
/// UTF-8 (clap's own message names neither).
fn utf8_input(arg: &std::ffi::OsStr) -> Result<&str, CliError> {
    arg.to_str().ok_or_else(|| {
        let lossy = arg.to_string_lossy();
        let (input, reason) = match lossy.split_once('=') {
            Some((name, _)) => (
                name.to_string(),
                "the value is not valid UTF-8 (Flyte strings are UTF-8; pass a file path for bytes)",
            ),
            None => (
                lossy.to_string(),
                "the argument is not valid UTF-8; write it as `name=value`",
            ),
        };
        CliError::Input {
            input: flyte_core::types::preview(&input),
            reason: reason.to_string(),
            source: None,
        }
    })
}

/// Logs to stderr, filtered by `RUST_LOG` (`info` by default): one JSON object per
/// event, with the span fields (workflow, execution, node, task, attempt) as keys, when
/// `FLYTE_SDK_LOGGING_FORMAT=json` (flytekit's variable) or inside a Flyte container
/// (`FLYTE_INTERNAL_EXECUTION_ID` set), where log collectors want JSON; readable text
/// otherwise. A no-op when the program installed a subscriber of its own.
fn install_logging() {
    let filter =
        || tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let json = match std::env::var("FLYTE_SDK_LOGGING_FORMAT") {
        Ok(format) => format.eq_ignore_ascii_case("json"),
        Err(_) => std::env::var_os("FLYTE_INTERNAL_EXECUTION_ID").is_some(),
    };
    if json {
        let _ = tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .try_init();
    } else {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init();
    }
}

/// flytekit's switch for a failing exit code after an error document.
fn fail_on_error() -> bool {
    std::env::var("FLYTE_FAIL_ON_ERROR").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// A gzipped tarball of the files, each at the top level, with fixed times and modes
/// so the same entities give the same bytes.
fn write_tarball(path: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let file = std::fs::File::create(path)?;
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes.as_slice())?;
    }
    tar.into_inner()?.finish()?.flush()
}
