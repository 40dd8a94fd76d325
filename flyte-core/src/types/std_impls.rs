//! [`FlyteType`] for the standard library's types and chrono's `DateTime<Utc>`.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};

use super::{BlobRef, FlyteType, Literal, LiteralMismatch, LiteralType, Primitive, SimpleType};

macro_rules! primitive {
    ($rust:ty, $simple:ident, $variant:ident, $tag:literal) => {
        impl FlyteType for $rust {
            const UNION_TAG: Option<&'static str> = Some($tag);
            fn literal_type() -> LiteralType {
                LiteralType::Simple(SimpleType::$simple)
            }
            fn to_literal(&self) -> Literal {
                Literal::Primitive(Primitive::$variant(self.clone()))
            }
            fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
                match literal {
                    Literal::Primitive(Primitive::$variant(v)) => Ok(v.clone()),
                    other => Err(LiteralMismatch::new::<Self>(other)),
                }
            }
        }
    };
}

primitive!(i64, Integer, Integer, "int");
primitive!(f64, Float, Float, "float");
primitive!(String, String, String, "str");
primitive!(bool, Boolean, Boolean, "bool");
primitive!(Duration, Duration, Duration, "timedelta");
primitive!(SystemTime, Datetime, Datetime, "datetime");

/// chrono's UTC time is the datetime type for structs: serde writes it as an RFC 3339
/// string, the form Flyte's schema and UI expect. `SystemTime` works for plain inputs.
impl FlyteType for DateTime<Utc> {
    const UNION_TAG: Option<&'static str> = Some("datetime");
    fn literal_type() -> LiteralType {
        LiteralType::Simple(SimpleType::Datetime)
    }
    fn to_literal(&self) -> Literal {
        Literal::Primitive(Primitive::Datetime(SystemTime::from(*self)))
    }
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
        match literal {
            Literal::Primitive(Primitive::Datetime(t)) => super::datetime::to_chrono(*t)
                .ok_or_else(|| {
                    LiteralMismatch::new::<Self>(literal)
                        .because("it is outside the years chrono's DateTime<Utc> can hold")
                }),
            other => Err(LiteralMismatch::new::<Self>(other)),
        }
    }
}

/// A calendar date is flytekit's `datetime.date`: Flyte's datetime at midnight UTC,
/// read back as the UTC date (`2024-05-01` in structs, as mashumaro writes it).
impl FlyteType for chrono::NaiveDate {
    const UNION_TAG: Option<&'static str> = Some("date");
    fn literal_type() -> LiteralType {
        LiteralType::Simple(SimpleType::Date)
    }
    fn to_literal(&self) -> Literal {
        Literal::Primitive(Primitive::Datetime(super::datetime::midnight_utc(*self)))
    }
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
        match literal {
            Literal::Primitive(Primitive::Datetime(t)) => super::datetime::to_chrono(*t)
                .map(|t| t.date_naive())
                .ok_or_else(|| {
                    LiteralMismatch::new::<Self>(literal)
                        .because("it is outside the years chrono's NaiveDate can hold")
                }),
            other => Err(LiteralMismatch::new::<Self>(other)),
        }
    }
}

/// Bytes are Flyte's binary type, not a collection of integers.
impl FlyteType for Vec<u8> {
    fn literal_type() -> LiteralType {
        LiteralType::Simple(SimpleType::Binary)
    }
    fn to_literal(&self) -> Literal {
        Literal::Binary {
            value: self.clone(),
            tag: String::new(),
        }
    }
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
        match literal {
            Literal::Binary { value, tag } if tag.is_empty() => Ok(value.clone()),
            other => Err(LiteralMismatch::new::<Self>(other)),
        }
    }
}

/// Any JSON value is flytekit's untyped `dict`: Flyte's STRUCT type without field
/// types, the value as msgpack. (Python only sends dicts; a JSON array or number
/// crosses to another Rust task but a Python task would not read it as a dict.)
impl FlyteType for serde_json::Value {
    fn literal_type() -> LiteralType {
        LiteralType::Struct(Box::new(super::StructType::untyped()))
    }
    fn to_literal(&self) -> Literal {
        Literal::Binary {
            value: rmp_serde::to_vec_named(self).expect("JSON values encode as msgpack"),
            tag: super::MSGPACK_TAG.to_string(),
        }
    }
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
        match literal {
            Literal::Binary { value, tag } if tag == super::MSGPACK_TAG => {
                rmp_serde::from_slice(value).map_err(|e| {
                    LiteralMismatch::new::<Self>(literal).because(format!("msgpack: {e}"))
                })
            }
            other => Err(LiteralMismatch::new::<Self>(other)),
        }
    }
    fn json_schema() -> serde_json::Value {
        serde_json::json!({})
    }
}

