//! Building a workflow graph from its body: [`IntoBinding`] (what a promise or a
//! value passes to a call) and the [`WorkflowBuilder`] that `#[workflow]` drives.
//!
//! A `#[workflow]` body runs once, on promises instead of values, like flytekit's
//! compile step: each task call adds a node and hands back promises of its outputs,
//! and passing a promise to another call records an edge. Promises are typed, so a
//! `String` output wired into an `i64` input does not compile.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

use super::draft::{Draft, DraftKind};
use super::graph::Graph;
use super::promise::{INPUTS, NodeIndex, Promise, Wire};
use super::{Entity, WorkflowSpec};
use crate::interface::Interface;
use crate::task::Task;
use crate::types::{FlyteType, Literal, Outputs, Value, downcast_value, into_value};

fn collect_vec<T: FlyteType>(values: Vec<Value>) -> Value {
    into_value(values.iter().map(downcast_value::<T>).collect::<Vec<T>>())
}

fn collect_map<T: FlyteType, M: FlyteType + FromIterator<(String, T)>>(
    entries: Vec<(String, Value)>,
) -> Value {
    into_value(
        entries
            .into_iter()
            .map(|(k, v)| (k, downcast_value::<T>(&v)))
            .collect::<M>(),
    )
}

/// A value that can feed a task input of type `T`: a `Promise<T>`, a constant `T`
/// (and `&str` for `String` inputs), or, for list and map inputs, a `Vec` or map of
/// promises (a fan-in).
///
/// An empty constant list needs its type written out (`Vec::<i64>::new()`), since it
/// could also be an empty list of promises.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot feed an input of type `{T}`",
    label = "expected `{T}` or `Promise<{T}>`, found `{Self}`",
    note = "a task input of type `{T}` takes a constant `{T}` or the output of a node whose type is `{T}`"
)]
#[doc(hidden)]
pub trait IntoBinding<T> {
    /// The wire for this argument.
    fn into_wire(self) -> Wire;
}

impl<T: FlyteType> IntoBinding<T> for Promise<T> {
    fn into_wire(self) -> Wire {
        self.wire()
    }
}

impl<T: FlyteType> IntoBinding<T> for T {
    fn into_wire(self) -> Wire {
        Wire::Constant(self.to_literal(), into_value(self))
    }
}

/// A list of promises feeds a list input (a fan-in).
impl<T: FlyteType> IntoBinding<Vec<T>> for Vec<Promise<T>> {
    fn into_wire(self) -> Wire {
        Wire::Collection {
            items: self.into_iter().map(Promise::wire).collect(),
            collect: collect_vec::<T>,
        }
    }
}

/// A map of promises feeds a map input.
impl<T: FlyteType> IntoBinding<BTreeMap<String, T>> for BTreeMap<String, Promise<T>> {
    fn into_wire(self) -> Wire {
        Wire::Map {
            entries: self.into_iter().map(|(k, p)| (k, p.wire())).collect(),
            collect: collect_map::<T, BTreeMap<String, T>>,
        }
    }
}

/// A map of promises feeds a map input.
impl<T: FlyteType> IntoBinding<HashMap<String, T>> for HashMap<String, Promise<T>> {
    fn into_wire(self) -> Wire {
        let mut entries: Vec<_> = self.into_iter().map(|(k, p)| (k, p.wire())).collect();
        // Sorted, so the graph is the same on every build.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Wire::Map {
            entries,
            collect: collect_map::<T, HashMap<String, T>>,
        }
    }
}

/// What a workflow (or dynamic task) body may return for outputs `O`: for one output
/// anything that can feed an input of that type (a promise, a constant, a list of
/// promises), for several a tuple of those, and `()` for none.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the outputs `{O}`",
    label = "the body must end with the outputs: expected `{O}` as promises or constants"
)]
#[doc(hidden)]
pub trait IntoOutputs<O> {
    /// One wire per output.
    fn into_wires(self) -> Vec<Wire>;
}

