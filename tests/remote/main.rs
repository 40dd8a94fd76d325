//! The flyteadmin client (`flytekit::remote`) against a stand-in flyteadmin written with
//! the flyteidl 1.16 package's own gRPC servicer (`tests/remote/admin_server.py`, run
//! with the flytekit venv's Python, `FLYTEKIT_PYTHON`): registering (new, identical,
//! different), launching, waiting through the phases, outputs, a failed execution,
//! terminating, uploads, fast registration. The server parses every request with
//! flyteidl and records it. Signing in is in `tests/remote/remote_auth.rs`.

mod operate;
mod remote_auth;
#[path = "../support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;

use flytekit::idl::SerializationSettings;
use flytekit::idl::core::{Identifier, ResourceType};
use flytekit::prelude::*;
use flytekit::registry::Registry;
use flytekit::remote::{Phase, Remote, RemoteConfig, RemoteError};
use flytekit::types::Literal;

mod admin;
use admin::{Admin, settings};

#[task]
fn echo(path: String) -> String {
    path
}

#[workflow]
fn echo_wf(path: String) -> String {
    echo(path)
}

fn plan_id(version: &str) -> Identifier {
    Identifier {
        resource_type: ResourceType::LaunchPlan as i32,
        project: "flytesnacks".into(),
        domain: "development".into(),
        name: "remote.echo_wf".into(),
        version: version.into(),
    }
}

fn path_input(text: &str) -> flytekit::idl::core::LiteralMap {
    let literal: Literal = text.to_string().to_literal();
    flytekit::idl::literal_map([("path", &literal)])
}

#[task]
fn pick(path: String, tag: String) -> (String, String) {
    (path, tag)
}

#[workflow]
fn pick_wf(path: String, tag: String) -> (String, String) {
    pick(path, tag)
}

/// A plan fixing `tag`.
static TAGGED: std::sync::LazyLock<flytekit::launch_plan::LaunchPlan<(String, String)>> =
    std::sync::LazyLock::new(|| {
        flytekit::launch_plan::LaunchPlan::builder("tagged", &pick_wf {})
            .fixed("tag", "nightly".to_string())
            .build()
            .unwrap()
    });

#[tokio::test]
async fn typed_inputs_go_out_and_typed_outputs_come_back() {
    let admin = Admin::start();
    let remote = Remote::connect(admin.config()).await.unwrap();
    let mut registry = Registry::new();
    registry.workflow(&echo_wf {}).launch_plan(&*TAGGED);
    remote.register(&registry, &settings("v1")).await.unwrap();
    let poll = std::time::Duration::from_millis(10);

    // A workflow's default launch plan, with its inputs as a tuple.
    let execution = remote
        .launch_workflow(
            &settings("v1"),
            &echo_wf {},
            ("s3://b/typed.csv".to_string(),),
        )
        .await
        .unwrap();
    let out: String = remote.wait_for(&execution, poll, None).await.unwrap();
    assert_eq!(out, "s3://b/typed.csv");
    assert_eq!(remote.outputs_of(&execution).await.unwrap(), out);

    // A launch plan: what is set goes out (flyteadmin adds the fixed `tag`); two
    // outputs come back as a tuple (the stand-in echoes the first string input).
    let execution = remote
        .launch_plan(
            &settings("v1"),
            TAGGED.inputs().set("path", "s3://b/p.csv".to_string()),
        )
        .await
        .unwrap();
    let (o0, o1) = remote.wait_for(&execution, poll, None).await.unwrap();
    assert_eq!((o0.as_str(), o1.as_str()), ("s3://b/p.csv", "s3://b/p.csv"));
    let sent = admin
        .requests()
        .into_iter()
        .rfind(|r| r["method"] == "CreateExecution")
        .unwrap();
    let spec = &sent["request"]["spec"]["launchPlan"];
    assert_eq!(
        (spec["name"].as_str(), spec["version"].as_str()),
        (Some("tagged"), Some("v1"))
    );
    let inputs: Vec<&String> = sent["request"]["inputs"]["literals"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(inputs, ["path"]);

    // A fixed input, or a value of another type, is refused before anything is sent.
    let err = remote
        .launch_plan(
            &settings("v1"),
            TAGGED.inputs().set("tag", "adhoc".to_string()),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::PlanInputs(_)), "{err}");
    assert!(err.to_string().contains("`tag`"), "{err}");
    let err = remote
        .launch_plan(&settings("v1"), TAGGED.inputs().set("path", 3i64))
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::PlanInputs(_)), "{err}");
    let launched = admin
        .requests()
        .iter()
        .filter(|r| r["method"] == "CreateExecution")
        .count();
    assert_eq!(launched, 2);
}

