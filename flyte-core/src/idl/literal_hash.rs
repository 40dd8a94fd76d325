//! flytekit's hash of a literal (`flytekit/utils/pbhash.py`), which it writes into
//! `Literal.hash` when it offloads an output, and which Flyte's cache keys use.
//!
//! flytekit hashes text, not protobuf bytes: the literal in protobuf's JSON form as
//! Python's `json_format.MessageToDict` gives it, written by `json.dumps` with sorted
//! keys, no spaces and non-ASCII escaped, then SHA-256 and standard base64. So the
//! JSON here follows Python's output exactly: field names in lowerCamelCase, int64
//! and uint64 as strings, enums by name, fields at their default left out (oneof
//! members and present messages kept), floats as Python's `repr`, timestamps and
//! durations with 0, 3, 6 or 9 fraction digits.

use std::collections::BTreeMap;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::core as pb;
use super::schema::json::text::{duration_text, python_float, python_string, timestamp_text};

/// flytekit's hash of `literal`: base64 of the SHA-256 of its JSON form
/// (`flytekit.utils.pbhash.compute_hash_string`).
pub fn literal_hash(literal: &pb::Literal) -> String {
    let mut text = String::new();
    literal_json(literal).write(&mut text);
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// `literal` as cache keys see it: a literal with a hash (a file's content hash, a
/// flytekit `HashMethod`'s result) stands for itself by its hash alone, inside lists
/// and maps too; other values are kept. Flyte's catalog (`hashify` in flyteplugins)
/// and flytekit's local cache (`_recursive_hash_placement`) do the same, and neither
/// looks inside a union, so an `Option<FlyteFile>` is keyed by its location.
pub fn hash_placed(literal: &pb::Literal) -> pb::Literal {
    use pb::literal::Value as V;
    if !literal.hash.is_empty() {
        return pb::Literal {
            value: None,
            hash: literal.hash.clone(),
        };
    }
    let value = match &literal.value {
        Some(V::Collection(c)) => Some(V::Collection(pb::LiteralCollection {
            literals: c.literals.iter().map(hash_placed).collect(),
        })),
        Some(V::Map(m)) => Some(V::Map(pb::LiteralMap {
            literals: m
                .literals
                .iter()
                .map(|(k, v)| (k.clone(), hash_placed(v)))
                .collect(),
        })),
        _ => return literal.clone(),
    };
    pb::Literal {
        value,
        hash: String::new(),
    }
}

/// A JSON value as Python's `json` module writes it.
enum Json {
    Null,
    Bool(bool),
    /// A number Python holds as a `float`.
    Float(f64),
    Str(String),
    List(Vec<Json>),
    Object(BTreeMap<&'static str, Json>),
    /// An object with keys from the data (a map's entries, a struct's fields).
    Dict(BTreeMap<String, Json>),
}

impl Json {
    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Float(f) => out.push_str(&python_float(*f)),
            Json::Str(s) => python_string(s, out),
            Json::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(fields) => write_object(fields.iter().map(|(k, v)| (*k, v)), out),
            Json::Dict(fields) => write_object(fields.iter().map(|(k, v)| (k.as_str(), v)), out),
        }
    }
}

/// Keys come sorted (both maps are ordered by code point, as Python sorts `str`).
fn write_object<'a>(fields: impl Iterator<Item = (&'a str, &'a Json)>, out: &mut String) {
    out.push('{');
    for (i, (key, value)) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        python_string(key, out);
        out.push(':');
        value.write(out);
    }
    out.push('}');
}

fn timestamp(t: &prost_types::Timestamp) -> Json {
    Json::Str(timestamp_text(t))
}

fn duration(d: &prost_types::Duration) -> Json {
    Json::Str(duration_text(d))
}

