//! A task pod on a stock Flyte cluster: the program started with the arguments its
//! registered task template has, filled as propeller fills them, and with exactly the
//! environment propeller and the sandbox give the pod. Nothing is inherited from the
//! test's own environment (the S3 settings `.ci/test` exports are handed over under
//! flytekit's names only), and s3s-fs on 127.0.0.1 stands in for the sandbox's MinIO.
//!
//! Where the environment comes from (flyteorg/flyte at v1.16.8):
//!
//! - `docker/sandbox-bundled/manifests/complete.yaml`, `plugins.k8s.default-env-vars`
//!   (what `flytectl demo` deploys):
//!   ```yaml
//!   - FLYTE_AWS_ENDPOINT: http://flyte-sandbox-minio.flyte:9000
//!   - FLYTE_AWS_ACCESS_KEY_ID: minio
//!   - FLYTE_AWS_SECRET_ACCESS_KEY: miniostorage
//!   - FLYTE_PLATFORM_URL: 'flyte-sandbox-grpc.flyte:8089'
//!   - FLYTE_PLATFORM_INSECURE: "true"
//!   ```
//!   No `AWS_*` variable and no region; `propeller.rawoutput-prefix:
//!   s3://my-s3-bucket/data`, metadata under `metadata/propeller`.
//! - `flyteplugins/go/tasks/pluginmachinery/flytek8s/k8s_resource_adds.go`,
//!   `DecorateEnvVars`: `FLYTE_INTERNAL_EXECUTION_WORKFLOW`, `FLYTE_INTERNAL_EXECUTION_ID`,
//!   `FLYTE_INTERNAL_EXECUTION_PROJECT`, `FLYTE_INTERNAL_EXECUTION_DOMAIN`,
//!   `FLYTE_ATTEMPT_NUMBER`, `FLYTE_INTERNAL_TASK_PROJECT`, `FLYTE_INTERNAL_TASK_DOMAIN`,
//!   `FLYTE_INTERNAL_TASK_NAME`, `FLYTE_INTERNAL_TASK_VERSION`, then the template's own
//!   `env` and the execution's.
//! - `flytepropeller/pkg/controller/nodes/array/execution_context.go`: an array node's
//!   item pods also get `BATCH_JOB_ARRAY_INDEX_VAR_NAME=FLYTE_K8S_ARRAY_INDEX` and
//!   `FLYTE_K8S_ARRAY_INDEX=<index>`, and read the node's whole `inputs.pb`.
//! - `flyteplugins/go/tasks/pluginmachinery/core/template/template.go`: `{{.input}}`,
//!   `{{.outputPrefix}}`, `{{.rawOutputDataPrefix}}`, `{{.checkpointOutputPrefix}}`
//!   filled with the node's paths; `{{.prevCheckpointPrefix}}` becomes `""` on a first
//!   attempt.

use std::path::{Path, PathBuf};
use std::process::Command;

use flytekit::data::FileAccess;
use flytekit::idl::admin::TaskSpec;
use flytekit::idl::{self, FastSettings, core as pb};
use flytekit::types::FlyteType;
use prost::Message;

use crate::support;
const EXECUTION: &str = "a1b2c3d4e5";

