//! Values written as text, read by the Flyte type they are for: what a command line
//! (`run wf --input name=value`) passes.
//!
//! Scalars are written plainly: `42`, `2.5`, `hello` (no quotes), `true`,
//! `2024-05-01T12:00:00Z` (or a date, `2024-05-01`), `1h 30m`, `none`. Lists, maps and
//! structs are JSON: `[1, 2, 3]`, `{"a": 1}`, `{"x": 1, "y": 2.5}`. An optional value
//! is `none` (or `null`) or the value itself; an enum is one of its names; a file or
//! directory is its path or URL; binary is the text's bytes, or `hex:` and hex digits.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use super::{BlobDimensionality, Literal, LiteralType, Primitive, SimpleType};

/// Text that is not a value of the type it was read for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("expected {expected}, got `{text}`: {reason}")]
pub struct TextError {
    /// The type the text was read for.
    pub expected: LiteralType,
    /// The text (or the JSON part of it that did not fit), cut to
    /// [`PREVIEW_CHARS`](super::PREVIEW_CHARS) characters.
    pub text: String,
    /// What was wrong.
    pub reason: String,
}

fn err(ty: &LiteralType, text: &str, reason: impl Into<String>) -> TextError {
    TextError {
        expected: ty.clone(),
        text: super::preview(text),
        reason: reason.into(),
    }
}

/// Reads `text` as a value of type `ty`.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::types::{FlyteType, literal_from_text};
///
/// let ty = <Vec<i64>>::literal_type();
/// let list = literal_from_text(&ty, "[1, 2, 3]").unwrap();
/// assert_eq!(<Vec<i64>>::from_literal(&list).unwrap(), [1, 2, 3]);
///
/// let err = literal_from_text(&i64::literal_type(), "4x").unwrap_err();
/// assert_eq!(err.to_string(), "expected integer, got `4x`: invalid digit found in string");
/// ```
pub fn literal_from_text(ty: &LiteralType, text: &str) -> Result<Literal, TextError> {
    match ty {
        LiteralType::Simple(s) => simple_from_text(ty, *s, text),
        LiteralType::Union(variants) => {
            if is_none(text) && variants.contains(&LiteralType::Simple(SimpleType::None)) {
                return Ok(none_variant());
            }
            union_of(ty, variants, text, |v| literal_from_text(v, text))
        }
        LiteralType::Enum(names) => enum_value(ty, names, text),
        LiteralType::Blob(b) => {
            if text.trim().is_empty() {
                return Err(err(ty, text, "a path or URL is needed"));
            }
            Ok(Literal::Blob {
                uri: text.trim().to_string(),
                ty: b.clone(),
                hash: None,
            })
        }
        LiteralType::StructuredDataset(d) => {
            if text.trim().is_empty() {
                return Err(err(ty, text, "a path or URL is needed"));
            }
            Ok(dataset(text.trim(), d))
        }
        LiteralType::Collection(_) | LiteralType::Map(_) | LiteralType::Struct(_) => {
            let json: serde_json::Value =
                serde_json::from_str(text).map_err(|e| err(ty, text, format!("not JSON: {e}")))?;
            literal_from_json(ty, &json)
        }
    }
}

/// The error of a part of `v` (an item, a value, a field) as one about `v`, of type
/// `ty`, saying which part and why: the error names the type asked for.
fn part_of<'a>(
    ty: &'a LiteralType,
    v: &'a serde_json::Value,
    part: String,
) -> impl FnOnce(TextError) -> TextError + 'a {
    move |inner| err(ty, &v.to_string(), format!("{part}: {inner}"))
}

