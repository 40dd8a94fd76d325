//! An execution's nodes as flyteadmin records them: each node's phase, attempts
//! (task executions, with their errors and log links), and children (of subworkflow,
//! dynamic and map nodes), and one node's inputs and outputs.

use std::time::{Duration, SystemTime};

use super::operate::{span, time};
use super::{Remote, RemoteError, WorkflowExecutionIdentifier, call_failed};
use crate::idl::admin_nodes as api;
use crate::idl::core::{Identifier, LiteralMap};

pub use crate::idl::admin_nodes::NodeExecutionIdentifier;

/// One node of a remote execution.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRun {
    /// Its id in the execution (`n0`; a child's is prefixed with its parent's).
    pub id: String,
    /// Its phase (`SUCCEEDED`, `FAILED`, ...).
    pub phase: &'static str,
    /// When it started.
    pub started_at: Option<SystemTime>,
    /// How long it ran.
    pub duration: Option<Duration>,
    /// Its error message, when it failed.
    pub error: Option<String>,
    /// Where its inputs are (`inputs.pb`).
    pub input_uri: String,
    /// Its attempts, first first (none for a node that runs no task).
    pub attempts: Vec<AttemptRun>,
    /// Its children: the nodes of a subworkflow, a dynamic task or a map.
    pub children: Vec<NodeRun>,
}

/// One attempt of a task node.
#[derive(Clone, Debug, PartialEq)]
pub struct AttemptRun {
    /// 0 for the first.
    pub retry: u32,
    /// The task it ran.
    pub task: Option<Identifier>,
    /// Its phase.
    pub phase: &'static str,
    /// When it started.
    pub started_at: Option<SystemTime>,
    /// How long it ran.
    pub duration: Option<Duration>,
    /// Its error message, when it failed.
    pub error: Option<String>,
    /// Its log links: name and URL.
    pub logs: Vec<(String, String)>,
    /// Where its inputs are.
    pub input_uri: String,
}

/// A node's phase by name (`flyteidl.core.NodeExecution.Phase`).
fn node_phase(code: i32) -> &'static str {
    match code {
        1 => "QUEUED",
        2 => "RUNNING",
        3 => "SUCCEEDED",
        4 => "FAILING",
        5 => "FAILED",
        6 => "ABORTED",
        7 => "SKIPPED",
        8 => "TIMED_OUT",
        9 => "DYNAMIC_RUNNING",
        10 => "RECOVERED",
        _ => "UNDEFINED",
    }
}

/// A task attempt's phase by name (`flyteidl.core.TaskExecution.Phase`).
fn task_phase(code: i32) -> &'static str {
    match code {
        1 => "QUEUED",
        2 => "RUNNING",
        3 => "SUCCEEDED",
        4 => "ABORTED",
        5 => "FAILED",
        6 => "INITIALIZING",
        7 => "WAITING_FOR_RESOURCES",
        _ => "UNDEFINED",
    }
}

/// Nodes flyteadmin lists but nobody looks for: the start and end markers.
fn shown(node: &api::NodeExecution) -> bool {
    let id = node
        .id
        .as_ref()
        .map(|i| i.node_id.as_str())
        .unwrap_or_default();
    id != "start-node" && id != "end-node"
}

impl Remote {
    /// The nodes of `execution` with their attempts and children, in the order
    /// flyteadmin lists them (by creation).
    pub async fn nodes(
        &self,
        execution: &WorkflowExecutionIdentifier,
    ) -> Result<Vec<NodeRun>, RemoteError> {
        self.nodes_under(execution, "").await
    }

    async fn nodes_under(
        &self,
        execution: &WorkflowExecutionIdentifier,
        parent: &str,
    ) -> Result<Vec<NodeRun>, RemoteError> {
        let mut out = Vec::new();
        let mut token = String::new();
        loop {
            let request = api::NodeExecutionListRequest {
                workflow_execution_id: Some(execution.clone()),
                limit: 100,
                token: token.clone(),
                filters: String::new(),
                sort_by: Some(api::Sort {
                    key: "created_at".to_string(),
                    direction: 1,
                }),
                unique_parent_id: parent.to_string(),
            };
            let page: api::NodeExecutionList = self
                .call("ListNodeExecutions", request)
                .await
                .map_err(call_failed(
                    "ListNodeExecutions",
                    format!("of `{}`", execution.name),
                ))?;
            for node in page.node_executions.into_iter().filter(shown) {
                out.push(Box::pin(self.node_run(execution, node)).await?);
            }
            if page.token.is_empty() {
                return Ok(out);
            }
            token = page.token;
        }
    }

    async fn node_run(
        &self,
        execution: &WorkflowExecutionIdentifier,
        node: api::NodeExecution,
    ) -> Result<NodeRun, RemoteError> {
        let id = node.id.clone().unwrap_or_default();
        let closure = node.closure.unwrap_or_default();
        let meta = node.metadata.unwrap_or_default();
        let children = if meta.is_parent_node || meta.is_dynamic || meta.is_array {
            self.nodes_under(execution, &id.node_id).await?
        } else {
            Vec::new()
        };
        Ok(NodeRun {
            attempts: self.attempts(&id).await?,
            id: id.node_id,
            phase: node_phase(closure.phase),
            started_at: time(&closure.started_at),
            duration: span(&closure.duration),
            error: closure.error.map(|e| e.message),
            input_uri: node.input_uri,
            children,
        })
    }

