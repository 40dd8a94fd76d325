//! The attempts of one task on one node (or map item): observers told, the cache
//! consulted, mocks applied, then attempt after attempt under the task's timeout until
//! one succeeds, the retries run out, or the task asks to be skipped.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use tracing::Instrument;

use super::node::{AttemptFailure, NodeAt};
use super::observe::{AttemptOutcome, AttemptRecord};
use super::{ExecutionContext, NodeRecord, NodeStatus};
use crate::cache::{Cache, CacheMode, Lookup, entry_lock};
use crate::task::context::AttemptState;
use crate::task::deck::{Deck, Decks};
use crate::task::secrets::{SecretsRead, mask_error};
use crate::task::{DynTask, ErrorChain, TaskError, panic_message};
use crate::types::Value;

/// How a node's attempts ended without outputs.
pub(super) enum Stopped {
    /// The task asked to be skipped (a sensor's `soft_fail`), on attempt `attempt`.
    Skipped { attempt: u32, reason: String },
    /// The last attempt failed and no retry was left (or the error is permanent).
    Failed(AttemptFailure),
}

/// Outputs, and how they were had.
struct Ran {
    values: Vec<Value>,
    /// Attempts made (0 for a cache hit).
    attempts: u32,
    cached: bool,
}

/// What an observed node's attempts leave behind for its record.
#[derive(Default)]
struct Trail {
    attempts: Vec<AttemptRecord>,
    /// The decks of the last attempt.
    decks: Vec<Deck>,
    /// When the node started.
    started: Option<std::time::Instant>,
}

/// One task on one node.
pub(super) struct Attempt<'a> {
    pub(super) node: &'a NodeAt,
    pub(super) task: &'static dyn DynTask,
}

