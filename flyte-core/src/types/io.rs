//! [`Inputs`] and [`Outputs`]: the tuples that carry a task's or workflow's values,
//! split into one type-erased [`Value`] each, and read from or written to literals by
//! name.

use super::{FlyteType, Literal, LiteralMismatch, LiteralType, Value, downcast_value, into_value};

/// The most inputs, or outputs, a task or workflow has. Every tuple shape goes up to
/// it, generated from one list (`for_each_arity!`): inputs, outputs, node calls in a
/// workflow body, launch plan calls, map tasks, branch outputs, `>>` orderings;
/// `#[task]` and `#[workflow]` reject more at the extra parameter or output.
pub const MAX_ARITY: usize = 16;

/// Calls `$m!` once per tuple arity, 1 to [`MAX_ARITY`], as axum's `all_the_tuples!`
/// does: `$m!(n; X0 Y0 x0 0, X1 Y1 x1 1, ...)`, each element a type parameter, a
/// second type parameter, a value name and its index. Every table of tuple impls is
/// a macro over this one list, so the limit is changed in one place.
macro_rules! for_each_arity {
    ($m:ident) => {
        $m!(1; X0 Y0 x0 0);
        $m!(2; X0 Y0 x0 0, X1 Y1 x1 1);
        $m!(3; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2);
        $m!(4; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3);
        $m!(5; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4);
        $m!(6; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4, X5 Y5 x5 5);
        $m!(7; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4, X5 Y5 x5 5, X6 Y6 x6 6);
        $m!(8; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4, X5 Y5 x5 5, X6 Y6 x6 6, X7 Y7 x7 7);
        $m!(9; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4, X5 Y5 x5 5, X6 Y6 x6 6, X7 Y7 x7 7, X8 Y8 x8 8);
        $m!(10; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4, X5 Y5 x5 5, X6 Y6 x6 6, X7 Y7 x7 7, X8 Y8 x8 8, X9 Y9 x9 9);
        $m!(11; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4, X5 Y5 x5 5, X6 Y6 x6 6, X7 Y7 x7 7, X8 Y8 x8 8, X9 Y9 x9 9, X10 Y10 x10 10);
        $m!(12; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4, X5 Y5 x5 5, X6 Y6 x6 6, X7 Y7 x7 7, X8 Y8 x8 8, X9 Y9 x9 9, X10 Y10 x10 10, X11 Y11 x11 11);
        $m!(13; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4, X5 Y5 x5 5, X6 Y6 x6 6, X7 Y7 x7 7, X8 Y8 x8 8, X9 Y9 x9 9, X10 Y10 x10 10, X11 Y11 x11 11, X12 Y12 x12 12);
        $m!(14; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4, X5 Y5 x5 5, X6 Y6 x6 6, X7 Y7 x7 7, X8 Y8 x8 8, X9 Y9 x9 9, X10 Y10 x10 10, X11 Y11 x11 11, X12 Y12 x12 12, X13 Y13 x13 13);
        $m!(15; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4, X5 Y5 x5 5, X6 Y6 x6 6, X7 Y7 x7 7, X8 Y8 x8 8, X9 Y9 x9 9, X10 Y10 x10 10, X11 Y11 x11 11, X12 Y12 x12 12, X13 Y13 x13 13, X14 Y14 x14 14);
        $m!(16; X0 Y0 x0 0, X1 Y1 x1 1, X2 Y2 x2 2, X3 Y3 x3 3, X4 Y4 x4 4, X5 Y5 x5 5, X6 Y6 x6 6, X7 Y7 x7 7, X8 Y8 x8 8, X9 Y9 x9 9, X10 Y10 x10 10, X11 Y11 x11 11, X12 Y12 x12 12, X13 Y13 x13 13, X14 Y14 x14 14, X15 Y15 x15 15);
    };
}
pub(crate) use for_each_arity;

/// A named input or output whose literal could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{name}` expects a value of type {expected}, got `{got}`{}", super::reason_suffix(.reason))]
pub struct ConversionError {
    /// The input's or output's name.
    pub name: String,
    /// Its Flyte type.
    pub expected: LiteralType,
    /// What was offered, as text.
    pub got: String,
    /// Why it could not be read, where more can be said than the type.
    pub reason: Option<String>,
}

