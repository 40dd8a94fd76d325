//! A live progress line for local runs: nodes done, running, cached, failed and
//! skipped out of the total, drawn with indicatif on stderr, and only when stdout and
//! stderr are terminals (or when asked).

use std::sync::Mutex;

use flytekit_core::execution::{NodeRecord, NodeStatus, RunObserver};
use flytekit_core::workflow::{Entity, Fallback, WorkflowSpec};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The counts a progress line shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Started and not yet ended.
    pub running: u64,
    /// Ended by running to success.
    pub succeeded: u64,
    /// Ended from the cache.
    pub cached: u64,
    /// Ended by failing.
    pub failed: u64,
    /// Skipped.
    pub skipped: u64,
    /// The task nodes the run is expected to have (grows as map-task items start).
    pub total: u64,
}

impl Counts {
    /// The line shown: `3/7 nodes: 1 running, 2 succeeded, 1 cached, 0 failed`.
    pub fn line(&self) -> String {
        let done = self.succeeded + self.cached + self.failed + self.skipped;
        let mut line = format!(
            "{done}/{} nodes: {} running, {} succeeded, {} cached, {} failed",
            self.total, self.running, self.succeeded, self.cached, self.failed
        );
        if self.skipped > 0 {
            line.push_str(&format!(", {} skipped", self.skipped));
        }
        line
    }
}

/// A [`RunObserver`] drawing a live progress line.
///
/// ```no_run
/// # use std::sync::Arc;
/// # use flytekit::prelude::*;
/// # #[task] fn hello(name: String) -> String { name }
/// # #[workflow] fn greet(name: String) -> String { hello(name) }
/// # async fn f() {
/// let progress = Arc::new(flytekit::progress::Progress::for_terminal(greet::spec()));
/// let options = RunOptions::default().observe(progress.clone());
/// greet::run_with(&options, ("you".into(),)).await.unwrap();
/// progress.finish();
/// # }
/// ```
pub struct Progress {
    bar: ProgressBar,
    counts: Mutex<Counts>,
}

impl Progress {
    /// A progress line on stderr when both stdout and stderr are terminals; hidden
    /// otherwise (output piped to a file or another program, CI logs).
    pub fn for_terminal(spec: &WorkflowSpec) -> Self {
        use std::io::IsTerminal;
        let visible = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        Self::new(spec, visible)
    }

    /// A progress line on stderr (`visible`), or one that only counts.
    pub fn new(spec: &WorkflowSpec, visible: bool) -> Self {
        let total = expected_nodes(spec);
        let bar = if visible {
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        if visible {
            // The spinner's own thread; a hidden line needs none.
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        let counts = Counts {
            total,
            ..Counts::default()
        };
        bar.set_message(counts.line());
        Progress {
            bar,
            counts: Mutex::new(counts),
        }
    }

    /// The counts so far.
    pub fn counts(&self) -> Counts {
        *self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Clears the line (call it before printing the summary).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn update(&self, change: impl FnOnce(&mut Counts)) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut counts);
        let done = counts.succeeded + counts.cached + counts.failed + counts.skipped;
        counts.total = counts.total.max(done + counts.running);
        self.bar.set_length(counts.total);
        self.bar.set_position(done);
        self.bar.set_message(counts.line());
    }
}

impl RunObserver for Progress {
    fn node_started(&self, _path: &str, _task: &str) {
        self.update(|c| c.running += 1);
    }

    fn node_finished(&self, record: &NodeRecord) {
        self.update(|c| {
            // Skips of nodes that never started were not counted as running.
            let started = !(record.status == NodeStatus::Skipped && record.attempts == 0);
            if started {
                c.running = c.running.saturating_sub(1);
            }
            match record.status {
                NodeStatus::Succeeded => c.succeeded += 1,
                NodeStatus::Cached => c.cached += 1,
                NodeStatus::Failed => c.failed += 1,
                NodeStatus::Skipped => c.skipped += 1,
                NodeStatus::Cancelled => {}
            }
        });
    }
}

/// Task nodes a run of `spec` is expected to report: subworkflows counted in, a
/// branch as its largest case, a map task as one (its items add to the total as
/// they start).
fn expected_nodes(spec: &WorkflowSpec) -> u64 {
    spec.nodes
        .iter()
        .map(|n| match &n.entity {
            Entity::Task(_) | Entity::Map(_) | Entity::Gate(_) => 1,
            Entity::Workflow(w) => expected_nodes(w.spec()),
            Entity::LaunchPlan(p) => expected_nodes(p.workflow().spec()),
            Entity::Branch(b) => {
                let otherwise = match &b.otherwise {
                    Fallback::Case(s) => expected_nodes(s),
                    Fallback::Fail(_) => 0,
                };
                b.cases
                    .iter()
                    .map(|c| expected_nodes(&c.spec))
                    .max()
                    .unwrap_or(0)
                    .max(otherwise)
            }
        })
        .sum()
}