impl<T: FlyteType, B: IntoBinding<T>> IntoOutputs<T> for B {
    fn into_wires(self) -> Vec<Wire> {
        vec![self.into_wire()]
    }
}

impl IntoOutputs<()> for () {
    fn into_wires(self) -> Vec<Wire> {
        Vec::new()
    }
}

impl IntoOutputs<()> for Done {
    fn into_wires(self) -> Vec<Wire> {
        Vec::new()
    }
}

macro_rules! into_outputs_tuples {
    ($n:expr; $t:ident $b:ident $v:ident $i:tt) => {};
    ($n:expr; $($t:ident $b:ident $v:ident $i:tt),+) => {
        impl<$($t: FlyteType, $b: IntoBinding<$t>),+> IntoOutputs<($($t,)+)> for ($($b,)+) {
            fn into_wires(self) -> Vec<Wire> {
                vec![$(self.$i.into_wire()),+]
            }
        }
    };
}

crate::types::for_each_arity!(into_outputs_tuples);

impl IntoBinding<String> for &str {
    fn into_wire(self) -> Wire {
        self.to_string().into_wire()
    }
}

/// Builds one workflow's graph; `#[workflow]` creates it and passes it to every call
/// in the body.
///
/// Nodes created inside a branch of a conditional belong to that branch's scope; when
/// the graph is finished, each branch becomes a sub-graph whose inputs are the outer
/// values it uses.
#[doc(hidden)]
pub struct WorkflowBuilder {
    name: String,
    description: Option<String>,
    interface: Interface,
    nodes: RefCell<Vec<Draft>>,
    /// Defaults of the workflow's inputs, by position.
    defaults: RefCell<Vec<Option<Literal>>>,
    /// The scope new nodes go to (0: the workflow itself).
    scope: Cell<u32>,
    /// Each scope's parent scope; scope 0 is its own.
    parents: RefCell<Vec<u32>>,
    interruptible: Cell<bool>,
    failure_policy: Cell<super::FailurePolicy>,
    on_failure: Cell<Option<&'static dyn crate::task::DynTask>>,
    /// Labels and annotations of the default launch plan.
    default_options: RefCell<(Pairs, Pairs)>,
    _building: super::building::Building,
}

/// Names and values, in order.
type Pairs = Vec<(String, String)>;

impl WorkflowBuilder {
    /// Starts the graph of the workflow `name` with the given interface.
    pub fn new(name: impl Into<String>, description: Option<&str>, interface: Interface) -> Self {
        WorkflowBuilder {
            name: name.into(),
            description: description.map(str::to_string),
            defaults: RefCell::new(vec![None; interface.inputs.len()]),
            nodes: RefCell::new(Vec::new()),
            scope: Cell::new(0),
            parents: RefCell::new(vec![0]),
            interruptible: Cell::new(false),
            failure_policy: Cell::new(super::FailurePolicy::default()),
            on_failure: Cell::new(None),
            default_options: RefCell::default(),
            _building: super::building::Building::start(),
            interface,
        }
    }

    /// What the workflow does after a node fails (`#[workflow(failure_policy = ..)]`).
    pub fn failure_policy(&self, policy: super::FailurePolicy) {
        self.failure_policy.set(policy);
    }

    /// The task the workflow runs when it fails (`#[workflow(on_failure = ..)]`).
    pub fn on_failure(&self, task: &'static dyn crate::task::DynTask) {
        self.on_failure.set(Some(task));
    }

    /// A label on the executions of the workflow's default launch plan.
    pub fn default_label(&self, name: &str, value: &str) {
        let mut options = self.default_options.borrow_mut();
        options.0.push((name.to_string(), value.to_string()));
    }

    /// An annotation on the executions of the workflow's default launch plan.
    pub fn default_annotation(&self, name: &str, value: &str) {
        let mut options = self.default_options.borrow_mut();
        options.1.push((name.to_string(), value.to_string()));
    }

