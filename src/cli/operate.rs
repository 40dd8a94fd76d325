//! Operating executions on a cluster from this program (feature `remote`): listing
//! them, their nodes, stopping, relaunching and recovering them, answering their
//! gates, turning launch plans on and off.

use std::io::Write;

use clap::{Args, Subcommand};
use flytekit_core::remote::{
    ExecutionQuery, NodeExecutionIdentifier, NodeRun, Phase, Remote, WorkflowExecutionIdentifier,
};
use flytekit_core::types::{Literal, human_duration, literal_from_text};

use super::remote::ConnectArgs;
use super::{App, CliError, console};

/// The commands that operate executions on a cluster.
#[derive(Subcommand)]
pub(super) enum OperateCommand {
    /// Recent executions as a table (name, launch plan, phase, started, duration),
    /// newest first.
    Executions(ExecutionsArgs),
    /// Stop a running execution.
    Terminate(TerminateArgs),
    /// Run an execution again with the same inputs, under a new name.
    Relaunch(ExecutionArgs),
    /// Run a failed execution again, reusing the outputs of the nodes that succeeded
    /// (flyteadmin's recover).
    Recover(ExecutionArgs),
    /// Turn a registered launch plan (its schedule) on or off.
    #[command(subcommand)]
    Launchplan(LaunchPlanCommand),
    /// The signals (gates) an execution waits on, and their values.
    Signals(ExecutionArgs),
    /// Give a gate its value, read by the gate's type.
    Signal(SignalArgs),
    /// Approve an approval gate.
    Approve(GateArgs),
    /// Reject an approval gate (the execution fails there).
    Reject(GateArgs),
    /// Run a cluster node's task here, on the inputs it had there.
    Debug(super::debug::DebugArgs),
}

/// `executions`' arguments.
#[derive(Args)]
pub(super) struct ExecutionsArgs {
    /// Only executions of this workflow (its full name).
    #[arg(long)]
    workflow: Option<String>,
    /// Only executions in this phase (RUNNING, SUCCEEDED, FAILED, ...).
    #[arg(long)]
    phase: Option<Phase>,
    /// How many, newest first.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[command(flatten)]
    connect: ConnectArgs,
}

/// An execution's name, and where flyteadmin is.
#[derive(Args)]
pub(super) struct ExecutionArgs {
    /// The execution's name.
    execution: String,
    #[command(flatten)]
    connect: ConnectArgs,
}

/// `terminate`'s arguments.
#[derive(Args)]
pub(super) struct TerminateArgs {
    /// The execution's name.
    execution: String,
    /// Why, as the console shows it.
    #[arg(long, default_value = "terminated from the command line")]
    cause: String,
    #[command(flatten)]
    connect: ConnectArgs,
}

/// `launchplan`'s actions.
#[derive(Subcommand)]
pub(super) enum LaunchPlanCommand {
    /// Make a registered launch plan active: its schedule runs.
    Activate(LaunchPlanArgs),
    /// Make it inactive: its schedule stops.
    Deactivate(LaunchPlanArgs),
}

/// A launch plan on the cluster.
#[derive(Args)]
pub(super) struct LaunchPlanArgs {
    /// The launch plan's name.
    name: String,
    /// Its version (default: the newest registered).
    #[arg(long)]
    version: Option<String>,
    #[command(flatten)]
    connect: ConnectArgs,
}

/// `signal`'s arguments.
#[derive(Args)]
pub(super) struct SignalArgs {
    /// The execution's name.
    execution: String,
    /// The gate's name.
    name: String,
    /// Its value, read by the gate's type as `run --signal` reads it.
    value: String,
    #[command(flatten)]
    connect: ConnectArgs,
}

/// `approve`'s and `reject`'s arguments.
#[derive(Args)]
pub(super) struct GateArgs {
    /// The execution's name.
    execution: String,
    /// The approval gate's name.
    name: String,
    #[command(flatten)]
    connect: ConnectArgs,
}

impl App {
    /// Runs one of the [`OperateCommand`]s.
    pub(super) async fn operate(
        &self,
        command: OperateCommand,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), CliError> {
        match command {
            OperateCommand::Executions(a) => self.executions(a, out).await,
            OperateCommand::Terminate(a) => self.terminate(a, out).await,
            OperateCommand::Relaunch(a) => self.relaunch(a, false, out).await,
            OperateCommand::Recover(a) => self.relaunch(a, true, out).await,
            OperateCommand::Launchplan(c) => self.set_launch_plan_state(c, out).await,
            OperateCommand::Signals(a) => self.signals(a, out).await,
            OperateCommand::Signal(a) => {
                self.set_signal(&a.connect, &a.execution, &a.name, &a.value, out)
                    .await
            }
            OperateCommand::Approve(a) => {
                self.set_signal(&a.connect, &a.execution, &a.name, "true", out)
                    .await
            }
            OperateCommand::Reject(a) => {
                self.set_signal(&a.connect, &a.execution, &a.name, "false", out)
                    .await
            }
            OperateCommand::Debug(a) => self.debug(a, out, err).await,
        }
    }

