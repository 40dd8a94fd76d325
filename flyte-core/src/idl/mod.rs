//! Flyte's own protobuf IDL: the messages this SDK writes and reads (`core`,
//! `admin`), values converted both ways ([`literal`], [`literal_from_idl`], ...),
//! entities serialized ([`task_template`], [`workflow_closure`], ...), and `inputs.pb`
//! read against a task's interface (`inputs`).
//!
//! Types, values, interfaces, task templates, workflow templates (task, subworkflow,
//! branch and array nodes), the admin specs and launch plans, and the error document
//! a failed task attempt writes.

pub mod admin;
mod admin_schedule;
pub mod admin_service;
mod array_node;
mod conditions;
pub mod core;
pub mod dynamic_job;
mod entities;
mod errors;
pub mod gates;
pub mod inputs;
mod k8s_pod;
mod literal_hash;
mod node_metadata;
mod node_overrides;
mod node_settings;
mod security;
mod settings;
mod task_template;
mod types;
mod values;
mod wire;

pub use entities::{task_spec, workflow_closure, workflow_spec, workflow_template};
pub use literal_hash::literal_hash;
pub(crate) use settings::identifier;
pub use settings::{FastSettings, SerializationSettings, execute_args};
pub use task_template::task_template;
pub use values::{
    IdlError, interface, literal, literal_from_idl, literal_map, literal_type,
    literal_type_from_idl,
};
pub(crate) use wire::{inline_offloaded, offloaded_uris};

/// How deep literals may nest (a list in a list ... counts one level per literal) in
/// what this SDK reads from outside: `inputs.pb`, offloaded literals. prost bounds its
/// own decoding the same way (100 messages); the bound keeps a hostile or broken
/// input from overflowing the stack, and every later walk of a value (converting,
/// hashing, printing, the report) works on values read within it.
pub const MAX_LITERAL_DEPTH: usize = 100;

/// The message for a literal nested deeper than [`MAX_LITERAL_DEPTH`].
pub(crate) fn too_deep() -> String {
    format!(
        "a literal is nested more than {MAX_LITERAL_DEPTH} levels deep, the most this SDK reads (as protobuf decoders bound nesting)"
    )
}
pub(crate) mod offloaded;

/// Protobuf's JSON form of the messages (`serialize --json`), as flytekit's
/// `MessageToJson` writes it.
pub mod json;
