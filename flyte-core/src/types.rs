//! Rust types and Flyte types: [`LiteralType`] describes a value's type in a spec,
//! [`Literal`] holds a value in Flyte's own terms, and [`FlyteType`] maps a Rust type
//! onto both.
//!
//! Inside a local run values travel between nodes as native Rust values ([`Value`]):
//! converting to [`Literal`] is only needed at the edges (specs, constants shown in a
//! graph, and later the wire format), so a node hand-off costs a reference-count bump.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The scalar kinds of Flyte's `SimpleType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SimpleType {
    /// No value.
    None,
    /// A 64-bit signed integer.
    Integer,
    /// A 64-bit float.
    Float,
    /// A UTF-8 string.
    String,
    /// A boolean.
    Boolean,
    /// A point in time (UTC).
    Datetime,
    /// A span of time.
    Duration,
}

/// The type of a Flyte variable, as it appears in an interface.
///
/// Only simple types exist today; collections, maps, unions, structs, enums and blobs
/// arrive with the type-system work and slot in here as further variants.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LiteralType {
    /// A scalar type.
    Simple(SimpleType),
}

impl fmt::Display for LiteralType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiteralType::Simple(s) => {
                let name = match s {
                    SimpleType::None => "none",
                    SimpleType::Integer => "integer",
                    SimpleType::Float => "float",
                    SimpleType::String => "string",
                    SimpleType::Boolean => "boolean",
                    SimpleType::Datetime => "datetime",
                    SimpleType::Duration => "duration",
                };
                f.write_str(name)
            }
        }
    }
}

/// A scalar value in Flyte's terms (Flyte's `Primitive`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Primitive {
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A string.
    String(String),
    /// A boolean.
    Boolean(bool),
    /// A point in time.
    Datetime(SystemTime),
    /// A span of time.
    Duration(Duration),
}

/// A value in Flyte's terms, as constants appear in a workflow spec.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Literal {
    /// A scalar value.
    Primitive(Primitive),
    /// No value (Flyte's `Void`).
    None,
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Primitive(Primitive::Integer(v)) => write!(f, "{v}"),
            Literal::Primitive(Primitive::Float(v)) => write!(f, "{v:?}"),
            Literal::Primitive(Primitive::String(v)) => write!(f, "{v:?}"),
            Literal::Primitive(Primitive::Boolean(v)) => write!(f, "{v}"),
            Literal::Primitive(Primitive::Datetime(v)) => {
                write!(f, "{}", humantime::format_rfc3339_nanos(*v))
            }
            Literal::Primitive(Primitive::Duration(v)) => {
                write!(f, "{}", humantime::format_duration(*v))
            }
            Literal::None => f.write_str("none"),
        }
    }
}

/// A literal did not hold what the Rust type needs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("expected a literal of type {expected}, got `{got}`")]
pub struct LiteralMismatch {
    /// The Flyte type the Rust type maps to.
    pub expected: LiteralType,
    /// The literal that was offered.
    pub got: Literal,
}

/// A Rust type that can be a task input or output.
///
/// Implemented for `i64`, `f64`, `String`, `bool`, [`Duration`] and [`SystemTime`]
/// (Flyte's datetime). Values cross node boundaries as native Rust values, so the only
/// requirements at run time are `Clone + Send + Sync + 'static`; the literal conversions
/// are what specs, constants and the wire format use.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Flyte type",
    label = "this type cannot be a task input or output",
    note = "supported types today: i64, f64, String, bool, std::time::Duration, std::time::SystemTime; \
            use an owned type (String, not &str)"
)]
pub trait FlyteType: Clone + Send + Sync + 'static {
    /// The Flyte type this Rust type maps to.
    fn literal_type() -> LiteralType;
    /// This value as a Flyte literal.
    fn to_literal(&self) -> Literal;
    /// Reads a value back from a Flyte literal.
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch>;
}

