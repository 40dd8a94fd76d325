//! A run's report: one self-contained HTML page (no server, nothing loaded from the
//! network) with the graph coloured by status, a timeline of node attempts, each
//! node's inputs, outputs, errors and decks, and the run's totals.
//!
//! [`Report`] is a [`RunObserver`]: give it to a run with [`RunOptions::report`]
//! (or `run --report report.html` on the command line) and the page is written when
//! the run ends, however it ends.
//!
//! Limits, so that a run of 10,000 nodes stays usable: the table and timeline show
//! 200 rows at a time (filtered by text and status, paged); each input or output
//! value is cut to 4 KiB of JSON on the page and each node's decks to 256 KiB; the
//! graph shows the top workflow's nodes (a subworkflow, branch or map task is one
//! box with its nodes' counts) and is left out past 2,000 of them.

mod graph;
mod page;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use super::{NodeRecord, NodeStatus, RunEnd, RunObserver, RunOptions};
use crate::workflow::WorkflowSpec;

/// Collects a run's nodes and writes its HTML page when the run ends.
///
/// ```no_run
/// # extern crate flytekit_core as flytekit;
/// use std::sync::Arc;
/// use flytekit::execution::{Report, RunOptions};
///
/// // The page is written to report.html when the run ends:
/// let options = RunOptions::default().report("report.html");
/// // Or kept in memory:
/// let report = Arc::new(Report::in_memory());
/// let options = RunOptions::default().observe(report.clone());
/// // ... run, then `report.html()`.
/// ```
#[derive(Debug, Default)]
pub struct Report {
    file: Option<PathBuf>,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The run's graph and execution id, once it started.
    run: Option<(&'static WorkflowSpec, String, SystemTime)>,
    records: Vec<NodeRecord>,
    /// How each map task ended, by path.
    maps: std::collections::HashMap<String, bool>,
    /// Started and not ended: path to task and start.
    running: BTreeMap<String, (String, SystemTime)>,
    page: Option<String>,
    written: Option<Result<PathBuf, String>>,
}

/// How the run ended, as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RunStatus {
    Succeeded,
    Failed,
    Skipped,
    Stopped,
}

impl RunStatus {
    fn as_str(self) -> &'static str {
        match self {
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Skipped => "skipped",
            RunStatus::Stopped => "stopped",
        }
    }
}

/// Everything the page is made from.
pub(crate) struct RunView<'a> {
    pub(crate) spec: &'a WorkflowSpec,
    pub(crate) execution_id: &'a str,
    pub(crate) started_at: SystemTime,
    pub(crate) duration: Duration,
    pub(crate) status: RunStatus,
    pub(crate) error: Option<&'a str>,
    pub(crate) inputs: Option<&'a serde_json::Value>,
    pub(crate) outputs: Option<&'a serde_json::Value>,
    pub(crate) records: &'a [NodeRecord],
    /// How each map task ended, by path (it may succeed with failed items).
    pub(crate) maps: &'a std::collections::HashMap<String, bool>,
}

impl Report {
    /// A report kept in memory: read it with [`Report::html`] after the run.
    pub fn in_memory() -> Self {
        Report::default()
    }

    /// A report written to `path` when the run ends.
    pub fn to_file(path: impl Into<PathBuf>) -> Self {
        Report {
            file: Some(path.into()),
            ..Report::default()
        }
    }

    /// The page, once the run ended.
    pub fn html(&self) -> Option<String> {
        self.lock().page.clone()
    }

    /// Where the page was written, or why it could not be, once the run ended.
    pub fn written(&self) -> Option<Result<PathBuf, String>> {
        self.lock().written.clone()
    }

    /// Ends the report of a run that was stopped before its end (Ctrl-C): nodes still
    /// running show as cancelled, with `reason`. Does nothing if the run did not start
    /// or already ended.
    pub fn stopped(&self, reason: &str) {
        let mut state = self.lock();
        let Some((spec, execution_id, started_at)) = state.run.clone() else {
            return;
        };
        if state.page.is_some() {
            return;
        }
        let now = SystemTime::now();
        let running = std::mem::take(&mut state.running);
        for (path, (task, started_at)) in running {
            let mut record = NodeRecord::new(
                path,
                task,
                NodeStatus::Cancelled,
                1,
                now.duration_since(started_at).unwrap_or_default(),
            )
            .with_reason(reason);
            record.started_at = started_at;
            state.records.push(record);
        }
        let view = RunView {
            spec,
            execution_id: &execution_id,
            started_at,
            duration: now.duration_since(started_at).unwrap_or_default(),
            status: RunStatus::Stopped,
            error: Some(reason),
            inputs: None,
            outputs: None,
            records: &state.records,
            maps: &state.maps,
        };
        let html = page::render(&view);
        self.publish(&mut state, html);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn publish(&self, state: &mut State, html: String) {
        if let Some(path) = &self.file {
            let written = write_page(path, &html);
            if let Err(e) = &written {
                tracing::error!("cannot write the run report: {e}");
            }
            state.written = Some(written);
        }
        state.page = Some(html);
    }
}

fn write_page(path: &Path, html: &str) -> Result<PathBuf, String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("`{}`: {e}", parent.display()))?;
    }
    std::fs::write(path, html).map_err(|e| format!("`{}`: {e}", path.display()))?;
    Ok(path.to_path_buf())
}

impl RunObserver for Report {
    fn run_started(&self, spec: &'static WorkflowSpec, execution_id: &str) {
        let mut state = self.lock();
        // A report is of one run: the first it hears of.
        if state.run.is_none() {
            state.run = Some((spec, execution_id.to_string(), SystemTime::now()));
        }
    }

    fn node_started(&self, path: &str, task: &str) {
        self.lock()
            .running
            .insert(path.to_string(), (task.to_string(), SystemTime::now()));
    }

    fn node_finished(&self, record: &NodeRecord) {
        let mut state = self.lock();
        state.running.remove(&record.path);
        state.records.push(record.clone());
    }

    fn wants_values(&self) -> bool {
        true
    }

    fn map_finished(&self, path: &str, succeeded: bool) {
        self.lock().maps.insert(path.to_string(), succeeded);
    }

    fn run_finished(&self, run: &RunEnd<'_>) {
        let mut state = self.lock();
        let status = match &run.error {
            None => RunStatus::Succeeded,
            Some(_) if state.records.iter().any(|r| r.status == NodeStatus::Failed) => {
                RunStatus::Failed
            }
            Some(_)
                if state
                    .records
                    .iter()
                    .any(|r| r.status == NodeStatus::Skipped) =>
            {
                RunStatus::Skipped
            }
            Some(_) => RunStatus::Failed,
        };
        let view = RunView {
            spec: run.spec,
            execution_id: run.execution_id,
            started_at: run.started_at,
            duration: run.duration,
            status,
            error: run.error.as_deref(),
            inputs: run.inputs.as_ref(),
            outputs: run.outputs.as_ref(),
            records: &state.records,
            maps: &state.maps,
        };
        let html = page::render(&view);
        self.publish(&mut state, html);
    }
}

impl RunOptions {
    /// Writes the run's [`Report`] page to `path` when the run ends (also when it
    /// fails).
    pub fn report(self, path: impl Into<PathBuf>) -> Self {
        self.observe(std::sync::Arc::new(Report::to_file(path)))
    }
}
