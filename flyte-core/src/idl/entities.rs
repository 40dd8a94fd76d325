//! Entities as Flyte IDL: task templates, workflow templates (task, subworkflow,
//! branch and array nodes), workflow closures, and the admin specs and launch plans
//! `pyflyte package` writes.

use super::conditions::condition;
use super::core as pb;
use super::node_metadata::{plain_metadata, reference_node, short_name, task_node_metadata};
use super::settings::{SerializationSettings, identifier};
use super::task_template::task_template;
use super::values::{IdlError, interface, literal};
use crate::types::Literal;

/// A constant as binding data: scalars as they are, lists and maps item by item.
fn constant_binding(l: &Literal) -> pb::BindingData {
    use pb::binding_data::Value;
    let value = match l {
        Literal::Collection(items) => Value::Collection(pb::BindingDataCollection {
            bindings: items.iter().map(constant_binding).collect(),
        }),
        Literal::Map(entries) => Value::Map(pb::BindingDataMap {
            bindings: entries
                .iter()
                .map(|(k, v)| (k.clone(), constant_binding(v)))
                .collect(),
        }),
        other => match literal(other).value {
            Some(pb::literal::Value::Scalar(s)) => Value::Scalar(*s),
            _ => unreachable!("flyte bug: a scalar literal became a collection or map"),
        },
    };
    pb::BindingData { value: Some(value) }
}

/// One step of an attribute path as flytekit writes it: fields and map keys as
/// strings, list indices as integers.
fn promise_attribute(step: &crate::workflow::AttrStep) -> pb::PromiseAttribute {
    use crate::workflow::AttrKey;
    use pb::promise_attribute::Value;
    let value = match &step.key {
        AttrKey::Field(name) => Value::StringValue(name.to_string()),
        AttrKey::Key(key) => Value::StringValue(key.clone()),
        AttrKey::Index(i) => Value::IntValue(*i as i32),
    };
    pb::PromiseAttribute { value: Some(value) }
}

fn binding_data(b: &crate::workflow::Binding) -> pb::BindingData {
    use crate::workflow::Binding as B;
    use pb::binding_data::Value;
    let value = match b {
        B::WorkflowInput { name, .. } => Value::Promise(pb::OutputReference {
            node_id: String::new(),
            var: name.clone(),
            attr_path: Vec::new(),
        }),
        B::Attr { base, path } => {
            let mut data = binding_data(base);
            if let Some(Value::Promise(reference)) = &mut data.value {
                reference
                    .attr_path
                    .extend(path.iter().map(promise_attribute));
            }
            return data;
        }
        B::NodeOutput {
            node_id,
            output_name,
            ..
        } => Value::Promise(pb::OutputReference {
            node_id: node_id.clone(),
            var: output_name.clone(),
            attr_path: Vec::new(),
        }),
        B::Constant { literal, .. } => return constant_binding(literal),
        B::Collection { items, .. } => Value::Collection(pb::BindingDataCollection {
            bindings: items.iter().map(binding_data).collect(),
        }),
        B::Map { entries, .. } => Value::Map(pb::BindingDataMap {
            bindings: entries
                .iter()
                .map(|(k, v)| (k.clone(), binding_data(v)))
                .collect(),
        }),
    };
    pb::BindingData { value: Some(value) }
}

fn binding(var: &str, b: &crate::workflow::Binding) -> pb::Binding {
    pb::Binding {
        var: var.to_string(),
        binding: Some(binding_data(b)),
    }
}

/// A workflow as Flyte's `WorkflowTemplate`: task, subworkflow, branch and array
/// (map task) nodes.
pub fn workflow_template(
    spec: &crate::workflow::WorkflowSpec,
    settings: &SerializationSettings,
) -> Result<pb::WorkflowTemplate, IdlError> {
    let mut parts = Parts::new(settings);
    parts.template(spec, &spec.name)
}

/// What a workflow's template refers to: the templates of its subworkflows (branch
/// cases included) and the tasks its nodes run, each once, in the order met.
pub(super) struct Parts<'a> {
    pub(super) settings: &'a SerializationSettings,
    sub_workflows: Vec<pb::WorkflowTemplate>,
    tasks: Vec<&'static dyn crate::workflow::DynTask>,
}

impl<'a> Parts<'a> {
    fn new(settings: &'a SerializationSettings) -> Self {
        Parts {
            settings,
            sub_workflows: Vec::new(),
            tasks: Vec::new(),
        }
    }

