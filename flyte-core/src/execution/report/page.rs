//! The report's HTML: a header with the run's totals, the graph, a filterable table
//! of nodes with a timeline bar each, details on click (attempts, values, error,
//! decks), and the run's error. The node data sits in the page as JSON; a short
//! script draws the rows 200 at a time.

use std::fmt::Write;

use serde_json::{Value as Json, json};

use super::super::{AttemptOutcome, NodeRecord, NodeStatus};
use super::{RunView, graph};
use crate::task::escape_html;

/// A value's JSON on the page is cut past this many bytes.
pub(super) const MAX_VALUE_BYTES: usize = 4 * 1024;
/// A node's decks on the page are cut past this many bytes.
pub(super) const MAX_DECK_BYTES: usize = 256 * 1024;

const CSS: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// The whole page.
pub(super) fn render(view: &RunView<'_>) -> String {
    let mut records: Vec<&NodeRecord> = view.records.iter().collect();
    records.sort_by_key(|r| r.started_at);
    let started = view.started_at;
    let data = json!({
        "workflow": view.spec.name,
        "execution": view.execution_id,
        "status": view.status.as_str(),
        "duration": view.duration.as_secs_f64(),
        "nodes": records.iter().map(|r| node_json(r, started)).collect::<Vec<_>>(),
    });
    let mut out = String::with_capacity(16 * 1024 + view.records.len() * 300);
    let title = format!("{} · {}", view.spec.name, view.status.as_str());
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head><body>",
        escape_html(&title)
    );
    header(&mut out, view);
    out.push_str("<section id=\"graph-section\"><h2>Graph</h2>");
    match graph::svg(view.spec, view.records, view.maps) {
        Some(svg) => {
            out.push_str("<div class=\"graph-wrap\">");
            out.push_str(&svg);
            out.push_str("</div>");
        }
        None => {
            let _ = write!(
                out,
                "<p class=\"note\">The graph is left out: {} nodes (the page draws up to {}). The table lists every node.</p>",
                view.spec.nodes.len(),
                graph::MAX_NODES
            );
        }
    }
    out.push_str(
        "<p class=\"legend\"><span class=\"st-succeeded\">succeeded</span><span class=\"st-cached\">cached</span>\
         <span class=\"st-failed\">failed</span><span class=\"st-skipped\">skipped</span>\
         <span class=\"st-cancelled\">cancelled</span><span class=\"st-notrun\">not run</span></p></section>",
    );
    let interface = &view.spec.interface;
    values(&mut out, "Inputs", view.inputs, &interface.input_names());
    values(&mut out, "Outputs", view.outputs, &interface.output_names());
    out.push_str(
        "<section id=\"nodes-section\"><h2>Nodes and timeline</h2>\
         <div class=\"controls\"><input id=\"filter\" type=\"search\" placeholder=\"filter by node or task\">\
         <select id=\"status\"><option value=\"\">every status</option><option>succeeded</option>\
         <option>cached</option><option>failed</option><option>skipped</option><option>cancelled</option></select>\
         <button id=\"prev\" type=\"button\">◀</button><span id=\"page\"></span><button id=\"next\" type=\"button\">▶</button></div>\
         <table id=\"nodes\"><thead><tr><th>status</th><th>node</th><th>task</th><th>attempts</th>\
         <th>duration</th><th class=\"tl\">timeline</th></tr></thead><tbody></tbody></table></section>",
    );
    let _ = writeln!(
        out,
        "<script type=\"application/json\" id=\"data\">{}</script><script>{SCRIPT}</script></body></html>",
        script_safe(&data.to_string())
    );
    out
}

fn header(out: &mut String, view: &RunView<'_>) {
    let count = |s| view.records.iter().filter(|r| r.status == s).count();
    let started: chrono::DateTime<chrono::Utc> = view.started_at.into();
    let _ = write!(
        out,
        "<header class=\"run st-{status}\"><h1>{name}</h1><p><b class=\"badge\">{status}</b> \
         in {took} · started {started} · execution <code>{id}</code></p><p class=\"totals\">{n} nodes:",
        status = view.status.as_str(),
        name = escape_html(&view.spec.name),
        took = crate::types::human_duration(view.duration),
        started = started.format("%Y-%m-%d %H:%M:%S UTC"),
        id = escape_html(view.execution_id),
        n = view.records.len(),
    );
    // Every status that occurred, succeeded always.
    for status in [
        NodeStatus::Succeeded,
        NodeStatus::Cached,
        NodeStatus::Failed,
        NodeStatus::Skipped,
        NodeStatus::Cancelled,
    ] {
        let k = count(status);
        if k > 0 || status == NodeStatus::Succeeded {
            let _ = write!(out, " <span class=\"st-{status}\">{k} {status}</span>");
        }
    }
    let attempts: usize = view
        .records
        .iter()
        .map(|r| r.attempt_log.len().max(r.attempts as usize))
        .sum();
    let retries: usize = view
        .records
        .iter()
        .map(|r| r.attempts.saturating_sub(1) as usize)
        .sum();
    let _ = write!(out, " · {attempts} attempts, {retries} retries</p>");
    if let Some(error) = view.error {
        let _ = write!(
            out,
            "<pre class=\"error\" id=\"run-error\">{}</pre>",
            escape_html(error)
        );
    }
    out.push_str("</header>");
}

