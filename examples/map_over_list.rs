//! Map tasks: one node runs a task over every item of a list, a few at a time, and
//! may tolerate some failed items. Prints the results and how many ran at once.
//!
//! Run with `cargo run --example map_over_list`. With arguments it is the program's
//! command line (`cargo run --example map_over_list -- package --image ...`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use flytekit::prelude::*;

static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Pretends to fetch a page; page 13 is always missing.
#[task(retries = 1)]
async fn fetch_page(page: i64) -> Result<String, String> {
    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
    PEAK.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(50)).await;
    RUNNING.fetch_sub(1, Ordering::SeqCst);
    if page == 13 {
        Err(format!("page {page} not found"))
    } else {
        Ok(format!("page-{page}"))
    }
}

#[task]
fn count_found(pages: Vec<Option<String>>) -> (i64, i64) {
    let found = pages.iter().filter(|p| p.is_some()).count() as i64;
    (found, pages.len() as i64 - found)
}

#[workflow]
fn crawl(pages: Vec<i64>) -> (Vec<Option<String>>, i64, i64) {
    let fetched = map_task(&fetch_page)
        .concurrency(4)
        .min_success_ratio(0.9)
        .over(pages);
    let (found, missing) = count_found(fetched);
    (fetched, found, missing)
}

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    if std::env::args_os().len() > 1 {
        return Ok(flytekit::cli::App::new().workflow(&crawl {}).main().await);
    }
    println!("{}", crawl::spec());
    let start = Instant::now();
    let (pages, found, missing) = crawl::run((1..=20).collect()).await?;
    println!(
        "fetched 20 pages in {} ms, at most {} at once",
        start.elapsed().as_millis(),
        PEAK.load(Ordering::SeqCst)
    );
    println!("found {found}, missing {missing}: {pages:?}");

    match crawl::run((10..=14).collect()).await {
        Ok(_) => println!("unexpected: 1 of 5 failing is below the 0.9 ratio"),
        Err(e) => println!("with 1 of 5 pages missing: {:#}", anyhow::Error::from(e)),
    }
    Ok(std::process::ExitCode::SUCCESS)
}
