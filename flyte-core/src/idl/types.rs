//! Flyte types both ways: our [`LiteralType`] as `flyteidl.core.LiteralType`, as
//! flytekit writes the type of the equivalent Python (union tags, struct schemas and
//! annotations included), and back.

use super::core as pb;
use super::errors::{IdlError, idl_err, json_struct};
use crate::types::{BlobDimensionality, BlobType, DatasetType, LiteralType, SimpleType};

fn simple(s: SimpleType) -> pb::SimpleType {
    match s {
        SimpleType::None => pb::SimpleType::None,
        SimpleType::Integer => pb::SimpleType::Integer,
        SimpleType::Float => pb::SimpleType::Float,
        SimpleType::String => pb::SimpleType::String,
        SimpleType::Boolean => pb::SimpleType::Boolean,
        SimpleType::Datetime | SimpleType::Date => pb::SimpleType::Datetime,
        SimpleType::Duration => pb::SimpleType::Duration,
        SimpleType::Binary => pb::SimpleType::Binary,
        SimpleType::Error => pb::SimpleType::Error,
    }
}

pub(super) fn blob_type(b: &BlobType) -> pb::BlobType {
    pb::BlobType {
        format: b.format.clone(),
        dimensionality: match b.dimensionality {
            BlobDimensionality::Single => pb::BlobDimensionality::Single,
            BlobDimensionality::Multipart => pb::BlobDimensionality::Multipart,
        } as i32,
    }
}

/// A type as Flyte IDL.
pub fn literal_type(t: &LiteralType) -> pb::LiteralType {
    use pb::literal_type::Type;
    let mut out = pb::LiteralType::default();
    match t {
        LiteralType::Simple(s) => out.r#type = Some(Type::Simple(simple(*s) as i32)),
        LiteralType::Collection(inner) => {
            out.r#type = Some(Type::CollectionType(Box::new(literal_type(inner))))
        }
        LiteralType::Map(inner) => {
            out.r#type = Some(Type::MapValueType(Box::new(literal_type(inner))))
        }
        LiteralType::Union(variants) => {
            out.r#type = Some(Type::UnionType(pb::UnionType {
                variants: variants.iter().map(union_variant).collect(),
            }))
        }
        LiteralType::Enum(values) => {
            out.r#type = Some(Type::EnumType(pb::EnumType {
                values: values.clone(),
            }))
        }
        LiteralType::StructuredDataset(d) => {
            out.r#type = Some(Type::StructuredDatasetType(Box::new(dataset_type(d))))
        }
        LiteralType::Blob(b) => {
            out.r#type = Some(Type::Blob(blob_type(b)));
            // flytekit names the pickled class; a pickle here is always `bytes`.
            if b.format == crate::types::PICKLE_FORMAT {
                out.metadata = json_struct(&serde_json::json!({
                    "python_class_name": "<class 'bytes'>"
                }));
            }
        }
        // As flytekit writes an untyped `dict`: STRUCT and the serialization format.
        LiteralType::Struct(s) if s.is_untyped() => {
            out.r#type = Some(Type::Simple(pb::SimpleType::Struct as i32));
            out.annotation = Some(pb::TypeAnnotation {
                annotations: json_struct(&serde_json::json!({
                    "cache-key-metadata": { "serialization-format": "msgpack" }
                })),
            });
        }
        LiteralType::Struct(s) => {
            // As flytekit writes dataclasses: STRUCT with the JSON schema as metadata,
            // the serialization format as an annotation, the field types as structure.
            out.r#type = Some(Type::Simple(pb::SimpleType::Struct as i32));
            out.metadata = json_struct(&s.schema);
            out.annotation = Some(pb::TypeAnnotation {
                annotations: json_struct(&serde_json::json!({
                    "cache-key-metadata": { "serialization-format": "msgpack" }
                })),
            });
            out.structure = Some(pb::TypeStructure {
                tag: String::new(),
                dataclass_type: s
                    .fields
                    .iter()
                    .map(|(name, ty)| (name.clone(), literal_type(ty)))
                    .collect(),
            });
        }
    }
    out
}

pub(super) fn union_variant(t: &LiteralType) -> pb::LiteralType {
    let mut v = literal_type(t);
    // flytekit replaces the variant's structure with the tag alone (a struct's field
    // types are dropped), so a variant is compared by its tag.
    v.structure = Some(pb::TypeStructure {
        tag: t.union_tag(),
        dataclass_type: Default::default(),
    });
    v
}