    /// `executions`: the newest executions as a table.
    pub(super) async fn executions(
        &self,
        args: ExecutionsArgs,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let remote = Remote::connect(args.connect.config()?).await?;
        let query = ExecutionQuery {
            workflow: args.workflow,
            phase: args.phase,
            limit: args.limit,
        };
        let (project, domain) = (args.connect.project(), args.connect.domain());
        let found = remote.executions(project, domain, &query).await?;
        let rows: Vec<[String; 5]> = found
            .iter()
            .map(|e| {
                [
                    e.id.name.clone(),
                    if e.launch_plan.is_empty() {
                        e.workflow.clone()
                    } else {
                        e.launch_plan.clone()
                    },
                    e.phase.to_string(),
                    e.started_at
                        .or(e.created_at)
                        .map(timestamp)
                        .unwrap_or_default(),
                    e.duration.map(human_duration).unwrap_or_default(),
                ]
            })
            .collect();
        let head = ["NAME", "LAUNCH PLAN", "PHASE", "STARTED", "DURATION"];
        table(&head, &rows, out).map_err(console)
    }

    /// `terminate`.
    pub(super) async fn terminate(
        &self,
        args: TerminateArgs,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let remote = Remote::connect(args.connect.config()?).await?;
        let id = args.connect.execution(&args.execution);
        remote.terminate(&id, &args.cause).await?;
        writeln!(out, "execution {}: terminating ({})", id.name, args.cause).map_err(console)
    }

    /// `relaunch` (same inputs, new name) and `recover` (reuse what succeeded).
    pub(super) async fn relaunch(
        &self,
        args: ExecutionArgs,
        recover: bool,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let remote = Remote::connect(args.connect.config()?).await?;
        let id = args.connect.execution(&args.execution);
        let made = if recover {
            remote.recover(&id, "").await?
        } else {
            remote.relaunch(&id, "").await?
        };
        let how = if recover { "recovered" } else { "relaunched" };
        writeln!(
            out,
            "execution {} ({how} from {}): {}",
            made.name,
            id.name,
            remote.console_url(&made)
        )
        .map_err(console)
    }

    /// `launchplan activate|deactivate`.
    pub(super) async fn set_launch_plan_state(
        &self,
        command: LaunchPlanCommand,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let (args, active) = match command {
            LaunchPlanCommand::Activate(a) => (a, true),
            LaunchPlanCommand::Deactivate(a) => (a, false),
        };
        let remote = Remote::connect(args.connect.config()?).await?;
        let (project, domain) = (args.connect.project(), args.connect.domain());
        let id = match &args.version {
            Some(version) => flytekit_core::idl::core::Identifier {
                resource_type: flytekit_core::idl::core::ResourceType::LaunchPlan as i32,
                project: project.to_string(),
                domain: domain.to_string(),
                name: args.name.clone(),
                version: version.clone(),
            },
            None => {
                remote
                    .latest_launch_plan(project, domain, &args.name)
                    .await?
            }
        };
        remote.set_active(&id, active).await?;
        let state = if active { "active" } else { "inactive" };
        writeln!(
            out,
            "launch plan {} version {}: {state}",
            id.name, id.version
        )
        .map_err(console)
    }

    /// `signals`: the gates an execution has asked for, and their values.
    pub(super) async fn signals(
        &self,
        args: ExecutionArgs,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let remote = Remote::connect(args.connect.config()?).await?;
        let id = args.connect.execution(&args.execution);
        let mut rows = Vec::new();
        for s in remote.signals(&id).await? {
            let ty = match &s.ty {
                Some(t) => flytekit_core::idl::literal_type_from_idl(t)?.to_string(),
                None => String::new(),
            };
            let value = match &s.value {
                Some(v) => flytekit_core::idl::literal_from_idl(v)?.to_string(),
                None => "(waiting)".to_string(),
            };
            rows.push([s.name, ty, value]);
        }
        table(&["SIGNAL", "TYPE", "VALUE"], &rows, out).map_err(console)
    }

