//! A task run on its own, as pyflyte runs one (`run TASK --x 1`): a workflow of one
//! node with the task's interface, its inputs fed to the node and the node's outputs
//! returned.

use super::{Binding, DynWorkflow, Entity, Node, NodeInput, WorkflowSpec};
use crate::task::DynTask;
use crate::types::Codec;

/// A one-node workflow around a task.
struct TaskWorkflow {
    spec: &'static WorkflowSpec,
    task: &'static dyn DynTask,
}

impl DynWorkflow for TaskWorkflow {
    fn spec(&self) -> &'static WorkflowSpec {
        self.spec
    }
    fn codec(&self) -> &'static Codec {
        self.task.codec()
    }
}

static LEAKED: std::sync::Mutex<Vec<&'static TaskWorkflow>> = std::sync::Mutex::new(Vec::new());

/// Node inputs fed one for one by the workflow inputs of the same names.
pub(crate) fn fed_by_workflow_inputs(vars: &[crate::interface::Variable]) -> Vec<NodeInput> {
    vars.iter()
        .enumerate()
        .map(|(index, var)| NodeInput {
            name: var.name.clone(),
            binding: Binding::WorkflowInput {
                name: var.name.clone(),
                index,
            },
        })
        .collect()
}

/// The workflow that runs `task` alone, named after the task. Made once per task and
/// kept for the life of the program.
pub fn task_workflow(task: &'static dyn DynTask) -> &'static dyn DynWorkflow {
    let mut leaked = LEAKED.lock().unwrap_or_else(|e| e.into_inner());
    // The same task: by address and vtable, as `#[task]` values are zero-sized and
    // two of them may share an address (a vtable duplicated across codegen units only
    // costs another wrapper).
    let same = |w: &&&TaskWorkflow| std::ptr::eq(w.task, task) && w.task.name() == task.name();
    if let Some(found) = leaked.iter().find(same) {
        return *found;
    }
    let interface = task.interface();
    let inputs = fed_by_workflow_inputs(&interface.inputs);
    let outputs = interface
        .outputs
        .iter()
        .enumerate()
        .map(|(output, var)| Binding::NodeOutput {
            node_id: "n0".to_string(),
            node: 0,
            output_name: var.name.clone(),
            output,
        })
        .collect();
    let nodes = vec![Node {
        id: "n0".to_string(),
        entity: Entity::Task(task),
        inputs,
        upstream: Vec::new(),
        overrides: None,
        run_metadata: None,
    }];
    let spec = WorkflowSpec::new(
        task.name().to_string(),
        task.description().map(str::to_string),
        interface,
        nodes,
        outputs,
    );
    let spec: &'static WorkflowSpec = Box::leak(Box::new(spec));
    let made: &'static TaskWorkflow = Box::leak(Box::new(TaskWorkflow { spec, task }));
    leaked.push(made);
    made
}
