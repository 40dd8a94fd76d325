//! [`WaitForObjectStoreFile`]: polls an object store until a file exists.

use flytekit_core::data::DataError;
use flytekit_core::prelude::*;

use super::{Poke, PokeError, Sensor, SensorTask};

/// The sensor could not look at its path, for a reason that waiting will not fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SensorError {
    /// The location is invalid, unsupported, or the store refused access.
    #[error("cannot sense `{path}`")]
    Store {
        /// The path being sensed.
        path: String,
        /// The store's error.
        #[source]
        source: DataError,
    },
}

/// Looks whether a file exists: the sensor inside [`WaitForObjectStoreFile`].
///
/// The path is any location [`FileAccess`] understands. Each look is logged (sensing /
/// exists / does not exist); a transient store error is logged and looked at again;
/// an error that waiting cannot fix (bad URL, unknown scheme, permission denied) fails
/// the task at once.
#[derive(Clone, Copy, Debug, Default)]
pub struct ObjectStoreFile;

impl Sensor for ObjectStoreFile {
    type Input = (String,);
    type Output = String;

    fn task_type(&self) -> &str {
        WaitForObjectStoreFile::TASK_TYPE
    }

    fn interface(&self) -> Interface {
        Interface::of::<(String,), String>(["path"], ["path"])
    }

    fn description(&self) -> Option<&str> {
        Some("Waits until a file exists in an object store, then returns its path.")
    }

    async fn poke(
        &self,
        ctx: &ExecutionContext,
        (path,): &(String,),
    ) -> Result<Poke<String>, PokeError> {
        tracing::info!("Sensing file in path {path}...");
        match ctx.file_access().exists(path).await {
            Ok(true) => {
                tracing::info!("file in path {path} exists!");
                Ok(Poke::Ready(path.clone()))
            }
            Ok(false) => {
                tracing::warn!("file in path {path} does not exist!");
                Ok(Poke::NotYet)
            }
            Err(e) if e.is_transient() => {
                let cause = std::error::Error::source(&e).map(ToString::to_string);
                tracing::warn!(
                    error = %e,
                    cause = cause.unwrap_or_default(),
                    "could not check path {path}; polling again"
                );
                Ok(Poke::NotYet)
            }
            Err(source) => Err(PokeError::Fatal(Box::new(SensorError::Store {
                path: path.clone(),
                source,
            }))),
        }
    }
}

/// A task that waits until a file exists, then hands its path on: flytekit's
/// tutorial sensor, as a [`SensorTask`] of [`ObjectStoreFile`].
///
/// The path is any location [`FileAccess`] understands: a local path, `file://`,
/// `memory:///`, `s3://`, `gs://` or `az://`. A missing file means look again after
/// `poll_interval`; the task's metadata timeout bounds the wait, and the
/// [`SensorTask`] settings (backoff, jitter, `max_wait`, `soft_fail`) apply. Between
/// looks it sleeps on the tokio timer, never spinning, and sub-second intervals are
/// honoured.
///
/// ```
/// use flytekit_core::prelude::*;
/// use flytekit_plugins::WaitForObjectStoreFile;
///
/// let sensor = WaitForObjectStoreFile::new("my-objectstore-sensor")
///     .with_metadata(TaskMetadata::default().retries(10).timeout("20m"))
///     .poll_interval("1s");
/// assert_eq!(sensor.task_type(), "object-store-sensor");
/// assert_eq!(sensor.policy().poll_interval, std::time::Duration::from_secs(1));
/// ```
pub type WaitForObjectStoreFile = SensorTask<ObjectStoreFile>;

impl SensorTask<ObjectStoreFile> {
    /// The task type a Flyte backend sees.
    pub const TASK_TYPE: &'static str = "object-store-sensor";

    /// A file sensor task named `name`, looking every 10 s, with default metadata.
    pub fn new(name: impl Into<String>) -> Self {
        SensorTask::of(name, ObjectStoreFile)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use flytekit_core::task::ConfigError;

    use super::*;

    #[test]
    fn poll_interval_takes_humantime_strings_and_durations() {
        let s = WaitForObjectStoreFile::new("s").poll_interval("250ms");
        assert_eq!(s.policy().poll_interval, Duration::from_millis(250));
        let s = WaitForObjectStoreFile::new("s").poll_interval(Duration::from_secs(3));
        assert_eq!(s.policy().poll_interval, Duration::from_secs(3));
        assert!(s.validate().is_ok());
    }

    #[test]
    fn a_bad_or_zero_poll_interval_is_kept_for_validation() {
        let s = WaitForObjectStoreFile::new("s").poll_interval("soon");
        assert_eq!(
            s.policy().poll_interval,
            super::super::DEFAULT_POLL_INTERVAL
        );
        let err = s.validate().unwrap_err().to_string();
        assert!(
            err.starts_with("invalid duration `soon` for `poll_interval`"),
            "{err}"
        );
        let s = WaitForObjectStoreFile::new("s").poll_interval("0s");
        assert_eq!(
            s.validate(),
            Err(ConfigError::ZeroDuration {
                field: "poll_interval"
            })
        );
    }

    #[tokio::test(start_paused = true)]
    async fn execute_returns_the_path_once_the_file_lands() {
        let files = Arc::new(FileAccess::new());
        let sensor = WaitForObjectStoreFile::new("s").poll_interval("1s");
        let writer = {
            let files = files.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(2500)).await;
                files.put("memory:///in/file", "x").await.unwrap();
            })
        };
        let start = tokio::time::Instant::now();
        let ctx = ExecutionContext::standalone("s", files);
        let out = sensor
            .execute(ctx, ("memory:///in/file".to_string(),))
            .await
            .unwrap();
        writer.await.unwrap();
        assert_eq!(out, "memory:///in/file");
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test]
    async fn an_invalid_location_is_a_permanent_error_naming_the_path() {
        let ctx = ExecutionContext::standalone("s", Arc::new(FileAccess::new()));
        let err = WaitForObjectStoreFile::new("s")
            .execute(ctx, ("gopher://x/y".to_string(),))
            .await
            .unwrap_err();
        assert!(!err.is_retryable());
        let source = std::error::Error::source(&err).unwrap().to_string();
        assert_eq!(source, "cannot sense `gopher://x/y`");
    }
}
