//! Files and directories between tasks: a task returns a local file, it is uploaded
//! under the run's raw-output prefix, and the next task reads it from there; against
//! the local file system and the in-memory store.

use std::sync::Arc;

use flytekit::data::FileAccess;
use flytekit::prelude::*;
use serde::{Deserialize, Serialize};

/// Writes a report to a local temp file and returns it.
#[task]
fn write_report(text: String) -> FlyteFile {
    let dir = std::env::temp_dir().join(format!("flyte-files-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("report-{}.txt", text.len()));
    std::fs::write(&path, &text).unwrap();
    FlyteFile::new(path.display().to_string())
}

#[task]
async fn read_report(report: FlyteFile) -> Result<String, flytekit::data::DataError> {
    let bytes = report.read().await?;
    Ok(format!(
        "{} <- {}",
        String::from_utf8_lossy(&bytes),
        report.uri()
    ))
}

/// Writes a small directory tree locally and returns it.
#[task]
fn write_dataset(rows: i64) -> FlyteDirectory {
    let dir = std::env::temp_dir().join(format!("flyte-dataset-{}-{rows}", std::process::id()));
    std::fs::create_dir_all(dir.join("part")).unwrap();
    std::fs::write(dir.join("a.csv"), "1\n").unwrap();
    std::fs::write(dir.join("part").join("b.csv"), "2\n").unwrap();
    FlyteDirectory::new(dir.display().to_string())
}

#[task]
async fn list_dataset(data: FlyteDirectory) -> Result<Vec<String>, flytekit::data::DataError> {
    let base = data.uri().trim_end_matches('/').to_string();
    let files = data.files().await?;
    let mut out = Vec::new();
    for f in files {
        let body = f.read().await?;
        out.push(format!(
            "{}={}",
            &f.uri()[base.len() + 1..],
            String::from_utf8_lossy(&body).trim()
        ));
    }
    Ok(out)
}

#[derive(Clone, Debug, Serialize, Deserialize, FlyteType)]
struct Bundle {
    name: String,
    files: Vec<FlyteFile>,
}

#[task]
fn bundle(a: FlyteFile, b: FlyteFile) -> Bundle {
    Bundle {
        name: "two".into(),
        files: vec![a, b],
    }
}

#[workflow]
fn report_flow(text: String) -> (String, Vec<String>, Bundle) {
    let report = write_report(text);
    let dataset = write_dataset(2);
    let both = bundle(report, write_report("second"));
    (read_report(report), list_dataset(dataset), both)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returned_local_files_are_uploaded_to_the_raw_prefix_in_memory() {
    let opts = RunOptions::default()
        .file_access(Arc::new(FileAccess::new()))
        .raw_output_prefix("memory:///raw")
        .execution_id("files-mem");
    let (text, listing, bundled) = report_flow::run_with(&opts, ("hello".into(),))
        .await
        .unwrap();
    assert_eq!(
        text,
        "hello <- memory:///raw/local.files.report_flow/n0/a1/0/report-5.txt"
    );
    assert_eq!(listing, ["a.csv=1", "part/b.csv=2"]);
    // Files inside a struct are uploaded too; those already uploaded are left alone.
    assert_eq!(
        bundled.files[0].uri(),
        "memory:///raw/local.files.report_flow/n0/a1/0/report-5.txt"
    );
    assert!(
        bundled.files[1]
            .uri()
            .starts_with("memory:///raw/local.files.report_flow/n2/a1/0/")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_a_local_run_uploads_to_a_local_folder() {
    let opts = RunOptions::default().execution_id(format!("files-local-{}", std::process::id()));
    let (text, listing, _) = report_flow::run_with(&opts, ("hi".into(),)).await.unwrap();
    let expected_dir = std::env::temp_dir()
        .join("flyte-local")
        .join(format!("files-local-{}", std::process::id()))
        .join("raw");
    let uploaded = expected_dir.join("local.files.report_flow/n0/a1/0/report-2.txt");
    assert_eq!(text, format!("hi <- {}", uploaded.display()));
    assert_eq!(std::fs::read_to_string(&uploaded).unwrap(), "hi");
    assert_eq!(listing, ["a.csv=1", "part/b.csv=2"]);
    std::fs::remove_dir_all(expected_dir.parent().unwrap()).unwrap();
}

/// With a `file://` raw prefix, uploaded files are named by plain paths, as flytekit
/// names them (it reads a `file://` URI as remote and cannot find it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_url_raw_prefix_gives_plain_paths() {
    let root = std::env::temp_dir().join(format!("flyte-files-url-{}", std::process::id()));
    let opts = RunOptions::default().raw_output_prefix(format!("file://{}", root.display()));
    let (text, listing, bundled) = report_flow::run_with(&opts, ("url".into(),)).await.unwrap();
    let uploaded = root.join("local.files.report_flow/n0/a1/0/report-3.txt");
    assert_eq!(text, format!("url <- {}", uploaded.display()));
    assert!(
        !bundled.files[0].uri().contains("://"),
        "{}",
        bundled.files[0].uri()
    );
    assert_eq!(std::fs::read_to_string(&uploaded).unwrap(), "url");
    assert_eq!(listing, ["a.csv=1", "part/b.csv=2"]);
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn files_download_and_upload_outside_a_run() {
    let dir = std::env::temp_dir().join(format!("flyte-files-dl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("src.txt");
    std::fs::write(&src, "payload").unwrap();
    let up = FlyteFile::upload(&src, "memory:///up/src.txt")
        .await
        .unwrap();
    assert_eq!(up.read().await.unwrap(), "payload".as_bytes());
    let dst = dir.join("copy").join("dst.txt");
    up.download(&dst).await.unwrap();
    assert_eq!(std::fs::read_to_string(&dst).unwrap(), "payload");
    let tree = FlyteDirectory::upload(dir.join("copy"), "memory:///tree")
        .await
        .unwrap();
    let listed: Vec<_> = tree
        .files()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.uri().to_string())
        .collect();
    assert_eq!(listed, ["memory:///tree/dst.txt"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn files_are_blobs() {
    assert_eq!(<FlyteFile>::literal_type().to_string(), "file");
    assert_eq!(FlyteDirectory::literal_type().to_string(), "directory");
    let f = FlyteFile::new("s3://b/k");
    assert_eq!(<FlyteFile>::from_literal(&f.to_literal()).unwrap(), f);
    assert!(FlyteDirectory::from_literal(&f.to_literal()).is_err());
}