    pub(super) fn add_task(&mut self, task: &'static dyn crate::workflow::DynTask) {
        if !self.tasks.iter().any(|t| t.name() == task.name()) {
            self.tasks.push(task);
        }
    }

    fn add_sub_workflow(
        &mut self,
        spec: &crate::workflow::WorkflowSpec,
        name: &str,
    ) -> Result<(), IdlError> {
        let known = |t: &pb::WorkflowTemplate| t.id.as_ref().is_some_and(|id| id.name == name);
        if !self.sub_workflows.iter().any(known) {
            let template = self.template(spec, name)?;
            self.sub_workflows.push(template);
        }
        Ok(())
    }

    fn template(
        &mut self,
        spec: &crate::workflow::WorkflowSpec,
        name: &str,
    ) -> Result<pb::WorkflowTemplate, IdlError> {
        let nodes = spec
            .nodes
            .iter()
            .map(|node| self.node(spec, name, node))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(pb::WorkflowTemplate {
            id: Some(identifier(pb::ResourceType::Workflow, name, self.settings)),
            metadata: Some(pb::WorkflowMetadata {
                on_failure: match spec.failure_policy {
                    crate::workflow::FailurePolicy::FailAfterExecutableNodesComplete => {
                        pb::OnFailurePolicy::FailAfterExecutableNodesComplete
                    }
                    _ => pb::OnFailurePolicy::FailImmediately,
                } as i32,
            }),
            interface: Some(interface(&spec.interface)),
            nodes,
            outputs: spec
                .interface
                .outputs
                .iter()
                .zip(&spec.outputs)
                .map(|(var, b)| binding(&var.name, b))
                .collect(),
            failure_node: spec.failure_node.as_ref().map(|f| self.failure_node(f)),
            metadata_defaults: Some(pb::WorkflowMetadataDefaults {
                interruptible: spec.interruptible,
            }),
        })
    }

    fn node(
        &mut self,
        spec: &crate::workflow::WorkflowSpec,
        workflow_name: &str,
        node: &crate::workflow::Node,
    ) -> Result<pb::Node, IdlError> {
        use crate::workflow::Entity;
        let mut inputs: Vec<pb::Binding> = node
            .inputs
            .iter()
            .map(|i| binding(&i.name, &i.binding))
            .collect();
        // flytekit binds a call's inputs in name order.
        if !matches!(node.entity, Entity::Branch(_)) {
            inputs.sort_by(|a, b| a.var.cmp(&b.var));
        }
        let (target, metadata) = match &node.entity {
            Entity::Task(task) => self.task_call(node, *task)?,
            Entity::Workflow(wf) => {
                let sub = wf.spec();
                self.add_sub_workflow(sub, &sub.name)?;
                // flytekit marks a call of a workflow explicitly not interruptible.
                (
                    self.workflow_node(&sub.name),
                    pb::NodeMetadata {
                        interruptible: Some(false),
                        ..plain_metadata(short_name(&sub.name))
                    },
                )
            }
            // As flytekit writes a call of a launch plan: a child execution of the
            // registered plan, named after its workflow, explicitly not interruptible.
            Entity::LaunchPlan(plan) => {
                self.add_tasks_of(plan.workflow().spec());
                (
                    launch_plan_target(*plan, self.settings),
                    pb::NodeMetadata {
                        interruptible: Some(false),
                        ..plain_metadata(short_name(&plan.workflow().spec().name))
                    },
                )
            }
            Entity::Map(map) => self.array_node(&node.id, map, &inputs),
            Entity::Gate(gate) => super::gates::gate_node(gate),
            Entity::Branch(branch) => {
                let branch_node = self.branch_node(workflow_name, &node.id, branch, &inputs)?;
                (
                    pb::node::Target::BranchNode(Box::new(branch_node)),
                    plain_metadata(&node.id),
                )
            }
        };
        Ok(pb::Node {
            id: node.id.clone(),
            metadata: Some(metadata),
            inputs,
            upstream_node_ids: node
                .upstream
                .iter()
                .map(|&u| spec.nodes[u].id.clone())
                .collect(),
            target: Some(target),
        })
    }

