//! Map tasks: one node that runs a task over every item of a list, with a concurrency
//! limit and a minimum success ratio (Flyte's array node).
//!
//! ```
//! use flyte_core::prelude::*;
//! // Users write these through the `flyte` crate; here they are named directly.
//! use flyte_macros::{task, workflow};
//!
//! #[task(crate = ::flyte_core)]
//! async fn square(x: i64) -> i64 {
//!     x * x
//! }
//!
//! #[workflow(crate = ::flyte_core)]
//! fn squares(xs: Vec<i64>) -> Vec<i64> {
//!     map_task(&square).concurrency(8).over(xs)
//! }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! assert_eq!(squares.run(vec![1, 2, 3]).await.unwrap(), [1, 4, 9]);
//! # }
//! ```

use std::marker::PhantomData;

use super::{DynTask, Entity, IntoBinding, Promise, WorkflowBuilder};
use crate::interface::{Interface, Variable};
use crate::task::Task;
use crate::types::{FlyteType, Value, downcast_value, into_value};

/// What a map node runs, with the item types erased.
#[derive(Clone)]
pub struct MapSpec {
    /// The task run for each item.
    pub task: &'static dyn DynTask,
    /// How many items run at once; all of them when `None`.
    pub concurrency: Option<usize>,
    /// The share of items that must succeed (1.0: all of them).
    pub min_success_ratio: f64,
    /// The node's interface: lists of the task's input and output types.
    pub interface: Interface,
    pub(crate) split: fn(&Value) -> Vec<Value>,
    pub(crate) gather: fn(Vec<Option<Value>>) -> Value,
}

impl std::fmt::Debug for MapSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapSpec")
            .field("task", &self.task.name())
            .field("concurrency", &self.concurrency)
            .field("min_success_ratio", &self.min_success_ratio)
            .finish()
    }
}

/// Starts a map task in a workflow body: `map_task(&task).over(list)`.
///
/// The task takes one input and has one output; the map node takes a list of the
/// input type and gives a list of the output type, in item order.
#[allow(non_upper_case_globals)]
pub static map_task: MapTaskFn = MapTaskFn { _private: () };

/// The type of [`map_task`].
#[doc(hidden)]
pub struct MapTaskFn {
    _private: (),
}

impl MapTaskFn {
    /// Called by `#[workflow]`-generated code.
    #[doc(hidden)]
    pub fn __flyte_node<'w>(&'static self, wf: &'w WorkflowBuilder) -> MapTaskStart<'w> {
        MapTaskStart { wf }
    }
}

/// `map_task` inside a workflow body, before the task is chosen.
pub struct MapTaskStart<'w> {
    wf: &'w WorkflowBuilder,
}

impl<'w> MapTaskStart<'w> {
    /// Chooses the task to run over each item.
    pub fn call<T, I, O>(self, task: &'static T) -> MapTaskNode<'w, T, AllItems>
    where
        T: Task<Input = (I,), Output = O>,
        I: FlyteType,
        O: FlyteType,
    {
        MapTaskNode {
            wf: self.wf,
            task,
            concurrency: None,
            min_success_ratio: 1.0,
            _mode: PhantomData,
        }
    }
}

/// A map task being set up; `over(list)` adds the node. `M` is [`AllItems`] until
/// `min_success_ratio` makes it [`SomeItems`].
#[doc(hidden)]
pub struct MapTaskNode<'w, T: 'static, M> {
    wf: &'w WorkflowBuilder,
    task: &'static T,
    concurrency: Option<usize>,
    min_success_ratio: f64,
    _mode: PhantomData<fn() -> M>,
}

/// Every item must succeed; the output is `Vec<O>`.
pub struct AllItems;
/// A share of items may fail; the output is `Vec<Option<O>>`.
pub struct SomeItems;

impl<T, M> MapTaskNode<'_, T, M> {
    /// Runs at most `n` items at once (at least one).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = Some(n.max(1));
        self
    }
}

impl<'w, T, I, O> MapTaskNode<'w, T, AllItems>
where
    T: Task<Input = (I,), Output = O>,
    I: FlyteType,
    O: FlyteType,
{
    /// Lets the node succeed when at least this share of items succeed (clamped to
    /// 0..=1); the outputs of failed items are then `None`.
    pub fn min_success_ratio(self, ratio: f64) -> MapTaskNode<'w, T, SomeItems> {
        MapTaskNode {
            wf: self.wf,
            task: self.task,
            concurrency: self.concurrency,
            min_success_ratio: ratio.clamp(0.0, 1.0),
            _mode: PhantomData,
        }
    }

    /// Adds the node, running the task over `items`.
    pub fn over(self, items: impl IntoBinding<Vec<I>>) -> Promise<Vec<O>> {
        let spec = map_spec::<T, I, O>(self.task, self.concurrency, self.min_success_ratio, false);
        self.wf.map_node::<Vec<O>>(spec, items.into_wire())
    }
}

impl<T, I, O> MapTaskNode<'_, T, SomeItems>
where
    T: Task<Input = (I,), Output = O>,
    I: FlyteType,
    O: FlyteType,
{
    /// Adds the node, running the task over `items`; failed items give `None`.
    pub fn over(self, items: impl IntoBinding<Vec<I>>) -> Promise<Vec<Option<O>>> {
        let spec = map_spec::<T, I, O>(self.task, self.concurrency, self.min_success_ratio, true);
        self.wf.map_node::<Vec<Option<O>>>(spec, items.into_wire())
    }
}

fn map_spec<T, I, O>(
    task: &'static T,
    concurrency: Option<usize>,
    min_success_ratio: f64,
    optional: bool,
) -> MapSpec
where
    T: Task<Input = (I,), Output = O>,
    I: FlyteType,
    O: FlyteType,
{
    let inner = task.interface();
    let var = |v: &Variable, ty| Variable {
        name: v.name.clone(),
        ty,
    };
    let out_ty = if optional {
        <Vec<Option<O>>>::literal_type()
    } else {
        <Vec<O>>::literal_type()
    };
    MapSpec {
        task,
        concurrency,
        min_success_ratio,
        interface: Interface {
            inputs: vec![var(&inner.inputs[0], <Vec<I>>::literal_type())],
            outputs: vec![var(&inner.outputs[0], out_ty)],
        },
        split: split::<I>,
        gather: if optional {
            gather_optional::<O>
        } else {
            gather_all::<O>
        },
    }
}

fn split<I: FlyteType>(list: &Value) -> Vec<Value> {
    downcast_value::<Vec<I>>(list)
        .into_iter()
        .map(into_value)
        .collect()
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
    fn map_node<O: super::OutputPromises>(&self, spec: MapSpec, items: super::Wire) -> O::Promises {
        let index = self.push(Entity::Map(Box::new(spec)), vec![items]);
        O::promises(index)
    }
}
