//! Secrets: what a task asks Flyte to mount ([`Secret`]), how it reads one at run
//! time ([`ExecutionContext::secret`](super::ExecutionContext::secret)), and the
//! guard that keeps a value out of Debug output and error messages ([`SecretValue`]).
//!
//! The lookup is flytekit's, so a Rust task finds a secret wherever Flyte puts it for a
//! Python one: the env var the request names, then `<prefix><GROUP>_<VERSION>_<KEY>`
//! (prefix `FLYTE_SECRETS_ENV_PREFIX`, default `_FSEC_`), then the file
//! `<dir>/<group>/<version>/<file prefix><key>` (dir `FLYTE_SECRETS_DEFAULT_DIR`,
//! default `/etc/secrets`; file prefix `FLYTE_SECRETS_FILE_PREFIX`, default empty).
//! A local run looks in [`RunOptions::secret`](crate::execution::RunOptions::secret)
//! first.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

/// How Flyte hands a secret to the pod.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretMount {
    /// Whichever the cluster's secret manager prefers.
    #[default]
    Any,
    /// As an environment variable.
    EnvVar,
    /// As a file.
    File,
}

/// A secret a task asks Flyte to make available: a key in a group, optionally of a
/// version, as an env var, a file or either, optionally under an env var name of its
/// own. Set with the builder methods, read as fields.
///
/// A request may also name only its group ([`Secret::whole_group`], flytekit's
/// `Secret(group=..)` with no key): the whole secret is one value. That is the form of
/// Flyte's GCP Secret Manager webhook, which mounts the secret's version `v` as the
/// file `<dir>/<group>/<v>`; Flyte's Kubernetes, Vault and AWS webhooks refuse a
/// request without a key. Such a secret names its version, is mounted as a file (or
/// as the cluster prefers), never as an env var, and is read with
/// [`ExecutionContext::group_secret`](super::ExecutionContext::group_secret).
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::task::{Secret, SecretMount};
/// let s = Secret::new("db", "password").env_var("DB_PASSWORD");
/// assert_eq!(s.mount, SecretMount::EnvVar);
/// assert_eq!(Secret::new("api", "token").version("v2").version.as_deref(), Some("v2"));
/// let whole = Secret::whole_group("api-token").version("3").mount(SecretMount::File);
/// assert_eq!(whole.key, None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Secret {
    /// The group.
    pub group: String,
    /// The key; `None` for a request of the whole group.
    pub key: Option<String>,
    /// The group's version, if one was given.
    pub version: Option<String>,
    /// How the secret is mounted.
    pub mount: SecretMount,
    /// The env var it is mounted as, if one was named.
    pub env_var: Option<String>,
}

impl Secret {
    /// A request for `key` in `group`, mounted as the cluster prefers.
    pub fn new(group: impl Into<String>, key: impl Into<String>) -> Self {
        Secret {
            group: group.into(),
            key: Some(key.into()),
            version: None,
            mount: SecretMount::Any,
            env_var: None,
        }
    }

    /// A request for the whole of `group`, with no key: one value, mounted as a file
    /// (see the type's docs for where Flyte supports it).
    pub fn whole_group(group: impl Into<String>) -> Self {
        Secret {
            group: group.into(),
            key: None,
            version: None,
            mount: SecretMount::Any,
            env_var: None,
        }
    }

    /// The group's version (`group_version`).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// How the secret is mounted.
    pub fn mount(mut self, mount: SecretMount) -> Self {
        self.mount = mount;
        self
    }

    /// Mounts the secret as this environment variable (and so as an env var).
    pub fn env_var(mut self, name: impl Into<String>) -> Self {
        self.env_var = Some(name.into());
        self.mount = SecretMount::EnvVar;
        self
    }

