//! The container entrypoint: one attempt of one task, run the way Flyte's engine runs
//! a task's container (`flytekit`'s `pyflyte-execute`).
//!
//! Flyte writes the inputs as a `LiteralMap` in `inputs.pb`, starts the container with
//! `<binary> execute --inputs ... --output-prefix ... -- task-name NAME`, and reads back
//! `outputs.pb` or, when the attempt failed, `error.pb` (an `ErrorDocument`) from the
//! output prefix. Files and directories the task returns go under the raw-output
//! prefix. [`execute`] does all of that; the `flytekit` crate's CLI gives it its flags.

mod deck;
mod dynamic;
mod offloading;

use std::sync::Arc;

use prost::Message;

use crate::data::join_prefix;
use crate::data::{DataError, FileAccess};
use crate::execution::{Checkpoint, ClusterIdentity, ExecutionContext};
use crate::idl::core as pb;
use crate::idl::inputs::{InputsError, read_inputs};
use crate::registry::Registry;
use crate::task::{ErrorChain, TaskError};
use crate::workflow::dynamic::dynamic_graph;

/// Where one attempt reads and writes, as Flyte passes it on the command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecuteRequest {
    /// The task's registered name.
    pub task_name: String,
    /// The `inputs.pb` to read (any object-store URL or local path).
    pub inputs: String,
    /// The prefix `outputs.pb` or `error.pb` is written under.
    pub output_prefix: String,
    /// The prefix files and directories the task returns are uploaded under; `None`
    /// uses `<output-prefix>/raw`.
    pub raw_output_prefix: Option<String>,
    /// Where this attempt's checkpoint goes.
    pub checkpoint_path: Option<String>,
    /// Where the previous attempt's checkpoint is.
    pub prev_checkpoint: Option<String>,
}

impl ExecuteRequest {
    /// Treats the `{{.placeholders}}` Flyte did not fill in, and empty or `""` values,
    /// as absent, as flytekit does for the optional prefixes.
    pub fn normalize(mut self) -> Self {
        fn unset(v: &Option<String>) -> bool {
            v.as_deref()
                .is_some_and(|v| v.is_empty() || v == "\"\"" || v.starts_with("{{"))
        }
        for v in [
            &mut self.raw_output_prefix,
            &mut self.checkpoint_path,
            &mut self.prev_checkpoint,
        ] {
            if unset(v) {
                *v = None;
            }
        }
        self
    }
}

/// How the attempt ended, as written to the output prefix.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Outcome {
    /// `outputs.pb` was written.
    Succeeded {
        /// The outputs, by name.
        outputs: pb::LiteralMap,
    },
    /// `error.pb` was written.
    Failed(pb::ContainerError),
    /// A dynamic task wrote its graph to `futures.pb` for Flyte to run.
    Dynamic {
        /// The graph.
        futures: pb::DynamicJobSpec,
    },
}

/// The context of the task's attempt in its pod: Flyte's identity, the raw output
/// prefix (under the outputs when Flyte gives none), the checkpoints, its settings.
fn cluster_context(
    task: &'static dyn crate::task::DynTask,
    file_access: &Arc<FileAccess>,
    identity: ClusterIdentity,
    request: &ExecuteRequest,
) -> ExecutionContext {
    let raw_output_prefix = match &request.raw_output_prefix {
        Some(prefix) => prefix.clone(),
        None => {
            let fallback = join_prefix(&request.output_prefix, "raw");
            tracing::warn!("no --raw-output-data-prefix given; files go under {fallback}");
            fallback
        }
    };
    let checkpoint = request
        .checkpoint_path
        .clone()
        .map(|dest| Checkpoint::new(file_access.clone(), dest, request.prev_checkpoint.clone()));
    ExecutionContext::for_cluster(
        task.name(),
        file_access.clone(),
        identity,
        raw_output_prefix,
        checkpoint,
    )
    .with_metadata(task.metadata())
}

/// A dynamic task's graph, built in the task's context; a panic in its body is the
/// task's failure, as in an attempt.
fn build_graph(
    dynamic: &dyn crate::workflow::dynamic::DynamicGraph,
    ctx: &ExecutionContext,
    values: &[crate::types::Value],
) -> Result<Arc<crate::workflow::WorkflowSpec>, TaskError> {
    let building = std::panic::AssertUnwindSafe(|| {
        crate::task::context::scope_sync(ctx.clone(), || dynamic.graph(ctx, values))
    });
    std::panic::catch_unwind(building)
        .unwrap_or_else(|payload| Err(TaskError::Panicked(crate::task::panic_message(payload))))
}

/// What a successful attempt writes.
enum Written {
    Outputs(pb::LiteralMap),
    Futures(pb::DynamicJobSpec),
}