/// Reads a JSON value as a value of type `ty` (the parts of a list, map or struct).
pub fn literal_from_json(ty: &LiteralType, v: &serde_json::Value) -> Result<Literal, TextError> {
    use serde_json::Value as J;
    let mismatch = |reason: &str| err(ty, &v.to_string(), reason);
    match ty {
        LiteralType::Simple(s) => simple_from_json(ty, *s, v),
        LiteralType::Collection(item) => match v {
            J::Array(items) => items
                .iter()
                .enumerate()
                .map(|(n, i)| {
                    literal_from_json(item, i).map_err(part_of(ty, v, format!("item {n}")))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Literal::Collection),
            _ => Err(mismatch("a list is a JSON array")),
        },
        LiteralType::Map(value) => match v {
            J::Object(entries) => entries
                .iter()
                .map(|(k, e)| {
                    let value = literal_from_json(value, e).map_err(part_of(
                        ty,
                        v,
                        format!("key `{k}`"),
                    ))?;
                    Ok((k.clone(), value))
                })
                .collect::<Result<BTreeMap<_, _>, _>>()
                .map(Literal::Map),
            _ => Err(mismatch("a map is a JSON object")),
        },
        LiteralType::Union(variants) => {
            if v.is_null() && variants.contains(&LiteralType::Simple(SimpleType::None)) {
                return Ok(none_variant());
            }
            union_of(ty, variants, &v.to_string(), |variant| {
                literal_from_json(variant, v)
            })
        }
        LiteralType::Enum(names) => match v {
            J::String(s) => enum_value(ty, names, s),
            _ => Err(mismatch("an enum value is one of its names")),
        },
        LiteralType::Struct(st) => struct_from_json(ty, st, v),
        LiteralType::StructuredDataset(d) => match v {
            J::String(s) if !s.is_empty() => Ok(dataset(s, d)),
            J::Object(o) => match o.get("uri").and_then(J::as_str) {
                Some(uri) if !uri.is_empty() => Ok(dataset(uri, d)),
                _ => Err(mismatch("a dataframe is its folder's path or URL")),
            },
            _ => Err(mismatch("a dataframe is its folder's path or URL")),
        },
        LiteralType::Blob(b) => {
            let uri = match v {
                J::String(s) => Some(s.as_str()),
                J::Object(o) => o.get("uri").and_then(J::as_str),
                _ => None,
            };
            match uri {
                Some(uri) if !uri.is_empty() => Ok(Literal::Blob {
                    uri: uri.to_string(),
                    ty: b.clone(),
                    hash: None,
                }),
                _ => Err(mismatch(match b.dimensionality {
                    BlobDimensionality::Single => "a file is its path or URL",
                    BlobDimensionality::Multipart => "a directory is its path or URL",
                })),
            }
        }
    }
}

/// A scalar from JSON: numbers, booleans, null, and the text forms of strings,
/// datetimes, durations and binary.
fn simple_from_json(
    ty: &LiteralType,
    s: SimpleType,
    v: &serde_json::Value,
) -> Result<Literal, TextError> {
    use serde_json::Value as J;
    let mismatch = |reason: &str| err(ty, &v.to_string(), reason);
    match (s, v) {
        (SimpleType::None, J::Null) => Ok(Literal::None),
        (SimpleType::Integer, J::Number(n)) => n
            .as_i64()
            .map(|i| Literal::Primitive(Primitive::Integer(i)))
            .ok_or_else(|| mismatch("not a whole number that fits 64 bits")),
        (SimpleType::Float, J::Number(n)) => n
            .as_f64()
            .map(|f| Literal::Primitive(Primitive::Float(f)))
            .ok_or_else(|| mismatch("not a number")),
        (SimpleType::Boolean, J::Bool(b)) => Ok(Literal::Primitive(Primitive::Boolean(*b))),
        (SimpleType::Binary, J::Array(items)) => items
            .iter()
            .map(|i| i.as_u64().and_then(|b| u8::try_from(b).ok()))
            .collect::<Option<Vec<u8>>>()
            .map(|value| Literal::Binary {
                value,
                tag: String::new(),
            })
            .ok_or_else(|| mismatch("binary is a list of bytes (0 to 255)")),
        (SimpleType::Duration, J::Object(o)) => {
            let secs = o.get("secs").and_then(J::as_u64);
            let nanos = o.get("nanos").and_then(J::as_u64).unwrap_or(0);
            match (secs, u32::try_from(nanos)) {
                (Some(secs), Ok(nanos)) if nanos < 1_000_000_000 => Ok(Literal::Primitive(
                    Primitive::Duration(Duration::new(secs, nanos)),
                )),
                _ => Err(mismatch("a duration object has `secs` and `nanos`")),
            }
        }
        // Strings, datetimes, durations and binary as text read as they would on
        // the command line.
        (
            SimpleType::String
            | SimpleType::Datetime
            | SimpleType::Date
            | SimpleType::Duration
            | SimpleType::Binary,
            J::String(text),
        ) => simple_from_text(ty, s, text),
        _ => Err(mismatch("wrong kind of JSON value")),
    }
}

/// A dataframe stored as Parquet at `uri`.
fn dataset(uri: &str, d: &super::DatasetType) -> Literal {
    Literal::StructuredDataset {
        uri: uri.to_string(),
        ty: super::DatasetType {
            columns: d.columns.clone(),
            format: "parquet".to_string(),
        },
        hash: None,
    }
}

/// A struct from a JSON object, each field checked by its Flyte type first (for an
/// error naming it), then encoded as msgpack as flytekit encodes dataclasses. A
/// missing required field or a field the struct does not have is an error naming it,
/// so a bad value is refused before anything runs.
fn struct_from_json(
    ty: &LiteralType,
    st: &super::StructType,
    v: &serde_json::Value,
) -> Result<Literal, TextError> {
    use serde_json::Value as J;
    let mismatch = |reason: &str| err(ty, &v.to_string(), reason);
    {
        let J::Object(fields) = v else {
            return Err(mismatch("a struct is a JSON object"));
        };
        // A typed struct (not an untyped dict) has exactly its fields.
        if !st.fields.is_empty() {
            if let Some(unknown) = fields
                .keys()
                .find(|k| !st.fields.iter().any(|(n, _)| n == *k))
            {
                let known: Vec<&str> = st.fields.iter().map(|(n, _)| n.as_str()).collect();
                return Err(mismatch(&format!(
                    "`{}` has no field `{unknown}`{} (its fields: {})",
                    st.name,
                    crate::types::did_you_mean(unknown, known.iter().copied()),
                    known.join(", ")
                )));
            }
            let required = st.schema.get("required").and_then(J::as_array);
            let missing: Vec<&str> = st
                .fields
                .iter()
                .filter(|(name, field_ty)| {
                    !fields.contains_key(name)
                        && !is_optional(field_ty)
                        && required.is_none_or(|r| r.iter().any(|n| n == name.as_str()))
                })
                .map(|(name, _)| name.as_str())
                .collect();
            if !missing.is_empty() {
                return Err(mismatch(&format!(
                    "`{}` needs field(s) {}",
                    st.name,
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        // Check each field by its Flyte type first, for an error naming it; the
        // task's own type checks the rest when it reads the value.
        for (name, field_ty) in &st.fields {
            if let Some(f) = fields.get(name) {
                literal_from_json(field_ty, f).map_err(part_of(
                    ty,
                    v,
                    format!("field `{name}`"),
                ))?;
            }
        }
        let bytes =
            rmp_serde::to_vec_named(v).map_err(|e| mismatch(&format!("cannot encode it: {e}")))?;
        Ok(Literal::Binary {
            value: bytes,
            tag: super::structs::MSGPACK_TAG.to_string(),
        })
    }
}

/// Whether values of `ty` may be none (`Option<T>`).
fn is_optional(ty: &LiteralType) -> bool {
    matches!(ty, LiteralType::Union(v) if v.contains(&LiteralType::Simple(SimpleType::None)))
}

fn simple_from_text(ty: &LiteralType, s: SimpleType, text: &str) -> Result<Literal, TextError> {
    let prim = |p| Ok(Literal::Primitive(p));
    let trimmed = text.trim();
    match s {
        SimpleType::String => prim(Primitive::String(text.to_string())),
        SimpleType::Integer => trimmed
            .parse::<i64>()
            .map_err(|e| err(ty, text, e.to_string()))
            .and_then(|i| prim(Primitive::Integer(i))),
        SimpleType::Float => trimmed
            .parse::<f64>()
            .map_err(|e| err(ty, text, e.to_string()))
            .and_then(|f| prim(Primitive::Float(f))),
        SimpleType::Boolean => match trimmed.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => prim(Primitive::Boolean(true)),
            "false" | "no" | "0" => prim(Primitive::Boolean(false)),
            _ => Err(err(ty, text, "use true or false")),
        },
        SimpleType::Datetime => datetime(trimmed)
            .map_err(|reason| err(ty, text, reason))
            .and_then(|t| prim(Primitive::Datetime(t))),
        // A date is midnight UTC, as flytekit writes a `datetime.date`.
        SimpleType::Date => chrono::NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
            .map_err(|e| err(ty, text, format!("{e} (write it as 2024-05-01)")))
            .and_then(|d| prim(Primitive::Datetime(super::datetime::midnight_utc(d)))),
        SimpleType::Duration => humantime::parse_duration(trimmed)
            .map_err(|e| err(ty, text, format!("{e} (write it as \"1h 30m\", \"500ms\")")))
            .and_then(|d| prim(Primitive::Duration(d))),
        SimpleType::Binary => {
            let value = match trimmed.strip_prefix("hex:") {
                Some(digits) => hex(digits).map_err(|reason| err(ty, text, reason))?,
                None => text.as_bytes().to_vec(),
            };
            Ok(Literal::Binary {
                value,
                tag: String::new(),
            })
        }
        SimpleType::Error => Err(err(
            ty,
            text,
            "an error comes from a failed node, not from the command line",
        )),
        SimpleType::None => {
            if is_none(text) {
                Ok(Literal::None)
            } else {
                Err(err(ty, text, "only `none` is a none"))
            }
        }
    }
}

fn datetime(text: &str) -> Result<SystemTime, String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&chrono::Utc).into());
    }
    match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => Ok(d
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().into())
            .unwrap_or(SystemTime::UNIX_EPOCH)),
        Err(_) => Err("use RFC 3339 (2024-05-01T12:00:00Z) or a date (2024-05-01)".to_string()),
    }
}

