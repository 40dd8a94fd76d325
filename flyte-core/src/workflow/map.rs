//! Map tasks: one node that runs a task over every item of a list, with a concurrency
//! limit and a minimum success ratio (Flyte's array node).
//!
//! ```
//! # extern crate flytekit_core as flytekit;
//! use flytekit::prelude::*;
//! // Users write these through the `flytekit` crate; here they are named directly.
//! # use flytekit_macros::{task, workflow};
//!
//! #[task(crate = ::flytekit_core)]
//! async fn square(x: i64) -> i64 {
//!     x * x
//! }
//!
//! #[workflow(crate = ::flytekit_core)]
//! fn squares(xs: Vec<i64>) -> Vec<i64> {
//!     map_task(square).concurrency(8).over(xs)
//! }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! assert_eq!(squares::run(vec![1, 2, 3]).await.unwrap(), [1, 4, 9]);
//! # }
//! ```

use std::marker::PhantomData;

use super::{DynLaunchPlan, DynTask, Entity, IntoBinding, Promise, Wire, WorkflowBuilder};
use crate::interface::{Interface, Variable};
use crate::task::Task;
use crate::types::{FlyteType, Inputs, LiteralType, Value, downcast_value, into_value};

/// What a map node runs for each item.
#[derive(Clone, Copy)]
pub enum MapTarget {
    /// A task, each item in its own pod.
    Task(&'static dyn DynTask),
    /// A launch plan, each item a child execution of it.
    LaunchPlan(&'static dyn DynLaunchPlan),
}

impl MapTarget {
    /// The task's or launch plan's name.
    pub fn name(&self) -> &str {
        match self {
            MapTarget::Task(t) => t.name(),
            MapTarget::LaunchPlan(p) => p.name(),
        }
    }
}

/// What a map node runs, with the item types erased.
#[derive(Clone)]
pub struct MapSpec {
    /// The task or launch plan run for each item.
    pub target: MapTarget,
    /// How many items run at once; all of them when `None`.
    pub concurrency: Option<usize>,
    /// The share of items that must succeed (1.0: all of them).
    pub min_success_ratio: f64,
    /// How many items must succeed, when given as a count (it then replaces the
    /// ratio).
    pub min_successes: Option<usize>,
    /// Per task input: whether every item gets it whole (bound) rather than one
    /// item of its list (mapped).
    pub bound: Vec<bool>,
    /// The node's interface: lists of the mapped inputs' types, the bound inputs'
    /// own types, and a list of the output type.
    pub interface: Interface,
    pub(crate) split: SplitFn,
    pub(crate) gather: fn(Vec<Option<Value>>) -> Value,
}

/// Splits a map node's inputs into each item's inputs.
pub(crate) type SplitFn = fn(&[Value], &[bool]) -> Result<Vec<Vec<Value>>, String>;

impl MapSpec {
    /// The names of the bound inputs, in the task's order.
    pub fn bound_inputs(&self) -> Vec<&str> {
        self.interface
            .inputs
            .iter()
            .zip(&self.bound)
            .filter(|(_, b)| **b)
            .map(|(v, _)| v.name.as_str())
            .collect()
    }

    /// How many of `total` items must succeed.
    pub fn required(&self, total: usize) -> usize {
        match self.min_successes {
            Some(n) => n.min(total),
            None => ((self.min_success_ratio * total as f64).ceil() as usize).min(total),
        }
    }
}

impl std::fmt::Debug for MapSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapSpec")
            .field("target", &self.target.name())
            .field("concurrency", &self.concurrency)
            .field("min_success_ratio", &self.min_success_ratio)
            .field("min_successes", &self.min_successes)
            .field("bound", &self.bound)
            .finish()
    }
}

/// Starts a map task in a workflow body: `map_task(task).over(list)`.
///
/// The task has one output; the map node gives a list of it, in item order. Each
/// input is mapped (given a list, one item per run) or bound with [`bound`] (given
/// whole to every run); mapped lists must be of equal length.
#[allow(non_camel_case_types)]
pub struct map_task {}

impl map_task {
    /// Called by `#[workflow]`-generated code.
    #[doc(hidden)]
    pub fn __flyte_node(wf: &WorkflowBuilder) -> MapTaskStart<'_> {
        MapTaskStart { wf }
    }
}

/// `map_task` inside a workflow body, before the task is chosen.
pub struct MapTaskStart<'w> {
    wf: &'w WorkflowBuilder,
}

/// What a map node can run over each item: a task, or a launch plan with a call
/// signature (`map_task(&PLAN)`, flytekit's `map_task(sub_lp)`).
pub trait Mappable: Send + Sync + 'static {
    /// The inputs of one item, as a tuple.
    type Input: MapInputs;
    /// The output of one item.
    type Output: FlyteType;
    /// The target with its types erased.
    #[doc(hidden)]
    fn map_target(&'static self) -> MapTarget;
    /// The interface of one item.
    #[doc(hidden)]
    fn item_interface(&self) -> Interface;
}

