//! Dynamic tasks on a cluster, as flytekit runs them: the task's pod builds its
//! graph and writes it as a `DynamicJobSpec` (`futures.pb`); Flyte runs the nodes.
//!
//! The settings the graph's task templates need at run time (images, project,
//! domain, version, our binary's path) travel in the dynamic task's own template, in
//! the variable flytekit uses: `_F_SS_C`, base64 of gzipped JSON in the shape of
//! flytekit's `SerializationSettings`. A fast-registered build's location travels
//! there too (`fast_serialization_settings`), so the graph's tasks run that build.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use base64::Engine as _;

use super::core as pb;
use super::entities::template_and_parts;
use super::{FastSettings, IdlError, SerializationSettings};
use crate::workflow::WorkflowSpec;

/// The environment variable carrying the serialization settings (flytekit's
/// `SERIALIZED_CONTEXT_ENV_VAR`).
pub const SETTINGS_ENV: &str = "_F_SS_C";

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

/// flytekit's image reference split: `fqn` and `tag` (or `digest`).
fn image_json(name: &str, reference: &str) -> serde_json::Value {
    let (fqn, tag, digest) = match reference.split_once('@') {
        Some((fqn, digest)) => (fqn, None, Some(digest)),
        None => match reference.rsplit_once(':') {
            // A `:` after the last `/` separates the tag (not a registry's port).
            Some((fqn, tag)) if !tag.contains('/') => (fqn, Some(tag), None),
            _ => (reference, None, None),
        },
    };
    serde_json::json!({"name": name, "fqn": fqn, "tag": tag, "digest": digest})
}

/// The `_F_SS_C` value of a dynamic task's template: the settings as flytekit's
/// `SerializationSettings` JSON (the Python-only fields null), with our binary's
/// path, gzipped (mtime 0) and base64-encoded.
pub fn settings_env_value(settings: &SerializationSettings) -> String {
    let default = image_json("default", &settings.image);
    let mut images = vec![default.clone()];
    images.extend(settings.images.iter().map(|(n, r)| image_json(n, r)));
    let json = serde_json::json!({
        "image_config": {"default_image": default, "images": images},
        "project": settings.project,
        "domain": settings.domain,
        "version": settings.version,
        "env": null,
        "default_resources": null,
        "git_repo": null,
        "python_interpreter": null,
        "flytekit_virtualenv_root": null,
        "fast_serialization_settings": settings.fast.as_ref().map(|f| serde_json::json!({
            "enabled": true,
            "destination_dir": f.dest_dir,
            "distribution_location": f.distribution,
            "digest": f.digest,
        })),
        "source_root": null,
        "entrypoint": settings.entrypoint,
    });
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    gz.write_all(json.to_string().as_bytes())
        .expect("writing to memory does not fail");
    let bytes = gz.finish().expect("writing to memory does not fail");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Reads the settings back from an `_F_SS_C` value (ours, or flytekit's, whose
/// entrypoint is then unknown and left empty).
pub fn settings_from_env_value(value: &str) -> Result<SerializationSettings, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .map_err(|e| format!("{SETTINGS_ENV} is not base64: {e}"))?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .map_err(|e| format!("{SETTINGS_ENV} is not gzipped text: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{SETTINGS_ENV} is not JSON: {e}"))?;
    let field = |k: &str| json[k].as_str().unwrap_or_default().to_string();
    let reference = |image: &serde_json::Value| {
        let fqn = image["fqn"].as_str().unwrap_or_default();
        match (image["tag"].as_str(), image["digest"].as_str()) {
            (_, Some(digest)) => format!("{fqn}@{digest}"),
            (Some(tag), None) => format!("{fqn}:{tag}"),
            (None, None) => fqn.to_string(),
        }
    };
    let config = &json["image_config"];
    let images = config["images"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|i| i["name"] != "default")
                .map(|i| {
                    (
                        i["name"].as_str().unwrap_or_default().to_string(),
                        reference(i),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let fast = &json["fast_serialization_settings"];
    let fast = (fast["enabled"] == true).then(|| FastSettings {
        distribution: fast["distribution_location"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        dest_dir: fast["destination_dir"].as_str().unwrap_or(".").to_string(),
        digest: fast["digest"].as_str().unwrap_or_default().to_string(),
    });
    Ok(SerializationSettings {
        project: field("project"),
        domain: field("domain"),
        version: field("version"),
        image: reference(&config["default_image"]),
        images,
        entrypoint: field("entrypoint"),
        fast,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_travel_through_the_variable_unchanged() {
        let settings = SerializationSettings {
            project: "p".into(),
            domain: "d".into(),
            version: "v1".into(),
            image: "localhost:5000/app:1.2".into(),
            images: [("gpu".to_string(), "ghcr.io/a/b@sha256:00ff".to_string())].into(),
            entrypoint: "/usr/local/bin/app".into(),
            fast: None,
        };
        let back = settings_from_env_value(&settings_env_value(&settings)).unwrap();
        assert_eq!(back, settings);
        let fast = SerializationSettings {
            fast: Some(FastSettings::new("s3://b/fast/app", "00ff")),
            ..settings
        };
        let back = settings_from_env_value(&settings_env_value(&fast)).unwrap();
        assert_eq!(back, fast);
    }

    #[test]
    fn flytekits_value_is_read() {
        // task_dynamic's `_F_SS_C`, as flytekit 1.16.31 wrote it.
        let theirs = "H4sIAAAAAAAC/72QUU7EMAxEr7LK99KqqsQHV0EoCl03mE3tkLiRyoq7k3i7C1yAn8qdmTxPcjG4OA92YprRm6fDxZxgdmsQq4Yq5JY23BxzPJj5g5oypW4Om0DHyfc63YczalBco5q4jd0wPAzd8NiNQzNO6CFL9WgN4asKui9X4flfNr60nTHxO0xNM4rI5KZz1jAvDunaoUDguAApvkDKyOoUxQKVnXm8F7YJMq9p0vvslscmR/5R4iZvTBZJIMUE9duoPUfpS6X2r0j9NTPqC+yXtAWTrC7UiE3M8ueQBl0WmyGhC/jppLatfyJI/leda78bQJ/kG0ZhZ0MNAgAA";
        let s = settings_from_env_value(theirs).unwrap();
        assert_eq!(
            (s.project.as_str(), s.domain.as_str(), s.version.as_str()),
            ("flytesnacks", "development", "v1")
        );
        assert_eq!(s.image, "cr.flyte.org/flyteorg/flytekit:py3.11-1.16.31");
        assert!(s.images.is_empty());
    }
}
