//! Watching a run: [`RunObserver`] hears of each task node as it starts and ends;
//! [`RunSummary`] collects them into the table printed after a run.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::task::Deck;
use crate::types::Literal;

/// How a task node ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeStatus {
    /// It ran and returned outputs.
    Succeeded,
    /// Its outputs came from the cache; the task did not run.
    Cached,
    /// Its last attempt failed.
    Failed,
    /// It did not produce outputs: a sensor's `soft_fail`, or an upstream node was
    /// skipped.
    Skipped,
    /// It was running when the run was stopped (Ctrl-C, SIGTERM).
    Cancelled,
}

impl fmt::Display for NodeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NodeStatus::Succeeded => "succeeded",
            NodeStatus::Cached => "cached",
            NodeStatus::Failed => "failed",
            NodeStatus::Skipped => "skipped",
            NodeStatus::Cancelled => "cancelled",
        })
    }
}

/// One task node (or map-task item) of a run, once it ended.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct NodeRecord {
    /// The node's path from the top workflow (`wf/n0`, `outer/n2/inner/n0`), with
    /// `[i]` for item `i` of a map task.
    pub path: String,
    /// The task.
    pub task: String,
    /// How it ended.
    pub status: NodeStatus,
    /// Attempts made (0 when cached).
    pub attempts: u32,
    /// Wall time from start to end, retries included.
    pub duration: Duration,
    /// When it started.
    pub started_at: SystemTime,
    /// Each attempt made, first first (empty when cached or never started).
    pub attempt_log: Vec<AttemptRecord>,
    /// Why it failed (the last attempt's error and its causes) or was skipped.
    pub reason: Option<String>,
    /// Its inputs as a JSON object by name, as `run` prints values; only when an
    /// observer asked for values ([`RunObserver::wants_values`]).
    pub inputs: Option<serde_json::Value>,
    /// Its outputs, the same way, when it produced them.
    pub outputs: Option<serde_json::Value>,
    /// The decks its last attempt wrote ([`ExecutionContext::deck`](crate::task::ExecutionContext::deck)).
    pub decks: Vec<Deck>,
    /// The task's input and output names in declared order (the JSON objects above
    /// are sorted by name), for the report.
    pub(crate) order: ValueOrder,
}

/// Names in the order a task declares them.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ValueOrder {
    pub(crate) inputs: Vec<String>,
    pub(crate) outputs: Vec<String>,
}

impl NodeRecord {
    /// A record with no attempts, values or decks, started now.
    pub fn new(
        path: impl Into<String>,
        task: impl Into<String>,
        status: NodeStatus,
        attempts: u32,
        duration: Duration,
    ) -> Self {
        NodeRecord {
            path: path.into(),
            task: task.into(),
            status,
            attempts,
            duration,
            started_at: SystemTime::now(),
            attempt_log: Vec::new(),
            reason: None,
            inputs: None,
            outputs: None,
            decks: Vec::new(),
            order: ValueOrder::default(),
        }
    }

    /// The same record with a reason.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

/// One attempt of a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptRecord {
    /// 1 for the first attempt.
    pub number: u32,
    /// When it began, after the node's start.
    pub offset: Duration,
    /// How long it ran.
    pub duration: Duration,
    /// How it ended.
    pub outcome: AttemptOutcome,
}

/// How an attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// With outputs.
    Succeeded,
    /// With this error (and its causes).
    Failed(String),
    /// The task asked to be skipped, for this reason.
    Skipped(String),
}

/// A JSON object of `names` to the values of `literals`, as `run` prints them.
pub(crate) fn named_json(names: &[&str], literals: &[Literal]) -> serde_json::Value {
    serde_json::Value::Object(
        names
            .iter()
            .zip(literals)
            .map(|(n, l)| (n.to_string(), l.to_json()))
            .collect(),
    )
}

