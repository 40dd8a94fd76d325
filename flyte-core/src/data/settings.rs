//! Where a cloud store's settings come from: flytekit's names as flytekit reads them,
//! over object_store's own.
//!
//! A stock Flyte cluster gives task pods flytekit's variables, not object_store's: the
//! sandbox (`flytectl demo`) sets `FLYTE_AWS_ENDPOINT=http://flyte-sandbox-minio.flyte:9000`,
//! `FLYTE_AWS_ACCESS_KEY_ID` and `FLYTE_AWS_SECRET_ACCESS_KEY` through propeller's
//! `plugins.k8s.default-env-vars`. flytekit reads each setting from its `FLYTE_*`
//! variable, else from its config file, else leaves it to the cloud SDK, which reads
//! the native variables (`AWS_*`, ...). The same order here:
//!
//! | flytekit variable | flytekit config file (YAML / INI) | object_store key |
//! |---|---|---|
//! | `FLYTE_AWS_ENDPOINT` | `storage.connection.endpoint` / `[aws] endpoint` | `aws_endpoint` (`http://` allowed) |
//! | `FLYTE_AWS_ACCESS_KEY_ID` | `storage.connection.access-key` / `[aws] access_key_id` | `aws_access_key_id` |
//! | `FLYTE_AWS_SECRET_ACCESS_KEY` | `storage.connection.secret-key` / `[aws] secret_access_key` | `aws_secret_access_key` |
//! | `FLYTE_AWS_ADDRESSING_STYLE` (any value: virtual) | `storage.connection.addressing-style` / `[aws] addressing_style` | `aws_virtual_hosted_style_request` |
//! | `FLYTE_AZURE_STORAGE_ACCOUNT_NAME` | `[azure] storage_account_name` | `azure_storage_account_name` |
//! | `FLYTE_AZURE_STORAGE_ACCOUNT_KEY` | `[azure] storage_account_key` | `azure_storage_account_key` |
//! | `FLYTE_AZURE_TENANT_ID` | `[azure] tenant_id` | `azure_storage_tenant_id` |
//! | `FLYTE_AZURE_CLIENT_ID` | `[azure] client_id` | `azure_storage_client_id` |
//! | `FLYTE_AZURE_CLIENT_SECRET` | `[azure] client_secret` | `azure_storage_client_secret` |
//!
//! The config file is flytekit's: `$FLYTECTL_CONFIG`, else `./flytekit.config` (INI),
//! `~/.flyte/config` (INI), `~/.flyte/config.yaml`. An endpoint given in flytekit's
//! names may be `http://` (flytekit passes it to its S3 client as it is); an `http://`
//! `AWS_ENDPOINT` still needs object_store's `AWS_ALLOW_HTTP`. flytekit has no GCS
//! setting that reaches its store (`FLYTE_GCP_GSUTIL_PARALLELISM` is read and unused),
//! so `gs://` takes object_store's `GOOGLE_*` alone.

use std::path::{Path, PathBuf};

use object_store::ObjectStoreScheme;

/// One flytekit setting: its variable, YAML key, INI section and key, and the
/// object_store key it becomes.
struct Setting {
    env: &'static str,
    yaml: Option<&'static str>,
    ini: (&'static str, &'static str),
    key: &'static str,
}

const AWS: &[Setting] = &[
    Setting {
        env: "FLYTE_AWS_ENDPOINT",
        yaml: Some("endpoint"),
        ini: ("aws", "endpoint"),
        key: "aws_endpoint",
    },
    Setting {
        env: "FLYTE_AWS_ACCESS_KEY_ID",
        yaml: Some("access-key"),
        ini: ("aws", "access_key_id"),
        key: "aws_access_key_id",
    },
    Setting {
        env: "FLYTE_AWS_SECRET_ACCESS_KEY",
        yaml: Some("secret-key"),
        ini: ("aws", "secret_access_key"),
        key: "aws_secret_access_key",
    },
    Setting {
        env: "FLYTE_AWS_ADDRESSING_STYLE",
        yaml: Some("addressing-style"),
        ini: ("aws", "addressing_style"),
        key: "aws_virtual_hosted_style_request",
    },
];

const AZURE: &[Setting] = &[
    Setting {
        env: "FLYTE_AZURE_STORAGE_ACCOUNT_NAME",
        yaml: None,
        ini: ("azure", "storage_account_name"),
        key: "azure_storage_account_name",
    },
    Setting {
        env: "FLYTE_AZURE_STORAGE_ACCOUNT_KEY",
        yaml: None,
        ini: ("azure", "storage_account_key"),
        key: "azure_storage_account_key",
    },
    Setting {
        env: "FLYTE_AZURE_TENANT_ID",
        yaml: None,
        ini: ("azure", "tenant_id"),
        key: "azure_storage_tenant_id",
    },
    Setting {
        env: "FLYTE_AZURE_CLIENT_ID",
        yaml: None,
        ini: ("azure", "client_id"),
        key: "azure_storage_client_id",
    },
    Setting {
        env: "FLYTE_AZURE_CLIENT_SECRET",
        yaml: None,
        ini: ("azure", "client_secret"),
        key: "azure_storage_client_secret",
    },
];

