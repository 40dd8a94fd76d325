//! The run report (`RunOptions::report`, `run --report`): what the page holds, checked
//! in the HTML and in a real browser. Headless Chromium (Debian's `chromium`, which
//! `.ci/test` installs) loads each page; the test fails on any script error and checks
//! that the graph and every node are on the page after its script ran.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use flytekit::execution::{NodeStatus, Report, RunOptions};
use flytekit::prelude::*;

/// Halves even numbers; odd ones fail (permanently, so no retry hides it).
#[task]
fn halve(x: i64) -> Result<i64, String> {
    if x % 2 == 1 {
        Err(format!("{x} is odd"))
    } else {
        Ok(x / 2)
    }
}

/// Fails its first attempt, then succeeds: a retry on the timeline.
#[task(retries = 2)]
fn flaky(xs: Vec<Option<i64>>) -> Result<i64, flytekit::task::TaskError> {
    let ctx = ExecutionContext::current().expect("runs as a task");
    if ctx.attempt() == 1 {
        return Err(flytekit::task::TaskError::failed(std::io::Error::other(
            "first attempt",
        )));
    }
    Ok(xs.iter().flatten().sum())
}

/// Writes a deck.
#[task(enable_deck)]
fn summarize(total: i64) -> String {
    let ctx = ExecutionContext::current().expect("runs as a task");
    ctx.deck("Summary")
        .markdown(&format!("# Total\nThe total is **{total}**."))
        .table(
            ["name", "value"],
            [["total".to_string(), total.to_string()]],
        );
    format!("total {total}")
}

#[task]
fn negate(x: i64) -> i64 {
    -x
}

#[workflow]
fn inner(x: i64) -> i64 {
    negate(negate(x))
}

#[workflow]
fn pipeline(xs: Vec<i64>) -> (String, i64) {
    let halves = map_task(&halve).min_success_ratio(0.5).over(xs);
    let total = flaky(halves);
    let sign = when(total > 0)
        .then(|| inner(total))
        .otherwise(|| negate(total));
    (summarize(total), sign)
}

/// A chain of `n` tasks and a map of `n` items: 2n + 1 nodes.
#[task]
fn add_one(x: i64) -> i64 {
    x + 1
}

#[task]
fn items(n: i64) -> Vec<i64> {
    (0..n).collect()
}

#[workflow]
fn wide(n: i64) -> Vec<i64> {
    map_task(&add_one).over(items(n))
}

/// Outputs declared in an order that is not the alphabet's.
#[task(outputs(zeta, alpha))]
fn split(x: i64) -> (i64, i64) {
    (x, -x)
}

#[task]
fn refuse(x: i64) -> Result<i64, String> {
    Err(format!("{x} refused"))
}

/// Nine boxes wide (wider than a 1,400 px window), ending in a branch whose case fails.
#[workflow]
fn long_then_fail(x: i64) -> i64 {
    let (zeta, alpha) = split(x);
    let y = add_one(add_one(add_one(add_one(add_one(alpha)))));
    when(y < zeta).then(|| refuse(y)).otherwise(|| add_one(y))
}

/// The workflow's own outputs, declared out of the alphabet's order.
#[workflow(outputs(zeta, alpha))]
fn declared_order(x: i64) -> (i64, i64) {
    split(x)
}

fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.exists(),
        "the report's browser test needs Chromium at {} (Debian's `chromium`; `bash .ci/test` installs it; set CHROMIUM to another binary)",
        path.display()
    );
    path
}

