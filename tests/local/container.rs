//! Container tasks run locally as a process of this machine (CI has no container
//! engine): placeholders filled as propeller fills them, inputs laid out as Flyte's
//! copilot writes them, outputs of each kind read back, failures reported with the
//! task and its stderr.

use std::time::Duration;

use flytekit::execution::{ContainerRuntime, RunError};
use flytekit::idl;
use flytekit::prelude::*;
use flytekit::task::ErrorChain;
use prost::Message;

use super::cache::{captured_logs, install_subscriber};

fn process() -> RunOptions {
    install_subscriber();
    RunOptions::default().container_runtime(ContainerRuntime::Process)
}

/// Each output kind written by a shell, from inputs given both ways: in the
/// command (`{{.inputs.x}}`) and as the copilot's files (`/var/inputs/x`).
#[container_task(
    image = "docker.io/library/busybox:1.36",
    command = ["sh", "-c"],
    arguments = [
        "echo $(( {{.inputs.n}} * 2 )) > /var/outputs/doubled; \
         printf '%s' \"$(cat /var/inputs/label)!\" > /var/outputs/shout; \
         echo {{.inputs.ratio}} > /var/outputs/ratio; \
         echo true > /var/outputs/ok; echo 1m30s > /var/outputs/took; \
         cp /var/inputs/notes /var/outputs/copy; \
         mkdir -p /var/outputs/dir/sub && echo x > /var/outputs/dir/sub/x.txt; \
         cp /var/inputs/inputs.pb /var/outputs/dir/inputs.pb"
    ],
    input_data_dir = "/var/inputs",
    output_data_dir = "/var/outputs",
    metadata_format = "proto",
    outputs(doubled, shout, ratio, ok, took, copy, dir),
    retries = 1,
)]
fn kinds(
    n: i64,
    label: String,
    ratio: f64,
    notes: FlyteFile,
) -> (i64, String, f64, bool, Duration, FlyteFile, FlyteDirectory);

#[workflow]
fn all_kinds(
    n: i64,
    label: String,
    ratio: f64,
    notes: FlyteFile,
) -> (i64, String, f64, bool, Duration, FlyteFile, FlyteDirectory) {
    kinds(n, label, ratio, notes)
}

#[tokio::test]
async fn each_kind_crosses_through_the_files_and_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "some notes\n").unwrap();
    let notes = FlyteFile::new(notes.to_str().unwrap());
    let (doubled, shout, ratio, ok, took, copy, out_dir) =
        all_kinds::run_with(&process(), (21, "hi there".into(), 1e-05, notes))
            .await
            .unwrap();
    assert_eq!(doubled, 42);
    assert_eq!(shout, "hi there!", "a string is kept as written");
    // Propeller writes a float with Go's `%v`: 1e-05, which `echo` hands back.
    assert_eq!(ratio, 1e-05);
    assert!(ok);
    assert_eq!(took, Duration::from_secs(90));
    assert_eq!(&copy.read().await.unwrap()[..], b"some notes\n");
    assert!(
        !copy.uri().contains("flyte-container-"),
        "uploaded: {}",
        copy.uri()
    );
    let files = out_dir.files().await.unwrap();
    assert_eq!(files.len(), 2, "{files:?}");
    // The metadata file holds every input, the file pointing at its copy where the
    // command sees it (the scratch folder standing for /var/inputs).
    let pb = files
        .iter()
        .find(|f| f.uri().ends_with("inputs.pb"))
        .unwrap();
    let map = idl::core::LiteralMap::decode(pb.read().await.unwrap()).unwrap();
    let blob = idl::literal_from_idl(&map.literals["notes"])
        .unwrap()
        .to_string();
    assert!(
        blob.starts_with(&std::env::temp_dir().display().to_string()),
        "{blob}"
    );
    assert!(blob.ends_with("/inputs/notes"), "{blob}");
    assert_eq!(
        idl::literal_from_idl(&map.literals["n"])
            .unwrap()
            .to_string(),
        "21"
    );
    // It says how it ran, and what.
    let logs = captured_logs();
    assert!(
        logs.lines().any(|l| l.contains("running container task `local.container.kinds` with a local process: sh -c echo $(( 21 * 2 ))")),
        "{logs}"
    );
}

#[container_task(
    image = "docker.io/library/busybox:1.36",
    command = ["sh", "-c", "echo 'disk full' >&2; exit 3"],
    output_data_dir = "/var/outputs",
    retries = 1,
)]
fn broken(x: i64) -> i64;

#[container_task(
    image = "docker.io/library/busybox:1.36",
    command = ["sh", "-c", "echo 'not a number' > /var/outputs/o0"],
    output_data_dir = "/var/outputs",
)]
fn garbled(x: i64) -> i64;

#[container_task(
    image = "docker.io/library/busybox:1.36",
    command = ["true"],
    output_data_dir = "/var/outputs",
)]
fn silent(x: i64) -> i64;

#[task]
fn plus_one(x: i64) -> i64 {
    x + 1
}

#[workflow]
fn fails(x: i64) -> (i64, i64) {
    (plus_one(x), broken(x))
}

#[workflow]
fn garbles(x: i64) -> i64 {
    garbled(x)
}

#[workflow]
fn stays_silent(x: i64) -> i64 {
    silent(x)
}

#[tokio::test]
async fn a_failing_command_names_the_task_status_and_stderr_and_keeps_other_outputs() {
    let err = fails::run_with(&process(), (1,)).await.unwrap_err();
    let RunError::NodeFailed {
        failures,
        completed,
    } = &err
    else {
        panic!("{err}")
    };
    let f = &failures[0];
    assert!(f.task.ends_with("container.broken"), "{}", f.task);
    assert_eq!(f.attempt, 2, "retried once");
    let text = ErrorChain::new(&f.error).to_string();
    assert!(
        text.contains("exited with status 3 (a local process): disk full"),
        "{text}"
    );
    assert_eq!(completed.get::<i64>("n0", "o0"), Some(2));
}

