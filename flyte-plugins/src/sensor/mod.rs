//! Sensors: tasks that wait for something to happen outside the workflow.
//!
//! A [`Sensor`] says how to look once ([`Sensor::poke`]); a [`SensorTask`] turns it into
//! a task that looks until it is ready, with the waiting policy Airflow's sensors
//! offer: a poll interval, exponential backoff up to a cap, jitter, a maximum wait,
//! and `soft_fail` (when the wait runs out, the node is skipped rather than failed, and
//! the nodes after it are skipped too).
//!
//! Two sensors come with the crate: [`WaitForObjectStoreFile`] (a file exists) and
//! [`WaitForObjectStorePrefix`] (a folder holds at least N objects).

use std::future::Future;
use std::time::Duration;

use flytekit_core::prelude::*;
use flytekit_core::task::{BoxError, ConfigError, IntoDuration};
use flytekit_core::types::{Inputs, Outputs};

mod file;
mod prefix;

pub use file::{ObjectStoreFile, SensorError, WaitForObjectStoreFile};
pub use prefix::{ObjectStorePrefix, WaitForObjectStorePrefix};

/// What one look found.
#[derive(Clone, Debug, PartialEq)]
pub enum Poke<T> {
    /// The condition holds; the sensor returns this.
    Ready(T),
    /// Not yet: look again after the next interval.
    NotYet,
}

/// Why one look did not give an answer.
#[derive(Debug)]
pub enum PokeError {
    /// Looking failed for a reason that may pass (a network hiccup): logged, and the
    /// sensor looks again after the next interval.
    Transient(BoxError),
    /// Looking cannot work (bad location, permission denied): the task fails at once,
    /// without retries.
    Fatal(BoxError),
}

/// How to look once for the thing a sensor waits for.
///
/// ```
/// use flytekit_core::prelude::*;
/// use flytekit_plugins::sensor::{Poke, PokeError, Sensor, SensorTask};
///
/// /// Ready once the input is even (a stand-in for a real check).
/// struct Even;
///
/// impl Sensor for Even {
///     type Input = (i64,);
///     type Output = i64;
///     fn task_type(&self) -> &str { "even-sensor" }
///     fn interface(&self) -> Interface { Interface::of::<(i64,), i64>(["n"], ["n"]) }
///     async fn poke(&self, _ctx: &ExecutionContext, (n,): &(i64,)) -> Result<Poke<i64>, PokeError> {
///         Ok(if n % 2 == 0 { Poke::Ready(*n) } else { Poke::NotYet })
///     }
/// }
///
/// let task = SensorTask::of("wait-even", Even)
///     .poll_interval("100ms")
///     .backoff(2.0, "5s")
///     .max_wait("1m")
///     .soft_fail(true);
/// assert_eq!(task.task_type(), "even-sensor");
/// ```
pub trait Sensor: Send + Sync + 'static {
    /// The inputs, as a tuple.
    type Input: Inputs + Sync;
    /// What the sensor returns when ready.
    type Output: Outputs;
    /// The task type a Flyte backend sees.
    fn task_type(&self) -> &str;
    /// Names and types of inputs and outputs.
    fn interface(&self) -> Interface;
    /// A description for people.
    fn description(&self) -> Option<&str> {
        None
    }
    /// Looks once.
    fn poke(
        &self,
        ctx: &ExecutionContext,
        input: &Self::Input,
    ) -> impl Future<Output = Result<Poke<Self::Output>, PokeError>> + Send;
}

/// The sensor waited `max_wait` and the condition never held.
#[derive(Debug, thiserror::Error)]
#[error("still not ready after waiting {} ({polls} polls)", flytekit_core::types::human_duration(*.waited))]
pub struct WaitExpired {
    /// How long it waited.
    pub waited: Duration,
    /// How many times it looked.
    pub polls: u32,
}

/// The waiting policy of a [`SensorTask`].
#[derive(Clone, Debug, PartialEq)]
pub struct WaitPolicy {
    /// The first interval between looks.
    pub poll_interval: Duration,
    /// Each interval is the previous one times this (1.0: no backoff).
    pub backoff_factor: f64,
    /// The longest interval backoff may reach.
    pub max_interval: Option<Duration>,
    /// Each interval is moved by up to this share of itself, at random (0.0 to 1.0),
    /// so many sensors do not look all at once.
    pub jitter: f64,
    /// How long to wait in all before giving up (the task's timeout bounds one attempt
    /// either way). A look still under way when it runs out is abandoned: the wait
    /// ends at `max_wait`, as the sensor's own expiry (so `soft_fail` applies).
    pub max_wait: Option<Duration>,
    /// How long one look may take before it is abandoned and counted as a transient
    /// failure ([`DEFAULT_CHECK_TIMEOUT`] unless set). Without it, a store that accepts
    /// connections and never answers holds one look for its client's whole retry
    /// budget (three minutes for object_store's S3 client).
    pub check_timeout: Duration,
    /// When the wait runs out: skip the node (and the nodes after it) instead of
    /// failing.
    pub soft_fail: bool,
}

