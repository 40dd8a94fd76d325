//! Dynamic tasks on a cluster, as flytekit runs them: the task's pod builds its
//! graph and writes it as a `DynamicJobSpec` (`futures.pb`); Flyte runs the nodes.
//!
//! The settings the graph's task templates need at run time (images, project,
//! domain, version, our binary's path) travel in the dynamic task's own template, in
//! the variable flytekit uses: `_F_SS_C`, base64 of gzipped JSON in the shape of
//! flytekit's `SerializationSettings`. A fast-registered build's location travels
//! there too (`fast_serialization_settings`), so the graph's tasks run that build.

use std::collections::BTreeMap;

use super::core as pb;
use super::entities::template_and_parts;
pub use super::settings::{SETTINGS_ENV, settings_env_value, settings_from_env_value};
use super::{IdlError, SerializationSettings};
use crate::workflow::WorkflowSpec;

/// The graph a dynamic task built, as Flyte runs it in the task's place: nodes
/// `dn0`, `dn1`, ... (as flytekit names them), all of which must succeed, the task's
/// outputs bound to theirs, and the templates of the tasks and subworkflows they run.
pub fn dynamic_job_spec(
    spec: &WorkflowSpec,
    settings: &SerializationSettings,
) -> Result<pb::DynamicJobSpec, IdlError> {
    let (template, tasks, subworkflows) = template_and_parts(spec, settings)?;
    let renamed: BTreeMap<String, String> = template
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| n.id == format!("n{i}"))
        .map(|(i, n)| (n.id.clone(), format!("dn{i}")))
        .collect();
    let rename = |id: &mut String| {
        if let Some(new) = renamed.get(id.as_str()) {
            *id = new.clone();
        }
    };
    let mut nodes = template.nodes;
    for node in &mut nodes {
        rename(&mut node.id);
        node.upstream_node_ids.iter_mut().for_each(rename);
        rename_bindings(&mut node.inputs, &rename);
        if let Some(pb::node::Target::ArrayNode(array)) = &mut node.target
            && let Some(sub) = &mut array.node
        {
            rename_bindings(&mut sub.inputs, &rename);
        }
    }
    let mut outputs = template.outputs;
    rename_bindings(&mut outputs, &rename);
    Ok(pb::DynamicJobSpec {
        min_successes: nodes.len() as i64,
        nodes,
        outputs,
        tasks,
        subworkflows,
    })
}

fn rename_bindings(bindings: &mut [pb::Binding], rename: &impl Fn(&mut String)) {
    for b in bindings {
        if let Some(data) = &mut b.binding {
            rename_data(data, rename);
        }
    }
}

fn rename_data(data: &mut pb::BindingData, rename: &impl Fn(&mut String)) {
    use pb::binding_data::Value;
    match &mut data.value {
        Some(Value::Promise(p)) => rename(&mut p.node_id),
        Some(Value::Collection(c)) => c.bindings.iter_mut().for_each(|b| rename_data(b, rename)),
        Some(Value::Map(m)) => m.bindings.values_mut().for_each(|b| rename_data(b, rename)),
        Some(Value::Scalar(_)) | None => {}
    }
}
