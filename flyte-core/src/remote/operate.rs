//! Operating a cluster's executions: listing them, relaunching and recovering one,
//! turning a launch plan on and off, and the signals (gates) an execution waits on.

use std::time::{Duration, SystemTime};

use super::{Phase, Remote, RemoteError, WorkflowExecutionIdentifier, api, call_failed};
use crate::idl::admin_nodes as nodes;
use crate::idl::core::{Identifier, Literal, LiteralType};

/// One execution as listed: what it runs, how it is doing, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecutionSummary {
    /// Its identifier.
    pub id: WorkflowExecutionIdentifier,
    /// The launch plan it was started from.
    pub launch_plan: String,
    /// The workflow it runs.
    pub workflow: String,
    /// Its phase.
    pub phase: Phase,
    /// When it was created.
    pub created_at: Option<SystemTime>,
    /// When it started running.
    pub started_at: Option<SystemTime>,
    /// How long it ran (so far, for a running one, as flyteadmin last saw it).
    pub duration: Option<Duration>,
    /// Its error message, when it failed.
    pub error: Option<String>,
}

/// Which executions [`Remote::executions`] lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutionQuery {
    /// Only those of this workflow (its full name).
    pub workflow: Option<String>,
    /// Only those in this phase.
    pub phase: Option<Phase>,
    /// At most this many (the newest); 0 means 20.
    pub limit: usize,
}

pub(crate) fn time(t: &Option<prost_types::Timestamp>) -> Option<SystemTime> {
    let t = t.as_ref()?;
    let nanos = u32::try_from(t.nanos).ok()?;
    crate::types::from_unix(t.seconds, nanos)
}

pub(crate) fn span(d: &Option<prost_types::Duration>) -> Option<Duration> {
    let d = d.as_ref()?;
    Some(Duration::new(
        u64::try_from(d.seconds).ok()?,
        u32::try_from(d.nanos).ok()?,
    ))
}

fn summary(e: api::Execution) -> ExecutionSummary {
    let closure = e.closure.unwrap_or_default();
    let plan = e.spec.and_then(|s| s.launch_plan).unwrap_or_default();
    ExecutionSummary {
        id: e.id.unwrap_or_default(),
        launch_plan: plan.name,
        workflow: closure.workflow_id.clone().unwrap_or_default().name,
        phase: Phase::of(closure.phase),
        created_at: time(&closure.created_at),
        started_at: time(&closure.started_at),
        duration: span(&closure.duration),
        error: closure.error.map(|e| e.message),
    }
}

/// A signal an execution waits on (an approval or an input gate), with its type
/// and its value once given.
#[derive(Clone, Debug, PartialEq)]
pub struct SignalState {
    /// The gate's name.
    pub name: String,
    /// The value's Flyte type.
    pub ty: Option<LiteralType>,
    /// The value, once set.
    pub value: Option<Literal>,
}

const SIGNAL_SERVICE: &str = "/flyteidl.service.SignalService/";

impl Remote {
    /// The newest executions of `project`/`domain` that `query` asks for, newest
    /// first, following flyteadmin's pages until the limit.
    pub async fn executions(
        &self,
        project: &str,
        domain: &str,
        query: &ExecutionQuery,
    ) -> Result<Vec<ExecutionSummary>, RemoteError> {
        let limit = if query.limit == 0 { 20 } else { query.limit };
        let mut filters = Vec::new();
        if let Some(w) = &query.workflow {
            filters.push(format!("eq(workflow.name,{w})"));
        }
        if let Some(p) = query.phase {
            filters.push(format!("eq(phase,{p})"));
        }
        let mut found = Vec::new();
        let mut token = String::new();
        loop {
            let request = nodes::ResourceListRequest {
                id: Some(nodes::NamedEntityIdentifier {
                    project: project.to_string(),
                    domain: domain.to_string(),
                    name: String::new(),
                }),
                limit: u32::try_from(limit - found.len())
                    .unwrap_or(u32::MAX)
                    .min(100),
                token: token.clone(),
                filters: filters.join("+"),
                sort_by: Some(nodes::Sort {
                    key: "created_at".to_string(),
                    direction: 0,
                }),
            };
            let page: nodes::ExecutionList =
                self.call("ListExecutions", request)
                    .await
                    .map_err(call_failed(
                        "ListExecutions",
                        format!("of {project}/{domain}"),
                    ))?;
            found.extend(page.executions.into_iter().map(summary));
            if page.token.is_empty() || found.len() >= limit {
                found.truncate(limit);
                return Ok(found);
            }
            token = page.token;
        }
    }

