//! Gates: nodes that wait instead of running a task (flytekit's `sleep`,
//! `wait_for_input` and `approve`). Import them into a workflow body:
//!
//! ```
//! # extern crate flytekit_core as flytekit;
//! use flytekit::prelude::*;
//! use flytekit::workflow::gate::{approve, sleep, wait_for_input};
//! # use flytekit_macros::{task, workflow};
//! # #[task(crate = ::flytekit_core)]
//! # fn add_one(x: i64) -> i64 { x + 1 }
//! # #[task(crate = ::flytekit_core)]
//! # fn deploy(x: i64, ok: bool) -> i64 { if ok { x } else { -1 } }
//!
//! #[workflow(crate = ::flytekit_core)]
//! fn release(x: i64) -> i64 {
//!     let pause = sleep("10m");
//!     let ok: Promise<bool> = wait_for_input("approve-deploy", "1h");
//!     let y = add_one(x);
//!     pause >> y;
//!     let z = approve(y, "release", "2h");
//!     deploy(z, ok)
//! }
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let options = RunOptions::default()
//!     .signal("approve-deploy", true)
//!     .signal("release", true);
//! assert_eq!(release::run_with(&options, (1,)).await.unwrap(), 2);
//! # }
//! ```
//!
//! A local run sleeps on tokio's clock, and takes inputs and approvals from
//! [`RunOptions::signal`](crate::execution::RunOptions::signal) (the command line's
//! `run --signal NAME=VALUE`, or its prompt when stdin is a terminal).

use std::time::Duration;

use super::builder::{Done, WorkflowBuilder};
use super::promise::Promise;
use super::{Entity, IntoBinding};
use crate::interface::{Interface, Variable};
use crate::task::{ConfigError, IntoDuration};
use crate::types::{FlyteType, Literal, LiteralMismatch, LiteralType, Value, into_value};

/// What a gate waits for.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum GateKind {
    /// A while.
    Sleep(Duration),
    /// A value of `ty` given to the execution under the name `id`.
    Signal {
        /// The signal's name.
        id: String,
        /// The value's type.
        ty: LiteralType,
    },
    /// Someone approving (`true`) the value flowing through, under the name `id`.
    Approve {
        /// The signal's name.
        id: String,
        /// The type of the value passed through.
        ty: LiteralType,
    },
}

/// A gate node: what it waits for and for how long at most.
#[derive(Clone)]
pub struct GateSpec {
    /// What it waits for.
    pub kind: GateKind,
    /// How long it waits for a signal or approval before failing (Flyte's default: one
    /// hour, written for sleeps too).
    pub timeout: Duration,
    /// A bad duration, reported before the workflow runs.
    pub(crate) error: Option<ConfigError>,
    /// Reads a signal's value as the gate's Rust type.
    pub(crate) decode: fn(&Literal) -> Result<Value, LiteralMismatch>,
}

impl std::fmt::Debug for GateSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GateSpec")
            .field("kind", &self.kind)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl GateSpec {
    /// The node's display name, as flytekit writes it.
    pub fn name(&self) -> &str {
        match &self.kind {
            GateKind::Sleep(_) => "sleep-gate",
            GateKind::Signal { id, .. } | GateKind::Approve { id, .. } => id,
        }
    }

    /// Inputs and outputs: a signal gives `o0`; an approval takes and gives `o0`.
    pub(crate) fn interface(&self) -> Interface {
        let var = |ty: &LiteralType| Variable {
            name: "o0".to_string(),
            ty: ty.clone(),
        };
        match &self.kind {
            GateKind::Sleep(_) => Interface::default(),
            GateKind::Signal { ty, .. } => Interface {
                inputs: Vec::new(),
                outputs: vec![var(ty)],
            },
            GateKind::Approve { ty, .. } => Interface {
                inputs: vec![var(ty)],
                outputs: vec![var(ty)],
            },
        }
    }
}