#[tokio::test]
async fn large_outputs_are_fetched_offloaded_or_from_their_url() {
    // `offloaded`: each output an S3 object of its own (flytekit's offloading);
    // `by-url`: the whole map only at a signed URL (flyteadmin, past its size limit).
    for mode in ["offloaded", "by-url"] {
        let admin = Admin::start_with(&["--large-outputs", mode]);
        let remote = Remote::connect(admin.config()).await.unwrap();
        let mut registry = Registry::new();
        registry.launch_plan(&*TAGGED);
        remote.register(&registry, &settings("v1")).await.unwrap();
        let run = TAGGED.inputs().set("path", format!("s3://b/{mode}.csv"));
        let execution = remote.launch_plan(&settings("v1"), run).await.unwrap();
        let poll = std::time::Duration::from_millis(10);
        let (o0, o1) = remote.wait_for(&execution, poll, None).await.unwrap();
        let expected = format!("s3://b/{mode}.csv");
        assert_eq!(
            (o0.as_str(), o1.as_str()),
            (&*expected, &*expected),
            "{mode}"
        );

        // The command line's `fetch` reads them the same way.
        let endpoint = format!("127.0.0.1:{}", admin.port);
        let name = execution.id.name.as_str();
        let (out, result) = cli(&["fetch", name, "--endpoint", &endpoint, "--insecure"]).await;
        result.unwrap();
        assert!(
            out.contains(&format!("o1 = \"{expected}\"")),
            "{mode}: {out}"
        );
    }
}

#[tokio::test]
async fn register_launch_wait_and_read_the_outputs() {
    let admin = Admin::start();
    let remote = Remote::connect(admin.config()).await.unwrap();
    let mut registry = Registry::new();
    registry.workflow(&echo_wf {});

    let first = remote.register(&registry, &settings("v1")).await.unwrap();
    assert_eq!(
        (first.created, first.existing),
        (3, 0),
        "task, workflow, launch plan"
    );
    let again = remote.register(&registry, &settings("v1")).await.unwrap();
    assert_eq!(
        (again.created, again.existing),
        (0, 3),
        "identical: already there"
    );
    remote.activate(&plan_id("v1")).await.unwrap();

    let id = remote
        .launch(&plan_id("v1"), path_input("s3://b/x.csv"), "")
        .await
        .unwrap();
    assert_eq!(
        (id.project.as_str(), id.domain.as_str()),
        ("flytesnacks", "development")
    );
    assert_eq!(remote.phase(&id).await.unwrap(), Phase::Queued);
    let outputs = remote
        .wait(&id, std::time::Duration::from_millis(10), None)
        .await
        .unwrap();
    let o0 = flytekit::idl::literal_from_idl(&outputs.literals["o0"]).unwrap();
    assert_eq!(String::from_literal(&o0).unwrap(), "s3://b/x.csv");
    assert_eq!(
        remote.console_url(&id),
        format!(
            "http://127.0.0.1:{}/console/projects/flytesnacks/domains/development/executions/{}",
            admin.port, id.name
        )
    );

    // What flyteadmin received, as the flyteidl package parsed it.
    let requests = admin.requests();
    let methods: Vec<&str> = requests
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        &methods[..4],
        [
            "CreateTask",
            "CreateWorkflow",
            "CreateLaunchPlan",
            "CreateTask"
        ]
    );
    let task = &requests[0]["request"];
    assert_eq!(task["id"]["name"], "remote.echo");
    assert_eq!(task["id"]["resourceType"], "TASK");
    assert_eq!(task["spec"]["template"]["id"], task["id"]);
    let create = requests
        .iter()
        .find(|r| r["method"] == "CreateExecution")
        .unwrap();
    assert_eq!(
        create["request"]["spec"]["launchPlan"]["name"],
        "remote.echo_wf"
    );
    assert_eq!(
        create["request"]["inputs"]["literals"]["path"]["scalar"]["primitive"]["stringValue"],
        "s3://b/x.csv"
    );
}

