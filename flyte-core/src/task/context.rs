//! The [`ExecutionContext`] a task attempt receives: who and where it runs, and the
//! run's object-store access. It knows nothing of graphs or of the local runtime: the
//! runtime hands it in, and reads its own state back through [`RunState`].

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::TaskMetadata;
use super::secrets::{LocalSecrets, Secret, SecretError, SecretValue, SecretsRead};
use crate::data::{FileAccess, join_prefix};

/// What a task attempt knows about where it runs: the execution, node, task and
/// attempt, object-store access, and the tracing span its logs go to.
///
/// Cheap to clone (one reference count): every clone is the same attempt.
#[derive(Clone, Debug)]
pub struct ExecutionContext(pub(crate) Arc<AttemptState>);

/// What an [`ExecutionContext`] holds, in one allocation per attempt (an attempt's
/// context is made for every node, so its size and its allocations are the
/// executor's per-node cost).
#[derive(Debug)]
pub(crate) struct AttemptState {
    pub(crate) run: Arc<dyn RunState>,
    /// The graph the node is in (none for a standalone task).
    pub(crate) site: Option<SiteRef>,
    pub(crate) node_index: u32,
    /// `outer/n2/inner/` for a node of a subworkflow; the node id completes the path.
    pub(crate) path_prefix: Arc<str>,
    pub(crate) item: Option<u32>,
    pub(crate) task: &'static str,
    /// The task's settings: its own environment variables and the secrets it asked for.
    pub(crate) metadata: &'static TaskMetadata,
    /// The secret values this attempt read, to mask them in its error.
    pub(crate) secrets_read: SecretsRead,
    /// The decks this attempt writes.
    pub(crate) decks: super::deck::Decks,
    pub(crate) attempt: u32,
    pub(crate) span: tracing::Span,
}

/// What every attempt of one run shares and a task may see.
#[derive(Debug)]
pub(crate) struct RunInfo {
    pub(crate) execution_id: String,
    pub(crate) file_access: Arc<FileAccess>,
    pub(crate) raw_output_prefix: String,
    /// Set when the task runs in a container on a Flyte cluster.
    pub(crate) cluster: Option<ClusterIdentity>,
    pub(crate) checkpoint: Option<Checkpoint>,
    /// Secret values given to a local run, read before the pod's places.
    pub(crate) secrets: LocalSecrets,
}

impl RunInfo {
    /// A run uploading under an empty raw prefix, with no cluster identity or
    /// checkpoint (callers set the fields they need).
    pub(crate) fn new(execution_id: String, file_access: Arc<FileAccess>) -> Self {
        RunInfo {
            execution_id,
            file_access,
            raw_output_prefix: String::new(),
            cluster: None,
            checkpoint: None,
            secrets: LocalSecrets::default(),
        }
    }
}

/// The run an attempt belongs to: what the task sees ([`RunInfo`]), and whatever
/// the runtime that started it keeps beside it (its cache, observers, mocks), which
/// only that runtime reads back, to run a graph a task builds inside the same run.
pub(crate) trait RunState: Send + Sync + std::fmt::Debug + 'static {
    /// What the task sees.
    fn info(&self) -> &RunInfo;
    /// The whole state, for the runtime to downcast.
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

impl RunState for RunInfo {
    fn info(&self) -> &RunInfo {
        self
    }
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

/// The settings of a context made outside any task's (none).
pub(crate) static NO_METADATA: TaskMetadata = TaskMetadata::DEFAULT;

/// The graph a node is in, as a task's context names it.
pub(crate) trait GraphSite: Send + Sync + 'static {
    /// The workflow's name.
    fn workflow_name(&self) -> &str;
    /// The id of node number `index` (`n0`, `n1`, ...).
    fn node_id(&self, index: u32) -> &str;
}

