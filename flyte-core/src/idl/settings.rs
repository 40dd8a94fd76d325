//! Where entities are registered and what runs them ([`SerializationSettings`]), the
//! arguments a task's container runs with, identifiers, and the settings' `_F_SS_C`
//! form a dynamic task's pod reads them back from. Below the serializers, which all
//! take them.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use base64::Engine as _;

use super::core as pb;

/// Where specs are registered and what runs them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SerializationSettings {
    /// Flyte project.
    pub project: String,
    /// Flyte domain.
    pub domain: String,
    /// Version of everything registered together.
    pub version: String,
    /// The container image holding the user's binary: the `default` image.
    pub image: String,
    /// More images by name, for tasks that say `image = "NAME"` (pyflyte's
    /// `--image NAME=FQN:TAG`).
    pub images: BTreeMap<String, String>,
    /// The binary's path inside the image.
    pub entrypoint: String,
    /// Set for a fast-registered build: each task's container then starts the
    /// image's copy of the program as a bootstrap that fetches this build and runs it.
    pub fast: Option<FastSettings>,
}

/// Where a fast-registered build is and how the bootstrap checks it (flytekit's
/// `FastSerializationSettings`, with the build's digest added).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FastSettings {
    /// The build's URL (`s3://...`), or flytectl's `{{ .remote_package_path }}`
    /// placeholder, which `flytectl register files` fills with where it uploaded the
    /// package's `fast*.tar.gz`.
    pub distribution: String,
    /// The folder of the task's container the build goes into, or flytectl's
    /// `{{ .dest_dir }}` placeholder (`.` unless `--destinationDirectory` says).
    pub dest_dir: String,
    /// The SHA-256 of the program, hex: the bootstrap runs nothing else.
    pub digest: String,
}

impl FastSettings {
    /// flytectl's placeholder for the uploaded package.
    pub const REMOTE_PACKAGE_PATH: &'static str = "{{ .remote_package_path }}";
    /// flytectl's placeholder for the destination folder.
    pub const DEST_DIR: &'static str = "{{ .dest_dir }}";

    /// A build already uploaded to `distribution`, put into the container's working
    /// folder (`.`, as pyflyte's fast registration does).
    pub fn new(distribution: impl Into<String>, digest: impl Into<String>) -> Self {
        FastSettings {
            distribution: distribution.into(),
            dest_dir: ".".to_string(),
            digest: digest.into(),
        }
    }

    /// For `package --fast`: flytectl's placeholders, filled in at registration.
    pub fn placeholders(digest: impl Into<String>) -> Self {
        FastSettings {
            distribution: Self::REMOTE_PACKAGE_PATH.to_string(),
            dest_dir: Self::DEST_DIR.to_string(),
            digest: digest.into(),
        }
    }
}

impl SerializationSettings {
    /// The image a task's container runs: the default image when the task names none
    /// (or names `default`), the task's own when it gives a reference (with a `/` or
    /// a `:`), else the image of that name. An unknown name is an error listing the
    /// names there are.
    pub fn image_for<'a>(&'a self, task_image: Option<&'a str>) -> Result<&'a str, String> {
        match task_image {
            None | Some("default") => Ok(&self.image),
            Some(reference) if reference.contains(['/', ':']) => Ok(reference),
            Some(name) => self.images.get(name).map(String::as_str).ok_or_else(|| {
                let mut known = vec!["default"];
                known.extend(self.images.keys().map(String::as_str));
                format!(
                    "no image is named `{name}` (there are: {}); give it with `--image {name}=FQN:TAG`",
                    known.join(", ")
                )
            }),
        }
    }

    /// The identifier launch plan `name` is registered under with these settings.
    pub fn launch_plan_id(&self, name: &str) -> pb::Identifier {
        identifier(pb::ResourceType::LaunchPlan, name, self)
    }
}

/// The arguments Flyte's engine runs a task with: our `execute` subcommand and the
/// placeholders Flyte fills in. For a fast-registered build, the image's program
/// first runs `fast-execute` (as pyflyte's `pyflyte-fast-execute ... --`), which
/// fetches the build and runs it with the rest.
pub fn execute_args(settings: &SerializationSettings, task_name: &str) -> Vec<String> {
    let mut args = vec![settings.entrypoint.clone()];
    if let Some(fast) = &settings.fast {
        args.extend(
            [
                "fast-execute",
                "--additional-distribution",
                &fast.distribution,
                "--dest-dir",
                &fast.dest_dir,
                "--digest",
                &fast.digest,
                "--",
            ]
            .map(String::from),
        );
    }
    let execute = [
        "execute",
        "--inputs",
        "{{.input}}",
        "--output-prefix",
        "{{.outputPrefix}}",
        "--raw-output-data-prefix",
        "{{.rawOutputDataPrefix}}",
        "--checkpoint-path",
        "{{.checkpointOutputPrefix}}",
        "--prev-checkpoint",
        "{{.prevCheckpointPrefix}}",
        "--",
        "task-name",
        task_name,
    ];
    args.extend(execute.map(String::from));
    args
}

pub(crate) fn identifier(
    kind: pb::ResourceType,
    name: &str,
    settings: &SerializationSettings,
) -> pb::Identifier {
    pb::Identifier {
        resource_type: kind as i32,
        project: settings.project.clone(),
        domain: settings.domain.clone(),
        name: name.to_string(),
        version: settings.version.clone(),
    }
}

/// The environment variable carrying the serialization settings (flytekit's
/// `SERIALIZED_CONTEXT_ENV_VAR`).
pub const SETTINGS_ENV: &str = "_F_SS_C";

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