#[tokio::test]
async fn a_failed_execution_returns_its_error_and_other_contents_need_a_new_version() {
    let admin = Admin::start();
    let remote = Remote::connect(admin.config()).await.unwrap();
    let mut registry = Registry::new();
    registry.workflow(&echo_wf {});
    remote.register(&registry, &settings("v1")).await.unwrap();

    let id = remote
        .launch(&plan_id("v1"), path_input("fail: no such bucket"), "run-1")
        .await
        .unwrap();
    assert_eq!(id.name, "run-1");
    let err = remote
        .wait(&id, std::time::Duration::from_millis(10), None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "execution `run-1` failed: fail: no such bucket (USER:Fail)"
    );

    // The same name again is flyteadmin's ALREADY_EXISTS, named.
    let err = remote
        .launch(&plan_id("v1"), path_input("x"), "run-1")
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            RemoteError::Call {
                call: "CreateExecution",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("already exists"), "{err}");

    // An unknown launch plan.
    let err = remote
        .launch(&plan_id("v9"), path_input("x"), "")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("missing entity of type LAUNCH_PLAN"),
        "{err}"
    );

    // Same version, other contents: a new version is needed.
    let other = SerializationSettings {
        image: "ghcr.io/acme/app:2".into(),
        ..settings("v1")
    };
    let err = remote.register(&registry, &other).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "task `remote.echo` version `v1` is registered already with other contents; register under a new version"
    );

    // Terminating, and a wait with a deadline.
    let id = remote
        .launch(&plan_id("v1"), path_input("y"), "")
        .await
        .unwrap();
    let err = remote
        .wait(
            &id,
            std::time::Duration::from_millis(10),
            Some(std::time::Duration::ZERO),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            RemoteError::StillRunning {
                phase: Phase::Queued,
                ..
            }
        ),
        "{err}"
    );
    remote.terminate(&id, "not needed").await.unwrap();
    let err = remote
        .wait(&id, std::time::Duration::from_millis(10), None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("execution `{}` ended ABORTED: not needed", id.name)
    );
}

#[tokio::test]
async fn an_endpoint_nothing_listens_on_fails_at_once_naming_it() {
    let err = Remote::connect(RemoteConfig::new("127.0.0.1:1").insecure(true))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "cannot reach flyteadmin at `127.0.0.1:1`");
}

/// The command line of a program with `echo_wf`, as its user runs it.
async fn cli(args: &[&str]) -> (String, Result<(), flytekit::cli::CliError>) {
    let mut out = Vec::new();
    let app = flytekit::cli::App::new().workflow(&echo_wf {});
    let args = std::iter::once("app").chain(args.iter().copied());
    let result = app.run_to(args, &mut out, &mut std::io::sink()).await;
    (String::from_utf8(out).unwrap(), result)
}

