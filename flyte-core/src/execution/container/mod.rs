//! Running a container task ([`ContainerSpec`]) locally: with podman or docker when
//! one answers, or as a process of this machine when its command exists here, with
//! the data laid out as Flyte's copilot lays it out.

mod engine;
mod files;
mod render;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use futures::future::BoxFuture;

use crate::task::ContainerSpec;
use crate::task::{ExecutionContext, TaskError};
use crate::types::{Literal, Value};
use crate::workflow::DynTask;
use engine::{command, run_logged, runtime};
pub use files::OutputError;
use files::{metadata_name, read_outputs, write_inputs};
use render::{Fill, fill};

/// The variable that picks how container tasks run locally: `podman`, `docker` or
/// `process`. Unset, the first of podman and docker whose engine answers is used,
/// else a process when the command exists on this machine.
pub const RUNTIME_ENV: &str = "FLYTE_CONTAINER_RUNTIME";

/// How a container task runs locally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContainerRuntime {
    /// A container engine's command line (`podman` or `docker`).
    Engine(String),
    /// The command as a process of this machine, the container's data folders
    /// swapped for temporary ones in its arguments.
    Process,
}

impl std::fmt::Display for ContainerRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContainerRuntime::Engine(e) => f.write_str(e),
            ContainerRuntime::Process => f.write_str("a local process"),
        }
    }
}

/// Why a container task could not run or failed.
#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    /// No way to run it here.
    #[error(
        "container task `{task}` cannot run here: no container engine answers (podman or docker, tried with `info`), and its command `{program}` is not on this machine; start one, install the program, or mock the task (RunOptions::mock)"
    )]
    NoRuntime {
        /// The task.
        task: String,
        /// The command's program.
        program: String,
    },
    /// `$FLYTE_CONTAINER_RUNTIME` names no runtime.
    #[error("{RUNTIME_ENV}={value:?}: expected podman, docker or process")]
    BadRuntime {
        /// What it said.
        value: String,
    },
    /// The spec does not fit the task.
    #[error("container task `{task}`: {problem}")]
    Spec {
        /// The task.
        task: String,
        /// What is wrong.
        problem: String,
    },
    /// The command could not be started.
    #[error("container task `{task}` could not start `{program}` ({runtime}): {source}")]
    Start {
        /// The task.
        task: String,
        /// What was started.
        program: String,
        /// How.
        runtime: ContainerRuntime,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// The command exited with an error.
    #[error("container task `{task}` exited with {status} ({runtime}){}", tail_text(.stderr))]
    Exited {
        /// The task.
        task: String,
        /// How it ended.
        status: String,
        /// How it ran.
        runtime: ContainerRuntime,
        /// The last lines it wrote to stderr.
        stderr: String,
    },
    /// An input could not be laid out, or an output read.
    #[error("container task `{task}`: {source}")]
    Data {
        /// The task.
        task: String,
        /// What went wrong.
        #[source]
        source: Box<OutputError>,
    },
}

fn tail_text(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", stderr.trim_end())
    }
}

/// Starts one attempt of the container task `task` on `inputs`.
pub(crate) fn start(
    ctx: ExecutionContext,
    task: &'static dyn DynTask,
    spec: &'static ContainerSpec,
    chosen: Option<ContainerRuntime>,
    inputs: &[Value],
) -> BoxFuture<'static, Result<Vec<Value>, TaskError>> {
    let literals = task.codec().inputs_to_literals(inputs);
    Box::pin(crate::task::context::scope(ctx.clone(), async move {
        let outputs = attempt(&ctx, task, spec, chosen, &literals)
            .await
            .map_err(|e| match e {
                // A spec that cannot work, or no way to run: retrying cannot help.
                ContainerError::Spec { .. }
                | ContainerError::NoRuntime { .. }
                | ContainerError::BadRuntime { .. } => TaskError::permanent(e),
                other => TaskError::failed(other),
            })?;
        let interface = task.interface();
        let names = interface.output_names();
        task.codec()
            .outputs_from_literals(&names, &outputs)
            .map_err(TaskError::permanent)
    }))
}

/// A folder of this attempt's own under the system's temporary directory, made
/// fresh (never one already there) and readable by this user only; removed, and the
/// attempt's container stopped, when dropped: also when the attempt is cancelled or
/// times out.
struct Scratch {
    root: PathBuf,
    /// The engine and the name its container was given.
    container: Option<(String, String)>,
}

