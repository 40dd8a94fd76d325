//! Peak heap use of building and running workflows of 1,000, 10,000 and 100,000
//! trivial nodes (chain and fan-out), counted by a global allocator wrapper, to show
//! memory grows linearly with the node count. Prints a table; figures go in
//! BENCHMARKS.md. Run with `cargo bench --bench memory`.

#[path = "support/runtime.rs"]
mod runtime;

use flytekit::prelude::*;

#[path = "support/counting.rs"]
mod counting;

use counting::peak_during;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

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

fn main() {
    let rt = runtime::runtime();
    println!("| shape | nodes | graph (bytes/node) | run peak (bytes/node) |");
    println!("|---|---|---|---|");
    macro_rules! row {
        ($name:expr, $wf:ident, $n:expr, $($input:expr)?) => {{
            // Building the graph once keeps it for the runs that follow.
            let (graph, _) = peak_during(|| $wf::spec());
            let (run, _) = peak_during(|| rt.block_on($wf::run($($input)?)).unwrap());
            println!("| {} | {} | {:.0} | {:.0} |", $name, $n, graph as f64 / $n as f64, run as f64 / $n as f64);
        }};
    }
    row!("chain", chain_1k, 1_000, 0);
    row!("chain", chain_10k, 10_000, 0);
    row!("chain", chain_100k, 100_000, 0);
    row!("fan-out", fan_1k, 1_000,);
    row!("fan-out", fan_10k, 10_000,);
    row!("fan-out", fan_100k, 100_000,);
    // tokio's own floor for a running fan-out: trivial tasks spawned into a JoinSet
    // and joined, as the executor spawns a graph's ready nodes.
    for n in [10_000usize, 100_000] {
        let (run, sum) = peak_during(|| {
            rt.block_on(async {
                let mut set = tokio::task::JoinSet::new();
                for i in 0..n as i64 {
                    set.spawn(async move { i + 1 });
                }
                let mut sum = 0;
                while let Some(r) = set.join_next().await {
                    sum += r.unwrap();
                }
                sum
            })
        });
        assert!(sum > 0);
        println!(
            "| tokio floor: JoinSet of trivial tasks | {} | – | {:.0} |",
            n,
            run as f64 / n as f64
        );
    }
    for n in [10_000usize, 100_000] {
        let items: Vec<i64> = (0..n as i64).collect();
        let (run, out) = peak_during(|| rt.block_on(map_inc::run(items)).unwrap());
        assert_eq!(out.len(), n);
        println!(
            "| map task (items) | {} | – | {:.0} |",
            n,
            run as f64 / n as f64
        );
    }
}