#[tokio::test]
async fn register_run_remote_and_fetch_from_the_command_line() {
    let admin = Admin::start();
    let endpoint = format!("127.0.0.1:{}", admin.port);
    let cluster = [
        "--endpoint",
        endpoint.as_str(),
        "--insecure",
        "--image",
        "ghcr.io/acme/app:1",
    ];

    // The version, when not given, is a digest of the binary and the specs: the
    // same program registers nothing new.
    let (out, result) = cli(&[&["register"][..], &cluster].concat()).await;
    result.unwrap();
    let version = out
        .strip_prefix("registered version ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_string();
    assert!(version.starts_with("rs-") && version.len() == 19, "{out}");
    assert!(
        out.ends_with("in flytesnacks/development: 3 new, 0 already there\n"),
        "{out}"
    );
    let (out, result) =
        cli(&[&["register", "--activate-launchplans"][..], &cluster].concat()).await;
    result.unwrap();
    assert!(out.ends_with(": 0 new, 3 already there\n"), "{out}");

    let (out, result) = cli(&[
        &[
            "run", "echo_wf", "--path", "gs://b/y", "--remote", "--wait", "--poll", "10ms",
        ][..],
        &cluster,
    ]
    .concat())
    .await;
    result.unwrap();
    let mut lines = out.lines();
    let launched = lines.next().unwrap();
    let name = launched
        .strip_prefix("execution ")
        .and_then(|l| l.split(':').next())
        .unwrap()
        .to_string();
    assert!(
        launched.ends_with(&format!(
            "/console/projects/flytesnacks/domains/development/executions/{name}"
        )),
        "{out}"
    );
    assert_eq!(lines.next(), Some("o0 = \"gs://b/y\""));

    // `fetch` registers nothing, so it takes no image or version.
    let (_, result) = cli(&["fetch", name.as_str(), "--image", "ghcr.io/acme/app:1"]).await;
    assert!(
        matches!(result, Err(flytekit::cli::CliError::Args(_))),
        "{result:?}"
    );
    let (out, result) = cli(&[&["fetch", name.as_str()][..], &cluster[..3]].concat()).await;
    result.unwrap();
    assert_eq!(
        out,
        format!("execution {name}: SUCCEEDED\no0 = \"gs://b/y\"\n")
    );

    let (_, result) = cli(&[
        &[
            "run",
            "echo_wf",
            "--path",
            "fail: quota",
            "--remote",
            "--wait",
            "--poll",
            "10ms",
        ][..],
        &cluster,
    ]
    .concat())
    .await;
    let text = result.unwrap_err().to_string();
    assert!(
        text.starts_with("execution `") && text.ends_with("` failed: fail: quota (USER:Fail)"),
        "{text}"
    );

    // No image, no registration.
    let (_, result) = cli(&["register", "--endpoint", endpoint.as_str(), "--insecure"]).await;
    assert_eq!(
        result.unwrap_err().to_string(),
        "--image: registering needs the image holding this program: --image FQN:TAG"
    );
}

#[tokio::test]
async fn a_wait_goes_on_through_a_dropped_connection() {
    // The first two GetExecution calls answer UNAVAILABLE, as a dropped connection.
    let admin = Admin::start_with(&["--unavailable", "2"]);
    let remote = Remote::connect(admin.config()).await.unwrap();
    let mut registry = Registry::new();
    registry.workflow(&echo_wf {});
    remote.register(&registry, &settings("v1")).await.unwrap();
    let id = remote
        .launch(&plan_id("v1"), path_input("z"), "")
        .await
        .unwrap();
    let outputs = remote
        .wait(&id, std::time::Duration::from_millis(10), None)
        .await
        .unwrap();
    assert!(outputs.literals.contains_key("o0"));
    let gets = admin
        .requests()
        .iter()
        .filter(|r| r["method"] == "GetExecution")
        .count();
    assert_eq!(gets, 5, "two refused, then queued, running, succeeded");
}

#[tokio::test]
async fn our_requests_are_the_ones_flytekits_flyteremote_sends() {
    // flytekit registers and launches the Python twin of `echo_wf`...
    let theirs = Admin::start();
    admin::flytekit_remote(&theirs, None);
    // ... and we register and launch `echo_wf`.
    let ours = Admin::start();
    let remote = Remote::connect(ours.config()).await.unwrap();
    let mut registry = Registry::new();
    registry.workflow(&echo_wf {});
    remote.register(&registry, &settings("v1")).await.unwrap();
    remote
        .launch(&plan_id("v1"), path_input("s3://b/x.csv"), "")
        .await
        .unwrap();

    let differences = admin::request_differences(&theirs, &ours, &[]);
    assert_eq!(
        differences.trim(),
        "",
        "differences from flytekit's requests:\n{differences}"
    );
}

#[task]
fn keep(f: FlyteFile) -> FlyteFile {
    f
}

#[workflow]
fn keep_wf(f: FlyteFile) -> FlyteFile {
    keep(f)
}

#[tokio::test]
async fn a_local_file_input_goes_through_the_data_proxy_to_s3() {
    // The stand-in's data proxy signs upload URLs on the tests' S3 server.
    let bucket = support::s3_bucket();
    let admin = Admin::start();
    let endpoint = format!("127.0.0.1:{}", admin.port);
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("orders.csv");
    let contents = format!("id,total\n1,{}\n", std::process::id());
    std::fs::write(&local, &contents).unwrap();
    let input = format!("f={}", local.display());

    let mut out = Vec::new();
    let app = flytekit::cli::App::new().workflow(&keep_wf {});
    let args = [
        "app",
        "run",
        "keep_wf",
        "-i",
        &input,
        "--remote",
        "--wait",
        "--poll",
        "10ms",
        "--endpoint",
        &endpoint,
        "--insecure",
        "--image",
        "ghcr.io/acme/app:1",
    ];
    app.run_to(args, &mut out, &mut std::io::sink())
        .await
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    // The execution's input (echoed as its output) is the uploaded file.
    let uploaded = out
        .lines()
        .find_map(|l| l.strip_prefix("o0 = "))
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    let prefix = format!("s3://{bucket}/flytesnacks/development/");
    assert!(
        uploaded.starts_with(&prefix) && uploaded.ends_with("/orders.csv"),
        "{out}"
    );
    let stored = flytekit::data::FileAccess::shared()
        .get(&uploaded)
        .await
        .unwrap();
    assert_eq!(stored, contents.as_bytes());
    let create = admin
        .requests()
        .into_iter()
        .find(|r| r["method"] == "CreateUploadLocation")
        .unwrap();
    assert_eq!(create["request"]["filename"], "orders.csv");
    assert!(
        create["request"]["contentMd5"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

#[task]
fn keep_dir(d: FlyteDirectory) -> FlyteDirectory {
    d
}

#[workflow]
fn keep_dir_wf(d: FlyteDirectory) -> FlyteDirectory {
    keep_dir(d)
}

/// flytekit's `FlyteFS` name for an uploaded folder (its `filename_root`).
fn flytekit_filename_root(folder: &Path) -> String {
    let python = std::env::var_os("FLYTEKIT_PYTHON").expect("run with `bash .ci/test`");
    let script = "import pathlib, sys, types\n\
from flytekit.remote.remote_fs import FlyteFS\n\
fs = types.SimpleNamespace()\n\
fs.get_hashes_and_lengths = lambda p: FlyteFS.get_hashes_and_lengths(fs, p)\n\
print(FlyteFS.get_filename_root(fs.get_hashes_and_lengths(pathlib.Path(sys.argv[1]))))\n";
    let out = Command::new(python)
        .args(["-c", script])
        .arg(folder)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[tokio::test]
async fn a_local_folder_input_goes_file_by_file_where_flytekit_would_put_it() {
    let bucket = support::s3_bucket();
    let admin = Admin::start();
    let endpoint = format!("127.0.0.1:{}", admin.port);
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("orders");
    std::fs::create_dir_all(local.join("2026/11")).unwrap();
    std::fs::write(local.join("index.csv"), "month\n2026-11\n").unwrap();
    std::fs::write(local.join("2026/11/day-30.csv"), "id,total\n1,5\n").unwrap();
    // Links are left out, as flytekit leaves them out.
    #[cfg(unix)]
    std::os::unix::fs::symlink(local.join("index.csv"), local.join("link.csv")).unwrap();
    let input = format!("d={}", local.display());

    let mut out = Vec::new();
    let args = [
        "app",
        "run",
        "keep_dir_wf",
        "-i",
        &input,
        "--remote",
        "--wait",
        "--poll",
        "10ms",
    ];
    let cluster = [
        "--endpoint",
        &endpoint,
        "--insecure",
        "--image",
        "ghcr.io/acme/app:1",
    ];
    flytekit::cli::App::new()
        .workflow(&keep_dir_wf {})
        .run_to(args.iter().chain(&cluster), &mut out, &mut std::io::sink())
        .await
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    let uploaded = out
        .lines()
        .find_map(|l| l.strip_prefix("o0 = "))
        .unwrap_or_else(|| panic!("{out}"))
        .trim_matches('"')
        .to_string();
    let root = flytekit_filename_root(&local);
    assert_eq!(
        uploaded,
        format!("s3://{bucket}/flytesnacks/development/{root}"),
        "{out}"
    );
    let files = flytekit::data::FileAccess::shared();
    let read = |name: &str| {
        let url = format!("{uploaded}/{name}");
        let files = files.clone();
        async move { files.get(&url).await }
    };
    assert_eq!(
        read("index.csv").await.unwrap(),
        "month\n2026-11\n".as_bytes()
    );
    assert_eq!(
        read("2026/11/day-30.csv").await.unwrap(),
        "id,total\n1,5\n".as_bytes()
    );
    // As flyteidl parsed them: each file's path, under the folder's root.
    let sent: Vec<(String, String)> = admin
        .requests()
        .iter()
        .filter(|r| r["method"] == "CreateUploadLocation")
        .map(|r| {
            let field = |k: &str| r["request"][k].as_str().unwrap().to_string();
            (field("filename"), field("filenameRoot"))
        })
        .collect();
    assert_eq!(
        sent,
        [
            ("2026/11/day-30.csv".to_string(), root.clone()),
            ("index.csv".to_string(), root.clone())
        ]
    );

    // An empty folder has nothing to send, and says so before anything is launched.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let input = format!("d={}", empty.display());
    let args = ["app", "run", "keep_dir_wf", "-i", &input, "--remote"];
    let err = flytekit::cli::App::new()
        .workflow(&keep_dir_wf {})
        .run_to(
            args.iter().chain(&cluster),
            &mut Vec::new(),
            &mut std::io::sink(),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("the folder has no files to send"),
        "{err}"
    );
    let launched = admin
        .requests()
        .iter()
        .filter(|r| r["method"] == "CreateExecution")
        .count();
    assert_eq!(launched, 1, "only the first run was launched");
}

/// A task in a pod template: its primary container starts the build as well.
#[task(pod_template = PodTemplate::new(serde_json::json!({"nodeSelector": {"pool": "gpu"}})))]
fn in_pod(x: i64) -> i64 {
    x
}

#[tokio::test]
async fn register_fast_uploads_this_build_and_starts_tasks_through_fast_execute() {
    let bucket = support::s3_bucket();
    let admin = Admin::start();
    let endpoint = format!("127.0.0.1:{}", admin.port);
    let mut out = Vec::new();
    let app = || {
        flytekit::cli::App::new()
            .workflow(&echo_wf {})
            .task(&in_pod {})
    };
    let args = ["app", "register", "--fast"];
    app()
        .run_to(
            args.iter().chain(&args_of_cluster(&endpoint)),
            &mut out,
            &mut std::io::sink(),
        )
        .await
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.ends_with(": 4 new, 0 already there\n"), "{out}");

    let requests = admin.requests();
    let task = |name: &str| {
        requests
            .iter()
            .find(|r| r["method"] == "CreateTask" && r["request"]["id"]["name"] == name)
            .unwrap_or_else(|| panic!("no CreateTask for {name}"))["request"]["spec"]["template"]
            .clone()
    };
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    };
    let args = strings(&task("remote.echo")["container"]["args"]);
    // The image's program is the bootstrap; the build runs `execute`.
    assert!(args[0].starts_with("/usr/local/bin/"), "{args:?}");
    assert_eq!(args[1], "fast-execute");
    assert_eq!(args[2], "--additional-distribution");
    assert!(
        args[3].starts_with(&format!("s3://{bucket}/flytesnacks/development/")),
        "{args:?}"
    );
    // Into the working folder, as pyflyte's fast registration.
    assert_eq!(&args[4..6], ["--dest-dir", "."]);
    assert_eq!(args[6], "--digest");
    assert_eq!(&args[8..10], ["--", "execute"]);
    // The uploaded build is this program, byte for byte.
    let this = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    assert_eq!(args[7], sha256_hex(&this));
    let uploaded = flytekit::data::FileAccess::shared()
        .get(&args[3])
        .await
        .unwrap();
    assert!(uploaded == this, "the uploaded build is not this program");

    // A pod template's primary container starts the same bootstrap.
    let pod = task("remote.in_pod");
    let containers = pod["k8sPod"]["podSpec"]["containers"].as_array().unwrap();
    let pod_args = strings(&containers[0]["args"]);
    assert_eq!(pod_args[1..10], args[1..10], "{pod_args:?}");
    assert_eq!(pod_args.last().unwrap(), "remote.in_pod");

    // `run --remote --fast` ships the same build: the same upload location, so the
    // same version holds nothing new, and the run goes through.
    let mut out = Vec::new();
    let run = [
        "app", "run", "echo_wf", "--path", "x", "--remote", "--fast", "--wait", "--poll", "10ms",
    ];
    app()
        .run_to(
            run.iter().chain(&args_of_cluster(&endpoint)),
            &mut out,
            &mut std::io::sink(),
        )
        .await
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.ends_with("o0 = \"x\"\n"), "{out}");
    let creates = admin
        .requests()
        .iter()
        .filter(|r| r["method"] == "CreateTask")
        .count();
    assert_eq!(creates, 4, "both tasks sent again, and taken as identical");
}

#[tokio::test]
async fn register_fast_with_binary_ships_that_build_and_names_it_in_the_image() {
    let admin = Admin::start();
    let endpoint = format!("127.0.0.1:{}", admin.port);
    // A Linux build made elsewhere: here the demo's.
    let binary = support::example_binary("custom_task_plugin");
    let args = [
        "app",
        "register",
        "--fast",
        "--version",
        "f2",
        "--endpoint",
        &endpoint,
        "--insecure",
        "--image",
        "ghcr.io/acme/app:1",
        "--binary",
        binary.to_str().unwrap(),
    ];
    flytekit::cli::App::new()
        .workflow(&echo_wf {})
        .run_to(args, &mut std::io::sink(), &mut std::io::sink())
        .await
        .unwrap();
    let requests = admin.requests();
    let template = &requests
        .iter()
        .find(|r| r["method"] == "CreateTask" && r["request"]["id"]["name"] == "remote.echo")
        .expect("CreateTask for remote.echo")["request"]["spec"]["template"];
    let args: Vec<&str> = template["container"]["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    // The image holds the bootstrap under the build's name; the build is that file.
    assert_eq!(args[0], "/usr/local/bin/custom_task_plugin");
    let bytes = std::fs::read(&binary).unwrap();
    assert_eq!(args[7], sha256_hex(&bytes));
    let uploaded = flytekit::data::FileAccess::shared()
        .get(args[3])
        .await
        .unwrap();
    assert!(uploaded == bytes, "the uploaded build is not --binary's");
    assert!(args[3].ends_with("/custom_task_plugin"), "{args:?}");
}

#[tokio::test]
async fn run_remote_with_image_auto_pushes_the_image_the_tasks_name() {
    let admin = Admin::start();
    let endpoint = format!("127.0.0.1:{}", admin.port);
    let registry = support::oci::registry();
    let repo = format!("{registry}/remote/auto");
    // The image holds the demo's build (this test binary is no program a pod runs).
    let binary = support::example_binary("custom_task_plugin");
    let image = format!("auto:{}", support::oci::base());
    let args = [
        "app",
        "run",
        "echo_wf",
        "--path",
        "x",
        "--remote",
        "--wait",
        "--poll",
        "10ms",
        "--version",
        "auto1",
        "--endpoint",
        &endpoint,
        "--insecure",
        "--image",
        &image,
        "--repo",
        &repo,
        "--insecure-registry",
        &registry,
        "--binary",
        binary.to_str().unwrap(),
    ];
    let (mut out, mut err) = (Vec::new(), Vec::new());
    flytekit::cli::App::new()
        .workflow(&echo_wf {})
        .run_to(args, &mut out, &mut err)
        .await
        .unwrap();
    let said = String::from_utf8(err).unwrap();
    let pushed = said
        .lines()
        .find_map(|l| {
            l.strip_prefix("pushed ")?
                .split_once(": uploaded")
                .map(|(r, _)| r)
        })
        .unwrap_or_else(|| panic!("{said}"))
        .to_string();
    assert!(pushed.starts_with(&format!("{repo}:rs-")), "{pushed}");
    let requests = admin.requests();
    let container = &requests
        .iter()
        .find(|r| r["method"] == "CreateTask" && r["request"]["id"]["name"] == "remote.echo")
        .expect("CreateTask for remote.echo")["request"]["spec"]["template"]["container"];
    assert_eq!(container["image"], pushed.as_str());
    assert_eq!(container["args"][0], "/usr/local/bin/custom_task_plugin");
    assert!(String::from_utf8(out).unwrap().ends_with("o0 = \"x\"\n"));
}

fn args_of_cluster(endpoint: &str) -> [&str; 7] {
    [
        "--version",
        "f1",
        "--endpoint",
        endpoint,
        "--insecure",
        "--image",
        "ghcr.io/acme/app:1",
    ]
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
