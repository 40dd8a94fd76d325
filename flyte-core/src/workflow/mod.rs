//! Workflow graphs: what a `#[workflow]` body builds ([`WorkflowSpec`]: nodes, their
//! input bindings, the workflow's outputs) and the [`Workflow`] trait every workflow
//! value implements.

pub(crate) mod attr;
pub(crate) mod branch;
mod branch_spec;
pub(crate) mod builder;
pub(crate) mod building;
pub(crate) mod condition;
mod draft;
pub(crate) mod dynamic;
mod failure;
pub mod gate;
mod graph;
pub(crate) mod if_guard;
pub(crate) mod launch_plan_node;
pub(crate) mod map;
pub(crate) mod ordering;
mod overrides;
pub(crate) mod promise;
pub(crate) mod task_workflow;

use std::fmt;

pub use attr::{AttrKey, AttrPath, AttrStep};
pub use branch::{Then, ThenWhen, When, WhenStart, when};
pub use branch_spec::{BranchSpec, Case, Fallback};
pub use builder::Done;
pub use condition::{Condition, ConditionTree, Operand};
pub(crate) use failure::FailureInput;
pub use failure::{FailureNode, FailurePolicy};
pub use ordering::NodeRefs;
pub use overrides::NodeOverrides;
pub use promise::Promise;
pub use task_workflow::task_workflow;
pub mod render;
pub use launch_plan_node::{DynLaunchPlan, Signature};
pub use map::{
    AllItems, Bound, MapArg, MapInputs, MapSpec, MapTarget, MapTaskStart, Mappable, SomeItems,
    bound, map_task,
};

// What `#[task]`, `#[workflow]` and `#[dynamic]` expand to calls is public (generated
// code names it) but reached only through `__private_0_1`; here it is the crate's own.
pub(crate) use builder::{IntoBinding, OutputPromises, WorkflowBuilder};
pub(crate) use condition::CmpOp;
pub(crate) use launch_plan_node::LaunchPlanNode;
pub(crate) use promise::Wire;

use crate::interface::Interface;
use crate::task::ConfigError;
pub use crate::task::DynTask;
use crate::types::{Codec, Inputs, Literal, Outputs, Value, write_joined};

/// A workflow: a typed graph of task and subworkflow nodes, built once.
///
/// `#[workflow] fn hello` makes a type `hello` that implements it, with associated
/// functions `hello::run(..)`, `hello::run_with(..)` and `hello::spec()` that take the
/// workflow's inputs as ordinary arguments; `hello {}` is its value, for the calls
/// that take a workflow (`App::workflow(&hello {})`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a workflow",
    label = "expected a workflow",
    note = "a `#[workflow] fn name` is the type `name`, and `name {{}}` its value: write `&name {{}}`"
)]
pub trait Workflow: Send + Sync + 'static {
    /// The inputs, as a tuple in parameter order.
    type Input: Inputs;
    /// The outputs: `()`, one type, or a tuple.
    type Output: Outputs;
    /// The graph, built on first use and kept for the life of the program.
    fn spec(&self) -> &'static WorkflowSpec;
    /// Builds the graph anew by running the body on promises ([`Workflow::spec`]
    /// keeps the first one built).
    fn build(&self) -> WorkflowSpec;
}

