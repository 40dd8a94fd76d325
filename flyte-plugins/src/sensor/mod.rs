//! Sensors: tasks that wait for something to happen outside the workflow.

mod file;

pub use file::{SensorError, WaitForObjectStoreFile};
