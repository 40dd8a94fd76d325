//! Walking protobuf messages on the wire, field by field, without decoding them:
//! how `inputs.pb` is checked while it is read, and how offloaded literals are found
//! and put in place.

use prost::encoding::{WireType, decode_key, decode_varint};

/// One field of a protobuf message on the wire.
pub(crate) enum Field<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// The fields of one message, in wire order.
pub(crate) fn fields(mut buf: &[u8]) -> impl Iterator<Item = Result<(u32, Field<'_>), String>> {
    std::iter::from_fn(move || {
        if buf.is_empty() {
            return None;
        }
        Some(next_field(&mut buf))
    })
}

pub(crate) fn next_field<'a>(buf: &mut &'a [u8]) -> Result<(u32, Field<'a>), String> {
    let (tag, wire) = decode_key(buf).map_err(|e| e.to_string())?;
    let field = match wire {
        WireType::Varint => Field::Varint(decode_varint(buf).map_err(|e| e.to_string())?),
        WireType::LengthDelimited => {
            let len = decode_varint(buf).map_err(|e| e.to_string())?;
            let len = usize::try_from(len).map_err(|_| "a length past memory".to_string())?;
            if len > buf.len() {
                return Err(format!("a field of {len} bytes where {} remain", buf.len()));
            }
            let (bytes, rest) = buf.split_at(len);
            *buf = rest;
            Field::Bytes(bytes)
        }
        WireType::SixtyFourBit | WireType::ThirtyTwoBit => {
            let n = if wire == WireType::SixtyFourBit { 8 } else { 4 };
            if buf.len() < n {
                return Err("a truncated fixed-size field".to_string());
            }
            *buf = &buf[n..];
            Field::Fixed
        }
        WireType::StartGroup | WireType::EndGroup => {
            return Err("groups are not used by Flyte's messages".to_string());
        }
    };
    Ok((tag, field))
}

/// The messages of a `LiteralMap` that can hold a literal, and which of their fields
/// lead to one (field numbers of `flyteidl/core/literals.proto`).
#[derive(Clone, Copy)]
enum Holder {
    Literal,
    Scalar,
    Union,
    Collection,
    Map,
    MapEntry,
}

impl Holder {
    fn child(self, tag: u32) -> Option<Holder> {
        match (self, tag) {
            (Holder::Literal, 1) => Some(Holder::Scalar),
            (Holder::Literal, 2) => Some(Holder::Collection),
            (Holder::Literal, 3) => Some(Holder::Map),
            (Holder::Scalar, 9) => Some(Holder::Union),
            (Holder::Union, 1) | (Holder::Collection, 1) | (Holder::MapEntry, 2) => {
                Some(Holder::Literal)
            }
            (Holder::Map, 1) => Some(Holder::MapEntry),
            _ => None,
        }
    }
}

/// `Literal.offloaded_metadata`, and `LiteralOffloadedMetadata.uri` within it.
const OFFLOADED: u32 = 8;
const OFFLOADED_URI: u32 = 1;

/// The URI of a literal's offloaded value, when it is offloaded (the last
/// `offloaded_metadata` wins, as for any oneof member).
fn offloaded_uri(literal: &[u8]) -> Result<Option<&str>, String> {
    let mut uri = None;
    for field in fields(literal) {
        if let (OFFLOADED, Field::Bytes(meta)) = field? {
            for field in fields(meta) {
                if let (OFFLOADED_URI, Field::Bytes(u)) = field? {
                    uri = Some(
                        std::str::from_utf8(u)
                            .map_err(|_| "an offloaded literal's URI is not UTF-8".to_string())?,
                    );
                }
            }
        }
    }
    Ok(uri)
}

/// What takes an offloaded literal's place, given its URI: other `Literal` bytes,
/// or `None` to leave it.
type Replace<'r> = dyn FnMut(&str) -> Result<Option<Vec<u8>>, String> + 'r;

/// Calls `replace` with the URI of every offloaded literal in `buf` (a `holder`
/// message), at any depth: in lists, maps and union values. Where it returns bytes
/// (another `Literal`), they take the offloaded literal's place; the message is
/// rebuilt only when something was replaced (`Some`).
fn replace_offloaded(
    buf: &[u8],
    holder: Holder,
    depth: usize,
    replace: &mut Replace<'_>,
) -> Result<Option<Vec<u8>>, String> {
    let depth = match holder {
        Holder::Literal => depth + 1,
        _ => depth,
    };
    if depth > crate::idl::MAX_LITERAL_DEPTH {
        return Err(crate::idl::too_deep());
    }
    if let Holder::Literal = holder
        && let Some(uri) = offloaded_uri(buf)?
    {
        return replace(uri);
    }
    let mut rebuilt: Option<Vec<u8>> = None;
    let mut rest = buf;
    while !rest.is_empty() {
        let start = buf.len() - rest.len();
        let (tag, field) = next_field(&mut rest)?;
        let end = buf.len() - rest.len();
        let replaced = match (field, holder.child(tag)) {
            (Field::Bytes(inner), Some(child)) => replace_offloaded(inner, child, depth, replace)?,
            _ => None,
        };
        match (replaced, &mut rebuilt) {
            (Some(new), out) => {
                let out = out.get_or_insert_with(|| buf[..start].to_vec());
                prost::encoding::encode_key(tag, WireType::LengthDelimited, out);
                prost::encoding::encode_varint(new.len() as u64, out);
                out.extend_from_slice(&new);
            }
            (None, Some(out)) => out.extend_from_slice(&buf[start..end]),
            (None, None) => {}
        }
    }
    Ok(rebuilt)
}

