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

// ---- the seed tutorial's tasks as TaskTemplates -------------------------------------

/// The settings flytekit's golden files were made with.
fn seed_settings() -> idl::SerializationSettings {
    idl::SerializationSettings {
        project: "flytesnacks".into(),
        domain: "development".into(),
        version: "v1".into(),
        image: "ghcr.io/example/seed:v1".into(),
        images: Default::default(),
        entrypoint: "/usr/local/bin/custom_task_plugin".into(),
    }
}

static SENSOR: std::sync::LazyLock<flyte::plugins::WaitForObjectStoreFile> =
    std::sync::LazyLock::new(|| {
        flyte::plugins::WaitForObjectStoreFile::new("my-objectstore-sensor")
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
            &*SENSOR as &dyn flyte::workflow::DynTask,
        ),
        (
            "task_print_file.pb",
            &print_file as &dyn flyte::workflow::DynTask,
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
    let template = idl::workflow_template(my_workflow.spec(), &settings).unwrap();
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
    let spec = my_workflow.spec();
    let wf_spec = idl::workflow_spec(spec, &settings).unwrap();
    std::fs::write(dir.join("workflow_spec.pb"), wf_spec.encode_to_vec()).unwrap();
    let closure = idl::workflow_closure(spec, &settings).unwrap();
    assert_eq!(closure.tasks.len(), 2);
    std::fs::write(dir.join("workflow_closure.pb"), closure.encode_to_vec()).unwrap();
    // The default launch plan: the workflow's name, its input required.
    let lp = LaunchPlan::default_for(&my_workflow);
    let admin = idl::launch_plan(
        lp.name(),
        spec,
        lp.fixed_inputs(),
        &lp.default_inputs(),
        &settings,
    );
    let bytes = admin.encode_to_vec();
    assert_eq!(
        idl::admin::LaunchPlan::decode(bytes.as_slice()).unwrap(),
        admin
    );
    std::fs::write(dir.join("launch_plan.pb"), bytes).unwrap();
}

// ---- production settings, against flytekit's production goldens -----------------------

/// `@task(requests=Resources(cpu="500m", mem="2Gi"), limits=Resources(cpu="1",
/// mem="4Gi", gpu="1", ephemeral_storage="10Gi"))`.
#[task(
    requests(cpu = "500m", mem = "2Gi"),
    limits(cpu = "1", mem = "4Gi", gpu = "1", ephemeral_storage = "10Gi")
)]
fn t_resources(x: i64) -> i64 {
    x
}

/// `@task(resources=Resources(cpu=("1", "2"), mem="1Gi"))`: a pair is a request and a
/// limit, a single value a request only.
#[task(resources(cpu = ("1", "2"), mem = "1Gi"))]
fn t_resources_tuple(x: i64) -> i64 {
    x
}

/// `@task(environment={"RUST_LOG": "info", "REGION": "eu"})`.
#[task(environment(RUST_LOG = "info", REGION = "eu"))]
fn t_env(x: i64) -> i64 {
    x
}

#[test]
fn resource_and_env_settings_are_written_for_comparison_with_flytekit() {
    let settings = seed_settings();
    let dir = out_dir();
    for (file, task) in [
        (
            "task_resources.pb",
            &t_resources as &dyn flyte::workflow::DynTask,
        ),
        (
            "task_resources_tuple.pb",
            &t_resources_tuple as &dyn flyte::workflow::DynTask,
        ),
        ("task_env.pb", &t_env as &dyn flyte::workflow::DynTask),
    ] {
        let template = idl::task_template(task, &settings);
        std::fs::write(dir.join(file), template.encode_to_vec()).unwrap();
    }
    let env = idl::task_template(&t_env, &settings).container.unwrap().env;
    let pairs: Vec<_> = env.iter().map(|kv| (&kv.key[..], &kv.value[..])).collect();
    assert_eq!(pairs, [("RUST_LOG", "info"), ("REGION", "eu")]);
    let limits = t_resources.metadata().get_limits();
    assert_eq!(limits.get_ephemeral_storage(), Some("10Gi"));
    assert_eq!(t_resources_tuple.metadata().get_limits().get_mem(), None);
}

