//! Values between our model and Flyte IDL: types, literals (both ways), interfaces,
//! literal maps. Entities (task, workflow and launch-plan specs) are in `entities`.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use super::core as pb;
pub use super::errors::IdlError;
use super::errors::idl_err;
pub(crate) use super::errors::json_struct;
use super::types::{
    blob_type, blob_type_from_idl, dataset_type, dataset_type_from_idl, union_variant,
};
pub use super::types::{literal_type, literal_type_from_idl};
use crate::interface::Interface;
use crate::types::{BlobDimensionality, BlobType, Literal, Primitive};

fn timestamp(t: SystemTime) -> prost_types::Timestamp {
    let (seconds, nanos) = crate::types::to_unix(t);
    prost_types::Timestamp {
        seconds,
        nanos: nanos as i32,
    }
}

fn system_time(t: &prost_types::Timestamp) -> Result<SystemTime, IdlError> {
    u32::try_from(t.nanos)
        .ok()
        .and_then(|nanos| crate::types::from_unix(t.seconds, nanos))
        .ok_or_else(|| {
            idl_err(
                "a datetime",
                format!(
                    "{} s and {} ns from the epoch is out of range",
                    t.seconds, t.nanos
                ),
            )
        })
}

/// A span of time as protobuf's `Duration` (our durations are never negative).
pub(crate) fn duration(d: Duration) -> prost_types::Duration {
    prost_types::Duration {
        seconds: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        nanos: d.subsec_nanos() as i32,
    }
}

fn scalar(v: pb::scalar::Value) -> pb::Literal {
    pb::Literal {
        value: Some(pb::literal::Value::Scalar(Box::new(pb::Scalar {
            value: Some(v),
        }))),
        hash: String::new(),
    }
}

fn hashed(mut l: pb::Literal, hash: &Option<String>) -> pb::Literal {
    l.hash = hash.clone().unwrap_or_default();
    l
}

/// A value as Flyte IDL.
pub fn literal(l: &Literal) -> pb::Literal {
    use pb::primitive::Value as P;
    use pb::scalar::Value as S;
    match l {
        Literal::Primitive(p) => {
            let v = match p {
                Primitive::Integer(v) => P::Integer(*v),
                Primitive::Float(v) => P::FloatValue(*v),
                Primitive::String(v) => P::StringValue(v.clone()),
                Primitive::Boolean(v) => P::Boolean(*v),
                Primitive::Datetime(t) => P::Datetime(timestamp(*t)),
                Primitive::Duration(d) => P::Duration(duration(*d)),
            };
            scalar(S::Primitive(pb::Primitive { value: Some(v) }))
        }
        Literal::None => scalar(S::NoneType(pb::Void {})),
        Literal::Error {
            message,
            failed_node_id,
        } => scalar(S::Error(pb::Error {
            failed_node_id: failed_node_id.clone(),
            message: message.clone(),
        })),
        Literal::Binary { value, tag } => scalar(S::Binary(pb::Binary {
            value: value.clone(),
            tag: tag.clone(),
        })),
        Literal::Collection(items) => pb::Literal {
            value: Some(pb::literal::Value::Collection(pb::LiteralCollection {
                literals: items.iter().map(literal).collect(),
            })),
            hash: String::new(),
        },
        Literal::Map(entries) => pb::Literal {
            value: Some(pb::literal::Value::Map(pb::LiteralMap {
                literals: entries
                    .iter()
                    .map(|(k, v)| (k.clone(), literal(v)))
                    .collect(),
            })),
            hash: String::new(),
        },
        Literal::Union { value, variant } => scalar(S::Union(Box::new(pb::Union {
            value: Some(Box::new(literal(value))),
            r#type: Some(union_variant(variant)),
        }))),
        Literal::Blob { uri, ty, hash } => hashed(
            scalar(S::Blob(pb::Blob {
                metadata: Some(pb::BlobMetadata {
                    r#type: Some(blob_type(ty)),
                }),
                uri: uri.clone(),
            })),
            hash,
        ),
        Literal::StructuredDataset { uri, ty, hash } => hashed(
            scalar(S::StructuredDataset(Box::new(pb::StructuredDataset {
                uri: uri.clone(),
                metadata: Some(pb::StructuredDatasetMetadata {
                    structured_dataset_type: Some(dataset_type(ty)),
                }),
            }))),
            hash,
        ),
    }
}