/// Hears of a run's task nodes as they start and end. Calls come from the executor's
/// tasks, concurrently; keep them short.
pub trait RunObserver: Send + Sync {
    /// A task node (or map item) is starting; `path` as in [`NodeRecord::path`].
    fn node_started(&self, path: &str, task: &str) {
        let _ = (path, task);
    }
    /// A task node (or map item) ended.
    fn node_finished(&self, record: &NodeRecord);
    /// A map task's items ended (their records came first): `succeeded` says whether
    /// enough of them succeeded (`min_success_ratio`) for the node to succeed.
    fn map_finished(&self, path: &str, succeeded: bool) {
        let _ = (path, succeeded);
    }
    /// Whether records should carry the nodes' inputs and outputs (which costs a
    /// conversion per node); `false` unless overridden.
    fn wants_values(&self) -> bool {
        false
    }
    /// The run is starting: its graph and execution id. Called once, before any node.
    fn run_started(&self, spec: &'static crate::workflow::WorkflowSpec, execution_id: &str) {
        let _ = (spec, execution_id);
    }
    /// The run ended (also when it failed or was stopped): its outcome and the
    /// workflow's graph. Called once, after every node's record.
    fn run_finished(&self, run: &RunEnd<'_>) {
        let _ = run;
    }
}

/// How a run ended, for [`RunObserver::run_finished`].
#[derive(Debug)]
#[non_exhaustive]
pub struct RunEnd<'a> {
    /// The workflow's graph.
    pub spec: &'a crate::workflow::WorkflowSpec,
    /// The execution id.
    pub execution_id: &'a str,
    /// When it started.
    pub started_at: SystemTime,
    /// How long it ran.
    pub duration: Duration,
    /// The workflow's inputs and outputs by name, as JSON (outputs when it succeeded),
    /// when an observer wants values.
    pub inputs: Option<serde_json::Value>,
    /// See [`RunEnd::inputs`].
    pub outputs: Option<serde_json::Value>,
    /// Its error with causes, when it failed or was skipped. (A run stopped by a
    /// signal never gets here: its future is dropped; [`Report::stopped`] writes
    /// its page.)
    ///
    /// [`Report::stopped`]: super::Report::stopped
    pub error: Option<String>,
}

/// The observers of a run.
#[derive(Clone, Default)]
pub(crate) struct Observers(pub(crate) Vec<Arc<dyn RunObserver>>);

impl Observers {
    pub(crate) fn started(&self, path: &str, task: &str) {
        for o in &self.0 {
            o.node_started(path, task);
        }
    }
    pub(crate) fn finished(&self, record: NodeRecord) {
        for o in &self.0 {
            o.node_finished(&record);
        }
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub(crate) fn wants_values(&self) -> bool {
        self.0.iter().any(|o| o.wants_values())
    }
    pub(crate) fn map_finished(&self, path: &str, succeeded: bool) {
        for o in &self.0 {
            o.map_finished(path, succeeded);
        }
    }
    pub(crate) fn run_started(&self, spec: &'static crate::workflow::WorkflowSpec, id: &str) {
        for o in &self.0 {
            o.run_started(spec, id);
        }
    }
    pub(crate) fn run_finished(&self, run: &RunEnd<'_>) {
        for o in &self.0 {
            o.run_finished(run);
        }
    }
}

impl fmt::Debug for Observers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} observer(s)", self.0.len())
    }
}

/// Collects every [`NodeRecord`] of a run; its `Display` is a table with one row per
/// node: status, attempts, duration, path and task.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use std::sync::Arc;
/// use flytekit::execution::{RunOptions, RunSummary};
///
/// let summary = Arc::new(RunSummary::default());
/// let options = RunOptions::default().observe(summary.clone());
/// // ... run a workflow with `options`, then:
/// println!("{summary}");
/// ```
#[derive(Debug, Default)]
pub struct RunSummary {
    records: Mutex<Vec<NodeRecord>>,
    /// Started and not ended: path to task and start.
    running: Mutex<std::collections::BTreeMap<String, (String, std::time::Instant)>>,
    /// How each map task ended, by path.
    maps: Mutex<std::collections::HashMap<String, bool>>,
}

impl RunSummary {
    /// The records so far, in the order the nodes ended.
    pub fn records(&self) -> Vec<NodeRecord> {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Records the nodes still running as cancelled (a run stopped by Ctrl-C), so the
    /// table shows them.
    pub fn cancel_running(&self) {
        let running = std::mem::take(&mut *self.running.lock().unwrap_or_else(|e| e.into_inner()));
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        for (path, (task, started)) in running {
            records.push(NodeRecord::new(
                path,
                task,
                NodeStatus::Cancelled,
                1,
                started.elapsed(),
            ));
        }
    }

    /// How many nodes ended with `status`.
    pub fn count(&self, status: NodeStatus) -> usize {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|r| r.status == status)
            .count()
    }
}

