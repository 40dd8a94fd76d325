//! The local runtime: tasks, workflows and their wiring, types, caching, sensors,
//! map tasks, branches, dynamic tasks, launch plans run locally, the report and
//! failure handling.
//!
//! One test binary for the area (each file a module), so CI links a few binaries.

mod attr_access;
mod branching;
mod cache;
mod composition;
mod container;
mod dynamic;
mod executor;
mod file_names;
mod files;
mod fuzz;
mod graph_helpers;
mod launch_plans;
mod map_tasks;
mod reliability;
mod report;
mod sensor;
mod sensor_framework;
#[path = "../support/mod.rs"]
mod support;
mod task_env;
mod testing;
mod types;
