//! [`WaitForObjectStorePrefix`]: waits until a folder of an object store holds at least
//! a given number of objects (a batch of files landing one by one).

use flytekit_core::prelude::*;

use super::{Poke, PokeError, Sensor, SensorError, SensorTask};

/// Counts the objects under a prefix: the sensor inside [`WaitForObjectStorePrefix`].
///
/// Inputs `prefix` (a folder location) and `min_count`; when at least `min_count`
/// objects are under it, returns their locations, sorted. Store errors are handled as
/// [`super::ObjectStoreFile`] handles them.
#[derive(Clone, Copy, Debug, Default)]
pub struct ObjectStorePrefix;

impl Sensor for ObjectStorePrefix {
    type Input = (String, i64);
    type Output = Vec<String>;

    fn task_type(&self) -> &str {
        WaitForObjectStorePrefix::TASK_TYPE
    }

    fn interface(&self) -> Interface {
        Interface::of::<(String, i64), Vec<String>>(["prefix", "min_count"], ["objects"])
    }

    fn description(&self) -> Option<&str> {
        Some(
            "Waits until a folder in an object store holds at least `min_count` objects, then returns them.",
        )
    }

    async fn poke(
        &self,
        ctx: &ExecutionContext,
        (prefix, min_count): &(String, i64),
    ) -> Result<Poke<Vec<String>>, PokeError> {
        match ctx.file_access().list(prefix).await {
            Ok(objects) if objects.len() as i64 >= *min_count => {
                tracing::info!(
                    "{} objects under {prefix} (wanted {min_count})",
                    objects.len()
                );
                Ok(Poke::Ready(objects))
            }
            Ok(objects) => {
                tracing::info!(
                    "{} of {min_count} objects under {prefix}; waiting",
                    objects.len()
                );
                Ok(Poke::NotYet)
            }
            Err(e) if e.is_transient() => Err(PokeError::Transient(Box::new(e))),
            Err(source) => Err(PokeError::Fatal(Box::new(SensorError::Store {
                path: prefix.clone(),
                source,
            }))),
        }
    }
}

/// A task that waits until a folder holds at least `min_count` objects and returns
/// their locations: a [`SensorTask`] of [`ObjectStorePrefix`].
///
/// ```
/// use flytekit_plugins::WaitForObjectStorePrefix;
///
/// let batch = WaitForObjectStorePrefix::new("wait-for-batch")
///     .poll_interval("5s")
///     .backoff(2.0, "1m")
///     .max_wait("2h");
/// assert_eq!(flytekit_core::task::Task::task_type(&batch), "object-store-prefix-sensor");
/// ```
pub type WaitForObjectStorePrefix = SensorTask<ObjectStorePrefix>;

impl SensorTask<ObjectStorePrefix> {
    /// The task type a Flyte backend sees.
    pub const TASK_TYPE: &'static str = "object-store-prefix-sensor";

    /// A prefix sensor task named `name`, looking every 10 s.
    pub fn new(name: impl Into<String>) -> Self {
        SensorTask::of(name, ObjectStorePrefix)
    }
}
