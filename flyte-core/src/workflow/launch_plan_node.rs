//! Launch-plan nodes: a workflow body calling a launch plan starts a child execution
//! of it (Flyte's `launchplan_ref` workflow node; locally, its workflow runs with the
//! plan's fixed inputs). The plan's type names its call signature, `fn(A, B) -> R`:
//! the workflow's inputs that the plan does not fix, in order, and its outputs.

use std::any::Any;

use super::builder::{IntoBinding, OutputPromises, WorkflowBuilder};
use super::promise::Wire;
use super::{DynWorkflow, Entity};
use crate::interface::Interface;
use crate::types::{FlyteType, Inputs, Outputs, Value};

/// A launch plan's call signature as a function type: `fn(String, i64) -> String`
/// takes the inputs the plan leaves open (in the workflow's order) and returns the
/// workflow's outputs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a launch plan's call signature",
    label = "a launch plan called from a workflow needs a call signature",
    note = "give it one when building it: `LaunchPlan::builder(..).call_signature::<fn(A, B) -> R>()`, and its type `LaunchPlan<R, fn(A, B) -> R>`"
)]
pub trait Signature: 'static {
    /// The open inputs, as a tuple.
    type Input: Inputs;
    /// The workflow's outputs.
    type Output: Outputs;
}

macro_rules! signatures {
    ($n:expr; $($t:ident $b:ident $v:ident $i:tt),*) => {
        impl<$($t: FlyteType,)* R: Outputs> Signature for fn($($t),*) -> R {
            type Input = ($($t,)*);
            type Output = R;
        }
    };
}

signatures!(0;);
crate::types::for_each_arity!(signatures);

/// A launch plan with its types erased, as a node holds it.
pub trait DynLaunchPlan: Send + Sync + 'static {
    /// The plan's name.
    fn name(&self) -> &str;
    /// The workflow it launches.
    fn workflow(&self) -> &'static dyn DynWorkflow;
    /// The node's interface: the inputs the plan leaves open, the workflow's outputs.
    fn interface(&self) -> Interface;
    /// Every input of the workflow, in order: the node's values (the open inputs,
    /// in order) with the fixed ones put in their places.
    fn complete_inputs(&self, open: Vec<Value>) -> Vec<Value>;
    /// What a registry keeps of the plan (a `PlanEntry`, which lives above this
    /// layer).
    fn registration(&self) -> Box<dyn Any>;
}

/// The node handle of a launch plan in a workflow body: `PLAN(x)` becomes
/// `PLAN.__flyte_node(&wf).call(x)`.
#[doc(hidden)]
pub struct LaunchPlanNode<'w, S> {
    plan: &'static dyn DynLaunchPlan,
    wf: &'w WorkflowBuilder,
    _signature: std::marker::PhantomData<fn() -> S>,
}

impl<'w, S: Signature> LaunchPlanNode<'w, S> {
    /// The handle; called by `#[workflow]`-generated code.
    #[doc(hidden)]
    pub fn new(plan: &'static dyn DynLaunchPlan, wf: &'w WorkflowBuilder) -> Self {
        LaunchPlanNode {
            plan,
            wf,
            _signature: std::marker::PhantomData,
        }
    }

    fn add(self, wires: Vec<Wire>) -> <S::Output as OutputPromises>::Promises
    where
        S::Output: OutputPromises,
    {
        let index = self.wf.push(Entity::LaunchPlan(self.plan), wires);
        <S::Output as OutputPromises>::promises(index)
    }
}

impl<R: Outputs + OutputPromises> LaunchPlanNode<'_, fn() -> R> {
    /// Adds the node.
    pub fn call(self) -> R::Promises {
        self.add(Vec::new())
    }
}

macro_rules! launch_plan_call {
    ($n:expr; $($t:ident $b:ident $arg:ident $i:tt),+) => {
        impl<$($t: FlyteType,)+ R: Outputs + OutputPromises> LaunchPlanNode<'_, fn($($t),+) -> R> {
            /// Adds the node, one argument per input the plan leaves open.
            #[allow(clippy::too_many_arguments)]
            pub fn call(self, $($arg: impl IntoBinding<$t>),+) -> R::Promises {
                self.add(vec![$($arg.into_wire()),+])
            }
        }
    };
}

crate::types::for_each_arity!(launch_plan_call);
