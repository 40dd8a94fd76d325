//! `run`, `list` and `graph`: the commands people use every day, through the same
//! `App` a program builds in `main`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use flytekit::cli::{App, CliError};
use flytekit::prelude::*;

/// Adds `extra` to every item and tags the total.
#[task]
fn total(items: Vec<i64>, extra: i64, tag: String) -> (i64, String) {
    let sum: i64 = items.iter().map(|i| i + extra).sum();
    (sum, format!("{tag}:{sum}"))
}

#[task]
fn describe(weights: HashMap<String, f64>, limit: Option<i64>) -> String {
    let mut keys: Vec<&String> = weights.keys().collect();
    keys.sort();
    format!("{keys:?} limit={limit:?}")
}

#[workflow]
fn tally(items: Vec<i64>, #[default(1)] extra: i64, tag: String) -> (i64, String) {
    total(items, extra, tag)
}

#[workflow]
fn shapes(weights: HashMap<String, f64>, limit: Option<i64>) -> String {
    describe(weights, limit)
}

static FAILS: AtomicU32 = AtomicU32::new(0);

#[task(retries = 1)]
fn always_fails(x: i64) -> Result<i64, std::io::Error> {
    FAILS.fetch_add(1, Ordering::SeqCst);
    Err(std::io::Error::other(format!("no luck with {x}")))
}

#[workflow]
fn doomed(x: i64) -> i64 {
    always_fails(x)
}

#[task]
fn later(at: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    at
}

#[workflow]
fn moment(at: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    later(at)
}

/// A struct output.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, FlyteType)]
struct Summary {
    count: i64,
    mean: f64,
    label: Option<String>,
}

#[task]
fn summarize(items: Vec<i64>) -> Summary {
    let count = items.len() as i64;
    Summary {
        count,
        mean: items.iter().sum::<i64>() as f64 / count.max(1) as f64,
        label: None,
    }
}

#[workflow]
fn summary(items: Vec<i64>) -> (Summary, Vec<Summary>) {
    let s = summarize(items);
    (s, vec![s])
}

/// A sensor that gives up at once and skips (`soft_fail`).
static GONE: std::sync::LazyLock<flytekit::plugins::WaitForObjectStoreFile> =
    std::sync::LazyLock::new(|| {
        flytekit::plugins::WaitForObjectStoreFile::new("gone")
            .poll_interval("10ms")
            .max_wait("30ms")
            .soft_fail(true)
    });

#[task]
fn read_it(path: String) -> String {
    path
}

#[workflow]
fn wait_for_it(path: String) -> String {
    read_it(GONE(path))
}

/// Outputs named out of alphabetical order.
#[workflow(outputs(zeta, alpha))]
fn zeta_first(x: i64) -> (i64, i64) {
    (x, x)
}

fn app() -> App {
    App::new()
        .workflow(&tally {})
        .workflow(&shapes {})
        .workflow(&doomed {})
        .workflow(&summary {})
}

/// Runs the command line; returns stdout, stderr and the result.
async fn cli(args: &[&str]) -> (String, String, Result<(), CliError>) {
    cli_of(app(), args).await
}

async fn cli_of(app: App, args: &[&str]) -> (String, String, Result<(), CliError>) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = std::iter::once("app").chain(args.iter().copied());
    let result = app.run_to(args, &mut out, &mut err).await;
    (
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
        result,
    )
}

#[tokio::test]
async fn run_reads_each_value_by_its_type_and_takes_defaults() {
    let (out, table, result) = cli(&[
        "run",
        "tally",
        "--input",
        "items=[1, 2, 3]",
        "-i",
        "tag=sum",
        "--no-cache",
    ])
    .await;
    result.unwrap();
    // extra took its default, 1.
    assert_eq!(out, "o0 = 9\no1 = \"sum:9\"\n");
    assert!(table.contains("succeeded"), "{table}");
    assert!(table.contains("cli.cli_run.tally/n0"), "{table}");
    assert!(
        table.ends_with("1 node: 1 succeeded, 0 cached, 0 failed\n"),
        "{table}"
    );

    let (out, _, result) = cli(&[
        "run",
        "cli.cli_run.shapes",
        "--input",
        r#"weights={"b": 2, "a": 0.5}"#,
        "--input",
        "limit=none",
    ])
    .await;
    result.unwrap();
    assert_eq!(out, "o0 = \"[\\\"a\\\", \\\"b\\\"] limit=None\"\n");
}

