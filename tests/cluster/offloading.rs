//! Flyte's literal offloading through the container entrypoint, against flytekit's
//! own run (golden `exec_offload`: `t_big_list(n=110000)` with `_F_L_MIN_SIZE_MB=1`):
//! large outputs written next to `outputs.pb` as flytekit writes them, and offloaded
//! inputs read wherever they sit. (`tests/polyglot.rs` has flytekit read ours.)

use crate::support;
use std::sync::Arc;

use flytekit::data::FileAccess;
use flytekit::entrypoint::{ExecuteRequest, Outcome, execute};
use flytekit::execution::ClusterIdentity;
use flytekit::idl::core as pb;
use flytekit::prelude::*;
use flytekit::registry::Registry;
use prost::Message;

/// `@task def t_big_list(n: int) -> List[int]: return list(range(n))`.
#[task]
fn big_list(n: i64) -> Vec<i64> {
    (0..n).collect()
}

#[task]
fn total(xs: Vec<i64>) -> i64 {
    xs.iter().sum()
}

#[task]
fn totals(lists: Vec<Vec<i64>>, extra: std::collections::BTreeMap<String, Vec<i64>>) -> Vec<i64> {
    lists
        .iter()
        .chain(extra.values())
        .map(|l| l.iter().sum())
        .collect()
}

fn registry() -> Registry {
    let mut r = Registry::new();
    r.task(&big_list {}).task(&total {}).task(&totals {});
    r
}

fn request(dir: &std::path::Path, task: &str) -> ExecuteRequest {
    ExecuteRequest {
        task_name: task.to_string(),
        inputs: format!("{}/inputs.pb", dir.display()),
        output_prefix: format!("{}/out", dir.display()),
        raw_output_prefix: Some(format!("{}/raw", dir.display())),
        checkpoint_path: None,
        prev_checkpoint: None,
    }
}

fn offloading(min: &str, max: Option<&str>) -> ClusterIdentity {
    ClusterIdentity::from_vars(|name| match name {
        "_F_L_MIN_SIZE_MB" => Some(min.to_string()),
        "_F_L_MAX_SIZE_MB" => max.map(str::to_string),
        _ => None,
    })
}

async fn run(dir: &std::path::Path, task: &str, identity: ClusterIdentity) -> Outcome {
    let files = Arc::new(FileAccess::new());
    execute(&registry(), files, identity, &request(dir, task))
        .await
        .unwrap()
}

fn golden(name: &str) -> Vec<u8> {
    std::fs::read(support::production_golden(name)).unwrap()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[tokio::test]
async fn a_large_output_is_offloaded_as_flytekit_offloads_it() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("inputs.pb"),
        golden("exec_offload_inputs.pb"),
    )
    .unwrap();
    let outcome = run(
        dir.path(),
        "cluster.offloading.big_list",
        offloading("1", None),
    )
    .await;
    assert!(matches!(outcome, Outcome::Succeeded { .. }), "{outcome:?}");

    // The side file holds the literal byte for byte as flytekit wrote it.
    let side = std::fs::read(dir.path().join("out/o0_offloaded_metadata.pb")).unwrap();
    assert!(side == golden("exec_offload_o0_offloaded_metadata.pb"));

    // outputs.pb is flytekit's but for the output prefix in the URI.
    let ours =
        pb::LiteralMap::decode(&std::fs::read(dir.path().join("out/outputs.pb")).unwrap()[..])
            .unwrap();
    let mut theirs = pb::LiteralMap::decode(&golden("exec_offload_outputs.pb")[..]).unwrap();
    let Some(pb::literal::Value::OffloadedMetadata(meta)) =
        &mut theirs.literals.get_mut("o0").unwrap().value
    else {
        panic!("flytekit offloaded o0");
    };
    assert_eq!(
        meta.uri,
        "file:///flyte-golden/exec/offload/out/o0_offloaded_metadata.pb"
    );
    meta.uri = format!("{}/out/o0_offloaded_metadata.pb", dir.path().display());
    assert_eq!(ours, theirs);
}

#[tokio::test]
async fn outputs_under_the_minimum_stay_in_outputs_pb() {
    let dir = tempdir();
    let inputs = flytekit::idl::literal_map([("n", &1000i64.to_literal())]);
    std::fs::write(dir.path().join("inputs.pb"), inputs.encode_to_vec()).unwrap();
    let Outcome::Succeeded { outputs } = run(
        dir.path(),
        "cluster.offloading.big_list",
        offloading("1", None),
    )
    .await
    else {
        panic!("runs");
    };
    assert!(matches!(
        outputs.literals["o0"].value,
        Some(pb::literal::Value::Collection(_))
    ));
    assert!(!dir.path().join("out/o0_offloaded_metadata.pb").exists());
}

#[tokio::test]
async fn an_output_past_the_maximum_fails_the_attempt_without_retries() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("inputs.pb"),
        golden("exec_offload_inputs.pb"),
    )
    .unwrap();
    let Outcome::Failed(e) = run(
        dir.path(),
        "cluster.offloading.big_list",
        offloading("0", Some("1")),
    )
    .await
    else {
        panic!("1083492 bytes is past 1 MiB");
    };
    assert_eq!(e.code, "USER:OutputTooLarge");
    assert_eq!(e.kind, pb::ContainerErrorKind::NonRecoverable as i32);
    assert!(
        e.message.contains("output `o0`") && e.message.contains("1083492 bytes"),
        "{}",
        e.message
    );
    assert!(!dir.path().join("out/outputs.pb").exists());
    assert!(dir.path().join("out/error.pb").exists());
}

