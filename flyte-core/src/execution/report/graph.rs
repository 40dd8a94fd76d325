//! The report's graph: the top workflow's nodes as an SVG drawn here, in layers from
//! left to right (a node one layer right of the last node it waits for), each box
//! coloured by how its node (or every node inside it) ended.

use std::fmt::Write;

use super::super::{NodeRecord, NodeStatus};
use crate::task::escape_html;
use crate::workflow::{Binding, Entity, WorkflowSpec};

/// Past this many nodes the graph is left out; the table still lists every node.
pub(super) const MAX_NODES: usize = 2_000;

const W: usize = 184;
const H: usize = 54;
const GAP_X: usize = 64;
const GAP_Y: usize = 14;
const PAD: usize = 12;

/// Where each box goes: node `i` at `(layer, row)`; layer 0 holds the inputs box and
/// layer `last` the outputs box.
struct Layout {
    at: Vec<(usize, usize)>,
    last: usize,
    width: usize,
    height: usize,
}

impl Layout {
    /// A node one layer right of the last node it waits for, stacked in its layer.
    /// A node may wait for a later one (an order lifted out of a `when`), so the
    /// layers are relaxed until they settle: at most once per node, as a graph that
    /// runs has no circle.
    fn of(spec: &WorkflowSpec) -> Self {
        let n = spec.nodes.len();
        let mut layer = vec![1usize; n];
        for _ in 0..n.max(1) {
            let mut moved = false;
            for (i, node) in spec.nodes.iter().enumerate() {
                let at = node
                    .upstream
                    .iter()
                    .map(|&u| layer[u] + 1)
                    .max()
                    .unwrap_or(1);
                moved |= at != layer[i];
                layer[i] = at;
            }
            if !moved {
                break;
            }
        }
        let last = layer.iter().copied().max().unwrap_or(0) + 1;
        let mut rows = vec![0usize; last + 1];
        let mut at = Vec::with_capacity(n);
        for &l in &layer {
            at.push((l, rows[l]));
            rows[l] += 1;
        }
        let tallest = rows.iter().copied().max().unwrap_or(1).max(1);
        Layout {
            at,
            last,
            width: PAD * 2 + (last + 1) * W + last * GAP_X,
            height: PAD * 2 + tallest * H + (tallest - 1) * GAP_Y,
        }
    }

    /// The top-left corner of node `i`'s box.
    fn pos(&self, i: usize) -> (usize, usize) {
        let (l, r) = self.at[i];
        (PAD + l * (W + GAP_X), PAD + r * (H + GAP_Y))
    }

    /// The top-left corner of the inputs (layer 0) or outputs (layer `last`) box.
    fn io_pos(&self, layer: usize) -> (usize, usize) {
        (PAD + layer * (W + GAP_X), PAD)
    }
}

