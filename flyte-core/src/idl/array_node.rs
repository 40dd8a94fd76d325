//! Map tasks as Flyte's array node: over a task (the task itself per item) or over
//! a launch plan (a child execution per item).

use super::core as pb;
use super::entities::{Parts, launch_plan_target};
use super::node_metadata::{plain_metadata, short_name, task_node_metadata};

impl Parts<'_> {
    /// A map task's node: an array node over the task, each item its own pod; or,
    /// over a launch plan, each item a child execution of it.
    pub(super) fn array_node(
        &mut self,
        node_id: &str,
        map: &crate::workflow::MapSpec,
        inputs: &[pb::Binding],
    ) -> (pb::node::Target, pb::NodeMetadata) {
        use crate::workflow::MapTarget;
        let (sub_node, name, execution_mode, data_mode) = match map.target {
            // As flytekit writes an array node over a registered task: the task's own
            // interface, each item's pod reading its own item (minimal state), so the
            // task runs through the same entrypoint as anywhere else.
            MapTarget::Task(task) => {
                self.add_task(task);
                let sub_node = pb::Node {
                    id: format!("{node_id}-item"),
                    metadata: Some(task_node_metadata(task)),
                    inputs: inputs.to_vec(),
                    upstream_node_ids: Vec::new(),
                    target: Some(self.task_node(task)),
                };
                let name = format!("map_{}", short_name(task.name()));
                (
                    sub_node,
                    name,
                    pb::ArrayExecutionMode::MinimalState,
                    pb::ArrayDataMode::IndividualInputFiles,
                )
            }
            // As flytekit writes `map_task(sub_lp)`: the plan's launch-plan node per
            // item, named after the plan, with the full state a workflow needs.
            MapTarget::LaunchPlan(plan) => {
                let sub_node = pb::Node {
                    id: plan.name().replace(['.', '_'], "-"),
                    metadata: Some(plain_metadata(plan.name())),
                    inputs: inputs.to_vec(),
                    upstream_node_ids: Vec::new(),
                    target: Some(launch_plan_target(plan, self.settings)),
                };
                self.add_tasks_of(plan.workflow().spec());
                (
                    sub_node,
                    plan.name().to_string(),
                    pb::ArrayExecutionMode::FullState,
                    pb::ArrayDataMode::SingleInputFile,
                )
            }
        };
        let array = pb::ArrayNode {
            node: Some(Box::new(sub_node)),
            parallelism: map
                .concurrency
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            success_criteria: Some(match map.min_successes {
                Some(n) => pb::array_node::SuccessCriteria::MinSuccesses(
                    u32::try_from(n).unwrap_or(u32::MAX),
                ),
                None => {
                    pb::array_node::SuccessCriteria::MinSuccessRatio(map.min_success_ratio as f32)
                }
            }),
            execution_mode: execution_mode as i32,
            is_original_sub_node_interface: Some(true),
            data_mode: data_mode as i32,
            bound_inputs: map.bound_inputs().into_iter().map(String::from).collect(),
        };
        (
            pb::node::Target::ArrayNode(Box::new(array)),
            plain_metadata(&name),
        )
    }
}