    /// Makes the workflow's nodes interruptible by default (`#[workflow(interruptible)]`).
    pub fn interruptible(&self, on: bool) {
        self.interruptible.set(on);
    }

    /// Records the default of workflow input number `index` (`#[default(..)]`).
    pub fn default_input<T: FlyteType>(&self, index: u32, value: impl Into<T>) {
        self.defaults.borrow_mut()[index as usize] = Some(value.into().to_literal());
    }

    /// The promise of workflow input number `index`.
    pub fn input<T: FlyteType>(&self, index: u32) -> Promise<T> {
        Promise::new(INPUTS, index)
    }

    /// Adds a node running `task`, fed by `wires` (one per input, in order), and
    /// returns promises of its outputs.
    pub fn task_node<T: Task>(
        &self,
        task: &'static T,
        wires: Vec<Wire>,
    ) -> <T::Output as OutputPromises>::Promises
    where
        T::Output: OutputPromises,
    {
        let index = self.push(Entity::Task(task), wires);
        <T::Output as OutputPromises>::promises(index)
    }

    /// [`WorkflowBuilder::task_node`] with the call's `.with_overrides(..)`.
    pub fn task_node_with<T: Task>(
        &self,
        task: &'static T,
        wires: Vec<Wire>,
        overrides: Option<super::NodeOverrides>,
    ) -> <T::Output as OutputPromises>::Promises
    where
        T::Output: OutputPromises,
    {
        let index = self.push(Entity::Task(task), wires);
        if let Some(o) = overrides {
            self.set_overrides(index, o);
        }
        <T::Output as OutputPromises>::promises(index)
    }

    /// Sets the overrides of node `index` (`.with_overrides(..)` on its call).
    pub(super) fn set_overrides(&self, index: NodeIndex, overrides: super::NodeOverrides) {
        self.nodes.borrow_mut()[index as usize].overrides = Some(std::sync::Arc::new(overrides));
    }

    /// Adds a node running the workflow `wf` (a subworkflow).
    pub fn workflow_node<W: super::Workflow>(
        &self,
        wf: &'static W,
        wires: Vec<Wire>,
    ) -> <W::Output as OutputPromises>::Promises
    where
        W::Output: OutputPromises,
    {
        let index = self.push(Entity::Workflow(wf), wires);
        <W::Output as OutputPromises>::promises(index)
    }

    pub(super) fn push(&self, entity: Entity, wires: Vec<Wire>) -> NodeIndex {
        let interface = entity.interface();
        self.push_draft(DraftKind::Entity(entity), interface, wires)
    }

    pub(super) fn push_draft(
        &self,
        kind: DraftKind,
        interface: Interface,
        wires: Vec<Wire>,
    ) -> NodeIndex {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Draft {
            kind,
            interface,
            wires,
            scope: self.scope.get(),
            after: Vec::new(),
            overrides: None,
        });
        (nodes.len() - 1) as NodeIndex
    }

    /// Makes every node in `after` wait for every node in `before`.
    pub(crate) fn order(&self, before: &[NodeIndex], after: &[NodeIndex]) {
        let mut nodes = self.nodes.borrow_mut();
        for &a in after {
            for &b in before {
                if a != b && !nodes[a as usize].after.contains(&b) {
                    nodes[a as usize].after.push(b);
                }
            }
        }
    }

    /// Runs `body` with new nodes going to a fresh scope (a branch of a conditional),
    /// and returns the scope with what the body returned.
    pub(super) fn in_new_scope<R>(&self, body: impl FnOnce() -> R) -> (u32, R) {
        let outer = self.scope.get();
        let scope = {
            let mut parents = self.parents.borrow_mut();
            parents.push(outer);
            (parents.len() - 1) as u32
        };
        self.scope.set(scope);
        let result = body();
        self.scope.set(outer);
        (scope, result)
    }

    /// Finishes the graph with the workflow's outputs.
    pub fn finish(self, outputs: Vec<Wire>) -> WorkflowSpec {
        let drafts = self.nodes.into_inner();
        let parents = self.parents.into_inner();
        let graph = Graph {
            interface: &self.interface,
            drafts: &drafts,
            parents: &parents,
        };
        let (nodes, outputs) = graph.build(0, &[], outputs);
        let mut spec = WorkflowSpec::new(
            self.name,
            self.description,
            self.interface.clone(),
            nodes,
            outputs,
        );
        spec.defaults = self.defaults.into_inner();
        spec.interruptible = self.interruptible.get();
        spec.failure_policy = self.failure_policy.get();
        (spec.default_labels, spec.default_annotations) = self.default_options.take();
        if let Some(task) = self.on_failure.get() {
            match super::FailureNode::new(task, &spec.interface) {
                Ok(node) => spec.failure_node = Some(node),
                // Reported before any node runs, like a bad task setting.
                Err(e) => {
                    let first = spec.plan.invalid.take();
                    spec.plan.invalid = first.or(Some((task.name().to_string(), e)));
                }
            }
        }
        spec
    }
}