#[tokio::test]
async fn a_bad_offloading_setting_is_named_in_the_error_document() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("inputs.pb"),
        golden("exec_offload_inputs.pb"),
    )
    .unwrap();
    let Outcome::Failed(e) = run(
        dir.path(),
        "cluster.offloading.big_list",
        offloading("ten", None),
    )
    .await
    else {
        panic!("`ten` is no size");
    };
    assert_eq!(e.code, "SYSTEM:BadOffloadingSettings");
    assert!(
        e.message.contains("_F_L_MIN_SIZE_MB is `ten`"),
        "{}",
        e.message
    );
}

fn offloaded(uri: &str) -> pb::Literal {
    pb::Literal {
        value: Some(pb::literal::Value::OffloadedMetadata(
            pb::LiteralOffloadedMetadata {
                uri: uri.to_string(),
                size_bytes: 1083492,
                inferred_type: None,
            },
        )),
        hash: "bTxmkbYPH+Pc+IMNSwApyta7D4LLYk/IzmkTjEkUeNU=".into(),
    }
}

#[tokio::test]
async fn an_offloaded_input_is_read_from_its_object() {
    let dir = tempdir();
    let side = dir.path().join("o0_offloaded_metadata.pb");
    std::fs::write(&side, golden("exec_offload_o0_offloaded_metadata.pb")).unwrap();
    let inputs = pb::LiteralMap {
        literals: [(
            "xs".to_string(),
            offloaded(&format!("file://{}", side.display())),
        )]
        .into(),
    };
    std::fs::write(dir.path().join("inputs.pb"), inputs.encode_to_vec()).unwrap();
    let Outcome::Succeeded { outputs } = run(
        dir.path(),
        "cluster.offloading.total",
        ClusterIdentity::default(),
    )
    .await
    else {
        panic!("reads the offloaded list");
    };
    let sum: i64 = (0..110_000).sum();
    assert_eq!(
        outputs.literals["o0"],
        flytekit::idl::literal(&sum.to_literal())
    );
}

#[tokio::test]
async fn offloaded_literals_inside_lists_and_maps_are_read_too() {
    let dir = tempdir();
    let side = dir.path().join("side.pb");
    std::fs::write(&side, golden("exec_offload_o0_offloaded_metadata.pb")).unwrap();
    let side = side.display().to_string();
    let inline = flytekit::idl::literal(&vec![1i64, 2].to_literal());
    let lists = pb::Literal {
        value: Some(pb::literal::Value::Collection(pb::LiteralCollection {
            literals: vec![inline.clone(), offloaded(&side)],
        })),
        hash: String::new(),
    };
    let extra = pb::Literal {
        value: Some(pb::literal::Value::Map(pb::LiteralMap {
            literals: [("big".to_string(), offloaded(&side))].into(),
        })),
        hash: String::new(),
    };
    let inputs = pb::LiteralMap {
        literals: [("lists".to_string(), lists), ("extra".to_string(), extra)].into(),
    };
    std::fs::write(dir.path().join("inputs.pb"), inputs.encode_to_vec()).unwrap();
    let Outcome::Succeeded { outputs } = run(
        dir.path(),
        "cluster.offloading.totals",
        ClusterIdentity::default(),
    )
    .await
    else {
        panic!("reads both offloaded items");
    };
    let sum: i64 = (0..110_000).sum();
    assert_eq!(
        outputs.literals["o0"],
        flytekit::idl::literal(&vec![3i64, sum, sum].to_literal())
    );
}

#[tokio::test]
async fn a_missing_offloaded_input_names_its_uri() {
    let dir = tempdir();
    let gone = format!("{}/gone.pb", dir.path().display());
    let inputs = pb::LiteralMap {
        literals: [("xs".to_string(), offloaded(&gone))].into(),
    };
    std::fs::write(dir.path().join("inputs.pb"), inputs.encode_to_vec()).unwrap();
    let Outcome::Failed(e) = run(
        dir.path(),
        "cluster.offloading.total",
        ClusterIdentity::default(),
    )
    .await
    else {
        panic!("the object is not there");
    };
    assert_eq!(e.code, "SYSTEM:InputsNotRead");
    assert!(e.message.contains(&gone), "{}", e.message);
}

/// flytekit hashes an offloaded literal as its JSON form (flytekit/utils/pbhash.py),
/// not its bytes: the hash of the golden side file is the one flytekit wrote
/// (`exec_offload_outputs.json`, `literals.o0.hash`).
#[test]
fn the_hash_of_flytekits_offloaded_list_is_flytekits() {
    let literal =
        pb::Literal::decode(&golden("exec_offload_o0_offloaded_metadata.pb")[..]).unwrap();
    assert_eq!(
        flytekit::idl::literal_hash(&literal),
        "bTxmkbYPH+Pc+IMNSwApyta7D4LLYk/IzmkTjEkUeNU="
    );
}
