//! Reading `inputs.pb` against a task's interface *while* it is decoded.
//!
//! Decoding the whole `LiteralMap` first and checking types after costs memory out of
//! proportion to the input (a list of 50 million empty literals is 100 MB on the wire
//! and several GB as decoded messages) and copies values that are then rejected (a
//! 500 MB string sent to an integer input). Here the protobuf wire format is walked
//! with each value's expected type in hand: a value of the wrong kind is rejected
//! before it is copied, with a message quoting it within a small bound, and a list
//! stops at its first bad item. Values that fit are decoded with the generated
//! messages and converted as everywhere else ([`literal_from_idl`](crate::idl::literal_from_idl)).

use prost::Message;

use super::wire::{Field, fields};
use crate::idl::core as pb;
use crate::interface::Interface;
use crate::types::{Literal, LiteralType, SimpleType};

/// Why inputs could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum InputsError {
    /// The bytes are not a protobuf `LiteralMap`.
    Malformed(String),
    /// A value does not fit its input's type, or inputs are missing or unknown; the
    /// message names the input and quotes the value within a bound.
    Mismatch(String),
}

/// The literals of `interface`'s inputs, in its order, read from a `LiteralMap`'s
/// bytes. With `item`, the pod is one item of a map task that was given whole lists:
/// an input that is not a list takes that item of the list it was given.
pub fn read_inputs(
    bytes: &[u8],
    interface: &Interface,
    item: Option<u32>,
) -> Result<Vec<Literal>, InputsError> {
    let mut found: Vec<Option<Literal>> = vec![None; interface.inputs.len()];
    let mut unknown: Vec<String> = Vec::new();
    for field in fields(bytes) {
        let (tag, value) = field.map_err(InputsError::Malformed)?;
        let Field::Bytes(entry) = value else {
            continue;
        };
        if tag != 1 {
            continue;
        }
        let (key, value) = map_entry(entry).map_err(InputsError::Malformed)?;
        let Some(index) = interface.inputs.iter().position(|v| v.name == key) else {
            unknown.push(crate::types::preview(&key));
            continue;
        };
        let ty = &interface.inputs[index].ty;
        let literal = match item {
            Some(i) if !matches!(ty, LiteralType::Collection(_)) => item_of(value, ty, i),
            _ => literal(value, Some(ty), 1),
        }
        .map_err(|p| p.into_error(&format!("input `{key}`")))?;
        found[index] = Some(literal);
    }
    let missing: Vec<&str> = interface
        .inputs
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(v, _)| v.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(InputsError::Mismatch(format!(
            "missing input(s) {}",
            quoted(missing.iter().copied())
        )));
    }
    if !unknown.is_empty() {
        let names = interface.input_names();
        return Err(InputsError::Mismatch(format!(
            "unknown input(s) {} (the task takes {})",
            quoted(unknown.iter().map(String::as_str)),
            if names.is_empty() {
                "no inputs".to_string()
            } else {
                quoted(names.iter().copied())
            }
        )));
    }
    Ok(found.into_iter().flatten().collect())
}

fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A problem found at some depth; the path to it is added on the way up.
#[derive(Debug)]
struct Problem {
    malformed: bool,
    message: String,
    path: Vec<String>,
}

impl Problem {
    fn mismatch(message: String) -> Self {
        Problem {
            malformed: false,
            message,
            path: Vec::new(),
        }
    }

    fn malformed(message: impl Into<String>) -> Self {
        Problem {
            malformed: true,
            message: message.into(),
            path: Vec::new(),
        }
    }

    fn at(mut self, step: impl FnOnce() -> String) -> Self {
        self.path.push(step());
        self
    }

    fn into_error(mut self, top: &str) -> InputsError {
        self.path.push(top.to_string());
        self.path.reverse();
        let message = format!("{}: {}", self.path.join(": "), self.message);
        if self.malformed {
            InputsError::Malformed(message)
        } else {
            InputsError::Mismatch(message)
        }
    }
}

impl From<String> for Problem {
    fn from(wire: String) -> Self {
        Problem::malformed(wire)
    }
}

