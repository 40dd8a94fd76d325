//! An execution on the cluster: launched, its phase, waited for, its outputs read,
//! terminated, and its page in the console.

use std::time::Duration;

use bytes::Bytes;
use prost::Message;

use super::{Remote, RemoteError, WorkflowExecutionIdentifier, api, call_failed};
use crate::data::FileAccess;
use crate::idl::core::{Identifier, LiteralMap};

/// An execution's phase (`flyteidl.core.WorkflowExecution.Phase`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// Not known yet.
    Undefined,
    /// Waiting to start.
    Queued,
    /// Running.
    Running,
    /// Finishing successfully.
    Succeeding,
    /// Done, with outputs.
    Succeeded,
    /// Finishing with an error.
    Failing,
    /// Done, with an error.
    Failed,
    /// Stopped by someone.
    Aborted,
    /// Past its deadline.
    TimedOut,
    /// Being stopped.
    Aborting,
}

impl Phase {
    fn of(code: i32) -> Phase {
        match code {
            1 => Phase::Queued,
            2 => Phase::Running,
            3 => Phase::Succeeding,
            4 => Phase::Succeeded,
            5 => Phase::Failing,
            6 => Phase::Failed,
            7 => Phase::Aborted,
            8 => Phase::TimedOut,
            9 => Phase::Aborting,
            _ => Phase::Undefined,
        }
    }

    /// Whether the execution has ended.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Phase::Succeeded | Phase::Failed | Phase::Aborted | Phase::TimedOut
        )
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::Undefined => "UNDEFINED",
            Phase::Queued => "QUEUED",
            Phase::Running => "RUNNING",
            Phase::Succeeding => "SUCCEEDING",
            Phase::Succeeded => "SUCCEEDED",
            Phase::Failing => "FAILING",
            Phase::Failed => "FAILED",
            Phase::Aborted => "ABORTED",
            Phase::TimedOut => "TIMED_OUT",
            Phase::Aborting => "ABORTING",
        })
    }
}

impl Remote {
    /// Starts an execution of a registered launch plan with `inputs` (in the plan's
    /// project and domain; `name` empty for one flyteadmin makes up).
    pub async fn launch(
        &self,
        plan: &Identifier,
        inputs: LiteralMap,
        name: &str,
    ) -> Result<WorkflowExecutionIdentifier, RemoteError> {
        let request = api::ExecutionCreateRequest {
            project: plan.project.clone(),
            domain: plan.domain.clone(),
            name: name.to_string(),
            spec: Some(api::ExecutionSpec {
                launch_plan: Some(plan.clone()),
                metadata: Some(api::ExecutionMetadata {
                    mode: 0,
                    principal: "flyte-rs".to_string(),
                    nesting: 0,
                }),
                notifications: Some(api::Empty {}),
                labels: Some(api::Empty {}),
                annotations: Some(api::Empty {}),
                auth_role: Some(api::Empty {}),
            }),
            inputs: Some(inputs),
        };
        let response: api::ExecutionCreateResponse = self
            .call("CreateExecution", request)
            .await
            .map_err(call_failed(
                "CreateExecution",
                format!("of launch plan `{}`", plan.name),
            ))?;
        Ok(response.id.unwrap_or_default())
    }

    /// The execution's phase now.
    pub async fn phase(
        &self,
        execution: &WorkflowExecutionIdentifier,
    ) -> Result<Phase, RemoteError> {
        Ok(Phase::of(
            self.get(execution).await?.closure.unwrap_or_default().phase,
        ))
    }

    async fn get(
        &self,
        execution: &WorkflowExecutionIdentifier,
    ) -> Result<api::Execution, RemoteError> {
        let request = api::ExecutionIdRequest {
            id: Some(execution.clone()),
        };
        self.call("GetExecution", request)
            .await
            .map_err(call_failed("GetExecution", format!("`{}`", execution.name)))
    }