/// What a node runs.
#[derive(Clone)]
pub enum Entity {
    /// A task.
    Task(&'static dyn DynTask),
    /// A subworkflow.
    Workflow(&'static dyn DynWorkflow),
    /// A child execution of a launch plan.
    LaunchPlan(&'static dyn DynLaunchPlan),
    /// A task run over each item of a list.
    Map(Box<MapSpec>),
    /// A conditional: runs the sub-graph of the first case whose condition holds.
    Branch(std::sync::Arc<BranchSpec>),
    /// A gate: a sleep, a signal, or an approval.
    Gate(std::sync::Arc<gate::GateSpec>),
}

impl Entity {
    /// The task's or workflow's name (a map node's task).
    pub fn name(&self) -> &str {
        match self {
            Entity::Task(t) => t.name(),
            Entity::Workflow(w) => &w.spec().name,
            Entity::LaunchPlan(p) => p.name(),
            Entity::Map(m) => m.target.name(),
            Entity::Branch(_) => "branch",
            Entity::Gate(g) => g.name(),
        }
    }

    /// What kind of node this is: the task type, `workflow`, or `map:` and the task type.
    pub fn kind(&self) -> String {
        match self {
            Entity::Task(t) => t.task_type().to_string(),
            Entity::Workflow(_) => "workflow".to_string(),
            Entity::LaunchPlan(_) => "launch plan".to_string(),
            Entity::Map(m) => match m.target {
                MapTarget::Task(t) => format!("map:{}", t.task_type()),
                MapTarget::LaunchPlan(_) => "map:launch plan".to_string(),
            },
            Entity::Branch(_) => "branch".to_string(),
            Entity::Gate(_) => "gate".to_string(),
        }
    }

    /// Its interface.
    pub fn interface(&self) -> Interface {
        match self {
            Entity::Task(t) => t.interface(),
            Entity::Workflow(w) => w.spec().interface.clone(),
            Entity::LaunchPlan(p) => p.interface(),
            Entity::Map(m) => m.interface.clone(),
            Entity::Branch(b) => b.interface.clone(),
            Entity::Gate(g) => g.interface(),
        }
    }
}

impl fmt::Debug for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entity::Task(t) => write!(f, "Task({})", t.name()),
            Entity::Workflow(w) => write!(f, "Workflow({})", w.spec().name),
            Entity::LaunchPlan(p) => write!(f, "LaunchPlan({})", p.name()),
            Entity::Map(m) => write!(f, "Map({m:?})"),
            Entity::Branch(b) => write!(f, "Branch({:?})", b.cases),
            Entity::Gate(g) => write!(f, "Gate({:?})", g.kind),
        }
    }
}

/// A workflow with its types erased, as a subworkflow node holds it.
pub trait DynWorkflow: Send + Sync + 'static {
    /// The workflow's graph.
    fn spec(&self) -> &'static WorkflowSpec;
    /// Reads and writes the literals of the workflow's inputs and outputs.
    fn codec(&self) -> &'static Codec;
}

impl<W: Workflow> DynWorkflow for W {
    fn spec(&self) -> &'static WorkflowSpec {
        Workflow::spec(self)
    }
    fn codec(&self) -> &'static Codec {
        Codec::of::<W::Input, W::Output>()
    }
}

/// Where a node input (or a workflow output) gets its value.
#[derive(Clone)]
pub enum Binding {
    /// A workflow input.
    WorkflowInput {
        /// The input's name.
        name: String,
        /// Its position in the workflow's interface.
        index: usize,
    },
    /// An output of another node.
    NodeOutput {
        /// The node's id (`n0`, `n1`, ...).
        node_id: String,
        /// The node's position in [`WorkflowSpec::nodes`].
        node: usize,
        /// The output's name.
        output_name: String,
        /// The output's position.
        output: usize,
    },
    /// A part of another binding's value: a struct field, a list item or a map value
    /// (`summary.max_score`; Flyte's `attr_path` on a promise).
    Attr {
        /// The workflow input or node output it reads from.
        base: Box<Binding>,
        /// The steps into that value.
        path: AttrPath,
    },
    /// A constant computed in the workflow body.
    Constant {
        /// The value in Flyte's terms.
        literal: Literal,
        /// The value itself.
        value: Value,
    },
    /// A list made of other bindings (a fan-in of several nodes' outputs).
    Collection {
        /// The items.
        items: Vec<Binding>,
        /// Builds the list from the items' values.
        collect: promise::CollectFn,
    },
    /// A map made of other bindings.
    Map {
        /// The entries, by key.
        entries: Vec<(String, Binding)>,
        /// Builds the map from the entries' values.
        collect: promise::CollectMapFn,
    },
}

