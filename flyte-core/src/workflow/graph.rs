//! Turning what a workflow body recorded (drafts, in call order, each in a scope) into
//! the graph: node ids, input bindings, upstream edges from bindings and `>>`, and
//! each branch's sub-graph over the outer values it reads.

use std::sync::Arc;

use super::branch_spec::{BranchSpec, Case, Fallback};
use super::draft::{BranchDraft, Draft, DraftKind, Otherwise};
use super::promise::{INPUTS, NodeIndex, Wire};
use super::{Binding, Entity, Node, NodeInput, WorkflowSpec};
use crate::interface::{Interface, Variable};

/// Everything recorded while the body ran; builds the graph of one scope at a time.
pub(super) struct Graph<'a> {
    pub(super) interface: &'a Interface,
    pub(super) drafts: &'a [Draft],
    pub(super) parents: &'a [u32],
}

impl Graph<'_> {
    /// Whether `scope` is `ancestor` or inside it.
    pub(super) fn within(&self, mut scope: u32, ancestor: u32) -> bool {
        loop {
            if scope == ancestor {
                return true;
            }
            if scope == 0 {
                return false;
            }
            scope = self.parents[scope as usize];
        }
    }

    /// The nodes and output bindings of `scope`. `captures` are the values from
    /// outside the scope that it reads, which become its inputs `c0`, `c1`, ... (the
    /// workflow itself, scope 0, has its own inputs and no captures).
    pub(super) fn build(
        &self,
        scope: u32,
        captures: &[(NodeIndex, u32)],
        outputs: Vec<Wire>,
    ) -> (Vec<Node>, Vec<Binding>) {
        let members: Vec<usize> = (0..self.drafts.len())
            .filter(|&i| self.drafts[i].scope == scope)
            .collect();
        let mut local = vec![usize::MAX; self.drafts.len()];
        for (l, &g) in members.iter().enumerate() {
            local[g] = l;
        }
        // `n0`, `n1`, ... in call order, unless `node_name` overrides it.
        let ids: Vec<String> = members
            .iter()
            .enumerate()
            .map(|(l, &g)| {
                let name = self.drafts[g]
                    .overrides
                    .as_ref()
                    .and_then(|o| o.node_name.as_deref());
                name.map_or_else(|| format!("n{l}"), str::to_string)
            })
            .collect();
        let resolver = Resolver {
            graph: self,
            local: &local,
            ids: &ids,
            captures,
        };
        let nodes = members
            .iter()
            .enumerate()
            .map(|(l, &g)| self.node(l, &self.drafts[g], &resolver))
            .collect();
        let outputs = outputs.into_iter().map(|w| resolver.resolve(w)).collect();
        (nodes, outputs)
    }

    /// Node `l` of a scope, from its draft: inputs resolved, upstream from its
    /// bindings and its `>>` edges, overrides kept.
    fn node(&self, l: usize, draft: &Draft, resolver: &Resolver<'_>) -> Node {
        // A branch's inputs are the outer values its cases and conditions read.
        let (entity, wires) = match &draft.kind {
            DraftKind::Entity(e) => (e.clone(), draft.wires.clone()),
            DraftKind::Branch(b) => {
                let captures = b.captures(self);
                let wires = captures
                    .iter()
                    .map(|&(node, output)| Wire::Promise { node, output })
                    .collect();
                (
                    Entity::Branch(std::sync::Arc::new(b.finish(self, &captures))),
                    wires,
                )
            }
        };
        // A task's interface was read when its node was added; a branch's inputs
        // are only known now.
        let branch_interface = match &entity {
            Entity::Branch(b) => Some(&b.interface),
            _ => None,
        };
        let input_vars = &branch_interface.unwrap_or(&draft.interface).inputs;
        let inputs: Vec<NodeInput> = input_vars
            .iter()
            .zip(wires)
            .map(|(var, wire)| NodeInput {
                name: var.name.clone(),
                binding: resolver.resolve(wire),
            })
            .collect();
        let mut upstream = Vec::new();
        for input in &inputs {
            input.binding.upstream_nodes(&mut upstream);
        }
        for before in self.ordered_after(draft) {
            if let Some(lb) = self.representative(before, resolver.local)
                && lb != l
            {
                upstream.push(lb);
            }
        }
        upstream.sort_unstable();
        upstream.dedup();
        let overrides = draft.overrides.clone();
        let run_metadata = match (&entity, &overrides) {
            (Entity::Task(t), Some(o)) => t.metadata().overlaid(&o.node).map(std::sync::Arc::new),
            _ => None,
        };
        Node {
            id: resolver.ids[l].clone(),
            entity,
            inputs,
            upstream,
            overrides,
            run_metadata,
        }
    }

    /// The nodes `draft` waits for through `>>`. A conditional waits for what the
    /// nodes inside its cases wait for outside them: an edge across a `when` is lifted
    /// to the branch node, as the case's nodes run only once the branch does.
    fn ordered_after(&self, draft: &Draft) -> Vec<NodeIndex> {
        let mut after = draft.after.clone();
        if let DraftKind::Branch(b) = &draft.kind {
            let scopes = b.scopes();
            let inside = |scope: u32| scopes.iter().any(|&s| self.within(scope, s));
            for inner in self.drafts.iter().filter(|d| inside(d.scope)) {
                after.extend(
                    inner
                        .after
                        .iter()
                        .filter(|&&n| !inside(self.drafts[n as usize].scope)),
                );
            }
        }
        after
    }

    /// The node of the scope being built (`local` maps into it) that stands for
    /// `node`: the node itself, or the conditional whose case holds it. `None` when
    /// `node` is outside this scope: the edge is then the enclosing branch's.
    fn representative(&self, node: NodeIndex, local: &[usize]) -> Option<usize> {
        let own = local[node as usize];
        if own != usize::MAX {
            return Some(own);
        }
        let scope = self.drafts[node as usize].scope;
        self.drafts
            .iter()
            .enumerate()
            .find_map(|(g, d)| match &d.kind {
                DraftKind::Branch(b)
                    if local[g] != usize::MAX
                        && b.scopes().iter().any(|&s| self.within(scope, s)) =>
                {
                    Some(local[g])
                }
                _ => None,
            })
    }

    /// The Flyte type of a promise's value.
    pub(super) fn type_of(&self, node: NodeIndex, output: u32) -> crate::types::LiteralType {
        if node == INPUTS {
            self.interface.inputs[output as usize].ty.clone()
        } else {
            self.drafts[node as usize].interface.outputs[output as usize]
                .ty
                .clone()
        }
    }

    /// The scope a promise's value is made in (workflow inputs: scope 0).
    pub(super) fn scope_of(&self, node: NodeIndex) -> u32 {
        if node == INPUTS {
            0
        } else {
            self.drafts[node as usize].scope
        }
    }
}

