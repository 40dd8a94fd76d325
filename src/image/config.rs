//! The image's config: the base's, with the new layers, the program as the command
//! and no entrypoint, the extra environment, and a fixed creation time; and the tag
//! derived from it.

use sha2::{Digest, Sha256};

use super::ImageError;

/// `rs-` and 16 hex digits of a SHA-256 of the base's digest and the new config's
/// (which holds the program layer's digest, the environment and the command).
pub(super) fn image_tag(base_digest: &str, config_digest: &str) -> String {
    let mut digest = Sha256::new();
    digest.update(base_digest.as_bytes());
    digest.update(b"\n");
    digest.update(config_digest.as_bytes());
    format!("rs-{}", crate::digest::hex(&digest.finalize()[..8]))
}

/// The base's config with the program's layer on top: no `Entrypoint` (the tasks'
/// container arguments start with the program's path, and Kubernetes would put an
/// image entrypoint before them), `Cmd` the program, the extra environment, and a
/// fixed creation time so the same inputs give the same config.
pub(super) fn image_config(
    base: &serde_json::Value,
    new_diff_ids: &[&str],
    entrypoint: &str,
    env: &[(String, String)],
) -> Result<Vec<u8>, ImageError> {
    use serde_json::{Value, json};
    let mut config = base.clone();
    let bad = |reason: &str| ImageError::Base {
        base: "config".to_string(),
        reason: reason.to_string(),
    };
    let root = config
        .as_object_mut()
        .ok_or_else(|| bad("not a JSON object"))?;
    const EPOCH: &str = "1970-01-01T00:00:00Z";
    root.insert("created".into(), json!(EPOCH));
    let diff_ids = root
        .entry("rootfs")
        .or_insert_with(|| json!({"type": "layers", "diff_ids": []}))
        .get_mut("diff_ids")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| bad("its rootfs has no diff_ids"))?;
    diff_ids.extend(new_diff_ids.iter().map(|d| json!(d)));
    if let Some(history) = root.get_mut("history").and_then(Value::as_array_mut) {
        let created_by = format!("flytekit image: {entrypoint}");
        for _ in new_diff_ids {
            history.push(json!({"created": EPOCH, "created_by": created_by}));
        }
    }
    let container = root
        .entry("config")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| bad("its config is not an object"))?;
    container.insert("Entrypoint".into(), Value::Null);
    container.insert("Cmd".into(), json!([entrypoint]));
    let mut vars: Vec<String> = container
        .get("Env")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    for (name, value) in env {
        vars.retain(|v| v.split_once('=').map(|(n, _)| n) != Some(name.as_str()));
        vars.push(format!("{name}={value}"));
    }
    container.insert("Env".into(), json!(vars));
    serde_json::to_vec(&config).map_err(|e| bad(&e.to_string()))
}

/// `NAME=VALUE`, as `--env` takes it.
pub fn parse_env(text: &str) -> Result<(String, String), ImageError> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() && !name.contains(char::is_whitespace) => {
            Ok((name.to_string(), value.to_string()))
        }
        _ => Err(ImageError::Setting {
            value: text.to_string(),
            reason: "expected NAME=VALUE".to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_runs_the_program_with_no_entrypoint_and_the_extra_env() {
        let base = serde_json::json!({
            "architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
            "config": {"Entrypoint": ["/bin/sh"], "Env": ["PATH=/usr/bin", "A=1"]},
            "rootfs": {"type": "layers", "diff_ids": ["sha256:aa"]},
            "history": [{"created_by": "base"}]
        });
        let env = [("A".to_string(), "2".to_string())];
        let bytes = image_config(&base, &["sha256:bb"], "/usr/local/bin/app", &env).unwrap();
        let config: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(config["config"]["Entrypoint"], serde_json::Value::Null);
        assert_eq!(
            config["config"]["Cmd"],
            serde_json::json!(["/usr/local/bin/app"])
        );
        assert_eq!(
            config["config"]["Env"],
            serde_json::json!(["PATH=/usr/bin", "A=2"])
        );
        assert_eq!(config["rootfs"]["diff_ids"][1], "sha256:bb");
        assert_eq!(config["history"].as_array().unwrap().len(), 2);
        assert_eq!(config["created"], "1970-01-01T00:00:00Z");
        // The same inputs, the same config and tag; another program, another tag.
        assert_eq!(
            bytes,
            image_config(&base, &["sha256:bb"], "/usr/local/bin/app", &env).unwrap()
        );
        assert_ne!(
            image_tag("sha256:1", "sha256:2"),
            image_tag("sha256:1", "sha256:3")
        );
    }
}
