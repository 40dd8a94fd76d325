//! Production settings written as Flyte IDL and left in `target/idl-out/` (or
//! `$FLYTE_IDL_OUT`) for `tests/idl/check_flyteidl.py`, which compares each with
//! flytekit 1.16.31's golden of the same name under
//! `tests/golden/production/`. The Python that made each
//! golden is quoted on the Rust that mirrors it.

use flytekit::idl;
use flytekit::idl::core as pb;
use flytekit::prelude::*;
use prost::Message;

use crate::support;
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
            &t_resources {} as &dyn flytekit::workflow::DynTask,
        ),
        (
            "task_resources_tuple.pb",
            &t_resources_tuple {} as &dyn flytekit::workflow::DynTask,
        ),
        ("task_env.pb", &t_env {} as &dyn flytekit::workflow::DynTask),
    ] {
        let template = idl::task_template(task, &settings);
        std::fs::write(dir.join(file), template.encode_to_vec()).unwrap();
    }
    let env = idl::task_template(&t_env {}, &settings)
        .container
        .unwrap()
        .env;
    let pairs: Vec<_> = env.iter().map(|kv| (&kv.key[..], &kv.value[..])).collect();
    assert_eq!(pairs, [("RUST_LOG", "info"), ("REGION", "eu")]);
    let limits = &t_resources {}.metadata().node.limits;
    assert_eq!(limits.ephemeral_storage.as_deref(), Some("10Gi"));
    assert_eq!(t_resources_tuple {}.metadata().node.limits.mem, None);
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
            &t_image_literal {} as &dyn flytekit::workflow::DynTask,
            "ghcr.io/acme/gpu:1.2",
        ),
        (
            "task_image_named.pb",
            &t_image_named {} as &dyn flytekit::workflow::DynTask,
            "ghcr.io/acme/gpu:2.0",
        ),
    ] {
        let template = idl::task_template(task, &settings);
        assert_eq!(template.container.as_ref().unwrap().image, image);
        std::fs::write(dir.join(file), template.encode_to_vec()).unwrap();
    }
    // Without the named image, the library writes pyflyte's placeholder (the CLI
    // refuses the task first).
    let template = idl::task_template(&t_image_named {}, &seed_settings());
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
            &t_accel_a100 {} as &dyn flytekit::workflow::DynTask,
        ),
        (
            "task_accel_mig.pb",
            &t_accel_mig {} as &dyn flytekit::workflow::DynTask,
        ),
        (
            "task_accel_unpartitioned.pb",
            &t_accel_unpartitioned {} as &dyn flytekit::workflow::DynTask,
        ),
    ] {
        let template = idl::task_template(task, &settings);
        assert!(template.extended_resources.is_some(), "{file}");
        std::fs::write(dir.join(file), template.encode_to_vec()).unwrap();
    }
    let template = idl::task_template(&t_pod_template_name {}, &settings);
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
        idl::task_template(&t_env {}, &settings)
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

/// `@task(enable_deck=True)`.
#[task(enable_deck)]
fn t_deck(x: i64) -> i64 {
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
    let tasks: [(&str, &dyn flytekit::workflow::DynTask); 9] = [
        ("task_secrets", &t_secrets {}),
        ("task_labels", &t_labels {}),
        ("task_cache", &t_cache {}),
        ("task_cache_serialize", &t_cache_serialize {}),
        ("task_cache_obj", &t_cache_obj {}),
        ("task_interruptible", &t_interruptible {}),
        ("task_deck", &t_deck {}),
        ("task_deprecated", &t_deprecated {}),
        ("task_timeout_retries", &t_timeout_retries {}),
    ];
    for (name, task) in tasks {
        task.validate().unwrap();
        let template = idl::task_template(task, &settings);
        std::fs::write(dir.join(format!("{name}.pb")), template.encode_to_vec()).unwrap();
    }
    let secrets = idl::task_template(&t_secrets {}, &settings)
        .security_context
        .unwrap()
        .secrets;
    let mounts: Vec<i32> = secrets.iter().map(|s| s.mount_requirement).collect();
    assert_eq!(mounts, [1, 2, 0], "ENV_VAR, FILE, ANY");
    assert!(
        idl::task_template(&t_labels {}, &settings)
            .security_context
            .is_none()
    );
}

// ---- launch plans -----------------------------------------------------------------------

/// `def report(run_at: datetime.datetime, x: int) -> str`.
#[task]
fn report(run_at: chrono::DateTime<chrono::Utc>, x: i64) -> String {
    format!("{} {x}", run_at.to_rfc3339())
}

