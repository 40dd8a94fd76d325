//! What `#[derive(FlyteType)]` builds on: user structs as Flyte struct types (a JSON
//! schema of the fields, values as msgpack, as flytekit stores dataclasses) and
//! unit-variant enums as Flyte enums.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{FlyteType, Literal, LiteralMismatch, LiteralType, Primitive, StructType};

/// The tag flytekit gives msgpack-encoded struct values.
pub const MSGPACK_TAG: &str = "msgpack";

/// One field of a derived struct: name, type, schema, and whether it must be present.
pub type FieldInfo = (&'static str, LiteralType, serde_json::Value, bool);

/// The Flyte type of a struct named `name` with these fields.
pub fn struct_type(name: &str, fields: Vec<FieldInfo>) -> LiteralType {
    let schema = struct_schema(name, &fields);
    LiteralType::Struct(Box::new(StructType {
        name: name.to_string(),
        fields: fields
            .into_iter()
            .map(|(n, ty, _, _)| (n.to_string(), ty))
            .collect(),
        schema,
    }))
}

/// The JSON schema of a struct named `name` with these fields.
pub fn struct_schema(name: &str, fields: &[FieldInfo]) -> serde_json::Value {
    let properties: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(n, _, schema, _)| (n.to_string(), schema.clone()))
        .collect();
    let required: Vec<&str> = fields
        .iter()
        .filter(|(_, _, _, required)| *required)
        .map(|(n, _, _, _)| *n)
        .collect();
    serde_json::json!({
        "title": name,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// A struct value as a literal: msgpack with field names, so integers stay integers
/// and floats keep their bits.
///
/// # Panics
/// If serde cannot write the value (a custom `Serialize` that fails): `FlyteType`
/// values must always serialize.
pub fn struct_to_literal<T: Serialize>(value: &T) -> Literal {
    match rmp_serde::to_vec_named(value) {
        Ok(bytes) => Literal::Binary {
            value: bytes,
            tag: MSGPACK_TAG.to_string(),
        },
        Err(e) => panic!(
            "`{}` could not be serialized as msgpack: {e}",
            std::any::type_name::<T>()
        ),
    }
}

/// Reads a struct value written by [`struct_to_literal`].
pub fn struct_from_literal<T: FlyteType + DeserializeOwned>(
    literal: &Literal,
) -> Result<T, LiteralMismatch> {
    match literal {
        Literal::Binary { value, tag } if tag == MSGPACK_TAG => rmp_serde::from_slice(value)
            .map_err(|e| LiteralMismatch::new::<T>(literal).because(e.to_string())),
        other => Err(LiteralMismatch::new::<T>(other)),
    }
}

/// Reads an enum value: the variant's name as a string.
pub fn enum_from_literal<T: FlyteType>(
    literal: &Literal,
    variants: &[(&str, T)],
) -> Result<T, LiteralMismatch> {
    if let Literal::Primitive(Primitive::String(s)) = literal {
        if let Some((_, v)) = variants.iter().find(|(name, _)| name == s) {
            return Ok(v.clone());
        }
        let names: Vec<&str> = variants.iter().map(|(n, _)| *n).collect();
        return Err(
            LiteralMismatch::new::<T>(literal).because(format!("not one of {}", names.join(", ")))
        );
    }
    Err(LiteralMismatch::new::<T>(literal))
}
