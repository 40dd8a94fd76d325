//! What the conversions of `idl/` share below them: [`IdlError`], and JSON as a
//! protobuf `Struct` (a task's `custom`, a type's metadata, a pod spec).

/// A protobuf value this SDK cannot read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot read {what} from Flyte IDL: {reason}")]
pub struct IdlError {
    /// What was being read.
    pub what: &'static str,
    /// Why not.
    pub reason: String,
}

pub(crate) fn idl_err(what: &'static str, reason: impl Into<String>) -> IdlError {
    IdlError {
        what,
        reason: reason.into(),
    }
}

/// A JSON object as a protobuf `Struct` (`None` for anything but an object).
pub(crate) fn json_struct(v: &serde_json::Value) -> Option<prost_types::Struct> {
    match json_value(v).kind {
        Some(prost_types::value::Kind::StructValue(s)) => Some(s),
        _ => None,
    }
}

fn json_value(v: &serde_json::Value) -> prost_types::Value {
    use prost_types::value::Kind;
    let kind = match v {
        serde_json::Value::Null => Kind::NullValue(0),
        serde_json::Value::Bool(b) => Kind::BoolValue(*b),
        serde_json::Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or_default()),
        serde_json::Value::String(s) => Kind::StringValue(s.clone()),
        serde_json::Value::Array(items) => Kind::ListValue(prost_types::ListValue {
            values: items.iter().map(json_value).collect(),
        }),
        serde_json::Value::Object(map) => Kind::StructValue(prost_types::Struct {
            fields: map
                .iter()
                .map(|(k, v)| (k.clone(), json_value(v)))
                .collect(),
        }),
    };
    prost_types::Value { kind: Some(kind) }
}
