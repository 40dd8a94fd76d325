//! Production settings written as Flyte IDL and left in `target/idl-out/` (or
//! `$FLYTE_IDL_OUT`) for `tests/idl/check_flyteidl.py`, which compares each with
//! flytekit 1.16.31's golden of the same name under
//! `../shared/reference/flytekit-golden/production/`. The Python that made each
//! golden is quoted on the Rust that mirrors it.

use flyte::idl;
use flyte::prelude::*;
use prost::Message;

mod support;
use support::{golden_settings as seed_settings, idl_out_dir as out_dir};

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

/// `t_secrets`: `Secret(group="db", key="password", mount_requirement=ENV_VAR,
/// env_var="DB_PASSWORD")`, `Secret(group="tls", key="cert", mount_requirement=FILE)`,
/// `Secret(group="api", key="token", group_version="v2")`.
#[task(
    secret(group = "db", key = "password", env_var = "DB_PASSWORD"),
    secret(group = "tls", key = "cert", mount = file),
    secret(group = "api", key = "token", version = "v2")
)]
fn t_secrets(x: i64) -> i64 {
    x
}

/// `@task(labels={"team": "ml"}, annotations={"acme.io/owner": "ml-platform"})`.
#[task(labels(team = "ml"), annotations("acme.io/owner" = "ml-platform"))]
fn t_labels(x: i64) -> i64 {
    x
}

/// `@task(cache=True, cache_version="1", cache_ignore_input_vars=["log_level"])`.
#[task(cache = true, cache_version = "1", cache_ignore_input_vars = ["log_level"])]
fn t_cache(x: i64, log_level: String) -> i64 {
    let _ = log_level;
    x
}

/// `@task(cache=True, cache_version="1", cache_serialize=True)`.
#[task(cache = true, cache_version = "1", cache_serialize = true)]
fn t_cache_serialize(x: i64) -> i64 {
    x
}

/// `@task(cache=Cache(version="2", serialize=True, ignored_inputs=("log_level",)))`:
/// the same fields as the keyword form.
#[task(
    cache = true,
    cache_version = "2",
    cache_serialize = true,
    cache_ignore_input_vars = ["log_level"]
)]
fn t_cache_obj(x: i64, log_level: String) -> i64 {
    let _ = log_level;
    x
}

/// `@task(interruptible=True)`.
#[task(interruptible)]
fn t_interruptible(x: i64) -> i64 {
    x
}

/// `@task(deprecated="use v2")`.
#[task(deprecated = "use v2")]
fn t_deprecated(x: i64) -> i64 {
    x
}

/// `@task(timeout=timedelta(minutes=30), retries=3)`.
#[task(timeout = "30m", retries = 3)]
fn t_timeout_retries(x: i64) -> i64 {
    x
}

#[test]
fn secret_label_and_cache_settings_are_written_for_comparison_with_flytekit() {
    let settings = seed_settings();
    let dir = out_dir();
    let tasks: [(&str, &dyn flyte::workflow::DynTask); 8] = [
        ("task_secrets", &t_secrets),
        ("task_labels", &t_labels),
        ("task_cache", &t_cache),
        ("task_cache_serialize", &t_cache_serialize),
        ("task_cache_obj", &t_cache_obj),
        ("task_interruptible", &t_interruptible),
        ("task_deprecated", &t_deprecated),
        ("task_timeout_retries", &t_timeout_retries),
    ];
    for (name, task) in tasks {
        task.validate().unwrap();
        let template = idl::task_template(task, &settings);
        std::fs::write(dir.join(format!("{name}.pb")), template.encode_to_vec()).unwrap();
    }
    let secrets = idl::task_template(&t_secrets, &settings)
        .security_context
        .unwrap()
        .secrets;
    let mounts: Vec<i32> = secrets.iter().map(|s| s.mount_requirement).collect();
    assert_eq!(mounts, [1, 2, 0], "ENV_VAR, FILE, ANY");
    assert!(
        idl::task_template(&t_labels, &settings)
            .security_context
            .is_none()
    );
}