/// The entrypoint could write neither `outputs.pb` nor `error.pb`; Flyte learns of
/// the failure from the exit code only.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the {what} under `{output_prefix}`")]
pub struct EntrypointError {
    /// `outputs.pb` or `error.pb`.
    pub what: &'static str,
    /// The output prefix.
    pub output_prefix: String,
    /// Why.
    #[source]
    pub source: DataError,
}

/// Runs one attempt of `request.task_name` and writes its outputs or its error
/// document under `request.output_prefix`.
///
/// Every failure of the task, of reading its inputs or of finding it becomes an
/// `error.pb` and `Ok(Outcome::Failed(..))`: Flyte reads the document and decides
/// whether to retry. A panic anywhere in the attempt, the SDK's own code included,
/// becomes a `SYSTEM:Panic` document. `Err` means not even the error document could
/// be written.
pub async fn execute(
    registry: &Registry,
    file_access: Arc<FileAccess>,
    identity: ClusterIdentity,
    request: &ExecuteRequest,
) -> Result<Outcome, EntrypointError> {
    execute_with(
        registry,
        file_access,
        identity,
        request,
        &Termination::default(),
    )
    .await
}

/// [`execute`], with `termination` deciding whether this attempt or a signal handler
/// ([`Termination::terminate`]) writes the one document of the attempt.
pub async fn execute_with(
    registry: &Registry,
    file_access: Arc<FileAccess>,
    identity: ClusterIdentity,
    request: &ExecuteRequest,
    termination: &Termination,
) -> Result<Outcome, EntrypointError> {
    let running = std::panic::AssertUnwindSafe(attempt(registry, &file_access, identity, request));
    let attempted = match futures::FutureExt::catch_unwind(running).await {
        Ok(attempted) => attempted,
        Err(payload) => Err(Failure {
            code: "SYSTEM:Panic",
            origin: pb::ErrorOrigin::System,
            // A panic of the SDK's own code comes back on every attempt.
            recoverable: false,
            message: format!(
                "the entrypoint panicked running task `{}`: {}",
                request.task_name,
                crate::types::preview(&crate::task::panic_message(payload))
            ),
        }),
    };
    let mut written = termination.written.lock().await;
    if *written {
        // A signal handler wrote the document first; this attempt's result is moot.
        return Ok(Outcome::Failed(termination.document(request)));
    }
    let outcome = match attempted {
        Ok(written_ok) => {
            let (file, bytes, success) = match written_ok {
                // A task without outputs leaves an empty file, as flytekit does; an
                // empty LiteralMap encodes to zero bytes.
                Written::Outputs(outputs) => (
                    "outputs.pb",
                    outputs.encode_to_vec(),
                    Outcome::Succeeded { outputs },
                ),
                Written::Futures(futures) => (
                    "futures.pb",
                    futures.encode_to_vec(),
                    Outcome::Dynamic { futures },
                ),
            };
            let location = join_prefix(&request.output_prefix, file);
            match file_access.put(&location, bytes).await {
                Ok(()) => {
                    *written = true;
                    return Ok(success);
                }
                Err(source) => Failure::system(
                    "SYSTEM:OutputsNotWritten",
                    source.is_transient(),
                    format!("cannot write the task's outputs to `{location}`"),
                    &source,
                ),
            }
        }
        Err(failure) => failure,
    };
    let error = outcome.into_container_error();
    write_error(&file_access, request, &error).await?;
    *written = true;
    Ok(Outcome::Failed(error))
}

async fn write_error(
    file_access: &FileAccess,
    request: &ExecuteRequest,
    error: &pb::ContainerError,
) -> Result<(), EntrypointError> {
    tracing::error!(code = %error.code, recoverable = error.kind == pb::ContainerErrorKind::Recoverable as i32, "{}", error.message);
    let document = pb::ErrorDocument {
        error: Some(error.clone()),
    };
    file_access
        .put(
            &join_prefix(&request.output_prefix, "error.pb"),
            document.encode_to_vec(),
        )
        .await
        .map_err(|source| EntrypointError {
            what: "error document",
            output_prefix: request.output_prefix.clone(),
            source,
        })
}

/// Who writes an attempt's one document when the container is told to stop
/// (Kubernetes sends SIGTERM on preemption, eviction and deletion): the attempt, if it
/// finished first, or [`Termination::terminate`], whose recoverable
/// `SYSTEM:Terminated` error lets Flyte retry the task elsewhere.
#[derive(Debug, Default)]
pub struct Termination {
    written: tokio::sync::Mutex<bool>,
}