#[tokio::test]
async fn struct_outputs_print_as_json_and_output_json_prints_every_output() {
    let (out, _, result) = cli(&["run", "summary", "-i", "items=[1, 2, 3]", "--no-cache"]).await;
    result.unwrap();
    assert_eq!(
        out,
        "o0 = {\"count\":3,\"label\":null,\"mean\":2.0}\no1 = [{\"count\":3,\"label\":null,\"mean\":2.0}]\n"
    );
    let (out, _, result) = cli(&[
        "run",
        "summary",
        "-i",
        "items=[4]",
        "--no-cache",
        "--output",
        "json",
    ])
    .await;
    result.unwrap();
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "o0": {"count": 1, "mean": 4.0, "label": null},
            "o1": [{"count": 1, "mean": 4.0, "label": null}]
        })
    );
}

#[tokio::test]
async fn an_option_input_left_out_is_none() {
    let (out, _, result) = cli(&["run", "shapes", "--input", r#"weights={"a": 1}"#]).await;
    result.unwrap();
    assert_eq!(out, "o0 = \"[\\\"a\\\"] limit=None\"\n");
}

#[tokio::test]
async fn bad_inputs_are_errors_naming_the_input() {
    let (_, _, result) = cli(&[
        "run",
        "tally",
        "--input",
        "items=[1, x]",
        "--input",
        "tag=t",
    ])
    .await;
    let err = result.unwrap_err();
    let CliError::Input { input, source, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!(input, "items");
    assert!(source.is_some());
    assert!(err.to_string().contains("not a list<integer>"), "{err}");

    let (_, _, result) = cli(&[
        "run",
        "tally",
        "--input",
        "extra=ten",
        "--input",
        "items=[]",
        "--input",
        "tag=t",
    ])
    .await;
    let err = result.unwrap_err();
    let chain = format!("{err}: {}", std::error::Error::source(&err).unwrap());
    assert!(chain.contains("input `extra`"), "{chain}");
    assert!(chain.contains("expected integer, got `ten`"), "{chain}");

    let (_, _, result) = cli(&["run", "tally", "--input", "colour=red"]).await;
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("no such input (it takes: items, extra, tag)"),
        "{err}"
    );

    let (_, _, result) = cli(&["run", "tally", "--input", "tag"]).await;
    assert!(
        result
            .unwrap_err()
            .to_string()
            .contains("write it as `name=value`")
    );

    let (_, _, result) = cli(&["run", "tally", "--input", "tag=a", "--input", "tag=b"]).await;
    assert!(result.unwrap_err().to_string().contains("given twice"));

    let (_, _, result) = cli(&["run", "tally", "--input", "tag=a"]).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, CliError::MissingInputs(m) if m == &["`items` (list<integer>)"]),
        "{err}"
    );

    let (_, _, result) = cli(&["run", "nothing"]).await;
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("no workflow, launch plan or task is named `nothing`"),
        "{err}"
    );
    assert!(err.contains("cli.cli_run.tally"), "{err}");
}

#[tokio::test]
async fn a_failed_run_prints_the_table_and_returns_the_failure() {
    let (out, table, result) = cli(&["run", "doomed", "--input", "x=3"]).await;
    let err = result.unwrap_err();
    assert!(matches!(err, CliError::Run(_)));
    assert!(
        err.to_string().contains("failed on attempt 2 of 2"),
        "{err}"
    );
    assert_eq!(out, "");
    assert!(table.contains("failed"), "{table}");
    assert!(
        table.contains("1 node: 0 succeeded, 0 cached, 1 failed"),
        "{table}"
    );
}

