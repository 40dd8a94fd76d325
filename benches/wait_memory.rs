//! Memory as a user sees it: the peak resident memory of a process running a fan-out
//! of 100,000 async tasks that all wait at once (each waits on one barrier that opens
//! only when all have arrived), minus that of the same program running one such task,
//! per node: the graph, the node futures, inputs and outputs together, as the kernel
//! counts them. `cargo bench --bench wait_memory` runs this binary twice more (with
//! `--nodes 1` and `--nodes 100000`) and prints the difference per node.

use std::sync::OnceLock;

use flytekit::prelude::*;

static BARRIER: OnceLock<tokio::sync::Barrier> = OnceLock::new();

#[task]
async fn wait_all(i: i64) -> i64 {
    BARRIER.get().expect("set before the run").wait().await;
    i
}

#[workflow]
fn one() {
    wait_all(0);
}

#[workflow]
fn many() {
    for i in 0..100_000 {
        wait_all(i);
    }
}

/// The process's peak resident set (`VmHWM`), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status");
    kb * 1024
}

/// Runs the fan-out of `nodes` (1 or 100,000) and prints the peak resident set.
async fn child(nodes: usize) {
    BARRIER.get_or_init(|| tokio::sync::Barrier::new(nodes));
    match nodes {
        1 => one::run().await.unwrap(),
        _ => many::run().await.unwrap(),
    }
    println!("{}", peak_rss());
}

fn measure(nodes: usize) -> u64 {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--nodes", &nodes.to_string()])
        .output()
        .expect("the bench runs itself");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--nodes") {
        return child(args[i + 1].parse().unwrap()).await;
    }
    for _ in 0..3 {
        let (one, many) = (measure(1), measure(100_000));
        println!(
            "fan-out of 100,000 waiting async tasks: {:.0} bytes per node ({} MB peak, {} MB with one node)",
            (many - one) as f64 / 99_999.0,
            many / 1_000_000,
            one / 1_000_000
        );
    }
}