impl Binding {
    /// Adds the positions of the nodes this binding reads from to `out`.
    pub fn upstream_nodes(&self, out: &mut Vec<usize>) {
        match self {
            Binding::NodeOutput { node, .. } => out.push(*node),
            Binding::Attr { base, .. } => base.upstream_nodes(out),
            Binding::Collection { items, .. } => items.iter().for_each(|b| b.upstream_nodes(out)),
            Binding::Map { entries, .. } => entries.iter().for_each(|(_, b)| b.upstream_nodes(out)),
            Binding::WorkflowInput { .. } | Binding::Constant { .. } => {}
        }
    }
}

impl fmt::Debug for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Binding::WorkflowInput { name, .. } => write!(f, "input {name}"),
            Binding::NodeOutput {
                node_id,
                output_name,
                ..
            } => write!(f, "{node_id}.{output_name}"),
            Binding::Attr { base, path } => {
                write!(f, "{base}")?;
                path.iter().try_for_each(|s| write!(f, "{}", s.key))
            }
            Binding::Constant { literal, .. } => write!(f, "{literal}"),
            Binding::Collection { items, .. } => {
                write_joined(f, "[", items, "]", |f, i| write!(f, "{i}"))
            }
            Binding::Map { entries, .. } => {
                write_joined(f, "{", entries, "}", |f, (k, v)| write!(f, "{k:?}: {v}"))
            }
        }
    }
}

/// One input of a node and what feeds it.
#[derive(Clone, Debug)]
pub struct NodeInput {
    /// The input's name in the task's interface.
    pub name: String,
    /// What feeds it.
    pub binding: Binding,
}

/// A node of the graph: one call in the workflow body.
#[derive(Clone, Debug)]
pub struct Node {
    /// `n0`, `n1`, ... in call order; stable across builds.
    pub id: String,
    /// The task or subworkflow it runs.
    pub entity: Entity,
    /// Its inputs, in interface order.
    pub inputs: Vec<NodeInput>,
    /// Positions of the nodes it waits for, ascending.
    pub upstream: Vec<usize>,
    /// `.with_overrides(..)` on its call.
    pub overrides: Option<std::sync::Arc<NodeOverrides>>,
    /// The task's settings with the overridden timeout, retries and cache, when the
    /// overrides change any of them: what a local run uses.
    pub(crate) run_metadata: Option<std::sync::Arc<crate::task::TaskMetadata>>,
}

/// A workflow's graph.
pub struct WorkflowSpec {
    /// The workflow's name (`module.function`).
    pub name: String,
    /// Its doc comment.
    pub description: Option<String>,
    /// Its inputs and outputs.
    pub interface: Interface,
    /// The nodes, in call order.
    pub nodes: Vec<Node>,
    /// What feeds each workflow output, in order.
    pub outputs: Vec<Binding>,
    /// Each input's default (`#[default(..)]`), in input order.
    pub defaults: Vec<Option<Literal>>,
    /// Whether its nodes may run on interruptible (spot) machines unless a task says
    /// otherwise (`#[workflow(interruptible)]`). No effect in a local run.
    pub interruptible: bool,
    /// When it stops after a node fails (`#[workflow(failure_policy = ..)]`).
    pub failure_policy: FailurePolicy,
    /// The task it runs when it fails (`#[workflow(on_failure = ..)]`).
    pub failure_node: Option<FailureNode>,
    /// Labels and annotations of its default launch plan's executions
    /// (`#[workflow(labels(..), annotations(..))]`, flytekit's `default_options`).
    pub default_labels: Vec<(String, String)>,
    /// See [`WorkflowSpec::default_labels`].
    pub default_annotations: Vec<(String, String)>,
    pub(crate) plan: Plan,
}

/// What the executor needs, derived once from the nodes.
pub(crate) struct Plan {
    /// For each node, how many distinct upstream nodes it waits for.
    pub(crate) waits_for: Vec<u32>,
    /// Downstream node positions, flattened: node `i`'s are
    /// `downstream[downstream_start[i]..downstream_start[i + 1]]`.
    pub(crate) downstream_start: Vec<u32>,
    pub(crate) downstream: Vec<u32>,
    /// Nodes with no upstream, in call order.
    pub(crate) roots: Vec<u32>,
    /// The first invalid task setting, found while building.
    pub(crate) invalid: Option<(String, ConfigError)>,
}

