//! Rust types and Flyte types: [`LiteralType`] describes a value's type in a spec,
//! [`Literal`] holds a value in Flyte's own terms, and [`FlyteType`] maps a Rust type
//! onto both.
//!
//! | Rust | Flyte |
//! |---|---|
//! | `i64`, `f64`, `String`, `bool` | integer, float, string, boolean |
//! | `std::time::Duration` | duration |
//! | `chrono::DateTime<Utc>`, `std::time::SystemTime` | datetime |
//! | `Vec<u8>` | binary |
//! | `Vec<T>` | collection of `T` |
//! | `HashMap<String, T>`, `BTreeMap<String, T>` | map of `T` |
//! | `Option<T>` | union of `T` and none |
//! | `#[derive(FlyteType)]` struct (with serde) | struct, with a JSON schema of its fields |
//! | `#[derive(FlyteType)]` enum of unit variants | enum of the variant names |
//! | [`FlyteFile`], [`FlyteDirectory`] | blob (single file, multipart directory) |
//!
//! Inside a local run values travel between nodes as native Rust values ([`Value`]):
//! converting to [`Literal`] is only needed at the edges (specs, constants shown in a
//! graph, inputs given as text or protobuf), so a node hand-off costs a reference-count
//! bump.

mod codec;
mod content_hash;
#[cfg(feature = "dataframe")]
mod dataframe;
mod datetime;
mod error;
mod file_format;
pub(crate) mod files;
mod io;
mod json_view;
mod msgpack_fields;
mod pickle;
mod preview;
mod std_impls;
mod structs;
mod text;

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use codec::Codec;
pub use content_hash::ContentHash;
pub(crate) use content_hash::{hash_directory, hash_file, hex};
#[cfg(feature = "dataframe")]
pub use dataframe::{AnyColumns, Columns, DataframeError, PARQUET, StructuredDataset};
pub(crate) use datetime::{from_unix, to_unix};
pub use error::FlyteError;
pub use file_format::{
    AnyFormat, Csv, FileFormat, Hdf5, Html, Jpeg, Json, Onnx, Parquet, Pdf, Png, Svg,
};
pub use files::{BlobRef, FlyteDirectory, FlyteFile};
pub(crate) use io::for_each_arity;
pub use io::{ConversionError, Inputs, MAX_ARITY, Outputs};
pub use pickle::{PICKLE_FORMAT, PickledBytes};
pub use preview::{PREVIEW_CHARS, did_you_mean, human_duration, preview};
pub use structs::{
    FieldInfo, MSGPACK_TAG, SerdeStruct, StructCodec, enum_from_literal, struct_codec,
    struct_from_literal, struct_schema, struct_to_literal, struct_type,
};
#[doc(hidden)]
pub use structs::{ReadVariant, same_union_tag, union_from_literal};
pub use text::{TextError, literal_from_json, literal_from_text};

/// The scalar kinds of Flyte's `SimpleType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SimpleType {
    /// No value.
    None,
    /// A 64-bit signed integer.
    Integer,
    /// A 64-bit float.
    Float,
    /// A UTF-8 string.
    String,
    /// A boolean.
    Boolean,
    /// A point in time (UTC).
    Datetime,
    /// A calendar date, as flytekit's `datetime.date`: on the wire Flyte's `DATETIME`
    /// at midnight UTC, in a union tagged `date`.
    Date,
    /// A span of time.
    Duration,
    /// Raw bytes.
    Binary,
    /// An error a failed node left ([`FlyteError`]).
    Error,
}

/// Whether a blob is one file or a directory of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlobDimensionality {
    /// One file.
    Single,
    /// A directory (many parts under one prefix).
    Multipart,
}

/// The type of a file or directory value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BlobType {
    /// A format name (such as `csv`), empty for any.
    pub format: String,
    /// File or directory.
    pub dimensionality: BlobDimensionality,
}

/// A user struct as a Flyte type: its fields' types and a JSON schema of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructType {
    /// The Rust type's name.
    pub name: String,
    /// Each field's name and type, in declaration order.
    pub fields: Vec<(String, LiteralType)>,
    /// A JSON schema of the serialized form (Flyte keeps it in the type's metadata).
    pub schema: serde_json::Value,
}

impl StructType {
    /// A struct without field types: flytekit's untyped `dict`, Rust's
    /// `serde_json::Value`.
    pub fn untyped() -> Self {
        StructType {
            name: "dict".to_string(),
            fields: Vec::new(),
            schema: serde_json::Value::Null,
        }
    }

    /// Whether it is [`StructType::untyped`]: no field types and no schema.
    pub fn is_untyped(&self) -> bool {
        self.fields.is_empty() && self.schema.is_null()
    }
}