impl Termination {
    /// Writes the `SYSTEM:Terminated` document unless the attempt already wrote its
    /// own (or is writing it: then this waits for it). Returns whether it wrote. Call
    /// it from a signal handler with a `FileAccess` of its own; the process should
    /// exit right after, leaving the task's threads behind.
    pub async fn terminate(
        &self,
        file_access: &FileAccess,
        request: &ExecuteRequest,
        signal: &str,
    ) -> Result<bool, EntrypointError> {
        let mut written = self.written.lock().await;
        if *written {
            return Ok(false);
        }
        let mut error = self.document(request);
        error.message = format!(
            "task `{}` was stopped by {signal} before it finished (the pod was preempted, evicted or deleted)",
            request.task_name
        );
        write_error(file_access, request, &error).await?;
        *written = true;
        Ok(true)
    }

    fn document(&self, request: &ExecuteRequest) -> pb::ContainerError {
        Failure {
            code: "SYSTEM:Terminated",
            origin: pb::ErrorOrigin::System,
            recoverable: true,
            message: format!(
                "task `{}` was stopped before it finished",
                request.task_name
            ),
        }
        .into_container_error()
    }
}

/// A failure before, during or after the task, classified for Flyte.
struct Failure {
    code: &'static str,
    origin: pb::ErrorOrigin,
    recoverable: bool,
    message: String,
}

impl Failure {
    fn user(code: &'static str, recoverable: bool, message: String) -> Self {
        Failure {
            code,
            origin: pb::ErrorOrigin::User,
            recoverable,
            message,
        }
    }

    /// A failure with no cause chain to add.
    fn user_or_system(code: &'static str, origin: pb::ErrorOrigin, message: String) -> Self {
        Failure {
            code,
            origin,
            recoverable: false,
            message,
        }
    }

    fn system(
        code: &'static str,
        recoverable: bool,
        summary: String,
        cause: &(dyn std::error::Error + 'static),
    ) -> Self {
        Failure {
            code,
            origin: pb::ErrorOrigin::System,
            recoverable,
            message: format!(
                "{summary}\n  caused by: {}",
                ErrorChain::new(cause).multiline()
            ),
        }
    }

    fn into_container_error(self) -> pb::ContainerError {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        pb::ContainerError {
            code: self.code.to_string(),
            message: self.message,
            kind: if self.recoverable {
                pb::ContainerErrorKind::Recoverable
            } else {
                pb::ContainerErrorKind::NonRecoverable
            } as i32,
            origin: self.origin as i32,
            timestamp: Some(prost_types::Timestamp {
                seconds: now.as_secs() as i64,
                nanos: now.subsec_nanos() as i32,
            }),
            worker: String::new(),
        }
    }
}

async fn attempt(
    registry: &Registry,
    file_access: &Arc<FileAccess>,
    identity: ClusterIdentity,
    request: &ExecuteRequest,
) -> Result<Written, Failure> {
    let name = &request.task_name;
    let task = find_task(registry, name)?;

    let interface = task.interface();
    let values = task_inputs(task, &interface, file_access, &identity, request).await?;
    let offloading = identity.offloading.clone();

    let attempt_number = identity.attempt;
    let task_name: &'static str = task.name();
    let ctx = cluster_context(task, file_access, identity, request);
    let handoff = ctx.clone();
    let kept = ctx.clone();
    let span = ctx.span().clone();
    span.in_scope(|| tracing::info!("starting"));
    // A dynamic task hands its graph to Flyte (flytekit's default) unless it runs the
    // graph in its pod (`run_in_pod`).
    let futures = task.metadata().dynamic == Some(crate::task::DynamicMode::Futures);
    if let Some(dynamic) = futures.then(|| dynamic_graph(task_name)).flatten() {
        return match build_graph(dynamic, &ctx, &values) {
            Ok(graph) => dynamic::futures(&graph, &handoff, name).map(Written::Futures),
            Err(e) => Err(task_failure(
                name,
                attempt_number,
                crate::task::secrets::mask_error(e, &kept.0.secrets_read),
            )),
        };
    }
    // A panic becomes an error document rather than taking the process down.
    let running = std::panic::AssertUnwindSafe(task.start(ctx, &values));
    let result = match futures::FutureExt::catch_unwind(running).await {
        Ok(r) => r,
        Err(payload) => Err(TaskError::Panicked(crate::task::panic_message(payload))),
    };
    let outputs = result.as_ref().ok().map(Vec::as_slice);
    deck::write_deck(
        task,
        &handoff,
        &values,
        outputs,
        file_access,
        &request.output_prefix,
    )
    .await;
    let values = result.map_err(|e| {
        let e = crate::task::secrets::mask_error(e, &kept.0.secrets_read);
        task_failure(name, attempt_number, e)
    })?;

    let outputs = task.codec().outputs_to_literals(&values);
    let outputs = crate::idl::literal_map(interface.output_names().into_iter().zip(&outputs));
    let outputs = match offloading {
        Some(settings) => {
            offloading::offload_outputs(
                outputs,
                &interface,
                &settings,
                file_access,
                &request.output_prefix,
            )
            .await?
        }
        None => outputs,
    };
    Ok(Written::Outputs(outputs))
}

/// The task `name` of this program, or the error document saying which it has.
fn find_task(
    registry: &Registry,
    name: &str,
) -> Result<&'static dyn crate::workflow::DynTask, Failure> {
    registry.find_task(name).ok_or_else(|| {
        let mut known: Vec<&str> = registry.tasks().iter().map(|t| t.name()).collect();
        known.sort_unstable();
        Failure::user(
            "USER:TaskNotFound",
            false,
            format!(
                "this program has no task named `{name}` (it has: {})",
                known.join(", ")
            ),
        )
    })
}