/// `def wf_sched(run_at: datetime.datetime, x: int = 1) -> str`.
#[workflow]
fn wf_sched(run_at: chrono::DateTime<chrono::Utc>, #[default(1)] x: i64) -> String {
    report(run_at, x)
}

#[task]
fn add_one(x: i64) -> i64 {
    x + 1
}

/// `def wf_tick(x: int = 1) -> int`.
#[workflow]
fn wf_tick(#[default(1)] x: i64) -> i64 {
    add_one(x)
}

fn write_plan<O: flytekit::types::Outputs, S>(file: &str, plan: &LaunchPlan<O, S>) {
    let message = plan.entry().to_idl(&seed_settings());
    std::fs::write(
        out_dir().join(format!("{file}.pb")),
        message.encode_to_vec(),
    )
    .unwrap();
}

#[test]
fn schedules_are_written_for_comparison_with_flytekit() {
    use flytekit::launch_plan::Schedule;
    let sched = |name: &str, schedule: Schedule| {
        LaunchPlan::builder(name, &wf_sched {})
            .schedule(schedule)
            .build()
            .unwrap()
    };
    let cron = Schedule::cron("0 5 * * *").kickoff_input("run_at");
    write_plan("lp_cron", &sched("prod.lp_cron", cron.clone()));
    write_plan(
        "lp_cron_offset",
        &sched("prod.lp_cron_offset", cron.offset("PT30M")),
    );
    write_plan(
        "lp_cron_alias",
        &sched(
            "prod.lp_cron_alias",
            Schedule::cron("@daily").kickoff_input("run_at"),
        ),
    );
    write_plan(
        "lp_fixed_rate_minutes",
        &sched(
            "prod.lp_fixed_rate_minutes",
            Schedule::fixed_rate("90m").kickoff_input("run_at"),
        ),
    );
    let tick = |name: &str, schedule: Schedule| {
        LaunchPlan::builder(name, &wf_tick {})
            .schedule(schedule)
            .build()
            .unwrap()
    };
    write_plan(
        "lp_fixed_rate",
        &tick("prod.lp_fixed_rate", Schedule::fixed_rate("6h")),
    );
    write_plan(
        "lp_auto_activate",
        &tick(
            "prod.lp_auto_activate",
            Schedule::fixed_rate(std::time::Duration::from_secs(86_400)),
        ),
    );
    write_plan("lp_default_wf_tick", &LaunchPlan::default_for(&wf_tick {}));
}

#[test]
fn notifications_and_options_are_written_for_comparison_with_flytekit() {
    use flytekit::launch_plan::{Notification, Phase};
    let notify = LaunchPlan::builder("prod.lp_notify", &wf_tick {})
        .notify(Notification::email(
            [Phase::Failed, Phase::TimedOut],
            ["oncall@acme.io", "ml@acme.io"],
        ))
        .notify(Notification::slack(
            [Phase::Succeeded],
            ["ml-alerts@acme.slack.com"],
        ))
        .notify(Notification::pager_duty(
            [Phase::Failed],
            ["ml-svc@acme.pagerduty.com"],
        ))
        .build()
        .unwrap();
    write_plan("lp_notify", &notify);
    let options = LaunchPlan::builder("prod.lp_options", &wf_tick {})
        .label("team", "ml")
        .label("env", "prod")
        .annotation("acme.io/owner", "ml-platform")
        .max_parallelism(8)
        .raw_output_prefix("s3://acme-bucket/raw")
        .iam_role("arn:aws:iam::123456789012:role/ml")
        .service_account("ml-runner")
        .overwrite_cache(true)
        .build()
        .unwrap();
    write_plan("lp_options", &options);
    let auth = LaunchPlan::builder("prod.lp_auth_role", &wf_tick {})
        .iam_role("arn:aws:iam::123456789012:role/legacy")
        .service_account("legacy-sa")
        .build()
        .unwrap();
    write_plan("lp_auth_role", &auth);
    let concurrency = LaunchPlan::builder("prod.lp_concurrency", &wf_tick {})
        .max_concurrency(1)
        .build()
        .unwrap();
    write_plan("lp_concurrency", &concurrency);
    use chrono::TimeZone;
    let inputs = LaunchPlan::builder("prod.lp_inputs", &wf_sched {})
        .default_input("x", 5i64)
        .fixed(
            "run_at",
            chrono::Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap(),
        )
        .build()
        .unwrap();
    write_plan("lp_inputs", &inputs);
}

