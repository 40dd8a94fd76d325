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
    /// the plan does not fix, in order (checked against the workflow by
    /// [`LaunchPlanBuilder::build`]). Each call is a node starting a child execution
    /// of the plan (flytekit's `sub_lp(x=x)` in a workflow).
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
                _output: PhantomData,
            },
            pending,
        }
    }
}

impl<O: Outputs, S> LaunchPlan<O, S> {
    /// Checks that the call signature, if any, takes the inputs the plan leaves
    /// open, in the workflow's order.
    pub(super) fn check_signature(&self) -> Result<(), LaunchPlanError> {
        let Some(call_types) = self.call_types else {
            return Ok(());
        };
        let spec = self.workflow.spec();
        let open: Vec<&crate::interface::Variable> = spec
            .interface
            .inputs
            .iter()
            .filter(|v| !self.fixed.contains_key(&v.name))
            .collect();
        let declared = call_types();
        if declared.len() == open.len() && open.iter().zip(&declared).all(|(v, t)| v.ty == *t) {
            return Ok(());
        }
        let show = |items: Vec<String>| items.join(", ");
        Err(LaunchPlanError::InvalidSetting {
            plan: self.name.clone(),
            problem: format!(
                "its call signature takes ({}), but the inputs it leaves open are ({})",
                show(declared.iter().map(ToString::to_string).collect()),
                show(
                    open.iter()
                        .map(|v| format!("{}: {}", v.name, v.ty))
                        .collect()
                )
            ),
        })
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
        interface
            .inputs
            .retain(|v| !self.fixed.contains_key(&v.name));
        interface
    }

    fn complete_inputs(&self, open: Vec<Value>) -> Vec<Value> {
        let spec = self.workflow.spec();
        let mut open = open.into_iter();
        spec.interface
            .inputs
            .iter()
            .enumerate()
            .map(|(i, var)| match self.fixed.get(&var.name) {
                Some(literal) => (self.decode_one)(i, &var.name, literal)
                    .expect("fixed inputs are checked against the workflow when the plan is built"),
                None => open
                    .next()
                    .expect("a launch-plan node has one value per open input"),
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
