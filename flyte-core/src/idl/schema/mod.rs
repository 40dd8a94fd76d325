//! The wire schema: Flyte's protobuf messages as prost structs with flyteidl's field
//! numbers (`core`, `admin`, `admin_service`), and their JSON form as flytekit prints
//! it (`json`). No conversion of our model lives here: that is the layer above
//! (`idl`'s other modules), which builds these messages and reads them.

pub mod admin;
pub mod admin_nodes;
mod admin_schedule;
pub mod admin_service;
pub mod core;
pub mod json;
mod security;