/// The type of a Flyte variable, as it appears in an interface.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LiteralType {
    /// A scalar type.
    Simple(SimpleType),
    /// A list of values of one type.
    Collection(Box<LiteralType>),
    /// A map from strings to values of one type.
    Map(Box<LiteralType>),
    /// One of several types (`Option<T>` is a union of `T` and none).
    Union(Vec<LiteralType>),
    /// One of a fixed set of strings.
    Enum(Vec<String>),
    /// A user struct.
    Struct(Box<StructType>),
    /// A file or directory.
    Blob(BlobType),
    /// A dataframe (Flyte's structured dataset).
    StructuredDataset(DatasetType),
}

/// The columns and storage format of a dataframe (Flyte's `StructuredDatasetType`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DatasetType {
    /// The columns, in order; none means any columns.
    pub columns: Vec<(String, LiteralType)>,
    /// How the data is stored: empty in interfaces, `parquet` on values.
    pub format: String,
}

impl LiteralType {
    /// The tag flytekit gives this type as a union variant: the name of the
    /// transformer that handles it (`int`, `str`, `none`, `Typed List`,
    /// `FlyteFilePath`, ...), so our unions match flytekit's own and Flyte's type
    /// checker accepts a Python `Optional[...]` or `Union[...]` wired to ours.
    pub fn union_tag(&self) -> String {
        match self {
            LiteralType::Simple(s) => match s {
                SimpleType::None => "none",
                SimpleType::Integer => "int",
                SimpleType::Float => "float",
                SimpleType::String => "str",
                SimpleType::Boolean => "bool",
                SimpleType::Datetime => "datetime",
                SimpleType::Date => "date",
                SimpleType::Duration => "timedelta",
                SimpleType::Binary => "bytes",
                SimpleType::Error => "FlyteError",
            }
            .to_string(),
            LiteralType::Collection(_) => "Typed List".to_string(),
            LiteralType::Map(_) => "Typed Dict".to_string(),
            LiteralType::Enum(_) => "DefaultEnumTransformer".to_string(),
            LiteralType::Struct(s) if s.is_untyped() => "Typed Dict".to_string(),
            LiteralType::Struct(_) => "Object-Dataclass-Transformer".to_string(),
            LiteralType::Blob(b) if b.format == PICKLE_FORMAT => "FlytePickle".to_string(),
            LiteralType::Blob(b) => match b.dimensionality {
                BlobDimensionality::Single => "FlyteFilePath".to_string(),
                BlobDimensionality::Multipart => "FlyteDirectory".to_string(),
            },
            LiteralType::StructuredDataset(_) => "StructuredDataset Transformer".to_string(),
            other => other.to_string(),
        }
    }

    /// A JSON schema for values of this type as `serde` writes them.
    pub fn json_schema(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            LiteralType::Simple(s) => match s {
                SimpleType::None => json!({ "type": "null" }),
                SimpleType::Integer => json!({ "type": "integer" }),
                SimpleType::Float => json!({ "type": "number" }),
                SimpleType::String => json!({ "type": "string" }),
                SimpleType::Boolean => json!({ "type": "boolean" }),
                SimpleType::Datetime => json!({ "type": "string", "format": "date-time" }),
                SimpleType::Date => json!({ "type": "string", "format": "date" }),
                // As flytekit's dataclass schemas: a struct field holds float seconds
                // and msgpack bytes (see `msgpack_fields`).
                SimpleType::Duration => json!({ "type": "number", "format": "time-delta" }),
                SimpleType::Binary => json!({ "type": "string", "format": "base64" }),
                SimpleType::Error => json!({
                    "type": "object",
                    "properties": {
                        "message": { "type": "string" },
                        "failed_node_id": { "type": "string" }
                    },
                    "required": ["message", "failed_node_id"]
                }),
            },
            LiteralType::Collection(t) => json!({ "type": "array", "items": t.json_schema() }),
            LiteralType::Map(t) => json!({
                "type": "object",
                "propertyNames": { "type": "string" },
                "additionalProperties": t.json_schema()
            }),
            LiteralType::Union(ts) => {
                json!({ "anyOf": ts.iter().map(LiteralType::json_schema).collect::<Vec<_>>() })
            }
            // As flytekit's dataclass schemas write an enum field: its values only.
            LiteralType::Enum(values) => json!({ "enum": values }),
            LiteralType::Struct(s) => s.schema.clone(),
            LiteralType::Blob(_) => json!({
                "type": "object",
                "properties": { "uri": { "type": "string" } },
                "required": ["uri"]
            }),
            LiteralType::StructuredDataset(_) => json!({
                "type": "object",
                "properties": { "uri": { "type": "string" }, "file_format": { "type": "string" } }
            }),
        }
    }
}