impl Attempt<'_> {
    /// The settings this node runs the task with: the task's, with the node's
    /// overridden timeout, retries and cache.
    fn meta(&self) -> &crate::task::TaskMetadata {
        match &self.node.spec.nodes[self.node.index as usize].run_metadata {
            Some(m) => m,
            None => self.task.metadata(),
        }
    }

    /// Runs the node (or map item `item`), from the cache when the task is cached,
    /// and tells the run's observers. `inline` lets a plain-fn body run on this thread.
    pub(super) async fn run(
        &self,
        inputs: &[Value],
        item: Option<u32>,
        inline: bool,
    ) -> Result<Vec<Value>, Stopped> {
        if self.node.shared.observers.is_empty() && !tracing::enabled!(tracing::Level::DEBUG) {
            return self
                .run_cached(inputs, item, inline, None)
                .await
                .map(|r| r.values);
        }
        // Boxed, like the cache path: a node future stays small when neither is used,
        // which a fan-out of thousands of spawned nodes feels.
        Box::pin(self.run_observed(inputs, item, inline)).await
    }

    /// [`Attempt::run`] keeping a trail of the attempts for the observers and the
    /// engine's debug log.
    async fn run_observed(
        &self,
        inputs: &[Value],
        item: Option<u32>,
        inline: bool,
    ) -> Result<Vec<Value>, Stopped> {
        let observers = &self.node.shared.observers;
        let path = match item {
            None => self.node.path(),
            Some(i) => format!("{}[{i}]", self.node.path()),
        };
        let task = self.task.name();
        let codec = self.task.codec();
        let values = observers.wants_values() || tracing::enabled!(tracing::Level::TRACE);
        // Only a report or a trace log pays for the interface and the conversions.
        let interface = values.then(|| self.task.interface());
        let inputs_json = interface.as_ref().map(|interface| {
            let names = interface.input_names();
            super::observe::named_json(&names, &codec.inputs_to_literals(inputs))
        });
        tracing::debug!(node = %path, task, "node started");
        if let Some(json) = &inputs_json {
            tracing::trace!(node = %path, task, inputs = %json, "node inputs");
        }
        observers.started(&path, task);
        let started_at = std::time::SystemTime::now();
        let mut trail = Trail {
            started: Some(std::time::Instant::now()),
            ..Trail::default()
        };
        let result = self
            .run_cached(inputs, item, inline, Some(&mut trail))
            .await;
        let duration = trail.started.map(|s| s.elapsed()).unwrap_or_default();
        let (status, attempts, reason) = outcome(&result);
        let outputs_json = match (&result, &interface) {
            (Ok(ran), Some(interface)) => {
                let names = interface.output_names();
                Some(super::observe::named_json(
                    &names,
                    &codec.outputs_to_literals(&ran.values),
                ))
            }
            _ => None,
        };
        let took = crate::types::human_duration(duration);
        match &reason {
            None => tracing::debug!(node = %path, task, %status, attempts, took, "node finished"),
            Some(reason) => {
                tracing::debug!(node = %path, task, %status, attempts, took, reason, "node finished")
            }
        }
        if let Some(json) = &outputs_json {
            tracing::trace!(node = %path, task, outputs = %json, "node outputs");
        }
        observers.finished(NodeRecord {
            path,
            task: task.to_string(),
            status,
            attempts,
            duration,
            started_at,
            attempt_log: trail.attempts,
            reason,
            inputs: inputs_json,
            outputs: outputs_json,
            decks: trail.decks,
            order: interface
                .map(|i| super::observe::ValueOrder {
                    inputs: i.inputs.into_iter().map(|v| v.name).collect(),
                    outputs: i.outputs.into_iter().map(|v| v.name).collect(),
                })
                .unwrap_or_default(),
        });
        result.map(|r| r.values)
    }

    async fn run_cached(
        &self,
        inputs: &[Value],
        item: Option<u32>,
        inline: bool,
        trail: Option<&mut Trail>,
    ) -> Result<Ran, Stopped> {
        let cache = match &self.node.shared.cache {
            Some((cache, mode)) if self.meta().node.caches() => Some((cache, *mode)),
            _ => None,
        };
        let Some((cache, mode)) = cache else {
            let (values, attempts) = self.attempts(inputs, item, inline, trail).await?;
            return Ok(Ran {
                values,
                attempts,
                cached: false,
            });
        };
        Box::pin(self.run_from_cache(cache, mode, inputs, item, inline, trail)).await
    }

    async fn run_from_cache(
        &self,
        cache: &Cache,
        mode: CacheMode,
        inputs: &[Value],
        item: Option<u32>,
        inline: bool,
        trail: Option<&mut Trail>,
    ) -> Result<Ran, Stopped> {
        let meta = self.meta();
        let interface = self.task.interface();
        let key = cache.key(
            self.task.name(),
            meta.node.cache_version.as_deref().unwrap_or(""),
            &interface,
            &self.task.codec().inputs_to_literals(inputs),
            meta.node.ignored_inputs(),
        );
        let node = self.node.path();
        let node = node.as_str();
        let task = self.task.name();
        // Held from lookup to store: equal concurrent runs wait for the first, in this
        // process (a mutex) and in others (a file lock).
        let lock = (meta.node.cache_serialize == Some(true)).then(|| entry_lock(&key));
        let _guard = match &lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        let _file_guard = match lock {
            Some(_) => cache
                .lock(&key)
                .await
                .inspect_err(|e| {
                    tracing::warn!(
                        node,
                        item,
                        task,
                        "cannot lock the cache entry ({e}); running without"
                    )
                })
                .ok(),
            None => None,
        };
        if mode == CacheMode::Use
            && let Some(values) = self.lookup(cache, &key, &interface, item)
        {
            return Ok(Ran {
                values,
                attempts: 0,
                cached: true,
            });
        }
        let (values, attempts) = self.attempts(inputs, item, inline, trail).await?;
        let outputs = self.task.codec().outputs_to_literals(&values);
        match cache.put(&key, &interface, &outputs) {
            Ok(()) => {
                tracing::debug!(node, item, task, entry = %key.path().display(), "outputs cached")
            }
            // The run goes on: a cache that cannot be written only costs a rerun.
            Err(e) => {
                tracing::warn!(node, item, task, entry = %key.path().display(), "cannot write the cache entry: {e}")
            }
        }
        Ok(Ran {
            values,
            attempts,
            cached: false,
        })
    }

    /// The outputs stored at `key`, read as the task's output types; a miss, or an
    /// entry that cannot be used (logged with why), is `None`.
    fn lookup(
        &self,
        cache: &Cache,
        key: &crate::cache::CacheKey,
        interface: &crate::interface::Interface,
        item: Option<u32>,
    ) -> Option<Vec<Value>> {
        let path = self.node.path();
        let (node, task) = (path.as_str(), self.task.name());
        let unusable = match cache.get(key, interface) {
            Lookup::Hit(literals) => {
                let names = interface.output_names();
                match self.task.codec().outputs_from_literals(&names, &literals) {
                    Ok(values) => {
                        tracing::info!(node, item, task, entry = %key.path().display(), "cache hit: outputs reused, task not run");
                        return Some(values);
                    }
                    // Right shape, other types (the entry predates a type change).
                    Err(e) => e.to_string(),
                }
            }
            Lookup::Miss => {
                tracing::debug!(node, item, task, "cache miss");
                return None;
            }
            Lookup::Unusable(reason) => reason,
        };
        tracing::warn!(node, item, task, entry = %key.path().display(), "cache entry unusable ({unusable}); running the task");
        None
    }

    /// Retries retryable errors; each attempt has the task's timeout. Returns the
    /// outputs and the number of attempts made; `trail` hears of each attempt.
    async fn attempts(
        &self,
        inputs: &[Value],
        item: Option<u32>,
        inline: bool,
        mut trail: Option<&mut Trail>,
    ) -> Result<(Vec<Value>, u32), Stopped> {
        let meta = self.meta();
        let max_attempts = meta.node.retries.unwrap_or(0).saturating_add(1);
        let mut attempt = 1;
        loop {
            let span = self.span(item, attempt);
            // Only a trail (a report, the debug log) wants the time and the decks.
            let began = trail.is_some().then(std::time::Instant::now);
            let (result, ctx) = self.once(inputs, item, inline, attempt, &span).await;
            if let (Some(trail), Some(began)) = (trail.as_deref_mut(), began) {
                trail.note(attempt, began, &result, ctx.take_decks());
            }
            drop(ctx);
            let error = match result {
                Ok(values) => return Ok((values, attempt)),
                Err(TaskError::Skipped(reason)) => {
                    return Err(Stopped::Skipped { attempt, reason });
                }
                Err(error) => error,
            };
            if error.is_retryable() && attempt < max_attempts {
                span.in_scope(|| {
                    tracing::warn!(
                        max_attempts,
                        error = %ErrorChain::new(&error),
                        "attempt {attempt} of {max_attempts} failed, retrying"
                    )
                });
                attempt += 1;
                continue;
            }
            span.in_scope(|| {
                tracing::error!(
                    max_attempts,
                    error = %ErrorChain::new(&error),
                    "attempt {attempt} of {max_attempts} failed, giving up"
                )
            });
            return Err(Stopped::Failed(AttemptFailure {
                error,
                attempt,
                max_attempts,
            }));
        }
    }

    /// The attempt's span, named by the node's full path (`wf/n1/sub/n0`).
    fn span(&self, item: Option<u32>, attempt: u32) -> tracing::Span {
        // The path is written only if a subscriber takes the span: formatting it for
        // every attempt of a run nobody traces cost an allocation per node.
        let node = tracing::field::display(NodePath(self.node));
        let task = self.task.name();
        match item {
            None => tracing::info_span!("node", node = node, task, attempt),
            Some(item) => tracing::info_span!("node", node = node, item, task, attempt),
        }
    }

    /// Starts what an attempt runs: the task's mock, its body, or its container;
    /// a reference without a mock fails, as only Flyte can run it.
    fn start(
        &self,
        ctx: ExecutionContext,
        inputs: &[Value],
    ) -> futures::future::BoxFuture<'static, Result<Vec<Value>, TaskError>> {
        let mocks = &self.node.shared.mocks.0;
        let mock = (!mocks.is_empty())
            .then(|| mocks.get(self.task.name()))
            .flatten();
        if let Some(mock) = mock {
            // The mock runs as the body would: in the attempt's context.
            let mock = mock.clone();
            let inputs = inputs.to_vec();
            return Box::pin(crate::task::context::scope(
                ctx,
                async move { mock(&inputs) },
            ));
        }
        let meta = self.task.metadata();
        if let Some(reference) = &meta.reference {
            let error = TaskError::permanent(crate::task::ReferenceNotMocked(reference.clone()));
            return Box::pin(async move { Err(error) });
        }
        match &meta.container {
            Some(spec) => {
                let runtime = self.node.shared.container_runtime.clone();
                super::container::start(ctx, self.task, spec, runtime, inputs)
            }
            None => self.task.start(ctx, inputs),
        }
    }

    /// One attempt: the task's body (or its mock) in the attempt's context, under
    /// `catch_unwind` and the task's timeout.
    async fn once(
        &self,
        inputs: &[Value],
        item: Option<u32>,
        inline: bool,
        attempt: u32,
        span: &tracing::Span,
    ) -> (Result<Vec<Value>, TaskError>, ExecutionContext) {
        let task_name: &'static str = self.task.name();
        let ctx = ExecutionContext(std::sync::Arc::new(AttemptState {
            run: self.node.shared.clone(),
            site: Some(self.node.spec.site()),
            node_index: self.node.index,
            path_prefix: self.node.prefix.full.clone(),
            item,
            task: task_name,
            metadata: self.task.metadata(),
            secrets_read: SecretsRead::default(),
            decks: Decks::default(),
            attempt,
            span: span.clone(),
        }));
        // Kept to read what the attempt left in it: the secrets it read, its decks.
        let kept = ctx.clone();
        let started = self.start(ctx, inputs);
        let timeout = self.meta().node.timeout;
        // A plain-fn task with no timeout that is the only node able to run may run on
        // this thread: nothing else in the workflow is waiting, and it saves two thread
        // hand-offs per node in a chain. With a timeout it must go to the blocking
        // pool, where the timer can still fire.
        let started = InlineBlocking {
            inner: started,
            allow: inline && timeout.is_none(),
        };
        let running = AssertUnwindSafe(started).catch_unwind();
        let outcome = match timeout {
            // Boxed: the timer is large, and most tasks have none.
            Some(limit) => match Box::pin(tokio::time::timeout(limit, running))
                .instrument(span.clone())
                .await
            {
                Ok(outcome) => outcome,
                Err(_) => Ok(Err(TaskError::TimedOut(limit))),
            },
            None => running.instrument(span.clone()).await,
        };
        let result = outcome
            .unwrap_or_else(|panic| Err(TaskError::Panicked(panic_message(panic))))
            .map_err(|e| mask_error(e, &kept.0.secrets_read));
        (result, kept)
    }
}