impl Plan {
    /// The plan of a graph whose node `i` reads the outputs of `upstream[i]` (distinct
    /// nodes before it).
    pub(crate) fn from_upstream(upstream: &[&[usize]]) -> Plan {
        let n = upstream.len();
        let mut counts = vec![0u32; n + 1];
        for ups in upstream {
            for &up in *ups {
                counts[up + 1] += 1;
            }
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let downstream_start = counts.clone();
        let mut fill = counts;
        let mut downstream = vec![0u32; downstream_start[n] as usize];
        for (i, ups) in upstream.iter().enumerate() {
            for &up in *ups {
                downstream[fill[up] as usize] = i as u32;
                fill[up] += 1;
            }
        }
        let waits_for: Vec<u32> = upstream.iter().map(|u| u.len() as u32).collect();
        let roots = (0..n as u32)
            .filter(|&i| waits_for[i as usize] == 0)
            .collect();
        Plan {
            waits_for,
            downstream_start,
            downstream,
            roots,
            invalid: None,
        }
    }
}

impl Plan {
    /// The nodes that could never start: in a cycle, or waiting on one.
    fn unreachable(&self) -> Vec<usize> {
        let mut waits = self.waits_for.clone();
        let mut ready: Vec<u32> = self.roots.clone();
        let mut started = vec![false; waits.len()];
        while let Some(i) = ready.pop() {
            started[i as usize] = true;
            let i = i as usize;
            let range = self.downstream_start[i] as usize..self.downstream_start[i + 1] as usize;
            for &d in &self.downstream[range] {
                waits[d as usize] -= 1;
                if waits[d as usize] == 0 {
                    ready.push(d);
                }
            }
        }
        (0..waits.len()).filter(|&i| !started[i]).collect()
    }
}

impl WorkflowSpec {
    pub(crate) fn new(
        name: String,
        description: Option<String>,
        interface: Interface,
        nodes: Vec<Node>,
        outputs: Vec<Binding>,
    ) -> Self {
        let mut plan =
            Plan::from_upstream(&nodes.iter().map(|n| &n.upstream[..]).collect::<Vec<_>>());
        // The first node whose id an earlier node has (a `node_name` override): one
        // pass with a set, as a 10,000-node fan-out would compare 50 million pairs.
        let duplicate_at = {
            let mut seen = std::collections::HashSet::with_capacity(nodes.len());
            nodes.iter().position(|n| !seen.insert(n.id.as_str()))
        };
        let invalid = nodes.iter().enumerate().find_map(|(i, node)| {
            let task = match &node.entity {
                Entity::Task(t) => *t,
                Entity::Map(m) => match m.target {
                    MapTarget::Task(t) => t,
                    MapTarget::LaunchPlan(_) => return None,
                },
                Entity::Gate(g) => return g.error.clone().map(|e| (g.name().to_string(), e)),
                Entity::Workflow(_) | Entity::LaunchPlan(_) | Entity::Branch(_) => return None,
            };
            let overrides = node.overrides.as_ref().map_or(Ok(()), |o| {
                o.validate()
                    .and_then(|()| crate::task::check_ignored_inputs(task, &o.node))
            });
            // The settings the node runs with, whole: a cache turned on by a field set
            // directly still needs a version from the node or its task.
            let overrides = overrides
                .and_then(|()| node.run_metadata.as_ref().map_or(Ok(()), |m| m.validate()));
            let duplicate = if duplicate_at == Some(i) {
                Err(ConfigError::DuplicateNodeId {
                    id: node.id.clone(),
                })
            } else {
                Ok(())
            };
            (task.validate().and(overrides).and(duplicate))
                .err()
                .map(|e| (task.name().to_string(), e))
        });
        let invalid = invalid.or_else(|| {
            let stuck = plan.unreachable();
            let first = nodes.get(*stuck.first()?)?;
            let ids = stuck.iter().map(|&i| nodes[i].id.clone()).collect();
            Some((
                first.entity.name().to_string(),
                ConfigError::OrderCycle { nodes: ids },
            ))
        });
        WorkflowSpec {
            defaults: vec![None; interface.inputs.len()],
            interruptible: false,
            failure_policy: FailurePolicy::default(),
            failure_node: None,
            default_labels: Vec::new(),
            default_annotations: Vec::new(),
            name,
            description,
            interface,
            nodes,
            outputs,
            plan: {
                plan.invalid = invalid;
                plan
            },
        }
    }