/// The default timeout of a gate.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3600);

fn decode<T: FlyteType>(l: &Literal) -> Result<Value, LiteralMismatch> {
    T::from_literal(l).map(into_value)
}

fn no_value(_: &Literal) -> Result<Value, LiteralMismatch> {
    Ok(std::sync::Arc::new(()))
}

fn read_duration(d: impl IntoDuration, field: &'static str) -> (Duration, Option<ConfigError>) {
    match d.into_duration(field) {
        Ok(d) => (d, None),
        Err(e) => (Duration::ZERO, Some(e)),
    }
}

// Gates are types with a function's name, as `#[task]`s are: the workflow rewrite
// reaches them in the type namespace, and a variable may be called `sleep`.

/// `sleep(duration)` in a workflow body: a node that waits, for others to be ordered
/// after with `>>`.
#[allow(non_camel_case_types)]
pub struct sleep {}

/// `wait_for_input(name, timeout)` in a workflow body: a value of the promise's type,
/// given to the execution under `name`.
#[allow(non_camel_case_types)]
pub struct wait_for_input {}

/// `approve(value, name, timeout)` in a workflow body: `value`, once someone approves
/// it under `name`.
#[allow(non_camel_case_types)]
pub struct approve {}

/// A gate call being added to a graph.
#[doc(hidden)]
pub struct GateCall<'w, G: 'static> {
    wf: &'w WorkflowBuilder,
    _gate: std::marker::PhantomData<G>,
}

macro_rules! gate_node {
    ($($ty:ident)+) => {$(
        impl $ty {
            #[doc(hidden)]
            pub fn __flyte_node<'w>(wf: &'w WorkflowBuilder) -> GateCall<'w, $ty> {
                GateCall { wf, _gate: std::marker::PhantomData }
            }
        }
    )+};
}
gate_node!(sleep wait_for_input approve);

impl GateCall<'_, sleep> {
    /// Adds a node that sleeps for `duration` (`"10m"` or a [`Duration`]).
    pub fn call(self, duration: impl IntoDuration) -> Done {
        let (d, error) = read_duration(duration, "sleep");
        let gate = GateSpec {
            kind: GateKind::Sleep(d),
            timeout: DEFAULT_TIMEOUT,
            error,
            decode: no_value,
        };
        Done {
            node: self
                .wf
                .push(Entity::Gate(std::sync::Arc::new(gate)), Vec::new()),
        }
    }
}

impl GateCall<'_, wait_for_input> {
    /// Adds a node that waits at most `timeout` for the value named `name`.
    pub fn call<T: FlyteType>(self, name: &str, timeout: impl IntoDuration) -> Promise<T> {
        let (timeout, error) = read_duration(timeout, "timeout");
        let gate = GateSpec {
            kind: GateKind::Signal {
                id: name.to_string(),
                ty: T::literal_type(),
            },
            timeout,
            error,
            decode: decode::<T>,
        };
        let node = self
            .wf
            .push(Entity::Gate(std::sync::Arc::new(gate)), Vec::new());
        Promise::new(node, 0)
    }
}

impl GateCall<'_, approve> {
    /// Adds a node that passes `value` on once it is approved under `name`, waiting
    /// at most `timeout`.
    pub fn call<T: FlyteType>(
        self,
        value: impl IntoBinding<T>,
        name: &str,
        timeout: impl IntoDuration,
    ) -> Promise<T> {
        let (timeout, error) = read_duration(timeout, "timeout");
        let gate = GateSpec {
            kind: GateKind::Approve {
                id: name.to_string(),
                ty: T::literal_type(),
            },
            timeout,
            error,
            // The approval is read as a bool where it is waited for; the value passes.
            decode: no_value,
        };
        let wires = vec![value.into_wire()];
        let node = self.wf.push(Entity::Gate(std::sync::Arc::new(gate)), wires);
        Promise::new(node, 0)
    }
}
