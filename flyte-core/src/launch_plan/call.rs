//! Launch plans called from workflows: the call signature a plan is given
//! ([`LaunchPlanBuilder::call_signature`]), checked against the inputs it leaves
//! open, and the node a call adds.

use std::marker::PhantomData;

use super::{LaunchPlan, LaunchPlanBuilder, LaunchPlanError};
use crate::interface::Interface;
use crate::types::{Outputs, Value};
use crate::workflow::{DynWorkflow, Signature};

/// A [`LaunchPlan`] that workflows call as `S` (`fn(A, B) -> R`), named by its
/// signature alone: `CallableLaunchPlan<fn(i64) -> i64>` is
/// `LaunchPlan<i64, fn(i64) -> i64>`.
pub type CallableLaunchPlan<S> = LaunchPlan<<S as Signature>::Output, S>;

/// The call signature of a [`LaunchPlan`] that workflows do not call.
#[derive(Debug, Clone, Copy)]
pub enum NotCallable {}

impl<O: Outputs> LaunchPlanBuilder<O> {
    /// Lets workflow bodies call the plan as `fn(A, B) -> O`: the workflow's inputs
    /// the plan does not fix, in order, from which an input with a default (the
    /// plan's or the workflow's) may be left out, as flytekit lets `sub_lp(x=x)` omit
    /// one (checked against the workflow by [`LaunchPlanBuilder::build`]). Each call
    /// is a node starting a child execution of the plan; an input left out takes its
    /// default there.
    pub fn call_signature<S: Signature<Output = O>>(self) -> LaunchPlanBuilder<O, S> {
        let LaunchPlanBuilder { plan, pending } = self;
        LaunchPlanBuilder {
            plan: LaunchPlan {
                name: plan.name,
                workflow: plan.workflow,
                decode_one: plan.decode_one,
                fixed: plan.fixed,
                defaults: plan.defaults,
                settings: plan.settings,
                call_types: Some(<S::Input as crate::types::Inputs>::types),
                call_inputs: plan.call_inputs,
                _output: PhantomData,
            },
            pending,
        }
    }
}

impl<O: Outputs, S> LaunchPlan<O, S> {
    /// Checks that the call signature, if any, takes the inputs the plan leaves open,
    /// in the workflow's order, less any with a default; returns the positions of
    /// the inputs a call binds (every open input when there is no signature).
    pub(super) fn check_signature(&self) -> Result<Vec<usize>, LaunchPlanError> {
        let spec = self.workflow.spec();
        let defaults = self.default_inputs();
        let open: Vec<(usize, &crate::interface::Variable, bool)> = spec
            .interface
            .inputs
            .iter()
            .enumerate()
            .filter(|(_, v)| !self.fixed.contains_key(&v.name))
            .map(|(i, v)| (i, v, defaults.contains_key(&v.name)))
            .collect();
        let Some(call_types) = self.call_types else {
            return Ok(open.iter().map(|(i, ..)| *i).collect());
        };
        let declared = call_types();
        let mut found = Vec::new();
        bindings(&open, &declared, &mut Vec::new(), &mut found);
        let show = |items: Vec<String>| items.join(", ");
        let open_list = || {
            show(
                open.iter()
                    .map(|(_, v, d)| {
                        let default = if *d { " = default" } else { "" };
                        format!("{}: {}{default}", v.name, v.ty)
                    })
                    .collect(),
            )
        };
        let problem = match found.len() {
            1 => return Ok(found.remove(0)),
            0 => format!(
                "its call signature takes ({}), but the inputs it leaves open are ({}); only those with a default may be left out",
                show(declared.iter().map(ToString::to_string).collect()),
                open_list()
            ),
            _ => format!(
                "its call signature takes ({}), which fits its open inputs ({}) in more than one way: leaving out {} or {}; give the inputs with defaults in the signature",
                show(declared.iter().map(ToString::to_string).collect()),
                open_list(),
                left_out(&open, &found[0]),
                left_out(&open, &found[1]),
            ),
        };
        Err(LaunchPlanError::InvalidSetting {
            plan: self.name.clone(),
            problem,
        })
    }
}

