//! The cache folder follows `FLYTE_CACHE_DIR`, and `FLYTE_LOCAL_CACHE_ENABLED=false`
//! turns the cache off. Alone in its test binary: it sets process environment
//! variables.

use flytekit::prelude::*;

#[task(cache = true, cache_version = "1")]
async fn triple(x: i64) -> i64 {
    x * 3
}

#[workflow]
fn run_triple(x: i64) -> i64 {
    triple(x)
}

fn entry_count(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("cache_env.triple"))
        .map(|d| d.flatten().count())
        .unwrap_or(0)
}

#[test]
fn the_cache_folder_follows_the_environment() {
    // Under `cargo test`, with no folder named, runs keep to a cache of this test
    // process's own, never the user's.
    let own = flytekit::cache::Cache::default_root();
    if std::env::var_os("FLYTE_CACHE_DIR").is_none() {
        let prefix = format!("flyte-rs-test-cache-{}-", std::process::id());
        assert_eq!(own.parent(), Some(std::env::temp_dir().as_path()));
        let name = own.file_name().unwrap().to_string_lossy();
        assert!(name.starts_with(&prefix), "{}", own.display());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        assert_eq!(rt.block_on(run_triple::run(5)).unwrap(), 15);
        assert_eq!(entry_count(&own), 1);
        let _ = std::fs::remove_dir_all(&own);
    }

    let dir = std::env::temp_dir().join(format!("flyte-cache-env-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // SAFETY: the only test in this binary, and no runtime or other thread of ours
    // is running yet.
    unsafe { std::env::set_var("FLYTE_CACHE_DIR", &dir) };
    assert_eq!(flytekit::cache::Cache::default_root(), dir);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(run_triple::run(3)).unwrap(), 9);
    assert_eq!(entry_count(&dir), 1);

    drop(rt);
    // SAFETY: as above; the runtime is gone.
    unsafe { std::env::set_var("FLYTE_LOCAL_CACHE_ENABLED", "false") };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(run_triple::run(4)).unwrap(), 12);
    assert_eq!(
        entry_count(&dir),
        1,
        "nothing written with the cache turned off"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
