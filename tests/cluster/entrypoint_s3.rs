//! Against a real S3-compatible server (s3s-fs on 127.0.0.1, started by `.ci/test`,
//! which exports `AWS_ENDPOINT`, the credentials and `FLYTE_TEST_S3_BUCKET`):
//!
//! - the end-to-end test plays Flyte's engine: it writes each node's `inputs.pb` to
//!   S3, runs the demo binary's `execute` for each task of the seed workflow in turn
//!   (the sensor first, with the file landing a few polls later), binds the next
//!   node's inputs from the outputs it reads back, and runs a task whose file output
//!   is uploaded under the raw-output prefix;
//! - the error path the same way: every failure leaves an `error.pb` that says
//!   whose fault it was and whether Flyte may retry;
//! - the sensor and files in a local run, with S3 as the store.
//!
//! The `outputs.pb` and `error.pb` files are kept under `target/idl-out/parse/` for
//! `tests/idl/check_flyteidl.py`, which parses them with the Python flyteidl package.

use std::path::PathBuf;
use std::process::Output;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use flytekit::data::FileAccess;
use flytekit::idl::{self, core as pb};
use flytekit::plugins::WaitForObjectStoreFile;
use flytekit::prelude::*;
use flytekit::types::Literal;
use prost::Message;

fn bucket() -> String {
    support::s3_bucket()
}

fn prefix(test: &str) -> String {
    support::s3_prefix(test)
}

fn files() -> FileAccess {
    FileAccess::new()
}

fn demo_binary() -> PathBuf {
    support::example_binary("custom_task_plugin")
}

fn string_map(entries: &[(&str, &str)]) -> pb::LiteralMap {
    idl::literal_map(
        entries
            .iter()
            .map(|(k, v)| (*k, (*v).to_string().to_literal()))
            .collect::<Vec<_>>()
            .iter()
            .map(|(k, v)| (*k, v)),
    )
}

async fn put_inputs(at: &str, map: &pb::LiteralMap) {
    files().put(at, map.encode_to_vec()).await.unwrap();
}

async fn read_outputs(prefix: &str) -> pb::LiteralMap {
    let bytes = files().get(&format!("{prefix}/outputs.pb")).await.unwrap();
    keep("flyteidl.core.LiteralMap", prefix, &bytes);
    pb::LiteralMap::decode(bytes.as_ref()).unwrap()
}

async fn read_error(prefix: &str) -> pb::ContainerError {
    let bytes = files().get(&format!("{prefix}/error.pb")).await.unwrap();
    keep("flyteidl.core.ErrorDocument", prefix, &bytes);
    pb::ErrorDocument::decode(bytes.as_ref())
        .unwrap()
        .error
        .unwrap()
}

/// Leaves a file for the flyteidl check, named after its prefix.
fn keep(message: &str, prefix: &str, bytes: &[u8]) {
    let name: String = prefix
        .rsplit('/')
        .take(2)
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    support::keep_for_flyteidl(message, &format!("{name}.pb"), bytes);
}

use crate::support;
/// How Flyte starts a task's container (the placeholders filled in).
fn execute(task: &str, node: &str, base: &str) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(demo_binary());
    cmd.args([
        "execute",
        "--inputs",
        &format!("{base}/{node}/inputs.pb"),
        "--output-prefix",
        &format!("{base}/{node}/out"),
        "--raw-output-data-prefix",
        &format!("{base}/raw"),
        "--checkpoint-path",
        &format!("{base}/{node}/checkpoint"),
        "--prev-checkpoint",
        "\"\"",
        "--",
        "task-name",
        task,
    ])
    .env("FLYTE_INTERNAL_EXECUTION_PROJECT", "flytesnacks")
    .env("FLYTE_INTERNAL_EXECUTION_DOMAIN", "development")
    .env("FLYTE_INTERNAL_EXECUTION_ID", "e2e-run")
    .env("FLYTE_INTERNAL_TASK_NAME", task)
    .env("FLYTE_ATTEMPT_NUMBER", "0")
    .env("RUST_LOG", "info")
    .env_remove("FLYTE_FAIL_ON_ERROR")
    .kill_on_drop(true);
    cmd
}

