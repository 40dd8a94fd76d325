//! Flyte's own protobuf IDL: the messages this SDK writes and reads (`core`), and the
//! conversions between them and our model (`convert`).
//!
//! Types, values, interfaces, task templates and workflow templates (task and
//! subworkflow nodes) are here so far; branch and array nodes, launch plans and error
//! documents come with the container entrypoint.

pub mod convert;
pub mod core;

pub use convert::{
    IdlError, SerializationSettings, execute_args, interface, literal, literal_from_idl,
    literal_map, literal_type, literal_type_from_idl, task_template, workflow_template,
};
