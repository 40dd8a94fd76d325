//! `flyteidl.core.DataLoadingConfig` (`flyteidl/core/tasks.proto`): how Flyte's
//! copilot hands a raw container its inputs as files and collects its outputs.

/// `flyteidl.core.DataLoadingConfig`.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct DataLoadingConfig {
    /// Whether the copilot runs at all.
    #[prost(bool, tag = "1")]
    pub enabled: bool,
    /// Where the inputs are written in the container.
    #[prost(string, tag = "2")]
    pub input_path: String,
    /// Where the container leaves its outputs.
    #[prost(string, tag = "3")]
    pub output_path: String,
    /// The form of the inputs' metadata file.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<LiteralMapFormat, _>")]
    #[prost(enumeration = "LiteralMapFormat", tag = "4")]
    pub format: i32,
    /// When inputs are downloaded and outputs uploaded.
    #[prost(message, optional, tag = "5")]
    pub io_strategy: Option<IoStrategy>,
}

/// `flyteidl.core.DataLoadingConfig.LiteralMapFormat`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum LiteralMapFormat {
    /// `JSON`
    Json = 0,
    /// `YAML`
    Yaml = 1,
    /// `PROTO`
    Proto = 2,
}

/// `flyteidl.core.IOStrategy`.
#[derive(Clone, Copy, PartialEq, prost::Message, serde::Serialize)]
pub struct IoStrategy {
    /// When inputs are downloaded.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<DownloadMode, _>")]
    #[prost(enumeration = "DownloadMode", tag = "1")]
    pub download_mode: i32,
    /// When outputs are uploaded.
    #[serde(serialize_with = "crate::idl::schema::json::enumeration::<UploadMode, _>")]
    #[prost(enumeration = "UploadMode", tag = "2")]
    pub upload_mode: i32,
}

/// `flyteidl.core.IOStrategy.DownloadMode`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum DownloadMode {
    /// `DOWNLOAD_EAGER`
    DownloadEager = 0,
    /// `DOWNLOAD_STREAM`
    DownloadStream = 1,
    /// `DO_NOT_DOWNLOAD`
    DoNotDownload = 2,
}

/// `flyteidl.core.IOStrategy.UploadMode`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration, serde::Serialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(i32)]
pub enum UploadMode {
    /// `UPLOAD_ON_EXIT`
    UploadOnExit = 0,
    /// `UPLOAD_EAGER`
    UploadEager = 1,
    /// `DO_NOT_UPLOAD`
    DoNotUpload = 2,
}