async fn run(mut cmd: tokio::process::Command) -> Output {
    tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("the entrypoint finishes within a minute")
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn string_output(map: &pb::LiteralMap, name: &str) -> String {
    String::from_literal(&idl::literal_from_idl(&map.literals[name]).unwrap())
        .unwrap_or_else(|e| panic!("`{name}` is not a string: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_workflow_runs_task_by_task_as_flyte_runs_it() {
    let base = prefix("seed");
    let landing = format!("{base}/landing/data.txt");

    // n0: the sensor, started before the file exists.
    put_inputs(
        &format!("{base}/n0/inputs.pb"),
        &string_map(&[("path", &landing)]),
    )
    .await;
    let started = Instant::now();
    let sensor = execute("my-objectstore-sensor", "n0", &base)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The demo polls every second: the file lands after two or three polls.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    files().put(&landing, "Hello World!").await.unwrap();
    let out = tokio::time::timeout(Duration::from_secs(30), sensor.wait_with_output())
        .await
        .expect("the sensor returns once the file is there")
        .unwrap();
    let log = text(&out.stderr);
    assert!(out.status.success(), "{log}");
    assert!(started.elapsed() >= Duration::from_millis(2500));
    // It looked and found nothing before the file landed (three times unless the
    // process was slow to start), then found it.
    let polls = log.matches("Sensing file in path").count();
    let misses = log.matches("does not exist!").count();
    assert!(misses >= 1 && polls == misses + 1, "{polls} polls:\n{log}");
    assert!(
        log.contains(&format!("file in path {landing} exists!")),
        "{log}"
    );
    // The execution's identity reaches the task's logs.
    assert!(log.contains("e2e-run"), "{log}");
    let sensed = read_outputs(&format!("{base}/n0/out")).await;
    assert_eq!(string_output(&sensed, "path"), landing);
    assert!(
        !files()
            .exists(&format!("{base}/n0/out/error.pb"))
            .await
            .unwrap()
    );

    // n1: print_file, its input bound to n0's output as the engine binds it.
    let bound = pb::LiteralMap {
        literals: [("path".to_string(), sensed.literals["path"].clone())].into(),
    };
    put_inputs(&format!("{base}/n1/inputs.pb"), &bound).await;
    let out = run(execute("custom_task_plugin.print_file", "n1", &base)).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), landing);
    let printed = read_outputs(&format!("{base}/n1/out")).await;
    assert_eq!(string_output(&printed, "o0"), landing);

    // A task returning a file: it is uploaded under the raw-output prefix and the
    // outputs point there.
    put_inputs(
        &format!("{base}/n2/inputs.pb"),
        &string_map(&[("path", &landing)]),
    )
    .await;
    let out = run(execute("custom_task_plugin.file_report", "n2", &base)).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = read_outputs(&format!("{base}/n2/out")).await;
    let Literal::Blob { uri, .. } = idl::literal_from_idl(&report.literals["o0"]).unwrap() else {
        panic!("o0 is a blob: {:?}", report.literals["o0"]);
    };
    assert!(uri.starts_with(&format!("{base}/raw/")), "{uri}");
    let body = files().get(&uri).await.unwrap();
    assert_eq!(text(&body), format!("{landing}: 12 bytes\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_leaves_an_error_document_saying_whose_fault_and_whether_to_retry() {
    let base = prefix("errors");
    let recoverable = pb::ContainerErrorKind::Recoverable as i32;
    let non_recoverable = pb::ContainerErrorKind::NonRecoverable as i32;
    let user = pb::ErrorOrigin::User as i32;
    let system = pb::ErrorOrigin::System as i32;

    // An unknown task: the program says which it has.
    put_inputs(&format!("{base}/a/inputs.pb"), &string_map(&[])).await;
    let out = run(execute("no.such_task", "a", &base)).await;
    assert!(
        out.status.success(),
        "flytekit exits 0 after writing error.pb"
    );
    let e = read_error(&format!("{base}/a/out")).await;
    assert_eq!(
        (e.code.as_str(), e.kind, e.origin),
        ("USER:TaskNotFound", non_recoverable, user)
    );
    assert!(e.message.contains("no.such_task"), "{}", e.message);
    assert!(
        e.message.contains("custom_task_plugin.print_file"),
        "{}",
        e.message
    );
    assert!(e.timestamp.is_some());

    // No inputs.pb at all.
    let out = run(execute("custom_task_plugin.print_file", "b", &base)).await;
    assert!(out.status.success());
    let e = read_error(&format!("{base}/b/out")).await;
    assert_eq!(
        (e.code.as_str(), e.kind, e.origin),
        ("SYSTEM:InputsNotRead", non_recoverable, system)
    );
    assert!(
        e.message.contains(&format!("{base}/b/inputs.pb")),
        "{}",
        e.message
    );

    // Bytes that are not a LiteralMap.
    files()
        .put(&format!("{base}/c/inputs.pb"), vec![0xff, 0xff, 0xff])
        .await
        .unwrap();
    let out = run(execute("custom_task_plugin.print_file", "c", &base)).await;
    assert!(out.status.success());
    let e = read_error(&format!("{base}/c/out")).await;
    assert_eq!(e.code, "SYSTEM:InputsNotDecoded");

    // An integer where the task takes a string, and a missing input.
    let seven = 7i64.to_literal();
    let wrong = idl::literal_map([("path", &seven)]);
    put_inputs(&format!("{base}/d/inputs.pb"), &wrong).await;
    let out = run(execute("custom_task_plugin.print_file", "d", &base)).await;
    assert!(out.status.success());
    let e = read_error(&format!("{base}/d/out")).await;
    assert_eq!(
        (e.code.as_str(), e.kind, e.origin),
        ("USER:InputsMismatch", non_recoverable, user)
    );
    assert!(e.message.contains("`path`"), "{}", e.message);
    assert!(e.message.contains("string"), "{}", e.message);
    put_inputs(
        &format!("{base}/e/inputs.pb"),
        &string_map(&[("other", "x")]),
    )
    .await;
    let out = run(execute("custom_task_plugin.print_file", "e", &base)).await;
    assert!(out.status.success());
    let e = read_error(&format!("{base}/e/out")).await;
    assert!(
        e.message.contains("missing input(s) `path`"),
        "{}",
        e.message
    );

    // The task's own error: a file that is not there yet may come, so Flyte may
    // retry (the same rule as local retries) ...
    let absent = format!("{base}/not-there.txt");
    put_inputs(
        &format!("{base}/f/inputs.pb"),
        &string_map(&[("path", &absent)]),
    )
    .await;
    let out = run(execute("custom_task_plugin.file_report", "f", &base)).await;
    assert!(out.status.success());
    let e = read_error(&format!("{base}/f/out")).await;
    assert_eq!(
        (e.code.as_str(), e.kind, e.origin),
        ("USER:Recoverable", recoverable, user)
    );
    assert!(e.message.contains("attempt 1"), "{}", e.message);
    assert!(e.message.contains(&absent), "{}", e.message);
    assert!(
        !files()
            .exists(&format!("{base}/f/out/outputs.pb"))
            .await
            .unwrap()
    );

    // ... while an empty file stays empty: the task marks that NonRecoverable.
    let empty = format!("{base}/empty.txt");
    files().put(&empty, Vec::<u8>::new()).await.unwrap();
    put_inputs(
        &format!("{base}/g/inputs.pb"),
        &string_map(&[("path", &empty)]),
    )
    .await;
    let out = run(execute("custom_task_plugin.file_report", "g", &base)).await;
    assert!(out.status.success());
    let e = read_error(&format!("{base}/g/out")).await;
    assert_eq!(
        (e.code.as_str(), e.kind, e.origin),
        ("USER:NonRecoverable", non_recoverable, user),
        "{}",
        e.message
    );
    assert!(e.message.contains("is empty"), "{}", e.message);

    // FLYTE_FAIL_ON_ERROR=true: the same document, and a failing exit code.
    let mut cmd = execute("custom_task_plugin.file_report", "f", &base);
    cmd.env("FLYTE_FAIL_ON_ERROR", "true");
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("USER:Recoverable"));
    assert_eq!(
        read_error(&format!("{base}/f/out")).await.code,
        "USER:Recoverable"
    );
}

#[tokio::test]
async fn an_unwritable_output_prefix_is_a_failing_exit_code() {
    let base = prefix("unwritable");
    put_inputs(
        &format!("{base}/n0/inputs.pb"),
        &string_map(&[("path", "x")]),
    )
    .await;
    // A folder inside a regular file: neither outputs.pb nor error.pb can be written.
    let blocker = std::env::temp_dir().join(format!("flyte-blocker-{}", std::process::id()));
    std::fs::write(&blocker, "not a folder").unwrap();
    let unwritable = blocker.join("out").display().to_string();
    let mut cmd = tokio::process::Command::new(demo_binary());
    cmd.args([
        "execute",
        "--inputs",
        &format!("{base}/n0/inputs.pb"),
        "--output-prefix",
        &unwritable,
        "--raw-output-data-prefix",
        &format!("{base}/raw"),
        "--",
        "task-name",
        "custom_task_plugin.print_file",
    ]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("cannot write the error document"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_file(&blocker).unwrap();
}

static S3_SENSOR: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("s3-sensor")
        .with_metadata(TaskMetadata::default().timeout("30s"))
        .poll_interval("100ms")
});

#[workflow]
fn wait_on_s3(path: String) -> String {
    S3_SENSOR(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sensor_waits_for_a_file_on_s3() {
    let landing = format!("{}/late.csv", prefix("sensor"));
    let writer = {
        let landing = landing.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(450)).await;
            files().put(&landing, "a,b\n").await.unwrap();
            Instant::now()
        })
    };
    let found = wait_on_s3::run(landing.clone()).await.unwrap();
    let returned = Instant::now();
    let written = writer.await.unwrap();
    assert_eq!(found, landing);
    assert!(
        returned >= written,
        "the sensor returned before the file landed"
    );
}

static S3_SENSOR_DENIED: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("s3-sensor-denied")
        .with_metadata(TaskMetadata::default().retries(5).timeout("30s"))
        .poll_interval("100ms")
});

