//! Container tasks: steps that run any image's command instead of a Rust body, with
//! typed inputs and outputs (flytekit's `ContainerTask`, Flyte's `raw-container` task
//! type).
//!
//! On a cluster Flyte runs the image with Flyte's copilot beside it: inputs are
//! written as files under the input folder (and substituted into the command where it
//! says `{{.inputs.name}}`), and each output is read back from a file of its name in
//! the output folder. A local run does the same with podman or docker when one of
//! them answers, or runs the command as a process of this machine when it exists
//! here, with the two folders swapped for temporary ones, and says which
//! ([`ContainerRuntime`](crate::execution::ContainerRuntime)).

use crate::types::{LiteralType, SimpleType};

/// What a container task runs, and how Flyte's copilot loads its data (Flyte's
/// `Container.command`/`args` and `DataLoadingConfig`); its image is the task's
/// [`image`](crate::task::NodeSettings::image).
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit_core::task::{ContainerSpec, MetadataFormat};
/// let spec = ContainerSpec::new(["sh", "-c", "echo $(( {{.inputs.a}} * 2 )) > /var/outputs/doubled"])
///     .input_data_dir("/var/inputs")
///     .output_data_dir("/var/outputs")
///     .metadata_format(MetadataFormat::Proto);
/// assert_eq!(spec.command[0], "sh");
/// assert_eq!(spec.output_data_dir.as_deref(), Some("/var/outputs"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContainerSpec {
    /// The command, with `{{.inputs.name}}` placeholders Flyte fills in.
    pub command: Vec<String>,
    /// Arguments after the command (flytekit's `arguments`), placeholders too.
    pub arguments: Vec<String>,
    /// Where the inputs are written as files in the container (flytekit's
    /// `input_data_dir`); `None` leaves Flyte's copilot its default,
    /// `/var/flyte/inputs`.
    pub input_data_dir: Option<String>,
    /// Where the container leaves one file per output, named like the output
    /// (flytekit's `output_data_dir`); `None` leaves Flyte's copilot its default,
    /// `/var/flyte/outputs`.
    pub output_data_dir: Option<String>,
    /// The form of the inputs' metadata file beside the input files.
    pub metadata_format: MetadataFormat,
    /// When the copilot downloads inputs and uploads outputs; `None` leaves it to
    /// Flyte (download first, upload on exit).
    pub io_strategy: Option<IoStrategy>,
}

/// The form of the file holding all inputs, as flytekit's
/// `ContainerTask.MetadataFormat`: the copilot always writes `inputs.pb` (the literal
/// map), and with JSON or YAML also the values by name in `inputs.json` or
/// `inputs.yaml`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MetadataFormat {
    /// `inputs.json` too (the default, as in flytekit).
    #[default]
    Json,
    /// `inputs.yaml` too.
    Yaml,
    /// `inputs.pb` only.
    Proto,
}

/// When the copilot moves data (Flyte's `IOStrategy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IoStrategy {
    /// When inputs are downloaded.
    pub download: DownloadMode,
    /// When outputs are uploaded.
    pub upload: UploadMode,
}

/// When inputs are downloaded (Flyte's `IOStrategy.DownloadMode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DownloadMode {
    /// All of them before the command starts.
    #[default]
    Eager,
    /// Streamed as they are read.
    Stream,
    /// None: the command fetches what it needs.
    None,
}

/// When outputs are uploaded (Flyte's `IOStrategy.UploadMode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UploadMode {
    /// When the command exits.
    #[default]
    OnExit,
    /// As soon as each appears.
    Eager,
    /// None: the command uploads what it makes.
    None,
}

impl ContainerSpec {
    /// A container task running `command` (the program and its arguments).
    pub fn new(command: impl IntoIterator<Item = impl Into<String>>) -> Self {
        ContainerSpec {
            command: command.into_iter().map(Into::into).collect(),
            arguments: Vec::new(),
            input_data_dir: None,
            output_data_dir: None,
            metadata_format: MetadataFormat::Json,
            io_strategy: None,
        }
    }

    /// Arguments after the command (flytekit's `arguments`).
    pub fn arguments(mut self, args: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.arguments = args.into_iter().map(Into::into).collect();
        self
    }

    /// Where the inputs are written as files in the container.
    pub fn input_data_dir(mut self, dir: impl Into<String>) -> Self {
        self.input_data_dir = Some(dir.into());
        self
    }

    /// Where the container leaves one file per output.
    pub fn output_data_dir(mut self, dir: impl Into<String>) -> Self {
        self.output_data_dir = Some(dir.into());
        self
    }

    /// The form of the inputs' metadata file.
    pub fn metadata_format(mut self, format: MetadataFormat) -> Self {
        self.metadata_format = format;
        self
    }