impl<T: FlyteType> FlyteType for Vec<T> {
    const HOLDS_UNION_ENUM: bool = T::HOLDS_UNION_ENUM;
    fn literal_type() -> LiteralType {
        LiteralType::Collection(Box::new(T::literal_type()))
    }
    fn to_literal(&self) -> Literal {
        Literal::Collection(self.iter().map(T::to_literal).collect())
    }
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
        match literal {
            Literal::Collection(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    T::from_literal(item).map_err(|e| {
                        LiteralMismatch::new::<Self>(literal).because(format!("item {i}: {e}"))
                    })
                })
                .collect(),
            other => Err(LiteralMismatch::new::<Self>(other)),
        }
    }
    fn json_schema() -> serde_json::Value {
        serde_json::json!({ "type": "array", "items": T::json_schema() })
    }
    const HAS_BLOBS: bool = T::HAS_BLOBS;
    fn visit_blobs<'a>(&'a mut self, f: &mut dyn FnMut(BlobRef<'a>)) {
        if T::HAS_BLOBS {
            self.iter_mut().for_each(|v| v.visit_blobs(f));
        }
    }
}

fn map_from_literal<T: FlyteType, M: FlyteType + FromIterator<(String, T)>>(
    literal: &Literal,
) -> Result<M, LiteralMismatch> {
    match literal {
        Literal::Map(entries) => entries
            .iter()
            .map(|(k, v)| {
                T::from_literal(v).map(|v| (k.clone(), v)).map_err(|e| {
                    LiteralMismatch::new::<M>(literal).because(format!("key {k:?}: {e}"))
                })
            })
            .collect(),
        other => Err(LiteralMismatch::new::<M>(other)),
    }
}

macro_rules! string_map {
    ($map:ident) => {
        impl<T: FlyteType> FlyteType for $map<String, T> {
            const HOLDS_UNION_ENUM: bool = T::HOLDS_UNION_ENUM;
            fn literal_type() -> LiteralType {
                LiteralType::Map(Box::new(T::literal_type()))
            }
            fn to_literal(&self) -> Literal {
                Literal::Map(self.iter().map(|(k, v)| (k.clone(), v.to_literal())).collect())
            }
            fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
                map_from_literal(literal)
            }
            fn json_schema() -> serde_json::Value {
                serde_json::json!({
                    "type": "object",
                    "propertyNames": { "type": "string" },
                    "additionalProperties": T::json_schema()
                })
            }
            const HAS_BLOBS: bool = T::HAS_BLOBS;
            fn visit_blobs<'a>(&'a mut self, f: &mut dyn FnMut(BlobRef<'a>)) {
                if T::HAS_BLOBS {
                    self.values_mut().for_each(|v| v.visit_blobs(f));
                }
            }
        }
    };
}

string_map!(BTreeMap);
string_map!(HashMap);

