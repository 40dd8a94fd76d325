//! Protobuf's JSON mapping of the messages, as flytekit's `json_format.MessageToJson`
//! writes it, so `serialize --json` can be diffed with what pyflyte or flytectl print:
//! field names in lowerCamelCase, scalars equal to their default left out, a present
//! message kept even when empty (`{}`), `int64` as strings, enums by name, oneof
//! members in place of their oneof, `bytes` in base64, well-known types in their JSON
//! forms (`"600s"`, RFC 3339 times, `Struct` as an object), map keys sorted.
//!
//! The messages describe themselves through serde; [`to_json`](crate::idl::schema::json::to_json) reads that description
//! with a serializer of its own, which tells a message from a map, an explicitly set
//! optional from an unset one, and a oneof member from a field.

mod canonical;
pub(crate) mod text;

pub use canonical::to_json;

use serde::{Serialize, Serializer};

/// The newtype name [`enumeration`] marks an enum's value 0 with.
const ENUM_DEFAULT: &str = "$flyte.proto.enum.default";

/// A protobuf enum field (an `i32` in the message) by its value's name. Value 0 is
/// marked, so the JSON form leaves it out as protobuf leaves out every default.
pub(crate) fn enumeration<E, S>(v: &i32, s: S) -> Result<S::Ok, S::Error>
where
    E: TryFrom<i32> + Serialize,
    S: Serializer,
{
    match E::try_from(*v) {
        Ok(e) if *v == 0 => s.serialize_newtype_struct(ENUM_DEFAULT, &e),
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

pub(crate) fn duration<S: Serializer>(d: &prost_types::Duration, s: S) -> Result<S::Ok, S::Error> {
    // Protobuf's JSON form: seconds, a fraction of 0, 3, 6 or 9 digits, and an `s`.
    s.serialize_str(&text::duration_text(d))
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
    s.serialize_str(&text::timestamp_text(t))
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
