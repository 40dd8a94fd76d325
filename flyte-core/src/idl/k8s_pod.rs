//! A task's pod template as Flyte's `K8sPod`: labels and annotations, and the pod
//! spec with the task's container merged into its primary container the way
//! flytekit's `_serialize_pod_spec` does.

use std::collections::BTreeMap;

use super::core as pb;
use super::values::json_struct;
use crate::task::PodTemplate;

/// `template` with `container` (the task's image, command, arguments, resources and
/// environment) as its primary container: completes the container of that name, or
/// adds one.
pub(crate) fn k8s_pod(template: &PodTemplate, container: &pb::Container) -> pb::K8sPod {
    let mut spec = template.pod_spec.clone();
    let primary = &template.primary_container_name;
    if let Some(obj) = spec.as_object_mut() {
        let containers = obj
            .entry("containers")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if let Some(list) = containers.as_array_mut() {
            let found = list
                .iter()
                .position(|c| c.get("name").and_then(|n| n.as_str()) == Some(primary));
            let index = found.unwrap_or_else(|| {
                list.push(serde_json::json!({ "name": primary }));
                list.len() - 1
            });
            merge_primary(&mut list[index], container);
        }
    }
    pb::K8sPod {
        metadata: Some(pb::K8sObjectMetadata {
            labels: pairs(&template.labels),
            annotations: pairs(&template.annotations),
        }),
        pod_spec: json_struct(&spec),
        data_config: container.data_config.clone(),
        primary_container_name: String::new(),
    }
}

fn pairs(p: &[(String, String)]) -> BTreeMap<String, String> {
    p.iter().cloned().collect()
}

/// The task's container into the spec's primary container: image when the spec has
/// none, command and arguments always, resources when the task sets any, and the
/// task's environment before the spec's own.
fn merge_primary(target: &mut serde_json::Value, container: &pb::Container) {
    use serde_json::{Value, json};
    let Some(c) = target.as_object_mut() else {
        return;
    };
    if c.get("image").and_then(Value::as_str).is_none() {
        c.insert("image".into(), json!(container.image));
    }
    c.insert("command".into(), json!(container.command));
    c.insert("args".into(), json!(container.args));
    let resources = container.resources.clone().unwrap_or_default();
    let amounts = |entries: &[pb::ResourceEntry]| -> serde_json::Map<String, Value> {
        entries
            .iter()
            .map(|e| (resource_key(e.name), json!(e.value)))
            .collect()
    };
    let (limits, requests) = (amounts(&resources.limits), amounts(&resources.requests));
    if !limits.is_empty() || !requests.is_empty() {
        c.insert(
            "resources".into(),
            json!({ "limits": limits, "requests": requests }),
        );
    }
    let mut env: Vec<Value> = container
        .env
        .iter()
        .map(|kv| json!({ "name": kv.key, "value": kv.value }))
        .collect();
    if let Some(Value::Array(own)) = c.get("env") {
        env.extend(own.iter().cloned());
    }
    c.insert("env".into(), Value::Array(env));
}

/// Kubernetes' name for a resource (`ephemeral-storage`, `cpu`, `gpu`, `memory`).
fn resource_key(name: i32) -> String {
    match pb::ResourceName::try_from(name) {
        Ok(pb::ResourceName::Cpu) => "cpu",
        Ok(pb::ResourceName::Gpu) => "gpu",
        Ok(pb::ResourceName::Memory) => "memory",
        Ok(pb::ResourceName::EphemeralStorage) => "ephemeral-storage",
        _ => "unknown",
    }
    .to_string()
}