/// The last length-delimited field of each of `tags` (protobuf's "last one wins" for
/// a oneof), as (tag, bytes).
fn last_of<'a>(buf: &'a [u8], tags: &[u32]) -> Result<Option<(u32, &'a [u8])>, String> {
    let mut last = None;
    for field in fields(buf) {
        let (tag, field) = field?;
        if let Field::Bytes(bytes) = field
            && tags.contains(&tag)
        {
            last = Some((tag, bytes));
        }
    }
    Ok(last)
}

/// A map entry's key (field 1) and value bytes (field 2).
fn map_entry(buf: &[u8]) -> Result<(String, &[u8]), String> {
    let (mut key, mut value) = (String::new(), &[][..]);
    for field in fields(buf) {
        match field? {
            (1, Field::Bytes(k)) => {
                key = String::from_utf8(k.to_vec()).map_err(|_| "a map key that is not UTF-8")?
            }
            (2, Field::Bytes(v)) => value = v,
            _ => {}
        }
    }
    Ok((key, value))
}

/// Field numbers of `flyteidl.core.Literal`, `Scalar` and `Primitive`.
mod tag {
    pub(super) const SCALAR: u32 = 1;
    pub(super) const COLLECTION: u32 = 2;
    pub(super) const MAP: u32 = 3;
    pub(super) const HASH: u32 = 4;
    pub(super) const OFFLOADED: u32 = 8;

    pub(super) const PRIMITIVE: u32 = 1;
    pub(super) const BLOB: u32 = 2;
    pub(super) const BINARY: u32 = 3;
    pub(super) const NONE: u32 = 5;
    pub(super) const UNION: u32 = 9;
    /// Every kind of `Scalar.value`.
    pub(super) const SCALARS: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9];
}

/// What a literal holds, found from its field numbers alone, with the type its
/// contents must have.
enum Shape<'a, 't> {
    /// A list, and its items' type.
    Collection(&'a [u8], Option<&'t LiteralType>),
    /// A map, and its values' type.
    Map(&'a [u8], Option<&'t LiteralType>),
    /// A union value (the `Union` message's bytes).
    Union(&'a [u8]),
    /// Any other scalar (the `Scalar` message's bytes).
    Scalar(&'a [u8]),
}

/// Checks that a literal's kind fits `ty` (any type when `None`) without decoding
/// or copying it: a list, a map, a union, or a scalar of a kind `ty` can hold.
fn shape<'a, 't>(buf: &'a [u8], ty: Option<&'t LiteralType>) -> Result<Shape<'a, 't>, Problem> {
    let value = last_of(
        buf,
        &[tag::SCALAR, tag::COLLECTION, tag::MAP, tag::OFFLOADED],
    )?;
    let inner = |t: Option<&'t LiteralType>| match t {
        Some(LiteralType::Collection(inner) | LiteralType::Map(inner)) => Some(&**inner),
        _ => None,
    };
    match value {
        None => Err(Problem::mismatch(format!(
            "{}the literal is empty",
            expected(ty)
        ))),
        Some((tag::COLLECTION, bytes)) => {
            match narrow(ty, &|t| matches!(t, LiteralType::Collection(_))) {
                Some(list) => Ok(Shape::Collection(bytes, inner(list))),
                None => Err(Problem::mismatch(format!("{}got a list", expected(ty)))),
            }
        }
        Some((tag::MAP, bytes)) => match narrow(ty, &|t| matches!(t, LiteralType::Map(_))) {
            Some(map) => Ok(Shape::Map(bytes, inner(map))),
            None => Err(Problem::mismatch(format!("{}got a map", expected(ty)))),
        },
        Some((tag::OFFLOADED, _)) => Err(Problem::mismatch(
            "the literal is offloaded (stored in a file of its own) and was not fetched first, \
             as the entrypoint fetches offloaded inputs before reading them"
                .to_string(),
        )),
        Some((_, bytes)) => scalar_shape(bytes, ty),
    }
}

fn scalar_shape<'a, 't>(
    buf: &'a [u8],
    ty: Option<&'t LiteralType>,
) -> Result<Shape<'a, 't>, Problem> {
    let Some((kind, bytes)) = last_of(buf, tag::SCALARS)? else {
        return Err(Problem::mismatch(format!(
            "{}the scalar is empty",
            expected(ty)
        )));
    };
    match kind {
        tag::PRIMITIVE => primitive(bytes, ty)?,
        tag::UNION => {
            if narrow(ty, &|t| matches!(t, LiteralType::Union(_))).is_none() {
                return Err(Problem::mismatch(format!(
                    "{}got a union value",
                    expected(ty)
                )));
            }
            return Ok(Shape::Union(bytes));
        }
        tag::BINARY => check(ty, bytes, "binary", &|t| {
            matches!(
                t,
                LiteralType::Simple(SimpleType::Binary) | LiteralType::Struct(_)
            )
        })?,
        tag::BLOB => check(ty, bytes, "a file or directory", &|t| {
            matches!(t, LiteralType::Blob(_))
        })?,
        tag::NONE => check(ty, bytes, "none", &|t| {
            matches!(t, LiteralType::Simple(SimpleType::None))
        })?,
        // Kinds this SDK does not read: the conversion says which.
        _ => {}
    }
    Ok(Shape::Scalar(buf))
}

/// A literal of type `ty` (any type when `None`), `depth` levels down.
fn literal(buf: &[u8], ty: Option<&LiteralType>, depth: usize) -> Result<Literal, Problem> {
    if depth > crate::idl::MAX_LITERAL_DEPTH {
        return Err(Problem::malformed(crate::idl::too_deep()));
    }
    match shape(buf, ty)? {
        Shape::Collection(bytes, inner) => collection(bytes, inner, depth),
        Shape::Map(bytes, inner) => map(bytes, inner, depth),
        Shape::Union(bytes) => union(bytes, depth),
        Shape::Scalar(bytes) => {
            let scalar =
                pb::Scalar::decode(bytes).map_err(|e| Problem::malformed(e.to_string()))?;
            // A file's content hash (flytekit's `HashMethod`) is kept with it.
            let hash = match last_of(buf, &[tag::HASH])? {
                Some((_, h)) => std::str::from_utf8(h)
                    .map_err(|_| Problem::malformed("the literal's hash is not UTF-8"))?,
                None => "",
            };
            crate::idl::values::scalar_from_idl(&scalar, hash)
                .map_err(|e| Problem::mismatch(e.to_string()))
        }
    }
}

fn expected(ty: Option<&LiteralType>) -> String {
    ty.map(|t| format!("expected {t}, but "))
        .unwrap_or_default()
}

/// The type a value of the given shape has inside `ty` (a union's matching variant).
fn narrow<'t>(
    ty: Option<&'t LiteralType>,
    fits: &dyn Fn(&LiteralType) -> bool,
) -> Option<Option<&'t LiteralType>> {
    match ty {
        None => Some(None),
        Some(t) if fits(t) => Some(Some(t)),
        Some(LiteralType::Union(variants)) => variants.iter().find(|v| fits(v)).map(Some),
        Some(_) => None,
    }
}

