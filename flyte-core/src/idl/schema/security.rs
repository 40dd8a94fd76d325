//! Messages of `flyteidl/core/security.proto`: the secrets a task asks for and the
//! identity an execution runs as.

/// `flyteidl.core.Secret.MountType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum SecretMountType {
    /// `ANY`
    Any = 0,
    /// `ENV_VAR`
    EnvVar = 1,
    /// `FILE`
    File = 2,
}

/// `flyteidl.core.Secret`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Secret {
    /// The secret's group.
    #[prost(string, tag = "1")]
    pub group: String,
    /// The group's version.
    #[prost(string, tag = "2")]
    pub group_version: String,
    /// The key in the group.
    #[prost(string, tag = "3")]
    pub key: String,
    /// How it is mounted.
    #[prost(enumeration = "SecretMountType", tag = "4")]
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<SecretMountType, _>")]
    pub mount_requirement: i32,
    /// The env var it is mounted as.
    #[prost(string, tag = "5")]
    pub env_var: String,
}

/// `flyteidl.core.Identity`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Identity {
    /// An IAM role to assume.
    #[prost(string, tag = "1")]
    pub iam_role: String,
    /// A Kubernetes service account.
    #[prost(string, tag = "2")]
    pub k8s_service_account: String,
}

/// `flyteidl.core.SecurityContext`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct SecurityContext {
    /// Who the execution runs as.
    #[prost(message, optional, tag = "1")]
    pub run_as: Option<Identity>,
    /// Secrets to mount.
    #[prost(message, repeated, tag = "2")]
    pub secrets: Vec<Secret>,
}