impl RunObserver for RunSummary {
    fn node_started(&self, path: &str, task: &str) {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                path.to_string(),
                (task.to_string(), std::time::Instant::now()),
            );
    }

    fn map_finished(&self, path: &str, succeeded: bool) {
        self.maps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), succeeded);
    }

    fn node_finished(&self, record: &NodeRecord) {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&record.path);
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(record.clone());
    }
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut records = self.records();
        records.sort_by_cached_key(|r| natural(&r.path));
        let maps = self.maps.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let rows = rows(&records, &maps);
        let width = rows.iter().map(|r| r.path.len()).max().unwrap_or(4).max(4);
        writeln!(
            f,
            "{:<9}  {:>8}  {:>10}  {:<width$}  task",
            "status", "attempts", "duration", "node"
        )?;
        for r in &rows {
            writeln!(
                f,
                "{:<9}  {:>8}  {:>10}  {:<width$}  {}",
                r.status,
                r.attempts,
                format_duration(r.duration),
                r.path,
                r.task
            )?;
        }
        let count = |s| records.iter().filter(|r| r.status == s).count();
        // The counts are of runs: a map node's items each count, though the table
        // shows them as one row.
        let nodes = match rows.len() {
            1 => "1 node".to_string(),
            n => format!("{n} nodes"),
        };
        if rows.len() == records.len() {
            write!(f, "{nodes}: ")?;
        } else {
            write!(f, "{nodes}, {} runs with map items: ", records.len())?;
        }
        write!(
            f,
            "{} succeeded, {} cached, {} failed",
            count(NodeStatus::Succeeded),
            count(NodeStatus::Cached),
            count(NodeStatus::Failed)
        )?;
        for s in [NodeStatus::Skipped, NodeStatus::Cancelled] {
            match count(s) {
                0 => {}
                n => write!(f, ", {n} {s}")?,
            }
        }
        Ok(())
    }
}

/// One line of the table.
struct Row {
    status: String,
    attempts: u64,
    duration: Duration,
    path: String,
    task: String,
}

/// A row per node; the items of a map task (`n0[0]`, `n0[1]`, ...) share one row
/// (`n0[100 items]`) with the map node's own status (it succeeds with failed items
/// when `min_success_ratio` allows; the worst item's status when the map's end was
/// not heard), the most attempts an item took, the longest item's duration, and the
/// count of each status when they differ.
fn rows(records: &[NodeRecord], maps: &std::collections::HashMap<String, bool>) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut groups: Vec<(String, Vec<&NodeRecord>)> = Vec::new();
    for r in records {
        match item_of(&r.path) {
            Some(node) => match groups.last_mut() {
                Some((last, items)) if last == node => items.push(r),
                _ => groups.push((node.to_string(), vec![r])),
            },
            None => groups.push((String::new(), vec![r])),
        }
    }
    for (node, items) in groups {
        if node.is_empty() {
            let r = items[0];
            rows.push(Row {
                status: r.status.to_string(),
                attempts: r.attempts as u64,
                duration: r.duration,
                path: r.path.clone(),
                task: r.task.clone(),
            });
            continue;
        }
        let order = [
            NodeStatus::Failed,
            NodeStatus::Cancelled,
            NodeStatus::Skipped,
            NodeStatus::Succeeded,
            NodeStatus::Cached,
        ];
        let counts: Vec<(NodeStatus, usize)> = order
            .iter()
            .map(|s| (*s, items.iter().filter(|r| r.status == *s).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        let task = match counts.as_slice() {
            [_] => items[0].task.clone(),
            several => format!(
                "{} ({})",
                items[0].task,
                several
                    .iter()
                    .map(|(s, n)| format!("{n} {s}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let status = match maps.get(&node) {
            Some(true) => NodeStatus::Succeeded,
            Some(false) => NodeStatus::Failed,
            None => counts[0].0,
        };
        rows.push(Row {
            status: status.to_string(),
            attempts: items.iter().map(|r| r.attempts as u64).max().unwrap_or(0),
            duration: items.iter().map(|r| r.duration).max().unwrap_or_default(),
            path: format!("{node}[{} items]", items.len()),
            task,
        });
    }
    rows
}

/// `wf/n0` for the map item `wf/n0[12]`.
fn item_of(path: &str) -> Option<&str> {
    let open = path.strip_suffix(']')?.rfind('[')?;
    path[open + 1..path.len() - 1]
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| &path[..open])
}

/// Sorts `wf/n10` after `wf/n9`: digit runs compare as numbers.
fn natural(path: &str) -> Vec<(String, u64)> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = c.to_digit(10).unwrap_or(0) as u64;
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(d as u64);
                chars.next();
            }
            parts.push((std::mem::take(&mut text), n));
        } else {
            text.push(c);
        }
    }
    parts.push((text, 0));
    parts
}

