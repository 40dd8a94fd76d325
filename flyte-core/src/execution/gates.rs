//! Gate nodes in a local run: a sleep on tokio's clock (a paused clock makes it
//! instant), and signals and approvals from the run's options, or from a prompt the
//! command line installs when stdin is a terminal. A signal no one gives fails the
//! node at once, naming the signal and how to give it, rather than waiting out its
//! timeout.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::NodeRecord;
use super::NodeStatus;
use super::node::{AttemptFailure, NodeAt, NodeResult};
use crate::task::TaskError;
use crate::types::{FlyteType, Literal, LiteralType, SimpleType, Value, literal_from_text};
use crate::workflow::gate::{GateKind, GateSpec};

/// A value given for a signal: typed, or text read against the gate's type.
#[derive(Clone, Debug)]
pub(crate) enum SignalValue {
    Literal(Literal),
    Text(String),
}

/// Asks a person for a signal's value: gets the signal's name and type, returns the
/// text typed, or `None` when there is no answer.
pub type SignalPrompt = Arc<dyn Fn(&str, &LiteralType) -> Option<String> + Send + Sync>;

/// The signals a run was given, and how to ask for others.
#[derive(Clone, Default)]
pub(crate) struct Signals {
    pub(crate) given: Arc<HashMap<String, SignalValue>>,
    pub(crate) prompt: Option<SignalPrompt>,
}

impl fmt::Debug for Signals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.given.keys().collect();
        names.sort();
        f.debug_struct("Signals")
            .field("given", &names)
            .field("prompt", &self.prompt.is_some())
            .finish()
    }
}

impl Signals {
    pub(crate) fn insert(&mut self, name: String, value: SignalValue) {
        Arc::make_mut(&mut self.given).insert(name, value);
    }
}

impl NodeAt {
    /// Runs a gate node; reported to the run's observers like a task node.
    pub(super) async fn run_gate(&self, gate: &GateSpec, inputs: Vec<Value>) -> NodeResult {
        let observers = &self.shared.observers;
        let started = std::time::Instant::now();
        observers.started(&self.path(), "gate");
        let result = self.wait(gate, inputs).await;
        let status = if result.is_ok() {
            NodeStatus::Succeeded
        } else {
            NodeStatus::Failed
        };
        let record = NodeRecord::new(self.path(), "gate", status, 1, started.elapsed());
        observers.finished(match &result {
            Err(message) => record.with_reason(message.clone()),
            Ok(_) => record,
        });
        result.map_err(|message| {
            self.failure(
                "gate",
                AttemptFailure {
                    error: TaskError::permanent(message),
                    attempt: 1,
                    max_attempts: 1,
                },
            )
        })
    }

    async fn wait(&self, gate: &GateSpec, inputs: Vec<Value>) -> Result<Vec<Value>, String> {
        match &gate.kind {
            GateKind::Sleep(d) => {
                tracing::info!(
                    node = self.id(),
                    "sleeping {}",
                    humantime::format_duration(*d)
                );
                tokio::time::sleep(*d).await;
                Ok(Vec::new())
            }
            GateKind::Signal { id, ty } => {
                let literal = self.signal(id, ty, gate).await?;
                let value = (gate.decode)(&literal).map_err(|e| format!("signal `{id}`: {e}"))?;
                Ok(vec![value])
            }
            GateKind::Approve { id, .. } => {
                let yes_no = LiteralType::Simple(SimpleType::Boolean);
                let literal = self.signal(id, &yes_no, gate).await?;
                match bool::from_literal(&literal) {
                    Ok(true) => Ok(inputs),
                    Ok(false) => Err(format!("`{id}` was not approved")),
                    Err(e) => Err(format!("approval `{id}`: {e}")),
                }
            }
        }
    }

    /// The value of signal `id`: given to the run, else asked for, within the gate's
    /// timeout.
    async fn signal(&self, id: &str, ty: &LiteralType, gate: &GateSpec) -> Result<Literal, String> {
        let signals = &self.shared.signals;
        let text = match signals.given.get(id) {
            Some(SignalValue::Literal(l)) => return Ok(l.clone()),
            Some(SignalValue::Text(t)) => t.clone(),
            None => {
                let Some(prompt) = signals.prompt.clone() else {
                    return Err(format!(
                        "no value for signal `{id}` ({ty}): give it with `RunOptions::signal` or `run --signal {id}=VALUE`"
                    ));
                };
                let (name, t) = (id.to_string(), ty.clone());
                let asked = tokio::task::spawn_blocking(move || prompt(&name, &t));
                match tokio::time::timeout(gate.timeout, asked).await {
                    Ok(Ok(Some(text))) => text,
                    Ok(_) => return Err(format!("no value was given for signal `{id}`")),
                    Err(_) => {
                        return Err(format!(
                            "no value for signal `{id}` within {}",
                            humantime::format_duration(gate.timeout)
                        ));
                    }
                }
            }
        };
        literal_from_text(ty, &text).map_err(|e| format!("signal `{id}`: {e}"))
    }
}