// ---- workflows ----------------------------------------------------------------------------

/// `def t_noop_a() -> None: print("a")`.
#[task]
fn t_noop_a() {}

/// `def t_noop_b() -> None: print("b")`.
#[task]
fn t_noop_b() {}

/// `def wf_ordering(): t_noop_a() >> t_noop_b()`.
#[workflow]
fn wf_ordering() {
    t_noop_a() >> t_noop_b();
}

/// Writes `NAME_spec.pb` (admin WorkflowSpec) and `NAME_closure.pb` (core
/// WorkflowClosure) for a workflow.
fn write_workflow(name: &str, spec: &flytekit::workflow::WorkflowSpec) {
    let settings = seed_settings();
    let dir = out_dir();
    let admin = idl::workflow_spec(spec, &settings).unwrap();
    std::fs::write(dir.join(format!("{name}_spec.pb")), admin.encode_to_vec()).unwrap();
    let closure = idl::workflow_closure(spec, &settings).unwrap();
    std::fs::write(
        dir.join(format!("{name}_closure.pb")),
        closure.encode_to_vec(),
    )
    .unwrap();
}

#[test]
fn ordering_is_written_for_comparison_with_flytekit() {
    let spec = wf_ordering::spec();
    assert_eq!(spec.nodes[1].upstream, [0]);
    assert!(spec.nodes[1].inputs.is_empty());
    write_workflow("wf_ordering", spec);
}

/// `@workflow(interruptible=True)` `def wf_interruptible(x: int) -> int`.
#[workflow(interruptible)]
fn wf_interruptible(x: i64) -> i64 {
    add_one(x)
}

#[test]
fn interruptible_workflow_is_written_for_comparison_with_flytekit() {
    assert!(wf_interruptible::spec().interruptible);
    assert!(!wf_tick::spec().interruptible);
    write_workflow("wf_interruptible", wf_interruptible::spec());
}

/// `add_one(x=x).with_overrides(requests=Resources(cpu="2", mem="1Gi"),
/// limits=Resources(cpu="4", mem="2Gi"), container_image="ghcr.io/acme/override:3",
/// name="custom-name", timeout=timedelta(minutes=5), retries=2, interruptible=True,
/// cache=Cache(version="3", serialize=True))`.
#[workflow]
fn wf_overrides(x: i64) -> i64 {
    add_one(x).with_overrides(
        NodeOverrides::new()
            .requests(Resources::new().cpu("2").mem("1Gi"))
            .limits(Resources::new().cpu("4").mem("2Gi"))
            .image("ghcr.io/acme/override:3")
            .name("custom-name")
            .timeout("5m")
            .retries(2)
            .interruptible(true)
            .cache("3")
            .cache_serialize(true),
    )
}

/// `add_one(x=x).with_overrides(node_name="Second_Node", accelerator=A100.partition_1g_5gb,
/// shared_memory="1Gi", pod_template=PodTemplate(primary_container_name="main",
/// labels={"override": "yes"}, pod_spec=V1PodSpec(containers=[],
/// node_selector={"acme.io/pool": "spot"})))`.
#[workflow]
fn wf_overrides_node(x: i64) -> i64 {
    let pod = PodTemplate::new(serde_json::json!({"nodeSelector": {"acme.io/pool": "spot"}}))
        .primary_container_name("main")
        .label("override", "yes");
    add_one(x).with_overrides(
        NodeOverrides::new()
            .node_name("Second_Node")
            .accelerator(flytekit::task::Accelerator::new("nvidia-tesla-a100").partition("1g.5gb"))
            .shared_memory(flytekit::task::SharedMemory::limit("1Gi"))
            .pod_template(pod),
    )
}

/// `t_pod_template`: `PodTemplate(primary_container_name="primary", labels={"team":
/// "ml"}, annotations={"acme.io/owner": "ml-platform"}, pod_spec=V1PodSpec(containers=[],
/// tolerations=[V1Toleration(key="nvidia.com/gpu", operator="Exists",
/// effect="NoSchedule")], node_selector={"acme.io/pool": "gpu"}))`.
#[task(pod_template = gpu_pod())]
fn t_pod_template(x: i64) -> i64 {
    x
}

fn gpu_pod() -> PodTemplate {
    PodTemplate::new(serde_json::json!({
        "containers": [],
        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
        "nodeSelector": {"acme.io/pool": "gpu"},
    }))
    .label("team", "ml")
    .annotation("acme.io/owner", "ml-platform")
}