#[workflow]
fn wait_denied(path: String) -> String {
    S3_SENSOR_DENIED(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_s3_credentials_fail_the_sensor_at_once_naming_the_path() {
    let landing = format!("{}/secret.csv", prefix("denied"));
    // The store is created from these options instead of the environment's.
    let store = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name(bucket())
        .with_secret_access_key("wrong-secret")
        .build()
        .unwrap();
    let fa = FileAccess::new()
        .with_store(&format!("s3://{}", bucket()), Arc::new(store))
        .unwrap();
    let opts = RunOptions::default().file_access(Arc::new(fa));
    let started = Instant::now();
    let err = wait_denied::run_with(&opts, (landing.clone(),))
        .await
        .unwrap_err();
    let failure = err.failure().unwrap();
    // Permission denied is not retried, though the task allows five retries.
    assert_eq!(failure.attempt, 1, "{err}");
    assert!(!failure.error.is_retryable(), "{err}");
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        chain.push_str(&format!(": {s}"));
        source = s.source();
    }
    assert!(chain.contains(&landing), "{chain}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[task]
fn write_notes(text: String) -> FlyteFile {
    let path = std::env::temp_dir().join(format!("notes-{}.txt", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    FlyteFile::new(path.display().to_string())
}

#[task]
async fn read_notes(notes: FlyteFile) -> Result<String, flytekit::data::DataError> {
    Ok(String::from_utf8_lossy(&notes.read().await?).into_owned())
}

#[workflow]
fn notes_flow(text: String) -> (FlyteFile, String) {
    let notes = write_notes(text);
    (notes, read_notes(notes))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_returned_in_a_local_run_are_uploaded_to_an_s3_raw_prefix() {
    let raw = format!("{}/raw", prefix("files"));
    let opts = RunOptions::default()
        .raw_output_prefix(raw.clone())
        .execution_id("s3-files");
    let (notes, read_back) = notes_flow::run_with(&opts, ("kept on s3".into(),))
        .await
        .unwrap();
    assert!(
        notes.uri().starts_with(&format!("{raw}/")),
        "{}",
        notes.uri()
    );
    assert_eq!(read_back, "kept on s3");
    assert_eq!(text(&files().get(notes.uri()).await.unwrap()), "kept on s3");
}

/// The bootstrap of a fast-registered task: `fast-execute` as `register --fast`
/// writes it into the task's container arguments.
fn fast_execute(
    distribution: &str,
    digest: &str,
    dest: &std::path::Path,
    base: &str,
) -> tokio::process::Command {
    let execute = execute("custom_task_plugin.print_file", "n1", base);
    let execute_args: Vec<String> = execute
        .as_std()
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut cmd = tokio::process::Command::new(demo_binary());
    cmd.args([
        "fast-execute",
        "--additional-distribution",
        distribution,
        "--dest-dir",
    ])
    .arg(dest)
    .args(["--digest", digest, "--"])
    .args(execute_args)
    .env("FLYTE_INTERNAL_EXECUTION_PROJECT", "flytesnacks")
    .env("FLYTE_INTERNAL_EXECUTION_DOMAIN", "development")
    .env("FLYTE_INTERNAL_EXECUTION_ID", "fast-run")
    .env("FLYTE_ATTEMPT_NUMBER", "0")
    .kill_on_drop(true);
    cmd
}

#[tokio::test]
async fn a_fast_registered_build_is_fetched_checked_and_run() {
    use sha2::Digest;
    let base = prefix("fast");
    // The "new build": here the demo binary itself, uploaded where `register --fast`
    // would put it.
    let build = std::fs::read(demo_binary()).unwrap();
    let digest: String = sha2::Sha256::digest(&build)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let distribution = format!("{base}/dist/custom_task_plugin");
    files().put(&distribution, build).await.unwrap();
    put_inputs(
        &format!("{base}/n1/inputs.pb"),
        &string_map(&[("path", "s3://b/fast.csv")]),
    )
    .await;
    let dest = tempfile::tempdir().unwrap();

    let out = run(fast_execute(&distribution, &digest, dest.path(), &base)).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        string_output(&read_outputs(&format!("{base}/n1/out")).await, "o0"),
        "s3://b/fast.csv"
    );
    assert!(dest.path().join("custom_task_plugin").exists());

    // Another digest: refused, nothing run.
    let other = format!("{base}/other");
    put_inputs(
        &format!("{other}/n1/inputs.pb"),
        &string_map(&[("path", "x")]),
    )
    .await;
    let wrong = "0".repeat(64);
    let out = run(fast_execute(&distribution, &wrong, dest.path(), &other)).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "its SHA-256 is {digest}, not the registered {wrong}: refusing to run it"
        )),
        "{stderr}"
    );
    assert!(
        !files()
            .exists(&format!("{other}/n1/out/outputs.pb"))
            .await
            .unwrap()
    );
    // A build that is not there.
    let out = run(fast_execute(
        &format!("{base}/dist/missing"),
        &digest,
        dest.path(),
        &other,
    ))
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(&format!("fast-execute `{base}/dist/missing`")),
        "{}",
        text(&out.stderr)
    );
}
