//! The command line user binaries get: `serialize` and `package` write the files
//! `pyflyte package` writes, in its order and naming.

mod cli_process;
mod cli_run;
#[path = "../support/mod.rs"]
mod support;

use std::io::Read;
use std::path::PathBuf;
use std::sync::LazyLock;

use flytekit::cli::{App, CliError};
use flytekit::idl;
use flytekit::plugins::WaitForObjectStoreFile;
use flytekit::prelude::*;
use prost::Message;

static SENSOR: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("my-objectstore-sensor")
        .with_metadata(TaskMetadata::default().retries(10).timeout("20m"))
        .poll_interval("1s")
});

#[task]
fn print_file(path: String) -> String {
    path
}

#[workflow]
fn my_workflow(path: String) -> String {
    print_file(SENSOR(path))
}

fn app() -> App {
    App::new().workflow(&my_workflow {})
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flyte-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

const EXPECTED: [&str; 4] = [
    "0_my-objectstore-sensor_1.pb",
    "1_cli.print_file_1.pb",
    "2_cli.my_workflow_2.pb",
    "3_cli.my_workflow_3.pb",
];

#[tokio::test]
async fn serialize_writes_the_seed_as_pyflyte_package_does() {
    let out = temp("serialize");
    let args = [
        "app",
        "serialize",
        "--image",
        "ghcr.io/example/seed:v1",
        "--json",
        "--out",
    ];
    app()
        .run(
            args.iter()
                .map(|s| s.to_string())
                .chain([out.display().to_string()]),
        )
        .await
        .unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let json: Vec<String> = EXPECTED.iter().map(|n| n.replace(".pb", ".json")).collect();
    let mut expected: Vec<String> = EXPECTED.iter().map(|n| n.to_string()).collect();
    expected.extend(json.iter().cloned());
    expected.sort();
    assert_eq!(names, expected);
    // Protobuf's JSON form, as MessageToJson writes it (check_flyteidl.py compares
    // each with the message parsed from its .pb).
    let lp_json = std::fs::read_to_string(out.join(&json[3])).unwrap();
    assert!(lp_json.contains("\"workflowId\": {"), "{lp_json}");
    assert!(!lp_json.contains("null"), "{lp_json}");
    let task =
        idl::admin::TaskSpec::decode(std::fs::read(out.join(EXPECTED[0])).unwrap().as_slice())
            .unwrap();
    let template = task.template.unwrap();
    assert_eq!(template.r#type, "object-store-sensor");
    // As pyflyte package: project, domain and version are left for flytectl.
    assert_eq!(template.id.unwrap().project, "");
    let lp =
        idl::admin::LaunchPlan::decode(std::fs::read(out.join(EXPECTED[3])).unwrap().as_slice())
            .unwrap();
    assert_eq!(
        lp.spec.unwrap().workflow_id.unwrap().name,
        "cli.my_workflow"
    );

    // Kept for tests/idl/check_flyteidl.py, which compares them with pyflyte's files.
    let keep = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/idl-out/package");
    let _ = std::fs::remove_dir_all(&keep);
    std::fs::create_dir_all(&keep).unwrap();
    for name in EXPECTED
        .iter()
        .copied()
        .chain(json.iter().map(String::as_str))
    {
        std::fs::copy(out.join(name), keep.join(name)).unwrap();
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[tokio::test]
async fn package_writes_the_same_files_into_a_tarball() {
    let dir = temp("package");
    std::fs::create_dir_all(&dir).unwrap();
    let tgz = dir.join("flyte-package.tgz");
    let args = [
        "app",
        "package",
        "--image",
        "img",
        "--project",
        "flytesnacks",
        "--domain",
        "development",
        "--version",
        "v1",
        "-o",
    ];
    let (mut out, mut err) = (Vec::new(), Vec::new());
    app()
        .run_to(
            args.iter()
                .map(|s| s.to_string())
                .chain([tgz.display().to_string()]),
            &mut out,
            &mut err,
        )
        .await
        .unwrap();
    // It says what it wrote, and where.
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!(
            "wrote 2 tasks, 1 workflow and 1 launch plan (4 files) to {}\n",
            tgz.display()
        )
    );
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(&tgz).unwrap());
    let mut archive = tar::Archive::new(gz);
    let mut names = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        names.push(entry.path().unwrap().display().to_string());
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        assert!(!bytes.is_empty());
    }
    assert_eq!(names, EXPECTED);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn bad_arguments_are_clap_errors() {
    let err = app().run(["app", "serialize"]).await.unwrap_err();
    assert!(matches!(err, CliError::Args(_)));
    assert!(err.to_string().contains("--image"), "{err}");

    // `execute` needs `-- task-name NAME` after its options.
    let err = app()
        .run(["app", "execute", "--inputs", "i", "--output-prefix", "o"])
        .await
        .unwrap_err();
    assert!(matches!(err, CliError::Args(_)), "{err}");
    let err = app()
        .run([
            "app",
            "execute",
            "--inputs",
            "i",
            "--output-prefix",
            "o",
            "--",
            "task-module",
            "m",
        ])
        .await
        .unwrap_err();
    assert!(matches!(err, CliError::NoTaskName(_)), "{err}");
    assert!(err.to_string().contains("task-module m"), "{err}");
}

static BIG_SENSOR: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("big-sensor")
        .with_metadata(TaskMetadata::default().limits(Resources::new().cpu("1").mem("4 GB")))
});

