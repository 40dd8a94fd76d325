//! A raw container's data as Flyte's copilot lays it out: one file (or folder) per
//! input under the input folder plus the whole literal map in the metadata file, and
//! one file (or folder) per output under the output folder, read back by the
//! output's type.

use std::path::Path;

use prost::Message;

use super::render::file_text;
use crate::data::{DataError, FileAccess};
use crate::interface::Interface;
use crate::task::MetadataFormat;
use crate::types::files::{is_local, local_path, upload_dir, upload_file};
use crate::types::{BlobDimensionality, Literal, LiteralType, Primitive, SimpleType};

/// The metadata file's name for `format`.
pub(super) fn metadata_name(format: MetadataFormat) -> &'static str {
    match format {
        MetadataFormat::Json => "inputs.json",
        MetadataFormat::Yaml => "inputs.yaml",
        MetadataFormat::Proto => "inputs.pb",
    }
}

/// Writes the inputs under `dir` as the copilot does (`flytecopilot/data/download.go`):
/// a text file per scalar, the file or folder of each blob (downloaded), a folder per
/// list (`0`, `1`, ...) or map (by key), then `inputs.pb` with every input, blobs
/// pointing at their copies, and beside it `inputs.json` or `inputs.yaml` when the
/// format says: the values by name, as the copilot writes them. Returns the inputs as written.
pub(super) async fn write_inputs(
    dir: &Path,
    interface: &Interface,
    inputs: &[Literal],
    format: MetadataFormat,
    container_dir: &str,
) -> Result<Vec<Literal>, DataError> {
    tokio::fs::create_dir_all(dir).await.map_err(io(dir))?;
    let mut written = Vec::with_capacity(inputs.len());
    for (var, literal) in interface.inputs.iter().zip(inputs) {
        let mut literal = literal.clone();
        let seen = format!("{}/{}", container_dir.trim_end_matches('/'), var.name);
        Box::pin(lay_out(&mut literal, &dir.join(&var.name), &seen)).await?;
        written.push(literal);
    }
    let map = crate::idl::literal_map(interface.input_names().into_iter().zip(&written));
    let write = |name: &str, bytes: Vec<u8>| {
        let path = dir.join(name);
        async move { tokio::fs::write(&path, bytes).await.map_err(io(&path)) }
    };
    write(metadata_name(MetadataFormat::Proto), map.encode_to_vec()).await?;
    if format != MetadataFormat::Proto {
        // The copilot writes the values themselves by name (`{"n": 21, "f":
        // "/var/inputs/f"}`), not the literal map; JSON is YAML too.
        let plain: serde_json::Map<String, serde_json::Value> = interface
            .input_names()
            .into_iter()
            .zip(&written)
            .map(|(n, l)| (n.to_string(), l.to_json()))
            .collect();
        let text = serde_json::Value::Object(plain).to_string();
        write(metadata_name(format), text.into_bytes()).await?;
    }
    Ok(written)
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> DataError + '_ {
    move |e| DataError::InvalidLocation {
        location: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// One value at `path`; a blob's location becomes `seen`, where the command finds it.
async fn lay_out(literal: &mut Literal, path: &Path, seen: &str) -> Result<(), DataError> {
    match literal {
        Literal::Blob { uri, ty, .. } => {
            match ty.dimensionality {
                BlobDimensionality::Single => {
                    crate::types::FlyteFile::new(uri.clone())
                        .download(path)
                        .await?
                }
                BlobDimensionality::Multipart => {
                    crate::types::FlyteDirectory::new(uri.clone())
                        .download(path)
                        .await?
                }
            }
            *uri = seen.to_string();
        }
        Literal::Union { value, .. } => Box::pin(lay_out(value, path, seen)).await?,
        Literal::Collection(items) => {
            tokio::fs::create_dir_all(path).await.map_err(io(path))?;
            for (i, item) in items.iter_mut().enumerate() {
                let at = format!("{seen}/{i}");
                Box::pin(lay_out(item, &path.join(i.to_string()), &at)).await?;
            }
        }
        Literal::Map(entries) => {
            tokio::fs::create_dir_all(path).await.map_err(io(path))?;
            for (key, value) in entries.iter_mut() {
                // A key names a file in the folder: never a path out of it.
                let plain = !key.is_empty()
                    && key != "."
                    && key != ".."
                    && !key.contains(['/', '\\', '\0']);
                if !plain {
                    return Err(DataError::InvalidLocation {
                        location: format!("{seen}/{key}"),
                        reason: "a map key laid out as a file name must be one plain name"
                            .to_string(),
                    });
                }
                let at = format!("{seen}/{key}");
                Box::pin(lay_out(value, &path.join(key), &at)).await?;
            }
        }
        other => {
            let bytes = file_bytes(other);
            tokio::fs::write(path, bytes).await.map_err(io(path))?;
        }
    }
    Ok(())
}

/// A scalar's file: its text, a binary value's bytes, an error's message, `null`.
fn file_bytes(literal: &Literal) -> Vec<u8> {
    match literal {
        Literal::Binary { value, .. } => value.clone(),
        Literal::Error { message, .. } => message.clone().into_bytes(),
        other => file_text(other)
            .unwrap_or_else(|| "null".to_string())
            .into_bytes(),
    }
}

/// Why an output could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The container left no file for it.
    #[error("the container left no `{path}` for output `{name}`")]
    Missing {
        /// The output.
        name: String,
        /// Where it was looked for (in the container's terms).
        path: String,
    },
    /// The file's text is not a value of the output's type.
    #[error("output `{name}` is {ty}, and its file holds {text:?}: {reason}")]
    Unreadable {
        /// The output.
        name: String,
        /// Its type.
        ty: String,
        /// The text, cut short.
        text: String,
        /// Why it does not read.
        reason: String,
    },
    /// The container left an `_ERROR` file: what it says is the task's error.
    #[error("the container failed: {0}")]
    Reported(String),
    /// A scalar output's file is over the copilot's limit.
    #[error(
        "output `{name}`'s file holds {size} bytes; a number, string or date is read from at most 1024"
    )]
    TooLarge {
        /// The output.
        name: String,
        /// Its size.
        size: u64,
    },
    /// Uploading a file or folder failed.
    #[error(transparent)]
    Data(#[from] DataError),
}