    /// `signal`, `approve` and `reject`: a gate's value, read by its type.
    pub(super) async fn set_signal(
        &self,
        connect: &ConnectArgs,
        execution: &str,
        name: &str,
        value: &str,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let remote = Remote::connect(connect.config()?).await?;
        let id = connect.execution(execution);
        let signals = remote.signals(&id).await?;
        let Some(gate) = signals.iter().find(|s| s.name == name) else {
            let known: Vec<&str> = signals.iter().map(|s| s.name.as_str()).collect();
            return Err(CliError::Input {
                input: name.to_string(),
                reason: format!(
                    "execution {} waits on no such signal (it has: {})",
                    id.name,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
                source: None,
            });
        };
        let ty = match &gate.ty {
            Some(t) => flytekit_core::idl::literal_type_from_idl(t)?,
            None => {
                flytekit_core::types::LiteralType::Simple(flytekit_core::types::SimpleType::Boolean)
            }
        };
        let literal: Literal = literal_from_text(&ty, value).map_err(|e| CliError::Input {
            input: name.to_string(),
            reason: format!("not a {ty}"),
            source: Some(Box::new(e)),
        })?;
        remote
            .set_signal(&id, name, flytekit_core::idl::literal(&literal))
            .await?;
        writeln!(out, "execution {}: signal {name} = {literal}", id.name).map_err(console)
    }

    /// `fetch --nodes`: each node's phase, attempts, duration, error and logs,
    /// children indented under their parent.
    pub(super) async fn print_nodes(
        &self,
        remote: &Remote,
        id: &WorkflowExecutionIdentifier,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let nodes = remote.nodes(id).await?;
        print_node_tree(&nodes, 0, out).map_err(console)
    }

    /// `fetch --report FILE`: the run report of a remote execution.
    pub(super) async fn remote_report(
        &self,
        remote: &Remote,
        id: &WorkflowExecutionIdentifier,
        file: &std::path::Path,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let found = remote.executions_workflow(id).await?;
        let Some(workflow) = self.registry.find_workflow(&found) else {
            return Err(CliError::Input {
                input: "--report".to_string(),
                reason: format!(
                    "execution {} runs workflow `{found}`, which this program does not have: the report draws its graph from it",
                    id.name
                ),
                source: None,
            });
        };
        let written = remote.write_report(id, workflow.spec(), file).await?;
        writeln!(out, "report: {}", written.display()).map_err(console)
    }

    /// `fetch --node ID`: one node's inputs and outputs, as `run` prints values.
    pub(super) async fn print_node_data(
        &self,
        remote: &Remote,
        id: &WorkflowExecutionIdentifier,
        node: &str,
        out: &mut dyn Write,
    ) -> Result<(), CliError> {
        let node_id = NodeExecutionIdentifier {
            node_id: node.to_string(),
            execution_id: Some(id.clone()),
        };
        let (inputs, outputs) = remote.node_data(&node_id).await?;
        for (title, map) in [("inputs", inputs), ("outputs", outputs)] {
            writeln!(out, "{title}:").map_err(console)?;
            let mut names: Vec<&String> = map.literals.keys().collect();
            names.sort();
            for name in names {
                let value = flytekit_core::idl::literal_from_idl(&map.literals[name])?;
                writeln!(out, "  {name} = {value}").map_err(console)?;
            }
        }
        Ok(())
    }
}

fn print_node_tree(nodes: &[NodeRun], depth: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let pad = "  ".repeat(depth);
    for node in nodes {
        let task = node
            .attempts
            .last()
            .and_then(|a| a.task.as_ref())
            .map(|t| format!("  {}", t.name))
            .unwrap_or_default();
        let took = node.duration.map(human_duration).unwrap_or_default();
        writeln!(
            out,
            "{pad}{}  {}  {took}  {} attempt(s){task}",
            node.id,
            node.phase,
            node.attempts.len()
        )?;
        if let Some(e) = &node.error {
            writeln!(out, "{pad}  error: {e}")?;
        }
        for a in &node.attempts {
            let took = a.duration.map(human_duration).unwrap_or_default();
            writeln!(out, "{pad}  attempt {}: {}  {took}", a.retry + 1, a.phase)?;
            if let Some(e) = &a.error {
                writeln!(out, "{pad}    error: {e}")?;
            }
            for (name, uri) in &a.logs {
                writeln!(out, "{pad}    log {name}: {uri}")?;
            }
        }
        print_node_tree(&node.children, depth + 1, out)?;
    }
    Ok(())
}

/// A time as RFC 3339 in UTC, to the second.
fn timestamp(t: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// Rows under a header, each column as wide as its widest cell.
fn table<const N: usize>(
    head: &[&str; N],
    rows: &[[String; N]],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut widths = head.map(str::len);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(head.to_vec()))?;
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}
