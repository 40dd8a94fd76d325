//! Our Flyte IDL for the types flytekit's golden files cover: each Rust type and value
//! is written as `LiteralType` and `Literal` protobufs, read back, and left in
//! `target/idl-out/` (or `$FLYTE_IDL_OUT`) for `tests/idl/check_flyteidl.py`, which
//! parses them with the Python `flyteidl` package and compares them with
//! `../shared/reference/flytekit-golden/types_summary.json`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use flyte::idl;
use flyte::prelude::*;
use flyte::types::LiteralType;
use prost::Message;
use serde::{Deserialize, Serialize};

/// flytekit's golden `Point` dataclass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FlyteType)]
#[flyte(crate = ::flyte)]
struct Point {
    x: i64,
    y: f64,
    #[serde(default)]
    label: String,
    #[serde(default)]
    tags: Vec<String>,
}

/// flytekit's golden `Color` enum; variants spelled as its values.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FlyteType)]
enum Color {
    red,
    green,
}

fn out_dir() -> PathBuf {
    let dir = std::env::var_os("FLYTE_IDL_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/idl-out"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn emit<T: FlyteType + PartialEq + std::fmt::Debug>(name: &str, value: T) {
    let ty = idl::literal_type(&T::literal_type());
    let lit = idl::literal(&value.to_literal());
    let (ty_bytes, lit_bytes) = (ty.encode_to_vec(), lit.encode_to_vec());
    // Read back through the wire format.
    let ty_back = idl::core::LiteralType::decode(ty_bytes.as_slice()).unwrap();
    let lit_back = idl::core::Literal::decode(lit_bytes.as_slice()).unwrap();
    let back = T::from_literal(&idl::literal_from_idl(&lit_back).unwrap()).unwrap();
    assert_eq!(back, value, "{name}");
    if !matches!(T::literal_type(), LiteralType::Struct(_)) {
        assert_eq!(
            idl::literal_type_from_idl(&ty_back).unwrap(),
            T::literal_type()
        );
    }
    let dir = out_dir();
    std::fs::write(dir.join(format!("{name}.type.pb")), ty_bytes).unwrap();
    std::fs::write(dir.join(format!("{name}.literal.pb")), lit_bytes).unwrap();
}

#[test]
fn golden_types_are_written_as_flytekit_writes_them() {
    emit("i", 1i64);
    emit("f", 2.5f64);
    emit("s", "hello".to_string());
    emit("b", true);
    emit("li", vec![1i64, 2, 3]);
    emit("d", HashMap::from([("a".to_string(), 1i64)]));
    emit("oi", Option::<i64>::None);
    emit(
        "dc",
        Point {
            x: 1,
            y: 2.0,
            label: "p".into(),
            tags: vec!["t".into()],
        },
    );
    emit("ff", FlyteFile::new("s3://bucket/golden_input.txt"));
    emit("dt", Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap());
    emit("td", Duration::from_secs(90));
    emit("e", Color::green);
    emit("fd", FlyteDirectory::new("s3://bucket/dir"));
    emit(
        "nested",
        vec![HashMap::from([("k".to_string(), vec![1.0f64, 2.0])])],
    );
}