#[tokio::test]
async fn list_shows_every_entity_with_its_interface() {
    let (out, _, result) = cli(&["list"]).await;
    result.unwrap();
    assert!(
        out.contains("  cli.cli_run.total [rust-task] (items: list<integer>, extra: integer, tag: string) -> (o0: integer, o1: string)"),
        "{out}"
    );
    assert!(out.contains("  cli.cli_run.tally (items: list<integer>, extra: integer, tag: string) -> (o0: integer, o1: string), 1 nodes"), "{out}");
    assert!(
        out.contains("launch plans:\n  cli.cli_run.tally -> cli.cli_run.tally"),
        "{out}"
    );
}

#[tokio::test]
async fn graph_draws_nodes_and_bound_variables() {
    let (out, _, result) = cli(&["graph", "tally"]).await;
    result.unwrap();
    assert!(out.starts_with("flowchart LR\n"), "{out}");
    assert!(out.contains("n0[\"n0<br>cli.cli_run.total\"]"), "{out}");
    assert!(
        out.contains("inputs -->|\"items → items, extra → extra, tag → tag\"| n0"),
        "{out}"
    );
    assert!(
        out.contains("n0 -->|\"o0 → o0, o1 → o1\"| outputs"),
        "{out}"
    );

    let (out, _, result) = cli(&["graph", "tally", "--format", "dot"]).await;
    result.unwrap();
    assert!(out.starts_with("digraph \"cli.cli_run.tally\" {"), "{out}");
    assert!(
        out.contains("\"n0\" -> \"outputs\" [label=\"o0 → o0\\no1 → o1\"];"),
        "{out}"
    );

    let (_, _, result) = cli(&["graph", "tally", "--format", "svg"]).await;
    assert!(matches!(result.unwrap_err(), CliError::Args(_)));
}

#[task]
async fn slow_step(x: i64) -> i64 {
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    x + 1
}

#[workflow]
fn three_steps(x: i64) -> (i64, Vec<i64>) {
    let a = slow_step(x);
    let b = slow_step(a);
    (slow_step(b), map_task(&slow_step).over(vec![a, b]))
}

#[tokio::test]
async fn the_progress_line_counts_nodes_as_they_run_and_end() {
    use flytekit::progress::{Counts, Progress};
    let progress = std::sync::Arc::new(Progress::new(three_steps::spec(), false));
    assert_eq!(
        progress.counts().total,
        4,
        "three task nodes and one map node"
    );
    assert_eq!(
        progress.counts().line(),
        "0/4 nodes: 0 running, 0 succeeded, 0 cached, 0 failed"
    );
    let opts = RunOptions::default().observe(progress.clone());
    three_steps::run_with(&opts, (1,)).await.unwrap();
    // The map node's two items are counted as they start.
    assert_eq!(
        progress.counts(),
        Counts {
            running: 0,
            succeeded: 5,
            cached: 0,
            failed: 0,
            skipped: 0,
            total: 5,
        }
    );
    progress.finish();

    let (_, table, result) = cli(&[
        "run",
        "tally",
        "--progress",
        "never",
        "-i",
        "items=[2]",
        "-i",
        "tag=t",
    ])
    .await;
    result.unwrap();
    assert!(table.contains("1 succeeded"), "{table}");
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, FlyteType)]
struct Box2 {
    width: i64,
    height: f64,
    label: String,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, FlyteType)]
enum Unit {
    Cm,
    Inch,
}

#[task]
fn area(b: Box2, unit: Unit, at: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "{} {:.1} {unit:?} at {}",
        b.label,
        b.width as f64 * b.height,
        at.format("%Y-%m-%d")
    )
}

