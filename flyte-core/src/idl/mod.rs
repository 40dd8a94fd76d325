//! Flyte's own protobuf IDL: the messages this SDK writes and reads (`core`), and the
//! conversions between them and our model (`convert`).
//!
//! Types, values, interfaces, task and workflow templates (task and subworkflow
//! nodes), the admin specs and launch plans are here so far; branch and array nodes
//! and error documents come with the container entrypoint.

pub mod admin;
pub mod convert;
pub mod core;

pub use convert::{
    IdlError, SerializationSettings, execute_args, interface, launch_plan, literal,
    literal_from_idl, literal_map, literal_type, literal_type_from_idl, task_spec, task_template,
    workflow_closure, workflow_spec, workflow_template,
};
