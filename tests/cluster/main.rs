//! What goes to a Flyte cluster and runs there: the IDL we write (checked against
//! flytekit's), the container entrypoint on local and S3 stores, fast registration,
//! offloading, a stock pod, and the crates' layering.
//!
//! One test binary for the area (each file a module), so CI links a few binaries.

mod entrypoint;
mod entrypoint_s3;
mod fast_package;
mod idl_golden;
mod idl_nodes;
mod idl_production;
mod image;
mod layering;
mod offloading;
mod s3_names;
mod stock_pod;
#[path = "../support/mod.rs"]
mod support;
