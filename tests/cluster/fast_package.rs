//! `package --fast`: the tarball `flytectl register files --archive` takes for a fast
//! registration, as `pyflyte package --fast` writes it, and the bootstrap
//! (`fast-execute`) running what flytectl registers from it.
//!
//! - flytekit 1.16.31's own `pyflyte package --fast` (`FLYTEKIT_PYTHON`) is the
//!   reference for the placeholders and the source archive's name;
//! - flytectl cannot be installed here (no Go release is reachable), so the test does
//!   its two steps as its `register files` code does them (cmd/register in
//!   flyteorg/flytectl): upload the `fast*.tar.gz` unzipped under its own name, and
//!   replace each argument equal to `{{ .remote_package_path }}` or `{{ .dest_dir }}`
//!   (by `.` without `--destinationDirectory`). The task then runs against the S3
//!   server `.ci/test` starts.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use flytekit::data::FileAccess;
use flytekit::idl::admin::TaskSpec;
use flytekit::idl::{self, FastSettings, core as pb};
use flytekit::types::FlyteType;
use prost::Message;
use sha2::Digest;

use crate::support;
fn fanout_binary() -> PathBuf {
    support::example_binary("dynamic_fanout")
}

fn succeeded(out: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
}

fn sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The members of a tar, gzipped or not, with their modes.
fn members(bytes: &[u8]) -> Vec<(String, u32, Vec<u8>)> {
    let mut plain = Vec::new();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut plain)
            .unwrap();
    } else {
        plain = bytes.to_vec();
    }
    let mut archive = tar::Archive::new(&plain[..]);
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path().unwrap().display().to_string();
            let mode = e.header().mode().unwrap();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            (name, mode, bytes)
        })
        .collect()
}

/// `dynamic_fanout package --fast`, and the tarball's members.
fn our_package(dir: &Path, extra: &[&str]) -> Vec<(String, u32, Vec<u8>)> {
    let tgz = dir.join("flyte-package.tgz");
    let out = Command::new(fanout_binary())
        .args([
            "package",
            "--fast",
            "--image",
            "ghcr.io/acme/app:1",
            "--project",
            "flytesnacks",
            "--domain",
            "development",
            "--version",
            "v1",
        ])
        .args(extra)
        .arg("-o")
        .arg(&tgz)
        .output()
        .unwrap();
    succeeded(&out);
    members(&std::fs::read(&tgz).unwrap())
}

