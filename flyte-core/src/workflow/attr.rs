//! Attribute access on promises, as flytekit's `summary.max_score`: a field of a struct
//! promise (`#[derive(FlyteType)]` gives `Promise<Summary>` a field per struct field),
//! an item of a list promise (`xs[0]`), a value of a map promise (`m["key"]`). Each is
//! a promise of the part, with no node of its own: Flyte reads the part from the
//! output (the binding's `attr_path`), and a local run does the same.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use crate::types::Value;

/// One step into a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AttrKey {
    /// A struct field, by name.
    Field(&'static str),
    /// A list item, by position.
    Index(u32),
    /// A map value, by key.
    Key(String),
}

impl fmt::Display for AttrKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrKey::Field(name) => write!(f, ".{name}"),
            AttrKey::Index(i) => write!(f, "[{i}]"),
            AttrKey::Key(k) => write!(f, "[{k:?}]"),
        }
    }
}

/// Reads the part a step names from a value (`Err` says why it is not there).
#[doc(hidden)]
pub type AttrGet = fn(&Value, &AttrKey) -> Result<Value, String>;

/// One step of an attribute path and how a local run takes it.
#[derive(Clone)]
pub struct AttrStep {
    /// What the step reads.
    pub key: AttrKey,
    pub(crate) get: AttrGet,
}

impl fmt::Debug for AttrStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.key)
    }
}

/// The steps from an output to the part a binding reads.
pub type AttrPath = Arc<[AttrStep]>;

/// Takes every step of `path` from `value`.
pub(crate) fn read_path(value: &Value, path: &[AttrStep]) -> Result<Value, String> {
    let mut value = value.clone();
    for step in path {
        value = (step.get)(&value, &step.key).map_err(|e| format!("`{}`: {e}", step.key))?;
    }
    Ok(value)
}

/// Paths by id (0 is the empty path), and the leaked values `Deref` and `Index` hand
/// out. Both are bounded by the program's code: the same promise part always gets the
/// same id and the same value.
#[derive(Default)]
struct Interner {
    paths: Vec<AttrPath>,
    /// By parent path, step, and the step's reader: the same field name on two
    /// struct types is two steps (their readers differ).
    ids: HashMap<(u32, AttrKey, usize), u32>,
    parts: HashMap<(TypeId, u32, u32, u32), &'static (dyn Any + Send + Sync)>,
}

static INTERNER: Mutex<Option<Interner>> = Mutex::new(None);

fn with_interner<R>(f: impl FnOnce(&mut Interner) -> R) -> R {
    let mut guard = INTERNER.lock().unwrap_or_else(|e| e.into_inner());
    let interner = guard.get_or_insert_with(|| Interner {
        paths: vec![Arc::from(Vec::new())],
        ..Interner::default()
    });
    f(interner)
}

/// The id of `parent`'s path followed by `step`.
pub(crate) fn extend(parent: u32, step: AttrStep) -> u32 {
    let reader = step.get as usize;
    with_interner(|i| {
        if let Some(&id) = i.ids.get(&(parent, step.key.clone(), reader)) {
            return id;
        }
        let mut steps: Vec<AttrStep> = i.paths[parent as usize].to_vec();
        let key = step.key.clone();
        steps.push(step);
        let id = i.paths.len() as u32;
        i.paths.push(Arc::from(steps));
        i.ids.insert((parent, key, reader), id);
        id
    })
}

/// The steps of path `id`.
pub(crate) fn path(id: u32) -> AttrPath {
    with_interner(|i| i.paths[id as usize].clone())
}

/// A `'static` value standing for a part of a promise, made once per part.
pub(super) fn leaked<P: Any + Send + Sync>(
    key: (u32, u32, u32),
    make: impl FnOnce() -> P,
) -> &'static P {
    let key = (TypeId::of::<P>(), key.0, key.1, key.2);
    let found = with_interner(|i| i.parts.get(&key).copied());
    let part = match found {
        Some(part) => part,
        None => {
            // Made outside the lock: making the fields of a struct promise makes paths.
            let part: &'static (dyn Any + Send + Sync) = Box::leak(Box::new(make()));
            with_interner(|i| *i.parts.entry(key).or_insert(part))
        }
    };
    part.downcast_ref::<P>()
        .unwrap_or_else(|| unreachable!("flyte bug: a promise part of another type"))
}
