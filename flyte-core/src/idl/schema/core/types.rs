//! `flyteidl/core/types.proto`: the types of values.

use std::collections::BTreeMap;

/// `flyteidl.core.SimpleType`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum SimpleType {
    /// `NONE`
    None = 0,
    /// `INTEGER`
    Integer = 1,
    /// `FLOAT`
    Float = 2,
    /// `STRING`
    String = 3,
    /// `BOOLEAN`
    Boolean = 4,
    /// `DATETIME`
    Datetime = 5,
    /// `DURATION`
    Duration = 6,
    /// `BINARY`
    Binary = 7,
    /// `ERROR`
    Error = 8,
    /// `STRUCT`
    Struct = 9,
}

/// `flyteidl.core.BlobType`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BlobType {
    /// Free-form format (`csv`, ...).
    #[prost(string, tag = "1")]
    pub format: String,
    /// `BlobType.BlobDimensionality`: 0 single, 1 multipart.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<BlobDimensionality, _>")]
    #[prost(enumeration = "BlobDimensionality", tag = "2")]
    pub dimensionality: i32,
}

/// `flyteidl.core.BlobType.BlobDimensionality`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum BlobDimensionality {
    /// `SINGLE`
    Single = 0,
    /// `MULTIPART`
    Multipart = 1,
}

/// `flyteidl.core.EnumType`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct EnumType {
    /// The allowed values.
    #[prost(string, repeated, tag = "1")]
    pub values: Vec<String>,
}

/// `flyteidl.core.UnionType`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct UnionType {
    /// The variants.
    #[prost(message, repeated, tag = "1")]
    pub variants: Vec<LiteralType>,
}

/// `flyteidl.core.TypeStructure`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct TypeStructure {
    /// Must match exactly for types to be castable.
    #[prost(string, tag = "1")]
    pub tag: String,
    /// A struct's field types, by name.
    #[prost(btree_map = "string, message", tag = "2")]
    pub dataclass_type: BTreeMap<String, LiteralType>,
}

/// `flyteidl.core.TypeAnnotation`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct TypeAnnotation {
    /// Any JSON payload.
    #[prost(message, optional, tag = "1")]
    #[serde(serialize_with = "crate::idl::schema::json::optional_struct")]
    pub annotations: Option<prost_types::Struct>,
}

/// `flyteidl.core.StructuredDatasetType`: a dataframe's columns and storage format.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct StructuredDatasetType {
    /// The columns, in order (none: any columns).
    #[prost(message, repeated, tag = "1")]
    pub columns: Vec<structured_dataset_type::DatasetColumn>,
    /// The storage format (`parquet`; empty in interfaces).
    #[prost(string, tag = "2")]
    pub format: String,
    /// An external schema's type (`arrow`), if any.
    #[prost(string, tag = "3")]
    pub external_schema_type: String,
    /// The external schema's bytes.
    #[prost(bytes = "vec", tag = "4")]
    pub external_schema_bytes: Vec<u8>,
}

/// Messages nested in [`StructuredDatasetType`].
pub mod structured_dataset_type {
    /// `flyteidl.core.StructuredDatasetType.DatasetColumn`.
    #[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
    pub struct DatasetColumn {
        /// The column's name.
        #[prost(string, tag = "1")]
        pub name: String,
        /// The column's type.
        #[prost(message, optional, tag = "2")]
        pub literal_type: Option<super::LiteralType>,
    }
}

/// `flyteidl.core.LiteralType`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct LiteralType {
    /// The type itself.
    #[prost(oneof = "literal_type::Type", tags = "1, 3, 4, 5, 7, 8, 10")]
    pub r#type: Option<literal_type::Type>,
    /// Descriptive metadata (a struct's JSON schema).
    #[prost(message, optional, tag = "6")]
    #[serde(serialize_with = "crate::idl::schema::json::optional_struct")]
    pub metadata: Option<prost_types::Struct>,
    /// Client-side annotations.
    #[prost(message, optional, tag = "9")]
    pub annotation: Option<TypeAnnotation>,
    /// Hints for type matching.
    #[prost(message, optional, tag = "11")]
    pub structure: Option<TypeStructure>,
}

/// The `type` oneof of [`LiteralType`].
pub mod literal_type {
    /// `LiteralType.type`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Type {
        /// `simple`
        #[serde(serialize_with = "crate::idl::schema::json::enumeration::<super::SimpleType, _>")]
        #[prost(enumeration = "super::SimpleType", tag = "1")]
        Simple(i32),
        /// `collection_type`
        #[prost(message, tag = "3")]
        CollectionType(Box<super::LiteralType>),
        /// `map_value_type`
        #[prost(message, tag = "4")]
        MapValueType(Box<super::LiteralType>),
        /// `blob`
        #[prost(message, tag = "5")]
        Blob(super::BlobType),
        /// `enum_type`
        #[prost(message, tag = "7")]
        EnumType(super::EnumType),
        /// `structured_dataset_type`
        #[prost(message, tag = "8")]
        StructuredDatasetType(Box<super::StructuredDatasetType>),
        /// `union_type`
        #[prost(message, tag = "10")]
        UnionType(super::UnionType),
    }
}