    /// The tasks a graph runs (in subworkflows, cases and called launch plans too),
    /// for the closure: flytekit serializes them with the workflow.
    pub(super) fn add_tasks_of(&mut self, spec: &crate::workflow::WorkflowSpec) {
        use crate::workflow::{Entity, MapTarget};
        for node in &spec.nodes {
            match &node.entity {
                Entity::Task(t) if t.metadata().reference.as_ref().is_none() => self.add_task(*t),
                Entity::Map(m) => match m.target {
                    MapTarget::Task(t) => self.add_task(t),
                    MapTarget::LaunchPlan(p) => self.add_tasks_of(p.workflow().spec()),
                },
                Entity::Workflow(w) => self.add_tasks_of(w.spec()),
                Entity::LaunchPlan(p) => self.add_tasks_of(p.workflow().spec()),
                Entity::Branch(b) => b.graphs().for_each(|g| self.add_tasks_of(g)),
                Entity::Task(_) | Entity::Gate(_) => {}
            }
        }
    }

    /// A task node's target and metadata: the task's own, with the call's overrides;
    /// or, for a reference, the registered entity's identifier alone.
    fn task_call(
        &mut self,
        node: &crate::workflow::Node,
        task: &'static dyn crate::workflow::DynTask,
    ) -> Result<(pb::node::Target, pb::NodeMetadata), IdlError> {
        if let Some(reference) = task.metadata().reference.as_ref() {
            if node.overrides.is_some() {
                return Err(IdlError {
                    what: "a node",
                    reason: format!(
                        "node `{}` sets overrides on {reference}: Flyte takes none on a reference",
                        node.id
                    ),
                });
            }
            return Ok(reference_node(reference));
        }
        self.add_task(task);
        let (mut target, mut metadata) = (self.task_node(task), task_node_metadata(task));
        if let Some(o) = &node.overrides {
            super::node_overrides::apply(
                task,
                &node.id,
                o,
                &mut metadata,
                &mut target,
                self.settings,
            )?;
        }
        Ok((target, metadata))
    }

    /// The failure node `fn0` as flytekit writes it: `err` bound to none (Flyte fills
    /// it in), every other input to the workflow input of its name.
    fn failure_node(&mut self, f: &crate::workflow::FailureNode) -> pb::Node {
        self.add_task(f.task);
        let interface = f.task.interface();
        let mut inputs: Vec<pb::Binding> = Vec::new();
        for (var, source) in interface.inputs.iter().zip(&f.inputs) {
            let data = match source {
                crate::workflow::FailureInput::Error => {
                    constant_binding(&crate::types::Literal::Union {
                        value: Box::new(crate::types::Literal::None),
                        variant: crate::types::LiteralType::Simple(crate::types::SimpleType::None),
                    })
                }
                crate::workflow::FailureInput::Workflow(index) => {
                    binding_data(&crate::workflow::Binding::WorkflowInput {
                        name: var.name.clone(),
                        index: *index,
                    })
                }
            };
            inputs.push(pb::Binding {
                var: var.name.clone(),
                binding: Some(data),
            });
        }
        // In name order, as flytekit binds a call's inputs.
        inputs.sort_by(|a, b| a.var.cmp(&b.var));
        pb::Node {
            id: "fn0".to_string(),
            metadata: Some(task_node_metadata(f.task)),
            inputs,
            upstream_node_ids: Vec::new(),
            target: Some(self.task_node(f.task)),
        }
    }

    pub(super) fn task_node(&self, task: &dyn crate::workflow::DynTask) -> pb::node::Target {
        pb::node::Target::TaskNode(pb::TaskNode {
            reference_id: Some(identifier(
                pb::ResourceType::Task,
                task.name(),
                self.settings,
            )),
            overrides: Some(pb::TaskNodeOverrides::default()),
        })
    }

    fn workflow_node(&self, name: &str) -> pb::node::Target {
        pb::node::Target::WorkflowNode(pb::WorkflowNode {
            reference: Some(pb::workflow_node::Reference::SubWorkflowRef(identifier(
                pb::ResourceType::Workflow,
                name,
                self.settings,
            ))),
        })
    }