/// flytekit's config file, read once per store: YAML (`storage.connection.*`) or INI
/// (`[aws]`, `[azure]`).
#[derive(Debug, Default, PartialEq)]
pub(crate) enum ConfigFile {
    /// No file.
    #[default]
    None,
    /// A YAML file's `storage.connection` entries.
    Yaml(Vec<(String, String)>),
    /// An INI file's entries as `(section, key, value)`.
    Ini(Vec<(String, String, String)>),
}

impl ConfigFile {
    /// The file flytekit would read, found as flytekit finds it; `None` when there is
    /// none or it cannot be read (flytekit then goes on without one too).
    pub(crate) fn find() -> Self {
        let home = dirs::home_dir();
        let candidates: Vec<PathBuf> = std::env::var_os("FLYTECTL_CONFIG")
            .map(PathBuf::from)
            .into_iter()
            .chain([PathBuf::from("flytekit.config")])
            .chain(home.iter().map(|h| h.join(".flyte").join("config")))
            .chain(home.iter().map(|h| h.join(".flyte").join("config.yaml")))
            .collect();
        candidates
            .iter()
            .find(|p| p.is_file())
            .and_then(|p| Self::read(p))
            .unwrap_or_default()
    }

    fn read(path: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(path).ok()?;
        let name = path.file_name()?.to_string_lossy();
        if name.ends_with("yaml") || name.ends_with("yml") {
            Some(Self::parse_yaml(&text))
        } else {
            Some(Self::parse_ini(&text))
        }
    }

    /// The scalar entries under `storage.connection`.
    pub(crate) fn parse_yaml(text: &str) -> Self {
        let docs = yaml_rust2::YamlLoader::load_from_str(text).unwrap_or_default();
        let mut out = Vec::new();
        if let Some(connection) = docs
            .first()
            .map(|d| &d["storage"]["connection"])
            .and_then(|c| c.as_hash())
        {
            for (k, v) in connection {
                let value = match v {
                    yaml_rust2::Yaml::String(s) => s.clone(),
                    yaml_rust2::Yaml::Integer(i) => i.to_string(),
                    yaml_rust2::Yaml::Boolean(b) => b.to_string(),
                    yaml_rust2::Yaml::Real(r) => r.clone(),
                    _ => continue,
                };
                if let Some(key) = k.as_str() {
                    out.push((key.to_string(), value));
                }
            }
        }
        Self::Yaml(out)
    }

    /// `[section]` headers and `key = value` (or `key: value`) lines, as Python's
    /// configparser reads them; `#` and `;` start comments.
    pub(crate) fn parse_ini(text: &str) -> Self {
        let mut section = String::new();
        let mut out = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.trim().to_string();
            } else if let Some((k, v)) = line.split_once(['=', ':']) {
                // configparser lowercases keys.
                let key = k.trim().to_lowercase();
                out.push((section.clone(), key, v.trim().to_string()));
            }
        }
        Self::Ini(out)
    }

    fn get(&self, setting: &Setting) -> Option<&str> {
        match self {
            ConfigFile::None => None,
            ConfigFile::Yaml(entries) => {
                let key = setting.yaml?;
                entries
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.as_str())
            }
            ConfigFile::Ini(entries) => entries
                .iter()
                .find(|(s, k, _)| *s == setting.ini.0 && *k == setting.ini.1)
                .map(|(.., v)| v.as_str()),
        }
    }
}