/// An object of the fields that are set.
fn object<const N: usize>(fields: [(&'static str, Option<Json>); N]) -> Json {
    Json::Object(
        fields
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect(),
    )
}

/// A string field without presence: left out when empty.
fn text(s: &str) -> Option<Json> {
    (!s.is_empty()).then(|| Json::Str(s.to_string()))
}

fn literal_json(l: &pb::Literal) -> Json {
    use pb::literal::Value;
    let (key, value) = match &l.value {
        Some(Value::Scalar(s)) => ("scalar", Some(scalar(s))),
        Some(Value::Collection(c)) => (
            "collection",
            Some(object([(
                "literals",
                (!c.literals.is_empty())
                    .then(|| Json::List(c.literals.iter().map(literal_json).collect())),
            )])),
        ),
        Some(Value::Map(m)) => ("map", Some(literal_map(m))),
        Some(Value::OffloadedMetadata(o)) => (
            "offloadedMetadata",
            Some(object([
                ("uri", text(&o.uri)),
                (
                    "sizeBytes",
                    (o.size_bytes != 0).then(|| Json::Str(o.size_bytes.to_string())),
                ),
                ("inferredType", o.inferred_type.as_ref().map(literal_type)),
            ])),
        ),
        None => ("scalar", None),
    };
    object([(key, value), ("hash", text(&l.hash))])
}

fn literal_map(m: &pb::LiteralMap) -> Json {
    object([(
        "literals",
        (!m.literals.is_empty()).then(|| {
            Json::Dict(
                m.literals
                    .iter()
                    .map(|(k, v)| (k.clone(), literal_json(v)))
                    .collect(),
            )
        }),
    )])
}

fn scalar(s: &pb::Scalar) -> Json {
    use pb::scalar::Value;
    let (key, value) = match &s.value {
        Some(Value::Primitive(p)) => ("primitive", primitive(p)),
        Some(Value::Blob(b)) => (
            "blob",
            object([
                (
                    "metadata",
                    b.metadata
                        .as_ref()
                        .map(|m| object([("type", m.r#type.as_ref().map(blob_type))])),
                ),
                ("uri", text(&b.uri)),
            ]),
        ),
        Some(Value::Binary(b)) => (
            "binary",
            object([
                (
                    "value",
                    (!b.value.is_empty()).then(|| {
                        Json::Str(base64::engine::general_purpose::STANDARD.encode(&b.value))
                    }),
                ),
                ("tag", text(&b.tag)),
            ]),
        ),
        Some(Value::StructuredDataset(sd)) => (
            "structuredDataset",
            object([
                ("uri", text(&sd.uri)),
                (
                    "metadata",
                    sd.metadata.as_ref().map(|m| {
                        object([(
                            "structuredDatasetType",
                            m.structured_dataset_type.as_ref().map(dataset_type),
                        )])
                    }),
                ),
            ]),
        ),
        Some(Value::NoneType(_)) => ("noneType", object([])),
        Some(Value::Error(e)) => (
            "error",
            object([
                ("failedNodeId", text(&e.failed_node_id)),
                ("message", text(&e.message)),
            ]),
        ),
        Some(Value::Union(u)) => (
            "union",
            object([
                ("value", u.value.as_deref().map(literal_json)),
                ("type", u.r#type.as_ref().map(literal_type)),
            ]),
        ),
        None => return object([]),
    };
    object([(key, Some(value))])
}

fn primitive(p: &pb::Primitive) -> Json {
    use pb::primitive::Value;
    let (key, value) = match &p.value {
        // int64 is a string in protobuf's JSON form.
        Some(Value::Integer(i)) => ("integer", Json::Str(i.to_string())),
        Some(Value::FloatValue(f)) => ("floatValue", Json::Float(*f)),
        Some(Value::StringValue(s)) => ("stringValue", Json::Str(s.clone())),
        Some(Value::Boolean(b)) => ("boolean", Json::Bool(*b)),
        Some(Value::Datetime(t)) => ("datetime", timestamp(t)),
        Some(Value::Duration(d)) => ("duration", duration(d)),
        None => return object([]),
    };
    object([(key, Some(value))])
}

fn blob_type(t: &pb::BlobType) -> Json {
    object([
        ("format", text(&t.format)),
        (
            "dimensionality",
            (t.dimensionality == pb::BlobDimensionality::Multipart as i32)
                .then(|| Json::Str("MULTIPART".into())),
        ),
    ])
}

fn literal_type(t: &pb::LiteralType) -> Json {
    use pb::literal_type::Type;
    let ty = t.r#type.as_ref().map(|ty| match ty {
        Type::Simple(s) => (
            "simple",
            Json::Str(
                pb::SimpleType::try_from(*s)
                    .map(simple_name)
                    .unwrap_or("NONE")
                    .into(),
            ),
        ),
        Type::CollectionType(inner) => ("collectionType", literal_type(inner)),
        Type::MapValueType(inner) => ("mapValueType", literal_type(inner)),
        Type::Blob(b) => ("blob", blob_type(b)),
        Type::StructuredDatasetType(d) => ("structuredDatasetType", dataset_type(d)),
        Type::EnumType(e) => (
            "enumType",
            object([(
                "values",
                (!e.values.is_empty())
                    .then(|| Json::List(e.values.iter().cloned().map(Json::Str).collect())),
            )]),
        ),
        Type::UnionType(u) => (
            "unionType",
            object([(
                "variants",
                (!u.variants.is_empty())
                    .then(|| Json::List(u.variants.iter().map(literal_type).collect())),
            )]),
        ),
    });
    let mut fields = match object([
        ("metadata", t.metadata.as_ref().map(proto_struct)),
        (
            "annotation",
            t.annotation
                .as_ref()
                .map(|a| object([("annotations", a.annotations.as_ref().map(proto_struct))])),
        ),
        (
            "structure",
            t.structure.as_ref().map(|s| {
                object([
                    ("tag", text(&s.tag)),
                    (
                        "dataclassType",
                        (!s.dataclass_type.is_empty()).then(|| {
                            Json::Dict(
                                s.dataclass_type
                                    .iter()
                                    .map(|(k, v)| (k.clone(), literal_type(v)))
                                    .collect(),
                            )
                        }),
                    ),
                ])
            }),
        ),
    ]) {
        Json::Object(fields) => fields,
        _ => unreachable!("`object` builds an object"),
    };
    if let Some((key, value)) = ty {
        fields.insert(key, value);
    }
    Json::Object(fields)
}

fn dataset_type(d: &pb::StructuredDatasetType) -> Json {
    object([
        (
            "columns",
            (!d.columns.is_empty()).then(|| {
                Json::List(
                    d.columns
                        .iter()
                        .map(|c| {
                            object([
                                ("name", text(&c.name)),
                                ("literalType", c.literal_type.as_ref().map(literal_type)),
                            ])
                        })
                        .collect(),
                )
            }),
        ),
        ("format", text(&d.format)),
        ("externalSchemaType", text(&d.external_schema_type)),
        (
            "externalSchemaBytes",
            (!d.external_schema_bytes.is_empty()).then(|| {
                Json::Str(
                    base64::engine::general_purpose::STANDARD.encode(&d.external_schema_bytes),
                )
            }),
        ),
    ])
}

fn simple_name(s: pb::SimpleType) -> &'static str {
    match s {
        pb::SimpleType::None => "NONE",
        pb::SimpleType::Integer => "INTEGER",
        pb::SimpleType::Float => "FLOAT",
        pb::SimpleType::String => "STRING",
        pb::SimpleType::Boolean => "BOOLEAN",
        pb::SimpleType::Datetime => "DATETIME",
        pb::SimpleType::Duration => "DURATION",
        pb::SimpleType::Binary => "BINARY",
        pb::SimpleType::Error => "ERROR",
        pb::SimpleType::Struct => "STRUCT",
    }
}

/// `google.protobuf.Struct`: its JSON object, every number a Python float.
fn proto_struct(s: &prost_types::Struct) -> Json {
    Json::Dict(
        s.fields
            .iter()
            .map(|(k, v)| (k.clone(), proto_value(v)))
            .collect(),
    )
}

fn proto_value(v: &prost_types::Value) -> Json {
    use prost_types::value::Kind;
    match &v.kind {
        None | Some(Kind::NullValue(_)) => Json::Null,
        Some(Kind::NumberValue(n)) => Json::Float(*n),
        Some(Kind::StringValue(s)) => Json::Str(s.clone()),
        Some(Kind::BoolValue(b)) => Json::Bool(*b),
        Some(Kind::StructValue(s)) => proto_struct(s),
        Some(Kind::ListValue(l)) => Json::List(l.values.iter().map(proto_value).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_read_as_python_writes_them() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456.789, "123456.789"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e300, "1.5e+300"),
            (-2.5e-7, "-2.5e-07"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
        ];
        for (f, python) in cases {
            assert_eq!(python_float(f), python, "{f:e}");
        }
    }

    #[test]
    fn strings_escape_as_python_json_dumps() {
        let mut out = String::new();
        python_string("a\"\\\n\t\u{1}é\u{7f}😀", &mut out);
        assert_eq!(out, r#""a\"\\\n\t\u0001\u00e9\u007f\ud83d\ude00""#);
    }

    #[test]
    fn fractions_of_seconds_use_three_six_or_nine_digits() {
        let d = |seconds, nanos| match duration(&prost_types::Duration { seconds, nanos }) {
            Json::Str(s) => s,
            _ => unreachable!(),
        };
        assert_eq!(d(1, 0), "1s");
        assert_eq!(d(-1, -500_000_000), "-1.500s");
        assert_eq!(d(0, 1_000), "0.000001s");
        assert_eq!(d(0, 1), "0.000000001s");
    }
}
