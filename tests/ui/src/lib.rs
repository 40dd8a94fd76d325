//! Nothing: this crate holds the compile-fail tests of the macros (`tests/ui.rs`,
//! trybuild), whose cases are the `.rs` files beside `src/`.