impl<T> Mappable for T
where
    T: Task,
    T::Input: MapInputs,
    T::Output: FlyteType,
{
    type Input = T::Input;
    type Output = T::Output;
    fn map_target(&'static self) -> MapTarget {
        MapTarget::Task(self)
    }
    fn item_interface(&self) -> Interface {
        self.interface()
    }
}

impl<'w> MapTaskStart<'w> {
    /// Chooses the task (or launch plan) to run over each item.
    pub fn call<T: Mappable>(self, task: &'static T) -> MapTaskNode<'w, T, T::Input, AllItems> {
        MapTaskNode {
            wf: self.wf,
            task,
            concurrency: None,
            min_success_ratio: 1.0,
            min_successes: None,
            _mode: PhantomData,
        }
    }
}

/// A map task being set up; `over(..)` adds the node. `M` is [`AllItems`] until
/// `min_success_ratio` or `min_successes` makes it [`SomeItems`].
#[doc(hidden)]
pub struct MapTaskNode<'w, T: 'static, I, M> {
    wf: &'w WorkflowBuilder,
    task: &'static T,
    concurrency: Option<usize>,
    min_success_ratio: f64,
    min_successes: Option<usize>,
    _mode: PhantomData<fn(I) -> M>,
}

/// Every item must succeed; the output is `Vec<O>`.
pub struct AllItems;
/// Some items may fail; the output is `Vec<Option<O>>`.
pub struct SomeItems;

impl<T, I, M> MapTaskNode<'_, T, I, M> {
    /// Runs at most `n` items at once (at least one).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = Some(n.max(1));
        self
    }
}

impl<'w, T, I> MapTaskNode<'w, T, I, AllItems> {
    /// Lets the node succeed when at least this share of items succeed (clamped to
    /// 0..=1); the outputs of failed items are then `None`.
    pub fn min_success_ratio(self, ratio: f64) -> MapTaskNode<'w, T, I, SomeItems> {
        MapTaskNode {
            wf: self.wf,
            task: self.task,
            concurrency: self.concurrency,
            min_success_ratio: ratio.clamp(0.0, 1.0),
            min_successes: None,
            _mode: PhantomData,
        }
    }

    /// Lets the node succeed when at least `n` items succeed (all of them when
    /// there are fewer); the outputs of failed items are then `None`.
    pub fn min_successes(self, n: usize) -> MapTaskNode<'w, T, I, SomeItems> {
        MapTaskNode {
            wf: self.wf,
            task: self.task,
            concurrency: self.concurrency,
            min_success_ratio: 1.0,
            min_successes: Some(n),
            _mode: PhantomData,
        }
    }
}

/// An argument of a map node: a list to map over, or a value every item gets
/// whole ([`bound`]).
pub trait MapArg<A> {
    /// The wire, and whether it is bound.
    #[doc(hidden)]
    fn map_wire(self) -> (Wire, bool);
}

impl<A: FlyteType, L: IntoBinding<Vec<A>>> MapArg<A> for L {
    fn map_wire(self) -> (Wire, bool) {
        (self.into_wire(), false)
    }
}

/// A value every item of a map node gets whole (flytekit's
/// `functools.partial(task, factor=10)`).
pub struct Bound<A> {
    wire: Wire,
    _ty: PhantomData<fn() -> A>,
}

impl<A> MapArg<A> for Bound<A> {
    fn map_wire(self) -> (Wire, bool) {
        (self.wire, true)
    }
}

/// Binds a map task's input to one value for every item:
/// `map_task(scale).over(xs, bound(10))`.
pub fn bound<A: FlyteType>(value: impl IntoBinding<A>) -> Bound<A> {
    Bound {
        wire: value.into_wire(),
        _ty: PhantomData,
    }
}

/// The inputs of a mapped task, per position: their list types and how to split.
pub trait MapInputs: Inputs {
    #[doc(hidden)]
    fn node_types(bound: &[bool]) -> Vec<LiteralType>;
    #[doc(hidden)]
    fn split(values: &[Value], bound: &[bool]) -> Result<Vec<Vec<Value>>, String>;
}