/// A graph held for as long as the program (a workflow's spec) or shared (a graph a
/// dynamic task built).
#[derive(Clone)]
pub(crate) enum SiteRef {
    Static(&'static dyn GraphSite),
    Shared(Arc<dyn GraphSite>),
}

impl std::ops::Deref for SiteRef {
    type Target = dyn GraphSite;
    fn deref(&self) -> &Self::Target {
        match self {
            SiteRef::Static(s) => *s,
            SiteRef::Shared(s) => &**s,
        }
    }
}

impl std::fmt::Debug for SiteRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.workflow_name())
    }
}

/// A fresh id for a local run: `local-<time>-<pid>-<sequence>`.
pub(crate) fn new_execution_id() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "local-{nanos:x}-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

/// Where a local run keeps the files its tasks return: a folder under the system's
/// temporary directory, one per execution.
pub(crate) fn default_raw_prefix(execution_id: &str) -> String {
    std::env::temp_dir()
        .join("flyte-local")
        .join(execution_id)
        .join("raw")
        .display()
        .to_string()
}

/// Who and where a task runs on a Flyte cluster, read from the `FLYTE_INTERNAL_*`
/// variables Flyte sets in a task's container (the short `_F_*` forms too). The
/// default is an unnamed execution on its first attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClusterIdentity {
    /// The execution's project.
    pub project: String,
    /// The execution's domain.
    pub domain: String,
    /// The execution's name (its id within project and domain).
    pub execution_name: String,
    /// The workflow being executed.
    pub workflow: String,
    /// The launch plan that started it.
    pub launch_plan: String,
    /// The task's registered project.
    pub task_project: String,
    /// The task's registered domain.
    pub task_domain: String,
    /// The task's registered name.
    pub task_name: String,
    /// The task's registered version.
    pub task_version: String,
    /// The attempt, from 1 (Flyte's `FLYTE_ATTEMPT_NUMBER` counts from 0).
    pub attempt: u32,
    /// For one item of a map task whose pods all read the whole input lists (Flyte's
    /// `SINGLE_INPUT_FILE` mode): the item, from `BATCH_JOB_ARRAY_INDEX_OFFSET` plus the
    /// variable `BATCH_JOB_ARRAY_INDEX_VAR_NAME` names.
    pub array_index: Option<u32>,
    /// Flyte's literal offloading, when propeller turns it on for the pod
    /// (`_F_L_MIN_SIZE_MB`, `_F_L_MAX_SIZE_MB`).
    pub offloading: Option<OffloadSettings>,
    /// The serialization settings a dynamic task's template carries (`_F_SS_C`),
    /// to write the task templates of the graph it builds.
    pub serialization_settings: Option<String>,
}

/// Flyte's literal offloading as propeller sets it for a pod: an output of at least
/// `min_mb` MiB is written to an object of its own next to `outputs.pb`, and an
/// output of `max_mb` MiB or more (1000 when unset) fails the attempt, as flytekit
/// does. The values are kept as given and checked when the outputs are written, so a
/// bad one is reported in the attempt's error document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OffloadSettings {
    /// `_F_L_MIN_SIZE_MB`.
    pub min_mb: String,
    /// `_F_L_MAX_SIZE_MB`.
    pub max_mb: Option<String>,
}

impl Default for ClusterIdentity {
    fn default() -> Self {
        Self::from_vars(|_| None)
    }
}