    /// When the copilot downloads inputs and uploads outputs.
    pub fn io_strategy(mut self, strategy: IoStrategy) -> Self {
        self.io_strategy = Some(strategy);
        self
    }

    /// The folder the inputs are written to, as Flyte's copilot picks it: the one
    /// given, else `/var/flyte/inputs`.
    pub fn input_dir(&self) -> &str {
        self.input_data_dir
            .as_deref()
            .filter(|d| !d.is_empty())
            .unwrap_or("/var/flyte/inputs")
    }

    /// The folder the outputs are read from: the one given, else
    /// `/var/flyte/outputs`.
    pub fn output_dir(&self) -> &str {
        self.output_data_dir
            .as_deref()
            .filter(|d| !d.is_empty())
            .unwrap_or("/var/flyte/outputs")
    }

    /// The command and its arguments, in the order they run.
    pub fn argv(&self) -> impl Iterator<Item = &str> {
        self.command
            .iter()
            .chain(&self.arguments)
            .map(String::as_str)
    }

    /// The first problem with this spec for a task with `interface`, if any: an
    /// empty command, a placeholder naming no input, or an output the copilot cannot
    /// read from a file.
    pub fn problem(&self, interface: &crate::interface::Interface) -> Option<String> {
        if self.command.is_empty() {
            return Some("its command is empty".to_string());
        }
        for arg in self.argv() {
            for name in placeholders(arg) {
                if !interface.inputs.iter().any(|v| v.name == name) {
                    return Some(format!("`{arg}` names no input `{name}`"));
                }
            }
        }
        interface
            .outputs
            .iter()
            .find(|v| !readable_output(&v.ty))
            .map(|v| {
                format!(
                    "output `{}` is {}, and a container's outputs are read from files: a \
                     number, string, boolean, datetime, duration, file or directory",
                    v.name, v.ty
                )
            })
    }
}

/// Whether a container can hand back a value of type `ty` as a file (the copilot
/// reads scalars and blobs only).
pub(crate) fn readable_output(ty: &LiteralType) -> bool {
    match ty {
        LiteralType::Simple(s) => matches!(
            s,
            SimpleType::Integer
                | SimpleType::Float
                | SimpleType::String
                | SimpleType::Boolean
                | SimpleType::Datetime
                | SimpleType::Duration
        ),
        LiteralType::Blob(_) => true,
        _ => false,
    }
}

/// Where a placeholder ends and what it says: `{{`, spaces, `.` or `$`, a word,
/// `}}`, as propeller matches it (`None` when `text[start..]` is no placeholder).
pub(crate) fn placeholder_at(text: &str, start: usize) -> Option<(usize, String)> {
    let rest = &text[start..];
    let inner = rest.strip_prefix("{{")?;
    let end = inner.find("}}")?;
    let body = inner[..end].trim();
    let body = body.strip_prefix(['.', '$'])?;
    Some((start + 2 + end + 2, body.to_string()))
}

/// The input a placeholder's word names (`inputs.NAME`, any case), if it names one.
pub(crate) fn input_name(body: &str) -> Option<&str> {
    let (head, name) = body.split_once('.')?;
    (head.eq_ignore_ascii_case("inputs") && !name.is_empty() && !name.contains(char::is_whitespace))
        .then_some(name)
}

/// The input names a text's `{{.inputs.name}}` placeholders refer to.
pub(crate) fn placeholders(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find("{{") {
        let start = at + found;
        match placeholder_at(text, start) {
            Some((end, body)) => {
                if let Some(name) = input_name(&body) {
                    names.push(name.to_string());
                }
                at = end;
            }
            None => at = start + 2,
        }
    }
    names
}

/// A type a container task may return: one the copilot reads from a file (a number,
/// string, boolean, datetime, duration, file or directory). `#[container_task]`
/// checks each output against it while compiling.
#[diagnostic::on_unimplemented(
    message = "a container task cannot return `{Self}`",
    label = "not read from a file",
    note = "a container leaves each output in a file that Flyte's copilot reads: a number (`i64`, `f64`), `String`, `bool`, a datetime, a `Duration`, a `FlyteFile` or a `FlyteDirectory`"
)]
pub trait ContainerOutput {}

impl ContainerOutput for i64 {}
impl ContainerOutput for f64 {}
impl ContainerOutput for String {}
impl ContainerOutput for bool {}
impl ContainerOutput for std::time::Duration {}
impl ContainerOutput for std::time::SystemTime {}
impl ContainerOutput for chrono::DateTime<chrono::Utc> {}
impl<F: crate::types::FileFormat> ContainerOutput for crate::types::FlyteFile<F> {}
impl ContainerOutput for crate::types::FlyteDirectory {}
