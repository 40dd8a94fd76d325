//! The serializer behind [`to_json`]: it records what serde says of a message as a
//! small tree ([`Node`]) that keeps the distinctions protobuf's JSON mapping needs,
//! then writes the tree as `MessageToJson(indent=2)` lays JSON out.

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::ENUM_DEFAULT;

/// Protobuf's JSON form of `message`, laid out as flytekit's
/// `json_format.MessageToJson(message, indent=2)` with map keys sorted.
pub fn to_json<T: Serialize + ?Sized>(message: &T) -> String {
    let node = message
        .serialize(Recorder)
        .unwrap_or_else(|e| Node::Str(e.0));
    let mut out = String::new();
    write(&node.into_value(), 0, &mut out);
    out
}

/// What serde said of a value.
#[derive(Debug)]
enum Node {
    /// An unset optional.
    None,
    /// A JSON null (a `Struct`'s null value).
    Null,
    /// An optional that is set: shown even when its value is a default.
    Some(Box<Node>),
    Bool(bool),
    /// A number written as a JSON number (32-bit integers, floats).
    Number(String),
    /// A 64-bit integer, written as a string; `"0"` is its default.
    Int64(String),
    Str(String),
    /// One byte of a `bytes` field (protobuf has no other byte-sized type).
    Byte(u8),
    Seq(Vec<Node>),
    /// A protobuf map (or `Struct`): keys kept as they are.
    Map(Vec<(String, Node)>),
    /// A message: its fields by their `.proto` names, in order.
    Message(Vec<(&'static str, Node)>),
    /// A oneof member: its field name and value.
    Member(&'static str, Box<Node>),
    /// A protobuf enum's value 0 (left out where a field would hold it).
    EnumDefault(Box<Node>),
}

/// The JSON value a node becomes.
enum Value {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Node {
    /// Whether a field holding this is left out: an unset optional, or a scalar or
    /// collection equal to its default.
    fn is_default(&self) -> bool {
        match self {
            Node::None | Node::Null | Node::EnumDefault(_) => true,
            Node::Bool(b) => !b,
            Node::Number(n) => n.parse::<f64>().is_ok_and(|v| v == 0.0),
            Node::Int64(n) => n == "0",
            Node::Str(s) => s.is_empty(),
            Node::Seq(items) => items.is_empty(),
            Node::Map(entries) => entries.is_empty(),
            Node::Some(_) | Node::Byte(_) | Node::Message(_) | Node::Member(..) => false,
        }
    }

    fn into_value(self) -> Value {
        match self {
            Node::None => Value::Object(Vec::new()),
            Node::Null => Value::Null,
            Node::Some(inner) | Node::EnumDefault(inner) => inner.into_value(),
            Node::Member(_, inner) => inner.into_value(),
            Node::Bool(b) => Value::Bool(b),
            Node::Number(n) => Value::Number(n),
            Node::Int64(n) | Node::Str(n) => Value::Str(n),
            Node::Byte(b) => Value::Number(b.to_string()),
            Node::Seq(items)
                if !items.is_empty() && items.iter().all(|i| matches!(i, Node::Byte(_))) =>
            {
                let bytes: Vec<u8> = items
                    .into_iter()
                    .filter_map(|i| match i {
                        Node::Byte(b) => Some(b),
                        _ => None,
                    })
                    .collect();
                use base64::Engine;
                Value::Str(base64::engine::general_purpose::STANDARD.encode(bytes))
            }
            Node::Seq(items) => Value::Array(items.into_iter().map(Node::into_value).collect()),
            Node::Map(mut entries) => {
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k, v.into_value()))
                        .collect(),
                )
            }
            Node::Message(fields) => {
                let mut out = Vec::new();
                for (name, node) in fields {
                    match node {
                        // A oneof: its member stands in its place, named as itself.
                        Node::Some(inner) if matches!(*inner, Node::Member(..)) => {
                            if let Node::Member(member, value) = *inner {
                                out.push((json_name(member), value.into_value()));
                            }
                        }
                        Node::Member(member, value) => {
                            out.push((json_name(member), value.into_value()))
                        }
                        node if node.is_default() => {}
                        node => out.push((json_name(name), node.into_value())),
                    }
                }
                Value::Object(out)
            }
        }
    }
}

/// A field's JSON name: protobuf's lowerCamelCase of its `.proto` name.
fn json_name(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes `value` as Python's `json.dumps(indent=2)` does (the layout of
/// `MessageToJson`).
fn write(value: &Value, depth: usize, out: &mut String) {
    let pad = |n: usize, out: &mut String| out.extend(std::iter::repeat_n(' ', n * 2));
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(n),
        Value::Str(s) => out.push_str(&quote(s)),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(fields) if fields.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                pad(depth + 1, out);
                write(item, depth + 1, out);
            }
            out.push('\n');
            pad(depth, out);
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (i, (key, item)) in fields.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                pad(depth + 1, out);
                out.push_str(&quote(key));
                out.push_str(": ");
                write(item, depth + 1, out);
            }
            out.push('\n');
            pad(depth, out);
            out.push('}');
        }
    }
}