impl ConversionError {
    /// Names the value a [`LiteralMismatch`] was about.
    pub fn named(name: &str, mismatch: LiteralMismatch) -> Self {
        ConversionError {
            name: name.to_string(),
            expected: mismatch.expected,
            got: mismatch.got,
            reason: mismatch.reason,
        }
    }
}

fn decode<T: FlyteType>(name: &str, literal: &Literal) -> Result<Value, ConversionError> {
    T::from_literal(literal)
        .map(into_value)
        .map_err(|m| ConversionError::named(name, m))
}

fn encode<T: FlyteType>(value: &Value) -> Literal {
    match value.downcast_ref::<T>() {
        Some(v) => v.to_literal(),
        None => panic!(
            "flyte bug: a value of another type was read as `{}`",
            std::any::type_name::<T>()
        ),
    }
}

/// The inputs of a task or workflow: a tuple of [`FlyteType`]s, one per input, in order
/// (up to [`MAX_ARITY`]).
pub trait Inputs: Sized + Send + 'static {
    /// How many inputs.
    const ARITY: usize;
    /// One name per input, `[&str; ARITY]`: an interface naming another number of
    /// inputs does not compile ([`Interface::of`](crate::interface::Interface::of)).
    type Names: AsRef<[&'static str]>;
    /// The Flyte type of each input, in order.
    fn types() -> Vec<LiteralType>;
    /// Splits the tuple into one value per input.
    fn into_values(self) -> Vec<Value>;
    /// Rebuilds the tuple from one value per input.
    fn from_values(values: &[Value]) -> Self;
    /// Reads one literal per input (named by `names`, in order) into values.
    fn values_from_literals(
        names: &[&str],
        literals: &[Literal],
    ) -> Result<Vec<Value>, ConversionError>;
    /// Writes one value per input as a literal.
    fn literals_of(values: &[Value]) -> Vec<Literal>;
    /// Reads the literal of input number `index` (called `name`) into a value.
    ///
    /// # Panics
    /// If there is no input number `index`.
    fn value_from_literal(
        index: usize,
        name: &str,
        literal: &Literal,
    ) -> Result<Value, ConversionError>;
}