/// The DOM after the page's script ran, and what Chromium logged to its console.
fn load_in_chromium(page: &Path) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--window-size=1400,900",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium starts");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Fails on any script error the page or Chromium saw.
fn assert_no_script_error(dom: &str, console: &str) {
    assert!(
        !dom.contains("data-error="),
        "a script error on the page: {dom}"
    );
    let errors: Vec<&str> = console
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(errors.is_empty(), "console messages: {errors:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_shows_the_graph_every_node_values_retries_and_decks_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out/report.html");
    let report = Arc::new(Report::to_file(&file));
    let options = RunOptions::default().no_cache().observe(report.clone());
    let (text, sign) = pipeline::run_with(&options, (vec![2, 4, 5, 8],))
        .await
        .unwrap();
    assert_eq!((text.as_str(), sign), ("total 7", 7));
    assert_eq!(report.written(), Some(Ok(file.clone())));
    let html = std::fs::read_to_string(&file).unwrap();
    assert_eq!(report.html().as_deref(), Some(html.as_str()));

    // Self-contained: nothing is loaded from anywhere.
    for outside in ["src=", "href=", "http://", "https://", "@import"] {
        assert!(!html.contains(outside), "the page refers to `{outside}`");
    }
    // The top graph: a box per node, coloured by how it ended.
    let spec = pipeline::spec();
    for node in &spec.nodes {
        let path = format!("{}/{}", spec.name, node.id);
        assert!(
            html.contains(&format!("data-path=\"{path}\"")),
            "no box for {path}"
        );
    }
    assert!(html.contains("class=\"node st-succeeded\" data-path=\"local.report.pipeline/n0\""));

    let (dom, console) = load_in_chromium(&file);
    assert_no_script_error(&dom, &console);
    // 4 map items, flaky, the branch's subworkflow's 2 negates, summarize.
    assert!(dom.contains("data-ready=\"8\""), "{dom}");
    assert_eq!(dom.matches("<tr class=\"node st-").count(), 8, "{dom}");
    for path in [
        "local.report.pipeline/n0[0]",
        "local.report.pipeline/n0[2]",
        "local.report.pipeline/n1",
        "local.report.pipeline/n2/case0/n0/local.report.inner/n0",
        "local.report.pipeline/n2/case0/n0/local.report.inner/n1",
        "local.report.pipeline/n3",
    ] {
        assert!(
            dom.contains(&format!("data-path=\"{path}\"")),
            "no row for {path}: {dom}"
        );
    }
    assert!(
        dom.contains("<tr class=\"node st-failed\" data-path=\"local.report.pipeline/n0[2]\">"),
        "{dom}"
    );
    assert!(
        dom.contains("<g class=\"node st-succeeded\" data-path=\"local.report.pipeline/n0\""),
        "the map met its ratio: {dom}"
    );
    assert!(dom.contains("<svg id=\"graph\""), "{dom}");
    // The retry is drawn on flaky's bar, and its first attempt's error is in the data.
    assert!(dom.contains("class=\"attempt failed\""), "{dom}");
    assert!(html.contains("first attempt"));
    assert!(html.contains("5 is odd"));
    // Values and the deck travel in the page's data.
    assert!(
        html.contains("The total is \\u003cstrong>7\\u003c/strong>."),
        "{html}"
    );
    assert!(
        html.contains("<th>xs</th><td><pre>[\n  2,\n  4,\n  5,\n  8\n]</pre>"),
        "{html}"
    );
    assert!(
        html.contains("[\"xs\",\"[\\n  1,\\n  2,\\n  null,\\n  4\\n]\"]"),
        "{html}"
    );
    assert!(
        html.contains("<th>o0</th><td><pre>&quot;total 7&quot;</pre>"),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_run_reports_its_error_and_the_nodes_it_never_ran() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("failed.html");
    let options = RunOptions::default().no_cache().report(&file);
    let err = pipeline::run_with(&options, (vec![1, 3, 5],))
        .await
        .unwrap_err();
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.contains("<b class=\"badge\">failed</b>"));
    assert!(html.contains("id=\"run-error\""));
    assert!(
        html.contains(&flytekit::task::escape_html(&err.to_string())),
        "{html}"
    );
    // The map failed; the nodes after it never ran.
    assert!(html.contains("class=\"node st-failed\" data-path=\"local.report.pipeline/n0\""));
    assert!(html.contains("class=\"node st-notrun\" data-path=\"local.report.pipeline/n1\""));
    let (dom, console) = load_in_chromium(&file);
    assert_no_script_error(&dom, &console);
    assert!(dom.contains("data-ready=\"3\""), "{dom}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_of_ten_thousand_nodes_stays_small_and_draws_one_page_of_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.html");
    let report = Arc::new(Report::in_memory());
    let options = RunOptions::default().no_cache().observe(report.clone());
    let out = wide::run_with(&options, (10_000,)).await.unwrap();
    assert_eq!(out.len(), 10_000);
    let html = report.html().unwrap();
    std::fs::write(&file, &html).unwrap();
    // About 200 bytes a node with its values; stated in the README.
    assert!(html.len() < 4_000_000, "{} bytes", html.len());
    eprintln!("a report of 10,001 nodes: {} bytes", html.len());
    let (dom, console) = load_in_chromium(&file);
    assert_no_script_error(&dom, &console);
    assert!(
        dom.contains("data-ready=\"10001\""),
        "{}",
        &dom[..2000.min(dom.len())]
    );
    assert_eq!(dom.matches("<tr class=\"node st-").count(), 200);
    assert!(dom.contains("10001 of 10001 nodes · page 1/51"));
    let _ = NodeStatus::Succeeded;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wide_graph_scrolls_to_the_failed_branch_and_values_keep_their_declared_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.html");
    let options = RunOptions::default().no_cache().report(&file);
    let err = long_then_fail::run_with(&options, (3,)).await.unwrap_err();
    // A case's node is named within the workflow holding the branch.
    let failure = err.failure().unwrap();
    assert_eq!(failure.workflow, "local.report.long_then_fail");
    assert_eq!(failure.node, "n6/case0/n0");
    let html = std::fs::read_to_string(&file).unwrap();
    // The node's outputs as the task declares them: zeta, then alpha.
    let zeta = html
        .find("[\"zeta\",\"3\"]")
        .expect("zeta in the node data");
    let alpha = html
        .find("[\"alpha\",\"-3\"]")
        .expect("alpha in the node data");
    assert!(zeta < alpha, "{html}");

    // At 1,400 px the graph (9 boxes of 248 px) scrolls, to the failed branch.
    let (dom, console) = load_in_chromium(&file);
    assert_no_script_error(&dom, &console);
    assert!(
        dom.contains("data-failed-in-view=\"local.report.long_then_fail/n6\""),
        "{dom}"
    );

    // The workflow's own outputs too.
    let file = dir.path().join("declared.html");
    let options = RunOptions::default().no_cache().report(&file);
    assert_eq!(
        declared_order::run_with(&options, (4,)).await.unwrap(),
        (4, -4)
    );
    let html = std::fs::read_to_string(&file).unwrap();
    let zeta = html.find("<th>zeta</th>").unwrap();
    let alpha = html.find("<th>alpha</th>").unwrap();
    assert!(zeta < alpha, "{html}");
}
