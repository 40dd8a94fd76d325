//! A workflow's call graph as text for Graphviz (`dot`) or Mermaid: one box per node
//! labelled with its id and what it runs, `inputs` and `outputs` boxes, and an edge
//! per data dependency labelled with the bound variables (`o0 → path`).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Binding, Entity, WorkflowSpec};

/// The graph of `spec` in Graphviz's `dot` language.
pub fn dot(spec: &WorkflowSpec) -> String {
    let graph = Graph::of(spec);
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", dot_quote(&spec.name));
    out.push_str("  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
    for (id, label) in &graph.boxes {
        let _ = writeln!(out, "  {} [label={}];", dot_quote(id), dot_quote(label));
    }
    for ((from, to), labels) in &graph.edges {
        if labels.is_empty() {
            // Ordering without data: a dashed arrow.
            let _ = writeln!(
                out,
                "  {} -> {} [style=dashed];",
                dot_quote(from),
                dot_quote(to)
            );
            continue;
        }
        let _ = writeln!(
            out,
            "  {} -> {} [label={}];",
            dot_quote(from),
            dot_quote(to),
            dot_quote(&labels.join("\n"))
        );
    }
    out.push_str("}\n");
    out
}

/// The graph of `spec` as a Mermaid flowchart.
pub fn mermaid(spec: &WorkflowSpec) -> String {
    let graph = Graph::of(spec);
    let mut out = String::from("flowchart LR\n");
    for (id, label) in &graph.boxes {
        let _ = writeln!(out, "  {}[\"{}\"]", mermaid_id(id), mermaid_text(label));
    }
    for ((from, to), labels) in &graph.edges {
        let (from, to) = (mermaid_id(from), mermaid_id(to));
        if labels.is_empty() {
            // Ordering without data: a dotted arrow.
            let _ = writeln!(out, "  {from} -.-> {to}");
            continue;
        }
        let text = mermaid_text(&labels.join(", "));
        let _ = writeln!(out, "  {from} -->|\"{text}\"| {to}");
    }
    out
}

/// Boxes in order and edges with their labels.
struct Graph {
    boxes: Vec<(String, String)>,
    edges: BTreeMap<(String, String), Vec<String>>,
}

const INPUTS: &str = "inputs";
const OUTPUTS: &str = "outputs";

impl Graph {
    fn of(spec: &WorkflowSpec) -> Self {
        let mut boxes = Vec::with_capacity(spec.nodes.len() + 2);
        let inputs = spec.interface.input_names();
        boxes.push((INPUTS.to_string(), format!("inputs\n{}", inputs.join(", "))));
        for node in &spec.nodes {
            let what = match &node.entity {
                Entity::Task(t) => t.name().to_string(),
                Entity::Workflow(w) => format!("workflow {}", w.spec().name),
                Entity::LaunchPlan(p) => format!("launch plan {}", p.name()),
                Entity::Map(m) => format!("map {}", m.target.name()),
                Entity::Branch(b) => {
                    let otherwise = match b.otherwise {
                        super::Fallback::Case(_) => "otherwise",
                        super::Fallback::Fail(_) => "else fail",
                    };
                    format!("branch: {} case(s), {otherwise}", b.cases.len())
                }
                Entity::Gate(g) => match &g.kind {
                    super::gate::GateKind::Sleep(d) => {
                        format!("sleep {}", humantime::format_duration(*d))
                    }
                    super::gate::GateKind::Signal { id, .. } => format!("wait for input {id}"),
                    super::gate::GateKind::Approve { id, .. } => format!("approve {id}"),
                },
            };
            boxes.push((node.id.clone(), format!("{}\n{what}", node.id)));
        }
        let outputs = spec.interface.output_names();
        boxes.push((
            OUTPUTS.to_string(),
            format!("outputs\n{}", outputs.join(", ")),
        ));

        let mut edges: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        let mut add = |from: &str, to: &str, label: String| {
            let labels = edges.entry((from.to_string(), to.to_string())).or_default();
            if !labels.contains(&label) {
                labels.push(label);
            }
        };
        for node in &spec.nodes {
            for input in &node.inputs {
                sources(&input.binding, &mut |from, var| {
                    add(from, &node.id, format!("{var} → {}", input.name));
                });
            }
        }
        for (var, binding) in spec.interface.outputs.iter().zip(&spec.outputs) {
            sources(binding, &mut |from, name| {
                add(from, OUTPUTS, format!("{name} → {}", var.name));
            });
        }
        // Ordering without data (`>>`-style dependencies).
        for node in &spec.nodes {
            for &up in &node.upstream {
                edges
                    .entry((spec.nodes[up].id.clone(), node.id.clone()))
                    .or_default();
            }
        }
        Graph { boxes, edges }
    }
}

/// Calls `f(source box, variable)` for every promise a binding reads.
fn sources(binding: &Binding, f: &mut dyn FnMut(&str, &str)) {
    match binding {
        Binding::WorkflowInput { name, .. } => f(INPUTS, name),
        Binding::NodeOutput {
            node_id,
            output_name,
            ..
        } => f(node_id, output_name),
        Binding::Attr { base, path } => {
            // The edge is labelled with the part read: `o0.max_score → x`.
            let steps: String = path.iter().map(|s| s.key.to_string()).collect();
            sources(base, &mut |from, var| f(from, &format!("{var}{steps}")));
        }
        Binding::Constant { .. } => {}
        Binding::Collection { items, .. } => items.iter().for_each(|b| sources(b, f)),
        Binding::Map { entries, .. } => entries.iter().for_each(|(_, b)| sources(b, f)),
    }
}

fn dot_quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// Mermaid ids: letters, digits and `_` only.
fn mermaid_id(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Mermaid label text: quotes as an entity, line breaks as `<br>`.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;").replace('\n', "<br>")
}