/// Reads `inputs.pb` and turns it into the task's input values. Types are checked
/// while the bytes are decoded, and the bytes are gone before the values are built.
async fn task_inputs(
    task: &dyn crate::workflow::DynTask,
    interface: &crate::interface::Interface,
    file_access: &FileAccess,
    identity: &ClusterIdentity,
    request: &ExecuteRequest,
) -> Result<Vec<crate::types::Value>, Failure> {
    let name = &request.task_name;
    let literals = {
        let bytes = file_access.get(&request.inputs).await.map_err(|e| {
            Failure::system(
                "SYSTEM:InputsNotRead",
                // Flyte writes the inputs before starting the container; if they are
                // not there, another attempt will not find them either.
                e.is_transient() && !e.is_not_found(),
                format!(
                    "cannot read the inputs of task `{name}` from `{}`",
                    request.inputs
                ),
                &e,
            )
        })?;
        let bytes = offloading::inline_inputs(bytes, file_access, name).await?;
        read_inputs(&bytes, interface, identity.array_index).map_err(|e| match e {
            InputsError::Malformed(reason) => Failure::user_or_system(
                "SYSTEM:InputsNotDecoded",
                pb::ErrorOrigin::System,
                format!(
                    "the inputs of task `{name}` at `{}` are not a Flyte LiteralMap: {reason}",
                    request.inputs
                ),
            ),
            InputsError::Mismatch(message) => {
                let at = match identity.array_index {
                    Some(index) => format!("item {index} of map task `{name}`"),
                    None => format!("task `{name}`"),
                };
                Failure::user(
                    "USER:InputsMismatch",
                    false,
                    format!("the inputs of {at} do not match its interface: {message}"),
                )
            }
        })?
    };
    task.codec()
        .inputs_from_literals(&interface.input_names(), &literals)
        .map_err(|e| {
            Failure::user(
                "USER:InputsMismatch",
                false,
                format!("the inputs of task `{name}` do not match its interface: {e}"),
            )
        })
}

/// The error document of a failed attempt: the same rule decides retries locally and
/// on the cluster ([`TaskError::is_retryable`]).
fn task_failure(name: &str, attempt: u32, e: TaskError) -> Failure {
    let code = match &e {
        TaskError::Failed(_) => "USER:Recoverable",
        TaskError::Permanent(_) => "USER:NonRecoverable",
        TaskError::Panicked(_) => "USER:Panic",
        TaskError::TimedOut(_) => "USER:Timeout",
        // A container cannot tell Flyte "skipped", and a task node has no such state:
        // the node fails with a code of its own, never retried, so the nodes that
        // need it do not run, as in a local run.
        TaskError::Skipped(_) => "USER:Skipped",
    };
    let recoverable = e.is_retryable();
    let summary = match &e {
        TaskError::Skipped(_) => format!(
            "task `{name}` skipped itself (attempt {attempt}): {e}; Flyte has no skipped state for a task, so the node fails with USER:Skipped (never retried) and the nodes that need its outputs do not run"
        ),
        _ => format!("task `{name}` failed (attempt {attempt}): {e}"),
    };
    Failure::user(
        code,
        recoverable,
        format!("{summary}{}", ErrorChain::new(&e).multiline().causes_only()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_flyte_did_not_fill_count_as_absent() {
        let request = ExecuteRequest {
            task_name: "t".into(),
            inputs: "s3://b/in/inputs.pb".into(),
            output_prefix: "s3://b/out".into(),
            raw_output_prefix: Some("{{.rawOutputDataPrefix}}".into()),
            checkpoint_path: Some("\"\"".into()),
            prev_checkpoint: Some(String::new()),
        }
        .normalize();
        assert_eq!(request.raw_output_prefix, None);
        assert_eq!(request.checkpoint_path, None);
        assert_eq!(request.prev_checkpoint, None);
        let kept = ExecuteRequest {
            raw_output_prefix: Some("s3://b/raw".into()),
            ..request
        }
        .normalize();
        assert_eq!(kept.raw_output_prefix.as_deref(), Some("s3://b/raw"));
    }
}