macro_rules! primitive {
    ($rust:ty, $simple:ident, $variant:ident) => {
        impl FlyteType for $rust {
            fn literal_type() -> LiteralType {
                LiteralType::Simple(SimpleType::$simple)
            }
            fn to_literal(&self) -> Literal {
                Literal::Primitive(Primitive::$variant(self.clone()))
            }
            fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
                match literal {
                    Literal::Primitive(Primitive::$variant(v)) => Ok(v.clone()),
                    other => Err(LiteralMismatch {
                        expected: Self::literal_type(),
                        got: other.clone(),
                    }),
                }
            }
        }
    };
}

primitive!(i64, Integer, Integer);
primitive!(f64, Float, Float);
primitive!(String, String, String);
primitive!(bool, Boolean, Boolean);
primitive!(Duration, Duration, Duration);
primitive!(SystemTime, Datetime, Datetime);

/// A value on its way between nodes: a type-erased, shared native Rust value.
///
/// The graph is type-checked when it is built, so reading a value back
/// ([`downcast_value`]) cannot meet the wrong type.
pub type Value = Arc<dyn Any + Send + Sync>;

/// Wraps a value for the trip between nodes.
pub fn into_value<T: FlyteType>(v: T) -> Value {
    Arc::new(v)
}

/// Reads a value written by [`into_value`].
///
/// # Panics
/// If the value holds another type: the graph's wiring is checked at compile time, so
/// this is a bug in flyte, never in user code.
pub fn downcast_value<T: FlyteType>(v: &Value) -> T {
    match v.downcast_ref::<T>() {
        Some(v) => v.clone(),
        None => panic!(
            "flyte bug: a value of another type reached an input of type `{}`",
            std::any::type_name::<T>()
        ),
    }
}

/// The inputs of a task or workflow: a tuple of [`FlyteType`]s, one per input, in order.
pub trait Inputs: Sized + Send + 'static {
    /// How many inputs.
    const ARITY: usize;
    /// The Flyte type of each input, in order.
    fn types() -> Vec<LiteralType>;
    /// Splits the tuple into one value per input.
    fn into_values(self) -> Vec<Value>;
    /// Rebuilds the tuple from one value per input.
    fn from_values(values: &[Value]) -> Self;
}

/// The outputs of a task or workflow: `()` for none, a single [`FlyteType`] for one
/// output, or a tuple for several (`o0`, `o1`, ...).
pub trait Outputs: Sized + Send + 'static {
    /// How many outputs.
    const ARITY: usize;
    /// The promises a workflow body gets for these outputs: `Promise<T>` for one
    /// output, a tuple of promises for several.
    type Promises: Copy;
    /// The Flyte type of each output, in order.
    fn types() -> Vec<LiteralType>;
    /// Splits the outputs into one value each.
    fn into_values(self) -> Vec<Value>;
    /// Rebuilds the outputs from one value each.
    fn from_values(values: &[Value]) -> Self;
    /// Promises for the outputs of node number `node` in a workflow being built.
    fn promises(node: crate::workflow::NodeIndex) -> Self::Promises;
    /// The wire of each promise, in order (used for a workflow's own outputs).
    fn wires(promises: Self::Promises) -> Vec<crate::workflow::Wire>;
}

impl<T: FlyteType> Outputs for T {
    const ARITY: usize = 1;
    type Promises = crate::workflow::Promise<T>;
    fn types() -> Vec<LiteralType> {
        vec![T::literal_type()]
    }
    fn into_values(self) -> Vec<Value> {
        vec![into_value(self)]
    }
    fn from_values(values: &[Value]) -> Self {
        downcast_value(&values[0])
    }
    fn promises(node: crate::workflow::NodeIndex) -> Self::Promises {
        crate::workflow::Promise::new(node, 0)
    }
    fn wires(p: Self::Promises) -> Vec<crate::workflow::Wire> {
        vec![p.wire()]
    }
}

impl Inputs for () {
    const ARITY: usize = 0;
    fn types() -> Vec<LiteralType> {
        Vec::new()
    }
    fn into_values(self) -> Vec<Value> {
        Vec::new()
    }
    fn from_values(_: &[Value]) -> Self {}
}

impl Outputs for () {
    const ARITY: usize = 0;
    type Promises = ();
    fn types() -> Vec<LiteralType> {
        Vec::new()
    }
    fn into_values(self) -> Vec<Value> {
        Vec::new()
    }
    fn from_values(_: &[Value]) -> Self {}
    fn promises(_: crate::workflow::NodeIndex) -> Self::Promises {}
    fn wires(_: Self::Promises) -> Vec<crate::workflow::Wire> {
        Vec::new()
    }
}