/// How a node's attempts ended: its status, the attempts made, and why it failed
/// or was skipped.
fn outcome(result: &Result<Ran, Stopped>) -> (NodeStatus, u32, Option<String>) {
    match result {
        Ok(ran) if ran.cached => (NodeStatus::Cached, 0, None),
        Ok(ran) => (NodeStatus::Succeeded, ran.attempts, None),
        Err(Stopped::Skipped { attempt, reason }) => {
            (NodeStatus::Skipped, *attempt, Some(reason.clone()))
        }
        Err(Stopped::Failed(f)) => (
            NodeStatus::Failed,
            f.attempt,
            Some(ErrorChain::new(&f.error).to_string()),
        ),
    }
}

impl Trail {
    /// Records one attempt that began at `began` and ended with `result`.
    fn note(
        &mut self,
        number: u32,
        began: std::time::Instant,
        result: &Result<Vec<Value>, TaskError>,
        decks: Vec<Deck>,
    ) {
        let offset = self
            .started
            .map(|s| began.saturating_duration_since(s))
            .unwrap_or_default();
        let outcome = match result {
            Ok(_) => AttemptOutcome::Succeeded,
            Err(TaskError::Skipped(reason)) => AttemptOutcome::Skipped(reason.clone()),
            Err(error) => AttemptOutcome::Failed(ErrorChain::new(error).to_string()),
        };
        self.attempts.push(AttemptRecord {
            number,
            offset,
            duration: began.elapsed(),
            outcome,
        });
        self.decks = decks;
    }
}