    /// The task executions (attempts) of one node.
    async fn attempts(
        &self,
        node: &NodeExecutionIdentifier,
    ) -> Result<Vec<AttemptRun>, RemoteError> {
        let request = api::TaskExecutionListRequest {
            node_execution_id: Some(node.clone()),
            limit: 100,
            token: String::new(),
            filters: String::new(),
            sort_by: None,
        };
        let list: api::TaskExecutionList =
            self.call("ListTaskExecutions", request)
                .await
                .map_err(call_failed(
                    "ListTaskExecutions",
                    format!("of node `{}`", node.node_id),
                ))?;
        let mut attempts: Vec<AttemptRun> = list
            .task_executions
            .into_iter()
            .map(|t| {
                let id = t.id.unwrap_or_default();
                let closure = t.closure.unwrap_or_default();
                AttemptRun {
                    retry: id.retry_attempt,
                    task: id.task_id,
                    phase: task_phase(closure.phase),
                    started_at: time(&closure.started_at),
                    duration: span(&closure.duration),
                    error: closure.error.map(|e| e.message),
                    logs: closure.logs.into_iter().map(|l| (l.name, l.uri)).collect(),
                    input_uri: t.input_uri,
                }
            })
            .collect();
        attempts.sort_by_key(|a| a.retry);
        Ok(attempts)
    }

    /// One node's inputs and outputs (empty when it has none yet), read from where
    /// flyteadmin says when it does not send them inline; offloaded literals in them
    /// are read from their objects.
    pub async fn node_data(
        &self,
        node: &NodeExecutionIdentifier,
    ) -> Result<(LiteralMap, LiteralMap), RemoteError> {
        let request = api::NodeExecutionGetDataRequest {
            id: Some(node.clone()),
        };
        let data: api::NodeExecutionGetDataResponse = self
            .call("GetNodeExecutionData", request)
            .await
            .map_err(call_failed(
                "GetNodeExecutionData",
                format!("of node `{}`", node.node_id),
            ))?;
        let inputs = self
            .whole(data.full_inputs, data.inputs, &node.node_id)
            .await?;
        let outputs = self
            .whole(data.full_outputs, data.outputs, &node.node_id)
            .await?;
        Ok((inputs, outputs))
    }

    /// The task node `node_id` of `execution`'s workflow runs, as its spec says, and
    /// whether it runs it per item of lists (a map task's array node); `None` for a
    /// node that runs no task or is not in the workflow's own nodes.
    pub async fn node_task(
        &self,
        execution: &WorkflowExecutionIdentifier,
        node_id: &str,
    ) -> Result<Option<(Identifier, bool)>, RemoteError> {
        use crate::idl::core::node::Target;
        let workflow_id = self
            .get(execution)
            .await?
            .closure
            .unwrap_or_default()
            .workflow_id;
        let request = api::ObjectGetRequest { id: workflow_id };
        let workflow: api::Workflow =
            self.call("GetWorkflow", request)
                .await
                .map_err(call_failed(
                    "GetWorkflow",
                    format!("of `{}`", execution.name),
                ))?;
        let template = workflow
            .closure
            .and_then(|c| c.compiled_workflow)
            .and_then(|c| c.primary)
            .and_then(|p| p.template)
            .unwrap_or_default();
        let Some(node) = template.nodes.into_iter().find(|n| n.id == node_id) else {
            return Ok(None);
        };
        Ok(match node.target {
            Some(Target::TaskNode(t)) => t.reference_id.map(|id| (id, false)),
            Some(Target::ArrayNode(array)) => match array.node.and_then(|n| n.target) {
                Some(Target::TaskNode(t)) => t.reference_id.map(|id| (id, true)),
                _ => None,
            },
            _ => None,
        })
    }

    /// The literal map at `uri` (an `inputs.pb` or `outputs.pb` where Flyte keeps
    /// it), offloaded literals in it read from their objects.
    pub async fn read_literal_map(&self, uri: &str) -> Result<LiteralMap, RemoteError> {
        let at = crate::idl::admin_service::UrlBlob {
            url: uri.to_string(),
            bytes: 0,
        };
        let unreadable = |reason: String| RemoteError::NotFound {
            what: format!("readable literal map at `{uri}` ({reason})"),
        };
        self.literal_map_from(None, Some(at), unreadable).await
    }

    async fn whole(
        &self,
        inline: Option<LiteralMap>,
        at: Option<crate::idl::admin_service::UrlBlob>,
        node: &str,
    ) -> Result<LiteralMap, RemoteError> {
        let unreadable = |reason: String| RemoteError::NotFound {
            what: format!("readable data of node `{node}` ({reason})"),
        };
        self.literal_map_from(inline, at, unreadable).await
    }
}