/// A list whose items have type `inner`. Every item's shape is checked before the
/// list is allocated, at its exact size: a list of millions of empty or wrong-kind
/// items costs nothing, and a good one is not grown by doubling (which holds old and
/// new buffers at once).
fn collection(buf: &[u8], inner: Option<&LiteralType>, depth: usize) -> Result<Literal, Problem> {
    let mut count = 0;
    for field in fields(buf) {
        if let (1, Field::Bytes(item)) = field? {
            shape(item, inner).map_err(|p| p.at(|| format!("item {count}")))?;
            count += 1;
        }
    }
    let mut items = Vec::with_capacity(count);
    for field in fields(buf) {
        if let (1, Field::Bytes(item)) = field? {
            let i = items.len();
            items.push(literal(item, inner, depth + 1).map_err(|p| p.at(|| format!("item {i}")))?);
        }
    }
    Ok(Literal::Collection(items))
}

fn map(buf: &[u8], inner: Option<&LiteralType>, depth: usize) -> Result<Literal, Problem> {
    let mut entries = std::collections::BTreeMap::new();
    for field in fields(buf) {
        if let (1, Field::Bytes(entry)) = field? {
            let (key, value) = map_entry(entry)?;
            let value = literal(value, inner, depth + 1)
                .map_err(|p| p.at(|| format!("key {:?}", crate::types::preview(&key))))?;
            entries.insert(key, value);
        }
    }
    Ok(Literal::Map(entries))
}