/// Turns wires (node positions) into bindings (node ids and output names) within one
/// scope.
struct Resolver<'a> {
    graph: &'a Graph<'a>,
    /// Global node position -> position in this scope (`usize::MAX`: elsewhere).
    local: &'a [usize],
    /// The id of each node of this scope, by position.
    ids: &'a [String],
    captures: &'a [(NodeIndex, u32)],
}

impl Resolver<'_> {
    fn resolve(&self, wire: Wire) -> Binding {
        match wire {
            Wire::Promise { node, output } => {
                if let Some(k) = self.captures.iter().position(|c| *c == (node, output)) {
                    return Binding::WorkflowInput {
                        name: format!("c{k}"),
                        index: k,
                    };
                }
                if node == INPUTS {
                    let index = output as usize;
                    return Binding::WorkflowInput {
                        name: self.graph.interface.inputs[index].name.clone(),
                        index,
                    };
                }
                let l = self.local[node as usize];
                assert!(
                    l != usize::MAX,
                    "flyte bug: a promise from another branch reached this scope"
                );
                let draft = &self.graph.drafts[node as usize];
                Binding::NodeOutput {
                    node_id: self.ids[l].clone(),
                    node: l,
                    output_name: draft.interface.outputs[output as usize].name.clone(),
                    output: output as usize,
                }
            }
            Wire::Attr { base, path } => Binding::Attr {
                base: Box::new(self.resolve(*base)),
                path,
            },
            Wire::Constant(literal, value) => Binding::Constant { literal, value },
            Wire::Collection { items, collect } => Binding::Collection {
                items: items.into_iter().map(|w| self.resolve(w)).collect(),
                collect,
            },
            Wire::Map { entries, collect } => Binding::Map {
                entries: entries
                    .into_iter()
                    .map(|(k, w)| (k, self.resolve(w)))
                    .collect(),
                collect,
            },
        }
    }
}

