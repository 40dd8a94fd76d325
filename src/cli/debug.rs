//! `debug EXECUTION NODE`: a cluster node's task run here, on the inputs it had
//! there (feature `remote`). The node's `inputs.pb` (an attempt's, with `--attempt`)
//! is read where Flyte keeps it, and the same task of this program runs on it as a
//! local run runs a task alone: the task's environment, secrets looked up on this
//! machine, a fresh cache-free run. What it returned, or how it failed, is printed.

use std::io::Write;

use clap::Args;
use flytekit_core::execution::RunOptions;
use flytekit_core::idl::core::LiteralMap;
use flytekit_core::remote::{AttemptRun, NodeRun, Remote};
use flytekit_core::workflow::DynTask;

use super::remote::ConnectArgs;
use super::{App, CliError, console};

/// `debug`'s arguments.
#[derive(Args)]
pub(super) struct DebugArgs {
    /// The execution's name.
    execution: String,
    /// The node's id (`n0`; a child of a dynamic task, subworkflow or map node as
    /// `fetch --nodes` lists it).
    node: String,
    /// The attempt whose inputs to use (1 for the first; default: the last).
    #[arg(long)]
    attempt: Option<u32>,
    /// Stop before the task's body: print this process's id and wait for Enter, so a
    /// debugger can attach and set breakpoints first.
    #[arg(long = "break")]
    pause: bool,
    #[command(flatten)]
    connect: ConnectArgs,
}

fn find<'a>(nodes: &'a [NodeRun], id: &str) -> Option<&'a NodeRun> {
    nodes.iter().find_map(|n| {
        if n.id == id {
            Some(n)
        } else {
            find(&n.children, id)
        }
    })
}

fn all_ids(nodes: &[NodeRun], out: &mut Vec<String>) {
    for n in nodes {
        out.push(n.id.clone());
        all_ids(&n.children, out);
    }
}

impl App {
    /// `debug`: the node's task, here, on its cluster inputs.
    pub(super) async fn debug(
        &self,
        args: DebugArgs,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), CliError> {
        let remote = Remote::connect(args.connect.config()?).await?;
        let id = args.connect.execution(&args.execution);
        let nodes = remote.nodes(&id).await?;
        let Some(node) = find(&nodes, &args.node) else {
            let mut ids = Vec::new();
            all_ids(&nodes, &mut ids);
            return Err(CliError::Debug(format!(
                "execution {} has no node `{}` (it has: {})",
                id.name,
                args.node,
                ids.join(", ")
            )));
        };
        let (attempt, task) = self.attempt_and_task(node, args.attempt)?;
        let task_name = task.name().to_string();
        let inputs = read_inputs(&remote, &id, node, attempt).await?;
        let workflow = flytekit_core::workflow::task_workflow(task);
        let spec = workflow.spec();
        let mut literals = Vec::new();
        for var in &spec.interface.inputs {
            let literal = inputs.literals.get(&var.name).ok_or_else(|| {
                CliError::Debug(format!(
                    "the inputs of node `{}` have no `{}`: they are not task `{task_name}`'s",
                    node.id, var.name
                ))
            })?;
            literals.push(flytekit_core::idl::literal_from_idl(literal)?);
        }
        writeln!(
            err,
            "running task {task_name} here on the inputs of {}/{} attempt {}",
            id.name,
            node.id,
            attempt.retry + 1
        )
        .map_err(console)?;
        for (var, literal) in spec.interface.inputs.iter().zip(&literals) {
            writeln!(err, "  {} = {literal}", var.name).map_err(console)?;
        }
        if args.pause {
            writeln!(
                err,
                "stopped before the task: attach a debugger to process {} (`rust-gdb -p {0}`), then press Enter",
                std::process::id()
            )
            .map_err(console)?;
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        }
        let options = RunOptions::default().no_cache();
        let outputs =
            flytekit_core::execution::run_workflow_literals(workflow, &literals, &options)
                .await
                .map_err(|e| CliError::Run(Box::new(e)))?;
        super::outputs::print_outputs(spec, &outputs, super::outputs::OutputFormat::Text, out)
            .map_err(console)
    }

    /// The attempt of `node` to debug (`--attempt`, else the last) and the task it
    /// ran, which this program must have.
    fn attempt_and_task<'n>(
        &self,
        node: &'n NodeRun,
        wanted: Option<u32>,
    ) -> Result<(&'n AttemptRun, &'static dyn DynTask), CliError> {
        let attempt = match wanted {
            Some(n) => node
                .attempts
                .iter()
                .find(|a| a.retry + 1 == n)
                .ok_or_else(|| {
                    CliError::Debug(format!(
                        "node `{}` has {} attempt(s); there is no attempt {n}",
                        node.id,
                        node.attempts.len()
                    ))
                })?,
            None => node.attempts.last().ok_or_else(|| {
                CliError::Debug(format!(
                    "node `{}` ran no task (a branch, gate or workflow node): debug one of its children",
                    node.id
                ))
            })?,
        };
        let task_name = attempt
            .task
            .as_ref()
            .map(|t| t.name.clone())
            .unwrap_or_default();
        let Some(task) = self.registry.find_task_named(&task_name) else {
            return Err(CliError::Debug(format!(
                "node `{}` ran task `{task_name}`, which this program does not have (a task of another program or version?)",
                node.id
            )));
        };
        Ok((attempt, task))
    }
}

/// The inputs the attempt had: its `inputs.pb` where Flyte keeps it (offloaded
/// literals in it read from their objects), else what flyteadmin sends for the node.
async fn read_inputs(
    remote: &Remote,
    id: &flytekit_core::remote::WorkflowExecutionIdentifier,
    node: &NodeRun,
    attempt: &flytekit_core::remote::AttemptRun,
) -> Result<LiteralMap, CliError> {
    let uri = [&attempt.input_uri, &node.input_uri]
        .into_iter()
        .find(|u| !u.is_empty());
    if let Some(uri) = uri {
        return Ok(remote.read_literal_map(uri).await?);
    }
    let node_id = flytekit_core::remote::NodeExecutionIdentifier {
        node_id: node.id.clone(),
        execution_id: Some(id.clone()),
    };
    Ok(remote.node_data(&node_id).await?.0)
}