/// A union variant: its type, a `date` told from a datetime by flytekit's tag.
pub(crate) fn union_variant_from_idl(v: &pb::LiteralType) -> Result<LiteralType, IdlError> {
    match literal_type_from_idl(v)? {
        LiteralType::Simple(SimpleType::Datetime)
            if v.structure.as_ref().is_some_and(|s| s.tag == "date") =>
        {
            Ok(LiteralType::Simple(SimpleType::Date))
        }
        other => Ok(other),
    }
}

pub(super) fn dataset_type(d: &DatasetType) -> pb::StructuredDatasetType {
    pb::StructuredDatasetType {
        columns: d
            .columns
            .iter()
            .map(|(name, ty)| pb::structured_dataset_type::DatasetColumn {
                name: name.clone(),
                literal_type: Some(literal_type(ty)),
            })
            .collect(),
        format: d.format.clone(),
        external_schema_type: String::new(),
        external_schema_bytes: Vec::new(),
    }
}

pub(super) fn dataset_type_from_idl(
    d: &pb::StructuredDatasetType,
) -> Result<DatasetType, IdlError> {
    Ok(DatasetType {
        columns: d
            .columns
            .iter()
            .map(|c| {
                let ty = c.literal_type.as_ref().ok_or_else(|| {
                    idl_err("a dataframe column", format!("`{}` has no type", c.name))
                })?;
                Ok((c.name.clone(), literal_type_from_idl(ty)?))
            })
            .collect::<Result<_, IdlError>>()?,
        format: d.format.clone(),
    })
}

/// A type read back from Flyte IDL, as far as our types go (unions read back by
/// their variants; structs read back as a struct type without a Rust name).
pub fn literal_type_from_idl(t: &pb::LiteralType) -> Result<LiteralType, IdlError> {
    use pb::literal_type::Type;
    let simple_of = |v: i32| -> Result<LiteralType, IdlError> {
        let s = match pb::SimpleType::try_from(v) {
            Ok(pb::SimpleType::None) => SimpleType::None,
            Ok(pb::SimpleType::Integer) => SimpleType::Integer,
            Ok(pb::SimpleType::Float) => SimpleType::Float,
            Ok(pb::SimpleType::String) => SimpleType::String,
            Ok(pb::SimpleType::Boolean) => SimpleType::Boolean,
            Ok(pb::SimpleType::Datetime) => SimpleType::Datetime,
            Ok(pb::SimpleType::Duration) => SimpleType::Duration,
            Ok(pb::SimpleType::Binary) => SimpleType::Binary,
            Ok(pb::SimpleType::Error) => SimpleType::Error,
            Ok(pb::SimpleType::Struct) => {
                let fields = t
                    .structure
                    .as_ref()
                    .map(|s| {
                        s.dataclass_type
                            .iter()
                            .map(|(k, v)| Ok((k.clone(), literal_type_from_idl(v)?)))
                            .collect::<Result<Vec<_>, IdlError>>()
                    })
                    .transpose()?
                    .unwrap_or_default();
                return Ok(LiteralType::Struct(Box::new(crate::types::StructType {
                    name: String::new(),
                    fields,
                    schema: serde_json::Value::Null,
                })));
            }
            Err(_) => return Err(idl_err("a type", format!("unknown simple type {v}"))),
        };
        Ok(LiteralType::Simple(s))
    };
    match &t.r#type {
        Some(Type::Simple(v)) => simple_of(*v),
        Some(Type::CollectionType(inner)) => Ok(LiteralType::Collection(Box::new(
            literal_type_from_idl(inner)?,
        ))),
        Some(Type::MapValueType(inner)) => {
            Ok(LiteralType::Map(Box::new(literal_type_from_idl(inner)?)))
        }
        Some(Type::UnionType(u)) => Ok(LiteralType::Union(
            u.variants
                .iter()
                .map(union_variant_from_idl)
                .collect::<Result<_, _>>()?,
        )),
        Some(Type::EnumType(e)) => Ok(LiteralType::Enum(e.values.clone())),
        Some(Type::Blob(b)) => Ok(LiteralType::Blob(blob_type_from_idl(b))),
        Some(Type::StructuredDatasetType(d)) => {
            Ok(LiteralType::StructuredDataset(dataset_type_from_idl(d)?))
        }
        None => Err(idl_err("a type", "it is empty")),
    }
}

pub(super) fn blob_type_from_idl(b: &pb::BlobType) -> BlobType {
    BlobType {
        format: b.format.clone(),
        dimensionality: if b.dimensionality == pb::BlobDimensionality::Multipart as i32 {
            BlobDimensionality::Multipart
        } else {
            BlobDimensionality::Single
        },
    }
}