/// The graph as an `<svg>` element, or `None` past [`MAX_NODES`].
pub(super) fn svg(
    spec: &WorkflowSpec,
    records: &[NodeRecord],
    maps: &std::collections::HashMap<String, bool>,
) -> Option<String> {
    if spec.nodes.len() > MAX_NODES {
        return None;
    }
    let layout = Layout::of(spec);
    let (width, height) = (layout.width, layout.height);
    let mut out = String::with_capacity(512 + spec.nodes.len() * 400);
    let _ = write!(
        out,
        "<svg id=\"graph\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    );
    out.push_str(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>",
    );
    edges(&mut out, spec, &layout);
    io_box(
        &mut out,
        layout.io_pos(0),
        "inputs",
        &spec.interface.input_names(),
    );
    io_box(
        &mut out,
        layout.io_pos(layout.last),
        "outputs",
        &spec.interface.output_names(),
    );
    // Each record under the top node it belongs to (`wf/n3`, `wf/n3[7]`, `wf/n3/sub/n0`).
    let top = format!("{}/", spec.name);
    let mut by_node: std::collections::HashMap<&str, Vec<&NodeRecord>> = Default::default();
    for record in records {
        if let Some(rest) = record.path.strip_prefix(&top) {
            let end = rest.find(['/', '[']).unwrap_or(rest.len());
            by_node.entry(&rest[..end]).or_default().push(record);
        }
    }
    for (i, node) in spec.nodes.iter().enumerate() {
        let path = format!("{}/{}", spec.name, node.id);
        let mine = by_node.remove(node.id.as_str()).unwrap_or_default();
        // A map task that met its `min_success_ratio` succeeded, failed items and all.
        let status = match maps.get(&path) {
            Some(true) if summary_status(&mine) == "failed" => "succeeded",
            Some(false) => "failed",
            _ => summary_status(&mine),
        };
        node_box(&mut out, node, &path, status, &mine, layout.pos(i));
    }
    out.push_str("</svg>");
    Some(out)
}

/// An arrow per dependency: node to node, inputs to the nodes reading them, nodes
/// to the outputs they feed.
fn edges(out: &mut String, spec: &WorkflowSpec, layout: &Layout) {
    let edge = |out: &mut String, from: (usize, usize), to: (usize, usize)| {
        let (x1, y1) = (from.0 + W, from.1 + H / 2);
        let (x2, y2) = (to.0, to.1 + H / 2);
        let mid = (x1 + x2) / 2;
        let _ = write!(
            out,
            "<path d=\"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}\"/>"
        );
    };
    out.push_str("<g class=\"edges\">");
    for (i, node) in spec.nodes.iter().enumerate() {
        let to = layout.pos(i);
        for &u in &node.upstream {
            edge(out, layout.pos(u), to);
        }
        if node.inputs.iter().any(|input| reads_inputs(&input.binding)) {
            edge(out, layout.io_pos(0), to);
        }
    }
    let mut feeding = Vec::new();
    for binding in &spec.outputs {
        binding.upstream_nodes(&mut feeding);
    }
    feeding.sort_unstable();
    feeding.dedup();
    for u in feeding {
        edge(out, layout.pos(u), layout.io_pos(layout.last));
    }
    out.push_str("</g>");
}

/// One node's box: id and kind, what it runs, how it ended.
fn node_box(
    out: &mut String,
    node: &crate::workflow::Node,
    path: &str,
    status: &str,
    mine: &[&NodeRecord],
    (x, y): (usize, usize),
) {
    let _ = write!(
        out,
        "<g class=\"node st-{status}\" data-path=\"{}\" tabindex=\"0\"><title>{} ({})</title>\
         <rect x=\"{x}\" y=\"{y}\" width=\"{W}\" height=\"{H}\" rx=\"7\"/>\
         <text x=\"{}\" y=\"{}\" class=\"id\">{} · {}</text>\
         <text x=\"{}\" y=\"{}\">{}</text>\
         <text x=\"{}\" y=\"{}\" class=\"counts\">{}</text></g>",
        escape_html(path),
        escape_html(node.entity.name()),
        escape_html(&node.entity.kind()),
        x + 8,
        y + 16,
        escape_html(&node.id),
        escape_html(what(&node.entity)),
        x + 8,
        y + 32,
        escape_html(&clip(node.entity.name(), 26)),
        x + 8,
        y + 47,
        escape_html(&counts(mine)),
    );
}

fn reads_inputs(binding: &Binding) -> bool {
    match binding {
        Binding::WorkflowInput { .. } => true,
        Binding::Collection { items, .. } => items.iter().any(reads_inputs),
        Binding::Map { entries, .. } => entries.iter().any(|(_, b)| reads_inputs(b)),
        Binding::Attr { base, .. } => reads_inputs(base),
        Binding::NodeOutput { .. } | Binding::Constant { .. } => false,
    }
}

fn io_box(out: &mut String, (x, y): (usize, usize), title: &str, names: &[&str]) {
    let _ = write!(
        out,
        "<g class=\"io\"><rect x=\"{x}\" y=\"{y}\" width=\"{W}\" height=\"{H}\" rx=\"7\"/>\
         <text x=\"{}\" y=\"{}\" class=\"id\">{title}</text><text x=\"{}\" y=\"{}\">{}</text></g>",
        x + 8,
        y + 16,
        x + 8,
        y + 34,
        escape_html(&clip(&names.join(", "), 28)),
    );
}

/// What kind of node: a task, a map, a subworkflow...
fn what(entity: &Entity) -> &'static str {
    match entity {
        Entity::Task(_) => "task",
        Entity::Workflow(_) => "subworkflow",
        Entity::LaunchPlan(_) => "launch plan",
        Entity::Map(_) => "map",
        Entity::Branch(_) => "branch",
        Entity::Gate(_) => "gate",
    }
}

/// The status a box shows for the records inside it: the worst one, `cached` or
/// `skipped` only when all are, `notrun` for none.
pub(super) fn summary_status(records: &[&NodeRecord]) -> &'static str {
    let any = |s| records.iter().any(|r| r.status == s);
    let all = |s| records.iter().all(|r| r.status == s);
    if records.is_empty() {
        "notrun"
    } else if any(NodeStatus::Failed) {
        "failed"
    } else if any(NodeStatus::Cancelled) {
        "cancelled"
    } else if all(NodeStatus::Skipped) {
        "skipped"
    } else if all(NodeStatus::Cached) {
        "cached"
    } else {
        "succeeded"
    }
}

fn counts(records: &[&NodeRecord]) -> String {
    match records {
        [] => "not run".to_string(),
        [one] => format!(
            "{} · {}",
            one.status,
            crate::types::human_duration(one.duration)
        ),
        many => {
            let mut parts = Vec::new();
            for s in [
                NodeStatus::Succeeded,
                NodeStatus::Cached,
                NodeStatus::Failed,
                NodeStatus::Skipped,
                NodeStatus::Cancelled,
            ] {
                let k = many.iter().filter(|r| r.status == s).count();
                if k > 0 {
                    parts.push(format!("{k} {s}"));
                }
            }
            format!("{} nodes: {}", many.len(), parts.join(", "))
        }
    }
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    // The end of a module path says more than its start.
    let tail: String = text
        .chars()
        .rev()
        .take(max - 1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}