#[workflow]
fn measure(b: Box2, unit: Unit, at: chrono::DateTime<chrono::Utc>) -> String {
    area(b, unit, at)
}

#[tokio::test]
async fn structs_enums_and_datetimes_are_read_from_the_command_line() {
    let app = App::new().workflow(&measure {});
    let (mut out, mut err) = (Vec::new(), Vec::new());
    app.run_to(
        [
            "app",
            "run",
            "measure",
            "-i",
            r#"b={"width": 3, "height": 1.5, "label": "lid"}"#,
            "-i",
            "unit=Inch",
            "-i",
            "at=2024-05-01",
        ],
        &mut out,
        &mut err,
    )
    .await
    .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "o0 = \"lid 4.5 Inch at 2024-05-01\"\n"
    );

    let (mut out, mut err) = (Vec::new(), Vec::new());
    let e = App::new()
        .workflow(&measure {})
        .run_to(
            [
                "app",
                "run",
                "measure",
                "-i",
                r#"b={"width": "wide", "height": 1, "label": "x"}"#,
                "-i",
                "unit=Metre",
                "-i",
                "at=2024-05-01",
            ],
            &mut out,
            &mut err,
        )
        .await
        .unwrap_err();
    let chain = format!("{e}: {}", std::error::Error::source(&e).unwrap());
    assert!(chain.starts_with("input `b`"), "{chain}");
    assert!(chain.contains("field `width`"), "{chain}");
}

#[task]
fn double(x: i64) -> i64 {
    x * 2
}

#[workflow]
fn pick(x: i64) -> i64 {
    let d = double(x);
    when(d > 10).then(|| double(d)).otherwise(|| d)
}

#[tokio::test]
async fn graph_shows_branches_and_what_they_read() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    App::new()
        .workflow(&pick {})
        .run_to(["app", "graph", "pick"], &mut out, &mut err)
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("n1[\"n1<br>branch: 1 case(s), otherwise\"]"),
        "{text}"
    );
    assert!(text.contains("n0 -->|\"o0 → c0\"| n1"), "{text}");
    assert!(text.contains("n1 -->|\"o0 → o0\"| outputs"), "{text}");
}

#[tokio::test]
async fn datetimes_before_1970_and_past_9999_print_without_panicking() {
    for (given, printed) in [
        ("1969-07-20T20:17:00Z", "o0 = 1969-07-20T20:17:00Z\n"),
        // 23:59:59 at -23:59 is a minute before midnight of 10000-01-01 (UTC).
        ("9999-12-31T23:59:59-23:59", "o0 = +10000-01-01T23:58:59Z\n"),
    ] {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let arg = format!("at={given}");
        let args = ["app", "run", "moment", "--input", &arg];
        let result = App::new()
            .workflow(&moment {})
            .run_to(args, &mut out, &mut err)
            .await;
        result.unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out, printed);
    }
}

#[tokio::test]
async fn a_huge_bad_input_is_quoted_once_and_briefly() {
    let huge = format!("items=[{}x]", "1, ".repeat(40_000));
    let (_, _, result) = cli(&["run", "tally", "--input", &huge, "--input", "tag=t"]).await;
    let err = result.unwrap_err();
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    assert!(message.len() < 600, "{} bytes: {message}", message.len());
    assert_eq!(message.matches("[1, 1, 1").count(), 1, "{message}");
    assert!(message.contains("(120003 characters)"), "{message}");
}

#[cfg(unix)]
#[tokio::test]
async fn an_input_that_is_not_utf8_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"tag=caf\xe9");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args: Vec<&std::ffi::OsStr> = ["app", "run", "tally", "--input", "items=[1]", "--input"]
        .iter()
        .map(std::ffi::OsStr::new)
        .chain([bad])
        .collect();
    let result = app().run_to(args, &mut out, &mut err).await;
    let Err(CliError::Input { input, reason, .. }) = result else {
        panic!("{result:?}");
    };
    assert_eq!(input, "tag");
    assert!(reason.contains("not valid UTF-8"), "{reason}");
}