fn hex(digits: &str) -> Result<Vec<u8>, String> {
    if !digits.len().is_multiple_of(2) {
        return Err("hex needs two digits per byte".to_string());
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            digits
                .get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| format!("`{}` is not hex", super::preview(&digits[i..])))
        })
        .collect()
}

fn is_none(text: &str) -> bool {
    matches!(text.trim(), "none" | "None" | "null" | "")
}

fn none_variant() -> Literal {
    Literal::Union {
        value: Box::new(Literal::None),
        variant: LiteralType::Simple(SimpleType::None),
    }
}

/// The first variant that reads the value, tagged with it.
fn union_of(
    ty: &LiteralType,
    variants: &[LiteralType],
    text: &str,
    read: impl Fn(&LiteralType) -> Result<Literal, TextError>,
) -> Result<Literal, TextError> {
    let mut reasons = Vec::new();
    // A string reads any text, so it is tried last, as pyflyte orders a union's types.
    let string = LiteralType::Simple(SimpleType::String);
    let ordered = variants
        .iter()
        .filter(|v| **v != string)
        .chain(variants.iter().filter(|v| **v == string));
    for variant in ordered {
        if *variant == LiteralType::Simple(SimpleType::None) {
            continue;
        }
        match read(variant) {
            Ok(value) => {
                return Ok(Literal::Union {
                    value: Box::new(value),
                    variant: variant.clone(),
                });
            }
            Err(e) => reasons.push(format!("as {variant}: {}", e.reason)),
        }
    }
    Err(err(ty, text, reasons.join("; ")))
}