impl fmt::Display for LiteralType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiteralType::Simple(s) => {
                let name = match s {
                    SimpleType::None => "none",
                    SimpleType::Integer => "integer",
                    SimpleType::Float => "float",
                    SimpleType::String => "string",
                    SimpleType::Boolean => "boolean",
                    SimpleType::Datetime => "datetime",
                    SimpleType::Date => "date",
                    SimpleType::Duration => "duration",
                    SimpleType::Binary => "binary",
                    SimpleType::Error => "error",
                };
                f.write_str(name)
            }
            LiteralType::Collection(t) => write!(f, "list<{t}>"),
            LiteralType::Map(t) => write!(f, "map<string, {t}>"),
            LiteralType::Union(ts) => write_joined(f, "union<", ts, ">", |f, t| write!(f, "{t}")),
            LiteralType::Enum(values) => write!(f, "enum{{{}}}", values.join(", ")),
            LiteralType::Struct(s) => write!(f, "struct {}", s.name),
            LiteralType::Blob(b) => match b.dimensionality {
                BlobDimensionality::Single => f.write_str("file"),
                BlobDimensionality::Multipart => f.write_str("directory"),
            },
            LiteralType::StructuredDataset(d) if d.columns.is_empty() => f.write_str("dataframe"),
            LiteralType::StructuredDataset(d) => {
                write_joined(f, "dataframe(", &d.columns, ")", |f, (n, t)| {
                    write!(f, "{n}: {t}")
                })
            }
        }
    }
}

/// A scalar value in Flyte's terms (Flyte's `Primitive`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Primitive {
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A string (enum values are strings too).
    String(String),
    /// A boolean.
    Boolean(bool),
    /// A point in time.
    Datetime(SystemTime),
    /// A span of time.
    Duration(Duration),
}

/// A value in Flyte's terms.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Literal {
    /// A scalar value.
    Primitive(Primitive),
    /// No value (Flyte's `Void`).
    None,
    /// Bytes with a tag saying how to read them: empty for plain bytes, `msgpack` for
    /// a struct.
    Binary {
        /// The bytes.
        value: Vec<u8>,
        /// How they are encoded.
        tag: String,
    },
    /// A list.
    Collection(Vec<Literal>),
    /// A map with string keys.
    Map(BTreeMap<String, Literal>),
    /// A value of a union type, with the variant it has.
    Union {
        /// The value.
        value: Box<Literal>,
        /// Which of the union's types it is.
        variant: LiteralType,
    },
    /// An error a failed node left (Flyte's `Error` scalar).
    Error {
        /// What went wrong.
        message: String,
        /// The node that failed.
        failed_node_id: String,
    },
    /// A file or directory, by URI.
    Blob {
        /// Where it is.
        uri: String,
        /// File or directory, and format.
        ty: BlobType,
        /// Its content hash (Flyte's `Literal.hash`), which cache keys use in place of
        /// the location; see [`ContentHash`].
        hash: Option<String>,
    },
    /// A dataframe, by the URI of the folder holding it.
    StructuredDataset {
        /// Where it is.
        uri: String,
        /// Its columns and storage format.
        ty: DatasetType,
        /// Its content hash (Flyte's `Literal.hash`); see [`ContentHash`].
        hash: Option<String>,
    },
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Primitive(Primitive::Integer(v)) => write!(f, "{v}"),
            Literal::Primitive(Primitive::Float(v)) => write!(f, "{v:?}"),
            Literal::Primitive(Primitive::String(v)) => write!(f, "{v:?}"),
            Literal::Primitive(Primitive::Boolean(v)) => write!(f, "{v}"),
            Literal::Primitive(Primitive::Datetime(v)) => f.write_str(&datetime::display(*v)),
            Literal::Primitive(Primitive::Duration(v)) => {
                write!(f, "{}", humantime::format_duration(*v))
            }
            Literal::None => f.write_str("none"),
            Literal::Binary { value, tag } if tag.is_empty() => {
                write!(f, "<{} bytes>", value.len())
            }
            // A struct or dict reads as its fields.
            Literal::Binary { value, tag } if tag == MSGPACK_TAG => {
                match json_view::struct_json(value) {
                    Some(json) => write!(f, "{json}"),
                    None => write!(f, "<{} bytes of {tag}>", value.len()),
                }
            }
            Literal::Binary { value, tag } => write!(f, "<{} bytes of {tag}>", value.len()),
            Literal::Collection(items) => write_joined(f, "[", items, "]", |f, i| write!(f, "{i}")),
            Literal::Map(entries) => {
                write_joined(f, "{", entries, "}", |f, (k, v)| write!(f, "{k:?}: {v}"))
            }
            Literal::Union { value, .. } => write!(f, "{value}"),
            Literal::Blob { uri, .. } => write!(f, "{uri}"),
            Literal::StructuredDataset { uri, .. } => write!(f, "dataframe at {uri}"),
            Literal::Error {
                message,
                failed_node_id,
            } => write!(f, "error in node {failed_node_id}: {message:?}"),
        }
    }
}

