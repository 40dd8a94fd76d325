//! The HTML run report of an execution on the cluster: the page a local run writes
//! (`run --report`), made from what flyteadmin recorded of each node.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::nodes::NodeRun;
use super::operate::{span, time};
use super::{Phase, Remote, RemoteError, WorkflowExecutionIdentifier, call_failed};
use crate::execution::{
    AttemptOutcome, AttemptRecord, NodeRecord, NodeStatus, Report, RunEnd, RunObserver,
};
use crate::idl::admin_service as api;
use crate::idl::core::LiteralMap;
use crate::workflow::WorkflowSpec;

/// A node's status as the report shows it.
fn status(phase: &str) -> NodeStatus {
    match phase {
        "SUCCEEDED" => NodeStatus::Succeeded,
        "RECOVERED" => NodeStatus::Cached,
        "SKIPPED" => NodeStatus::Skipped,
        "ABORTED" => NodeStatus::Cancelled,
        _ => NodeStatus::Failed,
    }
}

/// A literal map as the JSON object `run` prints (`None` when empty).
fn json(map: &LiteralMap) -> Option<serde_json::Value> {
    let values: serde_json::Map<String, serde_json::Value> = map
        .literals
        .iter()
        .map(|(k, v)| {
            let value = crate::idl::literal_from_idl(v)
                .map(|l| l.to_json())
                .unwrap_or_else(|e| serde_json::Value::String(format!("<{e}>")));
            (k.clone(), value)
        })
        .collect();
    (!values.is_empty()).then_some(serde_json::Value::Object(values))
}

impl Remote {
    /// The name of the workflow `execution` runs.
    pub async fn executions_workflow(
        &self,
        execution: &WorkflowExecutionIdentifier,
    ) -> Result<String, RemoteError> {
        let closure = self.get(execution).await?.closure.unwrap_or_default();
        Ok(closure.workflow_id.unwrap_or_default().name)
    }

    /// Writes the run report of `execution` (of the workflow `spec`, whose graph the
    /// page draws) to `path`: each ended node with its attempts, error, inputs and
    /// outputs, as a local run's `--report` writes it. Nodes still running are left
    /// out.
    pub async fn write_report(
        &self,
        execution: &WorkflowExecutionIdentifier,
        spec: &'static WorkflowSpec,
        path: &Path,
    ) -> Result<PathBuf, RemoteError> {
        let report = Report::to_file(path);
        report.run_started(spec, &execution.name);
        let nodes = self.nodes(execution).await?;
        let mut flat = Vec::new();
        flatten(&nodes, "", &mut flat);
        for (path_in_run, node) in flat {
            if matches!(
                node.phase,
                "QUEUED" | "RUNNING" | "UNDEFINED" | "DYNAMIC_RUNNING"
            ) {
                continue;
            }
            let record = self.record(execution, spec, &path_in_run, node).await?;
            report.node_finished(&record);
        }
        let closure = self.get(execution).await?.closure.unwrap_or_default();
        let data: api::ExecutionDataResponse = self
            .call(
                "GetExecutionData",
                api::ExecutionIdRequest {
                    id: Some(execution.clone()),
                },
            )
            .await
            .map_err(call_failed(
                "GetExecutionData",
                format!("`{}`", execution.name),
            ))?;
        let phase = Phase::of(closure.phase);
        let error = match phase {
            Phase::Succeeded => None,
            _ => Some(
                closure
                    .error
                    .map(|e| e.message)
                    .unwrap_or_else(|| format!("{phase}")),
            ),
        };
        report.run_finished(&RunEnd {
            spec,
            execution_id: &execution.name,
            started_at: time(&closure.started_at).unwrap_or(SystemTime::UNIX_EPOCH),
            duration: span(&closure.duration).unwrap_or_default(),
            inputs: data.full_inputs.as_ref().and_then(json),
            outputs: data.full_outputs.as_ref().and_then(json),
            error,
        });
        match report.written() {
            Some(Ok(written)) => Ok(written),
            Some(Err(reason)) => Err(RemoteError::Upload {
                file: path.display().to_string(),
                reason,
            }),
            None => Err(RemoteError::NotFound {
                what: "report page".to_string(),
            }),
        }
    }

    async fn record(
        &self,
        execution: &WorkflowExecutionIdentifier,
        spec: &WorkflowSpec,
        path_in_run: &str,
        node: &NodeRun,
    ) -> Result<NodeRecord, RemoteError> {
        let id = super::NodeExecutionIdentifier {
            node_id: node.id.clone(),
            execution_id: Some(execution.clone()),
        };
        let (inputs, outputs) = self.node_data(&id).await?;
        let task = node
            .attempts
            .last()
            .and_then(|a| a.task.as_ref())
            .map(|t| t.name.clone())
            .unwrap_or_default();
        let mut record = NodeRecord::new(
            format!("{}/{path_in_run}", spec.name),
            task,
            status(node.phase),
            u32::try_from(node.attempts.len()).unwrap_or(u32::MAX),
            node.duration.unwrap_or_default(),
        );
        let started = node.started_at.unwrap_or(SystemTime::UNIX_EPOCH);
        record.started_at = started;
        record.reason = node.error.clone();
        record.inputs = json(&inputs);
        record.outputs = json(&outputs);
        record.attempt_log = node
            .attempts
            .iter()
            .map(|a| AttemptRecord {
                number: a.retry + 1,
                offset: a
                    .started_at
                    .and_then(|t| t.duration_since(started).ok())
                    .unwrap_or(Duration::ZERO),
                duration: a.duration.unwrap_or_default(),
                outcome: match (&a.error, a.phase) {
                    (Some(e), _) => AttemptOutcome::Failed(e.clone()),
                    (None, "SUCCEEDED") => AttemptOutcome::Succeeded,
                    (None, phase) => AttemptOutcome::Failed(phase.to_string()),
                },
            })
            .collect();
        Ok(record)
    }
}

/// Every node, children after their parent, with its path in the run (`n1/n0` for a
/// child of `n1`).
fn flatten<'a>(nodes: &'a [NodeRun], prefix: &str, out: &mut Vec<(String, &'a NodeRun)>) {
    for node in nodes {
        let path = if prefix.is_empty() {
            node.id.clone()
        } else {
            format!("{prefix}/{}", node.id)
        };
        out.push((path.clone(), node));
        flatten(&node.children, &path, out);
    }
}