/// The node handle of a struct task in a workflow body: `SENSOR(path)` becomes
/// `SENSOR.__flyte_node(&wf).call(path)`, and `call` takes one argument per input.
#[doc(hidden)]
pub struct TaskNode<'w, T: 'static, I> {
    task: &'static T,
    wf: &'w WorkflowBuilder,
    overrides: Option<super::NodeOverrides>,
    _input: PhantomData<fn(I)>,
}

impl<T: Task, I> TaskNode<'_, T, I> {
    /// `task(..).with_overrides(..)` in a workflow body: this call's own settings.
    pub fn with_overrides(mut self, overrides: super::NodeOverrides) -> Self {
        self.overrides = Some(overrides);
        self
    }

    /// Adds the node with its overrides.
    fn add(self, wires: Vec<Wire>) -> <T::Output as OutputPromises>::Promises
    where
        T::Output: OutputPromises,
    {
        let index = self.wf.push(Entity::Task(self.task), wires);
        if let Some(o) = self.overrides {
            self.wf.set_overrides(index, o);
        }
        <T::Output as OutputPromises>::promises(index)
    }
}

/// Gives every [`Task`] a node handle in workflow bodies.
#[doc(hidden)]
pub trait AsTaskNode: Task + Sized {
    /// The node handle; called by `#[workflow]`-generated code.
    #[doc(hidden)]
    fn __flyte_node<'w>(&'static self, wf: &'w WorkflowBuilder) -> TaskNode<'w, Self, Self::Input>;
}

impl<T: Task> AsTaskNode for T {
    fn __flyte_node<'w>(&'static self, wf: &'w WorkflowBuilder) -> TaskNode<'w, Self, Self::Input> {
        TaskNode {
            task: self,
            wf,
            overrides: None,
            _input: PhantomData,
        }
    }
}

impl<T: Task> TaskNode<'_, T, ()>
where
    T::Output: OutputPromises,
{
    /// Adds the node.
    pub fn call(self) -> <T::Output as OutputPromises>::Promises {
        self.add(Vec::new())
    }
}

macro_rules! task_node_call {
    ($n:expr; $($t:ident $b:ident $arg:ident $i:tt),+) => {
        impl<T: Task, $($t: FlyteType),+> TaskNode<'_, T, ($($t,)+)>
        where
            T::Output: OutputPromises,
        {
            /// Adds the node, one argument per input.
            #[allow(clippy::too_many_arguments)]
            pub fn call(self, $($arg: impl IntoBinding<$t>),+) -> <T::Output as OutputPromises>::Promises {
                self.add(vec![$($arg.into_wire()),+])
            }
        }
    };
}

crate::types::for_each_arity!(task_node_call);

