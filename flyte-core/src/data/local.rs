//! Listing a folder on this machine's disk by walking it, so names come back exactly
//! as they are on disk.

use std::path::PathBuf;

use object_store::path::Path;

use super::{DataError, Listed, location};

/// The files under the folder whose absolute path has `parts`, recursively; a
/// missing folder is empty, as an object-store prefix with nothing under it is.
/// Symbolic links to folders are not followed (a loop would never end).
pub(super) async fn list(location: &str, parts: &[String]) -> Result<Vec<Listed>, DataError> {
    let root = location::local_path(parts);
    let parts = parts.to_vec();
    let walked = tokio::task::spawn_blocking(move || walk(root, &parts)).await;
    let invalid = |reason: String| DataError::InvalidLocation {
        location: location.to_string(),
        reason,
    };
    walked.map_err(|e| invalid(e.to_string()))?.map_err(invalid)
}

fn walk(root: PathBuf, root_parts: &[String]) -> Result<Vec<Listed>, String> {
    let mut out = Vec::new();
    let mut stack = vec![(root, Vec::<String>::new())];
    while let Some((dir, relative)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && relative.is_empty() => {
                return Ok(out);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory && relative.is_empty() => {
                return Ok(out);
            }
            Err(e) => return Err(format!("cannot read the folder `{}`: {e}", dir.display())),
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
            let name = entry.file_name();
            let name = name.to_str().ok_or_else(|| {
                format!(
                    "`{}` has a name that is not UTF-8, which object stores cannot hold",
                    entry.path().display()
                )
            })?;
            let mut rel = relative.clone();
            rel.push(name.to_string());
            let kind = entry
                .file_type()
                .map_err(|e| format!("cannot read `{}`: {e}", entry.path().display()))?;
            if kind.is_dir() {
                stack.push((entry.path(), rel));
            } else if kind.is_file() || entry.path().is_file() {
                let full: Vec<&str> = root_parts.iter().chain(&rel).map(String::as_str).collect();
                let path = Path::parse(full.join("/")).map_err(|e| {
                    format!(
                        "`{}` cannot be named in an object store: {e}",
                        entry.path().display()
                    )
                })?;
                out.push(Listed {
                    relative: rel.join("/"),
                    path,
                });
            }
        }
    }
    Ok(out)
}
