//! Operating executions from the command line against the stand-in flyteadmin
//! (`admin_operate.py`): listing, a node's attempts and data, relaunch, recover,
//! terminate, launch plans on and off, gates, and `debug` of a failed node on its
//! real inputs in S3.

use flytekit::cli::{App, CliError};
use flytekit::prelude::*;
use flytekit::task::ErrorChain;
use flytekit::workflow::gate::{approve, wait_for_input};

use super::admin::Admin;

/// Fails on a path that starts with `fail`, as the stand-in's cluster does.
#[task(name = "remote.guarded", retries = 1)]
fn guarded(path: String) -> Result<String, std::io::Error> {
    match path.strip_prefix("fail") {
        Some(_) => Err(std::io::Error::other(format!("cannot read {path}"))),
        None => Ok(format!("read {path}")),
    }
}

#[workflow(name = "remote.guarded_wf")]
fn guarded_wf(path: String) -> String {
    guarded(path)
}

/// The same task after its fix, as a new build of the program has it.
#[task(name = "remote.guarded", retries = 1)]
fn guarded_fixed(path: String) -> String {
    format!("fixed: {path}")
}

#[workflow(name = "remote.guarded_wf")]
fn guarded_fixed_wf(path: String) -> String {
    guarded_fixed(path)
}

#[workflow(name = "remote.outer_wf")]
fn outer_wf(path: String) -> String {
    guarded_wf(path)
}

#[workflow(name = "remote.mapped_wf")]
fn mapped_wf(paths: Vec<String>) -> Vec<String> {
    map_task(guarded).over(paths)
}

#[task]
fn ship(x: i64, ok: bool) -> i64 {
    if ok { x } else { -1 }
}

#[workflow]
fn gated(x: i64) -> i64 {
    let ok: Promise<bool> = wait_for_input("approve-deploy", "1h");
    let y = approve(x, "release", "2h");
    ship(y, ok)
}

async fn cli(app: fn() -> App, args: &[&str]) -> (String, Result<(), CliError>) {
    let mut out = Vec::new();
    let args = std::iter::once("app").chain(args.iter().copied());
    let result = app().run_to(args, &mut out, &mut std::io::sink()).await;
    (String::from_utf8(out).unwrap(), result)
}

fn app() -> App {
    App::new()
        .workflow(&guarded_wf {})
        .workflow(&gated {})
        .workflow(&mapped_wf {})
        .workflow(&outer_wf {})
}

/// A stand-in flyteadmin and the flags that reach it.
struct Cluster {
    _admin: Admin,
    endpoint: String,
}

impl Cluster {
    fn start() -> Cluster {
        let admin = Admin::start();
        let endpoint = format!("127.0.0.1:{}", admin.port);
        Cluster {
            _admin: admin,
            endpoint,
        }
    }

    /// `--endpoint` and `--insecure`.
    fn connect(&self) -> [&str; 3] {
        ["--endpoint", self.endpoint.as_str(), "--insecure"]
    }

    /// `run ARGS --remote` without waiting: the execution's name.
    async fn launch(&self, args: &[&str]) -> String {
        let image = ["--remote", "--image", "ghcr.io/acme/app:1"];
        let (out, result) = cli(app, &[&["run"][..], args, &image, &self.connect()].concat()).await;
        result.unwrap();
        launched(&out)
    }

    /// `app ARGS` against this flyteadmin.
    async fn cli(&self, args: &[&str]) -> (String, Result<(), CliError>) {
        cli(app, &[args, &self.connect()[..]].concat()).await
    }
}

