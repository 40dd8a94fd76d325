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
pub mod gates;
pub mod inputs;
mod k8s_pod;
mod literal_hash;
mod node_metadata;
mod node_overrides;
mod security;
mod task_template;
mod types;
mod values;
mod wire;

pub(crate) use entities::identifier;
pub use entities::{
    FastSettings, SerializationSettings, execute_args, task_spec, workflow_closure, workflow_spec,
    workflow_template,
};
pub use literal_hash::literal_hash;
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

/// Readable JSON for the messages (`serialize --json`): field names as in the
/// `.proto` files, enum values by name, well-known types in their JSON forms.
pub(crate) mod json {
    use serde::{Serialize, Serializer};

    pub(crate) fn enumeration<E, S>(v: &i32, s: S) -> Result<S::Ok, S::Error>
    where
        E: TryFrom<i32> + Serialize,
        S: Serializer,
    {
        match E::try_from(*v) {
            Ok(e) => e.serialize(s),
            // A value this SDK has no name for: keep the number.
            Err(_) => s.serialize_i32(*v),
        }
    }

    fn value_of(v: &prost_types::Value) -> serde_json::Value {
        use prost_types::value::Kind;
        match &v.kind {
            None | Some(Kind::NullValue(_)) => serde_json::Value::Null,
            Some(Kind::NumberValue(n)) => serde_json::json!(n),
            Some(Kind::StringValue(s)) => serde_json::Value::String(s.clone()),
            Some(Kind::BoolValue(b)) => serde_json::Value::Bool(*b),
            Some(Kind::StructValue(st)) => struct_of(st),
            Some(Kind::ListValue(l)) => l.values.iter().map(value_of).collect(),
        }
    }

    fn struct_of(st: &prost_types::Struct) -> serde_json::Value {
        serde_json::Value::Object(
            st.fields
                .iter()
                .map(|(k, v)| (k.clone(), value_of(v)))
                .collect(),
        )
    }

    pub(crate) fn optional_struct<S: Serializer>(
        v: &Option<prost_types::Struct>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.as_ref().map(struct_of).serialize(s)
    }

    pub(crate) fn duration<S: Serializer>(
        d: &prost_types::Duration,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        // Protobuf's JSON form: seconds with a fraction and an `s`.
        let text = if d.nanos == 0 {
            format!("{}s", d.seconds)
        } else {
            format!("{}.{:09}s", d.seconds, d.nanos.unsigned_abs())
        };
        s.serialize_str(&text)
    }

    pub(crate) fn optional_duration<S: Serializer>(
        d: &Option<prost_types::Duration>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => duration(d, s),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn timestamp<S: Serializer>(
        t: &prost_types::Timestamp,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match chrono::DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32) {
            Some(at) => s.serialize_str(&at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            None => s.serialize_str(&format!("{}s {}ns since 1970", t.seconds, t.nanos)),
        }
    }

    pub(crate) fn optional_timestamp<S: Serializer>(
        t: &Option<prost_types::Timestamp>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => timestamp(t, s),
            None => s.serialize_none(),
        }
    }
}
