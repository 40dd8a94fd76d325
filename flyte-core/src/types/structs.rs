//! What `#[derive(FlyteType)]` builds on: user structs as Flyte struct types (a JSON
//! schema of the fields, values as msgpack, as flytekit stores dataclasses) and
//! unit-variant enums as Flyte enums.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::msgpack_fields::{Direction, needs_rewrite, rewrite};
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

/// What `#[derive(FlyteType)]` needs of a struct besides its own impl: serde's
/// derives, which write and read its msgpack form.
#[diagnostic::on_unimplemented(
    message = "`{Self}` needs serde's derives to be a Flyte struct",
    label = "add `#[derive(serde::Serialize, serde::Deserialize)]` next to `FlyteType`",
    note = "a Flyte struct is written as msgpack through serde: `#[derive(Clone, serde::Serialize, serde::Deserialize, FlyteType)]`"
)]
pub trait SerdeStruct: Serialize + DeserializeOwned {}

impl<T: Serialize + DeserializeOwned> SerdeStruct for T {}

/// How a derived struct is written and read.
#[doc(hidden)]
pub struct StructCodec<T> {
    /// [`struct_to_literal`].
    pub to_literal: fn(&T) -> Literal,
    /// [`struct_from_literal`].
    pub from_literal: fn(&Literal) -> Result<T, LiteralMismatch>,
}

/// The codec of a derived struct.
#[doc(hidden)]
pub fn struct_codec<T: SerdeStruct + FlyteType>() -> StructCodec<T> {
    StructCodec {
        to_literal: struct_to_literal::<T>,
        from_literal: struct_from_literal::<T>,
    }
}

/// A struct value as a literal: msgpack with field names, so integers stay integers
/// and floats keep their bits.
///
/// # Panics
/// If serde cannot write the value (a custom `Serialize` that fails): `FlyteType`
/// values must always serialize.
pub fn struct_to_literal<T: Serialize + FlyteType>(value: &T) -> Literal {
    let bytes = rmp_serde::to_vec_named(value).and_then(|bytes| match rewrite_type::<T>() {
        // Fields in flytekit's form (durations, datetimes, bytes).
        Some(ty) => {
            rewrite(&bytes, &ty, Direction::ToFlytekit).map_err(rmp_serde::encode::Error::Syntax)
        }
        None => Ok(bytes),
    });
    match bytes {
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

/// The type of `T` when its values hold fields written differently from serde's form,
/// found once per type.
fn rewrite_type<T: FlyteType>() -> Option<Arc<LiteralType>> {
    type Cache = RwLock<HashMap<TypeId, Option<Arc<LiteralType>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let id = TypeId::of::<T>();
    if let Some(hit) = cache.read().unwrap_or_else(|e| e.into_inner()).get(&id) {
        return hit.clone();
    }
    let ty = T::literal_type();
    let entry = needs_rewrite(&ty).then(|| Arc::new(ty));
    let mut cache = cache.write().unwrap_or_else(|e| e.into_inner());
    cache.insert(id, entry.clone());
    entry
}

/// Reads a struct value written by [`struct_to_literal`].
pub fn struct_from_literal<T: FlyteType + DeserializeOwned>(
    literal: &Literal,
) -> Result<T, LiteralMismatch> {
    let mismatch = |e: String| LiteralMismatch::new::<T>(literal).because(e);
    match literal {
        Literal::Binary { value, tag } if tag == MSGPACK_TAG => match rewrite_type::<T>() {
            Some(ty) => {
                let bytes = rewrite(value, &ty, Direction::FromFlytekit).map_err(mismatch)?;
                rmp_serde::from_slice(&bytes).map_err(|e| mismatch(e.to_string()))
            }
            None => rmp_serde::from_slice(value).map_err(|e| mismatch(e.to_string())),
        },
        other => Err(LiteralMismatch::new::<T>(other)),
    }
}

/// Reads one variant's value into the union enum.
#[doc(hidden)]
pub type ReadVariant<T> = fn(&Literal) -> Result<T, LiteralMismatch>;

/// Reads a value of a derived union enum: the variant whose Flyte type has the stored
/// variant's tag (as flytekit reads a union), else the first variant that reads the
/// value (a bare value, as `run --input` or an untagged writer gives it).
#[doc(hidden)]
pub fn union_from_literal<T: FlyteType>(
    literal: &Literal,
    variants: &[(LiteralType, ReadVariant<T>)],
) -> Result<T, LiteralMismatch> {
    let (value, stored) = match literal {
        Literal::Union { value, variant } => (&**value, Some(variant.union_tag())),
        other => (other, None),
    };
    if let Some(tag) = stored {
        for (ty, read) in variants {
            if ty.union_tag() == tag
                && let Ok(v) = read(value)
            {
                return Ok(v);
            }
        }
    }
    let mut reasons = Vec::new();
    for (ty, read) in variants {
        match read(value) {
            Ok(v) => return Ok(v),
            Err(e) => reasons.push(format!("as {ty}: {e}")),
        }
    }
    Err(LiteralMismatch::new::<T>(literal).because(reasons.join("; ")))
}

/// Whether two union tags known while compiling are the same (a `const fn`: the
/// derive's check of a union enum's variants runs while compiling).
#[doc(hidden)]
pub const fn same_union_tag(a: Option<&str>, b: Option<&str>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
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
