//! Reading what Flyte and flytekit write, on the wire: `inputs.pb` checked against a
//! task's interface while it is decoded (`inputs`), offloaded literals found and put
//! in place (`offloaded`), both over a field-by-field walk of protobuf bytes (`wire`).

pub mod inputs;
pub(crate) mod offloaded;
mod wire;

use wire::inline_offloaded;
#[cfg(feature = "remote")]
pub(crate) use wire::offloaded_uris;
