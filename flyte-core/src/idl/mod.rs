//! Flyte's own protobuf IDL: the messages this SDK writes and reads (`core`), and the
//! conversions between them and our model (`convert`).
//!
//! Only the part for types, values and interfaces is here so far; task and workflow
//! templates, launch plans and error documents come with the container entrypoint.

pub mod convert;
pub mod core;

pub use convert::{
    IdlError, interface, literal, literal_from_idl, literal_map, literal_type,
    literal_type_from_idl,
};