impl WaitPolicy {
    /// The interval after `polls` looks, before jitter.
    pub fn interval(&self, polls: u32) -> Duration {
        let base = self.poll_interval.as_secs_f64();
        let grown = base
            * self
                .backoff_factor
                .powi(polls.saturating_sub(1).min(1_000) as i32);
        let capped = match self.max_interval {
            Some(cap) => grown.min(cap.as_secs_f64()),
            None => grown,
        };
        // Far beyond any sensible wait: keep it representable.
        Duration::from_secs_f64(capped.min(1e9))
    }

    fn jittered(&self, interval: Duration) -> Duration {
        if self.jitter <= 0.0 {
            return interval;
        }
        let shift = (fastrand::f64() * 2.0 - 1.0) * self.jitter;
        interval.mul_f64((1.0 + shift).max(0.0))
    }
}

/// A task that runs a [`Sensor`] until it is ready.
#[derive(Clone, Debug)]
pub struct SensorTask<S> {
    name: String,
    sensor: S,
    metadata: TaskMetadata,
    policy: WaitPolicy,
    invalid: Option<ConfigError>,
}

/// The default bound on one look ([`WaitPolicy::check_timeout`]).
pub const DEFAULT_CHECK_TIMEOUT: Duration = Duration::from_secs(30);

/// The default time between looks, as in flytekit's tutorial.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(10);

impl<S: Sensor> SensorTask<S> {
    /// A task named `name` running `sensor` every 10 s, with no backoff, jitter or
    /// maximum wait.
    pub fn of(name: impl Into<String>, sensor: S) -> Self {
        SensorTask {
            name: name.into(),
            sensor,
            metadata: TaskMetadata::default(),
            policy: WaitPolicy {
                poll_interval: DEFAULT_POLL_INTERVAL,
                backoff_factor: 1.0,
                max_interval: None,
                jitter: 0.0,
                max_wait: None,
                check_timeout: DEFAULT_CHECK_TIMEOUT,
                soft_fail: false,
            },
            invalid: None,
        }
    }

    /// Sets retries, timeout and the other metadata.
    pub fn with_metadata(mut self, metadata: TaskMetadata) -> Self {
        self.metadata = metadata;
        self
    }

    fn duration(&mut self, field: &'static str, value: impl IntoDuration) -> Option<Duration> {
        match value.into_duration(field) {
            Ok(d) if d.is_zero() => {
                self.invalid
                    .get_or_insert(ConfigError::ZeroDuration { field });
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                self.invalid.get_or_insert(e);
                None
            }
        }
    }

    /// Sets the (first) time between looks: a humantime string (`"1s"`, `"250ms"`) or
    /// a [`Duration`]. A bad value is reported when a workflow using the sensor runs.
    pub fn poll_interval(mut self, interval: impl IntoDuration) -> Self {
        if let Some(d) = self.duration("poll_interval", interval) {
            self.policy.poll_interval = d;
        }
        self
    }

    /// Multiplies the interval by `factor` after each look, up to `max_interval`.
    pub fn backoff(mut self, factor: f64, max_interval: impl IntoDuration) -> Self {
        if !(factor.is_finite() && factor >= 1.0) {
            self.invalid.get_or_insert(ConfigError::InvalidDuration {
                field: "backoff",
                value: factor.to_string(),
                reason: "the factor must be a number of at least 1".to_string(),
            });
        }
        self.policy.backoff_factor = factor;
        self.policy.max_interval = self.duration("max_interval", max_interval);
        self
    }

    /// Moves each interval by up to `share` of itself at random (0.0 to 1.0).
    pub fn jitter(mut self, share: f64) -> Self {
        if !(0.0..=1.0).contains(&share) {
            self.invalid.get_or_insert(ConfigError::InvalidDuration {
                field: "jitter",
                value: share.to_string(),
                reason: "the share must be between 0 and 1".to_string(),
            });
        }
        self.policy.jitter = share;
        self
    }

    /// Gives up after waiting this long in all.
    pub fn max_wait(mut self, wait: impl IntoDuration) -> Self {
        self.policy.max_wait = self.duration("max_wait", wait);
        self
    }

    /// Bounds each look (see [`WaitPolicy::check_timeout`]); a zero or unreadable
    /// duration is reported by [`Task::validate`].
    pub fn check_timeout(mut self, limit: impl IntoDuration) -> Self {
        if let Some(d) = self.duration("check_timeout", limit) {
            self.policy.check_timeout = d;
        }
        self
    }