/// `run` of a scheduled launch plan passes now as the kickoff input, as Flyte's
/// scheduler passes the scheduled time; a value given on the command line wins.
#[tokio::test]
async fn run_of_a_scheduled_plan_passes_now_as_the_kickoff_input() {
    use flytekit::launch_plan::Schedule;
    let plan = LaunchPlan::builder("hourly-moment", &moment {})
        .schedule(Schedule::fixed_rate("1h").kickoff_input("at"))
        .build()
        .unwrap();
    let run = |args: &'static [&'static str]| {
        let app = App::new().launch_plan(&plan);
        async move {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let args = ["app", "run", "hourly-moment", "--progress", "never"]
                .into_iter()
                .chain(args.iter().copied());
            app.run_to(args, &mut out, &mut err).await.unwrap();
            String::from_utf8(out).unwrap()
        }
    };
    let before = chrono::Utc::now();
    let out = run(&[]).await;
    let after = chrono::Utc::now();
    let printed = out.trim().strip_prefix("o0 = ").unwrap().trim_matches('"');
    let at: chrono::DateTime<chrono::Utc> = printed.parse().unwrap();
    assert!(before <= at && at <= after, "{before} <= {at} <= {after}");
    let out = run(&["--input", "at=2024-01-02T03:04:05Z"]).await;
    assert!(out.contains("2024-01-02T03:04:05"), "{out}");
}

#[task]
fn gate_pass(x: i64, ok: bool) -> i64 {
    if ok { x } else { -x }
}

#[workflow]
fn gate_flow(x: i64) -> i64 {
    use flytekit::workflow::gate::{approve, wait_for_input};
    let ok: Promise<bool> = wait_for_input("go", "1h");
    gate_pass(approve(x, "release", "1h"), ok)
}

/// `run --signal NAME=VALUE` gives gates their values, read by the gate's type; a
/// signal not given (stdin is not a terminal here) fails naming it.
#[tokio::test]
async fn run_takes_gate_signals_from_the_command_line() {
    let run = |args: &'static [&'static str]| async move {
        let app = App::new().workflow(&gate_flow {});
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let all = [
            "app",
            "run",
            "gate_flow",
            "--progress",
            "never",
            "-i",
            "x=3",
        ];
        let result = app
            .run_to(
                all.into_iter().chain(args.iter().copied()),
                &mut out,
                &mut err,
            )
            .await;
        (String::from_utf8(out).unwrap(), result)
    };
    let (out, result) = run(&["--signal", "go=false", "--signal", "release=true"]).await;
    result.unwrap();
    assert_eq!(out, "o0 = -3\n");
    let (_, result) = run(&["--signal", "release=true"]).await;
    let err = result.unwrap_err();
    let text = flytekit::task::ErrorChain::new(&err).to_string();
    assert!(text.contains("no value for signal `go`"), "{text}");
    let (_, result) = run(&["--signal", "go=maybe", "--signal", "release=true"]).await;
    let text = flytekit::task::ErrorChain::new(&result.unwrap_err()).to_string();
    assert!(text.contains("signal `go`"), "{text}");
}

/// `graph` of a launch plan draws its workflow.
#[tokio::test]
async fn graph_of_a_launch_plan_draws_its_workflow() {
    let plan = LaunchPlan::builder("nightly-tally", &tally {})
        .fixed("tag", "nightly".to_string())
        .build()
        .unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    App::new()
        .launch_plan(&plan)
        .run_to(["app", "graph", "nightly-tally"], &mut out, &mut err)
        .await
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("cli.cli_run.total"), "{out}");
}

