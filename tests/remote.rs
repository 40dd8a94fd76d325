//! The flyteadmin client (`flyte::remote`) against a stand-in flyteadmin written with
//! the flyteidl 1.16 package's own gRPC servicer (`tests/remote/admin_server.py`, run
//! with the flytekit venv's Python, `FLYTEKIT_PYTHON`): registering (new, identical,
//! different), launching, waiting through the phases, outputs, a failed execution,
//! terminating. The server parses every request with flyteidl and records it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use flyte::idl::SerializationSettings;
use flyte::idl::core::{Identifier, ResourceType};
use flyte::prelude::*;
use flyte::registry::Registry;
use flyte::remote::{Phase, Remote, RemoteConfig, RemoteError};
use flyte::types::Literal;

#[task]
fn echo(path: String) -> String {
    path
}

#[workflow]
fn echo_wf(path: String) -> String {
    echo(path)
}

/// A stand-in flyteadmin on a free port of 127.0.0.1; stopped when dropped.
struct Admin {
    child: Child,
    port: u16,
    record: PathBuf,
    _dir: tempfile::TempDir,
}

impl Admin {
    fn start() -> Admin {
        let python = std::env::var_os("FLYTEKIT_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
            panic!("FLYTEKIT_PYTHON is not set: run the tests with `bash .ci/test`, which installs flytekit 1.16.31 (with grpcio and flyteidl)")
        });
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("requests.jsonl");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/remote/admin_server.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(&record)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the admin server said {line:?}"));
        Admin {
            child,
            port,
            record,
            _dir: dir,
        }
    }

    fn config(&self) -> RemoteConfig {
        RemoteConfig {
            endpoint: format!("dns:///127.0.0.1:{}", self.port),
            insecure: true,
        }
    }

    /// The requests the server received, as flyteidl parsed them.
    fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.record)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Admin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn settings(version: &str) -> SerializationSettings {
    SerializationSettings {
        project: "flytesnacks".into(),
        domain: "development".into(),
        version: version.into(),
        image: "ghcr.io/acme/app:1".into(),
        images: Default::default(),
        entrypoint: "/usr/local/bin/app".into(),
    }
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

fn path_input(text: &str) -> flyte::idl::core::LiteralMap {
    let literal: Literal = text.to_string().to_literal();
    flyte::idl::literal_map([("path", &literal)])
}

#[tokio::test]
async fn register_launch_wait_and_read_the_outputs() {
    let admin = Admin::start();
    let remote = Remote::connect(admin.config()).await.unwrap();
    let mut registry = Registry::new();
    registry.workflow(&echo_wf);

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
    let o0 = flyte::idl::literal_from_idl(&outputs.literals["o0"]).unwrap();
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
    registry.workflow(&echo_wf);
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
    let err = Remote::connect(RemoteConfig {
        endpoint: "127.0.0.1:1".into(),
        insecure: true,
    })
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "cannot reach flyteadmin at `127.0.0.1:1`");
}

/// The command line of a program with `echo_wf`, as its user runs it.
async fn cli(args: &[&str]) -> (String, Result<(), flyte::cli::CliError>) {
    let mut out = Vec::new();
    let app = flyte::cli::App::new().workflow(&echo_wf);
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