/// `Option<T>` is a union of `T` and none, as flytekit maps `Optional[T]`; when `T`
/// is a union itself (a derived union enum), none joins its variants, as Python
/// flattens `Optional[Union[A, B]]` into `Union[A, B, None]`. So, as in Python,
/// `Option<Option<T>>` is `Option<T>`: `Some(None)` reads back as `None`.
impl<T: FlyteType> FlyteType for Option<T> {
    const IS_UNION: bool = true;
    const HOLDS_UNION_ENUM: bool = T::HOLDS_UNION_ENUM;
    fn literal_type() -> LiteralType {
        let none = LiteralType::Simple(SimpleType::None);
        match T::literal_type() {
            // Flattened as the value is (see `to_literal`).
            LiteralType::Union(mut variants) if T::IS_UNION => {
                if !variants.contains(&none) {
                    variants.push(none);
                }
                LiteralType::Union(variants)
            }
            t => LiteralType::Union(vec![t, none]),
        }
    }
    fn to_literal(&self) -> Literal {
        match self {
            // A union's value is already tagged with its variant.
            Some(v) if T::IS_UNION => v.to_literal(),
            Some(v) => Literal::Union {
                value: Box::new(v.to_literal()),
                variant: T::literal_type(),
            },
            None => Literal::Union {
                value: Box::new(Literal::None),
                variant: LiteralType::Simple(SimpleType::None),
            },
        }
    }
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
        // A bare value or a bare none is accepted too, as flytekit does for inputs.
        let inner = match literal {
            Literal::Union { value, .. } => value,
            other => other,
        };
        let read = match inner {
            Literal::None => return Ok(None),
            // A flattened union's value is read with its tag.
            _ if T::IS_UNION => T::from_literal(literal),
            value => T::from_literal(value),
        };
        read.map(Some)
            .map_err(|e| LiteralMismatch::new::<Self>(literal).because(e.to_string()))
    }
    fn json_schema() -> serde_json::Value {
        serde_json::json!({ "anyOf": [T::json_schema(), { "type": "null" }] })
    }
    const HAS_BLOBS: bool = T::HAS_BLOBS;
    fn visit_blobs<'a>(&'a mut self, f: &mut dyn FnMut(BlobRef<'a>)) {
        if let Some(v) = self {
            v.visit_blobs(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round_trip<T: FlyteType + PartialEq + std::fmt::Debug>(v: T) {
        let back = T::from_literal(&v.to_literal()).unwrap();
        assert_eq!(back, v);
    }

    proptest! {
        #[test]
        fn integers_round_trip(v in any::<i64>()) { round_trip(v) }

        #[test]
        fn floats_keep_their_bits(v in any::<f64>()) {
            let back = f64::from_literal(&v.to_literal()).unwrap();
            prop_assert_eq!(back.to_bits(), v.to_bits());
        }

        #[test]
        fn strings_round_trip(v in ".*") { round_trip(v) }

        #[test]
        fn booleans_round_trip(v in any::<bool>()) { round_trip(v) }

        #[test]
        fn durations_round_trip(secs in any::<u64>(), nanos in 0u32..1_000_000_000) {
            round_trip(Duration::new(secs, nanos))
        }

        #[test]
        fn datetimes_round_trip(nanos in any::<i64>()) {
            round_trip(DateTime::<Utc>::from_timestamp_nanos(nanos));
            let t = SystemTime::UNIX_EPOCH + Duration::from_nanos(nanos.unsigned_abs());
            round_trip(t);
        }

        #[test]
        fn bytes_round_trip(v in proptest::collection::vec(any::<u8>(), 0..64)) { round_trip(v) }

        #[test]
        fn nested_collections_round_trip(
            v in proptest::collection::vec(
                proptest::collection::hash_map(".{0,8}", proptest::collection::vec(any::<i64>(), 0..4), 0..4),
                0..4,
            )
        ) {
            round_trip(v)
        }

        #[test]
        fn btree_maps_round_trip(v in proptest::collection::btree_map(".{0,8}", any::<bool>(), 0..8)) {
            round_trip(v)
        }

        #[test]
        fn options_round_trip(v in proptest::option::of(any::<i64>())) { round_trip(v) }

        #[test]
        fn nested_options_round_trip(v in proptest::option::of(proptest::collection::vec(proptest::option::of(".{0,4}"), 0..4))) {
            round_trip(v)
        }
    }

    #[test]
    fn types_nest_as_flyte_nests_them() {
        assert_eq!(
            <Vec<HashMap<String, Vec<i64>>>>::literal_type().to_string(),
            "list<map<string, list<integer>>>"
        );
        assert_eq!(
            <Option<f64>>::literal_type().to_string(),
            "union<float, none>"
        );
        assert_eq!(<Vec<u8>>::literal_type().to_string(), "binary");
    }

    #[test]
    fn a_bad_item_is_named_by_its_position() {
        let lit = Literal::Collection(vec![1i64.to_literal(), "two".to_string().to_literal()]);
        let err = <Vec<i64>>::from_literal(&lit).unwrap_err().to_string();
        assert_eq!(
            err,
            "expected a literal of type list<integer>, got `[1, \"two\"]`: item 1: \
             expected a literal of type integer, got `\"two\"`"
        );
    }

    #[test]
    fn options_accept_bare_values_and_none() {
        assert_eq!(<Option<i64>>::from_literal(&Literal::None), Ok(None));
        assert_eq!(<Option<i64>>::from_literal(&5i64.to_literal()), Ok(Some(5)));
    }
}