/// Writes `items` between `open` and `close`, separated by commas.
pub(crate) fn write_joined<I: IntoIterator>(
    f: &mut fmt::Formatter<'_>,
    open: &str,
    items: I,
    close: &str,
    mut each: impl FnMut(&mut fmt::Formatter<'_>, I::Item) -> fmt::Result,
) -> fmt::Result {
    f.write_str(open)?;
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        each(f, item)?;
    }
    f.write_str(close)
}

/// A literal did not hold what the Rust type needs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("expected a literal of type {expected}, got `{got}`{}", reason_suffix(.reason))]
pub struct LiteralMismatch {
    /// The Flyte type the Rust type maps to.
    pub expected: LiteralType,
    /// The literal that was offered, as text cut to [`PREVIEW_CHARS`] characters
    /// ([`Literal::preview`]).
    pub got: String,
    /// Why it could not be read, where more can be said than the type.
    pub reason: Option<String>,
}

fn reason_suffix(reason: &Option<String>) -> String {
    reason
        .as_ref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default()
}

impl LiteralMismatch {
    /// A mismatch between the type `T` maps to and `got`.
    pub fn new<T: FlyteType>(got: &Literal) -> Self {
        LiteralMismatch {
            expected: T::literal_type(),
            got: got.preview(),
            reason: None,
        }
    }

    /// Adds why the literal could not be read.
    pub fn because(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

/// A Rust type that can be a task input or output.
///
/// Implemented for the types in the [module table](self), and by
/// `#[derive(FlyteType)]` for user structs and enums. Values cross node boundaries as
/// native Rust values, so the only run-time requirements are
/// `Clone + Send + Sync + 'static`; the literal conversions are what specs, constants
/// and the wire format use.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Flyte type",
    label = "this type cannot be a task input or output",
    note = "Flyte types: i64, f64, String, bool, Duration, DateTime<Utc>, SystemTime, Vec<u8>, \
            Vec<T>, HashMap<String, T>, BTreeMap<String, T>, Option<T>, FlyteFile, FlyteDirectory; \
            for your own struct or enum add `#[derive(serde::Serialize, serde::Deserialize, FlyteType)]` \
            (unit-variant enums need only `FlyteType`); take owned values (String, not &str)"
)]
pub trait FlyteType: Clone + Send + Sync + 'static {
    /// The Flyte type this Rust type maps to.
    fn literal_type() -> LiteralType;
    /// This value as a Flyte literal.
    fn to_literal(&self) -> Literal;
    /// Reads a value back from a Flyte literal.
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch>;
    /// A JSON schema of this type as `serde` writes it, for struct types that hold it.
    fn json_schema() -> serde_json::Value {
        Self::literal_type().json_schema()
    }
    /// Whether values of this type can hold files or directories; when false, task
    /// outputs of this type are not searched for local files to upload.
    const HAS_BLOBS: bool = false;
    /// The tag flytekit gives this type as a union variant
    /// ([`LiteralType::union_tag`]), known while compiling: a derived union enum
    /// refuses two variants with one tag, which flytekit could not tell apart. `None`
    /// when not known (no check).
    #[doc(hidden)]
    const UNION_TAG: Option<&'static str> = None;
    /// Whether this type is a Flyte union (`Option<T>`, a derived union enum): a union
    /// enum refuses one as a variant, which Python would flatten.
    #[doc(hidden)]
    const IS_UNION: bool = false;
    /// Whether a derived union enum is in this type (itself, or in an `Option`, a list
    /// or a map): a struct refuses one as a field, since serde would write it tagged
    /// with the variant's name where flytekit writes the bare value.
    #[doc(hidden)]
    const HOLDS_UNION_ENUM: bool = false;
    /// Hands each file and directory inside the value to `f`.
    fn visit_blobs<'a>(&'a mut self, f: &mut dyn FnMut(BlobRef<'a>)) {
        let _ = f;
    }
}

/// A value on its way between nodes: a type-erased, shared native Rust value.
///
/// The graph is type-checked when it is built, so reading a value back
/// ([`downcast_value`]) cannot meet the wrong type.
pub type Value = Arc<dyn Any + Send + Sync>;

/// Wraps a value for the trip between nodes.
pub fn into_value<T: FlyteType>(v: T) -> Value {
    Arc::new(v)
}

/// Reads a value written by [`into_value`].
///
/// # Panics
/// If the value holds another type: the graph's wiring is checked at compile time, so
/// this is a bug in flyte, never in user code.
pub fn downcast_value<T: FlyteType>(v: &Value) -> T {
    match v.downcast_ref::<T>() {
        Some(v) => v.clone(),
        None => panic!(
            "flyte bug: a value of another type reached an input of type `{}`",
            std::any::type_name::<T>()
        ),
    }
}