/// The options a store for `scheme` is built with, later entries winning: the native
/// variables (`AWS_*`, `GOOGLE_*`, `AZURE_*`), then flytekit's config file, then
/// flytekit's `FLYTE_*` variables.
pub(crate) fn store_options(
    scheme: &ObjectStoreScheme,
    env: &[(String, String)],
    file: &ConfigFile,
) -> Vec<(String, String)> {
    let (native, flytekit): (&str, &[Setting]) = match scheme {
        ObjectStoreScheme::AmazonS3 => ("AWS_", AWS),
        ObjectStoreScheme::GoogleCloudStorage => ("GOOGLE_", &[]),
        ObjectStoreScheme::MicrosoftAzure => ("AZURE_", AZURE),
        _ => return Vec::new(),
    };
    // What object_store's own `from_env` reads: its prefix, and the two variables
    // outside it (Azure's managed-identity endpoint, GCS's service-account file).
    let mut options: Vec<(String, String)> = env
        .iter()
        .filter_map(|(k, v)| match (scheme, k.as_str()) {
            (ObjectStoreScheme::MicrosoftAzure, "IDENTITY_ENDPOINT") => {
                Some(("azure_msi_endpoint".to_string(), v.clone()))
            }
            (ObjectStoreScheme::GoogleCloudStorage, "SERVICE_ACCOUNT") => {
                Some(("google_service_account".to_string(), v.clone()))
            }
            _ if k.starts_with(native) => Some((k.clone(), v.clone())),
            _ => None,
        })
        .collect();
    let from_file = flytekit.iter().filter_map(|s| Some((s, file.get(s)?)));
    let from_env = flytekit.iter().filter_map(|s| {
        let value = env.iter().find(|(k, _)| k == s.env)?;
        Some((s, value.1.as_str()))
    });
    for (setting, value) in from_file.chain(from_env) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match setting.key {
            // flytekit forces virtual-hosted style for any value it is given.
            "aws_virtual_hosted_style_request" => {
                options.push((setting.key.to_string(), "true".to_string()))
            }
            "aws_endpoint" => {
                options.push((setting.key.to_string(), value.to_string()));
                let http = value.starts_with("http://");
                options.push(("aws_allow_http".to_string(), http.to_string()));
            }
            key => options.push((key.to_string(), value.to_string())),
        }
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The value the builder ends up with: the last one given.
    fn last<'a>(options: &'a [(String, String)], key: &str) -> Option<&'a str> {
        options
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn the_sandboxs_variables_reach_the_s3_store_with_http_allowed() {
        // flyteorg/flyte docker/sandbox-bundled/manifests/complete.yaml, default-env-vars.
        let vars = env(&[
            (
                "FLYTE_AWS_ENDPOINT",
                "http://flyte-sandbox-minio.flyte:9000",
            ),
            ("FLYTE_AWS_ACCESS_KEY_ID", "minio"),
            ("FLYTE_AWS_SECRET_ACCESS_KEY", "miniostorage"),
            ("FLYTE_PLATFORM_URL", "flyte-sandbox-grpc.flyte:8089"),
            ("TOKEN", "not-a-store-setting"),
        ]);
        let o = store_options(&ObjectStoreScheme::AmazonS3, &vars, &ConfigFile::None);
        assert_eq!(
            last(&o, "aws_endpoint"),
            Some("http://flyte-sandbox-minio.flyte:9000")
        );
        assert_eq!(last(&o, "aws_allow_http"), Some("true"));
        assert_eq!(last(&o, "aws_access_key_id"), Some("minio"));
        assert_eq!(last(&o, "aws_secret_access_key"), Some("miniostorage"));
        assert_eq!(last(&o, "token"), None);
        // Nothing of S3's for another store.
        let gcs = store_options(
            &ObjectStoreScheme::GoogleCloudStorage,
            &vars,
            &ConfigFile::None,
        );
        assert!(gcs.is_empty(), "{gcs:?}");
    }

    #[test]
    fn flytekits_variables_beat_its_file_which_beats_the_native_ones() {
        let vars = env(&[
            ("AWS_ENDPOINT", "https://native.example"),
            ("AWS_ACCESS_KEY_ID", "native-key"),
            ("AWS_REGION", "eu-west-1"),
            ("FLYTE_AWS_ACCESS_KEY_ID", "flyte-key"),
        ]);
        let file = ConfigFile::parse_yaml(
            "admin:\n  endpoint: dns:///x\nstorage:\n  connection:\n    endpoint: http://file.example:9000\n    access-key: file-key\n    secret-key: file-secret\n",
        );
        let o = store_options(&ObjectStoreScheme::AmazonS3, &vars, &file);
        assert_eq!(last(&o, "aws_endpoint"), Some("http://file.example:9000"));
        assert_eq!(last(&o, "aws_allow_http"), Some("true"));
        assert_eq!(last(&o, "aws_access_key_id"), Some("flyte-key"));
        assert_eq!(last(&o, "aws_secret_access_key"), Some("file-secret"));
        assert_eq!(last(&o, "AWS_REGION"), Some("eu-west-1"));
    }

    #[test]
    fn an_ini_file_and_azures_names_are_read_as_flytekit_reads_them() {
        let file = ConfigFile::parse_ini(
            "[aws]\nendpoint = https://s3.acme.io\naddressing_style = path\n\n[azure]\n; comment\nstorage_account_name: acct\ntenant_id = t-1\n",
        );
        let o = store_options(&ObjectStoreScheme::AmazonS3, &[], &file);
        assert_eq!(last(&o, "aws_endpoint"), Some("https://s3.acme.io"));
        assert_eq!(last(&o, "aws_allow_http"), Some("false"));
        assert_eq!(last(&o, "aws_virtual_hosted_style_request"), Some("true"));
        let vars = env(&[("FLYTE_AZURE_CLIENT_SECRET", "s3cret")]);
        let o = store_options(&ObjectStoreScheme::MicrosoftAzure, &vars, &file);
        assert_eq!(last(&o, "azure_storage_account_name"), Some("acct"));
        assert_eq!(last(&o, "azure_storage_tenant_id"), Some("t-1"));
        assert_eq!(last(&o, "azure_storage_client_secret"), Some("s3cret"));
    }
}
