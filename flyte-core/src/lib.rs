//! The model and local runtime behind the `flytekit` crate.
//!
//! Users depend on `flytekit`, which re-exports this crate; plugin authors find the
//! [`task::Task`] trait here. The modules form a one-way stack: each uses only the
//! ones above it in this list (`tests/cluster/layering.rs` fails on an edge going up).
//! - [`data`]: object-store access and locations,
//! - [`types`]: Rust types as Flyte types and values,
//! - [`interface`]: named, ordered inputs and outputs,
//! - [`task`]: the task trait, its type-erased form, metadata, errors, and the
//!   context an attempt sees (identity and object-store access, nothing of graphs),
//! - [`workflow`]: graphs, promises and the builder,
//! - [`idl`]: Flyte IDL protobuf messages, values and entities converted to them,
//!   and `inputs.pb` read against an interface,
//! - [`cache`]: the local output cache, keyed on plain data (task name, cache
//!   version, interface, input literals),
//! - [`execution`]: the local executor and run observers,
//! - [`launch_plan`]: named launch plans with fixed and default inputs,
//! - [`registry`]: a program's entities, written as `pyflyte package` writes them,
//! - [`entrypoint`]: one task attempt inside a container on a Flyte cluster,
//! - `remote` (feature `remote`): flyteadmin's gRPC API: register, launch, wait,
//!   read outputs, sign in, upload through the data proxy.

pub mod cache;
pub mod data;
pub mod entrypoint;
pub mod execution;
pub mod idl;
pub mod interface;
pub mod launch_plan;
pub mod registry;
#[cfg(feature = "remote")]
pub mod remote;
pub mod task;
pub mod types;
pub mod workflow;

/// Support for generated code; not public API. The version in the name keeps a
/// mismatched `flyte-macros` from compiling against it by accident (as serde does).
#[doc(hidden)]
pub mod __private_0_1;

/// The items most task and plugin code needs.
pub mod prelude {
    pub use crate::data::FileAccess;
    pub use crate::execution::{ExecutionContext, RunError, RunOptions};
    pub use crate::interface::Interface;
    pub use crate::launch_plan::LaunchPlan;
    pub use crate::task::{PodTemplate, Resources, Task, TaskConfig, TaskError, TaskMetadata};
    #[cfg(feature = "dataframe")]
    pub use crate::types::{Columns, StructuredDataset};
    pub use crate::types::{FlyteDirectory, FlyteFile, FlyteType, PickledBytes};
    pub use crate::workflow::{NodeOverrides, Promise, Workflow, WorkflowSpec};
}
