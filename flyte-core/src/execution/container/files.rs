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

/// Writes the inputs under `dir`: a text file per scalar, the file or folder of each
/// blob (downloaded), and the metadata file with every input, blobs pointing at
/// their local copies as the copilot rewrites them. Returns the inputs as written.
pub(super) async fn write_inputs(
    dir: &Path,
    interface: &Interface,
    inputs: &[Literal],
    format: MetadataFormat,
    container_dir: &str,
) -> Result<Vec<Literal>, DataError> {
    let io = |e: std::io::Error| DataError::InvalidLocation {
        location: dir.display().to_string(),
        reason: e.to_string(),
    };
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let mut written = Vec::with_capacity(inputs.len());
    for (var, literal) in interface.inputs.iter().zip(inputs) {
        let path = dir.join(&var.name);
        let mut literal = literal.clone();
        if let Literal::Blob { uri, ty, .. } = &mut literal {
            match ty.dimensionality {
                BlobDimensionality::Single => {
                    crate::types::FlyteFile::new(uri.clone())
                        .download(&path)
                        .await?
                }
                BlobDimensionality::Multipart => {
                    crate::types::FlyteDirectory::new(uri.clone())
                        .download(&path)
                        .await?
                }
            }
            *uri = format!("{}/{}", container_dir.trim_end_matches('/'), var.name);
        } else if let Some(text) = file_text(&literal) {
            tokio::fs::write(&path, text).await.map_err(io)?;
        }
        written.push(literal);
    }
    let map = crate::idl::literal_map(interface.input_names().into_iter().zip(&written));
    let bytes = match format {
        MetadataFormat::Proto => map.encode_to_vec(),
        // JSON is YAML too: the YAML file holds the same text.
        MetadataFormat::Json | MetadataFormat::Yaml => crate::idl::json::to_json(&map).into_bytes(),
    };
    tokio::fs::write(dir.join(metadata_name(format)), bytes)
        .await
        .map_err(io)?;
    Ok(written)
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
    /// Uploading a file or folder failed.
    #[error(transparent)]
    Data(#[from] DataError),
}

/// Reads the outputs the container left in `dir` (`container_dir` inside it):
/// scalars from their text as the copilot parses them (surrounding whitespace
/// ignored, so `echo 3 > out` reads as 3; a string kept as written), files and
/// folders uploaded under `raw_prefix`.
pub(super) async fn read_outputs(
    fa: &FileAccess,
    dir: &Path,
    container_dir: &str,
    interface: &Interface,
    raw_prefix: &str,
) -> Result<Vec<Literal>, OutputError> {
    let mut out = Vec::with_capacity(interface.outputs.len());
    for (i, var) in interface.outputs.iter().enumerate() {
        let path = dir.join(&var.name);
        let missing = || OutputError::Missing {
            name: var.name.clone(),
            path: format!("{}/{}", container_dir.trim_end_matches('/'), var.name),
        };
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
    let trimmed = text.trim();
    let p = match ty {
        SimpleType::String => Primitive::String(text.to_string()),
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