#[test]
fn pod_template_task_is_written_for_comparison_with_flytekit() {
    t_pod_template {}.validate().unwrap();
    let template = idl::task_template(&t_pod_template {}, &seed_settings());
    assert!(template.container.is_none());
    std::fs::write(
        out_dir().join("task_pod_template.pb"),
        template.encode_to_vec(),
    )
    .unwrap();
}

#[test]
fn node_overrides_are_written_for_comparison_with_flytekit() {
    let spec = wf_overrides::spec();
    assert_eq!(spec.nodes[0].id, "n0");
    write_workflow("wf_overrides", spec);
    let spec = wf_overrides_node::spec();
    assert_eq!(spec.nodes[0].id, "second-node");
    match &spec.outputs[0] {
        flytekit::workflow::Binding::NodeOutput { node_id, .. } => {
            assert_eq!(node_id, "second-node")
        }
        other => panic!("{other:?}"),
    }
    write_workflow("wf_overrides_node", spec);
}

/// `def cleanup(x: int, err: Optional[FlyteError] = None) -> None`.
#[task]
fn cleanup(x: i64, err: Option<flytekit::types::FlyteError>) {
    let _ = (x, err);
}

/// `def fail_maybe(x: int) -> int`: fails on a negative `x`.
#[task]
fn fail_maybe(x: i64) -> Result<i64, String> {
    if x < 0 {
        Err("negative".to_string())
    } else {
        Ok(x)
    }
}

/// `@workflow(failure_policy=FAIL_AFTER_EXECUTABLE_NODES_COMPLETE, on_failure=cleanup)`.
#[workflow(failure_policy = fail_after_executable_nodes_complete, on_failure = cleanup)]
fn wf_failure(x: i64) -> i64 {
    fail_maybe(x)
}

#[test]
fn failure_handling_is_written_for_comparison_with_flytekit() {
    let spec = wf_failure::spec();
    assert!(spec.failure_node.is_some());
    write_workflow("wf_failure", spec);
}

/// `def deploy(x: int, ok: bool) -> int`.
#[task]
fn deploy(x: i64, ok: bool) -> i64 {
    if ok { x } else { -1 }
}

/// `wf_gates`: `sleep(timedelta(minutes=10))`, `wait_for_input("approve-deploy",
/// timeout=timedelta(hours=1), expected_type=bool)`, `add_one(x=x)` after the sleep,
/// `approve(y, "release", timeout=timedelta(hours=2))`, `deploy(x=z, ok=ok)`.
#[workflow]
fn wf_gates(x: i64) -> i64 {
    use flytekit::workflow::gate::{approve, sleep, wait_for_input};
    let s = sleep("10m");
    let ok: Promise<bool> = wait_for_input("approve-deploy", "1h");
    let y = add_one(x);
    s >> y;
    let z = approve(y, "release", "2h");
    deploy(z, ok)
}

#[test]
fn gates_are_written_for_comparison_with_flytekit() {
    write_workflow("wf_gates", wf_gates::spec());
}

/// `@workflow(default_options=Options(labels=Labels({"team": "ml"}),
/// annotations=Annotations({"acme.io/owner": "ml"})))` `def wf_default_opts(x: int = 1)`.
#[workflow(labels(team = "ml"), annotations("acme.io/owner" = "ml"))]
fn wf_default_opts(#[default(1)] x: i64) -> i64 {
    add_one(x)
}

/// `def sub_wf(x: int) -> int`.
#[workflow]
fn sub_wf(x: i64) -> i64 {
    add_one(x)
}

#[test]
fn default_options_and_a_named_plan_are_written_for_comparison_with_flytekit() {
    write_plan(
        "lp_default_wf_default_opts",
        &LaunchPlan::default_for(&wf_default_opts {}),
    );
    write_plan("lp_sub_lp", &*SUB_LP);
}

/// `sub_lp = LaunchPlan.get_or_create(sub_wf, name="prod.sub_lp",
/// default_inputs={"x": 3})`, callable from workflows as `fn(i64) -> i64`.
type SubLpCall = fn(i64) -> i64;

static SUB_LP: std::sync::LazyLock<flytekit::launch_plan::CallableLaunchPlan<SubLpCall>> =
    std::sync::LazyLock::new(|| {
        LaunchPlan::builder("prod.sub_lp", &sub_wf {})
            .default_input("x", 3i64)
            .call_signature()
            .build()
            .unwrap()
    });