/// `@task(container_image="ghcr.io/acme/gpu:1.2")`.
#[task(image = "ghcr.io/acme/gpu:1.2")]
fn t_image_literal(x: i64) -> i64 {
    x
}

/// `@task(container_image="{{.image.gpu.fqn}}:{{.image.gpu.version}}")`, with
/// `Image(name="gpu", fqn="ghcr.io/acme/gpu", tag="2.0")` in the settings.
#[task(image = "gpu")]
fn t_image_named(x: i64) -> i64 {
    x
}

#[test]
fn image_settings_are_written_for_comparison_with_flytekit() {
    let mut settings = seed_settings();
    settings
        .images
        .insert("gpu".into(), "ghcr.io/acme/gpu:2.0".into());
    let dir = out_dir();
    for (file, task, image) in [
        (
            "task_image_literal.pb",
            &t_image_literal as &dyn flyte::workflow::DynTask,
            "ghcr.io/acme/gpu:1.2",
        ),
        (
            "task_image_named.pb",
            &t_image_named as &dyn flyte::workflow::DynTask,
            "ghcr.io/acme/gpu:2.0",
        ),
    ] {
        let template = idl::task_template(task, &settings);
        assert_eq!(template.container.as_ref().unwrap().image, image);
        std::fs::write(dir.join(file), template.encode_to_vec()).unwrap();
    }
    // Without the named image, the library writes pyflyte's placeholder (the CLI
    // refuses the task first).
    let template = idl::task_template(&t_image_named, &seed_settings());
    assert_eq!(
        template.container.unwrap().image,
        "{{.image.gpu.fqn}}:{{.image.gpu.version}}"
    );
}

/// `@task(accelerator=A100, shared_memory=True)`.
#[task(accelerator = "nvidia-tesla-a100", shared_memory)]
fn t_accel_a100(x: i64) -> i64 {
    x
}

/// `@task(accelerator=A100.partition_2g_10gb, shared_memory="2Gi")`.
#[task(
    accelerator(device = "nvidia-tesla-a100", partition = "2g.10gb"),
    shared_memory = "2Gi"
)]
fn t_accel_mig(x: i64) -> i64 {
    x
}

/// `@task(accelerator=A100.unpartitioned)`.
#[task(accelerator(device = "nvidia-tesla-a100", unpartitioned))]
fn t_accel_unpartitioned(x: i64) -> i64 {
    x
}

/// `@task(pod_template_name="gpu-nodes")`.
#[task(pod_template_name = "gpu-nodes")]
fn t_pod_template_name(x: i64) -> i64 {
    x
}

#[test]
fn accelerator_settings_are_written_for_comparison_with_flytekit() {
    let settings = seed_settings();
    let dir = out_dir();
    for (file, task) in [
        (
            "task_accel_a100.pb",
            &t_accel_a100 as &dyn flyte::workflow::DynTask,
        ),
        (
            "task_accel_mig.pb",
            &t_accel_mig as &dyn flyte::workflow::DynTask,
        ),
        (
            "task_accel_unpartitioned.pb",
            &t_accel_unpartitioned as &dyn flyte::workflow::DynTask,
        ),
    ] {
        let template = idl::task_template(task, &settings);
        assert!(template.extended_resources.is_some(), "{file}");
        std::fs::write(dir.join(file), template.encode_to_vec()).unwrap();
    }
    let template = idl::task_template(&t_pod_template_name, &settings);
    assert_eq!(
        template.metadata.as_ref().unwrap().pod_template_name,
        "gpu-nodes"
    );
    std::fs::write(
        dir.join("task_pod_template_name.pb"),
        template.encode_to_vec(),
    )
    .unwrap();
    assert!(
        idl::task_template(&t_env, &settings)
            .extended_resources
            .is_none()
    );
}