fn values(out: &mut String, title: &str, values: Option<&Json>, order: &[&str]) {
    let Some(Json::Object(map)) = values else {
        return;
    };
    if map.is_empty() {
        return;
    }
    let _ = write!(out, "<section class=\"values\"><h2>{title}</h2><table>");
    for (name, value) in in_order(map, order) {
        let _ = write!(
            out,
            "<tr><th>{}</th><td><pre>{}</pre></td></tr>",
            escape_html(name),
            escape_html(&cut(&pretty(value), MAX_VALUE_BYTES))
        );
    }
    out.push_str("</table></section>");
}

/// One node as the script reads it; keys are short because there may be 10,000.
fn node_json(r: &NodeRecord, run_start: std::time::SystemTime) -> Json {
    let offset = r
        .started_at
        .duration_since(run_start)
        .unwrap_or_default()
        .as_secs_f64();
    let mut node = json!({
        "p": r.path,
        "t": r.task,
        "s": r.status.to_string(),
        "a": r.attempts,
        "o": round(offset),
        "d": round(r.duration.as_secs_f64()),
    });
    let obj = node.as_object_mut().expect("an object");
    if let Some(reason) = &r.reason {
        obj.insert("r".into(), Json::String(reason.clone()));
    }
    if let Some(Json::Object(m)) = &r.inputs
        && !m.is_empty()
    {
        obj.insert("i".into(), cut_values(m, &r.order.inputs));
    }
    if let Some(Json::Object(m)) = &r.outputs
        && !m.is_empty()
    {
        obj.insert("u".into(), cut_values(m, &r.order.outputs));
    }
    if r.attempt_log.len() > 1
        || r.attempt_log
            .iter()
            .any(|a| a.outcome != AttemptOutcome::Succeeded)
    {
        let attempts: Vec<Json> = r
            .attempt_log
            .iter()
            .map(|a| {
                let (how, message) = match &a.outcome {
                    AttemptOutcome::Succeeded => ("succeeded", ""),
                    AttemptOutcome::Failed(m) => ("failed", m.as_str()),
                    AttemptOutcome::Skipped(m) => ("skipped", m.as_str()),
                };
                json!([
                    a.number,
                    round(a.offset.as_secs_f64()),
                    round(a.duration.as_secs_f64()),
                    how,
                    message
                ])
            })
            .collect();
        obj.insert("at".into(), Json::Array(attempts));
    }
    if !r.decks.is_empty() {
        let mut budget = MAX_DECK_BYTES;
        let decks: Vec<Json> = r
            .decks
            .iter()
            .map(|d| {
                let html = if d.html.len() <= budget {
                    budget -= d.html.len();
                    d.html.clone()
                } else {
                    budget = 0;
                    format!("<p class=\"note\">This deck is {} bytes; the report keeps {} KiB of decks per node.</p>", d.html.len(), MAX_DECK_BYTES / 1024)
                };
                json!([d.name, html])
            })
            .collect();
        obj.insert("dk".into(), Json::Array(decks));
    }
    node
}

/// Each value as its pretty JSON text, cut to [`MAX_VALUE_BYTES`].
/// `[name, value]` pairs in declared order, each value cut to size.
fn cut_values<S: AsRef<str>>(map: &serde_json::Map<String, Json>, order: &[S]) -> Json {
    Json::Array(
        in_order(map, order)
            .map(|(k, v)| json!([k, cut(&pretty(v), MAX_VALUE_BYTES)]))
            .collect(),
    )
}

/// The entries of `map` in the order of `order` (the JSON object is sorted by name),
/// then any it does not name.
fn in_order<'m, S: AsRef<str>>(
    map: &'m serde_json::Map<String, Json>,
    order: &[S],
) -> impl Iterator<Item = (&'m String, &'m Json)> {
    let named = order.iter().filter_map(|n| map.get_key_value(n.as_ref()));
    let rest = map
        .iter()
        .filter(|(k, _)| !order.iter().any(|n| n.as_ref() == k.as_str()));
    named.chain(rest)
}

fn pretty(v: &Json) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// `text` cut to about `max` bytes at a character boundary, saying how much is left.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… {} more bytes", &text[..end], text.len() - end)
}

fn round(seconds: f64) -> f64 {
    (seconds * 1e6).round() / 1e6
}

/// JSON that cannot end the `<script>` element it sits in.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}
