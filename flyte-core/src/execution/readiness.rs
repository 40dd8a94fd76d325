//! Which nodes of a graph can start: each node waits for its distinct upstream nodes;
//! when the last of them is done the node is ready, or, when one of them was skipped,
//! skipped in turn. Pure bookkeeping over the graph's [`Plan`], with no runtime.

use crate::types::Value;
use crate::workflow::{Binding, Plan};

/// Where a graph's run stands: each node's outputs once it finished, the nodes
/// ready to start, and how many upstream nodes each one still waits for.
pub(super) struct Readiness {
    waits: Vec<u32>,
    results: Vec<Option<Vec<Value>>>,
    ready: Vec<u32>,
    /// Nodes with a skipped upstream node: skipped when their turn comes.
    skip_pending: Vec<bool>,
}

impl Readiness {
    /// The start: the graph's roots are ready, in call order.
    pub(super) fn new(plan: &Plan) -> Self {
        let n = plan.waits_for.len();
        Readiness {
            waits: plan.waits_for.clone(),
            results: (0..n).map(|_| None).collect(),
            ready: plan.roots.iter().rev().copied().collect(),
            skip_pending: vec![false; n],
        }
    }

    /// How many nodes are ready.
    pub(super) fn ready_count(&self) -> usize {
        self.ready.len()
    }

    /// The next ready node, in call order.
    pub(super) fn pop_ready(&mut self) -> Option<u32> {
        self.ready.pop()
    }

    /// Each finished node's outputs (`None`: not run, failed or skipped).
    pub(super) fn results(&self) -> &[Option<Vec<Value>>] {
        &self.results
    }

    /// The outputs, taken.
    pub(super) fn into_results(self) -> Vec<Option<Vec<Value>>> {
        self.results
    }

    /// Node `index` finished with `outputs`, or was skipped (`None`): its downstream
    /// nodes now due become ready. Returns the nodes skipped because of it (a skip
    /// skips everything downstream), in the order they were reached.
    pub(super) fn finish(
        &mut self,
        plan: &Plan,
        index: u32,
        outputs: Option<Vec<Value>>,
    ) -> Vec<u32> {
        let was_skipped = outputs.is_none();
        self.results[index as usize] = outputs;
        let mut skipped = Vec::new();
        self.release(plan, index, was_skipped, &mut skipped);
        let mut next = 0;
        // Skips cascade; the common case (no skip) allocates nothing.
        while next < skipped.len() {
            let down = skipped[next];
            self.release(plan, down, true, &mut skipped);
            next += 1;
        }
        skipped
    }

    /// Counts `index` as done for each downstream node; those now due are made ready,
    /// or pushed on `skipped` when an upstream node was skipped.
    fn release(&mut self, plan: &Plan, index: u32, was_skipped: bool, skipped: &mut Vec<u32>) {
        let (start, end) = (
            plan.downstream_start[index as usize] as usize,
            plan.downstream_start[index as usize + 1] as usize,
        );
        // Pushed in reverse so that `ready.pop()` yields call order.
        for &down in plan.downstream[start..end].iter().rev() {
            let d = down as usize;
            self.skip_pending[d] |= was_skipped;
            self.waits[d] -= 1;
            if self.waits[d] > 0 {
                continue;
            }
            if self.skip_pending[d] {
                skipped.push(down);
            } else {
                self.ready.push(down);
            }
        }
    }
}

/// Whether every node output `binding` reads has finished.
pub(super) fn binding_ready(binding: &Binding, results: &[Option<Vec<Value>>]) -> bool {
    match binding {
        Binding::NodeOutput { node, .. } => results[*node].is_some(),
        Binding::Attr { base, .. } => binding_ready(base, results),
        Binding::WorkflowInput { .. } | Binding::Constant { .. } => true,
        Binding::Collection { items, .. } => items.iter().all(|b| binding_ready(b, results)),
        Binding::Map { entries, .. } => entries.iter().all(|(_, b)| binding_ready(b, results)),
    }
}

/// The value `binding` gives, from the workflow's inputs and the finished nodes; `Err`
/// when a part it reads is not there (a list index past the end, a missing map key).
pub(super) fn read_binding(
    binding: &Binding,
    inputs: &[Value],
    results: &[Option<Vec<Value>>],
) -> Result<Value, String> {
    Ok(match binding {
        Binding::WorkflowInput { index, .. } => inputs[*index].clone(),
        Binding::NodeOutput { node, output, .. } => match &results[*node] {
            Some(values) => values[*output].clone(),
            None => unreachable!("flyte bug: a node started before its upstream node finished"),
        },
        Binding::Attr { base, path } => {
            let whole = read_binding(base, inputs, results)?;
            crate::workflow::attr::read_path(&whole, path)
                .map_err(|e| format!("{binding} cannot be read: {e}"))?
        }
        Binding::Constant { value, .. } => value.clone(),
        Binding::Collection { items, collect } => collect(
            items
                .iter()
                .map(|b| read_binding(b, inputs, results))
                .collect::<Result<_, _>>()?,
        ),
        Binding::Map { entries, collect } => collect(
            entries
                .iter()
                .map(|(k, b)| Ok((k.clone(), read_binding(b, inputs, results)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan from each node's upstream nodes.
    fn plan(upstream: &[&[usize]]) -> Plan {
        Plan::from_upstream(upstream)
    }

    fn drain(r: &mut Readiness) -> Vec<u32> {
        std::iter::from_fn(|| r.pop_ready()).collect()
    }

    fn done() -> Option<Vec<Value>> {
        Some(Vec::new())
    }

    #[test]
    fn roots_start_in_call_order_and_a_join_waits_for_every_upstream_node() {
        // 0 and 1 are roots; 2 needs both; 3 needs 2.
        let p = plan(&[&[], &[], &[0, 1], &[2]]);
        let mut r = Readiness::new(&p);
        assert_eq!(drain(&mut r), [0, 1]);
        assert!(r.finish(&p, 1, done()).is_empty());
        assert_eq!(r.ready_count(), 0, "2 still waits for 0");
        r.finish(&p, 0, done());
        assert_eq!(drain(&mut r), [2]);
        r.finish(&p, 2, done());
        assert_eq!(drain(&mut r), [3]);
    }

    #[test]
    fn a_skip_skips_everything_downstream_and_nothing_else() {
        // 0 -> 1 -> 2, and 3 is independent; 4 needs 1 and 3.
        let p = plan(&[&[], &[0], &[1], &[], &[1, 3]]);
        let mut r = Readiness::new(&p);
        assert_eq!(drain(&mut r), [0, 3]);
        assert_eq!(r.finish(&p, 0, None), [1, 2], "the cascade, in order");
        assert_eq!(r.ready_count(), 0);
        // 4's other upstream node finishing does not start it: one was skipped.
        assert_eq!(r.finish(&p, 3, done()), [4]);
        assert_eq!(r.ready_count(), 0);
        let finished: Vec<bool> = r.results().iter().map(Option::is_some).collect();
        assert_eq!(finished, [false, false, false, true, false]);
    }
}