impl ClusterIdentity {
    /// Reads the process environment.
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `var` (for tests, and hosts that pass their own).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let get = |long: &str, short: &str| {
            var(long)
                .filter(|v| !v.is_empty())
                .or_else(|| var(short))
                .unwrap_or_default()
        };
        ClusterIdentity {
            project: get("FLYTE_INTERNAL_EXECUTION_PROJECT", "_F_PRJ"),
            domain: get("FLYTE_INTERNAL_EXECUTION_DOMAIN", "_F_DM"),
            execution_name: get("FLYTE_INTERNAL_EXECUTION_ID", "_F_NM"),
            workflow: get("FLYTE_INTERNAL_EXECUTION_WORKFLOW", "_F_WF"),
            launch_plan: get("FLYTE_INTERNAL_EXECUTION_LAUNCHPLAN", "_F_LP"),
            task_project: get("FLYTE_INTERNAL_TASK_PROJECT", "_F_TK_PRJ"),
            task_domain: get("FLYTE_INTERNAL_TASK_DOMAIN", "_F_TK_DM"),
            task_name: get("FLYTE_INTERNAL_TASK_NAME", "_F_TK_NM"),
            task_version: get("FLYTE_INTERNAL_TASK_VERSION", "_F_TK_V"),
            // An unreadable number is taken as the first attempt: the identity is
            // informational and must not stop the task from running.
            attempt: var("FLYTE_ATTEMPT_NUMBER")
                .and_then(|v| v.trim().parse::<u32>().ok())
                .map_or(1, |n| n.saturating_add(1)),
            array_index: var("BATCH_JOB_ARRAY_INDEX_VAR_NAME")
                .and_then(|name| var(&name))
                .and_then(|v| v.trim().parse::<u32>().ok())
                .map(|i| {
                    let offset = var("BATCH_JOB_ARRAY_INDEX_OFFSET")
                        .and_then(|v| v.trim().parse::<u32>().ok())
                        .unwrap_or(0);
                    i.saturating_add(offset)
                }),
            offloading: var("_F_L_MIN_SIZE_MB").map(|min_mb| OffloadSettings {
                min_mb,
                max_mb: var("_F_L_MAX_SIZE_MB"),
            }),
            serialization_settings: var("_F_SS_C"),
        }
    }
}

/// A task's checkpoint on a Flyte cluster: what this attempt saves for the next one,
/// and what the previous attempt saved (flytekit's `SyncCheckpoint`, one blob each).
#[derive(Clone, Debug)]
pub struct Checkpoint {
    file_access: Arc<FileAccess>,
    dest: String,
    prev: Option<String>,
}

/// The object a checkpoint's bytes are stored in, under its prefix (flytekit's name,
/// so Python and Rust attempts of a task can read each other's checkpoints).
const CHECKPOINT_FILE: &str = "_dst_cp";

impl Checkpoint {
    /// A checkpoint written under `dest`, with the previous attempt's under `prev`.
    pub fn new(file_access: Arc<FileAccess>, dest: String, prev: Option<String>) -> Self {
        Checkpoint {
            file_access,
            dest,
            prev,
        }
    }