/// `def wf_lp_node(x: int) -> Tuple[int, int]: a = sub_lp(x=x); b = sub_wf(x=x);
/// return a, b`.
#[workflow]
fn wf_lp_node(x: i64) -> (i64, i64) {
    let a = SUB_LP(x);
    let b = sub_wf(x);
    (a, b)
}

#[test]
fn launch_plan_nodes_are_written_for_comparison_with_flytekit() {
    write_workflow("wf_lp_node", wf_lp_node::spec());
    // Registering the workflow registers the plan it calls.
    let mut registry = flytekit::registry::Registry::new();
    registry.workflow(&wf_lp_node {});
    let plans: Vec<&str> = registry
        .launch_plans()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert!(plans.contains(&"prod.sub_lp"), "{plans:?}");
}

#[tokio::test]
async fn a_launch_plan_node_runs_its_workflow_locally() {
    assert_eq!(wf_lp_node::run(4).await.unwrap(), (5, 5));
}

/// `@reference_task(project="shared", domain="production", name="acme.tasks.score",
/// version="v7") def ref_score(x: int) -> float: ...`.
#[reference_task(
    project = "shared",
    domain = "production",
    name = "acme.tasks.score",
    version = "v7"
)]
fn ref_score(x: i64) -> f64;

/// `@reference_launch_plan(project="shared", domain="production",
/// name="acme.lp.nightly", version="v3") def ref_nightly(day: str) -> int: ...`.
#[reference_launch_plan(
    project = "shared",
    domain = "production",
    name = "acme.lp.nightly",
    version = "v3"
)]
fn ref_nightly(day: String) -> i64;

/// `def wf_reference(x: int) -> Tuple[float, int]: s = ref_score(x=x); n =
/// ref_nightly(day="mon"); return s, n`.
#[workflow]
fn wf_reference(x: i64) -> (f64, i64) {
    let s = ref_score(x);
    let n = ref_nightly("mon".to_string());
    (s, n)
}

#[test]
fn references_are_written_for_comparison_with_flytekit() {
    let spec = wf_reference::spec();
    // Neither reference is registered by this program: no task in the closure.
    let closure = idl::workflow_closure(spec, &seed_settings()).unwrap();
    assert!(closure.tasks.is_empty());
    let mut registry = flytekit::registry::Registry::new();
    registry.workflow(&wf_reference {});
    assert!(registry.tasks().is_empty());
    write_workflow("wf_reference", spec);
}

/// `def scale(x: int, factor: int) -> int`.
#[task]
fn scale(x: i64, factor: i64) -> i64 {
    x * factor
}

/// `def pair(a: int, b: str) -> str`.
#[task]
fn pair(a: i64, b: String) -> String {
    format!("{b}{a}")
}

/// `map_task(functools.partial(scale, factor=10))(x=xs)`.
#[workflow]
fn wf_map_partial(xs: Vec<i64>) -> Vec<i64> {
    map_task(&scale).over(xs, bound(10))
}

/// `map_task(pair)(a=a, b=b)`.
#[workflow]
fn wf_map_two_lists(a: Vec<i64>, b: Vec<String>) -> Vec<String> {
    map_task(&pair).over(a, b)
}

/// `map_task(add_one, concurrency=2, min_successes=2)(x=xs)` (flytekit's output
/// type stays `List[int]`; ours is a list of optionals, as items may fail).
#[workflow]
fn wf_map_min_successes(xs: Vec<i64>) -> Vec<Option<i64>> {
    map_task(&add_one).concurrency(2).min_successes(2).over(xs)
}

/// `map_task(add_one, concurrency=4, min_success_ratio=0.75)(x=xs)`.
#[workflow]
fn wf_map_min_ratio(xs: Vec<i64>) -> Vec<Option<i64>> {
    map_task(&add_one)
        .concurrency(4)
        .min_success_ratio(0.75)
        .over(xs)
}

#[test]
fn map_variants_are_written_for_comparison_with_flytekit() {
    write_workflow("wf_map_partial", wf_map_partial::spec());
    write_workflow("wf_map_two_lists", wf_map_two_lists::spec());
    write_workflow("wf_map_min_successes", wf_map_min_successes::spec());
    write_workflow("wf_map_min_ratio", wf_map_min_ratio::spec());
}

/// `def square(x: int) -> int: return x * x`.
#[task]
fn square(x: i64) -> i64 {
    x * x
}

/// `def total(xs: List[int]) -> int: return sum(xs)`.
#[task]
fn total(xs: Vec<i64>) -> i64 {
    xs.iter().sum()
}