    /// The first problem with this request: an empty group or key, or a whole group
    /// asked for as an env var.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        if self.group.is_empty() {
            Some("a secret needs a group")
        } else if self.key.as_deref() == Some("") {
            Some("a secret's key cannot be empty")
        } else if self.key.is_none() && self.mount == SecretMount::EnvVar {
            Some(
                "a secret without a key is mounted as a file (Flyte's webhooks mount no whole group as an env var): use `mount = file` or give a `key`",
            )
        } else if self.key.is_none() && self.version.is_none() {
            Some(
                "a secret without a key is a whole GCP Secret Manager secret, which Flyte mounts by its version: give a `version` (or a `key`)",
            )
        } else {
            None
        }
    }

    /// `group/key` (or `group` for a whole group), for messages.
    pub(crate) fn label(&self) -> String {
        match &self.key {
            Some(key) => format!("{}/{key}", self.group),
            None => self.group.clone(),
        }
    }

    /// The env var flytekit's secret manager reads: `<prefix>GROUP[_VERSION][_KEY]`.
    fn prefixed_env_var(&self, prefix: &str) -> String {
        let parts: Vec<String> = [Some(&self.group), self.version.as_ref(), self.key.as_ref()]
            .into_iter()
            .flatten()
            .map(|p| p.to_uppercase())
            .collect();
        format!("{prefix}{}", parts.join("_"))
    }

    /// The file flytekit's secret manager reads: `dir/group[/version][/key]`, the
    /// file prefix on the last component.
    fn file(&self, dir: &str, file_prefix: &str) -> std::path::PathBuf {
        let mut parts: Vec<String> = [Some(&self.group), self.version.as_ref(), self.key.as_ref()]
            .into_iter()
            .flatten()
            .map(|p| p.to_lowercase())
            .collect();
        if let Some(last) = parts.last_mut() {
            *last = format!("{file_prefix}{last}");
        }
        let mut path = std::path::PathBuf::from(dir);
        path.extend(parts);
        path
    }
}

/// A secret's value. Its `Debug` shows no value and it has no `Display`: read it with
/// [`SecretValue::expose`]. If an attempt's error message or panic contains the value
/// of a secret the attempt read, the runtime masks it before reporting the error.
#[derive(Clone)]
pub struct SecretValue(Arc<str>);

impl SecretValue {
    /// The value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(***)")
    }
}

/// Why a secret could not be read. Names where it looked, never a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The task did not ask for this secret, so a cluster would not mount it.
    #[error(
        "task `{task}` did not request secret `{name}`: add `{request}` to #[task(..)] or `TaskMetadata::secret`"
    )]
    NotRequested {
        /// The task.
        task: String,
        /// The secret asked for: `group/key`, or `group` for a whole group.
        name: String,
        /// The request that would have asked for it, as `#[task]` writes it.
        request: String,
    },
    /// None of the places Flyte mounts it holds the secret.
    #[error("secret `{name}` not found: looked in {}", .looked.join(", "))]
    NotFound {
        /// The secret: `group/key`, or `group` for a whole group.
        name: String,
        /// The env vars and the file looked at, in order.
        looked: Vec<String>,
    },
    /// The secret's file exists but could not be read.
    #[error("cannot read secret `{name}` from {path}: {reason}")]
    Unreadable {
        /// The secret: `group/key`, or `group` for a whole group.
        name: String,
        /// The file.
        path: String,
        /// What the OS said.
        reason: String,
    },
}

/// A secret's group, version and key.
type SecretName = (String, Option<String>, String);

/// Secret values a local run provides, by name.
#[derive(Clone, Default)]
pub(crate) struct LocalSecrets(pub(crate) Arc<HashMap<SecretName, Arc<str>>>);

impl fmt::Debug for LocalSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<String> = self
            .0
            .keys()
            .map(|(g, v, k)| match v {
                Some(v) => format!("{g}/{v}/{k}"),
                None => format!("{g}/{k}"),
            })
            .collect();
        names.sort();
        f.debug_list().entries(names).finish()
    }
}

