//! A tour of the types tasks can pass: collections, maps, options, bytes, datetimes,
//! a user struct and enum, and a file. Prints each value and its Flyte type.
//!
//! Run with `cargo run --example types_tour`.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use flytekit::prelude::*;
use serde::{Deserialize, Serialize};

/// An order, passed between tasks as a Flyte struct (msgpack, with a JSON schema).
#[derive(Clone, Debug, Serialize, Deserialize, FlyteType)]
struct Order {
    id: i64,
    items: Vec<String>,
    prices: BTreeMap<String, f64>,
    coupon: Option<String>,
    placed: DateTime<Utc>,
    status: Status,
}

/// A Flyte enum of the variant names.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, FlyteType)]
enum Status {
    Open,
    Shipped,
}

#[task]
fn make_order(id: i64, items: Vec<String>) -> Order {
    let prices = items
        .iter()
        .map(|i| (i.clone(), 1.25 * i.len() as f64))
        .collect();
    Order {
        id,
        items,
        prices,
        coupon: None,
        placed: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
        status: Status::Open,
    }
}

#[task]
fn ship(mut order: Order, delay: Duration) -> (Order, HashMap<String, i64>, Option<f64>) {
    order.status = Status::Shipped;
    let counts = order
        .items
        .iter()
        .map(|i| (i.clone(), i.len() as i64))
        .collect();
    let discount = order.coupon.as_ref().map(|_| 0.1);
    order.placed += chrono::Duration::from_std(delay).unwrap_or_default();
    (order, counts, discount)
}

/// Writes a receipt to a local file; the run uploads it to its raw-output folder.
#[task]
fn receipt(order: Order, logo: Vec<u8>) -> FlyteFile {
    let path = std::env::temp_dir().join(format!("receipt-{}.txt", order.id));
    let total: f64 = order.prices.values().sum();
    let text = format!(
        "order {} ({:?}) total {total:.2}, logo {} bytes\n",
        order.id,
        order.status,
        logo.len()
    );
    std::fs::write(&path, text).expect("temp dir is writable");
    FlyteFile::new(path.display().to_string())
}

#[task]
async fn read_receipt(file: FlyteFile) -> Result<String, flytekit::data::DataError> {
    let bytes = file.read().await?;
    Ok(format!(
        "{} (from {})",
        String::from_utf8_lossy(&bytes).trim(),
        file.uri()
    ))
}

#[workflow]
fn order_flow(id: i64, items: Vec<String>) -> (Order, HashMap<String, i64>, Option<f64>, String) {
    let order = make_order(id, items);
    let (shipped, counts, discount) = ship(order, Duration::from_secs(3600));
    let file = receipt(shipped, vec![0x89, 0x50, 0x4e, 0x47]);
    (shipped, counts, discount, read_receipt(file))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    println!("{}", order_flow::spec());
    for var in &order_flow::spec().interface.outputs {
        println!("output {}: {}", var.name, var.ty);
    }
    println!(
        "Order's JSON schema: {}\n",
        serde_json::to_string(&Order::json_schema())?
    );

    // (`receipt` names the task above; a local binding cannot reuse a task's name.)
    let (order, counts, discount, receipt_text) =
        order_flow::run(7, vec!["apple".into(), "kiwi".into()]).await?;
    println!("shipped order: {order:?}");
    println!("item counts:   {counts:?}");
    println!("discount:      {discount:?}");
    println!("receipt:       {receipt_text}");
    let literal = order.to_literal();
    println!("the order as a Flyte literal: {literal}");
    Ok(())
}
