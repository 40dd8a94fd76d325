//! Conditionals: `when(..).then(..).otherwise(..)` picks one case at run time; only
//! that case's nodes run. Prints the graph and which case ran for a few inputs.
//!
//! Run with `cargo run --example branching`.

use flytekit::prelude::*;

#[task]
fn measure(text: String) -> i64 {
    text.split_whitespace().count() as i64
}

#[task]
fn summarize(text: String, words: i64) -> String {
    println!("  ran summarize ({words} words)");
    format!(
        "{}...",
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

#[task]
fn shout(text: String) -> String {
    println!("  ran shout");
    text.to_uppercase()
}

#[workflow]
fn tidy(text: String, mode: String) -> String {
    let words = measure(text);
    when(words > 5 && mode != "raw")
        .then(|| summarize(text, words))
        .when(mode == "loud" || words == 0)
        .then(|| shout(text))
        .otherwise(|| text)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    println!("{}", tidy::spec());
    for (text, mode) in [
        ("the quick brown fox jumps over the lazy dog", "tidy"),
        ("hello there", "loud"),
        ("hello there", "raw"),
    ] {
        println!("tidy({text:?}, {mode:?}):");
        let out = tidy::run(text.into(), mode.into()).await?;
        println!("  -> {out:?}");
    }
    Ok(())
}
