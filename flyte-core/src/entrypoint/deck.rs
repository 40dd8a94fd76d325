//! `deck.html` of a task with `#[task(enable_deck)]`: the decks its attempt wrote,
//! then its inputs and outputs, written next to `outputs.pb` as flytekit does.

use crate::data::{FileAccess, join_prefix};
use crate::task::{Deck, DynTask, ExecutionContext, deck_page, escape_html};
use crate::types::Value;

/// Writes the attempt's decks to `<output_prefix>/deck.html` when the task enables
/// decks. A deck that cannot be written is logged: the task's result stands.
pub(super) async fn write_deck(
    task: &'static dyn DynTask,
    ctx: &ExecutionContext,
    inputs: &[Value],
    outputs: Option<&[Value]>,
    file_access: &FileAccess,
    output_prefix: &str,
) {
    let mut decks = ctx.take_decks();
    if !task.metadata().enable_deck {
        if !decks.is_empty() {
            tracing::warn!(
                task = task.name(),
                "the task wrote decks but does not enable them (`#[task(enable_deck)]`); no deck.html is written"
            );
        }
        return;
    }
    let interface = task.interface();
    let codec = task.codec();
    decks.push(values_deck(
        "Inputs",
        &interface.input_names(),
        &codec.inputs_to_literals(inputs),
    ));
    if let Some(outputs) = outputs {
        decks.push(values_deck(
            "Outputs",
            &interface.output_names(),
            &codec.outputs_to_literals(outputs),
        ));
    }
    let page = deck_page(task.name(), &decks);
    let location = join_prefix(output_prefix, "deck.html");
    if let Err(e) = file_access.put(&location, page.into_bytes()).await {
        tracing::warn!(task = task.name(), "cannot write `{location}`: {e}");
    }
}

/// A deck with a table of names and values (as JSON, as `run` prints them).
fn values_deck(name: &str, names: &[&str], literals: &[crate::types::Literal]) -> Deck {
    let mut html =
        String::from("<table><thead><tr><th>name</th><th>value</th></tr></thead><tbody>");
    for (n, l) in names.iter().zip(literals) {
        html.push_str(&format!(
            "<tr><td>{}</td><td><pre>{}</pre></td></tr>",
            escape_html(n),
            escape_html(&l.to_json().to_string())
        ));
    }
    html.push_str("</tbody></table>");
    Deck {
        name: name.to_string(),
        html,
    }
}