/// The outputs of a task or workflow: `()` for none, a single [`FlyteType`] for one
/// output, or a tuple for several (`o0`, `o1`, ..., up to [`MAX_ARITY`]).
pub trait Outputs: Sized + Send + 'static {
    /// How many outputs.
    const ARITY: usize;
    /// One name per output, `[&str; ARITY]`.
    type Names: AsRef<[&'static str]>;
    /// The Flyte type of each output, in order.
    fn types() -> Vec<LiteralType>;
    /// Splits the outputs into one value each.
    fn into_values(self) -> Vec<Value>;
    /// Rebuilds the outputs from one value each.
    fn from_values(values: &[Value]) -> Self;
    /// Reads one literal per output (named by `names`, in order) into values.
    fn values_from_literals(
        names: &[&str],
        literals: &[Literal],
    ) -> Result<Vec<Value>, ConversionError>;
    /// Writes one value per output as a literal.
    fn literals_of(values: &[Value]) -> Vec<Literal>;
    /// Whether the outputs can hold files or directories.
    const HAS_BLOBS: bool;
    /// Hands each file and directory in the outputs to `f`.
    fn visit_blobs<'a>(&'a mut self, f: &mut dyn FnMut(super::BlobRef<'a>));
}

impl<T: FlyteType> Outputs for T {
    const ARITY: usize = 1;
    type Names = [&'static str; 1];
    fn types() -> Vec<LiteralType> {
        vec![T::literal_type()]
    }
    fn into_values(self) -> Vec<Value> {
        vec![into_value(self)]
    }
    fn from_values(values: &[Value]) -> Self {
        downcast_value(&values[0])
    }
    fn values_from_literals(
        names: &[&str],
        literals: &[Literal],
    ) -> Result<Vec<Value>, ConversionError> {
        Ok(vec![decode::<T>(names[0], &literals[0])?])
    }
    fn literals_of(values: &[Value]) -> Vec<Literal> {
        vec![encode::<T>(&values[0])]
    }
    const HAS_BLOBS: bool = T::HAS_BLOBS;
    fn visit_blobs<'a>(&'a mut self, f: &mut dyn FnMut(super::BlobRef<'a>)) {
        FlyteType::visit_blobs(self, f)
    }
}

impl Inputs for () {
    const ARITY: usize = 0;
    type Names = [&'static str; 0];
    fn types() -> Vec<LiteralType> {
        Vec::new()
    }
    fn into_values(self) -> Vec<Value> {
        Vec::new()
    }
    fn from_values(_: &[Value]) -> Self {}
    fn values_from_literals(_: &[&str], _: &[Literal]) -> Result<Vec<Value>, ConversionError> {
        Ok(Vec::new())
    }
    fn literals_of(_: &[Value]) -> Vec<Literal> {
        Vec::new()
    }
    fn value_from_literal(index: usize, _: &str, _: &Literal) -> Result<Value, ConversionError> {
        panic!("no input number {index}: there are no inputs")
    }
}

impl Outputs for () {
    const ARITY: usize = 0;
    type Names = [&'static str; 0];
    fn types() -> Vec<LiteralType> {
        Vec::new()
    }
    fn into_values(self) -> Vec<Value> {
        Vec::new()
    }
    fn from_values(_: &[Value]) -> Self {}
    fn values_from_literals(_: &[&str], _: &[Literal]) -> Result<Vec<Value>, ConversionError> {
        Ok(Vec::new())
    }
    fn literals_of(_: &[Value]) -> Vec<Literal> {
        Vec::new()
    }
    const HAS_BLOBS: bool = false;
    fn visit_blobs<'a>(&'a mut self, _: &mut dyn FnMut(super::BlobRef<'a>)) {}
}

/// The methods `Inputs` and `Outputs` share for a tuple of [`FlyteType`]s.
macro_rules! tuple_methods {
    ($n:expr; $($t:ident $i:tt),+) => {
        const ARITY: usize = $n;
        type Names = [&'static str; $n];
        fn types() -> Vec<LiteralType> {
            vec![$($t::literal_type()),+]
        }
        fn into_values(self) -> Vec<Value> {
            vec![$(into_value(self.$i)),+]
        }
        fn from_values(values: &[Value]) -> Self {
            ($(downcast_value::<$t>(&values[$i]),)+)
        }
        fn values_from_literals(names: &[&str], literals: &[Literal]) -> Result<Vec<Value>, ConversionError> {
            Ok(vec![$(decode::<$t>(names[$i], &literals[$i])?),+])
        }
        fn literals_of(values: &[Value]) -> Vec<Literal> {
            vec![$(encode::<$t>(&values[$i])),+]
        }
    };
}

macro_rules! tuples {
    ($n:expr; $($t:ident $b:ident $v:ident $i:tt),+) => {
        impl<$($t: FlyteType),+> Inputs for ($($t,)+) {
            tuple_methods!($n; $($t $i),+);
            fn value_from_literal(index: usize, name: &str, literal: &Literal) -> Result<Value, ConversionError> {
                match index {
                    $($i => decode::<$t>(name, literal),)+
                    _ => panic!("no input number {index}: there are {}", $n),
                }
            }
        }
    };
}

macro_rules! output_tuples {
    // A one-element tuple is not an output shape: a single output is written `T`.
    ($n:expr; $t:ident $b:ident $v:ident $i:tt) => {};
    ($n:expr; $($t:ident $b:ident $v:ident $i:tt),+) => {
        impl<$($t: FlyteType),+> Outputs for ($($t,)+) {
            tuple_methods!($n; $($t $i),+);
            const HAS_BLOBS: bool = false $(|| $t::HAS_BLOBS)+;
            fn visit_blobs<'a>(&'a mut self, f: &mut dyn FnMut(super::BlobRef<'a>)) {
                $(FlyteType::visit_blobs(&mut self.$i, f);)+
            }
        }
    };
}

for_each_arity!(tuples);
for_each_arity!(output_tuples);