/// The pod's environment: the sandbox's `default-env-vars` (MinIO's address and keys
/// replaced by the test server's), propeller's execution variables, the template's
/// own `env`, and what a container has of its own (`PATH`, `HOSTNAME`, and a `HOME`
/// with no flytekit config in it).
pub(crate) fn pod_env(task: &str, container: &pb::Container, home: &Path) -> Vec<(String, String)> {
    let test_var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: run the tests through `bash .ci/test`, which starts s3s-fs")
        })
    };
    let mut env: Vec<(String, String)> = [
        ("FLYTE_AWS_ENDPOINT", test_var("AWS_ENDPOINT")),
        ("FLYTE_AWS_ACCESS_KEY_ID", test_var("AWS_ACCESS_KEY_ID")),
        (
            "FLYTE_AWS_SECRET_ACCESS_KEY",
            test_var("AWS_SECRET_ACCESS_KEY"),
        ),
        ("FLYTE_PLATFORM_URL", "flyte-sandbox-grpc.flyte:8089".into()),
        ("FLYTE_PLATFORM_INSECURE", "true".into()),
        (
            "FLYTE_INTERNAL_EXECUTION_WORKFLOW",
            "flytesnacks:development:wf".into(),
        ),
        ("FLYTE_INTERNAL_EXECUTION_ID", EXECUTION.into()),
        ("FLYTE_INTERNAL_EXECUTION_PROJECT", "flytesnacks".into()),
        ("FLYTE_INTERNAL_EXECUTION_DOMAIN", "development".into()),
        ("FLYTE_ATTEMPT_NUMBER", "0".into()),
        ("FLYTE_INTERNAL_TASK_PROJECT", "flytesnacks".into()),
        ("FLYTE_INTERNAL_TASK_DOMAIN", "development".into()),
        ("FLYTE_INTERNAL_TASK_NAME", task.into()),
        ("FLYTE_INTERNAL_TASK_VERSION", "v1".into()),
        (
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        ),
        ("HOSTNAME", format!("{EXECUTION}-n0-0")),
        ("HOME", home.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    env.extend(
        container
            .env
            .iter()
            .map(|kv| (kv.key.clone(), kv.value.clone())),
    );
    env
}

/// The node's folders as propeller lays them out in the sandbox's bucket.
pub(crate) struct NodePaths {
    data: String,
    raw: String,
}

impl NodePaths {
    pub(crate) fn new(node: &str) -> Self {
        let bucket = support::s3_prefix("stock-pod");
        NodePaths {
            data: format!(
                "{bucket}/metadata/propeller/flytesnacks-development-{EXECUTION}/{node}/data"
            ),
            raw: format!("{bucket}/data/x7/{EXECUTION}-{node}-0"),
        }
    }

    fn inputs(&self) -> String {
        format!("{}/inputs.pb", self.data)
    }

    fn outputs(&self) -> String {
        format!("{}/0", self.data)
    }

    /// The template's arguments with propeller's placeholders filled.
    pub(crate) fn fill(&self, args: &[String]) -> Vec<String> {
        args.iter()
            .map(|a| match a.as_str() {
                "{{.input}}" => self.inputs(),
                "{{.outputPrefix}}" => self.outputs(),
                "{{.rawOutputDataPrefix}}" => self.raw.clone(),
                "{{.checkpointOutputPrefix}}" => format!("{}/_flytecheckpoints", self.raw),
                "{{.prevCheckpointPrefix}}" => "\"\"".to_string(),
                _ => a.clone(),
            })
            .collect()
    }
}

/// `package` of an example, each task's template by name.
fn package(example: &str, extra: &[&str], dir: &Path) -> Vec<(String, Vec<u8>)> {
    let tgz = dir.join("package.tgz");
    let out = Command::new(support::example_binary(example))
        .args([
            "package",
            "--image",
            "ghcr.io/acme/app:1",
            "--version",
            "v1",
        ])
        .args(["--project", "flytesnacks", "--domain", "development"])
        .args(extra)
        .arg("-o")
        .arg(&tgz)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    read_package(&tgz)
}

/// The files of a package's tarball, by name.
pub(crate) fn read_package(tgz: &Path) -> Vec<(String, Vec<u8>)> {
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(tgz).unwrap());
    tar::Archive::new(gz)
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path().unwrap().display().to_string();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

pub(crate) fn task_template(files: &[(String, Vec<u8>)], task: &str) -> pb::TaskTemplate {
    let (_, bytes) = files
        .iter()
        .find(|(n, _)| n.ends_with(&format!("_{task}_1.pb")))
        .unwrap_or_else(|| panic!("no task {task} in the package"));
    TaskSpec::decode(bytes.as_slice())
        .unwrap()
        .template
        .unwrap()
}

/// Runs the container of `template` for the node at `paths` in a stock pod: the image's
/// program is `binary`; `extra_env` is what propeller adds for this kind of node.
async fn run_pod(
    binary: &Path,
    template: &pb::TaskTemplate,
    paths: &NodePaths,
    extra_env: &[(&str, String)],
) -> std::process::Output {
    let container = template.container.as_ref().expect("a container task");
    let home = tempfile::tempdir().unwrap();
    let workdir = tempfile::tempdir().unwrap();
    let args = paths.fill(&container.args);
    let name = &template.id.as_ref().unwrap().name;
    let mut cmd = tokio::process::Command::new(binary);
    cmd.args(&args[1..])
        .current_dir(workdir.path())
        .env_clear()
        .envs(pod_env(name, container, home.path()))
        .envs(extra_env.iter().map(|(k, v)| (*k, v)))
        .kill_on_drop(true);
    tokio::time::timeout(std::time::Duration::from_secs(60), cmd.output())
        .await
        .expect("the pod finishes within a minute")
        .unwrap()
}

pub(crate) fn succeeded(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(crate) async fn put_inputs(
    files: &FileAccess,
    paths: &NodePaths,
    inputs: &[(&str, pb::Literal)],
) {
    let map = pb::LiteralMap {
        literals: inputs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    };
    files
        .put(&paths.inputs(), map.encode_to_vec())
        .await
        .unwrap();
}

pub(crate) async fn output<T: FlyteType>(files: &FileAccess, paths: &NodePaths, name: &str) -> T {
    let bytes = files
        .get(&format!("{}/outputs.pb", paths.outputs()))
        .await
        .unwrap();
    let map = pb::LiteralMap::decode(bytes.as_ref()).unwrap();
    T::from_literal(&idl::literal_from_idl(&map.literals[name]).unwrap()).unwrap()
}

pub(crate) fn lit<T: FlyteType>(value: T) -> pb::Literal {
    idl::literal(&value.to_literal())
}

fn fanout() -> PathBuf {
    support::example_binary("dynamic_fanout")
}

#[tokio::test]
async fn a_plain_task_a_dynamic_task_and_its_nodes_run_in_stock_pods() {
    let files = FileAccess::new();
    let dir = tempfile::tempdir().unwrap();
    let package = package("dynamic_fanout", &[], dir.path());

    // A plain task.
    let n0 = NodePaths::new("n0");
    put_inputs(&files, &n0, &[("total", lit(10i64)), ("size", lit(4i64))]).await;
    let partition = task_template(&package, "dynamic_fanout.partition");
    succeeded(&run_pod(&fanout(), &partition, &n0, &[]).await);
    assert_eq!(output::<Vec<i64>>(&files, &n0, "o0").await, vec![0, 4, 8]);

    // The dynamic task hands its graph over in futures.pb...
    let n1 = NodePaths::new("n1");
    let starts = lit(vec![0i64, 4, 8]);
    put_inputs(
        &files,
        &n1,
        &[
            ("starts", starts),
            ("size", lit(4i64)),
            ("total", lit(10i64)),
        ],
    )
    .await;
    let dynamic = task_template(&package, "dynamic_fanout.process_all");
    succeeded(&run_pod(&fanout(), &dynamic, &n1, &[]).await);
    let futures = files
        .get(&format!("{}/futures.pb", n1.outputs()))
        .await
        .unwrap();
    let job = pb::DynamicJobSpec::decode(futures.as_ref()).unwrap();
    // ...and each of its nodes runs in a pod of its own, from the template it carries.
    let process = job
        .tasks
        .iter()
        .find(|t| t.id.as_ref().unwrap().name == "dynamic_fanout.process")
        .expect("the graph carries the template of `process`");
    let dn0 = NodePaths::new("n1-0-dn0");
    put_inputs(&files, &dn0, &[("start", lit(4i64)), ("end", lit(8i64))]).await;
    succeeded(&run_pod(&fanout(), process, &dn0, &[]).await);
    assert_eq!(output::<i64>(&files, &dn0, "o0").await, 4 + 5 + 6 + 7);
}

#[tokio::test]
async fn a_map_item_reads_its_item_of_the_whole_lists() {
    let files = FileAccess::new();
    let dir = tempfile::tempdir().unwrap();
    let package = package("map_over_list", &[], dir.path());
    let fetch = task_template(&package, "map_over_list.fetch_page");
    // The array node's own inputs.pb holds the whole list; item 2 is page 30.
    let n0 = NodePaths::new("n0");
    put_inputs(&files, &n0, &[("page", lit(vec![10i64, 20, 30]))]).await;
    let item = NodePaths {
        data: n0.data.clone(),
        raw: format!("{}/2", n0.raw),
    };
    let array_env = [
        (
            "BATCH_JOB_ARRAY_INDEX_VAR_NAME",
            "FLYTE_K8S_ARRAY_INDEX".to_string(),
        ),
        ("FLYTE_K8S_ARRAY_INDEX", "2".to_string()),
    ];
    let binary = support::example_binary("map_over_list");
    let out = run_pod(&binary, &fetch, &item, &array_env).await;
    succeeded(&out);
    assert_eq!(output::<String>(&files, &item, "o0").await, "page-30");
}

#[tokio::test]
async fn a_fast_registered_task_fetches_its_build_in_a_stock_pod() {
    let files = FileAccess::new();
    let dir = tempfile::tempdir().unwrap();
    let package = package("dynamic_fanout", &["--fast"], dir.path());
    // flytectl uploads the source archive unzipped, then fills its placeholders.
    let (archive_name, archive) = package
        .iter()
        .find(|(n, _)| n.starts_with("fast") && n.ends_with(".tar.gz"))
        .expect("the package holds the build");
    let mut tar = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&archive[..]), &mut tar).unwrap();
    let n0 = NodePaths::new("n0");
    let uploaded = format!("{}/fast/{archive_name}", n0.raw);
    files.put(&uploaded, tar).await.unwrap();
    let mut partition = task_template(&package, "dynamic_fanout.partition");
    let container = partition.container.as_mut().unwrap();
    for arg in &mut container.args {
        match arg.as_str() {
            FastSettings::REMOTE_PACKAGE_PATH => *arg = uploaded.clone(),
            FastSettings::DEST_DIR => *arg = ".".to_string(),
            _ => {}
        }
    }
    assert_eq!(container.args[1], "fast-execute");
    put_inputs(&files, &n0, &[("total", lit(7i64)), ("size", lit(3i64))]).await;
    succeeded(&run_pod(&fanout(), &partition, &n0, &[]).await);
    assert_eq!(output::<Vec<i64>>(&files, &n0, "o0").await, vec![0, 3, 6]);
}
