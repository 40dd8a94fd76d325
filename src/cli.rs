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
use flyte_core::entrypoint::{EntrypointError, ExecuteRequest, Outcome};
use flyte_core::execution::ClusterIdentity;
use flyte_core::idl::{IdlError, SerializationSettings};
use flyte_core::launch_plan::LaunchPlan;
use flyte_core::registry::Registry;
use flyte_core::types::Outputs;
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
#[command(about = "Serialize and package this program's Flyte tasks, workflows and launch plans")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    pub async fn main(self) -> ExitCode {
        // A no-op when the program set up its own subscriber.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "info".into()),
            )
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init();
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
                let mut message = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    message.push_str(&format!(": {s}"));
                    source = s.source();
                }
                eprintln!("error: {message}");
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
        match Cli::try_parse_from(args)?.command {
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
                let outcome = flyte_core::entrypoint::execute(
                    &self.registry,
                    FileAccess::shared(),
                    ClusterIdentity::from_env(),
                    &request,
                )
                .await
                .map_err(|e| CliError::Entrypoint(Box::new(e)))?;
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
