//! The [`ExecutionContext`] a task attempt receives.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;

use crate::data::FileAccess;
use crate::workflow::SpecRef;

/// What a task attempt knows about where it runs: the execution, node, task and
/// attempt, object-store access, and the tracing span its logs go to.
///
/// Cheap to clone (a few reference counts).
#[derive(Clone, Debug)]
pub struct ExecutionContext {
    pub(crate) run: Arc<RunShared>,
    /// The graph the node is in (none for a standalone task).
    pub(crate) spec: Option<SpecRef>,
    pub(crate) node_index: u32,
    /// `outer/n2/inner/` for a node of a subworkflow; the node id completes the path.
    pub(crate) path_prefix: Arc<str>,
    pub(crate) item: Option<u32>,
    pub(crate) task: &'static str,
    pub(crate) attempt: u32,
    pub(crate) span: tracing::Span,
}

/// What every attempt of one run shares.
#[derive(Debug)]
pub(crate) struct RunShared {
    pub(crate) execution_id: String,
    pub(crate) file_access: Arc<FileAccess>,
    pub(crate) raw_output_prefix: String,
}

impl ExecutionContext {
    /// A context for running a task outside a workflow (in a test, or a plugin calling
    /// another task): node `n0`, attempt 1.
    pub fn standalone(task: &'static str, file_access: Arc<FileAccess>) -> Self {
        ExecutionContext {
            run: Arc::new({
                let execution_id = super::new_execution_id();
                RunShared {
                    raw_output_prefix: super::executor::default_raw_prefix(&execution_id),
                    execution_id,
                    file_access,
                }
            }),
            spec: None,
            node_index: 0,
            path_prefix: Arc::from(""),
            item: None,
            task,
            attempt: 1,
            span: tracing::info_span!("task", task, attempt = 1u32),
        }
    }

    /// The id of the whole run.
    pub fn execution_id(&self) -> &str {
        &self.run.execution_id
    }
    /// The workflow the node belongs to (empty for a standalone task).
    pub fn workflow(&self) -> &str {
        self.spec.as_ref().map(|s| s.name.as_str()).unwrap_or("")
    }
    /// The node's id in its workflow (`n0`, `n1`, ...).
    pub fn node_id(&self) -> &str {
        match &self.spec {
            Some(spec) => &spec.nodes[self.node_index as usize].id,
            None => "n0",
        }
    }
    /// The node's full path from the top workflow (`outer/n2/inner/n0` for a node
    /// inside a subworkflow).
    pub fn node_path(&self) -> String {
        format!("{}{}", self.path_prefix, self.node_id())
    }
    /// For an item of a map task, its position in the list.
    pub fn array_index(&self) -> Option<u32> {
        self.item
    }
    /// The running task's name.
    pub fn task_name(&self) -> &str {
        self.task
    }
    /// The attempt number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
    /// Object-store access for this run.
    pub fn file_access(&self) -> &FileAccess {
        &self.run.file_access
    }
    /// Where files and directories returned by tasks are uploaded.
    pub fn raw_output_prefix(&self) -> &str {
        &self.run.raw_output_prefix
    }
    /// The shared handle to this run's object-store access.
    pub fn file_access_arc(&self) -> Arc<FileAccess> {
        self.run.file_access.clone()
    }
    /// The span of this attempt; events logged while the task runs are inside it
    /// already, this is for work the task hands to other threads.
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }
}

tokio::task_local! {
    /// The context of the async task attempt being polled.
    static CURRENT: ExecutionContext;
}

thread_local! {
    /// The context of the plain-fn task attempt running on this thread.
    static CURRENT_SYNC: RefCell<Option<ExecutionContext>> = const { RefCell::new(None) };
}

impl ExecutionContext {
    /// The context of the task attempt running here, for `#[task]` functions (which
    /// take only their inputs as parameters), as flytekit's `current_context()`.
    /// `None` outside a task attempt, and for a task body called directly as a plain
    /// function.
    ///
    /// ```
    /// use flyte_core::prelude::*;
    ///
    /// // Users write `#[task]` through the `flyte` crate; here it is named directly.
    /// #[flyte_macros::task(crate = ::flyte_core)]
    /// async fn where_am_i() -> String {
    ///     let ctx = ExecutionContext::current().expect("runs as a task");
    ///     format!("{} attempt {}", ctx.node_id(), ctx.attempt())
    /// }
    /// ```
    pub fn current() -> Option<ExecutionContext> {
        CURRENT
            .try_with(Clone::clone)
            .ok()
            .or_else(|| CURRENT_SYNC.with(|c| c.borrow().clone()))
    }
}

/// Runs an async task body with `ctx` as [`ExecutionContext::current`].
pub(crate) fn scope<F: Future>(ctx: ExecutionContext, f: F) -> impl Future<Output = F::Output> {
    CURRENT.scope(ctx, f)
}

/// Runs a plain-fn task body with `ctx` as [`ExecutionContext::current`] on this thread.
pub(crate) fn scope_sync<R>(ctx: ExecutionContext, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<ExecutionContext>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT_SYNC.with(|c| *c.borrow_mut() = previous);
        }
    }
    let previous = CURRENT_SYNC.with(|c| c.borrow_mut().replace(ctx));
    let _restore = Restore(previous);
    f()
}
