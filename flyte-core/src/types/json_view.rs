//! Values as JSON, for people and scripts: what `run` prints, and how a struct's
//! value reads in tables and errors (its fields, not its msgpack bytes).

use base64::Engine as _;
use serde_json::{Value as Json, json};

use super::{Literal, Primitive, datetime};

impl Literal {
    /// This value as JSON: numbers, strings and booleans as they are, datetimes as
    /// RFC 3339 text, durations in seconds, lists and maps as arrays and objects, a
    /// struct as its fields, an enum as its name, none as `null`, files, directories
    /// and dataframes as their URIs, plain bytes as base64.
    ///
    /// ```
    /// # extern crate flytekit_core as flytekit;
    /// use flytekit::types::FlyteType;
    /// let v = vec![Some(1.5f64), None].to_literal();
    /// assert_eq!(v.to_json(), serde_json::json!([1.5, null]));
    /// ```
    pub fn to_json(&self) -> Json {
        match self {
            Literal::Primitive(p) => match p {
                Primitive::Integer(v) => json!(v),
                Primitive::Float(v) => json!(v),
                Primitive::String(v) => json!(v),
                Primitive::Boolean(v) => json!(v),
                Primitive::Datetime(v) => json!(datetime::display(*v)),
                Primitive::Duration(v) => json!(v.as_secs_f64()),
            },
            Literal::None => Json::Null,
            Literal::Binary { value, tag } if tag == super::MSGPACK_TAG => {
                struct_json(value).unwrap_or_else(|| json!(base64_of(value)))
            }
            Literal::Binary { value, .. } => json!(base64_of(value)),
            Literal::Collection(items) => Json::Array(items.iter().map(Literal::to_json).collect()),
            Literal::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
            Literal::Union { value, .. } => value.to_json(),
            Literal::Blob { uri, .. } | Literal::StructuredDataset { uri, .. } => json!(uri),
            Literal::Error {
                message,
                failed_node_id,
            } => json!({ "error": message, "failed_node_id": failed_node_id }),
        }
    }
}

/// A msgpack value (a struct's, a dict's) as JSON, if it is one JSON can hold (a
/// bytes field is base64 text).
pub(super) fn struct_json(msgpack: &[u8]) -> Option<Json> {
    let value = rmpv::decode::read_value(&mut &msgpack[..]).ok()?;
    Some(from_msgpack(&value))
}

fn from_msgpack(v: &rmpv::Value) -> Json {
    use rmpv::Value as M;
    match v {
        M::Nil => Json::Null,
        M::Boolean(b) => json!(b),
        M::Integer(i) => i
            .as_i64()
            .map(|i| json!(i))
            .or_else(|| i.as_u64().map(|u| json!(u)))
            .unwrap_or(Json::Null),
        M::F32(f) => json!(f),
        M::F64(f) => json!(f),
        M::String(s) => json!(s.as_str().unwrap_or_default()),
        M::Binary(b) => json!(base64_of(b)),
        M::Array(items) => Json::Array(items.iter().map(from_msgpack).collect()),
        M::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        M::String(s) => s.as_str().unwrap_or_default().to_string(),
                        other => other.to_string(),
                    };
                    (key, from_msgpack(v))
                })
                .collect(),
        ),
        M::Ext(_, bytes) => json!(base64_of(bytes)),
    }
}

fn base64_of(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
