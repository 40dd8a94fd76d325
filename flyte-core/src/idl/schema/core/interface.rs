//! `flyteidl/core/interface.proto` and `identifier.proto`: inputs, outputs and
//! parameters, and what names an entity.

use std::collections::BTreeMap;

use super::*;

/// `flyteidl.core.Variable`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Variable {
    /// Its type.
    #[prost(message, optional, tag = "1")]
    pub r#type: Option<LiteralType>,
    /// A description.
    #[prost(string, tag = "2")]
    pub description: String,
}

/// `flyteidl.core.VariableMap`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct VariableMap {
    /// Variables by name.
    #[prost(btree_map = "string, message", tag = "1")]
    pub variables: BTreeMap<String, Variable>,
}

/// `flyteidl.core.TypedInterface`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct TypedInterface {
    /// Inputs.
    #[prost(message, optional, tag = "1")]
    pub inputs: Option<VariableMap>,
    /// Outputs.
    #[prost(message, optional, tag = "2")]
    pub outputs: Option<VariableMap>,
}

/// `flyteidl.core.Parameter`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Parameter {
    /// The variable.
    #[prost(message, optional, tag = "1")]
    pub var: Option<Variable>,
    /// Default or required.
    #[prost(oneof = "parameter::Behavior", tags = "2, 3")]
    pub behavior: Option<parameter::Behavior>,
}

/// The `behavior` oneof of [`Parameter`].
pub mod parameter {
    /// `Parameter.behavior`.
    #[derive(Clone, PartialEq, prost::Oneof, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Behavior {
        /// `default`
        #[prost(message, tag = "2")]
        Default(super::Literal),
        /// `required`
        #[prost(bool, tag = "3")]
        Required(bool),
    }
}

/// `flyteidl.core.ParameterMap`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ParameterMap {
    /// Parameters by name.
    #[prost(btree_map = "string, message", tag = "1")]
    pub parameters: BTreeMap<String, Parameter>,
}

/// `flyteidl.core.ResourceType`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum ResourceType {
    /// `UNSPECIFIED`
    Unspecified = 0,
    /// `TASK`
    Task = 1,
    /// `WORKFLOW`
    Workflow = 2,
    /// `LAUNCH_PLAN`
    LaunchPlan = 3,
}

/// `flyteidl.core.Identifier`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Identifier {
    /// What kind of entity.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<ResourceType, _>")]
    #[prost(enumeration = "ResourceType", tag = "1")]
    pub resource_type: i32,
    /// Project.
    #[prost(string, tag = "2")]
    pub project: String,
    /// Domain.
    #[prost(string, tag = "3")]
    pub domain: String,
    /// Name.
    #[prost(string, tag = "4")]
    pub name: String,
    /// Version.
    #[prost(string, tag = "5")]
    pub version: String,
}
