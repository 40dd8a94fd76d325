//! What a program registers with Flyte: its workflows, the tasks and subworkflows
//! they use, and launch plans, in the files `pyflyte package` writes.

use prost::Message;

use crate::idl::{self, IdlError, SerializationSettings};
use crate::launch_plan::LaunchPlan;
use crate::types::Outputs;
use crate::workflow::{DynTask, DynWorkflow, Entity, Workflow, WorkflowSpec};

pub use crate::launch_plan::PlanEntry;

/// The entities of a program, each once: tasks in the order they were met, then
/// workflows and launch plans each after every entity it calls, so Flyte can register
/// them in this order.
#[derive(Default)]
pub struct Registry {
    tasks: Vec<&'static dyn DynTask>,
    workflows: Vec<&'static dyn DynWorkflow>,
    plans: Vec<PlanEntry>,
    /// Whether each plan was added as its workflow's default, which a launch plan of
    /// the same name given later replaces.
    default_plans: Vec<bool>,
    /// Workflows and launch plans in registration order.
    order: Vec<Graph>,
}

/// A `#[task]` compiled into the program, submitted by the code the macro generates.
#[doc(hidden)]
pub struct CompiledTask(pub &'static dyn DynTask);

inventory::collect!(CompiledTask);

/// A workflow or launch plan, by its position in the registry.
#[derive(Clone, Copy)]
enum Graph {
    Workflow(usize),
    Plan(usize),
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a workflow, every task and subworkflow it uses, and its default launch
    /// plan.
    pub fn workflow<W: Workflow>(&mut self, workflow: &'static W) -> &mut Self {
        self.add_workflow(workflow);
        self
    }

    /// Adds a launch plan (and its workflow, with that workflow's default plan).
    pub fn launch_plan<O: Outputs, S>(&mut self, plan: &LaunchPlan<O, S>) -> &mut Self {
        self.add_workflow(plan.dyn_workflow());
        self.add_plan(plan.entry());
        self
    }

    /// Adds a task used by no registered workflow: `&my_task`, or `&SENSOR` for a
    /// struct task in a `LazyLock`.
    pub fn task<S: crate::task::TaskStatic>(&mut self, task: &'static S) -> &mut Self {
        self.add_task(task.task());
        self
    }

    /// Adds a task given with its types erased.
    pub fn dyn_task(&mut self, task: &'static dyn DynTask) -> &mut Self {
        self.add_task(task);
        self
    }

    /// The tasks, in the order they were met.
    pub fn tasks(&self) -> &[&'static dyn DynTask] {
        &self.tasks
    }

    /// The workflows, subworkflows before the workflows that use them.
    pub fn workflows(&self) -> &[&'static dyn DynWorkflow] {
        &self.workflows
    }

    /// The launch plans, every workflow's default one included.
    pub fn launch_plans(&self) -> &[PlanEntry] {
        &self.plans
    }

    /// The task called `name`: a registered one, else any `#[task]` compiled into
    /// this program. A dynamic task's nodes are found that way: Flyte runs each in a
    /// pod of its own, though no registered workflow names them. Struct tasks (in a
    /// `LazyLock`) are not collected: register one that only a dynamic task runs with
    /// [`Registry::task`].
    pub fn find_task(&self, name: &str) -> Option<&'static dyn DynTask> {
        self.tasks
            .iter()
            .copied()
            .find(|t| t.name() == name)
            .or_else(|| {
                inventory::iter::<CompiledTask>
                    .into_iter()
                    .map(|c| c.0)
                    .find(|t| t.name() == name && t.metadata().reference.as_ref().is_none())
            })
    }

    /// The task called `name`, or whose last name component is `name` when only one
    /// task's is, matched as [`Registry::find_workflow`] matches.
    pub fn find_task_named(&self, name: &str) -> Option<&'static dyn DynTask> {
        find_by_name(&self.tasks, name, |t| t.name()).copied()
    }

    /// The workflow called `name`, or whose last name component is `name` when only
    /// one is (`my_workflow` for `my_app.my_workflow`).
    pub fn find_workflow(&self, name: &str) -> Option<&'static dyn DynWorkflow> {
        find_by_name(&self.workflows, name, |w| &w.spec().name).copied()
    }

    /// The launch plan called `name`, matched as [`Registry::find_workflow`] matches.
    pub fn find_launch_plan(&self, name: &str) -> Option<&PlanEntry> {
        find_by_name(&self.plans, name, |p| &p.name)
    }

    /// Adds `plan` after its workflow: a plan of the same name given before is kept,
    /// unless it was a workflow's default.
    fn add_plan(&mut self, plan: PlanEntry) {
        match self.plans.iter().position(|p| p.name == plan.name) {
            Some(i) if self.default_plans[i] => {
                self.plans[i] = plan;
                self.default_plans[i] = false;
            }
            Some(_) => {}
            None => {
                self.order.push(Graph::Plan(self.plans.len()));
                self.plans.push(plan);
                self.default_plans.push(false);
            }
        }
    }

    fn add_task(&mut self, task: &'static dyn DynTask) {
        // A reference is registered by its own project, not this program.
        if task.metadata().reference.as_ref().is_some() {
            return;
        }
        if !self.tasks.iter().any(|t| t.name() == task.name()) {
            self.tasks.push(task);
        }
    }

    /// Adds a workflow after everything it calls, then its default launch plan, as
    /// pyflyte writes one for every workflow it packages.
    fn add_workflow(&mut self, workflow: &'static dyn DynWorkflow) {
        let spec = workflow.spec();
        if self.workflows.iter().any(|w| w.spec().name == spec.name) {
            return;
        }
        self.add_nodes_of(spec);
        if let Some(failure) = &spec.failure_node {
            self.add_task(failure.task);
        }
        self.order.push(Graph::Workflow(self.workflows.len()));
        self.workflows.push(workflow);
        if !self.plans.iter().any(|p| p.name == spec.name) {
            self.order.push(Graph::Plan(self.plans.len()));
            self.plans.push(PlanEntry::default_for(workflow));
            self.default_plans.push(true);
        }
    }

    /// A launch plan a graph calls, and its workflow.
    fn add_called_plan(&mut self, p: &'static dyn crate::workflow::DynLaunchPlan) {
        self.add_workflow(p.workflow());
        if let Ok(entry) = p.registration().downcast::<PlanEntry>() {
            self.add_plan(*entry);
        }
    }

    /// Tasks, subworkflows and launch plans of a graph, branch cases included.
    fn add_nodes_of(&mut self, spec: &WorkflowSpec) {
        for node in &spec.nodes {
            match &node.entity {
                Entity::Task(t) => self.add_task(*t),
                Entity::Map(m) => match m.target {
                    crate::workflow::MapTarget::Task(t) => self.add_task(t),
                    crate::workflow::MapTarget::LaunchPlan(p) => self.add_called_plan(p),
                },
                Entity::Workflow(w) => self.add_workflow(*w),
                Entity::LaunchPlan(p) => self.add_called_plan(*p),
                Entity::Branch(b) => b.graphs().for_each(|g| self.add_nodes_of(g)),
                Entity::Gate(_) => {}
            }
        }
    }

    /// The files `pyflyte package` writes, in its naming: tasks (`N_name_1.pb`,
    /// admin TaskSpec), workflows (`N_name_2.pb`, admin WorkflowSpec), launch plans
    /// (`N_name_3.pb`, admin LaunchPlan), in the order of
    /// [`Registry::package_messages`].
    pub fn package_files(
        &self,
        settings: &SerializationSettings,
    ) -> Result<Vec<(String, Vec<u8>)>, IdlError> {
        Ok(self
            .package_messages(settings)?
            .into_iter()
            .map(|(name, message)| (format!("{name}.pb"), message.encode()))
            .collect())
    }

    /// The same messages in protobuf's JSON form (as flytekit's `MessageToJson` writes
    /// it, so it can be diffed with pyflyte's), named as [`Registry::package_files`]
    /// names them with `.json` for `.pb`.
    pub fn package_json(
        &self,
        settings: &SerializationSettings,
    ) -> Result<Vec<(String, String)>, IdlError> {
        Ok(self
            .package_messages(settings)?
            .into_iter()
            .map(|(name, message)| (format!("{name}.json"), message.json()))
            .collect())
    }

    /// Every entity as the message registered for it, named as in a package: tasks,
    /// then workflows and launch plans, each after what it calls (a subworkflow, a
    /// launch plan and its workflow). The index is padded to one width, as pyflyte
    /// pads it, because `flytectl register files` registers in file-name order.
    pub fn package_messages(
        &self,
        settings: &SerializationSettings,
    ) -> Result<Vec<(String, PackageMessage)>, IdlError> {
        let mut entities = Vec::new();
        for task in &self.tasks {
            let message = PackageMessage::Task(Box::new(idl::task_spec(*task, settings)));
            entities.push((task.name().to_string(), 1, message));
        }
        for graph in &self.order {
            match *graph {
                Graph::Workflow(i) => {
                    let spec = self.workflows[i].spec();
                    let message =
                        PackageMessage::Workflow(Box::new(idl::workflow_spec(spec, settings)?));
                    entities.push((spec.name.clone(), 2, message));
                }
                Graph::Plan(i) => {
                    let plan = &self.plans[i];
                    let message = PackageMessage::LaunchPlan(Box::new(plan.to_idl(settings)));
                    entities.push((plan.name.clone(), 3, message));
                }
            }
        }
        let width = index_width(entities.len());
        Ok(entities
            .into_iter()
            .enumerate()
            .map(|(i, (name, kind, message))| (format!("{i:0width$}_{name}_{kind}"), message))
            .collect())
    }
}