/// Rejects a scalar of a kind `ty` cannot hold, before it is decoded.
fn check(
    ty: Option<&LiteralType>,
    bytes: &[u8],
    what: &str,
    fits: &dyn Fn(&LiteralType) -> bool,
) -> Result<(), Problem> {
    match narrow(ty, fits) {
        Some(_) => Ok(()),
        None => Err(Problem::mismatch(format!(
            "{}got {what} ({} bytes)",
            expected(ty),
            bytes.len()
        ))),
    }
}

/// Checks a primitive's kind against `ty` from its field number alone, so a value
/// of the wrong kind is never copied.
fn primitive(buf: &[u8], ty: Option<&LiteralType>) -> Result<(), Problem> {
    let Some((kind, field)) = fields(buf).last().transpose()? else {
        return Ok(()); // Empty: the conversion says so.
    };
    let fits = |t: &LiteralType| match t {
        LiteralType::Simple(s) => simple_tag(*s) == Some(kind),
        LiteralType::Enum(_) => kind == 3,
        _ => false,
    };
    if narrow(ty, &fits).is_some() {
        return Ok(());
    }
    let got = match (kind, field) {
        (1, Field::Varint(v)) => format!("the integer {}", v as i64),
        (2, _) => "a float".to_string(),
        (3, Field::Bytes(s)) => {
            let head = String::from_utf8_lossy(&s[..s.len().min(4 * crate::types::PREVIEW_CHARS)]);
            let shown: String = head.chars().take(crate::types::PREVIEW_CHARS).collect();
            if shown.len() < s.len() {
                format!("a string of {} bytes starting {shown:?}…", s.len())
            } else {
                format!("the string {shown:?}")
            }
        }
        (4, Field::Varint(v)) => format!("the boolean {}", v != 0),
        (5, _) => "a datetime".to_string(),
        (6, _) => "a duration".to_string(),
        _ => "a primitive of an unknown kind".to_string(),
    };
    Err(Problem::mismatch(format!("{}got {got}", expected(ty))))
}

/// `flyteidl.core.Primitive`'s field for a simple type.
fn simple_tag(s: SimpleType) -> Option<u32> {
    Some(match s {
        SimpleType::Integer => 1,
        SimpleType::Float => 2,
        SimpleType::String => 3,
        SimpleType::Boolean => 4,
        SimpleType::Datetime | SimpleType::Date => 5,
        SimpleType::Duration => 6,
        _ => return None,
    })
}

/// A union value: its type says which variant it is, and its value is read as that.
fn union(buf: &[u8], depth: usize) -> Result<Literal, Problem> {
    let (mut value, mut variant) = (None, None);
    for field in fields(buf) {
        match field? {
            (1, Field::Bytes(v)) => value = Some(v),
            (2, Field::Bytes(t)) => variant = Some(t),
            _ => {}
        }
    }
    let variant = variant.ok_or_else(|| Problem::mismatch("the union has no type".into()))?;
    let variant =
        pb::LiteralType::decode(variant).map_err(|e| Problem::malformed(e.to_string()))?;
    let variant = crate::idl::types::union_variant_from_idl(&variant)
        .map_err(|e| Problem::mismatch(e.to_string()))?;
    let value = value.ok_or_else(|| Problem::mismatch("the union has no value".into()))?;
    let value = literal(value, Some(&variant), depth + 1)
        .map_err(|p| p.at(|| format!("union variant {variant}")))?;
    Ok(Literal::Union {
        value: Box::new(value),
        variant,
    })
}