/// The execution name `run --remote` printed.
fn launched(out: &str) -> String {
    out.strip_prefix("execution ")
        .and_then(|l| l.split(':').next())
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn executions_are_listed_inspected_relaunched_recovered_and_debugged_here() {
    let admin = Admin::start();
    let endpoint = format!("127.0.0.1:{}", admin.port);
    let connect = ["--endpoint", endpoint.as_str(), "--insecure"];
    let cluster = [&connect[..], &["--image", "ghcr.io/acme/app:1"]].concat();
    let run = |path: &'static str| {
        [
            &[
                "run",
                "remote.guarded_wf",
                "--path",
                path,
                "--remote",
                "--wait",
                "--poll",
                "10ms",
            ][..],
            &cluster,
        ]
        .concat()
    };
    let (out, result) = cli(app, &run("gs://b/ok")).await;
    result.unwrap();
    let ok = launched(&out);
    let (out, result) = cli(app, &run("fail://b/disk")).await;
    assert!(result.is_err());
    let failed = launched(&out);

    // The newest first, with their launch plan and phase; filtered by phase.
    let (out, result) = cli(app, &[&["executions"][..], &connect].concat()).await;
    result.unwrap();
    let rows: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0],
        ["NAME", "LAUNCH", "PLAN", "PHASE", "STARTED", "DURATION"],
        "{out}"
    );
    // The stand-in's clock: each execution a second after the one before.
    assert_eq!(
        rows[1],
        [
            failed.as_str(),
            "remote.guarded_wf",
            "FAILED",
            "2023-11-14T22:13:21Z",
            "3s"
        ],
        "{out}"
    );
    assert_eq!(
        rows[2][..3],
        [ok.as_str(), "remote.guarded_wf", "SUCCEEDED"],
        "{out}"
    );
    assert_eq!(rows.len(), 3, "{out}");
    let (out, result) = cli(
        app,
        &[
            &["executions", "--phase", "failed", "--limit", "5"][..],
            &connect,
        ]
        .concat(),
    )
    .await;
    result.unwrap();
    assert_eq!(out.lines().count(), 2, "{out}");
    let (_, result) = cli(
        app,
        &[&["executions", "--phase", "done"][..], &connect].concat(),
    )
    .await;
    assert!(
        result
            .unwrap_err()
            .to_string()
            .contains("`done` is not a phase")
    );

    // A failed node: its attempts, errors and log links; its inputs and outputs.
    let (out, result) = cli(
        app,
        &[&["fetch", failed.as_str(), "--nodes"][..], &connect].concat(),
    )
    .await;
    assert!(
        result
            .unwrap_err()
            .to_string()
            .contains("failed: fail://b/disk")
    );
    assert!(
        out.contains("n0  FAILED  1.5s  2 attempt(s)  remote.guarded"),
        "{out}"
    );
    assert!(
        out.contains("  attempt 2: FAILED  700ms\n    error: fail://b/disk"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "    log Kubernetes Logs: https://logs.example/{failed}/n0/1"
        )),
        "{out}"
    );
    let (out, result) = cli(
        app,
        &[&["fetch", ok.as_str(), "--node", "n0"][..], &connect].concat(),
    )
    .await;
    result.unwrap();
    assert_eq!(
        out,
        "inputs:\n  path = \"gs://b/ok\"\noutputs:\n  o0 = \"gs://b/ok\"\n"
    );

    // The run report a local run writes, for the remote execution.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let page_arg = page.to_str().unwrap();
    let (out, result) = cli(
        app,
        &[
            &["fetch", failed.as_str(), "--report", page_arg][..],
            &connect,
        ]
        .concat(),
    )
    .await;
    assert!(result.is_err(), "the execution failed");
    assert!(out.contains(&format!("report: {page_arg}")), "{out}");
    let html = std::fs::read_to_string(&page).unwrap();
    for needle in [failed.as_str(), "remote.guarded_wf/n0", "fail://b/disk"] {
        assert!(html.contains(needle), "{needle} in the report");
    }

    // The failure reproduced here on its inputs as they are in S3, then gone with the
    // fixed build.
    let (out, result) = cli(
        app,
        &[&["debug", failed.as_str(), "n0"][..], &connect].concat(),
    )
    .await;
    let text = ErrorChain::new(&result.unwrap_err()).to_string();
    assert!(
        text.contains("task `remote.guarded`) failed on attempt 2 of 2"),
        "{text}"
    );
    assert!(text.contains("cannot read fail://b/disk"), "{text}");
    assert_eq!(out, "");
    let fixed = || App::new().workflow(&guarded_fixed_wf {});
    let (out, result) = cli(
        fixed,
        &[
            &["debug", failed.as_str(), "n0", "--attempt", "1"][..],
            &connect,
        ]
        .concat(),
    )
    .await;
    result.unwrap();
    assert_eq!(out, "o0 = \"fixed: fail://b/disk\"\n");
    let (_, result) = cli(
        app,
        &[&["debug", failed.as_str(), "n9"][..], &connect].concat(),
    )
    .await;
    assert_eq!(
        result.unwrap_err().to_string(),
        format!("debug: execution {failed} has no node `n9` (it has: n0)")
    );
    let reads = admin.requests();
    assert!(
        reads.iter().any(|r| r["method"] == "ListTaskExecutions"),
        "attempts were listed"
    );

    // Again under a new name; recovered (only a failed one); terminated.
    let (out, result) = cli(app, &[&["relaunch", ok.as_str()][..], &connect].concat()).await;
    result.unwrap();
    assert!(out.contains(&format!("(relaunched from {ok})")), "{out}");
    let (out, result) = cli(app, &[&["recover", failed.as_str()][..], &connect].concat()).await;
    result.unwrap();
    assert!(out.contains(&format!("(recovered from {failed})")), "{out}");
    let (_, result) = cli(app, &[&["recover", ok.as_str()][..], &connect].concat()).await;
    assert!(
        result
            .unwrap_err()
            .to_string()
            .contains("only a failed execution can be recovered")
    );
    let (out, result) = cli(
        app,
        &[
            &["terminate", ok.as_str(), "--cause", "wrong data"][..],
            &connect,
        ]
        .concat(),
    )
    .await;
    result.unwrap();
    assert_eq!(out, format!("execution {ok}: terminating (wrong data)\n"));
    let requests = admin.requests();
    let kinds: Vec<&str> = requests
        .iter()
        .filter_map(|r| r["method"].as_str())
        .collect();
    for call in [
        "RelaunchExecution",
        "RecoverExecution",
        "TerminateExecution",
    ] {
        assert!(kinds.contains(&call), "{call} in {kinds:?}");
    }
}