#[tokio::test]
async fn unreadable_and_missing_outputs_say_which_and_why() {
    let err = garbles::run_with(&process(), (1,)).await.unwrap_err();
    let text = ErrorChain::new(&err).to_string();
    assert!(
        text.contains("output `o0` is integer, and its file holds \"not a number\\n\""),
        "{text}"
    );
    let err = stays_silent::run_with(&process(), (1,)).await.unwrap_err();
    let text = ErrorChain::new(&err).to_string();
    assert!(
        text.contains("the container left no `/var/outputs/o0` for output `o0`"),
        "{text}"
    );
}

#[tokio::test]
async fn an_engine_that_cannot_start_is_reported_and_a_mock_stands_in() {
    // An engine that is not there: starting it fails, naming it.
    let opts = process().container_runtime(ContainerRuntime::Engine("flyte-no-such-engine".into()));
    let err = stays_silent::run_with(&opts, (1,)).await.unwrap_err();
    let text = ErrorChain::new(&err).to_string();
    assert!(
        text.contains("could not start `flyte-no-such-engine` (flyte-no-such-engine)"),
        "{text}"
    );
    let opts = RunOptions::default().mock(&silent {}, |(x,): (i64,)| x * 10);
    assert_eq!(stays_silent::run_with(&opts, (4,)).await.unwrap(), 40);
}

#[test]
fn the_template_is_flytekits_raw_container() {
    let t = idl::task_template(&kinds {}, &idl::SerializationSettings::default());
    assert_eq!(t.r#type, "raw-container");
    let c = t.container.unwrap();
    assert_eq!(c.image, "docker.io/library/busybox:1.36");
    assert_eq!(c.command, ["sh", "-c"]);
    assert_eq!(c.args.len(), 1);
    let dc = c.data_config.unwrap();
    assert!(dc.enabled);
    assert_eq!(
        (dc.input_path.as_str(), dc.output_path.as_str(), dc.format),
        (
            "/var/inputs",
            "/var/outputs",
            idl::core::LiteralMapFormat::Proto as i32
        )
    );
}

/// A list input is a folder of one file per item; an output may carry an extension;
/// the metadata is in `inputs.pb` and `inputs.json`.
#[container_task(
    image = "docker.io/library/busybox:1.36",
    command = [
        "sh",
        "-c",
        "cat /var/flyte/inputs/words/0 /var/flyte/inputs/words/1 > /var/flyte/outputs/joined.txt; \
         ls /var/flyte/inputs | tr '\\n' ' ' > /var/flyte/outputs/listing",
    ],
    outputs(joined, listing),
)]
fn joined(words: Vec<String>) -> (String, String);

#[workflow]
fn join_words(words: Vec<String>) -> (String, String) {
    joined(words)
}

#[container_task(
    image = "docker.io/library/busybox:1.36",
    command = ["sh", "-c", "echo 'quota exceeded' > /var/flyte/outputs/_ERROR"],
)]
fn reports_error(x: i64) -> i64;

#[workflow]
fn reported(x: i64) -> i64 {
    reports_error(x)
}

#[tokio::test]
async fn lists_lay_out_as_folders_and_an_error_file_fails_the_task() {
    let (joined, listing) = join_words::run_with(&process(), (vec!["ab".into(), "cd".into()],))
        .await
        .unwrap();
    assert_eq!(
        joined, "abcd",
        "the copilot's default folders, an extension found"
    );
    assert_eq!(listing, "inputs.json inputs.pb words");
    let err = reported::run_with(&process(), (1,)).await.unwrap_err();
    let text = ErrorChain::new(&err).to_string();
    assert!(
        text.contains("the container failed: quota exceeded"),
        "{text}"
    );
}

#[container_task(
    image = "docker.io/library/busybox:1.36",
    command = ["sh", "-c", "cat /var/flyte/inputs/inputs.json > /var/flyte/outputs/o0"],
)]
fn show_inputs(counts: std::collections::BTreeMap<String, i64>) -> String;

#[workflow]
fn shown(counts: std::collections::BTreeMap<String, i64>) -> String {
    show_inputs(counts)
}

#[container_task(
    image = "docker.io/library/busybox:1.36",
    command = ["sh", "-c", "ln -s /etc/hostname /var/flyte/outputs/o0"],
)]
fn linked(x: i64) -> String;

#[workflow]
fn links(x: i64) -> String {
    linked(x)
}

#[tokio::test]
async fn inputs_json_holds_plain_values_and_nothing_leaves_the_scratch_folders() {
    let counts = |k: &str| std::collections::BTreeMap::from([(k.to_string(), 2i64)]);
    // The values by name, as the copilot writes `inputs.json`.
    let json = shown::run_with(&process(), (counts("apples"),))
        .await
        .unwrap();
    assert_eq!(json, r#"{"counts":{"apples":2}}"#);
    // A map key is a file name in the input folder, never a path out of it.
    let err = shown::run_with(&process(), (counts("../escaped"),))
        .await
        .unwrap_err();
    let text = ErrorChain::new(&err).to_string();
    assert!(text.contains("must be one plain name"), "{text}");
    // A link the container leaves is not followed.
    let err = links::run_with(&process(), (1,)).await.unwrap_err();
    let text = ErrorChain::new(&err).to_string();
    assert!(
        text.contains("symbolic link, which is not followed"),
        "{text}"
    );
}