/// The source archive flytectl looks for: `fast` + 32 hex digits + `.tar.gz`.
fn source_archive(members: &[(String, u32, Vec<u8>)]) -> &(String, u32, Vec<u8>) {
    let found: Vec<_> = members
        .iter()
        .filter(|(name, _, _)| {
            name.strip_prefix("fast")
                .and_then(|n| n.strip_suffix(".tar.gz"))
                .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .collect();
    assert_eq!(found.len(), 1, "{:?}", names(members));
    found[0]
}

fn names(members: &[(String, u32, Vec<u8>)]) -> Vec<&str> {
    members.iter().map(|(n, _, _)| n.as_str()).collect()
}

fn task(members: &[(String, u32, Vec<u8>)], name_part: &str) -> pb::Container {
    let (_, _, bytes) = members
        .iter()
        .find(|(n, _, _)| n.contains(name_part) && n.ends_with(".pb"))
        .unwrap_or_else(|| panic!("no {name_part} in {:?}", names(members)));
    let spec = TaskSpec::decode(bytes.as_slice()).unwrap();
    spec.template.unwrap().container.unwrap()
}

#[test]
fn package_fast_writes_the_placeholders_and_source_archive_pyflyte_does() {
    let dir = tempfile::tempdir().unwrap();
    let ours = our_package(dir.path(), &[]);

    // flytekit's, for a one-task workflow.
    let python = std::env::var_os("FLYTEKIT_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
        panic!("FLYTEKIT_PYTHON is not set: run the tests with `bash .ci/test`, which installs flytekit 1.16.31")
    });
    let py = dir.path().join("py");
    std::fs::create_dir_all(py.join("wfpkg")).unwrap();
    std::fs::write(py.join("wfpkg/__init__.py"), "").unwrap();
    std::fs::write(
        py.join("wfpkg/wf.py"),
        "from flytekit import task, workflow\n\n@task\ndef double(x: int) -> int:\n    return 2 * x\n\n\
         @workflow\ndef wf(x: int) -> int:\n    return double(x=x)\n",
    )
    .unwrap();
    let out = Command::new(python.with_file_name("pyflyte"))
        .args(["--pkgs", "wfpkg", "package", "--fast", "--image"])
        .args(["ghcr.io/acme/app:1", "-o", "out.tgz"])
        .current_dir(&py)
        .output()
        .unwrap();
    succeeded(&out);
    let theirs = members(&std::fs::read(py.join("out.tgz")).unwrap());
    source_archive(&theirs);

    // pyflyte-fast-execute --additional-distribution P --dest-dir /root -- pyflyte-execute
    // (flytekit fills the folder with its `--in-container-source-path`, `/root`).
    let their_args = task(&theirs, "double").args;
    assert_eq!(their_args[0], "pyflyte-fast-execute");
    assert_eq!(their_args[4..6], ["/root", "--"]);
    // <program> fast-execute --additional-distribution P --dest-dir D --digest SHA -- execute
    // with flytectl's own `{{ .dest_dir }}` unless a folder is given.
    let our_args = task(&ours, "partition").args;
    assert_eq!(our_args[0], "/usr/local/bin/dynamic_fanout");
    assert_eq!(our_args[1], "fast-execute");
    assert_eq!(our_args[2..4], their_args[1..3], "{our_args:?}");
    assert_eq!(our_args[3], FastSettings::REMOTE_PACKAGE_PATH);
    assert_eq!(our_args[4..6], ["--dest-dir", FastSettings::DEST_DIR]);
    assert_eq!(our_args[8..10], ["--", "execute"]);
    std::fs::create_dir(dir.path().join("root")).unwrap();
    let at_root = our_package(&dir.path().join("root"), &["--destination-dir", "/root"]);
    assert_eq!(task(&at_root, "partition").args[2..6], their_args[1..5]);

    // Our source archive holds the program alone, runnable, and the digest is its.
    let binary = std::fs::read(fanout_binary()).unwrap();
    assert_eq!(our_args[6..8], ["--digest".to_string(), sha256(&binary)]);
    let (_, _, archive) = source_archive(&ours);
    let inner = members(archive);
    assert_eq!(names(&inner), ["dynamic_fanout"]);
    assert_eq!(inner[0].1, 0o755);
    assert!(
        inner[0].2 == binary,
        "the archived program is not this build"
    );
}

/// What flytectl does to a container's arguments at registration.
fn hydrate(args: &[String], uploaded: &str) -> Vec<String> {
    args.iter()
        .map(|a| match a.as_str() {
            FastSettings::REMOTE_PACKAGE_PATH => uploaded.to_string(),
            FastSettings::DEST_DIR => ".".to_string(),
            _ => a.clone(),
        })
        .collect()
}

/// What propeller does: the `{{.input}}`-style placeholders filled.
fn fill(args: &[String], base: &str) -> Vec<String> {
    args.iter()
        .map(|a| match a.as_str() {
            "{{.input}}" => format!("{base}/inputs.pb"),
            "{{.outputPrefix}}" => format!("{base}/out"),
            "{{.rawOutputDataPrefix}}" => format!("{base}/raw"),
            "{{.checkpointOutputPrefix}}" => format!("{base}/checkpoint"),
            "{{.prevCheckpointPrefix}}" => "\"\"".to_string(),
            _ => a.clone(),
        })
        .collect()
}

#[tokio::test]
async fn a_fast_package_registered_as_flytectl_does_runs_and_so_does_its_dynamic_graph() {
    let base = support::s3_prefix("fast-package");
    let files = FileAccess::new();
    let dir = tempfile::tempdir().unwrap();
    let ours = our_package(dir.path(), &[]);
    let (archive_name, _, archive) = source_archive(&ours);
    // flytectl uploads the archive's tar unzipped, under the archive's name.
    let mut tar = Vec::new();
    flate2::read::GzDecoder::new(&archive[..])
        .read_to_end(&mut tar)
        .unwrap();
    let uploaded = format!("{base}/fast/{archive_name}");
    files.put(&uploaded, tar).await.unwrap();

    let container = task(&ours, "process_all");
    let args = fill(&hydrate(&container.args, &uploaded), &format!("{base}/n1"));
    let inputs = idl::literal_map([
        ("starts", &vec![0i64, 5].to_literal()),
        ("size", &5i64.to_literal()),
        ("total", &10i64.to_literal()),
    ]);
    files
        .put(&format!("{base}/n1/inputs.pb"), inputs.encode_to_vec())
        .await
        .unwrap();

    // The container: the image's program (here the same build) in a working folder.
    let workdir = tempfile::tempdir().unwrap();
    let mut cmd = tokio::process::Command::new(fanout_binary());
    cmd.args(&args[1..])
        .current_dir(workdir.path())
        .envs(container.env.iter().map(|kv| (&kv.key, &kv.value)))
        .env("FLYTE_INTERNAL_EXECUTION_PROJECT", "flytesnacks")
        .env("FLYTE_INTERNAL_EXECUTION_DOMAIN", "development")
        .env("FLYTE_INTERNAL_EXECUTION_ID", "fast-package")
        .env("FLYTE_INTERNAL_TASK_VERSION", "v1")
        .env("FLYTE_ATTEMPT_NUMBER", "0")
        .kill_on_drop(true);
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), cmd.output())
        .await
        .unwrap()
        .unwrap();
    succeeded(&out);
    // The build went into the working folder (`{{ .dest_dir }}` became `.`).
    let binary = std::fs::read(fanout_binary()).unwrap();
    assert!(std::fs::read(workdir.path().join("dynamic_fanout")).unwrap() == binary);

    // The graph it handed Flyte runs the same build: every task of it starts
    // `fast-execute` with where flytectl put the build.
    let futures = files
        .get(&format!("{base}/n1/out/futures.pb"))
        .await
        .unwrap();
    let job = pb::DynamicJobSpec::decode(futures.as_ref()).unwrap();
    assert_eq!(job.nodes.len(), 3, "two chunks and the sum");
    assert_eq!(job.tasks.len(), 2);
    for t in &job.tasks {
        let args = &t.container.as_ref().unwrap().args;
        let fast: Vec<&str> = args[1..9].iter().map(String::as_str).collect();
        assert_eq!(
            fast,
            [
                "fast-execute",
                "--additional-distribution",
                &uploaded,
                "--dest-dir",
                ".",
                "--digest",
                &sha256(&binary),
                "--",
            ]
        );
    }
}