fn enum_value(ty: &LiteralType, names: &[String], text: &str) -> Result<Literal, TextError> {
    let t = text.trim();
    if names.iter().any(|n| n == t) {
        Ok(Literal::Primitive(Primitive::String(t.to_string())))
    } else {
        Err(err(ty, text, format!("use one of {}", names.join(", "))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::FlyteType;
    use std::collections::HashMap;

    fn read<T: FlyteType>(text: &str) -> Result<T, String> {
        let lit = literal_from_text(&T::literal_type(), text).map_err(|e| e.to_string())?;
        T::from_literal(&lit).map_err(|e| e.to_string())
    }

    #[test]
    fn scalars_read_plainly() {
        assert_eq!(read::<i64>(" 42 "), Ok(42));
        assert_eq!(read::<f64>("2.5"), Ok(2.5));
        assert_eq!(read::<String>("hello world"), Ok("hello world".to_string()));
        assert_eq!(read::<bool>("TRUE"), Ok(true));
        assert_eq!(read::<Duration>("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(read::<Vec<u8>>("hex:00ff"), Ok(vec![0, 255]));
        assert_eq!(read::<Vec<u8>>("ab"), Ok(b"ab".to_vec()));
        let t = read::<chrono::DateTime<chrono::Utc>>("2024-05-01T12:00:00Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-05-01T12:00:00+00:00");
        let d = read::<chrono::DateTime<chrono::Utc>>("2024-05-01").unwrap();
        assert_eq!(d.to_rfc3339(), "2024-05-01T00:00:00+00:00");
    }

    #[test]
    fn collections_maps_and_options_read_as_json_and_none() {
        assert_eq!(read::<Vec<i64>>("[1, 2, 3]"), Ok(vec![1, 2, 3]));
        let m = read::<HashMap<String, Vec<f64>>>(r#"{"a": [1, 2.5]}"#).unwrap();
        assert_eq!(m["a"], [1.0, 2.5]);
        assert_eq!(read::<Option<i64>>("none"), Ok(None));
        assert_eq!(read::<Option<i64>>("7"), Ok(Some(7)));
        assert_eq!(
            read::<Vec<Option<String>>>(r#"["a", null]"#),
            Ok(vec![Some("a".into()), None])
        );
        assert_eq!(
            read::<Vec<Duration>>(r#"["2s"]"#),
            Ok(vec![Duration::from_secs(2)])
        );
    }

    #[test]
    fn bad_text_names_the_type_and_the_reason() {
        assert_eq!(
            read::<i64>("4x").unwrap_err(),
            "expected integer, got `4x`: invalid digit found in string"
        );
        let e = read::<Vec<i64>>("[1, \"two\"]").unwrap_err();
        assert_eq!(
            e,
            "expected list<integer>, got `[1,\"two\"]`: item 1: expected integer, got `\"two\"`: wrong kind of JSON value"
        );
        let e = read::<Vec<i64>>("1, 2").unwrap_err();
        assert!(
            e.starts_with("expected list<integer>, got `1, 2`: not JSON"),
            "{e}"
        );
        let e = read::<bool>("maybe").unwrap_err();
        assert_eq!(e, "expected boolean, got `maybe`: use true or false");
        let e = read::<Duration>("1H").unwrap_err();
        assert!(e.contains("1H") && e.contains("unknown time unit"), "{e}");
        let e = read::<Vec<u8>>("hex:0g").unwrap_err();
        assert!(e.contains("not hex"), "{e}");
        let e = read::<Vec<u8>>("hex:abc").unwrap_err();
        assert!(e.contains("two digits"), "{e}");
    }
}