/// A value read back from Flyte IDL.
pub fn literal_from_idl(l: &pb::Literal) -> Result<Literal, IdlError> {
    match &l.value {
        Some(pb::literal::Value::Collection(c)) => Ok(Literal::Collection(
            c.literals
                .iter()
                .map(literal_from_idl)
                .collect::<Result<_, _>>()?,
        )),
        Some(pb::literal::Value::Map(m)) => Ok(Literal::Map(
            m.literals
                .iter()
                .map(|(k, v)| Ok((k.clone(), literal_from_idl(v)?)))
                .collect::<Result<BTreeMap<_, _>, IdlError>>()?,
        )),
        Some(pb::literal::Value::OffloadedMetadata(o)) => Err(idl_err(
            "a literal",
            format!(
                "it is offloaded to `{}`; read it from there first (the entrypoint does)",
                o.uri
            ),
        )),
        Some(pb::literal::Value::Scalar(s)) => scalar_from_idl(s, &l.hash),
        None => Err(idl_err("a literal", "it is empty")),
    }
}

/// A scalar value read back from Flyte IDL, with its literal's `hash`, which files,
/// directories and dataframes keep.
pub(crate) fn scalar_from_idl(s: &pb::Scalar, hash: &str) -> Result<Literal, IdlError> {
    let hash = (!hash.is_empty()).then(|| hash.to_string());
    use pb::primitive::Value as P;
    use pb::scalar::Value as S;
    match &s.value {
        Some(S::Primitive(p)) => Ok(Literal::Primitive(match &p.value {
            Some(P::Integer(v)) => Primitive::Integer(*v),
            Some(P::FloatValue(v)) => Primitive::Float(*v),
            Some(P::StringValue(v)) => Primitive::String(v.clone()),
            Some(P::Boolean(v)) => Primitive::Boolean(*v),
            Some(P::Datetime(t)) => Primitive::Datetime(system_time(t)?),
            Some(P::Duration(d)) => {
                if d.seconds < 0 || d.nanos < 0 {
                    return Err(idl_err(
                        "a duration",
                        "negative durations are not supported",
                    ));
                }
                Primitive::Duration(Duration::new(d.seconds as u64, d.nanos as u32))
            }
            None => return Err(idl_err("a primitive", "it is empty")),
        })),
        Some(S::NoneType(_)) => Ok(Literal::None),
        Some(S::Error(e)) => Ok(Literal::Error {
            message: e.message.clone(),
            failed_node_id: e.failed_node_id.clone(),
        }),
        Some(S::Binary(b)) => Ok(Literal::Binary {
            value: b.value.clone(),
            tag: b.tag.clone(),
        }),
        Some(S::StructuredDataset(sd)) => Ok(Literal::StructuredDataset {
            uri: sd.uri.clone(),
            ty: sd
                .metadata
                .as_ref()
                .and_then(|m| m.structured_dataset_type.as_ref())
                .map(dataset_type_from_idl)
                .transpose()?
                .unwrap_or_default(),
            hash,
        }),
        Some(S::Blob(b)) => Ok(Literal::Blob {
            uri: b.uri.clone(),
            ty: b
                .metadata
                .as_ref()
                .and_then(|m| m.r#type.as_ref())
                .map(blob_type_from_idl)
                .unwrap_or(BlobType {
                    format: String::new(),
                    dimensionality: BlobDimensionality::Single,
                }),
            hash,
        }),
        Some(S::Union(u)) => {
            let value = u
                .value
                .as_ref()
                .ok_or_else(|| idl_err("a union", "it has no value"))?;
            let variant = u
                .r#type
                .as_ref()
                .ok_or_else(|| idl_err("a union", "it has no type"))?;
            Ok(Literal::Union {
                value: Box::new(literal_from_idl(value)?),
                variant: super::types::union_variant_from_idl(variant)?,
            })
        }
        None => Err(idl_err(
            "a scalar",
            "it is empty or of a kind this SDK does not read",
        )),
    }
}

/// A typed interface: variables by name, each with its type.
pub fn interface(i: &Interface) -> pb::TypedInterface {
    let vars = |vs: &[crate::interface::Variable]| pb::VariableMap {
        variables: vs
            .iter()
            .map(|v| {
                (
                    v.name.clone(),
                    pb::Variable {
                        r#type: Some(literal_type(&v.ty)),
                        description: v.name.clone(),
                    },
                )
            })
            .collect(),
    };
    pb::TypedInterface {
        inputs: Some(vars(&i.inputs)),
        outputs: Some(vars(&i.outputs)),
    }
}

/// Named values as a `LiteralMap` (the form of `inputs.pb` and `outputs.pb`).
pub fn literal_map<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a Literal)>,
) -> pb::LiteralMap {
    pb::LiteralMap {
        literals: entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), literal(v)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::time::UNIX_EPOCH;

    use prost::Message;

    use super::*;
    use crate::types::{FlyteDirectory, FlyteFile, FlyteType, MSGPACK_TAG};
    use crate::types::{LiteralType, SimpleType};

    fn round_trip(l: Literal) {
        let bytes = literal(&l).encode_to_vec();
        let back = literal_from_idl(&pb::Literal::decode(bytes.as_slice()).unwrap()).unwrap();
        assert_eq!(back, l);
    }

    #[test]
    fn literals_survive_the_wire() {
        round_trip(42i64.to_literal());
        round_trip(2.5f64.to_literal());
        round_trip("hello".to_string().to_literal());
        round_trip(true.to_literal());
        round_trip(Duration::from_millis(1500).to_literal());
        round_trip((UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123)).to_literal());
        round_trip((UNIX_EPOCH - Duration::from_millis(1500)).to_literal());
        round_trip(vec![1u8, 2, 3].to_literal());
        round_trip(vec![vec![1i64], vec![]].to_literal());
        round_trip(HashMap::from([("a".to_string(), Some(1.5f64))]).to_literal());
        round_trip(Option::<String>::None.to_literal());
        round_trip(FlyteFile::new("s3://b/k").to_literal());
        round_trip(FlyteDirectory::new("s3://b/d").to_literal());
    }

    #[test]
    fn union_variants_are_tagged_with_flytekits_transformer_names() {
        let tag = |t: LiteralType| {
            let t = literal_type(&LiteralType::Union(vec![
                t,
                LiteralType::Simple(SimpleType::None),
            ]));
            let Some(pb::literal_type::Type::UnionType(u)) = t.r#type else {
                panic!("a union")
            };
            u.variants[0].structure.as_ref().unwrap().tag.clone()
        };
        assert_eq!(tag(<Vec<i64>>::literal_type()), "Typed List");
        assert_eq!(tag(<HashMap<String, i64>>::literal_type()), "Typed Dict");
        assert_eq!(tag(<FlyteFile>::literal_type()), "FlyteFilePath");
        assert_eq!(tag(FlyteDirectory::literal_type()), "FlyteDirectory");
        assert_eq!(
            tag(LiteralType::Enum(vec!["a".into()])),
            "DefaultEnumTransformer"
        );
        assert_eq!(
            tag(<crate::types::FlyteError>::literal_type()),
            "FlyteError"
        );
        assert_eq!(tag(Duration::literal_type()), "timedelta");
    }

    #[test]
    fn optional_types_are_tagged_unions_as_flytekit_writes_them() {
        let t = literal_type(&<Option<i64>>::literal_type());
        let Some(pb::literal_type::Type::UnionType(u)) = t.r#type else {
            panic!("a union")
        };
        let tags: Vec<_> = u
            .variants
            .iter()
            .map(|v| v.structure.as_ref().unwrap().tag.as_str())
            .collect();
        assert_eq!(tags, ["int", "none"]);
    }

    #[test]
    fn types_read_back_as_written() {
        for t in [
            <Vec<std::collections::BTreeMap<String, Vec<f64>>>>::literal_type(),
            <Option<String>>::literal_type(),
            FlyteDirectory::literal_type(),
            LiteralType::Enum(vec!["a".into(), "b".into()]),
        ] {
            assert_eq!(literal_type_from_idl(&literal_type(&t)).unwrap(), t);
        }
    }

    #[test]
    fn an_empty_literal_is_an_error_naming_what() {
        let err = literal_from_idl(&pb::Literal::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read a literal from Flyte IDL: it is empty"
        );
    }

    #[test]
    fn struct_literals_stay_msgpack() {
        let l = Literal::Binary {
            value: vec![0x80],
            tag: MSGPACK_TAG.into(),
        };
        round_trip(l);
    }
}