/// `fast-execute` of the demo with a distribution at a local path.
fn fast_execute(distribution: &Path, digest: &str) -> std::process::Output {
    Command::new(support::example_binary("custom_task_plugin"))
        .args(["fast-execute", "--additional-distribution"])
        .arg(distribution)
        .args(["--dest-dir", "dest", "--digest", digest, "--", "execute"])
        .args([
            "--inputs",
            "i",
            "--output-prefix",
            "o",
            "--",
            "task-name",
            "t",
        ])
        .current_dir(distribution.parent().unwrap())
        .output()
        .unwrap()
}

#[test]
fn a_distribution_that_is_not_one_program_or_never_registered_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let tar_of = |files: &[(&str, &[u8])]| {
        let mut tar = tar::Builder::new(Vec::new());
        for (name, bytes) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o755);
            header.set_cksum();
            tar.append_data(&mut header, name, *bytes).unwrap();
        }
        tar.into_inner().unwrap()
    };
    let two = dir.path().join("fasttwo.tar.gz");
    std::fs::write(&two, tar_of(&[("a", b"1"), ("b", b"2")])).unwrap();
    let out = fast_execute(&two, "00");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("its tar should hold just the program, but holds 2 files (a, b)"),
        "{stderr}"
    );

    // A `package --fast` tarball registered by something that did not fill in the
    // placeholder.
    let out = Command::new(support::example_binary("custom_task_plugin"))
        .args(["fast-execute", "--additional-distribution"])
        .args([FastSettings::REMOTE_PACKAGE_PATH, "--dest-dir", "."])
        .args(["--digest", "00", "--", "execute"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the placeholder was never filled: register a `package --fast` tarball with `flytectl register files --archive`"),
        "{stderr}"
    );

    // A gzipped tar of one program is the program; the digest is still checked.
    let one = dir.path().join("fastone.tar.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &tar_of(&[("prog", b"#!/bin/sh\n")])).unwrap();
    std::fs::write(&one, gz.finish().unwrap()).unwrap();
    let out = fast_execute(&one, "00");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "its SHA-256 is {}, not the registered 00",
            sha256(b"#!/bin/sh\n")
        )),
        "{stderr}"
    );
}