/// `@dynamic def d_fanout(n: int) -> int: sq = [square(x=i) for i in range(n)];
/// return total(xs=sq)`.
#[dynamic]
fn d_fanout(n: i64) -> i64 {
    let sq: Vec<Promise<i64>> = (0..n).map(|i| square(i)).collect();
    total(sq)
}

#[tokio::test]
async fn a_dynamic_task_is_written_and_hands_its_graph_to_flyte_as_flytekit_does() {
    use flytekit::entrypoint::Outcome;
    let settings = seed_settings();
    let template = idl::task_template(&d_fanout {}, &settings);
    std::fs::write(out_dir().join("task_dynamic.pb"), template.encode_to_vec()).unwrap();
    let env = template.container.unwrap().env;
    assert_eq!(env.len(), 1);
    assert_eq!(env[0].key, "_F_SS_C");

    // The pod, as Flyte starts it: the template's `_F_SS_C` and the task's identity.
    let ss = env[0].value.clone();
    let identity = flytekit::execution::ClusterIdentity::from_vars(|name| match name {
        "_F_SS_C" => Some(ss.clone()),
        "FLYTE_INTERNAL_TASK_VERSION" => Some("v1".into()),
        _ => None,
    });
    let (outcome, dir) = execute_golden(&d_fanout {}, "exec_dynamic_inputs.pb", identity).await;
    let Outcome::Dynamic { futures } = outcome else {
        panic!("the graph goes to Flyte: {outcome:?}");
    };
    // futures.pb and no outputs.pb, as flytekit leaves them.
    let written = std::fs::read(dir.path().join("out/futures.pb")).unwrap();
    assert_eq!(written, futures.encode_to_vec());
    assert!(!dir.path().join("out/outputs.pb").exists());
    std::fs::write(out_dir().join("exec_dynamic_futures.pb"), written).unwrap();
}

/// `#[dynamic(run_in_pod)]`: the graph runs inside the task's own pod.
#[dynamic(run_in_pod)]
fn d_fanout_in_pod(n: i64) -> i64 {
    let sq: Vec<Promise<i64>> = (0..n).map(|i| square(i)).collect();
    total(sq)
}

#[tokio::test]
async fn a_dynamic_task_may_run_its_graph_in_its_own_pod() {
    use flytekit::entrypoint::Outcome;
    let template = idl::task_template(&d_fanout_in_pod {}, &seed_settings());
    assert!(template.container.unwrap().env.is_empty());
    let identity = flytekit::execution::ClusterIdentity::default();
    let (outcome, _dir) =
        execute_golden(&d_fanout_in_pod {}, "exec_dynamic_inputs.pb", identity).await;
    let Outcome::Succeeded { outputs } = outcome else {
        panic!("runs in the pod");
    };
    // 0 + 1 + 4 for n = 3.
    assert_eq!(outputs.literals["o0"], idl::literal(&5i64.to_literal()));
}

/// `CsvFile = FlyteFile[typing.TypeVar("csv")]`; `@task def t_files(f: CsvFile) ->
/// Tuple[CsvFile, FlyteDirectory]` (copies the file, writes a directory).
#[task]
async fn t_files(
    f: FlyteFile<flytekit::types::Csv>,
) -> Result<(FlyteFile<flytekit::types::Csv>, FlyteDirectory), flytekit::task::BoxError> {
    let dir = std::env::temp_dir().join(format!("t_files-{}", std::process::id()));
    let copy = dir.join("copy.csv");
    f.download(&copy).await?;
    let out = dir.join("outdir");
    std::fs::create_dir_all(out.join("sub"))?;
    for rel in ["a.txt", "sub/b.txt"] {
        std::fs::write(out.join(rel), format!("{rel}\n"))?;
    }
    Ok((
        FlyteFile::new(copy.display().to_string()).format(),
        FlyteDirectory::new(out.display().to_string()),
    ))
}

#[test]
fn file_formats_are_written_for_comparison_with_flytekit() {
    let template = idl::task_template(&t_files {}, &seed_settings());
    std::fs::write(out_dir().join("task_files.pb"), template.encode_to_vec()).unwrap();
}

/// `AbCols = Annotated[StructuredDataset, kwtypes(a=int, b=str)]`.
#[derive(flytekit::Columns)]
#[allow(dead_code)]
struct AbCols {
    a: i64,
    b: String,
}

