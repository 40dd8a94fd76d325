//! `fast-execute`: the bootstrap of a fast-registered task (`register --fast`). The
//! image's copy of this program fetches the newly registered build (the
//! "distribution"), checks its SHA-256, and runs it in its own place with the task's
//! `execute` arguments, so a code change reaches the cluster without a new image.

use std::path::PathBuf;

use clap::Args;
use sha2::{Digest, Sha256};

use super::{App, CliError};

/// `fast-execute`'s arguments: pyflyte-fast-execute's, and the digest.
#[derive(Args)]
pub(super) struct FastExecuteArgs {
    /// Where the registered build is (`s3://...`, any object-store URL or path).
    #[arg(long)]
    additional_distribution: String,
    /// The folder to put it in.
    #[arg(long)]
    dest_dir: PathBuf,
    /// Its SHA-256, hex: anything else is refused.
    #[arg(long)]
    digest: String,
    /// The command the build runs: `execute ...`.
    #[arg(last = true, required = true)]
    command: Vec<String>,
}

impl App {
    /// Fetches the build, checks it, and runs it in this process's place.
    pub(super) async fn fast_execute(&self, args: FastExecuteArgs) -> Result<(), CliError> {
        let fetch_error = |reason: String| CliError::Fast {
            distribution: args.additional_distribution.clone(),
            reason,
        };
        let bytes = flyte_core::data::FileAccess::shared()
            .get(&args.additional_distribution)
            .await
            .map_err(|e| fetch_error(flyte_core::task::ErrorChain::new(&e).to_string()))?;
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if !digest.eq_ignore_ascii_case(args.digest.trim()) {
            return Err(fetch_error(format!(
                "its SHA-256 is {digest}, not the registered {}: refusing to run it",
                args.digest.trim()
            )));
        }
        let name = args
            .additional_distribution
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or("app");
        std::fs::create_dir_all(&args.dest_dir).map_err(|source| CliError::Io {
            path: args.dest_dir.clone(),
            source,
        })?;
        let path = args.dest_dir.join(name);
        write_executable(&path, &bytes)?;
        tracing::info!(build = %path.display(), %digest, "running the fast-registered build");
        exec(&path, &args.command)
    }
}

fn write_executable(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
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

/// Replaces this process by `path command...` (its exit code is the task's).
#[cfg(unix)]
fn exec(path: &std::path::Path, command: &[String]) -> Result<(), CliError> {
    use std::os::unix::process::CommandExt;
    let error = std::process::Command::new(path).args(command).exec();
    Err(CliError::Io {
        path: path.to_path_buf(),
        source: error,
    })
}

/// Runs `path command...` and exits with its code.
#[cfg(not(unix))]
fn exec(path: &std::path::Path, command: &[String]) -> Result<(), CliError> {
    let status = std::process::Command::new(path)
        .args(command)
        .status()
        .map_err(|source| CliError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    std::process::exit(status.code().unwrap_or(1))
}
