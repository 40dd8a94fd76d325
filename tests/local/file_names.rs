//! Names that are not plain ASCII, and directory downloads that must get exactly the
//! objects listed: on the local disk and in the in-memory store. (The same on a real
//! S3 server: `tests/cluster/s3_names.rs`.)

use std::path::{Path, PathBuf};

use flytekit::data::{DataError, FileAccess};

use crate::support;
use flytekit::prelude::*;
use support::read_tree;

/// Names that URL parsing would change: spaces, `%`, `#`, `?`, `+`, non-ASCII,
/// percent-escapes that are part of the name.
const NAMES: [&str; 9] = [
    "a b.txt",
    "100%.txt",
    "café.txt",
    "report#1.csv",
    "q?x=1",
    "a+b.txt",
    "a%20b.txt",
    "x%2Fy.txt",
    "%2e%2e.txt",
];

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flyte-names-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn local_files_with_any_name_are_read_as_flyte_files() {
    let dir = scratch("read");
    for name in NAMES {
        let path = dir.join(name);
        std::fs::write(&path, name).unwrap();
        let plain = FlyteFile::new(path.display().to_string());
        assert_eq!(plain.read().await.unwrap(), name.as_bytes(), "{name}");
        let url = FlyteFile::new(format!("file://{}", path.display()));
        assert_eq!(url.read().await.unwrap(), name.as_bytes(), "file:// {name}");
    }
}

#[tokio::test]
async fn relative_paths_with_dot_dot_resolve_against_the_working_directory() {
    let dir = scratch("relative");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::create_dir_all(dir.join("wd")).unwrap();
    std::fs::write(dir.join("data").join("x.csv"), "1,2").unwrap();
    // The test's working directory is the crate root; go up to the root and back down.
    let cwd = std::env::current_dir().unwrap();
    let ups = "../".repeat(cwd.components().count() - 1);
    let relative = format!(
        "{ups}{}/wd/../data/x.csv",
        dir.display().to_string().trim_start_matches('/')
    );
    assert_eq!(
        FlyteFile::new(&relative).read().await.unwrap(),
        "1,2".as_bytes()
    );
}

#[tokio::test]
async fn a_missing_file_says_not_found_and_a_bad_location_says_why() {
    let fa = FileAccess::new();
    let err = fa.get("/no/such/dir/café x.txt").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(err.to_string().contains("café x.txt"), "{err}");
    let err = fa.get("s3://bucket/a//b").await.unwrap_err();
    assert!(matches!(err, DataError::InvalidLocation { .. }), "{err}");
    assert!(err.to_string().contains("empty part"), "{err}");
    assert!(
        !err.to_string().contains("no object store handles"),
        "{err}"
    );
}