/// Lets ordinary function calls in a workflow body (`String::from(..)`, helpers,
/// `Some(..)`) pass through the `#[workflow]` rewrite unchanged: only plain callables
/// implement it, tasks and workflows never do.
#[doc(hidden)]
pub trait PassThrough<Args>: Sized {
    /// Wraps the callable; called by `#[workflow]`-generated code.
    #[doc(hidden)]
    fn __flyte_node(self, wf: &WorkflowBuilder) -> PlainCall<Self, Args>;
}

/// An ordinary callable met in a workflow body; `call` calls it as written.
#[doc(hidden)]
pub struct PlainCall<F, Args>(F, PhantomData<fn(Args)>);

impl<F: FnOnce() -> R, R> PassThrough<()> for F {
    fn __flyte_node(self, _: &WorkflowBuilder) -> PlainCall<Self, ()> {
        PlainCall(self, PhantomData)
    }
}

impl<F: FnOnce() -> R, R> PlainCall<F, ()> {
    /// Calls the wrapped callable.
    pub fn call(self) -> R {
        (self.0)()
    }
}

macro_rules! pass_through {
    ($n:expr; $($t:ident $b:ident $arg:ident $i:tt),+) => {
        impl<Func: FnOnce($($t),+) -> R, $($t,)+ R> PassThrough<($($t,)+)> for Func {
            fn __flyte_node(self, _: &WorkflowBuilder) -> PlainCall<Self, ($($t,)+)> {
                PlainCall(self, PhantomData)
            }
        }
        impl<Func: FnOnce($($t),+) -> R, $($t,)+ R> PlainCall<Func, ($($t,)+)> {
            /// Calls the wrapped callable.
            #[allow(clippy::too_many_arguments)]
            pub fn call(self, $($arg: $t),+) -> R {
                (self.0)($($arg),+)
            }
        }
    };
}

crate::types::for_each_arity!(pass_through);

/// The promises a workflow body gets for a node's outputs: [`Promise<T>`] for one
/// output, a tuple of promises for several, `()` for none. Implemented for every
/// output shape ([`Outputs`]); it lives here, with the graph, so that the types know
/// nothing of graphs.
#[doc(hidden)]
pub trait OutputPromises: Outputs {
    /// `Promise<T>`, a tuple of promises, or `()`.
    type Promises: Copy;
    /// Promises for the outputs of node number `node`.
    fn promises(node: NodeIndex) -> Self::Promises;
    /// The wire of each promise, in order (used for a workflow's own outputs).
    fn wires(promises: Self::Promises) -> Vec<Wire>;
}

impl<T: FlyteType> OutputPromises for T {
    type Promises = Promise<T>;
    fn promises(node: NodeIndex) -> Self::Promises {
        Promise::new(node, 0)
    }
    fn wires(p: Self::Promises) -> Vec<Wire> {
        vec![p.wire()]
    }
}

/// The handle of a node with no outputs: something to order other nodes after
/// (`a() >> b()`).
#[derive(Clone, Copy, Debug)]
pub struct Done {
    pub(super) node: NodeIndex,
}

impl OutputPromises for () {
    type Promises = Done;
    fn promises(node: NodeIndex) -> Self::Promises {
        Done { node }
    }
    fn wires(_: Self::Promises) -> Vec<Wire> {
        Vec::new()
    }
}

macro_rules! output_promises {
    // The output shapes of [`Outputs`]: a single output is written `T`, not `(T,)`.
    ($n:expr; $t:ident $b:ident $v:ident $i:tt) => {};
    ($n:expr; $($t:ident $b:ident $v:ident $i:tt),+) => {
        impl<$($t: FlyteType),+> OutputPromises for ($($t,)+) {
            type Promises = ($(Promise<$t>,)+);
            fn promises(node: NodeIndex) -> Self::Promises {
                ($(Promise::new(node, $i),)+)
            }
            fn wires(p: Self::Promises) -> Vec<Wire> {
                vec![$(p.$i.wire()),+]
            }
        }
    };
}

crate::types::for_each_arity!(output_promises);
