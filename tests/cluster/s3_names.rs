//! Object keys that URL parsing would change, on a real S3-compatible server (s3s-fs
//! on 127.0.0.1, started by `.ci/test`): they round-trip exactly, a directory download
//! fetches exactly the listed objects into the target folder, and folder markers do
//! not disturb either.

use std::path::PathBuf;

use flytekit::data::FileAccess;
use flytekit::prelude::*;

use crate::support;
use support::{read_tree, s3_prefix as prefix};

/// Keys of every kind the issue names: spaces, `%`, `#`, `?`, `+`, non-ASCII and
/// percent-escapes that belong to the name.
const KEYS: [&str; 8] = [
    "dir/café.csv",
    "dir/a b.txt",
    "dir/100%.txt",
    "dir/report#1.csv",
    "dir/q?x=1",
    "dir/a+b.txt",
    "dir/%2E%2E/secret.txt",
    "dir/x%2Fy.txt",
];

#[tokio::test]
async fn keys_round_trip_exactly() {
    let fa = FileAccess::new();
    let base = prefix("keys");
    for key in KEYS {
        let location = format!("{base}/{key}");
        fa.put(&location, key.to_string()).await.unwrap();
        assert_eq!(fa.get(&location).await.unwrap(), key.as_bytes(), "{key}");
        assert!(fa.exists(&location).await.unwrap(), "{key}");
    }
    // Nothing landed under a decoded name: the bucket-level secret.txt is not there.
    assert!(!fa.exists(&format!("{base}/secret.txt")).await.unwrap());
    assert!(!fa.exists(&format!("{base}/dir/report")).await.unwrap());
    let mut listed = fa.list(&format!("{base}/dir")).await.unwrap();
    listed.sort();
    let mut expected: Vec<String> = KEYS.iter().map(|k| format!("{base}/{k}")).collect();
    expected.sort();
    assert_eq!(listed, expected);
}

#[task]
async fn fetch_dir(dir: FlyteDirectory, to: String) -> Result<i64, flytekit::data::DataError> {
    dir.download(&to).await?;
    Ok(dir.files().await?.len() as i64)
}

#[workflow]
fn fetch_flow(dir: FlyteDirectory, to: String) -> i64 {
    fetch_dir(dir, to)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_download_gets_exactly_the_listed_objects() {
    let fa = FileAccess::new();
    let base = prefix("download");
    // A decoy at the bucket level of this prefix that a decoded `%2E%2E` would reach.
    fa.put(&format!("{base}/secret.txt"), "outside")
        .await
        .unwrap();
    for key in KEYS {
        fa.put(&format!("{base}/{key}"), key.to_string())
            .await
            .unwrap();
    }

    let to = std::env::temp_dir().join(format!("flyte-s3-download-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&to);
    // Each test's runtime has its own object-store access: a shared one would keep
    // connections whose tasks died with another test's runtime.
    let options = RunOptions::default().file_access(std::sync::Arc::new(FileAccess::new()));
    let count = fetch_flow::run_with(
        &options,
        (
            FlyteDirectory::new(format!("{base}/dir")),
            to.display().to_string(),
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        count,
        KEYS.len() as i64,
        "{:#?}",
        fa.list(&format!("{base}/dir")).await.unwrap()
    );
    let mut expected: Vec<(String, String)> = KEYS
        .iter()
        .map(|k| (k.trim_start_matches("dir/").to_string(), k.to_string()))
        .collect();
    expected.sort();
    assert_eq!(read_tree(&to), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folder_markers_are_skipped() {
    let fa = FileAccess::new();
    let base = prefix("markers");
    fa.put(&format!("{base}/dir/sub/a.txt"), "a").await.unwrap();
    put_marker(&format!("{base}/dir/sub/")).await;
    put_marker(&format!("{base}/dir/empty/")).await;
    // s3s-fs keeps markers as folders and does not list them, unlike S3; skipping
    // listed markers is proven with a store that lists them (tests/local/file_names.rs).
    // Here: markers on a real server do not disturb a listing or a download.
    let listed = fa.list(&format!("{base}/dir")).await.unwrap();
    assert_eq!(listed, [format!("{base}/dir/sub/a.txt")]);
    let to: PathBuf = std::env::temp_dir().join(format!("flyte-s3-markers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&to);
    let options = RunOptions::default().file_access(std::sync::Arc::new(FileAccess::new()));
    fetch_flow::run_with(
        &options,
        (
            FlyteDirectory::new(format!("{base}/dir")),
            to.display().to_string(),
        ),
    )
    .await
    .unwrap();
    assert_eq!(read_tree(&to), [("sub/a.txt".to_string(), "a".to_string())]);
}

/// An empty object whose key ends in `/`, as the S3 console's "create folder"
/// writes it. object_store cannot name such a key, so it is sent as a plain signed
/// request would be: with the AWS CLI's credentials over HTTP to the test server.
async fn put_marker(location: &str) {
    let endpoint = std::env::var("AWS_ENDPOINT").expect("AWS_ENDPOINT");
    let key = location.strip_prefix("s3://").unwrap();
    let url = format!("{endpoint}/{key}");
    let status = std::process::Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-X",
            "PUT",
            "--aws-sigv4",
            "aws:amz:us-east-1:s3",
            "--user",
        ])
        .arg(format!(
            "{}:{}",
            std::env::var("AWS_ACCESS_KEY_ID").unwrap(),
            std::env::var("AWS_SECRET_ACCESS_KEY").unwrap()
        ))
        .args([
            "-H",
            "x-amz-content-sha256: UNSIGNED-PAYLOAD",
            "--data-binary",
            "",
        ])
        .arg(&url)
        .output()
        .expect("curl runs");
    assert_eq!(String::from_utf8_lossy(&status.stdout), "200", "PUT {url}");
}
