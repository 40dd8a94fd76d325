//! Local execution and graph building: a chain of 1,000 trivial tasks and a fan-out of
//! 10,000 independent trivial tasks, each with async and with plain (blocking-pool)
//! task bodies. Per-node cost is the reported time divided by the node count.
//!
//! Run with `cargo bench --bench executor`; figures go in BENCHMARKS.md.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use flytekit::prelude::*;

#[task]
async fn inc_async(x: i64) -> i64 {
    x + 1
}

#[task]
fn inc_sync(x: i64) -> i64 {
    x + 1
}

#[workflow]
fn chain_async(x: i64) -> i64 {
    let mut acc = x;
    for _ in 0..1_000 {
        acc = inc_async(acc);
    }
    acc
}

#[workflow]
fn chain_sync(x: i64) -> i64 {
    let mut acc = x;
    for _ in 0..1_000 {
        acc = inc_sync(acc);
    }
    acc
}

#[workflow]
fn fan_out_async() {
    for i in 0..10_000 {
        inc_async(i);
    }
}

#[task]
async fn total(parts: Vec<i64>) -> i64 {
    parts.iter().sum()
}

/// Fan-out, then one task gathering every output as a list.
#[workflow]
fn fan_in_async() -> i64 {
    let mut parts = Vec::new();
    for i in 0..10_000 {
        parts.push(inc_async(i));
    }
    total(parts)
}

#[workflow]
fn fan_out_sync() {
    for i in 0..10_000 {
        inc_sync(i);
    }
}

#[task]
async fn sleep_100ms_async(i: i64) -> i64 {
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    i
}

#[task]
fn sleep_100ms_sync(i: i64) -> i64 {
    std::thread::sleep(std::time::Duration::from_millis(100));
    i
}

#[workflow]
fn ten_sleeps_async() {
    for i in 0..10 {
        sleep_100ms_async(i);
    }
}

#[workflow]
fn ten_sleeps_sync() {
    for i in 0..10 {
        sleep_100ms_sync(i);
    }
}

#[workflow]
fn map_async(xs: Vec<i64>) -> Vec<i64> {
    map_task(&inc_async).over(xs)
}

#[workflow]
fn map_sync(xs: Vec<i64>) -> Vec<i64> {
    map_task(&inc_sync).over(xs)
}

#[path = "support/runtime.rs"]
mod support_runtime;
use support_runtime::runtime;

fn execution(c: &mut Criterion) {
    let rt = runtime();
    let mut g = c.benchmark_group("run");
    g.sample_size(30);
    g.throughput(Throughput::Elements(1_000));
    g.bench_function(BenchmarkId::new("chain_1000", "async"), |b| {
        b.to_async(&rt)
            .iter(|| async { chain_async::run(0).await.unwrap() })
    });
    g.bench_function(BenchmarkId::new("chain_1000", "sync"), |b| {
        b.to_async(&rt)
            .iter(|| async { chain_sync::run(0).await.unwrap() })
    });
    g.throughput(Throughput::Elements(10_000));
    g.bench_function(BenchmarkId::new("fan_out_10000", "async"), |b| {
        b.to_async(&rt)
            .iter(|| async { fan_out_async::run().await.unwrap() })
    });
    g.bench_function(BenchmarkId::new("fan_out_10000", "sync"), |b| {
        b.to_async(&rt)
            .iter(|| async { fan_out_sync::run().await.unwrap() })
    });
    g.bench_function(BenchmarkId::new("fan_out_gather_10000", "async"), |b| {
        b.to_async(&rt)
            .iter(|| async { fan_in_async::run().await.unwrap() })
    });
    // tokio's own floor for the same shape: spawn 10,000 trivial tasks, join them,
    // sum the outputs.
    g.bench_function(
        BenchmarkId::new("fan_out_gather_10000", "tokio_floor"),
        |b| {
            b.to_async(&rt).iter(|| async {
                let mut set = tokio::task::JoinSet::new();
                for i in 0..10_000i64 {
                    set.spawn(async move { i + 1 });
                }
                let mut sum = 0;
                while let Some(r) = set.join_next().await {
                    sum += r.unwrap();
                }
                sum
            })
        },
    );
    g.finish();

    let mut g = c.benchmark_group("map_task");
    g.sample_size(10);
    g.throughput(Throughput::Elements(100_000));
    let items: Vec<i64> = (0..100_000).collect();
    g.bench_function(BenchmarkId::new("100000_items", "async"), |b| {
        b.to_async(&rt)
            .iter(|| async { map_async::run(items.clone()).await.unwrap() })
    });
    g.bench_function(BenchmarkId::new("100000_items", "sync"), |b| {
        b.to_async(&rt)
            .iter(|| async { map_sync::run(items.clone()).await.unwrap() })
    });
    g.finish();

    let mut g = c.benchmark_group("ten_independent_100ms_tasks");
    g.sample_size(10);
    g.bench_function("async", |b| {
        b.to_async(&rt)
            .iter(|| async { ten_sleeps_async::run().await.unwrap() })
    });
    g.bench_function("sync", |b| {
        b.to_async(&rt)
            .iter(|| async { ten_sleeps_sync::run().await.unwrap() })
    });
    g.finish();
}