#[task]
fn write_named(name: String) -> FlyteFile {
    let dir = std::env::temp_dir().join(format!("flyte-names-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(&name);
    std::fs::write(&path, format!("body of {name}")).unwrap();
    FlyteFile::new(path.display().to_string())
}

#[workflow]
fn named_output(name: String) -> FlyteFile {
    write_named(name)
}

#[tokio::test]
async fn a_returned_file_is_stored_under_the_name_its_uri_says() {
    for raw in [
        scratch("uploads").display().to_string(),
        "memory:///names-raw".to_string(),
    ] {
        let fa = std::sync::Arc::new(FileAccess::new());
        let opts = RunOptions::default()
            .raw_output_prefix(raw.clone())
            .file_access(fa.clone());
        for name in ["my report.txt", "100%.txt", "café.txt", "a+b#1.txt"] {
            let file = named_output::run_with(&opts, (name.into(),)).await.unwrap();
            assert!(file.uri().ends_with(&format!("/{name}")), "{}", file.uri());
            assert_eq!(
                fa.get(file.uri()).await.unwrap(),
                format!("body of {name}").as_bytes(),
                "{raw}: {name}"
            );
            if !raw.starts_with("memory") {
                assert!(
                    Path::new(file.uri()).is_file(),
                    "{} not on disk",
                    file.uri()
                );
            }
        }
    }
}

/// A tree whose names would escape or change under URL parsing, with a file beside
/// it that must not be read.
fn hostile_tree(test: &str) -> (PathBuf, PathBuf) {
    let base = scratch(test);
    let outside = base.join("secret.txt");
    std::fs::write(&outside, "outside").unwrap();
    let tree = base.join("tree");
    let nested = tree.join("%2e%2e").join("%2e%2e");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(nested.join("secret.txt"), "inside").unwrap();
    for name in NAMES {
        std::fs::write(tree.join(name), name).unwrap();
    }
    (tree, outside)
}

#[tokio::test]
async fn a_local_directory_is_listed_and_downloaded_exactly() {
    let (tree, _) = hostile_tree("download");
    let dir = FlyteDirectory::new(tree.display().to_string());
    let listed: Vec<String> = dir
        .files()
        .await
        .unwrap()
        .iter()
        .map(|f| f.uri().to_string())
        .collect();
    assert_eq!(listed.len(), NAMES.len() + 1, "{listed:#?}");
    for f in dir.files().await.unwrap() {
        assert!(f.read().await.is_ok(), "{} cannot be read back", f.uri());
    }
    let to = tree.parent().unwrap().join("copy");
    dir.download(&to).await.unwrap();
    let copied = read_tree(&to);
    assert_eq!(copied, read_tree(&tree));
    assert!(
        copied.iter().all(|(_, body)| body != "outside"),
        "a file from outside the folder was copied: {copied:#?}"
    );
}

#[tokio::test]
async fn a_directory_in_memory_is_downloaded_exactly() {
    let fa = std::sync::Arc::new(FileAccess::new());
    let (tree, _) = hostile_tree("memory");
    let to_store = "memory:///hostile/tree";
    let run_opts = RunOptions::default().file_access(fa.clone());
    // Upload through a task, so the run's FileAccess is the one holding the store.
    let copied = copy_up_and_down::run_with(
        &run_opts,
        (tree.display().to_string(), to_store.to_string()),
    )
    .await
    .unwrap();
    assert_eq!(read_tree(Path::new(&copied)), read_tree(&tree));
    fa.put("memory:///hostile/secret.txt", "outside")
        .await
        .unwrap();
    assert_eq!(fa.list(to_store).await.unwrap().len(), NAMES.len() + 1);
}

#[task]
async fn copy_up_down(from: String, to: String) -> Result<String, DataError> {
    let dir = FlyteDirectory::upload(&from, &to).await?;
    let back = PathBuf::from(format!("{from}-back"));
    dir.download(&back).await?;
    Ok(back.display().to_string())
}

#[workflow]
fn copy_up_and_down(from: String, to: String) -> String {
    copy_up_down(from, to)
}

#[tokio::test]
async fn folder_markers_are_skipped_in_listings_and_downloads() {
    let store = support::Probe::with_markers(
        object_store::memory::InMemory::new(),
        &["markers/dir/sub", "markers/dir/empty", "markers/dir"],
    );
    let fa = std::sync::Arc::new(FileAccess::new().with_store("memory:///", store).unwrap());
    fa.put("memory:///markers/dir/sub/a.txt", "a")
        .await
        .unwrap();
    assert_eq!(
        fa.list("memory:///markers/dir").await.unwrap(),
        ["memory:///markers/dir/sub/a.txt"]
    );
    let to = scratch("markers").join("copy");
    let copied = download_to::run_with(
        &RunOptions::default().file_access(fa),
        (
            FlyteDirectory::new("memory:///markers/dir"),
            to.display().to_string(),
        ),
    )
    .await
    .unwrap();
    assert_eq!(copied, 1);
    assert_eq!(read_tree(&to), [("sub/a.txt".to_string(), "a".to_string())]);
}

#[task]
async fn fetch_into(dir: FlyteDirectory, to: String) -> Result<i64, DataError> {
    dir.download(&to).await?;
    Ok(dir.files().await?.len() as i64)
}

#[workflow]
fn download_to(dir: FlyteDirectory, to: String) -> i64 {
    fetch_into(dir, to)
}
