//! Workflow input defaults and launch plans: fixed inputs, defaults, and typed errors
//! that name the input.

use std::sync::LazyLock;

use flytekit::launch_plan::{CallableLaunchPlan, LaunchPlanError};
use flytekit::prelude::*;

#[task]
fn scale(values: Vec<f64>, factor: f64, label: String) -> String {
    let total: f64 = values.iter().map(|v| v * factor).sum();
    format!("{label}: {total}")
}

#[workflow]
fn report(
    values: Vec<f64>,
    #[default(2.0)] factor: f64,
    #[default("total")] label: String,
) -> String {
    scale(values, factor, label)
}

static NIGHTLY: LazyLock<LaunchPlan<String>> = LazyLock::new(|| {
    LaunchPlan::builder("nightly-report", &report {})
        .fixed("label", "nightly".to_string())
        .default_input("values", vec![1.0, 2.0])
        .build()
        .unwrap()
});

#[test]
fn workflow_defaults_are_part_of_the_graph() {
    let spec = report::spec();
    let defaults: Vec<String> = spec
        .defaults
        .iter()
        .map(|d| d.as_ref().map(|l| l.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(defaults, ["", "2.0", "\"total\""]);
    assert!(spec.to_string().starts_with(
        "workflow local.launch_plans.report(values: list<float>, factor: float = 2.0, label: string = \"total\")"
    ));
}

#[tokio::test]
async fn a_launch_plan_runs_with_fixed_and_default_inputs() {
    assert_eq!(NIGHTLY.inputs().run().await.unwrap(), "nightly: 6");
    let out = NIGHTLY
        .inputs()
        .set("values", vec![10.0])
        .set("factor", 0.5)
        .run()
        .await
        .unwrap();
    assert_eq!(out, "nightly: 5");
    assert_eq!(NIGHTLY.name(), "nightly-report");
    assert_eq!(NIGHTLY.default_inputs().len(), 2);
}

#[tokio::test]
async fn the_default_launch_plan_uses_the_workflow_defaults() {
    let lp = LaunchPlan::default_for(&report {});
    assert_eq!(lp.name(), "local.launch_plans.report");
    let out = lp.inputs().set("values", vec![1.5]).run().await.unwrap();
    assert_eq!(out, "total: 3");
    match lp.inputs().run().await.unwrap_err() {
        LaunchPlanError::MissingInputs { inputs, .. } => assert_eq!(inputs, ["values"]),
        other => panic!("expected missing inputs, got {other}"),
    }
}

#[tokio::test]
async fn bad_inputs_are_typed_errors_naming_the_input() {
    let err = LaunchPlan::builder("bad", &report {})
        .fixed("factr", 1.0)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "launch plan `bad`: workflow `local.launch_plans.report` has no input `factr` (inputs: values, factor, label)"
    );

    let err = NIGHTLY
        .inputs()
        .set("factor", "high".to_string())
        .run()
        .await
        .unwrap_err();
    let chain = format!("{:#}", anyhow::Error::from(err));
    assert_eq!(
        chain,
        "launch plan `nightly-report`: `factor` expects a value of type float, got `\"high\"`"
    );

    let err = NIGHTLY
        .inputs()
        .set("label", "x".to_string())
        .run()
        .await
        .unwrap_err();
    assert!(matches!(err, LaunchPlanError::FixedInput { ref input, .. } if input == "label"));
}

// ---- schedules and other settings --------------------------------------------------------

use flytekit::launch_plan::{Notification, Phase, Schedule, ScheduleError};

#[task]
fn stamp(run_at: chrono::DateTime<chrono::Utc>, x: i64) -> i64 {
    run_at.timestamp() + x
}

#[workflow]
fn stamped(run_at: chrono::DateTime<chrono::Utc>, #[default(0)] x: i64, tag: String) -> i64 {
    let _ = tag;
    stamp(run_at, x)
}

fn schedule_error(
    schedule: Schedule,
    build: impl FnOnce(
        flytekit::launch_plan::LaunchPlanBuilder<i64>,
    ) -> flytekit::launch_plan::LaunchPlanBuilder<i64>,
) -> ScheduleError {
    let builder = LaunchPlan::builder("nightly", &stamped {}).schedule(schedule);
    match build(builder).build() {
        Err(LaunchPlanError::Schedule { plan, source }) => {
            assert_eq!(plan, "nightly");
            source
        }
        other => panic!("expected a schedule error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_scheduled_run_gets_now_as_its_kickoff_input() {
    let plan = LaunchPlan::builder("nightly", &stamped {})
        .fixed("tag", "nightly".to_string())
        .schedule(Schedule::cron("0 5 * * *").kickoff_input("run_at"))
        .build()
        .unwrap();
    let before = chrono::Utc::now().timestamp();
    let got = plan.inputs().run().await.unwrap();
    let after = chrono::Utc::now().timestamp();
    assert!(
        (before..=after).contains(&got),
        "{before} <= {got} <= {after}"
    );
    // A value given for it wins, as for any input.
    let at = chrono::DateTime::from_timestamp(1_000, 0).unwrap();
    assert_eq!(
        plan.inputs()
            .set("run_at", at)
            .set("x", 5i64)
            .run()
            .await
            .unwrap(),
        1_005
    );
}

#[test]
fn a_schedule_is_checked_against_the_workflow_when_built() {
    let with_tag =
        |b: flytekit::launch_plan::LaunchPlanBuilder<i64>| b.fixed("tag", "t".to_string());
    let e = schedule_error(
        Schedule::cron("0 25 * * *").kickoff_input("run_at"),
        with_tag,
    );
    assert!(
        matches!(&e, ScheduleError::Cron { expression, .. } if expression == "0 25 * * *"),
        "{e}"
    );
    assert!(e.to_string().contains("@daily"), "{e}");
    let e = schedule_error(
        Schedule::cron("@daily")
            .offset("30m")
            .kickoff_input("run_at"),
        with_tag,
    );
    assert_eq!(
        e,
        ScheduleError::Offset {
            offset: "30m".into()
        }
    );
    let e = schedule_error(
        Schedule::fixed_rate("90s").kickoff_input("run_at"),
        with_tag,
    );
    assert!(
        matches!(&e, ScheduleError::Rate { rate, .. } if rate == "1m 30s"),
        "{e}"
    );
    let e = schedule_error(Schedule::fixed_rate("soon"), with_tag);
    assert!(e.to_string().contains("`soon`"), "{e}");
    let e = schedule_error(Schedule::cron("@daily").kickoff_input("when"), with_tag);
    assert!(e.to_string().contains("`when` is not an input"), "{e}");
    let e = schedule_error(Schedule::cron("@daily").kickoff_input("x"), with_tag);
    assert!(
        matches!(&e, ScheduleError::KickoffNotDatetime { input, .. } if input == "x"),
        "{e}"
    );
    let e = schedule_error(Schedule::cron("@daily").kickoff_input("run_at"), |b| {
        with_tag(b).fixed("run_at", chrono::Utc::now())
    });
    assert_eq!(
        e,
        ScheduleError::KickoffFixed {
            input: "run_at".into()
        }
    );
    // `tag` has neither a fixed value nor a default: a scheduled run could not start.
    let e = schedule_error(Schedule::cron("@daily").kickoff_input("run_at"), |b| b);
    assert_eq!(
        e,
        ScheduleError::InputsWithoutValue {
            inputs: vec!["tag".into()]
        }
    );
    // Without a kickoff input, the datetime needs a value too.
    let e = schedule_error(Schedule::fixed_rate("1h"), with_tag);
    assert_eq!(
        e,
        ScheduleError::InputsWithoutValue {
            inputs: vec!["run_at".into()]
        }
    );
}

#[test]
fn notifications_and_limits_are_checked_when_built() {
    let build = |b: flytekit::launch_plan::LaunchPlanBuilder<i64>| match b.build() {
        Err(LaunchPlanError::InvalidSetting { problem, .. }) => problem,
        other => panic!("expected an invalid setting, got {other:?}"),
    };
    let no_phase = Notification::email([], ["a@b.c"]);
    let p = build(LaunchPlan::builder("p", &stamped {}).notify(no_phase));
    assert!(p.contains("at least one phase"), "{p}");
    let nobody = Notification::slack([Phase::Failed], Vec::<String>::new());
    let p = build(LaunchPlan::builder("p", &stamped {}).notify(nobody));
    assert!(p.contains("recipients"), "{p}");
    let p = build(LaunchPlan::builder("p", &stamped {}).max_parallelism(0));
    assert!(p.contains("max_parallelism"), "{p}");
}

static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

#[task(cache = true, cache_version = "1")]
fn counted(x: i64) -> i64 {
    RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    x
}

#[workflow]
fn counted_wf(x: i64) -> i64 {
    counted(x)
}

/// Writes a local file and returns it, for the run to upload under its raw prefix.
#[task]
fn written(x: i64) -> FlyteFile {
    let path = std::env::temp_dir().join(format!("flyte-lp-{}-{x}.txt", std::process::id()));
    std::fs::write(&path, x.to_string()).unwrap();
    FlyteFile::new(path.display().to_string())
}

#[workflow]
fn written_wf(x: i64) -> FlyteFile {
    written(x)
}

#[tokio::test]
async fn overwrite_cache_and_the_raw_prefix_apply_to_a_local_run() {
    use std::sync::atomic::Ordering;
    let dir = std::env::temp_dir().join(format!("flyte-lp-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let options = || RunOptions::default().cache_dir(&dir);
    let plain = LaunchPlan::builder("plain", &counted_wf {})
        .build()
        .unwrap();
    let fresh = LaunchPlan::builder("fresh", &counted_wf {})
        .overwrite_cache(true)
        .build()
        .unwrap();
    let before = RUNS.load(Ordering::SeqCst);
    plain
        .inputs()
        .set("x", 1i64)
        .options(options())
        .run()
        .await
        .unwrap();
    plain
        .inputs()
        .set("x", 1i64)
        .options(options())
        .run()
        .await
        .unwrap();
    assert_eq!(
        RUNS.load(Ordering::SeqCst),
        before + 1,
        "the second run is cached"
    );
    fresh
        .inputs()
        .set("x", 1i64)
        .options(options())
        .run()
        .await
        .unwrap();
    assert_eq!(
        RUNS.load(Ordering::SeqCst),
        before + 2,
        "overwrite_cache runs it again"
    );
    let _ = std::fs::remove_dir_all(&dir);

    let files = std::sync::Arc::new(flytekit::data::FileAccess::new());
    let uploads = LaunchPlan::builder("uploads", &written_wf {})
        .raw_output_prefix("memory:///lp-raw")
        .build()
        .unwrap();
    let opts = RunOptions::default().file_access(files.clone());
    let file = uploads
        .inputs()
        .set("x", 7i64)
        .options(opts)
        .run()
        .await
        .unwrap();
    assert!(
        file.uri().starts_with("memory:///lp-raw/"),
        "{}",
        file.uri()
    );
    assert_eq!(files.get(file.uri()).await.unwrap().as_ref(), b"7");
    // Options that name a prefix win over the plan's.
    let opts = RunOptions::default()
        .file_access(files.clone())
        .raw_output_prefix("memory:///mine");
    let file = uploads
        .inputs()
        .set("x", 8i64)
        .options(opts)
        .run()
        .await
        .unwrap();
    assert!(file.uri().starts_with("memory:///mine/"), "{}", file.uri());
}

/// `NIGHTLY` again, callable from workflows: `label` is fixed, so the call takes
/// `values` and `factor`.
/// How workflows call it.
type NightlyCall = fn(Vec<f64>, f64) -> String;

static CALLABLE: LazyLock<CallableLaunchPlan<NightlyCall>> = LazyLock::new(|| {
    LaunchPlan::builder("nightly-callable", &report {})
        .fixed("label", "nightly".to_string())
        .call_signature()
        .build()
        .unwrap()
});

#[workflow]
fn twice_nightly(values: Vec<f64>) -> (String, String) {
    let a = CALLABLE(values, 1.0);
    let b = CALLABLE(values, 10.0);
    (a, b)
}

#[tokio::test]
async fn a_launch_plan_called_in_a_workflow_runs_with_its_fixed_inputs() {
    let (a, b) = twice_nightly::run(vec![1.0, 2.0]).await.unwrap();
    assert_eq!(a, "nightly: 3");
    assert_eq!(b, "nightly: 30");
    // The node's inputs are the plan's open inputs only.
    let node = &twice_nightly::spec().nodes[0];
    let names: Vec<&str> = node.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["values", "factor"]);
    assert_eq!(node.entity.kind(), "launch plan");
}

#[test]
fn a_call_signature_that_does_not_fit_the_open_inputs_is_an_error() {
    let err = LaunchPlan::builder("wrong", &report {})
        .fixed("label", "x".to_string())
        .call_signature::<fn(Vec<f64>, f64, String) -> String>()
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "launch plan `wrong`: its call signature takes (list<float>, float, string), but the inputs it leaves open are (values: list<float>, factor: float = default); only those with a default may be left out"
    );
}

#[task]
fn half_of_even(x: i64) -> Result<i64, String> {
    if x % 2 == 0 {
        Ok(x / 2)
    } else {
        Err(format!("{x} is odd"))
    }
}

#[workflow]
fn halving(x: i64) -> i64 {
    half_of_even(x)
}

type HalvingCall = fn(i64) -> i64;

static HALVING: LazyLock<CallableLaunchPlan<HalvingCall>> = LazyLock::new(|| {
    LaunchPlan::builder("halving", &halving {})
        .call_signature()
        .build()
        .unwrap()
});

#[workflow]
fn halve_some(xs: Vec<i64>) -> Vec<Option<i64>> {
    map_task(&HALVING)
        .concurrency(2)
        .min_success_ratio(0.5)
        .over(xs)
}

#[workflow]
fn halve_all(xs: Vec<i64>) -> Vec<i64> {
    map_task(&HALVING).over(xs)
}

#[tokio::test]
async fn a_map_over_a_launch_plan_runs_its_workflow_per_item() {
    let out = halve_some::run(vec![4, 3, 8, 1]).await.unwrap();
    assert_eq!(out, [Some(2), None, Some(4), None]);
    // All required: the first failed item's failure names the node inside it.
    let err = halve_all::run(vec![2, 5]).await.unwrap_err();
    let f = err.failure().expect("an item failed");
    assert_eq!(f.task, "local.launch_plans.half_of_even");
    assert!(f.path.contains("halving[1]"), "{}", f.path);
}

/// The settings the tests serialize with.
fn settings() -> flytekit::idl::SerializationSettings {
    flytekit::idl::SerializationSettings {
        project: "p".into(),
        domain: "d".into(),
        version: "v1".into(),
        image: "img".into(),
        images: Default::default(),
        entrypoint: "/usr/local/bin/app".into(),
        fast: None,
    }
}

/// `report` called with `values` alone: `factor` and `label` keep their defaults, as
/// flytekit's `sub_lp(values=v)` leaves them to the plan.
type ValuesOnly = fn(Vec<f64>) -> String;

static VALUES_ONLY: LazyLock<CallableLaunchPlan<ValuesOnly>> = LazyLock::new(|| {
    LaunchPlan::builder("report-values-only", &report {})
        .default_input("factor", 3.0)
        .call_signature()
        .build()
        .unwrap()
});

/// Leaves out `label` only.
type NoLabel = fn(Vec<f64>, f64) -> String;

static NO_LABEL: LazyLock<CallableLaunchPlan<NoLabel>> = LazyLock::new(|| {
    LaunchPlan::builder("report-no-label", &report {})
        .call_signature()
        .build()
        .unwrap()
});

#[workflow]
fn with_defaults(values: Vec<f64>) -> (String, String) {
    let a = VALUES_ONLY(values);
    let b = NO_LABEL(values, 10.0);
    (a, b)
}

#[tokio::test]
async fn a_launch_plan_call_may_leave_out_inputs_with_defaults() {
    let (a, b) = with_defaults::run(vec![1.0, 2.0]).await.unwrap();
    // The plan's default for `factor` (3), the workflow's for `label`.
    assert_eq!(a, "total: 9");
    assert_eq!(b, "total: 30");
    let spec = with_defaults::spec();
    let names = |n: usize| -> Vec<String> {
        spec.nodes[n]
            .inputs
            .iter()
            .map(|i| i.name.clone())
            .collect()
    };
    assert_eq!(names(0), ["values"]);
    assert_eq!(names(1), ["values", "factor"]);
    // On Flyte the node binds only what the call gave; the plan supplies the rest.
    let template = flytekit::idl::workflow_template(spec, &settings()).unwrap();
    let bound: Vec<&str> = template.nodes[0]
        .inputs
        .iter()
        .map(|b| b.var.as_str())
        .collect();
    assert_eq!(bound, ["values"]);
}

#[test]
fn a_call_may_leave_out_only_inputs_with_defaults_and_only_one_way() {
    // `values` has no default in this plan: it cannot be left out.
    let err = LaunchPlan::builder("no-values", &report {})
        .call_signature::<fn(f64) -> String>()
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "launch plan `no-values`: its call signature takes (float), but the inputs it leaves open are (values: list<float>, factor: float = default, label: string = default); only those with a default may be left out"
    );
    // Two defaulted inputs of one type: `fn(i64, i64)` could skip either.
    let err = LaunchPlan::builder("ambiguous", &three_ints {})
        .call_signature::<fn(i64, i64) -> i64>()
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "launch plan `ambiguous`: its call signature takes (integer, integer), which fits its open inputs (a: integer, b: integer = default, c: integer = default) in more than one way: leaving out `c` or `b`; give the inputs with defaults in the signature"
    );
}

#[task]
fn add3(a: i64, b: i64, c: i64) -> i64 {
    a + b + c
}

#[workflow]
fn three_ints(a: i64, #[default(1)] b: i64, #[default(2)] c: i64) -> i64 {
    add3(a, b, c)
}

mod registration {
    //! What a program registers: every task a workflow can run, a default launch plan
    //! for every workflow, and package files in an order `flytectl register files`
    //! can take (it registers them sorted by name).

    use super::*;
    use flytekit::registry::{PackageMessage, Registry};
    use flytekit::types::FlyteError;

    #[task]
    fn risky(x: i64) -> i64 {
        x
    }

    #[task]
    fn cleanup(x: i64, err: Option<FlyteError>) {
        let _ = (x, err);
    }

    #[workflow(on_failure = cleanup)]
    fn guarded(x: i64) -> i64 {
        risky(x)
    }

    #[task]
    fn plus(a: i64, b: i64) -> i64 {
        a + b
    }

    #[workflow]
    fn inner(x: i64) -> i64 {
        let y = plus(x, 1);
        guarded(y)
    }

    type InnerCall = fn(i64) -> i64;

    static INNER_LP: LazyLock<CallableLaunchPlan<InnerCall>> = LazyLock::new(|| {
        LaunchPlan::builder("inner_lp", &inner {})
            .call_signature()
            .build()
            .unwrap()
    });

    #[task]
    fn t0(x: i64) -> i64 {
        x
    }
    #[task]
    fn t1(x: i64) -> i64 {
        x
    }
    #[task]
    fn t2(x: i64) -> i64 {
        x
    }
    #[task]
    fn t3(x: i64) -> i64 {
        x
    }

    #[workflow]
    fn outer(x: i64) -> i64 {
        let a = INNER_LP(x);
        let b = t0(t1(t2(t3(a))));
        plus(a, b)
    }

    #[test]
    fn the_failure_task_is_registered_with_its_workflow() {
        let mut r = Registry::new();
        r.workflow(&guarded {});
        let names: Vec<&str> = r.tasks().iter().map(|t| t.name()).collect();
        assert!(
            names.contains(&"local.launch_plans.registration.cleanup"),
            "{names:?}"
        );
        let files = r.package_files(&settings()).unwrap();
        assert!(
            files
                .iter()
                .any(|(name, _)| name.ends_with("_local.launch_plans.registration.cleanup_1.pb")),
            "{:?}",
            files.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
    }

    #[test]
    fn every_workflow_gets_a_default_launch_plan() {
        // `inner` is reached only through the named plan `inner_lp`, `guarded` only
        // as `inner`'s subworkflow: pyflyte writes a default plan for each.
        let mut r = Registry::new();
        r.launch_plan(&*INNER_LP);
        let plans: Vec<&str> = r.launch_plans().iter().map(|p| p.name.as_str()).collect();
        for name in [
            "inner_lp",
            "local.launch_plans.registration.inner",
            "local.launch_plans.registration.guarded",
        ] {
            assert!(plans.contains(&name), "{name} in {plans:?}");
        }
    }

    /// Every entity a file refers to (tasks, subworkflows, launch plans), by name.
    fn references(message: &PackageMessage) -> Vec<String> {
        fn of_nodes(nodes: &[flytekit::idl::core::Node], out: &mut Vec<String>) {
            use flytekit::idl::core::{node::Target, workflow_node::Reference};
            for node in nodes {
                match &node.target {
                    Some(Target::TaskNode(t)) => {
                        out.extend(t.reference_id.as_ref().map(|id| id.name.clone()))
                    }
                    Some(Target::WorkflowNode(w)) => match &w.reference {
                        Some(Reference::LaunchplanRef(id))
                        | Some(Reference::SubWorkflowRef(id)) => out.push(id.name.clone()),
                        None => {}
                    },
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        match message {
            PackageMessage::Task(_) => {}
            PackageMessage::Workflow(w) => {
                let template = w.template.as_ref().unwrap();
                of_nodes(&template.nodes, &mut out);
                if let Some(f) = &template.failure_node {
                    of_nodes(std::slice::from_ref(f), &mut out);
                }
            }
            PackageMessage::LaunchPlan(lp) => {
                let spec = lp.spec.as_ref().unwrap();
                out.push(spec.workflow_id.as_ref().unwrap().name.clone());
            }
        }
        out
    }

    fn name_of(message: &PackageMessage) -> String {
        match message {
            PackageMessage::Task(t) => t
                .template
                .as_ref()
                .unwrap()
                .id
                .as_ref()
                .unwrap()
                .name
                .clone(),
            PackageMessage::Workflow(w) => w
                .template
                .as_ref()
                .unwrap()
                .id
                .as_ref()
                .unwrap()
                .name
                .clone(),
            PackageMessage::LaunchPlan(lp) => lp.id.as_ref().unwrap().name.clone(),
        }
    }

    #[test]
    fn package_files_sorted_by_name_register_each_entity_after_what_it_uses() {
        // Given in the least helpful order: the caller first.
        let mut r = Registry::new();
        r.workflow(&outer {}).launch_plan(&*INNER_LP);
        let messages = r.package_messages(&settings()).unwrap();
        assert!(messages.len() > 10, "{} entities", messages.len());
        // flytectl sorts file names as strings (sort.Strings); pyflyte pads the index.
        let mut sorted = messages.clone();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            sorted.iter().map(|m| &m.0).collect::<Vec<_>>(),
            messages.iter().map(|m| &m.0).collect::<Vec<_>>(),
        );
        assert!(sorted[0].0.starts_with("00_"), "{}", sorted[0].0);
        let mut registered: Vec<String> = Vec::new();
        for (file, message) in &sorted {
            for needed in references(message) {
                assert!(
                    registered.contains(&needed),
                    "{file} needs {needed}, registered only after it"
                );
            }
            registered.push(name_of(message));
        }
    }
}