fn format_duration(d: Duration) -> String {
    crate::types::human_duration(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str, status: NodeStatus) -> NodeRecord {
        NodeRecord::new(path, "m.t", status, 1, Duration::from_millis(12))
    }

    #[test]
    fn the_table_sorts_nodes_by_number_and_counts_each_status() {
        let s = RunSummary::default();
        s.node_finished(&record("wf/n10", NodeStatus::Succeeded));
        s.node_finished(&record("wf/n9", NodeStatus::Cached));
        s.node_finished(&record("wf/n2", NodeStatus::Failed));
        let text = s.to_string();
        let rows: Vec<&str> = text.lines().collect();
        assert!(
            rows[1].contains("wf/n2") && rows[1].starts_with("failed"),
            "{text}"
        );
        assert!(
            rows[2].contains("wf/n9") && rows[2].starts_with("cached"),
            "{text}"
        );
        assert!(rows[3].contains("wf/n10"), "{text}");
        assert!(rows[3].contains("12ms"), "{text}");
        assert_eq!(rows[4], "3 nodes: 1 succeeded, 1 cached, 1 failed");
        assert_eq!(s.count(NodeStatus::Cached), 1);
    }

    #[test]
    fn the_items_of_a_map_task_share_one_row() {
        let s = RunSummary::default();
        s.node_finished(&record("wf/n0", NodeStatus::Succeeded));
        for i in 0..12 {
            let status = if i < 9 {
                NodeStatus::Cached
            } else {
                NodeStatus::Succeeded
            };
            s.node_finished(&record(&format!("wf/n1[{i}]"), status));
        }
        let text = s.to_string();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 4, "{text}");
        assert!(rows[2].starts_with("succeeded"), "{text}");
        assert!(rows[2].contains("wf/n1[12 items]"), "{text}");
        assert!(rows[2].ends_with("m.t (3 succeeded, 9 cached)"), "{text}");
        assert!(
            rows[2].contains("       1  "),
            "the most attempts of an item: {text}"
        );
        // Two rows, thirteen runs: the summary says both.
        assert_eq!(
            rows[3],
            "2 nodes, 13 runs with map items: 4 succeeded, 9 cached, 0 failed"
        );
    }
}

#[cfg(test)]
mod map_rows {
    use super::*;

    #[test]
    fn a_map_that_met_its_success_ratio_reads_succeeded_with_its_failed_items_counted() {
        let s = RunSummary::default();
        for i in 0..4 {
            let status = if i == 3 {
                NodeStatus::Failed
            } else {
                NodeStatus::Succeeded
            };
            let mut r = NodeRecord::new(format!("wf/n0[{i}]"), "m.t", status, 1, Duration::ZERO);
            if i == 3 {
                r.attempts = 3;
            }
            s.node_finished(&r);
        }
        let before = s.to_string();
        assert!(
            before.lines().nth(1).unwrap().starts_with("failed"),
            "{before}"
        );
        s.map_finished("wf/n0", true);
        let text = s.to_string();
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with("succeeded"), "{text}");
        assert!(row.ends_with("m.t (1 failed, 3 succeeded)"), "{text}");
        assert!(
            row.contains("        3  "),
            "the most attempts of an item: {text}"
        );
    }

    #[test]
    fn nodes_running_when_the_run_stops_are_listed_as_cancelled() {
        let s = RunSummary::default();
        s.node_started("wf/n0", "m.slow");
        s.node_started("wf/n1", "m.fast");
        s.node_finished(&NodeRecord::new(
            "wf/n1",
            "m.fast",
            NodeStatus::Succeeded,
            1,
            Duration::ZERO,
        ));
        s.cancel_running();
        let text = s.to_string();
        assert!(
            text.lines().nth(1).unwrap().starts_with("cancelled"),
            "{text}"
        );
        assert!(
            text.ends_with("2 nodes: 1 succeeded, 0 cached, 0 failed, 1 cancelled"),
            "{text}"
        );
    }
}
