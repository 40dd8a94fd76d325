//! `debug EXECUTION NODE`: a cluster node's task run here, on the inputs it had
//! there (feature `remote`). The node's `inputs.pb` (an attempt's, with `--attempt`)
//! is read where Flyte keeps it, and the same task of this program runs on it as a
//! local run runs a task alone: the task's environment, secrets looked up on this
//! machine, a fresh cache-free run. What it returned, or how it failed, is printed.

use std::io::Write;

use clap::Args;
use flytekit_core::execution::RunOptions;
use flytekit_core::idl::core::LiteralMap;
use flytekit_core::remote::{NodeRun, Remote};
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
    /// For a map task's node: the item to run (0 for the first), on that item of
    /// each list the node was given.
    #[arg(long)]
    item: Option<u32>,
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
        let target = self
            .debug_target(&remote, &id, node, args.attempt, args.item)
            .await?;
        let task = target.task;
        let task_name = task.name().to_string();
        let inputs = read_inputs(&remote, &id, node, target.input_uri).await?;
        let workflow = flytekit_core::workflow::task_workflow(task);
        let spec = workflow.spec();
        let bytes = prost::Message::encode_to_vec(&inputs);
        let literals = flytekit_core::idl::inputs::read_inputs(&bytes, &spec.interface, args.item)
            .map_err(|e| {
                let why = match e {
                    flytekit_core::idl::inputs::InputsError::Malformed(m)
                    | flytekit_core::idl::inputs::InputsError::Mismatch(m) => m,
                };
                CliError::Debug(format!(
                    "the inputs of node `{}` are not task `{task_name}`'s: {why}",
                    node.id
                ))
            })?;
        writeln!(
            err,
            "running task {task_name} here on the inputs of {}/{}{}",
            id.name, node.id, target.which
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

    /// What to run for `node`: the task of the attempt asked for (`--attempt`, else
    /// the last) or, for a node with no attempts (a map task's array node, a node
    /// that has not run), the task the workflow's spec gives it. A map task's node
    /// needs `--item`; the task must be in this program.
    async fn debug_target<'n>(
        &self,
        remote: &Remote,
        id: &flytekit_core::remote::WorkflowExecutionIdentifier,
        node: &'n NodeRun,
        attempt: Option<u32>,
        item: Option<u32>,
    ) -> Result<Target<'n>, CliError> {
        let fail = |m: String| Err(CliError::Debug(m));
        let chosen = match attempt {
            Some(n) => match node.attempts.iter().find(|a| a.retry + 1 == n) {
                Some(a) => Some(a),
                None => {
                    return fail(format!(
                        "node `{}` has {} attempt(s); there is no attempt {n}",
                        node.id,
                        node.attempts.len()
                    ));
                }
            },
            None => node.attempts.last(),
        };
        let (task_id, mapped) = match chosen.and_then(|a| a.task.clone()) {
            Some(task) => (task, false),
            None => match remote.node_task(id, &node.id).await? {
                Some(found) => found,
                None => {
                    return fail(format!(
                        "node `{}` runs no task (a branch, gate or workflow node): debug one of its children",
                        node.id
                    ));
                }
            },
        };
        match (mapped, item) {
            (true, None) => {
                return fail(format!(
                    "node `{}` maps task `{}` over lists: say which item with --item N (0 for the first)",
                    node.id, task_id.name
                ));
            }
            (false, Some(_)) => {
                return fail(format!(
                    "node `{}` is not a map task's node: --item is for those",
                    node.id
                ));
            }
            _ => {}
        }
        let Some(task) = self.registry.find_task_named(&task_id.name) else {
            return fail(format!(
                "node `{}` ran task `{}`, which this program does not have (a task of another program or version?)",
                node.id, task_id.name
            ));
        };
        let which = match (chosen, item) {
            (_, Some(i)) => format!(" item {i}"),
            (Some(a), None) => format!(" attempt {}", a.retry + 1),
            (None, None) => String::new(),
        };
        Ok(Target {
            task,
            input_uri: chosen.map(|a| a.input_uri.as_str()).unwrap_or_default(),
            which,
        })
    }
}

/// What `debug` runs.
struct Target<'n> {
    task: &'static dyn DynTask,
    /// The attempt's inputs, when it names them.
    input_uri: &'n str,
    /// Which attempt or item, for the message.
    which: String,
}

/// The inputs the attempt had: its `inputs.pb` where Flyte keeps it (offloaded
/// literals in it read from their objects), else what flyteadmin sends for the node.
async fn read_inputs(
    remote: &Remote,
    id: &flytekit_core::remote::WorkflowExecutionIdentifier,
    node: &NodeRun,
    attempt_uri: &str,
) -> Result<LiteralMap, CliError> {
    let uri = [attempt_uri, node.input_uri.as_str()]
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
