//! Peak heap use of building and running workflows of 1,000, 10,000 and 100,000
//! trivial nodes (chain and fan-out), counted by a global allocator wrapper, to show
//! memory grows linearly with the node count. Prints a table; figures go in
//! BENCHMARKS.md. Run with `cargo bench --bench memory`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use flyte::prelude::*;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only adds bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

#[task]
async fn inc(x: i64) -> i64 {
    x + 1
}

macro_rules! shapes {
    ($($chain:ident, $fan:ident, $n:expr;)+) => {$(
        #[workflow]
        fn $chain(x: i64) -> i64 {
            let mut acc = x;
            for _ in 0..$n {
                acc = inc(acc);
            }
            acc
        }

        #[workflow]
        fn $fan() {
            for i in 0..$n {
                inc(i);
            }
        }
    )+};
}

shapes! {
    chain_1k, fan_1k, 1_000;
    chain_10k, fan_10k, 10_000;
    chain_100k, fan_100k, 100_000;
}

#[workflow]
fn map_inc(xs: Vec<i64>) -> Vec<i64> {
    map_task(&inc).over(xs)
}

/// Peak bytes above the starting level while `f` runs.
fn peak_during<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let r = f();
    (PEAK.load(Ordering::SeqCst) - base, r)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!("| shape | nodes | graph (bytes/node) | run peak (bytes/node) |");
    println!("|---|---|---|---|");
    macro_rules! row {
        ($name:expr, $wf:expr, $n:expr, $($input:expr)?) => {{
            // Building the graph once keeps it for the runs that follow.
            let (graph, _) = peak_during(|| $wf.spec());
            let (run, _) = peak_during(|| rt.block_on($wf.run($($input)?)).unwrap());
            println!("| {} | {} | {:.0} | {:.0} |", $name, $n, graph as f64 / $n as f64, run as f64 / $n as f64);
        }};
    }
    row!("chain", chain_1k, 1_000, 0);
    row!("chain", chain_10k, 10_000, 0);
    row!("chain", chain_100k, 100_000, 0);
    row!("fan-out", fan_1k, 1_000,);
    row!("fan-out", fan_10k, 10_000,);
    row!("fan-out", fan_100k, 100_000,);
    for n in [10_000usize, 100_000] {
        let items: Vec<i64> = (0..n as i64).collect();
        let (run, out) = peak_during(|| rt.block_on(map_inc.run(items)).unwrap());
        assert_eq!(out.len(), n);
        println!(
            "| map task (items) | {} | – | {:.0} |",
            n,
            run as f64 / n as f64
        );
    }
}