impl LocalSecrets {
    pub(crate) fn insert(
        &mut self,
        group: String,
        version: Option<String>,
        key: String,
        value: String,
    ) {
        Arc::make_mut(&mut self.0).insert((group, version, key), Arc::from(value));
    }
}

/// The secret values an attempt has read, to mask them in its error.
#[derive(Debug, Default)]
pub(crate) struct SecretsRead(Mutex<Vec<Arc<str>>>);

impl SecretsRead {
    fn record(&self, value: &Arc<str>) {
        let mut read = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if !read.iter().any(|v| Arc::ptr_eq(v, value) || **v == **value) {
            read.push(value.clone());
        }
    }

    /// `text` with every value read replaced by `***`; `None` when none occurs in it.
    pub(crate) fn mask(&self, text: &str) -> Option<String> {
        let read = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // An empty value would "occur" everywhere; it reveals nothing anyway.
        let found: Vec<&Arc<str>> = read
            .iter()
            .filter(|v| !v.is_empty() && text.contains(&***v))
            .collect();
        if found.is_empty() {
            return None;
        }
        let mut masked = text.to_string();
        for v in found {
            masked = masked.replace(&**v, "***");
        }
        Some(masked)
    }
}

/// `error` with every secret value `read` holds masked: an error whose text (or any
/// cause's) contains one is replaced by its text, masked, cause by cause. An error
/// without one is returned as it was, so callers can still downcast it.
pub(crate) fn mask_error(error: super::TaskError, read: &SecretsRead) -> super::TaskError {
    use super::TaskError;
    let masked_chain = |source: &super::BoxError| -> Option<super::BoxError> {
        let mut texts = Vec::new();
        let mut next: Option<&(dyn std::error::Error + 'static)> = Some(&**source);
        while let Some(e) = next {
            texts.push(e.to_string());
            next = e.source();
        }
        if texts.iter().all(|t| read.mask(t).is_none()) {
            return None;
        }
        let chain = texts.into_iter().rev().fold(None, |cause, text| {
            let message = read.mask(&text).unwrap_or(text);
            Some(Box::new(Masked { message, cause }))
        });
        chain.map(|m| m as super::BoxError)
    };
    match error {
        TaskError::Failed(source) => match masked_chain(&source) {
            Some(masked) => TaskError::Failed(masked),
            None => TaskError::Failed(source),
        },
        TaskError::Permanent(source) => match masked_chain(&source) {
            Some(masked) => TaskError::Permanent(masked),
            None => TaskError::Permanent(source),
        },
        TaskError::Panicked(message) => TaskError::Panicked(read.mask(&message).unwrap_or(message)),
        TaskError::Skipped(message) => TaskError::Skipped(read.mask(&message).unwrap_or(message)),
        other => other,
    }
}

/// An error's text with secret values masked, and its masked cause.
#[derive(Debug)]
struct Masked {
    message: String,
    cause: Option<Box<Masked>>,
}

impl fmt::Display for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Masked {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|c| c as _)
    }
}

/// Reads `request` where Flyte mounts it (after `local`), recording the value in `read`.
pub(crate) fn lookup(
    request: &Secret,
    local: &LocalSecrets,
    read: &SecretsRead,
) -> Result<SecretValue, SecretError> {
    let local_key = (
        request.group.clone(),
        request.version.clone(),
        request.key.clone().unwrap_or_default(),
    );
    let value = match local.0.get(&local_key) {
        Some(v) => v.clone(),
        None => Arc::from(from_pod(request)?),
    };
    read.record(&value);
    Ok(SecretValue(value))
}

