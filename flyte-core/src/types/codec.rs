//! [`Codec`]: an entity's literal conversions with its Rust types erased.

use super::io::{ConversionError, Inputs, Outputs};
use super::{Literal, Value};

/// Reads and writes the literals of an entity's inputs and outputs without knowing
/// their Rust types: a table of plain function pointers, one per pair of input and
/// output types, shared by every task and workflow with that pair.
pub struct Codec {
    inputs_from: ReadFn,
    inputs_to: WriteFn,
    outputs_from: ReadFn,
    outputs_to: WriteFn,
}

/// Reads named literals into values.
type ReadFn = fn(&[&str], &[Literal]) -> Result<Vec<Value>, ConversionError>;
/// Writes values as literals.
type WriteFn = fn(&[Value]) -> Vec<Literal>;

impl Codec {
    /// The table for inputs `I` and outputs `O`.
    pub fn of<I: Inputs, O: Outputs>() -> &'static Codec {
        &const {
            Codec {
                inputs_from: I::values_from_literals,
                inputs_to: I::literals_of,
                outputs_from: O::values_from_literals,
                outputs_to: O::literals_of,
            }
        }
    }

    /// Reads one literal per input, in interface order, into values; `names` are the
    /// input names errors report.
    pub fn inputs_from_literals(
        &self,
        names: &[&str],
        literals: &[Literal],
    ) -> Result<Vec<Value>, ConversionError> {
        (self.inputs_from)(names, literals)
    }

    /// Writes input values as one literal per input.
    pub fn inputs_to_literals(&self, values: &[Value]) -> Vec<Literal> {
        (self.inputs_to)(values)
    }

    /// Reads one literal per output, in interface order, into values.
    pub fn outputs_from_literals(
        &self,
        names: &[&str],
        literals: &[Literal],
    ) -> Result<Vec<Value>, ConversionError> {
        (self.outputs_from)(names, literals)
    }

    /// Writes output values as one literal per output.
    pub fn outputs_to_literals(&self, values: &[Value]) -> Vec<Literal> {
        (self.outputs_to)(values)
    }
}