    /// Waits for the execution to end, asking every `poll`, and returns its outputs;
    /// its error when it failed; [`RemoteError::StillRunning`] once `deadline` passed.
    pub async fn wait(
        &self,
        execution: &WorkflowExecutionIdentifier,
        poll: Duration,
        deadline: Option<Duration>,
    ) -> Result<LiteralMap, RemoteError> {
        let started = tokio::time::Instant::now();
        loop {
            let closure = self.get(execution).await?.closure.unwrap_or_default();
            let phase = Phase::of(closure.phase);
            match phase {
                Phase::Succeeded => return self.outputs(execution).await,
                Phase::Failed => {
                    return Err(RemoteError::Failed {
                        execution: execution.clone(),
                        error: Box::new(closure.error.unwrap_or_default()),
                    });
                }
                Phase::Aborted | Phase::TimedOut => {
                    return Err(RemoteError::Aborted {
                        execution: execution.clone(),
                        phase,
                        cause: closure.abort_cause,
                    });
                }
                _ => {}
            }
            if let Some(limit) = deadline
                && started.elapsed() + poll > limit
            {
                return Err(RemoteError::StillRunning {
                    execution: execution.clone(),
                    phase,
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(poll).await;
        }
    }

    /// The outputs of an execution that succeeded: inline, or fetched from where
    /// flyteadmin says they are when too large to send; offloaded literals in them
    /// (`offloaded_metadata`) are read from their objects.
    pub async fn outputs(
        &self,
        execution: &WorkflowExecutionIdentifier,
    ) -> Result<LiteralMap, RemoteError> {
        let request = api::ExecutionIdRequest {
            id: Some(execution.clone()),
        };
        let data: api::ExecutionDataResponse = self
            .call("GetExecutionData", request)
            .await
            .map_err(call_failed(
                "GetExecutionData",
                format!("`{}`", execution.name),
            ))?;
        let unreadable = |reason: String| RemoteError::UnreadableOutputs {
            execution: execution.clone(),
            reason,
        };
        let bytes = match (data.full_outputs, data.outputs) {
            (Some(map), _) if !map.literals.is_empty() => {
                let bytes = Bytes::from(map.encode_to_vec());
                let offloaded = crate::idl::offloaded_uris(&bytes).map_err(unreadable)?;
                if offloaded.is_empty() {
                    return Ok(map);
                }
                bytes
            }
            (_, Some(blob)) if !blob.url.is_empty() => self
                .fetch(&blob.url)
                .await
                .map_err(|e| unreadable(format!("cannot read them at `{}`: {e}", blob.url)))?,
            _ => return Ok(LiteralMap::default()),
        };
        let whole = crate::idl::offloaded::inline_all(bytes, &FileAccess::shared())
            .await
            .map_err(|e| unreadable(crate::task::ErrorChain::new(&e).to_string()))?;
        LiteralMap::decode(whole).map_err(|e| unreadable(format!("not a LiteralMap: {e}")))
    }

    /// The bytes at a URL flyteadmin gave: signed (`https://`), or the store's own.
    async fn fetch(&self, url: &str) -> Result<Bytes, String> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            let got = FileAccess::shared().get(url).await;
            return got.map_err(|e| crate::task::ErrorChain::new(&e).to_string());
        }
        let response = self.http.get(url).send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("{status}"));
        }
        response.bytes().await.map_err(|e| e.to_string())
    }

    /// Stops a running execution.
    pub async fn terminate(
        &self,
        execution: &WorkflowExecutionIdentifier,
        cause: &str,
    ) -> Result<(), RemoteError> {
        let request = api::ExecutionTerminateRequest {
            id: Some(execution.clone()),
            cause: cause.to_string(),
        };
        self.call::<_, api::Empty>("TerminateExecution", request)
            .await
            .map(|_| ())
            .map_err(call_failed(
                "TerminateExecution",
                format!("`{}`", execution.name),
            ))
    }

    /// The execution's page in Flyte's console.
    pub fn console_url(&self, execution: &WorkflowExecutionIdentifier) -> String {
        let base = self.config.url();
        format!(
            "{base}/console/projects/{}/domains/{}/executions/{}",
            execution.project, execution.domain, execution.name
        )
    }
}
