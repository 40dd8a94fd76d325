//! Messages of Flyte's `flyteidl.core` package, written with prost, one file per
//! `.proto` (or group of them). Field numbers and names follow flyteidl 1.16; only the
//! fields this SDK writes or reads are declared, so others are skipped when decoding.
//! Every message is re-exported here, as `flyteidl.core` has one namespace.

mod bindings;
mod data_loading;
mod dynamic_job;
mod errors;
mod gates;
mod interface;
mod k8s_pod;
mod literals;
mod tasks;
mod types;
mod workflow;

pub use super::security::{Identity, Secret, SecretMountType, SecurityContext};
pub use bindings::*;
pub use data_loading::*;
pub use dynamic_job::*;
pub use errors::*;
pub use gates::*;
pub use interface::*;
pub use k8s_pod::K8sPod;
pub use literals::*;
pub use tasks::*;
pub use types::*;
pub use workflow::*;