/// Where an output's file is: `dir/name`, else the one `dir/name.*` (the copilot
/// takes a file with any extension when there is exactly one).
fn output_path(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    let exact = dir.join(name);
    if exact.exists() {
        return Some(exact);
    }
    let prefix = format!("{name}.");
    let mut found = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix))
        });
    match (found.next(), found.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// Reads the outputs the container left in `dir` (`container_dir` inside it) as the
/// copilot does (`flytecopilot/data/upload.go`): an `_ERROR` file fails the task with
/// its text; scalars from their text with surrounding spaces, tabs and newlines
/// trimmed (so `echo 3 > out` reads as 3, and a string loses its newline), files and
/// folders uploaded under `raw_prefix`.
pub(super) async fn read_outputs(
    fa: &FileAccess,
    dir: &Path,
    container_dir: &str,
    interface: &Interface,
    raw_prefix: &str,
) -> Result<Vec<Literal>, OutputError> {
    if let Ok(text) = std::fs::read_to_string(dir.join("_ERROR")) {
        return Err(OutputError::Reported(text.trim_end().to_string()));
    }
    let mut out = Vec::with_capacity(interface.outputs.len());
    for (i, var) in interface.outputs.iter().enumerate() {
        let path = output_path(dir, &var.name).unwrap_or_else(|| dir.join(&var.name));
        let missing = || OutputError::Missing {
            name: var.name.clone(),
            path: format!("{}/{}", container_dir.trim_end_matches('/'), var.name),
        };
        // What the container left is read only as what it is: a link could point
        // anywhere on this machine.
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(OutputError::Unreadable {
                name: var.name.clone(),
                ty: var.ty.to_string(),
                text: String::new(),
                reason: "the container left a symbolic link, which is not followed".to_string(),
            });
        }
        let literal = match &var.ty {
            LiteralType::Blob(ty) => {
                let is_dir = path.is_dir();
                if !path.exists() || is_dir != (ty.dimensionality == BlobDimensionality::Multipart)
                {
                    return Err(missing());
                }
                let to = format!("{}/{i}/{}", raw_prefix.trim_end_matches('/'), var.name);
                match ty.dimensionality {
                    BlobDimensionality::Single => upload_file(fa, &path, &to).await?,
                    BlobDimensionality::Multipart => upload_dir(fa, &path, &to).await?,
                }
                let uri = if is_local(&to) {
                    local_path(&to).display().to_string()
                } else {
                    to
                };
                Literal::Blob {
                    uri,
                    ty: ty.clone(),
                    hash: None,
                }
            }
            LiteralType::Simple(simple) => {
                let size = std::fs::metadata(&path).map_err(|_| missing())?.len();
                if size > 1024 {
                    return Err(OutputError::TooLarge {
                        name: var.name.clone(),
                        size,
                    });
                }
                let text = tokio::fs::read_to_string(&path)
                    .await
                    .map_err(|_| missing())?;
                parse_scalar(*simple, &text).map_err(|reason| OutputError::Unreadable {
                    name: var.name.clone(),
                    ty: var.ty.to_string(),
                    text: text.chars().take(80).collect(),
                    reason,
                })?
            }
            _ => return Err(missing()),
        };
        out.push(literal);
    }
    Ok(out)
}

/// A scalar from an output file's text.
fn parse_scalar(ty: SimpleType, text: &str) -> Result<Literal, String> {
    let trimmed = text.trim_matches([' ', '\n', '\t']);
    let p = match ty {
        SimpleType::String => Primitive::String(trimmed.to_string()),
        SimpleType::Integer => Primitive::Integer(trimmed.parse().map_err(|e| format!("{e}"))?),
        SimpleType::Float => Primitive::Float(trimmed.parse().map_err(|e| format!("{e}"))?),
        SimpleType::Boolean => Primitive::Boolean(match trimmed {
            "1" | "t" | "T" | "true" | "TRUE" | "True" => true,
            "0" | "f" | "F" | "false" | "FALSE" | "False" => false,
            _ => return Err("not a boolean (true or false)".to_string()),
        }),
        SimpleType::Datetime => {
            let t = chrono::DateTime::parse_from_rfc3339(trimmed).map_err(|e| format!("{e}"))?;
            Primitive::Datetime(t.with_timezone(&chrono::Utc).into())
        }
        SimpleType::Duration => {
            Primitive::Duration(humantime::parse_duration(trimmed).map_err(|e| format!("{e}"))?)
        }
        other => return Err(format!("{other:?} is not read from a file")),
    };
    Ok(Literal::Primitive(p))
}
