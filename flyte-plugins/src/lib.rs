//! Task plugins for the `flyte` crate, written the way any plugin author would: a
//! struct implementing [`flyte_core::task::Task`].
//!
//! - [`WaitForObjectStoreFile`]: waits until a file exists in an object store.

pub mod sensor;

pub use sensor::{SensorError, WaitForObjectStoreFile};
