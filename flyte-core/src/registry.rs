//! What a program registers with Flyte: its workflows, the tasks and subworkflows
//! they use, and launch plans, in the files `pyflyte package` writes.

use std::collections::BTreeMap;

use prost::Message;

use crate::idl::{self, IdlError, SerializationSettings};
use crate::launch_plan::LaunchPlan;
use crate::types::{Literal, Outputs};
use crate::workflow::{DynTask, Entity, Fallback, Workflow, WorkflowSpec};

/// A launch plan with its types erased.
struct PlanEntry {
    name: String,
    workflow: &'static WorkflowSpec,
    fixed: BTreeMap<String, Literal>,
    defaults: BTreeMap<String, Literal>,
}

/// The entities of a program, each once, in the order they were met.
#[derive(Default)]
pub struct Registry {
    tasks: Vec<&'static dyn DynTask>,
    workflows: Vec<&'static WorkflowSpec>,
    plans: Vec<PlanEntry>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a workflow, every task and subworkflow it uses, and its default launch
    /// plan.
    pub fn workflow<W: Workflow>(&mut self, workflow: &'static W) -> &mut Self {
        self.add_spec(workflow.spec());
        let spec = workflow.spec();
        if !self.plans.iter().any(|p| p.name == spec.name) {
            let lp = LaunchPlan::default_for(workflow);
            self.push_plan(&lp);
        }
        self
    }

    /// Adds a launch plan (and its workflow).
    pub fn launch_plan<O: Outputs>(&mut self, plan: &LaunchPlan<O>) -> &mut Self {
        self.add_spec(plan.workflow());
        if !self.plans.iter().any(|p| p.name == plan.name()) {
            self.push_plan(plan);
        }
        self
    }

    /// Adds a task used by no registered workflow.
    pub fn task(&mut self, task: &'static dyn DynTask) -> &mut Self {
        self.add_task(task);
        self
    }

    /// The tasks, in the order they were met.
    pub fn tasks(&self) -> &[&'static dyn DynTask] {
        &self.tasks
    }

    /// The workflows, subworkflows before the workflows that use them.
    pub fn workflows(&self) -> &[&'static WorkflowSpec] {
        &self.workflows
    }

    /// The task called `name`.
    pub fn find_task(&self, name: &str) -> Option<&'static dyn DynTask> {
        self.tasks.iter().copied().find(|t| t.name() == name)
    }

    fn push_plan<O: Outputs>(&mut self, plan: &LaunchPlan<O>) {
        self.plans.push(PlanEntry {
            name: plan.name().to_string(),
            workflow: plan.workflow(),
            fixed: plan.fixed_inputs().clone(),
            defaults: plan.default_inputs(),
        });
    }

    fn add_task(&mut self, task: &'static dyn DynTask) {
        if !self.tasks.iter().any(|t| t.name() == task.name()) {
            self.tasks.push(task);
        }
    }

    fn add_spec(&mut self, spec: &'static WorkflowSpec) {
        if self.workflows.iter().any(|w| w.name == spec.name) {
            return;
        }
        self.add_nodes_of(spec);
        self.workflows.push(spec);
    }

    /// Tasks and subworkflows of a graph, branch cases included.
    fn add_nodes_of(&mut self, spec: &WorkflowSpec) {
        for node in &spec.nodes {
            match &node.entity {
                Entity::Task(t) => self.add_task(*t),
                Entity::Map(m) => self.add_task(m.task),
                Entity::Workflow(w) => self.add_spec(w.spec()),
                Entity::Branch(b) => {
                    for case in &b.cases {
                        self.add_nodes_of(&case.spec);
                    }
                    if let Fallback::Case(spec) = &b.otherwise {
                        self.add_nodes_of(spec);
                    }
                }
            }
        }
    }

    /// The files `pyflyte package` writes, in its order and naming: tasks
    /// (`N_name_1.pb`, admin TaskSpec), workflows (`N_name_2.pb`, admin WorkflowSpec),
    /// launch plans (`N_name_3.pb`, admin LaunchPlan).
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

    /// The same messages as readable JSON, named as [`Registry::package_files`] names
    /// them with `.json` for `.pb`.
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

    fn package_messages(
        &self,
        settings: &SerializationSettings,
    ) -> Result<Vec<(String, PackageMessage)>, IdlError> {
        let mut files = Vec::new();
        for task in &self.tasks {
            let message = PackageMessage::Task(idl::task_spec(*task, settings));
            files.push((format!("{}_{}_1", files.len(), task.name()), message));
        }
        for spec in &self.workflows {
            let message = PackageMessage::Workflow(idl::workflow_spec(spec, settings)?);
            files.push((format!("{}_{}_2", files.len(), spec.name), message));
        }
        for plan in &self.plans {
            let message = PackageMessage::LaunchPlan(idl::launch_plan(
                &plan.name,
                plan.workflow,
                &plan.fixed,
                &plan.defaults,
                settings,
            ));
            files.push((format!("{}_{}_3", files.len(), plan.name), message));
        }
        Ok(files)
    }
}

/// One file of a package.
enum PackageMessage {
    Task(idl::admin::TaskSpec),
    Workflow(idl::admin::WorkflowSpec),
    LaunchPlan(idl::admin::LaunchPlan),
}

impl PackageMessage {
    fn encode(&self) -> Vec<u8> {
        match self {
            PackageMessage::Task(m) => m.encode_to_vec(),
            PackageMessage::Workflow(m) => m.encode_to_vec(),
            PackageMessage::LaunchPlan(m) => m.encode_to_vec(),
        }
    }

    fn json(&self) -> String {
        let value = match self {
            PackageMessage::Task(m) => serde_json::to_string_pretty(m),
            PackageMessage::Workflow(m) => serde_json::to_string_pretty(m),
            PackageMessage::LaunchPlan(m) => serde_json::to_string_pretty(m),
        };
        // The messages hold only strings, numbers, maps with string keys and
        // sequences, which serde_json always writes.
        value.unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