/// How many digits pyflyte gives a package's file index: enough for the last one
/// (`0`..`9` for ten files, `00`..`10` for eleven).
fn index_width(count: usize) -> usize {
    count.saturating_sub(1).max(1).to_string().len()
}

/// One file of a package: what is registered for one entity.
#[derive(Clone, Debug)]
pub enum PackageMessage {
    // Boxed: each is a few hundred bytes, and they differ in size.
    /// A task.
    Task(Box<idl::admin::TaskSpec>),
    /// A workflow with its subworkflows.
    Workflow(Box<idl::admin::WorkflowSpec>),
    /// A launch plan.
    LaunchPlan(Box<idl::admin::LaunchPlan>),
}

impl PackageMessage {
    fn encode(&self) -> Vec<u8> {
        match self {
            PackageMessage::Task(m) => m.encode_to_vec(),
            PackageMessage::Workflow(m) => m.encode_to_vec(),
            PackageMessage::LaunchPlan(m) => m.encode_to_vec(),
        }
    }

    /// Protobuf's JSON form, as `MessageToJson` writes it.
    fn json(&self) -> String {
        match self {
            PackageMessage::Task(m) => idl::json::to_json(m),
            PackageMessage::Workflow(m) => idl::json::to_json(m),
            PackageMessage::LaunchPlan(m) => idl::json::to_json(m),
        }
    }
}

/// The item named `name` exactly, else the only one whose last `.` component is it.
fn find_by_name<'a, T>(items: &'a [T], name: &str, name_of: impl Fn(&T) -> &str) -> Option<&'a T> {
    if let Some(exact) = items.iter().find(|i| name_of(i) == name) {
        return Some(exact);
    }
    let mut short = items
        .iter()
        .filter(|i| name_of(i).rsplit('.').next() == Some(name));
    match (short.next(), short.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::index_width;

    #[test]
    fn the_index_is_as_wide_as_pyflyte_makes_it() {
        // flytekit's _determine_text_chars: ceil(log10(count)) digits, zero-filled.
        for (count, width) in [
            (1, 1),
            (2, 1),
            (10, 1),
            (11, 2),
            (100, 2),
            (101, 3),
            (1000, 3),
        ] {
            assert_eq!(index_width(count), width, "{count} files");
        }
    }
}
