//! [`Promise`]s: typed handles on values that exist only when the workflow runs (a
//! workflow input, a node's output, a part of one), and the [`Wire`]s they become
//! when passed to a call.
//!
//! A `#[workflow]` body runs once, on promises instead of values, like flytekit's
//! compile step: each task call adds a node and hands back promises of its outputs,
//! and passing a promise to another call records an edge. Promises are typed, so a
//! `String` output wired into an `i64` input does not compile.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;
use std::sync::Arc;

use super::attr::{AttrGet, AttrKey, AttrPath, AttrStep, extend, leaked, path};
use crate::types::{FlyteType, Literal, Value, into_value};

/// Where a node sits in the workflow being built (its position in call order).
#[doc(hidden)]
pub type NodeIndex = u32;

/// The pseudo-node whose outputs are the workflow's own inputs.
pub(crate) const INPUTS: NodeIndex = NodeIndex::MAX;

/// A typed handle on a value that will exist when the workflow runs: a workflow input
/// or an output of a node.
///
/// Promises are `Copy`: one output may feed any number of inputs. They only exist
/// inside a `#[workflow]` body.
///
/// A part of a promise's value is a promise too, as in flytekit: `summary.max_score`
/// for a field of a struct (`#[derive(FlyteType)]`), `xs[0]` for a list item,
/// `weights["a"]` for a map value. No node is added: Flyte reads the part from the
/// output (the binding's `attr_path`) and a local run does the same; an index past
/// the end or a missing key fails the node that reads it. A `when` condition compares
/// whole values only. They implement neither `Debug` nor `Display`: a
/// value is not known while the graph is built, so formatting a promise (rustc's own
/// hint for `{}` is `{:?}`) would bake a placeholder into the graph; pass the promise
/// to a task that formats the value.
pub struct Promise<T> {
    node: NodeIndex,
    output: u32,
    /// The attribute path into the output (`summary.max_score`), interned; 0 for the
    /// whole output.
    path: u32,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Promise<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Promise<T> {}

impl<T> Promise<T> {
    /// A promise of output `output` of node `node`.
    pub fn new(node: NodeIndex, output: u32) -> Self {
        Promise {
            node,
            output,
            path: 0,
            _type: PhantomData,
        }
    }

    /// A promise of a part of this one's value (a field, an item, a map value).
    #[doc(hidden)]
    pub fn attr<U>(self, key: AttrKey, get: AttrGet) -> Promise<U> {
        Promise {
            node: self.node,
            output: self.output,
            path: extend(self.path, AttrStep { key, get }),
            _type: PhantomData,
        }
    }

    /// What tells this promise's parts apart from others'.
    pub(super) fn parts_key(self) -> (NodeIndex, u32, u32) {
        (self.node, self.output, self.path)
    }

    /// The node it is an output of ([`INPUTS`] for a workflow input).
    pub(super) fn node(self) -> NodeIndex {
        self.node
    }