/// The `index`-th item of a list given for an input that is not a list (a map-task
/// item's pod reading the whole lists), or the value itself when it is no list.
fn item_of(buf: &[u8], ty: &LiteralType, index: u32) -> Result<Literal, Problem> {
    let Some((tag::COLLECTION, list)) = last_of(buf, &[tag::SCALAR, tag::COLLECTION, tag::MAP])?
    else {
        return literal(buf, Some(ty), 1);
    };
    let mut len = 0usize;
    for field in fields(list) {
        if let (1, Field::Bytes(item)) = field? {
            if len == index as usize {
                return literal(item, Some(ty), 2).map_err(|p| p.at(|| format!("item {index}")));
            }
            len += 1;
        }
    }
    Err(Problem::mismatch(format!(
        "it has {len} items, no item {index}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interface::{Interface, Variable};
    use crate::types::FlyteType;

    fn interface(inputs: &[(&str, LiteralType)]) -> Interface {
        Interface {
            inputs: inputs
                .iter()
                .map(|(n, t)| Variable {
                    name: n.to_string(),
                    ty: t.clone(),
                })
                .collect(),
            outputs: Vec::new(),
        }
    }

    fn bytes(entries: &[(&str, Literal)]) -> Vec<u8> {
        crate::idl::literal_map(entries.iter().map(|(k, v)| (*k, v))).encode_to_vec()
    }

    #[test]
    fn values_that_fit_read_as_the_whole_decoder_reads_them() {
        let values = [
            ("i", 7i64.to_literal()),
            ("xs", vec![Some(1.5f64), None].to_literal()),
            (
                "m",
                [("k".to_string(), vec![true])]
                    .into_iter()
                    .collect::<std::collections::HashMap<_, _>>()
                    .to_literal(),
            ),
            ("b", vec![1u8, 2].to_literal()),
        ];
        let types: Vec<(&str, LiteralType)> = vec![
            ("i", i64::literal_type()),
            ("xs", <Vec<Option<f64>>>::literal_type()),
            (
                "m",
                <std::collections::HashMap<String, Vec<bool>>>::literal_type(),
            ),
            ("b", <Vec<u8>>::literal_type()),
        ];
        let read = read_inputs(&bytes(&values), &interface(&types), None).unwrap();
        let expected: Vec<Literal> = values.iter().map(|(_, l)| l.clone()).collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn a_huge_string_for_an_integer_is_rejected_with_a_short_message() {
        let big = "x".repeat(1_000_000).to_literal();
        let err = read_inputs(
            &bytes(&[("n", big)]),
            &interface(&[("n", i64::literal_type())]),
            None,
        )
        .unwrap_err();
        let InputsError::Mismatch(message) = err else {
            panic!("{err:?}")
        };
        assert!(
            message.starts_with("input `n`: expected integer, but got a string of 1000000 bytes"),
            "{message}"
        );
        assert!(message.len() < 300, "{} bytes", message.len());
    }

    #[test]
    fn a_list_stops_at_its_first_bad_item_and_says_where() {
        let list = pb::Literal {
            value: Some(pb::literal::Value::Collection(pb::LiteralCollection {
                literals: vec![
                    crate::idl::literal(&1i64.to_literal()),
                    pb::Literal::default(),
                    pb::Literal::default(),
                ],
            })),
            hash: String::new(),
        };
        let map = pb::LiteralMap {
            literals: [("xs".to_string(), list)].into_iter().collect(),
        };
        let err = read_inputs(
            &map.encode_to_vec(),
            &interface(&[("xs", <Vec<i64>>::literal_type())]),
            None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            InputsError::Mismatch(
                "input `xs`: item 1: expected integer, but the literal is empty".into()
            )
        );
    }

    #[test]
    fn missing_unknown_and_malformed_inputs_are_told_apart() {
        let ty = interface(&[("a", i64::literal_type())]);
        assert!(
            matches!(read_inputs(&[], &ty, None), Err(InputsError::Mismatch(m)) if m.contains("missing input(s) `a`"))
        );
        let extra = bytes(&[("a", 1i64.to_literal()), ("b", 2i64.to_literal())]);
        assert!(
            matches!(read_inputs(&extra, &ty, None), Err(InputsError::Mismatch(m)) if m.contains("unknown input(s) `b`"))
        );
        assert!(matches!(
            read_inputs(&[0x0a, 0x05, 1], &ty, None),
            Err(InputsError::Malformed(_))
        ));
    }

    #[test]
    fn a_map_item_pod_takes_its_item_of_each_list() {
        let ty = interface(&[
            ("x", i64::literal_type()),
            ("all", <Vec<i64>>::literal_type()),
        ]);
        let given = bytes(&[
            ("x", vec![10i64, 20, 30].to_literal()),
            ("all", vec![1i64].to_literal()),
        ]);
        let read = read_inputs(&given, &ty, Some(2)).unwrap();
        assert_eq!(read, [30i64.to_literal(), vec![1i64].to_literal()]);
        let err = read_inputs(&given, &ty, Some(3)).unwrap_err();
        assert_eq!(
            err,
            InputsError::Mismatch("input `x`: it has 3 items, no item 3".into())
        );
    }
}