thread_local! {
    /// Set while the executor polls a node that may run a plain-fn body in place.
    static INLINE_ALLOWED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a plain-fn task body may run on the current thread right now.
pub(crate) fn inline_allowed() -> bool {
    INLINE_ALLOWED.with(|c| c.get())
}

/// Polls a task attempt with [`inline_allowed`] set for the duration of each poll.
struct InlineBlocking<F> {
    inner: F,
    allow: bool,
}

impl<F: Future + Unpin> Future for InlineBlocking<F> {
    type Output = F::Output;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        if !self.allow {
            return std::pin::Pin::new(&mut self.inner).poll(cx);
        }
        struct Reset;
        impl Drop for Reset {
            fn drop(&mut self) {
                INLINE_ALLOWED.with(|c| c.set(false));
            }
        }
        INLINE_ALLOWED.with(|c| c.set(true));
        let _reset = Reset;
        std::pin::Pin::new(&mut self.inner).poll(cx)
    }
}

/// A node's full path, written where it is displayed rather than made up front.
struct NodePath<'a>(&'a NodeAt);

impl std::fmt::Display for NodePath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.0.prefix.full, self.0.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn inline_permission_is_only_set_while_polling_an_allowed_attempt() {
        assert!(!inline_allowed());
        let seen = InlineBlocking {
            inner: Box::pin(async { inline_allowed() }),
            allow: true,
        }
        .await;
        assert!(seen);
        assert!(!inline_allowed());
        let seen = InlineBlocking {
            inner: Box::pin(async { inline_allowed() }),
            allow: false,
        }
        .await;
        assert!(!seen);
    }
}