#[tokio::test]
async fn a_skipped_run_reads_as_a_skip_with_its_own_exit_code() {
    let missing = std::env::temp_dir().join(format!("gone-{}", std::process::id()));
    let input = format!("path={}", missing.display());
    let app = App::new().workflow(&wait_for_it {});
    let (out, table, result) = cli_of(app, &["run", "wait_for_it", "--input", &input]).await;
    assert_eq!(out, "");
    let err = result.unwrap_err();
    assert!(err.is_skip());
    assert_eq!(err.exit_code(), flytekit::cli::SKIPPED_EXIT_CODE);
    assert_eq!(flytekit::cli::SKIPPED_EXIT_CODE, 3);
    let text = err.to_string();
    assert!(
        text.starts_with("skipped: node `cli.cli_run.wait_for_it/n0` was skipped ("),
        "{text}"
    );
    assert!(
        text.ends_with(
            "; 1 node(s) after it and the workflow's outputs need it (cli.cli_run.wait_for_it/n1)"
        ),
        "{text}"
    );
    assert!(
        table.ends_with("2 nodes: 0 succeeded, 0 cached, 0 failed, 2 skipped\n"),
        "{table}"
    );
    // A failure is not a skip.
    let (_, _, result) = cli(&["run", "doomed", "--input", "x=1"]).await;
    let err = result.unwrap_err();
    assert!(!err.is_skip());
    assert_eq!(err.exit_code(), 1);
}

#[tokio::test]
async fn run_report_writes_the_page_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("tally.html");
    let page_arg = page.display().to_string();
    let (_, table, result) = cli(&[
        "run",
        "tally",
        "-i",
        "items=[1, 2]",
        "-i",
        "tag=t",
        "--no-cache",
        "--report",
        &page_arg,
    ])
    .await;
    result.unwrap();
    assert!(table.ends_with(&format!("report: {page_arg}\n")), "{table}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<b class=\"badge\">succeeded</b>"));
    assert!(html.contains("data-path=\"cli.cli_run.tally/n0\""));
    // A failed run writes its page too.
    let failed = dir.path().join("doomed.html");
    let failed_arg = failed.display().to_string();
    let (_, _, result) = cli(&["run", "doomed", "-i", "x=2", "--report", &failed_arg]).await;
    assert!(result.is_err());
    let html = std::fs::read_to_string(&failed).unwrap();
    assert!(html.contains("<b class=\"badge\">failed</b>"));
    assert!(html.contains("no luck with 2"));
}

#[task]
async fn file_size(f: FlyteFile) -> i64 {
    f.read().await.map(|b| b.len() as i64).unwrap_or(-1)
}

#[workflow]
fn sized(f: FlyteFile) -> i64 {
    file_size(f)
}

#[tokio::test]
async fn a_missing_file_input_is_reported_once_before_the_run_starts() {
    let missing = std::env::temp_dir().join(format!("no-such-file-{}", std::process::id()));
    let input = format!("f={}", missing.display());
    let app = App::new().workflow(&sized {});
    let (out, table, result) = cli_of(app, &["run", "sized", "--input", &input]).await;
    let err = result.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("input `f`: no file at `{}`", missing.display())
    );
    // Nothing ran: no table, no outputs.
    assert_eq!((out.as_str(), table.as_str()), ("", ""));

    let present = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(present.path(), b"12345").unwrap();
    let input = format!("f={}", present.path().display());
    let app = App::new().workflow(&sized {});
    let (out, _, result) = cli_of(app, &["run", "sized", "--input", &input, "--no-cache"]).await;
    result.unwrap();
    assert_eq!(out, "o0 = 5\n");
}