/// A conditional compiled, as the graph around it is: what it reads from outside its
/// cases, and one sub-graph per case.
impl BranchDraft {
    /// Every promise the conditions and the cases (nested conditionals included)
    /// read, whether made inside the cases or not.
    fn read_promises(&self, graph: &Graph<'_>, f: &mut impl FnMut(NodeIndex, u32)) {
        for case in &self.cases {
            case.cond.read_wires(&mut |w| w.promises(f));
            case.outputs.iter().for_each(|w| w.promises(f));
        }
        if let Otherwise::Case { outputs, .. } = &self.otherwise {
            outputs.iter().for_each(|w| w.promises(f));
        }
        let scopes = self.scopes();
        for draft in graph.drafts {
            if scopes.iter().any(|&s| graph.within(draft.scope, s)) {
                draft.wires.iter().for_each(|w| w.promises(f));
                if let DraftKind::Branch(inner) = &draft.kind {
                    inner.read_promises(graph, f);
                }
            }
        }
    }

    /// The values from outside the cases that the branch reads, in first-use order:
    /// the branch node's inputs `c0`, `c1`, ...
    pub(super) fn captures(&self, graph: &Graph<'_>) -> Vec<(NodeIndex, u32)> {
        let scopes = self.scopes();
        let mut captures = Vec::new();
        self.read_promises(graph, &mut |node, output| {
            let inside = scopes
                .iter()
                .any(|&s| graph.within(graph.scope_of(node), s) && node != INPUTS);
            if !inside && !captures.contains(&(node, output)) {
                captures.push((node, output));
            }
        });
        captures
    }

    /// The finished branch: conditions over the captures and one sub-graph per case.
    pub(super) fn finish(&self, graph: &Graph<'_>, captures: &[(NodeIndex, u32)]) -> BranchSpec {
        let inputs: Vec<Variable> = captures
            .iter()
            .enumerate()
            .map(|(k, &(node, output))| Variable {
                name: format!("c{k}"),
                ty: graph.type_of(node, output),
            })
            .collect();
        let interface = Interface {
            inputs,
            outputs: self.outputs.clone(),
        };
        let sub = |name: String, scope: u32, outputs: &[Wire]| {
            let (nodes, outs) = graph.build(scope, captures, outputs.to_vec());
            WorkflowSpec::new(name, None, interface.clone(), nodes, outs)
        };
        let cases = self
            .cases
            .iter()
            .enumerate()
            .map(|(k, case)| Case {
                condition: case.cond.resolve(captures),
                spec: Arc::new(sub(format!("case{k}"), case.scope, &case.outputs)),
            })
            .collect();
        let otherwise = match &self.otherwise {
            Otherwise::Case { scope, outputs } => {
                Fallback::Case(Arc::new(sub("otherwise".to_string(), *scope, outputs)))
            }
            Otherwise::Fail(message) => Fallback::Fail(message.clone()),
        };
        BranchSpec {
            cases,
            otherwise,
            interface,
        }
    }
}