/// Each item's inputs: item `i` of every mapped list, every bound value whole.
fn split_by(
    values: &[Value],
    bound: &[bool],
    splitters: &[fn(&Value) -> Vec<Value>],
) -> Result<Vec<Vec<Value>>, String> {
    let lists: Vec<Option<Vec<Value>>> = values
        .iter()
        .zip(bound)
        .zip(splitters)
        .map(|((v, b), split)| (!b).then(|| split(v)))
        .collect();
    let lengths: Vec<usize> = lists.iter().flatten().map(Vec::len).collect();
    let total = lengths.first().copied().unwrap_or(0);
    if lengths.iter().any(|&n| n != total) {
        return Err(format!(
            "the mapped lists differ in length ({}); each item takes one of each",
            lengths
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok((0..total)
        .map(|i| {
            lists
                .iter()
                .zip(values)
                .map(|(list, whole)| match list {
                    Some(items) => items[i].clone(),
                    None => whole.clone(),
                })
                .collect()
        })
        .collect())
}

fn split_list<I: FlyteType>(list: &Value) -> Vec<Value> {
    downcast_value::<Vec<I>>(list)
        .into_iter()
        .map(into_value)
        .collect()
}

macro_rules! map_arity {
    ($n:expr; $($t:ident $b:ident $arg:ident $i:tt),+) => {
        impl<$($t: FlyteType),+> MapInputs for ($($t,)+) {
            fn node_types(bound: &[bool]) -> Vec<LiteralType> {
                let lists = [$(<Vec<$t>>::literal_type()),+];
                let items = [$(<$t>::literal_type()),+];
                lists
                    .into_iter()
                    .zip(items)
                    .zip(bound)
                    .map(|((list, item), b)| if *b { item } else { list })
                    .collect()
            }
            fn split(values: &[Value], bound: &[bool]) -> Result<Vec<Vec<Value>>, String> {
                split_by(values, bound, &[$(split_list::<$t>),+])
            }
        }

        impl<T, O, $($t: FlyteType),+> MapTaskNode<'_, T, ($($t,)+), AllItems>
        where
            T: Mappable<Input = ($($t,)+), Output = O>,
            O: FlyteType,
        {
            /// Adds the node: one argument per task input, each a list to map over
            /// or a [`bound`] value.
            #[allow(clippy::too_many_arguments)]
            pub fn over(self, $($arg: impl MapArg<$t>),+) -> Promise<Vec<O>> {
                let (wires, bound): (Vec<Wire>, Vec<bool>) = [$($arg.map_wire()),+].into_iter().unzip();
                let spec = map_spec(&self, bound, false);
                self.wf.map_node::<Vec<O>>(spec, wires)
            }
        }

        impl<T, O, $($t: FlyteType),+> MapTaskNode<'_, T, ($($t,)+), SomeItems>
        where
            T: Mappable<Input = ($($t,)+), Output = O>,
            O: FlyteType,
        {
            /// Adds the node (see the other `over`); failed items give `None`.
            #[allow(clippy::too_many_arguments)]
            pub fn over(self, $($arg: impl MapArg<$t>),+) -> Promise<Vec<Option<O>>> {
                let (wires, bound): (Vec<Wire>, Vec<bool>) = [$($arg.map_wire()),+].into_iter().unzip();
                let spec = map_spec(&self, bound, true);
                self.wf.map_node::<Vec<Option<O>>>(spec, wires)
            }
        }
    };
}

crate::types::for_each_arity!(map_arity);

fn map_spec<T, O, I, M>(
    node: &MapTaskNode<'_, T, I, M>,
    bound: Vec<bool>,
    optional: bool,
) -> MapSpec
where
    T: Mappable<Output = O>,
    O: FlyteType,
{
    let inner = node.task.item_interface();
    let out_ty = if optional {
        <Vec<Option<O>>>::literal_type()
    } else {
        <Vec<O>>::literal_type()
    };
    let inputs = inner
        .inputs
        .iter()
        .zip(<T::Input as MapInputs>::node_types(&bound))
        .map(|(v, ty)| Variable {
            name: v.name.clone(),
            ty,
        })
        .collect();
    MapSpec {
        target: node.task.map_target(),
        concurrency: node.concurrency,
        min_success_ratio: node.min_success_ratio,
        min_successes: node.min_successes,
        bound,
        interface: Interface {
            inputs,
            outputs: vec![Variable {
                name: inner.outputs[0].name.clone(),
                ty: out_ty,
            }],
        },
        split: <T::Input as MapInputs>::split,
        gather: if optional {
            gather_optional::<O>
        } else {
            gather_all::<O>
        },
    }
}

fn gather_all<O: FlyteType>(items: Vec<Option<Value>>) -> Value {
    into_value(
        items
            .iter()
            .map(|v| match v {
                Some(v) => downcast_value::<O>(v),
                None => unreachable!("flyte bug: a map node with all items required lost one"),
            })
            .collect::<Vec<O>>(),
    )
}

fn gather_optional<O: FlyteType>(items: Vec<Option<Value>>) -> Value {
    into_value(
        items
            .iter()
            .map(|v| v.as_ref().map(downcast_value::<O>))
            .collect::<Vec<Option<O>>>(),
    )
}

impl WorkflowBuilder {
    fn map_node<O: super::OutputPromises>(&self, spec: MapSpec, wires: Vec<Wire>) -> O::Promises {
        let index = self.push(Entity::Map(Box::new(spec)), wires);
        O::promises(index)
    }
}