/// `@task def t_sd(sd: AbCols) -> AbCols`.
#[task]
fn t_sd(sd: StructuredDataset<AbCols>) -> StructuredDataset<AbCols> {
    sd
}

/// `@task def t_df(df: pd.DataFrame) -> pd.DataFrame`.
#[task]
fn t_df(df: StructuredDataset) -> StructuredDataset {
    df
}

/// The frame of `sd_make(n)` and `df_make(n)`: `a = 0..n`, `b = "r{i}"`.
fn frame(n: i64) -> arrow_array::RecordBatch {
    use std::sync::Arc;
    let a = arrow_array::Int64Array::from((0..n).collect::<Vec<_>>());
    let b = arrow_array::StringArray::from((0..n).map(|i| format!("r{i}")).collect::<Vec<_>>());
    arrow_array::RecordBatch::try_from_iter([
        ("a", Arc::new(a) as arrow_array::ArrayRef),
        ("b", Arc::new(b) as arrow_array::ArrayRef),
    ])
    .unwrap()
}

/// `@task def sd_make(n: int) -> AbCols`.
#[task]
fn sd_make(n: i64) -> Result<StructuredDataset<AbCols>, flytekit::types::DataframeError> {
    StructuredDataset::from_batches(&[frame(n)])
}

/// `@task def df_make(n: int) -> pd.DataFrame`.
#[task]
fn df_make(n: i64) -> Result<StructuredDataset, flytekit::types::DataframeError> {
    StructuredDataset::from_batches(&[frame(n)])
}

#[tokio::test]
async fn dataframes_are_written_and_stored_as_flytekit_does() {
    use flytekit::entrypoint::Outcome;
    let settings = seed_settings();
    for (file, task) in [
        ("task_sd.pb", &t_sd {} as &dyn flytekit::workflow::DynTask),
        ("task_df.pb", &t_df {} as &dyn flytekit::workflow::DynTask),
    ] {
        let template = idl::task_template(task, &settings);
        std::fs::write(out_dir().join(file), template.encode_to_vec()).unwrap();
    }
    for (case, task) in [
        (
            "sd",
            &sd_make {} as &'static dyn flytekit::workflow::DynTask,
        ),
        ("df", &df_make {}),
    ] {
        let identity = flytekit::execution::ClusterIdentity::default();
        let inputs = format!("exec_{case}_inputs.pb");
        let (outcome, dir) = execute_golden(task, &inputs, identity).await;
        let Outcome::Succeeded { outputs } = outcome else {
            panic!("{case}_make runs");
        };
        // As flytekit stores it: a folder under the raw-output prefix holding `00000`.
        let Some(pb::literal::Value::Scalar(s)) = &outputs.literals["o0"].value else {
            panic!("a scalar");
        };
        let Some(pb::scalar::Value::StructuredDataset(sd)) = &s.value else {
            panic!("a structured dataset");
        };
        assert!(
            sd.uri
                .starts_with(&format!("{}/raw/", dir.path().display()))
        );
        assert!(std::path::Path::new(&sd.uri).join("00000").is_file());
        std::fs::write(
            out_dir().join(format!("exec_{case}_outputs.pb")),
            outputs.encode_to_vec(),
        )
        .unwrap();
    }
}

/// Runs `task` through the container entrypoint as Flyte would, on the inputs of
/// the golden `inputs` (a file of `production/`), in a fresh folder (output prefix
/// `out`, raw outputs under `raw`).
async fn execute_golden(
    task: &'static dyn flytekit::workflow::DynTask,
    inputs: &str,
    identity: flytekit::execution::ClusterIdentity,
) -> (flytekit::entrypoint::Outcome, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let golden = std::fs::read(support::production_golden(inputs)).unwrap();
    std::fs::write(dir.path().join("inputs.pb"), golden).unwrap();
    let mut registry = flytekit::registry::Registry::new();
    registry.dyn_task(task);
    let request = flytekit::entrypoint::ExecuteRequest {
        task_name: task.name().to_string(),
        inputs: format!("{}/inputs.pb", dir.path().display()),
        output_prefix: format!("{}/out", dir.path().display()),
        raw_output_prefix: Some(format!("{}/raw", dir.path().display())),
        checkpoint_path: None,
        prev_checkpoint: None,
    };
    let files = std::sync::Arc::new(flytekit::data::FileAccess::new());
    let outcome = flytekit::entrypoint::execute(&registry, files, identity, &request)
        .await
        .unwrap();
    (outcome, dir)
}