    /// A branch: each case's sub-graph becomes a subworkflow named after the branch
    /// node (`wf.n2.case0`, `wf.n2.otherwise`), run by a workflow node that takes the
    /// branch node's own inputs (`c0`, `c1`, ...: the outer values the cases and
    /// conditions read).
    fn branch_node(
        &mut self,
        workflow_name: &str,
        node_id: &str,
        branch: &crate::workflow::BranchSpec,
        inputs: &[pb::Binding],
    ) -> Result<pb::BranchNode, IdlError> {
        let case_node = |parts: &mut Self,
                         label: &str,
                         sub: &crate::workflow::WorkflowSpec|
         -> Result<pb::Node, IdlError> {
            let name = format!("{workflow_name}.{node_id}.{label}");
            parts.add_sub_workflow(sub, &name)?;
            Ok(pb::Node {
                id: format!("{node_id}-{label}"),
                metadata: Some(plain_metadata(label)),
                inputs: inputs.to_vec(),
                upstream_node_ids: Vec::new(),
                target: Some(parts.workflow_node(&name)),
            })
        };
        let mut blocks = Vec::with_capacity(branch.cases.len());
        for (k, case) in branch.cases.iter().enumerate() {
            blocks.push(pb::IfBlock {
                condition: Some(condition(&case.condition)),
                then_node: Some(case_node(self, &format!("case{k}"), &case.spec)?),
            });
        }
        let mut blocks = blocks.into_iter();
        let first = blocks.next();
        let (else_node, error) = match &branch.otherwise {
            crate::workflow::Fallback::Case(sub) => {
                (Some(case_node(self, "otherwise", sub)?), None)
            }
            crate::workflow::Fallback::Fail(message) => (
                None,
                Some(pb::Error {
                    failed_node_id: node_id.to_string(),
                    message: message.clone(),
                }),
            ),
        };
        Ok(pb::BranchNode {
            if_else: Some(pb::IfElseBlock {
                case: first,
                other: blocks.collect(),
                else_node,
                error,
            }),
        })
    }
}

fn description(doc: Option<&str>) -> super::admin::DescriptionEntity {
    super::admin::DescriptionEntity {
        short_description: doc
            .and_then(|d| d.lines().next())
            .unwrap_or_default()
            .to_string(),
        long_description: Some(super::admin::Description {
            value: doc.unwrap_or_default().to_string(),
            format: super::admin::DescriptionFormat::Markdown as i32,
        }),
    }
}

/// A task as `pyflyte package` writes it: an admin `TaskSpec`.
pub fn task_spec(
    task: &dyn crate::workflow::DynTask,
    settings: &SerializationSettings,
) -> super::admin::TaskSpec {
    super::admin::TaskSpec {
        template: Some(task_template(task, settings)),
        // As pyflyte package: a description only when the task has a doc comment.
        description: task.description().map(|d| description(Some(d))),
    }
}

/// A workflow as `pyflyte package` writes it: an admin `WorkflowSpec` (subworkflows
/// are registered as workflows of their own).
pub fn workflow_spec(
    spec: &crate::workflow::WorkflowSpec,
    settings: &SerializationSettings,
) -> Result<super::admin::WorkflowSpec, IdlError> {
    let mut parts = Parts::new(settings);
    let template = parts.template(spec, &spec.name)?;
    Ok(super::admin::WorkflowSpec {
        template: Some(template),
        sub_workflows: parts.sub_workflows,
        description: Some(description(spec.description.as_deref())),
    })
}

/// A workflow node starting a child execution of `plan`.
pub(super) fn launch_plan_target(
    plan: &dyn crate::workflow::DynLaunchPlan,
    settings: &SerializationSettings,
) -> pb::node::Target {
    pb::node::Target::WorkflowNode(pb::WorkflowNode {
        reference: Some(pb::workflow_node::Reference::LaunchplanRef(identifier(
            pb::ResourceType::LaunchPlan,
            plan.name(),
            settings,
        ))),
    })
}

/// A graph's template, with the templates of the tasks and subworkflows it refers
/// to, each once, in the order met.
pub(crate) fn template_and_parts(
    spec: &crate::workflow::WorkflowSpec,
    settings: &SerializationSettings,
) -> Result<
    (
        pb::WorkflowTemplate,
        Vec<pb::TaskTemplate>,
        Vec<pb::WorkflowTemplate>,
    ),
    IdlError,
> {
    let mut parts = Parts::new(settings);
    let template = parts.template(spec, &spec.name)?;
    let tasks = parts
        .tasks
        .iter()
        .map(|t| task_template(*t, settings))
        .collect();
    Ok((template, tasks, parts.sub_workflows))
}

/// A workflow with the templates of the tasks its nodes run (subworkflows and branch
/// cases included), in the order met.
pub fn workflow_closure(
    spec: &crate::workflow::WorkflowSpec,
    settings: &SerializationSettings,
) -> Result<super::admin::WorkflowClosure, IdlError> {
    let mut parts = Parts::new(settings);
    let workflow = parts.template(spec, &spec.name)?;
    Ok(super::admin::WorkflowClosure {
        workflow: Some(workflow),
        tasks: parts
            .tasks
            .iter()
            .map(|t| task_template(*t, settings))
            .collect(),
    })
}
