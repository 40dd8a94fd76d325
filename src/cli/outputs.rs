//! How `run` and `fetch` print a workflow's outputs: `name = value` lines, or one JSON
//! object.

use std::io::Write;

use flytekit_core::types::Literal;

/// How `run` prints the outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    /// `name = value`, one line per output (structs, lists and maps as JSON).
    Text,
    /// `{"name": value, ...}`: every output as JSON on one line.
    Json,
}

/// The outputs as `name = value` lines, or as one JSON object.
pub(super) fn print_outputs(
    spec: &flytekit_core::workflow::WorkflowSpec,
    outputs: &[Literal],
    format: OutputFormat,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let named = spec.interface.outputs.iter().zip(outputs);
    match format {
        OutputFormat::Text => {
            for (var, value) in named {
                writeln!(out, "{} = {value}", var.name)?;
            }
            Ok(())
        }
        OutputFormat::Json => {
            // One object, its keys in the declared order as the text lines have them
            // (serde_json's own map would sort them).
            let fields: Vec<String> = named
                .map(|(var, value)| {
                    let key = serde_json::Value::String(var.name.clone());
                    format!("{key}:{}", value.to_json())
                })
                .collect();
            writeln!(out, "{{{}}}", fields.join(","))
        }
    }
}