    /// The node with id `id`.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Checks every task setting in the graph and its subworkflows.
    pub fn validate(&self) -> Result<(), (String, ConfigError)> {
        if let Some(invalid) = &self.plan.invalid {
            return Err(invalid.clone());
        }
        for node in &self.nodes {
            match &node.entity {
                Entity::Workflow(w) => w.spec().validate()?,
                Entity::LaunchPlan(p) => p.workflow().spec().validate()?,
                Entity::Map(m) => {
                    if let MapTarget::LaunchPlan(p) = m.target {
                        p.workflow().spec().validate()?
                    }
                }
                Entity::Branch(b) => b.graphs().try_for_each(|g| g.validate())?,
                Entity::Task(_) | Entity::Gate(_) => {}
            }
        }
        Ok(())
    }
}

impl fmt::Debug for WorkflowSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkflowSpec")
            .field("name", &self.name)
            .field("interface", &self.interface)
            .field("nodes", &self.nodes)
            .field("outputs", &self.outputs)
            .finish()
    }
}

/// A graph the executor runs: a workflow's (kept for the program's life) or one made
/// at run time (a dynamic task's, a branch case's), shared by reference count.
#[derive(Clone)]
pub(crate) enum SpecRef {
    Static(&'static WorkflowSpec),
    Shared(std::sync::Arc<WorkflowSpec>),
}

impl fmt::Debug for SpecRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpecRef({})", self.name)
    }
}

impl std::ops::Deref for SpecRef {
    type Target = WorkflowSpec;
    fn deref(&self) -> &WorkflowSpec {
        match self {
            SpecRef::Static(s) => s,
            SpecRef::Shared(s) => s,
        }
    }
}

impl SpecRef {
    /// The graph as a task's context names it.
    pub(crate) fn site(&self) -> crate::task::context::SiteRef {
        use crate::task::context::SiteRef;
        match self {
            SpecRef::Static(s) => SiteRef::Static(*s),
            SpecRef::Shared(s) => SiteRef::Shared(s.clone()),
        }
    }
}

impl crate::task::context::GraphSite for WorkflowSpec {
    fn workflow_name(&self) -> &str {
        &self.name
    }
    fn node_id(&self, index: u32) -> &str {
        &self.nodes[index as usize].id
    }
}

/// A readable listing of the graph: one line per node with its bindings.
impl fmt::Display for WorkflowSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vars = |vs: &[crate::interface::Variable]| {
            vs.iter()
                .map(|v| format!("{}: {}", v.name, v.ty))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let inputs: Vec<String> = self
            .interface
            .inputs
            .iter()
            .zip(&self.defaults)
            .map(|(v, d)| match d {
                Some(d) => format!("{}: {} = {d}", v.name, v.ty),
                None => format!("{}: {}", v.name, v.ty),
            })
            .collect();
        writeln!(
            f,
            "workflow {}({}) -> ({})",
            self.name,
            inputs.join(", "),
            vars(&self.interface.outputs)
        )?;
        for node in &self.nodes {
            let kind = node.entity.kind();
            let inputs = node
                .inputs
                .iter()
                .map(|i| format!("{} <- {}", i.name, i.binding))
                .collect::<Vec<_>>()
                .join(", ");
            writeln!(
                f,
                "  {} {} [{}] {}",
                node.id,
                node.entity.name(),
                kind,
                inputs
            )?;
        }
        for (var, binding) in self.interface.outputs.iter().zip(&self.outputs) {
            writeln!(f, "  output {} <- {}", var.name, binding)?;
        }
        Ok(())
    }
}
