//! Task plugins for the `flytekit` crate, written the way any plugin author would: a
//! struct implementing [`flytekit_core::task::Task`].
//!
//! - [`sensor`]: the sensor framework ([`sensor::Sensor`], [`sensor::SensorTask`]:
//!   poll interval, backoff, jitter, maximum wait, soft fail) and two sensors:
//! - [`WaitForObjectStoreFile`]: waits until a file exists in an object store;
//! - [`WaitForObjectStorePrefix`]: waits until a folder holds at least N objects.

pub mod sensor;

pub use sensor::{SensorError, WaitForObjectStoreFile, WaitForObjectStorePrefix};
