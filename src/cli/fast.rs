//! `fast-execute`: the bootstrap of a fast-registered task (`register --fast`,
//! `run --remote --fast`, or `package --fast` then `flytectl register files`). The
//! image's copy of this program fetches the newly registered build (the
//! "distribution"), checks its SHA-256, and runs it in its own place with the task's
//! `execute` arguments, so a code change reaches the cluster without a new image.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::digest::sha256_hex;
use clap::Args;
use flytekit_core::idl::FastSettings;
use flytekit_core::idl::dynamic_job::{SETTINGS_ENV, settings_env_value, settings_from_env_value};

use super::{App, CliError};

/// `fast-execute`'s arguments: pyflyte-fast-execute's, and the digest.
#[derive(Args)]
pub(super) struct FastExecuteArgs {
    /// Where the registered build is (`s3://...`, any object-store URL or path): the
    /// program itself, or a tar (gzipped or not) holding only it.
    #[arg(long)]
    additional_distribution: String,
    /// The folder to put it in (`.`: the working folder).
    #[arg(long)]
    dest_dir: PathBuf,
    /// The program's SHA-256, hex: anything else is refused.
    #[arg(long)]
    digest: String,
    /// The command the build runs: `execute ...`.
    #[arg(last = true, required = true)]
    command: Vec<String>,
}

/// This program's binary, read once: what fast registration ships (and the derived
/// version is made from).
pub(super) struct ThisBuild {
    /// Its file name.
    pub(super) name: String,
    pub(super) bytes: Vec<u8>,
    /// SHA-256, hex.
    pub(super) digest: String,
}

impl ThisBuild {
    /// `path` (this program when `None`), read as it is: for a derived version,
    /// which any build may have.
    #[cfg(feature = "remote")]
    pub(super) fn read(path: Option<&Path>) -> Result<Self, CliError> {
        let exe = match path {
            Some(path) => path.to_path_buf(),
            None => std::env::current_exe().map_err(|source| CliError::Io {
                path: "<this program>".into(),
                source,
            })?,
        };
        let bytes = std::fs::read(&exe).map_err(|source| CliError::Io {
            path: exe.clone(),
            source,
        })?;
        let name = exe
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "app".to_string());
        Ok(ThisBuild {
            name,
            digest: sha256_hex(&bytes),
            bytes,
        })
    }

    /// A program checked for the cluster's platform: what fast registration ships.
    pub(super) fn checked(program: crate::platform::LinuxProgram) -> Self {
        ThisBuild {
            digest: sha256_hex(&program.bytes),
            name: program.name,
            bytes: program.bytes,
        }
    }
}

impl App {
    /// Fetches the build, checks it, and runs it in this process's place.
    pub(super) async fn fast_execute(&self, args: FastExecuteArgs) -> Result<(), CliError> {
        let fetch_error = |reason: String| CliError::Fast {
            distribution: args.additional_distribution.clone(),
            reason,
        };
        if args.additional_distribution == FastSettings::REMOTE_PACKAGE_PATH {
            return Err(fetch_error(
                "the placeholder was never filled: register a `package --fast` tarball with `flytectl register files --archive`, which uploads the build and fills it in".to_string(),
            ));
        }
        // flytectl leaves `{{ .dest_dir }}` as `.` by default; flytekit takes an
        // empty one as the working folder too.
        let dest_dir = match args.dest_dir.to_str() {
            Some("") | Some(FastSettings::DEST_DIR) => PathBuf::from("."),
            _ => args.dest_dir.clone(),
        };
        let bytes = flytekit_core::data::FileAccess::shared()
            .get(&args.additional_distribution)
            .await
            .map_err(|e| fetch_error(flytekit_core::task::ErrorChain::new(&e).to_string()))?;
        let url_name = args
            .additional_distribution
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or("app");
        let (name, program) = unpack(url_name, Vec::from(bytes)).map_err(fetch_error)?;
        let digest = sha256_hex(&program);
        if !digest.eq_ignore_ascii_case(args.digest.trim()) {
            return Err(fetch_error(format!(
                "its SHA-256 is {digest}, not the registered {}: refusing to run it",
                args.digest.trim()
            )));
        }
        std::fs::create_dir_all(&dest_dir).map_err(|source| CliError::Io {
            path: dest_dir.clone(),
            source,
        })?;
        let path = dest_dir.join(name);
        write_executable(&path, &program)?;
        tracing::info!(build = %path.display(), %digest, "running the fast-registered build");
        // A dynamic task's graph runs this build too: its settings (`_F_SS_C`) get the
        // build's location as known here, after flytectl filled the placeholders.
        let fast = FastSettings {
            distribution: args.additional_distribution.clone(),
            dest_dir: dest_dir.to_string_lossy().into_owned(),
            digest,
        };
        let settings = fast_settings_env(fast).map_err(fetch_error)?;
        exec(&path, &args.command, settings)
    }
}