#[tokio::test]
async fn serialize_refuses_a_task_whose_resources_are_not_quantities() {
    let out = temp("bad-resources");
    let args = [
        "app",
        "serialize",
        "--image",
        "x:1",
        "--out",
        out.to_str().unwrap(),
    ];
    let err = App::new()
        .task(&BIG_SENSOR)
        .run(args.iter().map(|s| s.to_string()))
        .await
        .unwrap_err();
    let CliError::InvalidTask { task, source } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(task, "big-sensor");
    assert_eq!(
        source.to_string(),
        "invalid quantity `4 GB` for `limits(mem)`: expected a number and an optional suffix, such as \"500m\", \"2\", \"2Gi\" or \"10G\""
    );
    assert!(!out.exists(), "nothing is written");
}

#[task(image = "gpu")]
fn on_gpu(x: i64) -> i64 {
    x
}

#[workflow]
fn gpu_flow(x: i64) -> i64 {
    on_gpu(x)
}

async fn serialize_gpu_flow(name: &str, images: &[&str]) -> Result<PathBuf, CliError> {
    let out = temp(name);
    let mut args = vec!["app".to_string(), "serialize".to_string()];
    for image in images {
        args.extend(["--image".to_string(), image.to_string()]);
    }
    args.extend(["--out".to_string(), out.display().to_string()]);
    App::new()
        .workflow(&gpu_flow {})
        .run(args)
        .await
        .map(|()| out)
}

#[tokio::test]
async fn images_are_named_with_repeated_image_arguments() {
    let out = serialize_gpu_flow(
        "images",
        &["ghcr.io/acme/app:1", "gpu=ghcr.io/acme/gpu:2.0"],
    )
    .await
    .unwrap();
    let task = std::fs::read(out.join("0_cli.on_gpu_1.pb")).unwrap();
    let spec = idl::admin::TaskSpec::decode(task.as_slice()).unwrap();
    let container = spec.template.unwrap().container.unwrap();
    assert_eq!(container.image, "ghcr.io/acme/gpu:2.0");

    let err = serialize_gpu_flow("no-gpu", &["ghcr.io/acme/app:1", "cpu=ghcr.io/acme/cpu:1"])
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "task `cli.on_gpu`: no image is named `gpu` (there are: default, cpu); give it with `--image gpu=FQN:TAG`"
    );
    let err = serialize_gpu_flow("no-default", &["gpu=ghcr.io/acme/gpu:2.0"])
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "--image: no default image: give one as `--image FQN:TAG`"
    );
    let err = serialize_gpu_flow("twice", &["a:1", "default=b:2"])
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "--image: the image `default` is given twice"
    );
}
