//! An execution on the cluster: launched, its phase, waited for, its outputs read,
//! terminated, and its page in the console.

use std::time::Duration;

use bytes::Bytes;
use prost::Message;

use super::{Remote, RemoteError, WorkflowExecutionIdentifier, api, call_failed};
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

impl std::str::FromStr for Phase {
    type Err = String;

    /// A phase by its name as flyteadmin writes it (`FAILED`, `running`).
    fn from_str(s: &str) -> Result<Phase, String> {
        let all = [
            Phase::Queued,
            Phase::Running,
            Phase::Succeeding,
            Phase::Succeeded,
            Phase::Failing,
            Phase::Failed,
            Phase::Aborted,
            Phase::TimedOut,
            Phase::Aborting,
        ];
        all.into_iter()
            .find(|p| p.to_string().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<String> = all.iter().map(|p| p.to_string()).collect();
                format!("`{s}` is not a phase: one of {}", names.join(", "))
            })
    }
}

impl Phase {
    pub(crate) fn of(code: i32) -> Phase {
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

/// The options of one execution, as pyflyte's `run --remote` takes them: each
/// overrides the launch plan's for this execution only.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LaunchOptions {
    /// The execution's name (empty: flyteadmin makes one up).
    pub name: String,
    /// Kubernetes labels of its pods.
    pub labels: Vec<(String, String)>,
    /// Kubernetes annotations of its pods.
    pub annotations: Vec<(String, String)>,
    /// Environment variables of its tasks.
    pub envs: Vec<(String, String)>,
    /// The Kubernetes service account it runs as.
    pub service_account: Option<String>,
    /// Where its tasks write their data.
    pub raw_output_data_prefix: Option<String>,
    /// Run cached tasks again and replace what is stored.
    pub overwrite_cache: bool,
    /// How many nodes run at once.
    pub max_parallelism: Option<u32>,
    /// The cluster pool it runs in.
    pub cluster_pool: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
}

impl LaunchOptions {
    fn spec(&self, plan: &Identifier) -> api::ExecutionSpec {
        use crate::idl::admin::{Annotations, Labels, RawOutputDataConfig};
        api::ExecutionSpec {
            launch_plan: Some(plan.clone()),
            metadata: Some(api::ExecutionMetadata {
                mode: 0,
                principal: "flyte-rs".to_string(),
                nesting: 0,
            }),
            notifications: Some(api::Empty {}),
            labels: Some(Labels {
                values: self.labels.iter().cloned().collect(),
            }),
            annotations: Some(Annotations {
                values: self.annotations.iter().cloned().collect(),
            }),
            auth_role: Some(api::Empty {}),
            security_context: self.service_account.as_ref().map(|sa| {
                crate::idl::core::SecurityContext {
                    run_as: Some(crate::idl::core::Identity {
                        iam_role: String::new(),
                        k8s_service_account: sa.clone(),
                    }),
                    ..Default::default()
                }
            }),
            max_parallelism: self
                .max_parallelism
                .map_or(0, |n| i32::try_from(n).unwrap_or(i32::MAX)),
            raw_output_data_config: self.raw_output_data_prefix.as_ref().map(|p| {
                RawOutputDataConfig {
                    output_location_prefix: p.clone(),
                }
            }),
            cluster_assignment: self
                .cluster_pool
                .as_ref()
                .map(|pool| api::ClusterAssignment {
                    cluster_pool_name: pool.clone(),
                }),
            overwrite_cache: self.overwrite_cache,
            envs: (!self.envs.is_empty()).then(|| api::Envs {
                values: self
                    .envs
                    .iter()
                    .map(|(key, value)| crate::idl::core::KeyValuePair {
                        key: key.clone(),
                        value: value.clone(),
                    })
                    .collect(),
            }),
            tags: self.tags.clone(),
        }
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
        let options = LaunchOptions {
            name: name.to_string(),
            ..LaunchOptions::default()
        };
        self.launch_with(plan, inputs, &options).await
    }

    /// [`Remote::launch`] with the execution's options (its name, labels, service
    /// account, ...), sent as pyflyte sends them.
    pub async fn launch_with(
        &self,
        plan: &Identifier,
        inputs: LiteralMap,
        options: &LaunchOptions,
    ) -> Result<WorkflowExecutionIdentifier, RemoteError> {
        let request = api::ExecutionCreateRequest {
            project: plan.project.clone(),
            domain: plan.domain.clone(),
            name: options.name.clone(),
            spec: Some(options.spec(plan)),
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

    pub(crate) async fn get(
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
        self.literal_map_from(data.full_outputs, data.outputs, unreadable)
            .await
    }

    /// A literal map flyteadmin hands over inline, or at a URL when it is too large
    /// (empty when neither), with its offloaded literals read from their objects;
    /// `unreadable` says what could not be read.
    pub(crate) async fn literal_map_from(
        &self,
        inline: Option<LiteralMap>,
        at: Option<api::UrlBlob>,
        unreadable: impl Fn(String) -> RemoteError,
    ) -> Result<LiteralMap, RemoteError> {
        let bytes = match (inline, at) {
            (Some(map), _) if !map.literals.is_empty() => {
                let bytes = Bytes::from(map.encode_to_vec());
                let offloaded = crate::idl::offloaded_uris(&bytes).map_err(&unreadable)?;
                if offloaded.is_empty() {
                    return Ok(map);
                }
                bytes
            }
            (_, Some(blob)) if !blob.url.is_empty() => self
                .fetch_url(&blob.url)
                .await
                .map_err(|e| unreadable(format!("cannot read them at `{}`: {e}", blob.url)))?,
            _ => return Ok(LiteralMap::default()),
        };
        let whole = crate::idl::offloaded::inline_all(bytes, &self.files)
            .await
            .map_err(|e| unreadable(crate::task::ErrorChain::new(&e).to_string()))?;
        LiteralMap::decode(whole).map_err(|e| unreadable(format!("not a LiteralMap: {e}")))
    }

    /// The bytes at a URL flyteadmin gave: signed (`https://`), or the store's own.
    pub(crate) async fn fetch_url(&self, url: &str) -> Result<Bytes, String> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            let got = self.files.get(url).await;
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