/// Every way (at most two are kept) to bind the `declared` types to `open` inputs in
/// order, skipping only inputs with a default; each as the bound inputs' positions.
fn bindings(
    open: &[(usize, &crate::interface::Variable, bool)],
    declared: &[crate::types::LiteralType],
    chosen: &mut Vec<usize>,
    found: &mut Vec<Vec<usize>>,
) {
    if found.len() >= 2 {
        return;
    }
    let Some(((position, var, has_default), rest)) = open.split_first() else {
        if declared.is_empty() {
            found.push(chosen.clone());
        }
        return;
    };
    if let Some((ty, declared_rest)) = declared.split_first()
        && var.ty == *ty
    {
        chosen.push(*position);
        bindings(rest, declared_rest, chosen, found);
        chosen.pop();
    }
    if *has_default {
        bindings(rest, declared, chosen, found);
    }
}

/// The names of the `open` inputs a binding leaves out, for messages.
fn left_out(open: &[(usize, &crate::interface::Variable, bool)], bound: &[usize]) -> String {
    let names: Vec<String> = open
        .iter()
        .filter(|(i, ..)| !bound.contains(i))
        .map(|(_, v, _)| format!("`{}`", v.name))
        .collect();
    if names.is_empty() {
        "nothing".to_string()
    } else {
        names.join(" and ")
    }
}

impl<O: Outputs, S: Signature<Output = O>> crate::workflow::DynLaunchPlan for LaunchPlan<O, S> {
    fn name(&self) -> &str {
        &self.name
    }

    fn workflow(&self) -> &'static dyn DynWorkflow {
        self.workflow
    }

    fn interface(&self) -> Interface {
        let mut interface = self.workflow.spec().interface.clone();
        let mut position = 0;
        interface.inputs.retain(|_| {
            position += 1;
            self.call_inputs.contains(&(position - 1))
        });
        interface
    }

    fn complete_inputs(&self, bound: Vec<Value>) -> Vec<Value> {
        let spec = self.workflow.spec();
        let defaults = self.default_inputs();
        let mut bound = bound.into_iter();
        spec.interface
            .inputs
            .iter()
            .enumerate()
            .map(|(i, var)| {
                if self.call_inputs.contains(&i) {
                    return bound
                        .next()
                        .expect("a launch-plan node has one value per input its call binds");
                }
                let literal = self
                    .fixed
                    .get(&var.name)
                    .or_else(|| defaults.get(&var.name))
                    .expect("an input a call leaves out is fixed or has a default (checked when the plan is built)");
                (self.decode_one)(i, &var.name, literal)
                    .expect("fixed inputs and defaults are checked against the workflow when the plan is built")
            })
            .collect()
    }

    fn registration(&self) -> Box<dyn std::any::Any> {
        Box::new(self.entry())
    }
}

impl<O: Outputs, S: 'static> LaunchPlan<O, S> {
    /// The node handle of the plan in a workflow body: `PLAN(x)` becomes
    /// `PLAN.__flyte_node(&wf).call(x)`.
    #[doc(hidden)]
    pub fn __flyte_node<'w>(
        &'static self,
        wf: &'w crate::workflow::WorkflowBuilder,
    ) -> crate::workflow::LaunchPlanNode<'w, S>
    where
        S: Signature<Output = O>,
    {
        crate::workflow::LaunchPlanNode::new(self, wf)
    }
}

/// `map_task(&PLAN)`: each item a child execution of the plan (flytekit's
/// `map_task(sub_lp)`).
impl<O, S> crate::workflow::Mappable for std::sync::LazyLock<LaunchPlan<O, S>>
where
    O: crate::types::FlyteType,
    S: Signature<Output = O>,
    S::Input: crate::workflow::MapInputs,
{
    type Input = S::Input;
    type Output = O;
    fn map_target(&'static self) -> crate::workflow::MapTarget {
        crate::workflow::MapTarget::LaunchPlan(&**self)
    }
    fn item_interface(&self) -> Interface {
        crate::workflow::DynLaunchPlan::interface(&**self)
    }
}