/// A string as Python's `json.dumps` writes it (`ensure_ascii`).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    super::text::python_string(s, &mut out);
    out
}

/// A message serde could not describe (it never fails for the IDL's messages).
#[derive(Debug)]
struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Turns what serde says into a [`Node`].
struct Recorder;

fn number(n: impl ToString) -> Result<Node, Error> {
    Ok(Node::Number(n.to_string()))
}

/// A double as Python prints it; non-finite ones as the strings protobuf writes.
fn float(v: f64) -> Result<Node, Error> {
    Ok(if v.is_nan() {
        Node::Str("NaN".into())
    } else if v.is_infinite() {
        Node::Str(if v > 0.0 { "Infinity" } else { "-Infinity" }.into())
    } else {
        Node::Number(super::text::python_float(v))
    })
}

impl ser::Serializer for Recorder {
    type Ok = Node;
    type Error = Error;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Impossible<Node, Error>;
    type SerializeMap = Map;
    type SerializeStruct = Message;
    type SerializeStructVariant = Impossible<Node, Error>;

    fn serialize_bool(self, v: bool) -> Result<Node, Error> {
        Ok(Node::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Node, Error> {
        number(v)
    }
    fn serialize_i16(self, v: i16) -> Result<Node, Error> {
        number(v)
    }
    fn serialize_i32(self, v: i32) -> Result<Node, Error> {
        number(v)
    }
    fn serialize_i64(self, v: i64) -> Result<Node, Error> {
        Ok(Node::Int64(v.to_string()))
    }
    fn serialize_u8(self, v: u8) -> Result<Node, Error> {
        Ok(Node::Byte(v))
    }
    fn serialize_u16(self, v: u16) -> Result<Node, Error> {
        number(v)
    }
    fn serialize_u32(self, v: u32) -> Result<Node, Error> {
        number(v)
    }
    fn serialize_u64(self, v: u64) -> Result<Node, Error> {
        Ok(Node::Int64(v.to_string()))
    }
    fn serialize_f32(self, v: f32) -> Result<Node, Error> {
        // protobuf's `ToShortestFloat`: the shortest digits that read back as this
        // f32 (0.9, not 0.8999999761581421).
        float(format!("{v:e}").parse().unwrap_or(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Node, Error> {
        float(v)
    }
    fn serialize_char(self, v: char) -> Result<Node, Error> {
        Ok(Node::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Node, Error> {
        Ok(Node::Str(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Node, Error> {
        Ok(Node::Seq(v.iter().map(|b| Node::Byte(*b)).collect()))
    }
    fn serialize_none(self) -> Result<Node, Error> {
        Ok(Node::None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Node, Error> {
        Ok(Node::Some(Box::new(value.serialize(Recorder)?)))
    }
    fn serialize_unit(self) -> Result<Node, Error> {
        Ok(Node::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Node, Error> {
        Ok(Node::Message(Vec::new()))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Node, Error> {
        Ok(Node::Str(variant.to_string()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Node, Error> {
        let inner = value.serialize(Recorder)?;
        Ok(if name == ENUM_DEFAULT {
            Node::EnumDefault(Box::new(inner))
        } else {
            inner
        })
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Node, Error> {
        Ok(Node::Member(variant, Box::new(value.serialize(Recorder)?)))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, Error> {
        Ok(Seq(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error(format!("{name}: tuple variants are not protobuf")))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map, Error> {
        Ok(Map {
            entries: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Message, Error> {
        Ok(Message(Vec::with_capacity(len)))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error(format!("{name}: struct variants are not protobuf")))
    }
}

struct Seq(Vec<Node>);

impl ser::SerializeSeq for Seq {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.0.push(value.serialize(Recorder)?);
        Ok(())
    }
    fn end(self) -> Result<Node, Error> {
        Ok(Node::Seq(self.0))
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Node, Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Node, Error> {
        ser::SerializeSeq::end(self)
    }
}

struct Map {
    entries: Vec<(String, Node)>,
    key: Option<String>,
}

impl ser::SerializeMap for Map {
    type Ok = Node;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        // Map keys are strings, or integers and booleans written as strings.
        let key = match key.serialize(Recorder)? {
            Node::Str(s) | Node::Int64(s) | Node::Number(s) => s,
            Node::Bool(b) => b.to_string(),
            other => return Err(Error(format!("a map key that is {other:?}"))),
        };
        self.key = Some(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take().unwrap_or_default();
        self.entries.push((key, value.serialize(Recorder)?));
        Ok(())
    }
    fn end(self) -> Result<Node, Error> {
        Ok(Node::Map(self.entries))
    }
}

struct Message(Vec<(&'static str, Node)>);

impl ser::SerializeStruct for Message {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.0.push((name, value.serialize(Recorder)?));
        Ok(())
    }
    fn end(self) -> Result<Node, Error> {
        Ok(Node::Message(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idl::core as pb;

    #[test]
    fn numbers_durations_and_nulls_are_written_as_python_writes_them() {
        use serde::Serializer;
        let number = |node: Node| match node {
            Node::Number(n) => n,
            other => panic!("{other:?}"),
        };
        // A float field: protobuf's shortest f32 form, not the widened double.
        assert_eq!(number(Recorder.serialize_f32(0.9).unwrap()), "0.9");
        assert_eq!(number(Recorder.serialize_f64(1e-5).unwrap()), "1e-05");
        assert_eq!(number(Recorder.serialize_f64(2.0).unwrap()), "2.0");
        let d = prost_types::Duration {
            seconds: 1,
            nanos: 500_000_000,
        };
        assert_eq!(super::super::text::duration_text(&d), "1.500s");
        // A Struct's null stays null; text outside ASCII is escaped, as json.dumps does.
        let v = serde_json::json!({"x": null, "y": "é"});
        assert_eq!(to_json(&v), "{\n  \"x\": null,\n  \"y\": \"\\u00e9\"\n}");
    }

    #[test]
    fn names_defaults_and_oneofs_follow_protobufs_json_mapping() {
        assert_eq!(json_name("sub_workflow_ref"), "subWorkflowRef");
        assert_eq!(json_name("k8s_pod"), "k8sPod");
        let node = pb::Node {
            id: "n0".into(),
            upstream_node_ids: vec!["a".into()],
            target: Some(pb::node::Target::WorkflowNode(pb::WorkflowNode {
                reference: Some(pb::workflow_node::Reference::SubWorkflowRef(
                    pb::Identifier {
                        resource_type: pb::ResourceType::Workflow as i32,
                        name: "wf".into(),
                        ..Default::default()
                    },
                )),
            })),
            ..Default::default()
        };
        assert_eq!(
            to_json(&node),
            "{\n  \"id\": \"n0\",\n  \"upstreamNodeIds\": [\n    \"a\"\n  ],\n  \"workflowNode\": {\n    \"subWorkflowRef\": {\n      \"resourceType\": \"WORKFLOW\",\n      \"name\": \"wf\"\n    }\n  }\n}"
        );
    }
}
