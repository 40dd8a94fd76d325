//! Peak heap use of `execute` reading big and hostile inputs.pb files, counted by a
//! global allocator wrapper, next to the decode-everything-first way (the whole
//! `LiteralMap` decoded by prost, every literal converted, then the types checked)
//! that `execute` used before. The inputs sit in an in-memory store before the
//! measurement starts, so the figures are what reading them costs on top of the file.
//! Prints a table; figures go in BENCHMARKS.md. Run with
//! `cargo bench --bench input_memory`.

#[path = "support/runtime.rs"]
mod runtime;

use std::sync::Arc;

use flytekit::data::FileAccess;
use flytekit::entrypoint::{ExecuteRequest, Outcome, execute};
use flytekit::execution::ClusterIdentity;
use flytekit::idl::{self, core as pb};
use flytekit::prelude::*;
use flytekit::registry::Registry;
use prost::Message;

#[path = "support/counting.rs"]
mod counting;

use counting::peak_during;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

#[task]
fn take_int(x: i64) -> i64 {
    x
}

#[task]
fn take_list(x: Vec<i64>) -> i64 {
    x.len() as i64
}

#[task]
fn take_string(x: String) -> i64 {
    x.len() as i64
}

fn inputs_pb(x: pb::Literal) -> Vec<u8> {
    pb::LiteralMap {
        literals: [("x".to_string(), x)].into_iter().collect(),
    }
    .encode_to_vec()
}

fn empty_items(count: usize) -> pb::Literal {
    pb::Literal {
        value: Some(pb::literal::Value::Collection(pb::LiteralCollection {
            literals: vec![pb::Literal::default(); count],
        })),
        hash: String::new(),
    }
}

/// The way `execute` read inputs before: decode it all, convert it all, then check.
fn decode_everything_first<T: FlyteType>(bytes: &[u8]) -> bool {
    let map = pb::LiteralMap::decode(bytes).unwrap();
    let Ok(literal) = idl::literal_from_idl(&map.literals["x"]) else {
        return false;
    };
    match T::from_literal(&literal) {
        Ok(_) => true,
        // The mismatch message quoted the whole value.
        Err(e) => e.to_string().len() > usize::MAX / 2,
    }
}

fn main() {
    let rt = runtime::runtime();
    let mut registry = Registry::new();
    registry
        .task(&take_int {})
        .task(&take_list {})
        .task(&take_string {});
    let mb = 1_000_000usize;
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "500 MB string for an integer",
            "input_memory.take_int",
            inputs_pb(idl::literal(&"x".repeat(500 * mb).to_literal())),
        ),
        (
            "100 MB of empty list items for list<integer>",
            "input_memory.take_list",
            inputs_pb(empty_items(50 * mb)),
        ),
        (
            "100 MB string for a string",
            "input_memory.take_string",
            inputs_pb(idl::literal(&"y".repeat(100 * mb).to_literal())),
        ),
        (
            "10 million integers for list<integer>",
            "input_memory.take_list",
            inputs_pb(idl::literal(
                &(0..10_000_000i64).collect::<Vec<_>>().to_literal(),
            )),
        ),
    ];
    println!(
        "| inputs.pb | size | execute: peak heap | x size | decode everything first | x size |"
    );
    println!("|---|---|---|---|---|---|");
    for (what, task, bytes) in cases {
        let size = bytes.len();
        let files = Arc::new(FileAccess::new());
        rt.block_on(files.put("memory:///bench/inputs.pb", bytes.clone()))
            .unwrap();
        let request = ExecuteRequest {
            task_name: task.to_string(),
            inputs: "memory:///bench/inputs.pb".into(),
            output_prefix: "memory:///bench/out".into(),
            raw_output_prefix: Some("memory:///bench/raw".into()),
            ..Default::default()
        };
        let (peak, outcome) = peak_during(|| {
            rt.block_on(execute(
                &registry,
                files.clone(),
                ClusterIdentity::default(),
                &request,
            ))
            .unwrap()
        });
        let ended = match outcome {
            Outcome::Succeeded { .. } => "ok".to_string(),
            Outcome::Failed(e) => format!("{} ({} B message)", e.code, e.message.len()),
            _ => "futures".to_string(),
        };
        let (old_peak, _) = peak_during(|| match task {
            "input_memory.take_int" => decode_everything_first::<i64>(&bytes),
            "input_memory.take_list" => decode_everything_first::<Vec<i64>>(&bytes),
            _ => decode_everything_first::<String>(&bytes),
        });
        println!(
            "| {what} ({ended}) | {:.0} MB | {:.0} MB | {:.2} | {:.0} MB | {:.2} |",
            size as f64 / 1e6,
            peak as f64 / 1e6,
            peak as f64 / size as f64,
            old_peak as f64 / 1e6,
            old_peak as f64 / size as f64,
        );
    }
}
