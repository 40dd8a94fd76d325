//! `flyteidl/core/literals.proto`: values.

use std::collections::BTreeMap;

use super::*;

/// `flyteidl.core.Primitive`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Primitive {
    /// The value.
    #[prost(oneof = "primitive::Value", tags = "1, 2, 3, 4, 5, 6")]
    pub value: Option<primitive::Value>,
}

/// The `value` oneof of [`Primitive`].
pub mod primitive {
    /// `Primitive.value`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Value {
        /// `integer`
        #[prost(int64, tag = "1")]
        Integer(i64),
        /// `float_value`
        #[prost(double, tag = "2")]
        FloatValue(f64),
        /// `string_value`
        #[prost(string, tag = "3")]
        StringValue(String),
        /// `boolean`
        #[prost(bool, tag = "4")]
        Boolean(bool),
        /// `datetime`
        #[prost(message, tag = "5")]
        #[serde(serialize_with = "crate::idl::schema::json::timestamp")]
        Datetime(prost_types::Timestamp),
        /// `duration`
        #[prost(message, tag = "6")]
        #[serde(serialize_with = "crate::idl::schema::json::duration")]
        Duration(prost_types::Duration),
    }
}

/// `flyteidl.core.Void`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Void {}

/// `flyteidl.core.BlobMetadata`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BlobMetadata {
    /// The blob's type.
    #[prost(message, optional, tag = "1")]
    pub r#type: Option<BlobType>,
}

/// `flyteidl.core.Blob`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Blob {
    /// Its metadata.
    #[prost(message, optional, tag = "1")]
    pub metadata: Option<BlobMetadata>,
    /// Where it is.
    #[prost(string, tag = "3")]
    pub uri: String,
}

/// `flyteidl.core.Binary`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Binary {
    /// The bytes.
    #[prost(bytes = "vec", tag = "1")]
    pub value: Vec<u8>,
    /// How they are encoded.
    #[prost(string, tag = "2")]
    pub tag: String,
}

/// `flyteidl.core.StructuredDatasetMetadata`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct StructuredDatasetMetadata {
    /// The columns and the format the data is stored in.
    #[prost(message, optional, tag = "1")]
    pub structured_dataset_type: Option<StructuredDatasetType>,
}

/// `flyteidl.core.StructuredDataset`: a dataframe, stored under `uri`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct StructuredDataset {
    /// The folder (or file) holding the data.
    #[prost(string, tag = "1")]
    pub uri: String,
    /// Its columns and format.
    #[prost(message, optional, tag = "2")]
    pub metadata: Option<StructuredDatasetMetadata>,
}

/// `flyteidl.core.Union`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Union {
    /// The value.
    #[prost(message, optional, boxed, tag = "1")]
    pub value: Option<Box<Literal>>,
    /// The variant's type.
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<LiteralType>,
}

/// `flyteidl.core.Scalar`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Scalar {
    /// The value.
    #[prost(oneof = "scalar::Value", tags = "1, 2, 3, 5, 6, 8, 9")]
    pub value: Option<scalar::Value>,
}

/// The `value` oneof of [`Scalar`].
pub mod scalar {
    /// `Scalar.value`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Value {
        /// `primitive`
        #[prost(message, tag = "1")]
        Primitive(super::Primitive),
        /// `blob`
        #[prost(message, tag = "2")]
        Blob(super::Blob),
        /// `binary`
        #[prost(message, tag = "3")]
        Binary(super::Binary),
        /// `none_type`
        #[prost(message, tag = "5")]
        NoneType(super::Void),
        /// `error`
        #[prost(message, tag = "6")]
        Error(super::Error),
        /// `structured_dataset`
        #[prost(message, tag = "8")]
        StructuredDataset(Box<super::StructuredDataset>),
        /// `union`
        #[prost(message, tag = "9")]
        Union(Box<super::Union>),
    }
}

/// `flyteidl.core.Literal`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Literal {
    /// The value.
    #[prost(oneof = "literal::Value", tags = "1, 2, 3, 8")]
    pub value: Option<literal::Value>,
    /// A hash for caching.
    #[prost(string, tag = "4")]
    pub hash: String,
}

/// The `value` oneof of [`Literal`].
pub mod literal {
    /// `Literal.value`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Value {
        /// `scalar`
        #[prost(message, tag = "1")]
        Scalar(Box<super::Scalar>),
        /// `collection`
        #[prost(message, tag = "2")]
        Collection(super::LiteralCollection),
        /// `map`
        #[prost(message, tag = "3")]
        Map(super::LiteralMap),
        /// `offloaded_metadata`: the literal is stored in an object of its own.
        #[prost(message, tag = "8")]
        OffloadedMetadata(super::LiteralOffloadedMetadata),
    }
}

/// `flyteidl.core.LiteralOffloadedMetadata`: where an offloaded literal is stored.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct LiteralOffloadedMetadata {
    /// The object holding the `Literal`'s bytes.
    #[prost(string, tag = "1")]
    pub uri: String,
    /// Its size in bytes.
    #[prost(uint64, tag = "2")]
    pub size_bytes: u64,
    /// The literal's type.
    #[prost(message, optional, tag = "3")]
    pub inferred_type: Option<LiteralType>,
}

/// `flyteidl.core.LiteralCollection`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct LiteralCollection {
    /// The items.
    #[prost(message, repeated, tag = "1")]
    pub literals: Vec<Literal>,
}

/// `flyteidl.core.LiteralMap`: also the format of `inputs.pb` and `outputs.pb`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct LiteralMap {
    /// The entries.
    #[prost(btree_map = "string, message", tag = "1")]
    pub literals: BTreeMap<String, Literal>,
}