/// The URIs of the offloaded literals in a `LiteralMap`'s bytes, each once, in the
/// order they appear.
pub(crate) fn offloaded_uris(literal_map: &[u8]) -> Result<Vec<String>, String> {
    let mut uris: Vec<String> = Vec::new();
    replace_offloaded(literal_map, Holder::Map, 0, &mut |uri| {
        if !uris.iter().any(|u| u == uri) {
            uris.push(uri.to_string());
        }
        Ok(None)
    })?;
    Ok(uris)
}

/// A `LiteralMap`'s bytes with every offloaded literal replaced by the `Literal`
/// bytes `stored` holds for its URI (an error names a URI it lacks).
pub(crate) fn inline_offloaded(
    literal_map: &[u8],
    stored: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, String> {
    let rebuilt = replace_offloaded(literal_map, Holder::Map, 0, &mut |uri| match stored
        .iter()
        .find(|(u, _)| u == uri)
    {
        Some((_, bytes)) => Ok(Some(bytes.clone())),
        None => Err(format!("the offloaded literal at `{uri}` was not read")),
    })?;
    Ok(rebuilt.unwrap_or_else(|| literal_map.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idl::core as pb;
    use prost::Message;

    fn int(v: i64) -> pb::Literal {
        pb::Literal {
            value: Some(pb::literal::Value::Scalar(Box::new(pb::Scalar {
                value: Some(pb::scalar::Value::Primitive(pb::Primitive {
                    value: Some(pb::primitive::Value::Integer(v)),
                })),
            }))),
            hash: String::new(),
        }
    }

    fn offloaded(uri: &str) -> pb::Literal {
        pb::Literal {
            value: Some(pb::literal::Value::OffloadedMetadata(
                pb::LiteralOffloadedMetadata {
                    uri: uri.into(),
                    size_bytes: 3,
                    inferred_type: None,
                },
            )),
            hash: "h".into(),
        }
    }

    fn list(items: Vec<pb::Literal>) -> pb::Literal {
        pb::Literal {
            value: Some(pb::literal::Value::Collection(pb::LiteralCollection {
                literals: items,
            })),
            hash: String::new(),
        }
    }

    fn map(entries: Vec<(&str, pb::Literal)>) -> pb::LiteralMap {
        pb::LiteralMap {
            literals: entries.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        }
    }

    #[test]
    fn offloaded_literals_are_found_and_inlined_at_any_depth() {
        let nested = pb::Literal {
            value: Some(pb::literal::Value::Map(map(vec![(
                "k",
                offloaded("s3://b/two"),
            )]))),
            hash: String::new(),
        };
        let given = map(vec![
            ("a", offloaded("s3://b/one")),
            ("b", list(vec![int(1), offloaded("s3://b/two"), int(3)])),
            ("c", nested),
            ("d", int(4)),
        ]);
        let bytes = given.encode_to_vec();
        assert_eq!(
            offloaded_uris(&bytes).unwrap(),
            vec!["s3://b/one".to_string(), "s3://b/two".to_string()]
        );
        let stored = vec![
            (
                "s3://b/one".to_string(),
                list(vec![int(7), int(8)]).encode_to_vec(),
            ),
            ("s3://b/two".to_string(), int(2).encode_to_vec()),
        ];
        let inlined =
            pb::LiteralMap::decode(&inline_offloaded(&bytes, &stored).unwrap()[..]).unwrap();
        let expected = map(vec![
            ("a", list(vec![int(7), int(8)])),
            ("b", list(vec![int(1), int(2), int(3)])),
            (
                "c",
                pb::Literal {
                    value: Some(pb::literal::Value::Map(map(vec![("k", int(2))]))),
                    hash: String::new(),
                },
            ),
            ("d", int(4)),
        ]);
        assert_eq!(inlined, expected);
    }

    #[test]
    fn a_map_without_offloaded_literals_is_kept_byte_for_byte() {
        let bytes = map(vec![("a", list(vec![int(1), int(2)])), ("b", int(3))]).encode_to_vec();
        assert!(offloaded_uris(&bytes).unwrap().is_empty());
        assert_eq!(inline_offloaded(&bytes, &[]).unwrap(), bytes);
    }

    #[test]
    fn an_offloaded_literal_that_was_not_read_is_named() {
        let bytes = map(vec![("a", offloaded("s3://b/gone"))]).encode_to_vec();
        let err = inline_offloaded(&bytes, &[]).unwrap_err();
        assert!(err.contains("s3://b/gone"), "{err}");
    }
}