macro_rules! tuples {
    ($( ($n:expr; $($t:ident $i:tt),+) )+) => {$(
        impl<$($t: FlyteType),+> Inputs for ($($t,)+) {
            const ARITY: usize = $n;
            fn types() -> Vec<LiteralType> {
                vec![$($t::literal_type()),+]
            }
            fn into_values(self) -> Vec<Value> {
                vec![$(into_value(self.$i)),+]
            }
            fn from_values(values: &[Value]) -> Self {
                ($(downcast_value::<$t>(&values[$i]),)+)
            }
        }
    )+};
}

macro_rules! output_tuples {
    ($( ($n:expr; $($t:ident $i:tt),+) )+) => {$(
        impl<$($t: FlyteType),+> Outputs for ($($t,)+) {
            const ARITY: usize = $n;
            type Promises = ($(crate::workflow::Promise<$t>,)+);
            fn types() -> Vec<LiteralType> {
                vec![$($t::literal_type()),+]
            }
            fn into_values(self) -> Vec<Value> {
                vec![$(into_value(self.$i)),+]
            }
            fn from_values(values: &[Value]) -> Self {
                ($(downcast_value::<$t>(&values[$i]),)+)
            }
            fn promises(node: crate::workflow::NodeIndex) -> Self::Promises {
                ($(crate::workflow::Promise::new(node, $i),)+)
            }
            fn wires(p: Self::Promises) -> Vec<crate::workflow::Wire> {
                vec![$(p.$i.wire()),+]
            }
        }
    )+};
}

tuples! {
    (1; A 0)
    (2; A 0, B 1)
    (3; A 0, B 1, C 2)
    (4; A 0, B 1, C 2, D 3)
    (5; A 0, B 1, C 2, D 3, E 4)
    (6; A 0, B 1, C 2, D 3, E 4, F 5)
    (7; A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (8; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (9; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (10; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (11; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (12; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}

// A one-element tuple is not an output shape: a single output is written `T`.
output_tuples! {
    (2; A 0, B 1)
    (3; A 0, B 1, C 2)
    (4; A 0, B 1, C 2, D 3)
    (5; A 0, B 1, C 2, D 3, E 4)
    (6; A 0, B 1, C 2, D 3, E 4, F 5)
    (7; A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (8; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (9; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (10; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (11; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (12; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_round_trip_through_literals() {
        assert_eq!(i64::from_literal(&42i64.to_literal()), Ok(42));
        assert_eq!(f64::from_literal(&1.5f64.to_literal()), Ok(1.5));
        let s = "hi".to_string();
        assert_eq!(String::from_literal(&s.to_literal()), Ok(s));
        assert_eq!(bool::from_literal(&true.to_literal()), Ok(true));
        let d = Duration::from_millis(1500);
        assert_eq!(Duration::from_literal(&d.to_literal()), Ok(d));
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(SystemTime::from_literal(&t.to_literal()), Ok(t));
    }

    #[test]
    fn a_mismatched_literal_names_both_types() {
        let err = i64::from_literal(&"x".to_string().to_literal()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected a literal of type integer, got `\"x\"`"
        );
    }

    #[test]
    fn tuples_split_and_rebuild_in_order() {
        let values = Inputs::into_values((1i64, "a".to_string(), false));
        assert_eq!(values.len(), 3);
        let back = <(i64, String, bool) as Inputs>::from_values(&values);
        assert_eq!(back, (1, "a".to_string(), false));
        assert_eq!(
            <(i64, String) as Outputs>::types(),
            vec![
                LiteralType::Simple(SimpleType::Integer),
                LiteralType::Simple(SimpleType::String)
            ]
        );
    }

    #[test]
    fn literals_display_readably() {
        assert_eq!(Literal::Primitive(Primitive::Integer(3)).to_string(), "3");
        assert_eq!(
            Literal::Primitive(Primitive::Duration(Duration::from_secs(90))).to_string(),
            "1m 30s"
        );
    }
}