#[tokio::test]
async fn pyflyte_style_input_flags_and_close_names_are_understood() {
    // `--items [1, 2]` and `--tag=x` as pyflyte writes them, beside `-i`.
    let (out, _, result) = cli(&[
        "run",
        "tally",
        "--items",
        "[1, 2]",
        "--tag=x",
        "-i",
        "extra=0",
        "--no-cache",
    ])
    .await;
    result.unwrap();
    assert_eq!(out, "o0 = 3\no1 = \"x:3\"\n");
    // A misspelt input is named with the close one.
    let (_, _, result) = cli(&["run", "tally", "--items", "[1]", "--tga", "x"]).await;
    let text = result.unwrap_err().to_string();
    assert!(
        text.starts_with(
            "input `tga`: `cli.cli_run.tally` takes no such input (did you mean `tag`?)"
        ),
        "{text}"
    );
    // So is a misspelt workflow.
    let (_, _, result) = cli(&["run", "taly", "--items", "[1]"]).await;
    let text = result.unwrap_err().to_string();
    assert!(
        text.starts_with(
            "no workflow, launch plan or task is named `taly` (did you mean `tally`?)"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn a_struct_input_with_a_missing_or_unknown_field_is_refused_before_the_run() {
    let app = || App::new().workflow(&reads_summary {});
    let (_, table, result) = cli_of(
        app(),
        &[
            "run",
            "reads_summary",
            "--s",
            r#"{"count": 2, "mean": 1.5, "lable": "x"}"#,
        ],
    )
    .await;
    let text = flytekit::task::ErrorChain::new(&result.unwrap_err()).to_string();
    assert!(
        text.contains("`Summary` has no field `lable` (did you mean `label`?)"),
        "{text}"
    );
    assert_eq!(table, "", "nothing ran");
    let (_, _, result) = cli_of(app(), &["run", "reads_summary", "--s", r#"{"count": 2}"#]).await;
    let text = flytekit::task::ErrorChain::new(&result.unwrap_err()).to_string();
    assert!(text.contains("`Summary` needs field(s) `mean`"), "{text}");
    // `label` is an Option: it may be left out.
    let (out, _, result) = cli_of(
        app(),
        &[
            "run",
            "reads_summary",
            "--s",
            r#"{"count": 2, "mean": 1.5}"#,
            "--no-cache",
        ],
    )
    .await;
    result.unwrap();
    assert_eq!(out, "o0 = 2\n");
}

#[task]
fn count_of(s: Summary) -> i64 {
    s.count
}

#[workflow]
fn reads_summary(s: Summary) -> i64 {
    count_of(s)
}

#[tokio::test]
async fn a_task_runs_alone_as_pyflyte_runs_one() {
    let app = App::new().workflow(&tally {}).task(&total {});
    let (out, table, result) = cli_of(
        app,
        &[
            "run",
            "total",
            "--items",
            "[1, 2]",
            "--extra",
            "1",
            "--tag",
            "t",
            "--no-cache",
        ],
    )
    .await;
    result.unwrap();
    assert_eq!(out, "o0 = 5\no1 = \"t:5\"\n");
    assert!(table.contains("cli.cli_run.total/n0"), "{table}");
}

#[tokio::test]
async fn run_help_lists_the_workflows_inputs_with_types_and_defaults() {
    // The value of an option before the name is not taken for the name.
    let (out, _, result) = cli(&["run", "--cache-dir", "/tmp/x", "tally", "--help"]).await;
    result.unwrap();
    // `run`'s own options first, then the workflow's inputs as flags.
    assert!(out.contains("--report"), "{out}");
    let inputs = out
        .split("Inputs of workflow `tally`")
        .nth(1)
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        inputs.contains("--items  list<integer> (required)"),
        "{out}"
    );
    assert!(inputs.contains("--extra  integer [default: 1]"), "{out}");
    assert!(inputs.contains("--tag    string (required)"), "{out}");
}

#[tokio::test]
async fn json_outputs_keep_the_declared_order() {
    let app = || App::new().workflow(&zeta_first {});
    let args = ["run", "zeta_first", "--x", "7", "--output", "json"];
    let (out, _, result) = cli_of(app(), &args).await;
    result.unwrap();
    assert_eq!(out, "{\"zeta\":7,\"alpha\":7}\n");
    let (out, _, result) = cli_of(app(), &args[..4]).await;
    result.unwrap();
    assert_eq!(out, "zeta = 7\nalpha = 7\n");
}
