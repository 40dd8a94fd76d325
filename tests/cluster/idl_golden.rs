//! Our Flyte IDL for the types flytekit's golden files cover: each Rust type and value
//! is written as `LiteralType` and `Literal` protobufs, read back, and left in
//! `target/idl-out/` (or `$FLYTE_IDL_OUT`) for `tests/idl/check_flyteidl.py`, which
//! parses them with the Python `flyteidl` package and compares them with
//! `tests/golden/types_summary.json`.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use flytekit::idl;
use flytekit::prelude::*;
use flytekit::types::LiteralType;
use prost::Message;
use serde::{Deserialize, Serialize};

use crate::support;
use support::{golden_settings as seed_settings, idl_out_dir as out_dir};

/// flytekit's golden `Point` dataclass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FlyteType)]
#[flyte(crate = ::flytekit)]
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
    emit("u", IntOrStr::I(7));
    emit(
        "nested",
        vec![HashMap::from([("k".to_string(), vec![1.0f64, 2.0])])],
    );
}

/// flytekit's `Union[int, str]`.
#[derive(Clone, Debug, PartialEq, FlyteType)]
enum IntOrStr {
    I(i64),
    #[allow(dead_code)]
    S(String),
}

// ---- the seed tutorial's tasks as TaskTemplates -------------------------------------

static SENSOR: std::sync::LazyLock<flytekit::plugins::WaitForObjectStoreFile> =
    std::sync::LazyLock::new(|| {
        flytekit::plugins::WaitForObjectStoreFile::new("my-objectstore-sensor")
            .with_metadata(TaskMetadata::default().retries(10).timeout("20m"))
            .poll_interval("1s")
    });

#[task]
fn print_file(path: String) -> String {
    path
}

#[test]
fn seed_task_templates_are_written_for_comparison_with_flytekit() {
    let settings = seed_settings();
    let dir = out_dir();
    for (file, task) in [
        (
            "task_my-objectstore-sensor.pb",
            &*SENSOR as &dyn flytekit::workflow::DynTask,
        ),
        (
            "task_print_file.pb",
            &print_file {} as &dyn flytekit::workflow::DynTask,
        ),
    ] {
        let template = idl::task_template(task, &settings);
        let bytes = template.encode_to_vec();
        assert_eq!(
            idl::core::TaskTemplate::decode(bytes.as_slice()).unwrap(),
            template
        );
        let args = &template.container.as_ref().unwrap().args;
        assert_eq!(args[1], "execute");
        assert_eq!(args.last().unwrap(), task.name());
        std::fs::write(dir.join(file), bytes).unwrap();
    }
}

#[workflow]
fn my_workflow(path: String) -> String {
    print_file(SENSOR(path))
}

#[test]
fn the_seed_workflow_template_is_written_for_comparison_with_flytekit() {
    let settings = seed_settings();
    let template = idl::workflow_template(my_workflow::spec(), &settings).unwrap();
    assert_eq!(template.nodes.len(), 2);
    assert_eq!(template.nodes[1].upstream_node_ids, ["n0"]);
    let bytes = template.encode_to_vec();
    assert_eq!(
        idl::core::WorkflowTemplate::decode(bytes.as_slice()).unwrap(),
        template
    );
    std::fs::write(out_dir().join("workflow_my_workflow.pb"), bytes).unwrap();
}

#[test]
fn the_seed_specs_closure_and_launch_plan_are_written_for_comparison_with_flytekit() {
    let settings = seed_settings();
    let dir = out_dir();
    let spec = my_workflow::spec();
    let wf_spec = idl::workflow_spec(spec, &settings).unwrap();
    std::fs::write(dir.join("workflow_spec.pb"), wf_spec.encode_to_vec()).unwrap();
    let closure = idl::workflow_closure(spec, &settings).unwrap();
    assert_eq!(closure.tasks.len(), 2);
    std::fs::write(dir.join("workflow_closure.pb"), closure.encode_to_vec()).unwrap();
    // The default launch plan: the workflow's name, its input required.
    let lp = LaunchPlan::default_for(&my_workflow {});
    let admin = lp.entry().to_idl(&settings);
    let bytes = admin.encode_to_vec();
    assert_eq!(
        idl::admin::LaunchPlan::decode(bytes.as_slice()).unwrap(),
        admin
    );
    std::fs::write(dir.join("launch_plan.pb"), bytes).unwrap();
}
