//! How a container task's command runs here: which runtime (an engine that
//! answers, or a local process), the engine's or the process's command line, and
//! running it with its output logged.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;

use tokio::io::{AsyncBufReadExt, BufReader};

use super::{ContainerError, ContainerRuntime, RUNTIME_ENV};
use crate::task::ContainerSpec;
use crate::workflow::DynTask;

/// Whether `engine info` succeeds (the engine's daemon or service answers), asked
/// once per process.
fn engine_answers(engine: &'static str) -> bool {
    static ANSWERS: OnceLock<Vec<(&'static str, bool)>> = OnceLock::new();
    let found = ANSWERS.get_or_init(|| {
        ["podman", "docker"]
            .into_iter()
            .map(|e| (e, answers_within(e, std::time::Duration::from_secs(5))))
            .collect()
    });
    found.iter().any(|(e, ok)| *e == engine && *ok)
}

/// Whether `engine info` succeeds within `limit` (a hung daemon is no engine).
fn answers_within(engine: &str, limit: std::time::Duration) -> bool {
    let Ok(mut child) = std::process::Command::new(engine)
        .arg("info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    let started = std::time::Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.success(),
            Ok(None) if started.elapsed() < limit => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
        }
    }
}

/// Where `program` is on this machine: a path as given, or found on `PATH`.
fn find_program(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        let p = PathBuf::from(program);
        return p.is_file().then_some(p);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// How to run `spec` here: as the run says, else as `$FLYTE_CONTAINER_RUNTIME` says,
/// else the first engine that answers, else a process.
pub(super) fn runtime(
    task: &str,
    spec: &ContainerSpec,
    chosen: Option<ContainerRuntime>,
) -> Result<ContainerRuntime, ContainerError> {
    if let Some(runtime) = chosen {
        return Ok(runtime);
    }
    match std::env::var(RUNTIME_ENV).ok().filter(|v| !v.is_empty()) {
        Some(v) if v == "podman" || v == "docker" => return Ok(ContainerRuntime::Engine(v)),
        Some(v) if v == "process" => return Ok(ContainerRuntime::Process),
        Some(value) => return Err(ContainerError::BadRuntime { value }),
        None => {}
    }
    if let Some(engine) = ["podman", "docker"].into_iter().find(|e| engine_answers(e)) {
        return Ok(ContainerRuntime::Engine(engine.to_string()));
    }
    let program = spec.command.first().cloned().unwrap_or_default();
    match find_program(&program) {
        Some(_) => Ok(ContainerRuntime::Process),
        None => Err(ContainerError::NoRuntime {
            task: task.to_string(),
            program,
        }),
    }
}

/// What runs the filled-in `argv`: the engine with the image, or the program as a
/// process in `root`; logged, so a run says how each container task ran.
pub(super) fn command(
    runtime: &ContainerRuntime,
    spec: &ContainerSpec,
    task: &dyn DynTask,
    root: &Path,
    argv: &[String],
) -> tokio::process::Command {
    let name = task.name();
    let image = task.metadata().node.image.clone().unwrap_or_default();
    tracing::info!(
        task = %name,
        runtime = %runtime,
        image = %image,
        "running container task `{name}` with {runtime}: {}",
        argv.join(" ")
    );
    match runtime {
        ContainerRuntime::Engine(engine) => engine_command(
            engine,
            spec,
            &image,
            &root.join("inputs"),
            &root.join("outputs"),
            task,
            argv,
        ),
        ContainerRuntime::Process => {
            // A relative path (`./tool`) names a program here, not in the scratch folder
            // the process starts in.
            let program = match std::path::Path::new(&argv[0]) {
                p if argv[0].contains('/') && p.is_relative() => {
                    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
                }
                p => p.to_path_buf(),
            };
            let mut c = tokio::process::Command::new(program);
            c.args(&argv[1..]).current_dir(root);
            c.envs(task.metadata().env.iter().map(|(k, v)| (k, v)));
            c
        }
    }
}

/// `engine run --rm` with the data folders mounted where the spec says, the task's
/// environment, the image and the command.
fn engine_command(
    engine: &str,
    spec: &ContainerSpec,
    image: &str,
    in_dir: &Path,
    out_dir: &Path,
    task: &dyn DynTask,
    argv: &[String],
) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(engine);
    c.args(["run", "--rm"]);
    // Named after the scratch folder, so a cancelled attempt can stop it by name.
    if let Some(name) = in_dir.parent().and_then(|r| r.file_name()) {
        c.arg("--name").arg(name);
    }
    c.arg("-v")
        .arg(format!("{}:{}", in_dir.display(), spec.input_dir()));
    c.arg("-v")
        .arg(format!("{}:{}", out_dir.display(), spec.output_dir()));
    for (k, v) in &task.metadata().env {
        c.arg("-e").arg(format!("{k}={v}"));
    }
    c.arg(image).args(argv);
    c
}

/// Runs `command`, its output lines logged as they come, the last stderr lines kept
/// for the error.
pub(super) async fn run_logged(
    task: &str,
    runtime: &ContainerRuntime,
    command: &mut tokio::process::Command,
) -> Result<(), ContainerError> {
    let program = command
        .as_std()
        .get_program()
        .to_string_lossy()
        .into_owned();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| ContainerError::Start {
            task: task.to_string(),
            program,
            runtime: runtime.clone(),
            source,
        })?;
    let stdout = child.stdout.take().map(BufReader::new);
    let stderr = child.stderr.take().map(BufReader::new);
    let out = async {
        if let Some(mut r) = stdout {
            let mut line = String::new();
            while r.read_line(&mut line).await.is_ok_and(|n| n > 0) {
                tracing::info!(task, "[container] {}", line.trim_end());
                line.clear();
            }
        }
    };
    let err = async {
        let mut tail: std::collections::VecDeque<String> = Default::default();
        if let Some(mut r) = stderr {
            let mut line = String::new();
            while r.read_line(&mut line).await.is_ok_and(|n| n > 0) {
                tracing::info!(task, "[container] {}", line.trim_end());
                if tail.len() == 20 {
                    tail.pop_front();
                }
                tail.push_back(line.trim_end().to_string());
                line.clear();
            }
        }
        tail.into_iter().collect::<Vec<_>>().join("\n")
    };
    let ((), stderr, status) = tokio::join!(out, err, child.wait());
    let status = status.map_err(|source| ContainerError::Start {
        task: task.to_string(),
        program: String::new(),
        runtime: runtime.clone(),
        source,
    })?;
    if status.success() {
        return Ok(());
    }
    Err(ContainerError::Exited {
        task: task.to_string(),
        status: match status.code() {
            Some(code) => format!("status {code}"),
            None => "a signal".to_string(),
        },
        runtime: runtime.clone(),
        stderr,
    })
}
