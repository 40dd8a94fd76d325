//! Sensor costs, on the real clock and the local file system:
//! - detection latency: from the moment the file is written to the moment the sensor
//!   task returns (issue #5 target: within poll_interval + 20 ms);
//! - CPU time the process spends while a sensor waits 10 s for a file that does not
//!   come (target: under 10 ms).
//!
//! `cargo bench --bench sensor`. Prints its figures; BENCHMARKS.md keeps them.

#[path = "support/runtime.rs"]
mod runtime;

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use flytekit::plugins::WaitForObjectStoreFile;
use flytekit::prelude::*;

static SENSOR: LazyLock<WaitForObjectStoreFile> =
    LazyLock::new(|| WaitForObjectStoreFile::new("bench-sensor").poll_interval("100ms"));

#[workflow]
fn wait_for(path: String) -> String {
    SENSOR(path)
}

static IDLE: LazyLock<WaitForObjectStoreFile> = LazyLock::new(|| {
    WaitForObjectStoreFile::new("bench-idle")
        .poll_interval("1s")
        .max_wait("10s")
});

#[workflow]
fn wait_idle(path: String) -> String {
    IDLE(path)
}

/// User plus system CPU time of this process so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage writes into the struct we pass and reads nothing else.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1_000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not used here.
    let rt = runtime::runtime();
    let dir = std::env::temp_dir().join(format!("flyte-bench-sensor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let runs = 30;
    let mut latencies = Vec::with_capacity(runs);
    for i in 0..runs {
        let path = dir.join(format!("landing-{i}.txt"));
        let target = path.display().to_string();
        let sensing = rt.spawn(async move {
            let found = wait_for::run(target).await.unwrap();
            (found, Instant::now())
        });
        // Land the file at a different point of the poll cycle each run.
        std::thread::sleep(Duration::from_millis(150 + (i as u64 * 37) % 100));
        std::fs::write(&path, "x").unwrap();
        let written = Instant::now();
        let (_, returned) = rt.block_on(sensing).unwrap();
        latencies.push(returned.saturating_duration_since(written));
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "sensor detection latency (poll_interval 100 ms, {runs} runs): min {:.1} ms, median {:.1} ms, max {:.1} ms",
        ms(latencies[0]),
        ms(latencies[runs / 2]),
        ms(latencies[runs - 1])
    );

    let missing = dir.join("never.txt").display().to_string();
    let before = cpu_time();
    let started = Instant::now();
    let err = rt.block_on(wait_idle::run(missing)).unwrap_err();
    let waited = started.elapsed();
    let cpu = cpu_time() - before;
    assert!(err.to_string().contains("bench-idle"), "{err}");
    println!(
        "CPU time while a sensor waits {:.1} s (poll_interval 1 s, 11 looks): {:.2} ms",
        waited.as_secs_f64(),
        ms(cpu)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