    /// What the previous attempt wrote, or `None` on the first attempt or when it
    /// wrote nothing.
    pub async fn read(&self) -> Result<Option<bytes::Bytes>, crate::data::DataError> {
        let Some(prev) = &self.prev else {
            return Ok(None);
        };
        match self
            .file_access
            .get(&join_prefix(prev, CHECKPOINT_FILE))
            .await
        {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Saves `bytes` for the next attempt, replacing what this attempt saved before.
    pub async fn write(
        &self,
        bytes: impl Into<bytes::Bytes>,
    ) -> Result<(), crate::data::DataError> {
        self.file_access
            .put(&join_prefix(&self.dest, CHECKPOINT_FILE), bytes)
            .await
    }
}

impl ExecutionContext {
    /// A context for running a task outside a workflow (in a test, or a plugin calling
    /// another task): node `n0`, attempt 1.
    pub fn standalone(task: &'static str, file_access: Arc<FileAccess>) -> Self {
        let execution_id = new_execution_id();
        let shared = RunInfo {
            raw_output_prefix: default_raw_prefix(&execution_id),
            ..RunInfo::new(execution_id, file_access)
        };
        Self::outside_a_graph(
            task,
            shared,
            1,
            tracing::info_span!("task", task, attempt = 1u32),
            None,
        )
    }

    /// A context for one attempt of `task` in a container on a Flyte cluster: the
    /// execution id and attempt come from `identity`.
    pub fn for_cluster(
        task: &'static str,
        file_access: Arc<FileAccess>,
        identity: ClusterIdentity,
        raw_output_prefix: String,
        checkpoint: Option<Checkpoint>,
    ) -> Self {
        let attempt = identity.attempt;
        let item = identity.array_index;
        let execution_id = if identity.execution_name.is_empty() {
            new_execution_id()
        } else {
            identity.execution_name.clone()
        };
        let span = tracing::info_span!("task", task, attempt, execution = %execution_id);
        // No local cache: Flyte's own (datacatalog) serves tasks on a cluster.
        let shared = RunInfo {
            raw_output_prefix,
            cluster: Some(identity),
            checkpoint,
            ..RunInfo::new(execution_id, file_access)
        };
        Self::outside_a_graph(task, shared, attempt, span, item)
    }

    /// A context for a task run alone (node `n0`).
    fn outside_a_graph(
        task: &'static str,
        shared: RunInfo,
        attempt: u32,
        span: tracing::Span,
        item: Option<u32>,
    ) -> Self {
        ExecutionContext(Arc::new(AttemptState {
            run: Arc::new(shared),
            site: None,
            node_index: 0,
            path_prefix: Arc::from(""),
            item,
            task,
            metadata: &NO_METADATA,
            secrets_read: SecretsRead::default(),
            decks: Default::default(),
            attempt,
            span,
        }))
    }

    /// This context with the task's settings, before the attempt starts (the
    /// context is not shared yet).
    pub(crate) fn with_metadata(mut self, metadata: &'static TaskMetadata) -> Self {
        match Arc::get_mut(&mut self.0) {
            Some(state) => state.metadata = metadata,
            None => unreachable!("flyte bug: a context's settings set after it was shared"),
        }
        self
    }

    /// An environment variable as the task sees it: the task's own (`#[task(environment(..))]`,
    /// `TaskMetadata::env`) first, then the process's. In a container both agree, as
    /// Flyte sets the task's variables in its environment.
    pub fn env(&self, name: &str) -> Option<String> {
        self.0
            .metadata
            .env
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .or_else(|| std::env::var(name).ok())
    }

    /// A secret the task asked for (`#[task(secret(..))]`, `TaskMetadata::secret`), by
    /// group and key, read where Flyte mounts it (see [`crate::task::Secret`]); a local
    /// run looks in [`RunOptions::secret`](crate::execution::RunOptions::secret) first.
    ///
    /// A secret the task did not ask for is an error even when it could be found: a
    /// cluster would not have mounted it.
    pub fn secret(&self, group: &str, key: &str) -> Result<SecretValue, SecretError> {
        self.requested_secret(group, Some(key))
    }

    /// A secret the task asked for as a whole group, with no key
    /// (`#[task(secret(group = "..", version = "..", mount = file))]`,
    /// [`Secret::whole_group`]): the secret's one value, read where Flyte's GCP Secret
    /// Manager webhook mounts it (`<dir>/<group>/<version>`) or from
    /// `<prefix>GROUP_VERSION`, as flytekit's `secrets.get(group=..)` reads it. A
    /// local run gives one with `RunOptions::secret(group, Some(version), "", value)`.
    pub fn group_secret(&self, group: &str) -> Result<SecretValue, SecretError> {
        self.requested_secret(group, None)
    }

    fn requested_secret(&self, group: &str, key: Option<&str>) -> Result<SecretValue, SecretError> {
        let request = self
            .0
            .metadata
            .secrets
            .iter()
            .find(|s: &&Secret| s.group == group && s.key.as_deref() == key)
            .ok_or_else(|| SecretError::NotRequested {
                task: self.0.task.to_string(),
                name: match key {
                    Some(key) => format!("{group}/{key}"),
                    None => group.to_string(),
                },
                request: match key {
                    Some(key) => format!("secret(group = \"{group}\", key = \"{key}\")"),
                    None => format!("secret(group = \"{group}\", mount = file)"),
                },
            })?;
        super::secrets::lookup(request, &self.0.run.info().secrets, &self.0.secrets_read)
    }

    /// The id of the whole run.
    pub fn execution_id(&self) -> &str {
        &self.0.run.info().execution_id
    }
    /// The workflow the node belongs to (empty for a standalone task).
    pub fn workflow(&self) -> &str {
        self.0
            .site
            .as_ref()
            .map(|s| s.workflow_name())
            .unwrap_or("")
    }
    /// The node's id in its workflow (`n0`, `n1`, ...).
    pub fn node_id(&self) -> &str {
        match &self.0.site {
            Some(site) => site.node_id(self.0.node_index),
            None => "n0",
        }
    }
    /// The node's full path from the top workflow (`outer/n2/inner/n0` for a node
    /// inside a subworkflow).
    pub fn node_path(&self) -> String {
        format!("{}{}", self.0.path_prefix, self.node_id())
    }
    /// For an item of a map task, its position in the list.
    pub fn array_index(&self) -> Option<u32> {
        self.0.item
    }
    /// The running task's name.
    pub fn task_name(&self) -> &str {
        self.0.task
    }
    /// The attempt number, from 1.
    pub fn attempt(&self) -> u32 {
        self.0.attempt
    }
    /// Object-store access for this run.
    pub fn file_access(&self) -> &FileAccess {
        &self.0.run.info().file_access
    }
    /// Where files and directories returned by tasks are uploaded.
    pub fn raw_output_prefix(&self) -> &str {
        &self.0.run.info().raw_output_prefix
    }
    /// The shared handle to this run's object-store access.
    pub fn file_access_arc(&self) -> Arc<FileAccess> {
        self.0.run.info().file_access.clone()
    }
    /// Project, domain, execution and task identity when running on a Flyte cluster.
    pub fn cluster(&self) -> Option<&ClusterIdentity> {
        self.0.run.info().cluster.as_ref()
    }
    /// The checkpoint of this attempt (on a Flyte cluster, when the task was given
    /// `--checkpoint-path`); `None` in local runs.
    pub fn checkpoint(&self) -> Option<&Checkpoint> {
        self.0.run.info().checkpoint.as_ref()
    }
    /// A deck of this attempt, created on first use: sections written to it appear in
    /// a local run's report (`run --report`) and, for a task with
    /// `#[task(enable_deck)]` on a cluster, in its `deck.html`. Writing to the same name
    /// again appends to that deck.
    pub fn deck(&self, name: impl Into<String>) -> super::DeckWriter<'_> {
        super::DeckWriter {
            decks: &self.0.decks,
            name: name.into(),
        }
    }

    /// The decks written so far in this attempt, taken out of it.
    pub(crate) fn take_decks(&self) -> Vec<super::Deck> {
        self.0.decks.take()
    }

    /// The span of this attempt; events logged while the task runs are inside it
    /// already, this is for work the task hands to other threads.
    pub fn span(&self) -> &tracing::Span {
        &self.0.span
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
    /// # extern crate flytekit_core as flytekit;
    /// # use flytekit_macros::*;
    /// use flytekit::prelude::*;
    ///
    /// // Users write `#[task]` through the `flytekit` crate; here it is named directly.
    /// #[task]
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

/// The running attempt's object-store access, for [`crate::data::current`].
fn current_file_access() -> Option<Arc<FileAccess>> {
    ExecutionContext::current().map(|ctx| ctx.file_access_arc())
}

/// Runs an async task body with `ctx` as [`ExecutionContext::current`].
pub(crate) fn scope<F: Future>(ctx: ExecutionContext, f: F) -> impl Future<Output = F::Output> {
    crate::data::set_current(current_file_access);
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
    crate::data::set_current(current_file_access);
    let previous = CURRENT_SYNC.with(|c| c.borrow_mut().replace(ctx));
    let _restore = Restore(previous);
    f()
}