/// The program in a distribution, and its file name: the bytes themselves, or the
/// one file of a tar (gzipped or not; flytectl uploads a `package --fast` tarball's
/// `fast*.tar.gz` unzipped under its own name).
fn unpack(url_name: &str, bytes: Vec<u8>) -> Result<(String, Vec<u8>), String> {
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut plain)
            .map_err(|e| format!("it looks gzipped but cannot be unzipped: {e}"))?;
        plain
    } else {
        bytes
    };
    if bytes.get(257..262) != Some(b"ustar") {
        return Ok((url_name.to_string(), bytes));
    }
    let mut files = Vec::new();
    let mut archive = tar::Archive::new(&bytes[..]);
    let entries = archive
        .entries()
        .map_err(|e| format!("it is not a readable tar: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("it is not a readable tar: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry
            .path()
            .map_err(|e| format!("a bad name in the tar: {e}"))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut program = Vec::new();
        entry
            .read_to_end(&mut program)
            .map_err(|e| format!("cannot read `{name}` from the tar: {e}"))?;
        files.push((name, program));
    }
    match files.len() {
        1 => Ok(files.remove(0)),
        _ => Err(format!(
            "its tar should hold just the program, but holds {} files ({})",
            files.len(),
            files
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `_F_SS_C` for the build, when this task has one: its settings with `fast` set.
fn fast_settings_env(fast: FastSettings) -> Result<Option<String>, String> {
    let Ok(value) = std::env::var(SETTINGS_ENV) else {
        return Ok(None);
    };
    let mut settings = settings_from_env_value(&value)?;
    settings.fast = Some(fast);
    Ok(Some(settings_env_value(&settings)))
}

fn write_executable(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let io = |source| CliError::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::write(path, bytes).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(io)?;
    }
    Ok(())
}

fn command(path: &Path, args: &[String], settings: Option<String>) -> std::process::Command {
    // `./app`, not `app`: a bare name would be looked up on PATH.
    let path = if path.is_relative() {
        Path::new(".").join(path)
    } else {
        path.to_path_buf()
    };
    let mut command = std::process::Command::new(path);
    command.args(args);
    if let Some(value) = settings {
        command.env(SETTINGS_ENV, value);
    }
    command
}

/// Replaces this process by `path args...` (its exit code is the task's).
#[cfg(unix)]
fn exec(path: &Path, args: &[String], settings: Option<String>) -> Result<(), CliError> {
    use std::os::unix::process::CommandExt;
    let error = command(path, args, settings).exec();
    Err(CliError::Io {
        path: path.to_path_buf(),
        source: error,
    })
}

/// Runs `path args...` and exits with its code.
#[cfg(not(unix))]
fn exec(path: &Path, args: &[String], settings: Option<String>) -> Result<(), CliError> {
    let status = command(path, args, settings)
        .status()
        .map_err(|source| CliError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    std::process::exit(status.code().unwrap_or(1))
}
