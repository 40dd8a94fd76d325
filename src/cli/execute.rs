//! `execute`: one attempt of one task, as a Flyte cluster runs it in the task's
//! container.

use std::path::PathBuf;

use clap::Args;
use flytekit_core::data::FileAccess;
use flytekit_core::entrypoint::{ExecuteRequest, Outcome, Termination};
use flytekit_core::execution::ClusterIdentity;

use super::{App, CliError};

#[derive(Args)]
pub(super) struct ExecuteArgs {
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

impl App {
    /// `execute`: writes outputs.pb or error.pb under the output prefix; SIGTERM
    /// writes a recoverable error document first (see [`super::signals`]).
    pub(super) async fn execute(&self, args: ExecuteArgs) -> Result<(), CliError> {
        let request = args.request()?;
        let termination = std::sync::Arc::new(Termination::default());
        let watch = super::signals::TerminateWatch::start(
            termination.clone(),
            request.clone(),
            if fail_on_error() { 1 } else { 0 },
        )
        .map_err(|source| CliError::Io {
            path: PathBuf::from("<signal handler>"),
            source,
        })?;
        let outcome = flytekit_core::entrypoint::execute_with(
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

/// flytekit's switch for a failing exit code after an error document.
fn fail_on_error() -> bool {
    std::env::var("FLYTE_FAIL_ON_ERROR").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}
