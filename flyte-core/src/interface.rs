//! Typed interfaces: the ordered, named inputs and outputs of a task or workflow.

use crate::types::{Inputs, LiteralType, Outputs};

/// One named input or output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// The variable's name (a parameter name, `o0`, `o1`, ... or a declared name).
    pub name: String,
    /// Its Flyte type.
    pub ty: LiteralType,
}

/// The inputs and outputs of a task or workflow, in declaration order.
///
/// Order matters: it is the order of the Rust parameters and of the output tuple, and
/// the order the spec shows. So this is a `Vec`, never a hash map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interface {
    /// Inputs, in parameter order.
    pub inputs: Vec<Variable>,
    /// Outputs, in tuple order.
    pub outputs: Vec<Variable>,
}

impl Interface {
    /// Builds the interface of a task whose inputs are `I` and outputs `O`, naming them.
    ///
    /// # Panics
    /// If the number of names differs from the number of inputs or outputs: that is a
    /// mistake in a plugin's code, found the first time its interface is asked for.
    ///
    /// ```
    /// # extern crate flytekit_core as flytekit;
    /// use flytekit::interface::Interface;
    /// let i = Interface::of::<(String,), String>(["path"], ["path"]);
    /// assert_eq!(i.inputs[0].name, "path");
    /// ```
    pub fn of<I: Inputs, O: Outputs>(inputs: I::Names, outputs: O::Names) -> Self {
        Interface {
            inputs: zip(inputs.as_ref(), I::types()),
            outputs: zip(outputs.as_ref(), O::types()),
        }
    }

    /// Like [`Interface::of`], with outputs named as flytekit names them: `o0`, `o1`, ...
    pub fn with_default_outputs<I: Inputs, O: Outputs>(inputs: I::Names) -> Self {
        Self::from_names::<I, O>(inputs.as_ref(), None)
    }

    /// The interface of a function with these parameter names, and output names or
    /// `o0`, `o1`, ..., for generated code, whose names always match the types.
    pub(crate) fn from_names<I: Inputs, O: Outputs>(
        inputs: &[&str],
        outputs: Option<&[&str]>,
    ) -> Self {
        let default: Vec<String>;
        let outputs: Vec<&str> = match outputs {
            Some(names) => names.to_vec(),
            None => {
                default = (0..O::ARITY).map(default_output_name).collect();
                default.iter().map(String::as_str).collect()
            }
        };
        Interface {
            inputs: zip(inputs, I::types()),
            outputs: zip(&outputs, O::types()),
        }
    }

    /// The input names, in order.
    pub fn input_names(&self) -> Vec<&str> {
        self.inputs.iter().map(|v| v.name.as_str()).collect()
    }

    /// The output names, in order.
    pub fn output_names(&self) -> Vec<&str> {
        self.outputs.iter().map(|v| v.name.as_str()).collect()
    }

    /// The position of the input called `name`.
    pub fn input_index(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|v| v.name == name)
    }
}

/// The name flytekit gives output number `i`: `o0`, `o1`, ...
pub fn default_output_name(i: usize) -> String {
    format!("o{i}")
}

fn zip(names: &[&str], types: Vec<LiteralType>) -> Vec<Variable> {
    names
        .iter()
        .zip(types)
        .map(|(name, ty)| Variable {
            name: (*name).to_string(),
            ty,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::SimpleType;

    #[test]
    fn default_outputs_are_numbered() {
        let i = Interface::with_default_outputs::<(i64, f64), (i64, String)>(["a", "b"]);
        let outs: Vec<_> = i.outputs.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(outs, ["o0", "o1"]);
        assert_eq!(i.inputs[1].ty, LiteralType::Simple(SimpleType::Float));
        assert_eq!(i.input_index("b"), Some(1));
    }
}