fn building(c: &mut Criterion) {
    let mut g = c.benchmark_group("build");
    g.sample_size(30);
    g.throughput(Throughput::Elements(1_000));
    g.bench_function("chain_1000", |b| b.iter(chain_async::build));
    g.throughput(Throughput::Elements(10_000));
    g.bench_function("fan_out_10000", |b| b.iter(fan_out_async::build));
    g.finish();
}

fn serializing(c: &mut Criterion) {
    use prost::Message;
    let settings = flytekit::idl::SerializationSettings {
        project: "p".into(),
        domain: "d".into(),
        version: "v1".into(),
        image: "img".into(),
        images: Default::default(),
        entrypoint: "/usr/local/bin/app".into(),
        fast: None,
    };
    let mut g = c.benchmark_group("serialize");
    g.sample_size(30);
    g.throughput(Throughput::Elements(1_000));
    // flytekit: compile 83 ms + serialize 27 ms for the same chain.
    g.bench_function("chain_1000_build_and_encode", |b| {
        b.iter(|| {
            let spec = chain_async::build();
            flytekit::idl::workflow_template(&spec, &settings)
                .unwrap()
                .encode_to_vec()
        })
    });
    let spec = chain_async::spec();
    g.bench_function("chain_1000_encode", |b| {
        b.iter(|| {
            flytekit::idl::workflow_template(spec, &settings)
                .unwrap()
                .encode_to_vec()
        })
    });
    g.finish();
}

#[task]
fn echo(path: String) -> String {
    path
}

/// The container entrypoint: one `execute` of a one-input task on local files, in
/// process (read inputs.pb, find the task, run it, write outputs.pb) and as a whole
/// process (the release build of the demo binary, started as Flyte starts it).
fn entrypoint(c: &mut Criterion) {
    use flytekit::data::FileAccess;
    use flytekit::entrypoint::{ExecuteRequest, execute};
    use flytekit::execution::ClusterIdentity;
    use flytekit::types::FlyteType;
    use prost::Message;

    let dir = std::env::temp_dir().join(format!("flyte-bench-entry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = "/tmp/some-file".to_string().to_literal();
    let inputs = flytekit::idl::literal_map([("path", &path)]);
    std::fs::write(dir.join("inputs.pb"), inputs.encode_to_vec()).unwrap();
    let mut registry = flytekit::registry::Registry::new();
    registry.task(&echo {});
    let files = FileAccess::shared();
    let request = ExecuteRequest {
        task_name: echo {}.name().to_string(),
        inputs: dir.join("inputs.pb").display().to_string(),
        output_prefix: dir.join("out").display().to_string(),
        raw_output_prefix: Some(dir.join("raw").display().to_string()),
        ..ExecuteRequest::default()
    };
    let rt = runtime();
    let mut g = c.benchmark_group("entrypoint");
    g.bench_function("in_process", |b| {
        b.to_async(&rt).iter(|| {
            execute(
                &registry,
                files.clone(),
                ClusterIdentity::default(),
                &request,
            )
        })
    });

    // Built by `cargo build --release --example custom_task_plugin` (BENCHMARKS.md).
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/release/examples/custom_task_plugin");
    assert!(
        bin.exists(),
        "run `cargo build --release --example custom_task_plugin` first"
    );
    let out = dir.join("process-out").display().to_string();
    let inputs_path = dir.join("inputs.pb").display().to_string();
    let raw = dir.join("raw").display().to_string();
    g.sample_size(30);
    g.bench_function("process_start_to_outputs", |b| {
        b.iter(|| {
            let status = std::process::Command::new(&bin)
                .args([
                    "execute",
                    "--inputs",
                    &inputs_path,
                    "--output-prefix",
                    &out,
                    "--raw-output-data-prefix",
                    &raw,
                    "--",
                    "task-name",
                    "custom_task_plugin.print_file",
                ])
                .env("RUST_LOG", "warn")
                .stdout(std::process::Stdio::null())
                .status()
                .unwrap();
            assert!(status.success());
        })
    });
    g.finish();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[task(cache = true, cache_version = "1")]
async fn cached_inc(x: i64) -> i64 {
    x + 1
}

#[workflow]
fn one_cached(x: i64) -> i64 {
    cached_inc(x)
}

#[workflow]
fn one_plain(x: i64) -> i64 {
    inc_async(x)
}

/// A one-node run whose task's outputs are in the cache (key, read, checksum,
/// decode), next to the same run of an uncached task.
fn caching(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("flyte-bench-cache-{}", std::process::id()));
    let opts = flytekit::execution::RunOptions::default().cache_dir(&dir);
    let rt = runtime();
    rt.block_on(one_cached::run_with(&opts, (41,))).unwrap();
    let mut g = c.benchmark_group("cache");
    g.bench_function("hit_one_node_run", |b| {
        b.to_async(&rt)
            .iter(|| async { one_cached::run_with(&opts, (41,)).await.unwrap() })
    });
    g.bench_function("uncached_one_node_run", |b| {
        b.to_async(&rt)
            .iter(|| async { one_plain::run_with(&opts, (41,)).await.unwrap() })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(
    benches,
    execution,
    building,
    serializing,
    entrypoint,
    caching
);
criterion_main!(benches);