#[tokio::test]
async fn a_map_tasks_item_is_debugged_on_its_item_of_the_lists() {
    let cluster = Cluster::start();
    let paths = r#"["gs://b/a", "fail://b/c"]"#;
    let name = cluster
        .launch(&["remote.mapped_wf", "--paths", paths])
        .await;
    let debug = |extra: &[&'static str]| [&["debug", name.as_str(), "n0"][..], extra].concat();
    let (_, result) = cluster.cli(&debug(&[])).await;
    assert_eq!(
        result.unwrap_err().to_string(),
        "debug: node `n0` maps task `remote.guarded` over lists: say which item with --item N (0 for the first)"
    );
    let (out, result) = cluster.cli(&debug(&["--item", "0"])).await;
    result.unwrap();
    assert_eq!(out, "o0 = \"read gs://b/a\"\n");
    let (_, result) = cluster.cli(&debug(&["--item", "1"])).await;
    let text = ErrorChain::new(&result.unwrap_err()).to_string();
    assert!(text.contains("cannot read fail://b/c"), "{text}");
    let (_, result) = cluster.cli(&debug(&["--item", "2"])).await;
    let text = result.unwrap_err().to_string();
    assert!(text.contains("it has 2 items, no item 2"), "{text}");
}

#[tokio::test]
async fn a_subworkflows_nodes_are_listed_under_it_and_debugged_by_their_id() {
    let cluster = Cluster::start();
    let name = cluster
        .launch(&["remote.outer_wf", "--path", "fail://b/deep"])
        .await;
    let (out, _) = cluster.cli(&["fetch", name.as_str(), "--nodes"]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[1].starts_with("n0  FAILED  1.5s  0 attempt(s)"),
        "{out}"
    );
    let child = "  n0-0-n0  FAILED  1.5s  2 attempt(s)  remote.guarded";
    assert!(
        lines.iter().any(|l| l.starts_with(child)),
        "the child indented under its parent: {out}"
    );
    let (_, result) = cluster.cli(&["debug", name.as_str(), "n0-0-n0"]).await;
    let text = ErrorChain::new(&result.unwrap_err()).to_string();
    assert!(text.contains("cannot read fail://b/deep"), "{text}");
    let (_, result) = cluster.cli(&["debug", name.as_str(), "n0"]).await;
    let text = result.unwrap_err().to_string();
    assert!(
        text.contains("runs no task (a branch, gate or workflow node)"),
        "{text}"
    );
}

#[tokio::test]
async fn gates_are_listed_and_answered_by_their_type_and_launch_plans_turned_off() {
    let admin = Admin::start();
    let endpoint = format!("127.0.0.1:{}", admin.port);
    let connect = ["--endpoint", endpoint.as_str(), "--insecure"];
    let cluster = [&connect[..], &["--image", "ghcr.io/acme/app:1"]].concat();
    let (out, result) = cli(
        app,
        &[
            &["run", "remote.operate.gated", "--x", "3", "--remote"][..],
            &cluster,
        ]
        .concat(),
    )
    .await;
    result.unwrap();
    let name = launched(&out);
    let (out, result) = cli(app, &[&["signals", name.as_str()][..], &connect].concat()).await;
    result.unwrap();
    assert_eq!(
        out,
        "SIGNAL          TYPE     VALUE\napprove-deploy  boolean  (waiting)\nrelease         boolean  (waiting)\n"
    );
    let (_, result) = cli(
        app,
        &[
            &["signal", name.as_str(), "approve-deploy", "maybe"][..],
            &connect,
        ]
        .concat(),
    )
    .await;
    assert!(
        ErrorChain::new(&result.unwrap_err())
            .to_string()
            .contains("not a boolean")
    );
    let (_, result) = cli(
        app,
        &[&["approve", name.as_str(), "deploy"][..], &connect].concat(),
    )
    .await;
    assert!(
        result
            .unwrap_err()
            .to_string()
            .contains("waits on no such signal (it has: approve-deploy, release)")
    );
    let (out, result) = cli(
        app,
        &[
            &["signal", name.as_str(), "approve-deploy", "true"][..],
            &connect,
        ]
        .concat(),
    )
    .await;
    result.unwrap();
    assert_eq!(
        out,
        format!("execution {name}: signal approve-deploy = true\n")
    );
    let (_, result) = cli(
        app,
        &[&["reject", name.as_str(), "release"][..], &connect].concat(),
    )
    .await;
    result.unwrap();
    let (out, _) = cli(app, &[&["signals", name.as_str()][..], &connect].concat()).await;
    assert!(
        out.contains("approve-deploy  boolean  true\nrelease         boolean  false"),
        "{out}"
    );

    // The newest version unless one is given.
    let (out, result) = cli(
        app,
        &[
            &["launchplan", "deactivate", "remote.guarded_wf"][..],
            &connect,
        ]
        .concat(),
    )
    .await;
    result.unwrap();
    assert!(
        out.starts_with("launch plan remote.guarded_wf version rs-"),
        "{out}"
    );
    assert!(out.ends_with(": inactive\n"), "{out}");
    let (out, result) = cli(
        app,
        &[
            &[
                "launchplan",
                "activate",
                "remote.guarded_wf",
                "--version",
                "v9",
            ][..],
            &connect,
        ]
        .concat(),
    )
    .await;
    assert!(
        result.unwrap_err().to_string().contains("UpdateLaunchPlan"),
        "{out}"
    );
    let updates: Vec<_> = admin
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "UpdateLaunchPlan")
        .collect();
    assert_eq!(updates.len(), 2);
    assert_eq!(
        updates[0]["request"].get("state"),
        None,
        "INACTIVE is the default, left out"
    );
    assert_eq!(updates[1]["request"]["state"], "ACTIVE");
}