    /// Starts the execution again with the same inputs under a new name (`name`
    /// empty: flyteadmin makes one up).
    pub async fn relaunch(
        &self,
        execution: &WorkflowExecutionIdentifier,
        name: &str,
    ) -> Result<WorkflowExecutionIdentifier, RemoteError> {
        let request = nodes::ExecutionRelaunchRequest {
            id: Some(execution.clone()),
            name: name.to_string(),
            overwrite_cache: false,
        };
        let made: api::ExecutionCreateResponse = self
            .call("RelaunchExecution", request)
            .await
            .map_err(call_failed(
                "RelaunchExecution",
                format!("`{}`", execution.name),
            ))?;
        Ok(made.id.unwrap_or_default())
    }

    /// Recovers a failed execution: a new one that reuses what succeeded in it and
    /// runs the rest (flyteadmin's recover).
    pub async fn recover(
        &self,
        execution: &WorkflowExecutionIdentifier,
        name: &str,
    ) -> Result<WorkflowExecutionIdentifier, RemoteError> {
        let request = nodes::ExecutionRecoverRequest {
            id: Some(execution.clone()),
            name: name.to_string(),
            metadata: Some(api::ExecutionMetadata {
                mode: 0,
                principal: "flyte-rs".to_string(),
                nesting: 0,
            }),
        };
        let made: api::ExecutionCreateResponse = self
            .call("RecoverExecution", request)
            .await
            .map_err(call_failed(
                "RecoverExecution",
                format!("`{}`", execution.name),
            ))?;
        Ok(made.id.unwrap_or_default())
    }

    /// Makes a registered launch plan active (its schedule runs) or inactive.
    pub async fn set_active(&self, plan: &Identifier, active: bool) -> Result<(), RemoteError> {
        let request = api::LaunchPlanUpdateRequest {
            id: Some(plan.clone()),
            state: i32::from(active),
        };
        self.call::<_, api::Empty>("UpdateLaunchPlan", request)
            .await
            .map(|_| ())
            .map_err(call_failed(
                "UpdateLaunchPlan",
                format!("launch plan `{}`", plan.name),
            ))
    }

    /// The newest registered version of launch plan `name`.
    pub async fn latest_launch_plan(
        &self,
        project: &str,
        domain: &str,
        name: &str,
    ) -> Result<Identifier, RemoteError> {
        let request = nodes::ResourceListRequest {
            id: Some(nodes::NamedEntityIdentifier {
                project: project.to_string(),
                domain: domain.to_string(),
                name: name.to_string(),
            }),
            limit: 1,
            token: String::new(),
            filters: String::new(),
            sort_by: Some(nodes::Sort {
                key: "created_at".to_string(),
                direction: 0,
            }),
        };
        let page: nodes::LaunchPlanList = self
            .call("ListLaunchPlans", request)
            .await
            .map_err(call_failed("ListLaunchPlans", format!("`{name}`")))?;
        page.launch_plans
            .into_iter()
            .find_map(|p| p.id)
            .ok_or_else(|| RemoteError::NotFound {
                what: format!("launch plan `{name}` in {project}/{domain}"),
            })
    }

    /// The signals `execution` has asked for: its gates, given or not.
    pub async fn signals(
        &self,
        execution: &WorkflowExecutionIdentifier,
    ) -> Result<Vec<SignalState>, RemoteError> {
        let request = nodes::SignalListRequest {
            workflow_execution_id: Some(execution.clone()),
            limit: 100,
            token: String::new(),
        };
        let list: nodes::SignalList = self
            .call_service(&format!("{SIGNAL_SERVICE}ListSignals"), request)
            .await
            .map_err(call_failed(
                "ListSignals",
                format!("of `{}`", execution.name),
            ))?;
        Ok(list
            .signals
            .into_iter()
            .map(|s| SignalState {
                name: s.id.map(|i| i.signal_id).unwrap_or_default(),
                ty: s.r#type,
                value: s.value,
            })
            .collect())
    }

    /// Gives gate `name` of `execution` its value (an approval is a boolean).
    pub async fn set_signal(
        &self,
        execution: &WorkflowExecutionIdentifier,
        name: &str,
        value: Literal,
    ) -> Result<(), RemoteError> {
        let request = nodes::SignalSetRequest {
            id: Some(nodes::SignalIdentifier {
                signal_id: name.to_string(),
                execution_id: Some(execution.clone()),
            }),
            value: Some(value),
        };
        self.call_service::<_, api::Empty>(&format!("{SIGNAL_SERVICE}SetSignal"), request)
            .await
            .map(|_| ())
            .map_err(call_failed(
                "SetSignal",
                format!("`{name}` of `{}`", execution.name),
            ))
    }
}