impl Scratch {
    fn new(ctx: &ExecutionContext) -> std::io::Result<Scratch> {
        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let root = std::env::temp_dir().join(format!(
            "flyte-container-{}-{}-{nanos:08x}-{}-a{}",
            std::process::id(),
            SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            ctx.node_path().replace('/', "_"),
            ctx.attempt()
        ));
        std::fs::create_dir(&root)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(Scratch {
            root,
            container: None,
        })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some((engine, name)) = &self.container {
            let _ = std::process::Command::new(engine)
                .args(["rm", "-f", name])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Checks the spec, picks the runtime and makes the attempt's scratch folder.
fn prepare(
    ctx: &ExecutionContext,
    task: &dyn DynTask,
    spec: &ContainerSpec,
    chosen: Option<ContainerRuntime>,
) -> Result<(ContainerRuntime, Scratch), ContainerError> {
    let name = task.name().to_string();
    if let Some(problem) = spec.problem(&task.interface()) {
        return Err(ContainerError::Spec {
            task: name,
            problem,
        });
    }
    let runtime = runtime(&name, spec, chosen)?;
    let image = task.metadata().node.image.clone().unwrap_or_default();
    if matches!(runtime, ContainerRuntime::Engine(_)) && image.trim().is_empty() {
        return Err(ContainerError::Spec {
            task: name,
            problem: "it names no image for the container engine to run".to_string(),
        });
    }
    let mut scratch = Scratch::new(ctx).map_err(|e| ContainerError::Data {
        task: name.clone(),
        source: Box::new(io_error(&std::env::temp_dir(), e)),
    })?;
    if let ContainerRuntime::Engine(engine) = &runtime {
        let container = scratch
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        scratch.container = container.map(|c| (engine.clone(), c));
    }
    Ok((runtime, scratch))
}

/// Where one attempt's data is, as this machine and as the command see it.
struct Places<'a> {
    in_seen: &'a str,
    out_seen: &'a str,
    raw: &'a str,
}

/// The command line with its placeholders filled (the values as given, a file its
/// URI, as propeller fills them) and, for a process, the data folders swapped.
fn command_line(
    spec: &ContainerSpec,
    runtime: &ContainerRuntime,
    interface: &crate::interface::Interface,
    inputs: &[Literal],
    at: &Places<'_>,
) -> Vec<String> {
    let names = interface.input_names();
    let pairs: Vec<(&str, &Literal)> = names.iter().copied().zip(inputs).collect();
    let proto = metadata_name(crate::task::MetadataFormat::Proto);
    let input_file = format!("{}/{proto}", at.in_seen);
    let f = Fill {
        inputs: &pairs,
        input_file: &input_file,
        input_prefix: at.in_seen,
        output_prefix: at.out_seen,
        raw_output_prefix: at.raw,
    };
    spec.argv()
        .map(|arg| {
            let filled = fill(arg, &f);
            match runtime {
                ContainerRuntime::Engine(_) => filled,
                ContainerRuntime::Process => swap_dirs(&filled, spec, at.in_seen, at.out_seen),
            }
        })
        .collect()
}

async fn attempt(
    ctx: &ExecutionContext,
    task: &dyn DynTask,
    spec: &ContainerSpec,
    chosen: Option<ContainerRuntime>,
    inputs: &[Literal],
) -> Result<Vec<Literal>, ContainerError> {
    let name = task.name().to_string();
    let interface = task.interface();
    let (runtime, scratch) = prepare(ctx, task, spec, chosen)?;
    let root = scratch.root.clone();
    let (in_dir, out_dir) = (root.join("inputs"), root.join("outputs"));
    let data = |source: OutputError| ContainerError::Data {
        task: name.clone(),
        source: Box::new(source),
    };
    // Paths the command sees: the container's own, or the scratch folders.
    let (in_seen, out_seen) = match runtime {
        ContainerRuntime::Engine(_) => {
            (spec.input_dir().to_string(), spec.output_dir().to_string())
        }
        ContainerRuntime::Process => (display(&in_dir), display(&out_dir)),
    };
    write_inputs(&in_dir, &interface, inputs, spec.metadata_format, &in_seen)
        .await
        .map_err(|e| data(e.into()))?;
    std::fs::create_dir_all(&out_dir).map_err(|e| data(io_error(&out_dir, e)))?;
    let raw = format!(
        "{}/{}/a{}",
        ctx.raw_output_prefix().trim_end_matches('/'),
        ctx.node_path(),
        ctx.attempt()
    );
    let at = Places {
        in_seen: &in_seen,
        out_seen: &out_seen,
        raw: &raw,
    };
    let argv = command_line(spec, &runtime, &interface, inputs, &at);
    let mut command = command(&runtime, spec, task, &root, &argv);
    run_logged(&name, &runtime, &mut command).await?;
    let outputs = read_outputs(
        ctx.file_access(),
        &out_dir,
        spec.output_dir(),
        &interface,
        &raw,
    )
    .await
    .map_err(data);
    // Removed (and the container stopped) here, or when a cancelled attempt's future
    // is dropped.
    drop(scratch);
    outputs
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

fn io_error(path: &Path, e: std::io::Error) -> OutputError {
    OutputError::Data(crate::data::DataError::InvalidLocation {
        location: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// An argument with the container's data folders swapped for the scratch ones
/// wherever they appear as a path (a process cannot see `/var/inputs`): at the
/// start, or inside a shell script (`sh -c "... > /var/outputs/area"`).
fn swap_dirs(arg: &str, spec: &ContainerSpec, in_seen: &str, out_seen: &str) -> String {
    let mut out = arg.to_string();
    for (dir, seen) in [(spec.input_dir(), in_seen), (spec.output_dir(), out_seen)] {
        out = replace_path(&out, dir.trim_end_matches('/'), seen);
    }
    out
}

/// `text` with `dir` replaced by `with` where it stands as a whole path part: not
/// inside a longer name (`/var/inputs2`, `x/var/inputs`).
fn replace_path(text: &str, dir: &str, with: &str) -> String {
    let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || "_-.".contains(c));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = text[at..].find(dir) {
        let start = at + found;
        let end = start + dir.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        out.push_str(&text[at..start]);
        if part(before) || before == Some('/') || part(after) {
            out.push_str(dir);
        } else {
            out.push_str(with);
        }
        at = end;
    }
    out.push_str(&text[at..]);
    out
}