#[tokio::test]
async fn execution_options_listing_signals_and_terminate_send_flytekits_requests() {
    // flytekit's FlyteRemote launches the Python twin of `echo_wf` with every option,
    // lists, asks for signals and terminates...
    let theirs = Admin::start();
    super::admin::flytekit_remote(&theirs, Some("operate"));
    // ... and so does our command line, with pyflyte's flags.
    let ours = Admin::start();
    let endpoint = format!("127.0.0.1:{}", ours.port);
    let connect = ["--endpoint", endpoint.as_str(), "--insecure"];
    let echo = || App::new().workflow(&super::echo_wf {});
    let (out, result) = cli(
        echo,
        &[
            &[
                "run",
                "remote.echo_wf",
                "--path",
                "s3://b/x.csv",
                "--remote",
                "--image",
                "ghcr.io/acme/app:1",
                "--version",
                "v1",
                "--name",
                "nightly-1",
                "--labels",
                "team=ml",
                "--annotations",
                "acme.io/owner=data",
                "--raw-output-data-prefix",
                "s3://b/raw",
                "--service-account",
                "etl",
                "--max-parallelism",
                "4",
                "--overwrite-cache",
                "--env",
                "MODE=fast",
                "--tags",
                "nightly",
                "--cluster-pool",
                "gpu",
            ][..],
            &connect,
        ]
        .concat(),
    )
    .await;
    result.unwrap();
    assert!(out.starts_with("execution nightly-1: "), "{out}");
    for args in [
        &["executions", "--limit", "10"][..],
        &["signals", "nightly-1"],
        &["terminate", "nightly-1", "--cause", "wrong data"],
    ] {
        let (_, result) = cli(echo, &[args, &connect[..]].concat()).await;
        result.unwrap();
    }
    let methods = [
        "CreateExecution",
        "ListExecutions",
        "ListSignals",
        "TerminateExecution",
    ];
    let differences = super::admin::request_differences(&theirs, &ours, &methods);
    assert_eq!(
        differences.trim(),
        "",
        "differences from flytekit's requests:\n{differences}"
    );
}
