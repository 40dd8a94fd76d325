//! Files and directories a task returns from its local disk are uploaded under the
//! run's raw-output prefix when the attempt ends, and the values handed on point there
//! (a plain path when the prefix is on this machine, as flytekit writes it). Values
//! that want a content hash get it here, from the bytes they hold.

use crate::data::{DataError, FileAccess};
use crate::task::ExecutionContext;
use crate::types::files::{is_local, local_path, upload_dir, upload_file};
use crate::types::{BlobDimensionality, BlobRef, ContentHash, Outputs};

/// Uploads the local files and directories in a task's outputs under the run's
/// raw-output prefix and points the values there; with `hash_all`, every value
/// without a hash gets its content hash (`#[task(hash_outputs)]`).
pub(crate) async fn offload<O: Outputs>(
    ctx: &ExecutionContext,
    outputs: &mut O,
    hash_all: bool,
) -> Result<(), DataError> {
    let mut blobs = Vec::new();
    outputs.visit_blobs(&mut |b| blobs.push(b));
    let prefix = format!(
        "{}/{}/a{}",
        ctx.raw_output_prefix().trim_end_matches('/'),
        ctx.node_path(),
        ctx.attempt()
    );
    let fa = ctx.file_access();
    for (i, blob) in blobs.into_iter().enumerate() {
        // Hashed where the bytes are now: before an upload, from the local copy.
        if *blob.hash == ContentHash::Wanted || (hash_all && *blob.hash == ContentHash::None) {
            *blob.hash = ContentHash::Known(content_hash(fa, &blob).await?);
        }
        if !is_local(blob.uri) {
            continue;
        }
        let from = local_path(blob.uri);
        let name = from
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "data".to_string());
        let to = format!("{prefix}/{i}/{name}");
        match blob.dimensionality {
            BlobDimensionality::Single => upload_file(fa, &from, &to).await?,
            BlobDimensionality::Multipart => upload_dir(fa, &from, &to).await?,
        }
        // A local destination is written as a plain path, as flytekit writes it:
        // flytekit reads `file://` URIs as remote and fails to find them.
        *blob.uri = match to.strip_prefix("file://") {
            Some(path) => path.to_string(),
            None => to,
        };
    }
    Ok(())
}

async fn content_hash(fa: &FileAccess, blob: &BlobRef<'_>) -> Result<String, DataError> {
    match blob.dimensionality {
        BlobDimensionality::Single => crate::types::hash_file(fa, blob.uri).await,
        BlobDimensionality::Multipart => crate::types::hash_directory(fa, blob.uri).await,
    }
}
