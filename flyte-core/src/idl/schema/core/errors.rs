//! `flyteidl/core/errors.proto`: the error document a failed attempt leaves.

/// `flyteidl.core.ContainerError.Kind`: whether Flyte may retry after this error.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum ContainerErrorKind {
    /// `NON_RECOVERABLE`: the node fails.
    NonRecoverable = 0,
    /// `RECOVERABLE`: Flyte tries again while retries remain.
    Recoverable = 1,
}

/// `flyteidl.core.ExecutionError.ErrorKind`: whose fault an error is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum ErrorOrigin {
    /// `UNKNOWN`
    Unknown = 0,
    /// `USER`: the task's code or its inputs.
    User = 1,
    /// `SYSTEM`: the platform (storage, the entrypoint).
    System = 2,
}

/// `flyteidl.core.ContainerError` (`errors.proto`).
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ContainerError {
    /// A short code, such as `USER:RuntimeError`.
    #[prost(string, tag = "1")]
    pub code: String,
    /// The message people read, with the cause chain.
    #[prost(string, tag = "2")]
    pub message: String,
    /// Recoverable or not.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<ContainerErrorKind, _>")]
    #[prost(enumeration = "ContainerErrorKind", tag = "3")]
    pub kind: i32,
    /// User or system.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<ErrorOrigin, _>")]
    #[prost(enumeration = "ErrorOrigin", tag = "4")]
    pub origin: i32,
    /// When it happened.
    #[prost(message, optional, tag = "5")]
    #[serde(serialize_with = "crate::idl::schema::json::optional_timestamp")]
    pub timestamp: Option<prost_types::Timestamp>,
    /// The worker that reported it (distributed tasks only).
    #[prost(string, tag = "6")]
    pub worker: String,
}

/// `flyteidl.core.ErrorDocument`: the `error.pb` a failed task leaves under its output
/// prefix.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct ErrorDocument {
    /// The error.
    #[prost(message, optional, tag = "1")]
    pub error: Option<ContainerError>,
}
