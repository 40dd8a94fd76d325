//! `list` and `graph`: what a program holds, and a workflow's call graph.

use std::io::Write;

use super::{App, CliError};

#[derive(Clone, Copy, clap::ValueEnum)]
pub(super) enum GraphFormat {
    Mermaid,
    Dot,
}

impl App {
    /// `graph`: the call graph of a workflow (or a launch plan's) as Mermaid or dot.
    pub(super) fn graph(
        &self,
        workflow: &str,
        format: GraphFormat,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let wf = self.workflow_named(workflow)?;
        let text = match format {
            GraphFormat::Mermaid => flytekit_core::workflow::render::mermaid(wf.spec()),
            GraphFormat::Dot => flytekit_core::workflow::render::dot(wf.spec()),
        };
        write!(out, "{text}").map_err(super::console)
    }

    pub(super) fn workflow_named(
        &self,
        name: &str,
    ) -> Result<&'static dyn flytekit_core::workflow::DynWorkflow, CliError> {
        // A launch plan's name stands for its workflow (the unknown-name error lists
        // both kinds).
        self.registry
            .find_workflow(name)
            .or_else(|| self.registry.find_launch_plan(name).map(|p| p.workflow))
            .or_else(|| {
                self.registry
                    .find_task_named(name)
                    .map(flytekit_core::workflow::task_workflow)
            })
            .ok_or_else(|| self.unknown(name))
    }

    pub(super) fn unknown(&self, name: &str) -> CliError {
        let mut known: Vec<&str> = self
            .registry
            .workflows()
            .iter()
            .map(|w| w.spec().name.as_str())
            .chain(self.registry.launch_plans().iter().map(|p| p.name.as_str()))
            .chain(self.registry.tasks().iter().map(|t| t.name()))
            .collect();
        known.sort_unstable();
        known.dedup();
        // People type the short name (`nightly` for `pipeline.nightly`).
        let short = known.iter().map(|k| k.rsplit('.').next().unwrap_or(k));
        let suggestion =
            flytekit_core::types::did_you_mean(name, short.chain(known.iter().copied()));
        CliError::UnknownWorkflow {
            name: name.to_string(),
            suggestion,
            known: known.join(", "),
        }
    }

    /// `list`: one line per entity, with its interface.
    pub(super) fn listing(&self) -> String {
        use std::fmt::Write as _;
        fn vars(vs: &[flytekit_core::interface::Variable]) -> String {
            vs.iter()
                .map(|v| format!("{}: {}", v.name, v.ty))
                .collect::<Vec<_>>()
                .join(", ")
        }
        let mut out = String::from("tasks:\n");
        for t in self.registry.tasks() {
            let i = t.interface();
            let _ = writeln!(
                out,
                "  {} [{}] ({}) -> ({})",
                t.name(),
                t.task_type(),
                vars(&i.inputs),
                vars(&i.outputs)
            );
        }
        out.push_str("workflows:\n");
        for w in self.registry.workflows() {
            let spec = w.spec();
            let _ = writeln!(
                out,
                "  {} ({}) -> ({}), {} nodes",
                spec.name,
                vars(&spec.interface.inputs),
                vars(&spec.interface.outputs),
                spec.nodes.len()
            );
        }
        out.push_str("launch plans:\n");
        for p in self.registry.launch_plans() {
            let fixed: Vec<&str> = p.fixed.keys().map(String::as_str).collect();
            let _ = writeln!(
                out,
                "  {} -> {}{}",
                p.name,
                p.workflow.spec().name,
                if fixed.is_empty() {
                    String::new()
                } else {
                    format!(" (fixed: {})", fixed.join(", "))
                }
            );
        }
        out
    }
}