    /// When the wait runs out, skips the node (and what comes after it) instead of
    /// failing it.
    ///
    /// On a Flyte cluster, where a task node has no skipped state (and flytekit's
    /// sensors no skip), the node fails with the error code `USER:Skipped`, never
    /// retried: the nodes that need it do not run, as locally, and the execution ends
    /// failed. `#[workflow(failure_policy = fail_after_executable_nodes_complete)]`
    /// lets the nodes that do not need it finish first, and an `on_failure` task can
    /// tell a skip from a failure by its error (`USER:Skipped`, "skipped itself").
    pub fn soft_fail(mut self, soft: bool) -> Self {
        self.policy.soft_fail = soft;
        self
    }

    /// The waiting policy.
    pub fn policy(&self) -> &WaitPolicy {
        &self.policy
    }

    /// The sensor.
    pub fn sensor(&self) -> &S {
        &self.sensor
    }
}

impl<S: Sensor> Task for SensorTask<S> {
    type Input = S::Input;
    type Output = S::Output;

    fn name(&self) -> &str {
        &self.name
    }

    fn task_type(&self) -> &str {
        self.sensor.task_type()
    }

    fn interface(&self) -> Interface {
        self.sensor.interface()
    }

    fn metadata(&self) -> &TaskMetadata {
        &self.metadata
    }

    fn description(&self) -> Option<&str> {
        self.sensor.description()
    }

    fn validate(&self) -> Result<(), ConfigError> {
        match &self.invalid {
            Some(e) => Err(e.clone()),
            None => self.metadata.validate(),
        }
    }

    async fn execute(
        &self,
        ctx: ExecutionContext,
        input: S::Input,
    ) -> Result<S::Output, TaskError> {
        let started = tokio::time::Instant::now();
        let mut polls = 0u32;
        loop {
            polls += 1;
            let left = self
                .policy
                .max_wait
                .map(|max| max.saturating_sub(started.elapsed()));
            let limit = left.map_or(self.policy.check_timeout, |l| {
                l.min(self.policy.check_timeout)
            });
            match tokio::time::timeout(limit, self.sensor.poke(&ctx, &input)).await {
                Ok(Ok(Poke::Ready(out))) => return Ok(out),
                Ok(Ok(Poke::NotYet)) => {}
                Ok(Err(PokeError::Transient(e))) => {
                    tracing::warn!(error = %e, polls, "sensor could not look; looking again");
                }
                Ok(Err(PokeError::Fatal(e))) => return Err(TaskError::permanent(e)),
                Err(_) if Some(limit) == left => {} // max_wait ran out mid-look: below.
                Err(_) => tracing::warn!(
                    polls,
                    "a look took over {} and was abandoned; looking again",
                    humantime::format_duration(limit)
                ),
            }
            let mut sleep = self.policy.jittered(self.policy.interval(polls));
            if let Some(max) = self.policy.max_wait {
                let waited = started.elapsed();
                if waited >= max {
                    return Err(self.expired(WaitExpired { waited, polls }));
                }
                // Never sleep past the deadline: one last look right at it.
                sleep = sleep.min(max - waited);
            }
            tokio::time::sleep(sleep).await;
        }
    }
}

impl<S: Sensor> SensorTask<S> {
    fn expired(&self, expired: WaitExpired) -> TaskError {
        if self.policy.soft_fail {
            tracing::warn!("{expired}; skipping (soft_fail)");
            return TaskError::Skipped(expired.to_string());
        }
        TaskError::permanent(expired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> WaitPolicy {
        SensorTask::of("s", ObjectStoreFile).policy().clone()
    }

    #[test]
    fn backoff_grows_by_the_factor_up_to_the_cap() {
        let p = WaitPolicy {
            poll_interval: Duration::from_millis(100),
            backoff_factor: 2.0,
            max_interval: Some(Duration::from_millis(500)),
            ..policy()
        };
        let ms: Vec<u128> = (1..=6).map(|n| p.interval(n).as_millis()).collect();
        assert_eq!(ms, [100, 200, 400, 500, 500, 500]);
        let flat = policy();
        assert_eq!(flat.interval(50), DEFAULT_POLL_INTERVAL);
    }

    #[test]
    fn jitter_stays_within_its_share() {
        let p = WaitPolicy {
            jitter: 0.2,
            ..policy()
        };
        for _ in 0..1_000 {
            let d = p.jittered(Duration::from_secs(10)).as_secs_f64();
            assert!((8.0..=12.0).contains(&d), "{d}");
        }
    }

    #[test]
    fn bad_settings_are_reported_by_validate_naming_the_value() {
        let t = SensorTask::of("s", ObjectStoreFile).backoff(0.5, "1s");
        assert!(t.validate().unwrap_err().to_string().contains("`0.5`"));
        let t = SensorTask::of("s", ObjectStoreFile).jitter(1.5);
        assert!(t.validate().unwrap_err().to_string().contains("`1.5`"));
        let t = SensorTask::of("s", ObjectStoreFile).max_wait("forever");
        assert!(t.validate().unwrap_err().to_string().contains("`forever`"));
    }
}