/// `def wf_map_lp(xs: List[int]) -> List[int]: return map_task(sub_lp,
/// concurrency=2)(x=xs)`.
#[workflow]
fn wf_map_lp(xs: Vec<i64>) -> Vec<i64> {
    map_task(&SUB_LP).concurrency(2).over(xs)
}

#[tokio::test]
async fn a_map_over_a_launch_plan_is_written_as_flytekit_writes_it_and_runs_locally() {
    write_workflow("wf_map_lp", wf_map_lp::spec());
    // Each item runs the plan's workflow: add_one.
    assert_eq!(wf_map_lp::run(vec![1, 5]).await.unwrap(), [2, 6]);
    let mut registry = flytekit::registry::Registry::new();
    registry.workflow(&wf_map_lp {});
    assert!(
        registry
            .launch_plans()
            .iter()
            .any(|p| p.name == "prod.sub_lp")
    );
}

/// The ETL group's settings, written once.
#[flytekit::task_settings(
    image = "ghcr.io/acme/etl:3",
    requests(cpu = "1", mem = "2Gi"),
    limits(mem = "4Gi"),
    retries = 3,
    timeout = "10m",
    environment(RUST_LOG = "info", REGION = "eu"),
    secret(group = "db", key = "password", env_var = "DB_PASSWORD"),
    labels(team = "data"),
    cache_version = "2",
    interruptible
)]
fn etl_settings() {}

#[task(settings = etl_settings, retries = 5, environment(REGION = "us"), cache)]
fn shared_extract(day: String) -> String {
    day
}

// The same settings written on the task: the IDL must be the same.
#[task(
    image = "ghcr.io/acme/etl:3",
    requests(cpu = "1", mem = "2Gi"),
    limits(mem = "4Gi"),
    retries = 5,
    timeout = "10m",
    environment(RUST_LOG = "info", REGION = "us"),
    secret(group = "db", key = "password", env_var = "DB_PASSWORD"),
    labels(team = "data"),
    cache = true,
    cache_version = "2",
    interruptible
)]
fn written_extract(day: String) -> String {
    day
}

#[test]
fn shared_settings_give_the_idl_of_the_same_settings_written_on_the_task() {
    let settings = seed_settings();
    let mut shared = idl::task_template(&shared_extract {}, &settings);
    let mut written = idl::task_template(&written_extract {}, &settings);
    // Only the names differ (in the id and the container's `task-name` argument).
    for t in [&mut shared, &mut written] {
        t.id.as_mut().unwrap().name.clear();
        t.container.as_mut().unwrap().args.pop();
    }
    assert_eq!(shared, written);
    assert_eq!(
        shared_extract {}.metadata().node.retries,
        Some(5),
        "the task's own setting wins"
    );
}

/// flytekit's `ContainerTask(name="ellipse-area", input_data_dir="/var/inputs",
/// output_data_dir="/var/outputs", inputs=kwtypes(a=float, b=float, notes=FlyteFile),
/// outputs=kwtypes(area=float, metadata=str), image=..., command=[...],
/// arguments=[...], metadata_format=PROTO, requests=Resources(cpu="1", mem="1Gi"),
/// environment={"MODE": "fast"})`.
#[container_task(
    name = "ellipse-area",
    image = "ghcr.io/flyteorg/rawcontainers-shell:v2",
    command = ["./calculate-ellipse-area.sh", "{{.inputs.a}}", "{{.inputs.b}}", "/var/outputs"],
    arguments = ["--notes", "/var/inputs/notes"],
    input_data_dir = "/var/inputs",
    output_data_dir = "/var/outputs",
    metadata_format = "proto",
    requests(cpu = "1", mem = "1Gi"),
    environment(MODE = "fast"),
    outputs(area, metadata),
)]
fn t_container(a: f64, b: f64, notes: FlyteFile) -> (f64, String);

#[test]
fn a_container_task_is_written_for_comparison_with_flytekits() {
    let template = idl::task_template(&t_container {}, &seed_settings());
    let golden = std::fs::read(support::production_golden("task_container.pb")).unwrap();
    let theirs = pb::TaskTemplate::decode(golden.as_slice()).unwrap();
    // All but the SDK's runtime: the container, data config, interface and type.
    assert_eq!(template.container, theirs.container);
    assert_eq!(template.interface, theirs.interface);
    assert_eq!(template.r#type, theirs.r#type);
    assert_eq!(template.id, theirs.id);
    std::fs::write(
        out_dir().join("task_container.pb"),
        template.encode_to_vec(),
    )
    .unwrap();
}
