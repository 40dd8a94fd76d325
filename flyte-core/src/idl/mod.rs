//! Flyte's own protobuf IDL, in two layers. Below, the wire schema (`schema`): the
//! messages this SDK writes and reads (`core`, `admin`, `admin_service`) and their
//! JSON form (`json`). Above, the conversions of our model into them: values both
//! ways ([`literal`], [`literal_from_idl`], ...), entities ([`task_template`],
//! [`workflow_closure`], ...), a task's settings (`node_settings`), flytekit's literal
//! hash ([`literal_hash`]); and, in `read`, what Flyte writes read back on the wire
//! (`inputs.pb` against a task's interface, offloaded literals).
//!
//! Types, values, interfaces, task templates, workflow templates (task, subworkflow,
//! branch and array nodes), the admin specs and launch plans, and the error document
//! a failed task attempt writes.

mod array_node;
mod conditions;
pub mod dynamic_job;
mod entities;
mod errors;
pub mod gates;
mod k8s_pod;
mod literal_hash;
mod node_metadata;
mod node_overrides;
mod node_settings;
mod read;
mod schema;
mod settings;
mod task_template;
mod types;
mod values;

pub use read::inputs;
pub(crate) use read::offloaded;
pub use schema::{admin, admin_nodes, admin_service, core, json};

pub use entities::{task_spec, workflow_closure, workflow_spec, workflow_template};
pub use literal_hash::{hash_placed, literal_hash};
#[cfg(feature = "remote")]
pub(crate) use read::offloaded_uris;
pub(crate) use settings::identifier;
pub use settings::{FastSettings, SerializationSettings, execute_args};
pub use task_template::task_template;
pub use values::{
    IdlError, interface, literal, literal_from_idl, literal_map, literal_type,
    literal_type_from_idl,
};

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