fn from_pod(request: &Secret) -> Result<String, SecretError> {
    let setting = |name: &str, default: &str| {
        std::env::var(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|_| default.to_string())
    };
    let mut looked = Vec::new();
    let named = request.env_var.iter().cloned();
    let prefixed = request.prefixed_env_var(&setting("FLYTE_SECRETS_ENV_PREFIX", "_FSEC_"));
    for var in named.chain([prefixed]) {
        if let Ok(v) = std::env::var(&var) {
            return Ok(v.trim().to_string());
        }
        looked.push(format!("env var {var}"));
    }
    let path = request.file(
        &setting("FLYTE_SECRETS_DEFAULT_DIR", "/etc/secrets"),
        &setting("FLYTE_SECRETS_FILE_PREFIX", ""),
    );
    match std::fs::read_to_string(&path) {
        Ok(v) => Ok(v.trim().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            looked.push(format!("file {}", path.display()));
            Err(SecretError::NotFound {
                name: request.label(),
                looked,
            })
        }
        Err(e) => Err(SecretError::Unreadable {
            name: request.label(),
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_flytekit() {
        let s = Secret::new("Api", "Token").version("V2");
        assert_eq!(s.prefixed_env_var("_FSEC_"), "_FSEC_API_V2_TOKEN");
        assert_eq!(
            s.file("/etc/secrets", "").to_str(),
            Some("/etc/secrets/api/v2/token")
        );
        let plain = Secret::new("db", "password");
        assert_eq!(plain.prefixed_env_var("P_"), "P_DB_PASSWORD");
        assert_eq!(
            plain.file("/s", "pre-").to_str(),
            Some("/s/db/pre-password")
        );
    }

    #[test]
    fn a_whole_group_is_read_where_flytekit_reads_it() {
        // flytekit's SecretsManager.get(group="Api", group_version="V3"): the env var
        // and file name end at the version; GCP's webhook mounts the file there.
        let s = Secret::whole_group("Api").version("V3");
        assert_eq!(s.prefixed_env_var("_FSEC_"), "_FSEC_API_V3");
        assert_eq!(
            s.file("/etc/flyte/secrets", "").to_str(),
            Some("/etc/flyte/secrets/api/v3")
        );
        let bare = Secret::whole_group("creds");
        assert_eq!(bare.file("/s", "pre-").to_str(), Some("/s/pre-creds"));
        // GCP's webhook needs the version; the others refuse a request without a key.
        assert!(bare.problem().is_some());
        assert_eq!(Secret::whole_group("creds").version("2").problem(), None);
        assert!(
            Secret::whole_group("creds")
                .mount(SecretMount::EnvVar)
                .problem()
                .is_some()
        );
    }

    #[test]
    fn masking_replaces_every_value_read() {
        let read = SecretsRead::default();
        read.record(&Arc::from("hunter2"));
        read.record(&Arc::from(""));
        assert_eq!(read.mask("nothing here"), None);
        assert_eq!(
            read.mask("login hunter2 failed (hunter2)").as_deref(),
            Some("login *** failed (***)")
        );
    }

    #[test]
    fn an_error_holding_a_secret_is_masked_cause_by_cause() {
        use crate::task::{ErrorChain, TaskError};
        let read = SecretsRead::default();
        read.record(&Arc::from("hunter2"));
        let inner = std::io::Error::other("password hunter2 rejected");
        let e = mask_error(TaskError::failed(inner), &read);
        assert_eq!(
            ErrorChain::new(&e).multiline().to_string(),
            "task returned an error\n  caused by: password *** rejected"
        );
        let e = mask_error(TaskError::Panicked("hunter2!".into()), &read);
        assert_eq!(e.to_string(), "task panicked: ***!");
        // Without a secret in it, the error itself is kept (and can be downcast).
        let e = mask_error(TaskError::failed(std::io::Error::other("disk full")), &read);
        match e {
            TaskError::Failed(source) => assert!(source.downcast_ref::<std::io::Error>().is_some()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn debug_hides_the_value() {
        let v = SecretValue(Arc::from("hunter2"));
        assert_eq!(format!("{v:?}"), "SecretValue(***)");
        assert_eq!(v.expose(), "hunter2");
    }
}