    /// The wire this promise stands for.
    pub fn wire(self) -> Wire {
        let whole = Wire::Promise {
            node: self.node,
            output: self.output,
        };
        match self.path {
            0 => whole,
            id => Wire::Attr {
                base: Box::new(whole),
                path: path(id),
            },
        }
    }
}

/// What feeds one input of a node while the graph is being built: a promise, or a
/// constant computed by ordinary Rust in the workflow body.
#[derive(Clone, Debug)]
#[doc(hidden)]
pub enum Wire {
    /// The output of a node, or (with node [`NodeIndex::MAX`]) a workflow input.
    Promise {
        /// The node.
        node: NodeIndex,
        /// The output's position.
        output: u32,
    },
    /// A part of a promise's value (`summary.max_score`, `xs[0]`).
    Attr {
        /// The promise.
        base: Box<Wire>,
        /// The steps into its value.
        path: AttrPath,
    },
    /// A constant.
    Constant(Literal, Value),
    /// A list built from several wires (Flyte's binding collection).
    Collection {
        /// One wire per item.
        items: Vec<Wire>,
        /// Builds the list value from the items' values.
        collect: CollectFn,
    },
    /// A map built from several wires (Flyte's binding map).
    Map {
        /// One wire per key.
        entries: Vec<(String, Wire)>,
        /// Builds the map value from the entries' values.
        collect: CollectMapFn,
    },
}

/// Builds a list value from its items' values.
#[doc(hidden)]
pub type CollectFn = fn(Vec<Value>) -> Value;
/// Builds a map value from its entries' values.
#[doc(hidden)]
pub type CollectMapFn = fn(Vec<(String, Value)>) -> Value;

impl Wire {
    /// Calls `f` on every promise in the wire.
    pub(super) fn promises(&self, f: &mut impl FnMut(NodeIndex, u32)) {
        match self {
            Wire::Promise { node, output } => f(*node, *output),
            Wire::Attr { base, .. } => base.promises(f),
            Wire::Constant(..) => {}
            Wire::Collection { items, .. } => items.iter().for_each(|w| w.promises(f)),
            Wire::Map { entries, .. } => entries.iter().for_each(|(_, w)| w.promises(f)),
        }
    }
}

/// A struct whose promises have a promise per field: what `#[derive(FlyteType)]`
/// implements, so `summary.max_score` on a `Promise<Summary>` is a `Promise<f64>`.
#[doc(hidden)]
pub trait PromiseFields: FlyteType {
    /// A struct with a `Promise` per field, named as the fields.
    type Fields: Send + Sync + 'static;
    /// The fields of `promise`.
    fn fields(promise: Promise<Self>) -> Self::Fields;
}

impl<T: PromiseFields> std::ops::Deref for Promise<T> {
    type Target = T::Fields;
    fn deref(&self) -> &T::Fields {
        let promise = *self;
        leaked(promise.parts_key(), || T::fields(promise))
    }
}

/// A promise of field `name` of a struct promise, read with `project`: what the
/// derive's `PromiseFields` impls call for each field.
#[doc(hidden)]
pub fn struct_field<T: 'static, U: 'static>(
    promise: Promise<T>,
    name: &'static str,
    get: AttrGet,
) -> Promise<U> {
    promise.attr::<U>(AttrKey::Field(name), get)
}

/// Reads one field of a struct value: the derive's getters call it with a projection.
#[doc(hidden)]
pub fn read_field<T: 'static, U: Clone + Send + Sync + 'static>(
    value: &Value,
    project: fn(&T) -> &U,
) -> Value {
    match value.downcast_ref::<T>() {
        Some(v) => Arc::new(project(v).clone()),
        None => unreachable!("flyte bug: a field read from a value of another type"),
    }
}

fn list_item<T: FlyteType>(value: &Value, key: &AttrKey) -> Result<Value, String> {
    let (Some(items), AttrKey::Index(i)) = (value.downcast_ref::<Vec<T>>(), key) else {
        unreachable!("flyte bug: a list item read from another value")
    };
    items
        .get(*i as usize)
        .map(|v| into_value(v.clone()))
        .ok_or_else(|| format!("the list has {} items", items.len()))
}

fn map_value<M: FlyteType, T: FlyteType>(
    value: &Value,
    key: &AttrKey,
    get: fn(&M, &str) -> Option<T>,
) -> Result<Value, String> {
    let (Some(map), AttrKey::Key(k)) = (value.downcast_ref::<M>(), key) else {
        unreachable!("flyte bug: a map value read from another value")
    };
    get(map, k)
        .map(into_value)
        .ok_or_else(|| "no such key in the map".to_string())
}

/// `xs[i]`: a promise of item `i` of a list promise (flytekit's `xs[0]`). An index past
/// the end fails the node that reads it.
impl<T: FlyteType> std::ops::Index<usize> for Promise<Vec<T>> {
    type Output = Promise<T>;
    fn index(&self, i: usize) -> &Promise<T> {
        let index = u32::try_from(i).expect("a list index fits in 32 bits");
        let part = self.attr::<T>(AttrKey::Index(index), list_item::<T>);
        leaked(part.parts_key(), || part)
    }
}

fn hash_map_get<T: FlyteType>(m: &HashMap<String, T>, k: &str) -> Option<T> {
    m.get(k).cloned()
}
fn btree_map_get<T: FlyteType>(m: &BTreeMap<String, T>, k: &str) -> Option<T> {
    m.get(k).cloned()
}

/// `m["key"]`: a promise of one value of a map promise (flytekit's `m["key"]`). A
/// missing key fails the node that reads it.
impl<T: FlyteType> std::ops::Index<&str> for Promise<HashMap<String, T>> {
    type Output = Promise<T>;
    fn index(&self, key: &str) -> &Promise<T> {
        let part = self.attr::<T>(AttrKey::Key(key.to_string()), |v, k| {
            map_value::<HashMap<String, T>, T>(v, k, hash_map_get::<T>)
        });
        leaked(part.parts_key(), || part)
    }
}

/// `m["key"]` on a `BTreeMap` promise.
impl<T: FlyteType> std::ops::Index<&str> for Promise<BTreeMap<String, T>> {
    type Output = Promise<T>;
    fn index(&self, key: &str) -> &Promise<T> {
        let part = self.attr::<T>(AttrKey::Key(key.to_string()), |v, k| {
            map_value::<BTreeMap<String, T>, T>(v, k, btree_map_get::<T>)
        });
        leaked(part.parts_key(), || part)
    }
}
