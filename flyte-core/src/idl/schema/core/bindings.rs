//! `flyteidl/core/literals.proto`: what feeds a node's inputs and a workflow's
//! outputs.

use std::collections::BTreeMap;

use super::*;

/// `flyteidl.core.OutputReference`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct OutputReference {
    /// The node (empty for the workflow's own inputs).
    #[prost(string, tag = "1")]
    pub node_id: String,
    /// The output variable.
    #[prost(string, tag = "2")]
    pub var: String,
    /// The steps into the variable's value (`summary.max_score`, `xs[0]`).
    #[prost(message, repeated, tag = "3")]
    pub attr_path: Vec<PromiseAttribute>,
}

/// `flyteidl.core.PromiseAttribute`: one step of an attribute path.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct PromiseAttribute {
    /// The step.
    #[prost(oneof = "promise_attribute::Value", tags = "1, 2")]
    pub value: Option<promise_attribute::Value>,
}

/// The `value` oneof of [`PromiseAttribute`].
pub mod promise_attribute {
    /// `PromiseAttribute.value`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Value {
        /// A struct field or a map key.
        #[prost(string, tag = "1")]
        StringValue(String),
        /// A list index.
        #[prost(int32, tag = "2")]
        IntValue(i32),
    }
}

/// `flyteidl.core.BindingData`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BindingData {
    /// What feeds the input.
    #[prost(oneof = "binding_data::Value", tags = "1, 2, 3, 4")]
    pub value: Option<binding_data::Value>,
}

/// The `value` oneof of [`BindingData`].
pub mod binding_data {
    /// `BindingData.value`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Value {
        /// `scalar`
        #[prost(message, tag = "1")]
        Scalar(super::Scalar),
        /// `collection`
        #[prost(message, tag = "2")]
        Collection(super::BindingDataCollection),
        /// `promise`
        #[prost(message, tag = "3")]
        Promise(super::OutputReference),
        /// `map`
        #[prost(message, tag = "4")]
        Map(super::BindingDataMap),
    }
}

/// `flyteidl.core.BindingDataCollection`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BindingDataCollection {
    /// The items.
    #[prost(message, repeated, tag = "1")]
    pub bindings: Vec<BindingData>,
}

/// `flyteidl.core.BindingDataMap`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct BindingDataMap {
    /// The entries.
    #[prost(btree_map = "string, message", tag = "1")]
    pub bindings: BTreeMap<String, BindingData>,
}

/// `flyteidl.core.Binding`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Binding {
    /// The input (or workflow output) bound.
    #[prost(string, tag = "1")]
    pub var: String,
    /// What feeds it.
    #[prost(message, optional, tag = "2")]
    pub binding: Option<BindingData>,
}
