//! Content hashes of files, directories and dataframes: Flyte's `Literal.hash`, which
//! flytekit fills from a `HashMethod` and which Flyte's cache keys (and ours) use in
//! place of the value, so the same bytes at another URI are the same cache entry.
//!
//! The hash of a file is the lowercase hex SHA-256 of its bytes (what `sha256sum`
//! prints). The hash of a directory, or of the folder holding a dataframe, is the hex
//! SHA-256 of its `sha256sum` listing: one line `<file hash>  <relative path>\n` per
//! file, in byte order of the paths. Both are what a flytekit task writes with
//! `Annotated[FlyteFile, HashMethod(f)]` for the `f` that computes the same (the
//! cross-language tests define it in Python that way).

use futures::TryStreamExt;
use sha2::{Digest, Sha256};

use crate::data::{DataError, FileAccess};

/// Whether a value carries a content hash, and which.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum ContentHash {
    /// None: the value is keyed by its location.
    #[default]
    None,
    /// To be computed from the content when the task returning the value finishes
    /// (after any upload), then [`ContentHash::Known`].
    Wanted,
    /// Known: computed, read with the value (a flytekit task's `HashMethod`), or given.
    Known(String),
}

impl ContentHash {
    /// The known hash, if any.
    pub fn known(&self) -> Option<&str> {
        match self {
            ContentHash::Known(h) => Some(h),
            _ => None,
        }
    }

    /// This state after a value asked for its content hash: wanted, unless one is
    /// known already.
    pub(crate) fn wanted(self) -> Self {
        match self {
            ContentHash::None => ContentHash::Wanted,
            other => other,
        }
    }

    /// A hash read with a literal (`None` when it has none).
    pub(crate) fn from_literal(hash: &Option<String>) -> Self {
        match hash {
            Some(h) => ContentHash::Known(h.clone()),
            None => ContentHash::None,
        }
    }
}

/// Bytes as lowercase hex (a digest's usual text).
pub(crate) fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The content hash of the file at `location` (a path on this machine or a URL),
/// read in chunks, so a large file is never held whole.
pub(crate) async fn hash_file(fa: &FileAccess, location: &str) -> Result<String, DataError> {
    let (store, path) = fa.resolve(location)?;
    let store_err = |source| DataError::Store {
        location: location.to_string(),
        source,
    };
    let mut chunks = store
        .get_opts(&path, Default::default())
        .await
        .map_err(store_err)?
        .into_stream();
    let mut h = Sha256::new();
    while let Some(chunk) = chunks.try_next().await.map_err(store_err)? {
        h.update(&chunk);
    }
    Ok(hex(&h.finalize()))
}

/// The content hash of the directory at `location`: of its files' names and hashes.
/// A folder on this machine that exists and is empty hashes as an empty listing; a
/// single object where a folder was expected (a dataframe stored as one file) hashes
/// as that file; nothing there at all is an error, never a hash two missing folders
/// would share.
pub(crate) async fn hash_directory(fa: &FileAccess, location: &str) -> Result<String, DataError> {
    let listing = fa.list_objects(location).await?;
    if listing.objects.is_empty() {
        if fa.exists(location).await.unwrap_or(false) {
            return hash_file(fa, location).await;
        }
        let local = crate::data::to_url(location)
            .ok()
            .filter(|u| u.scheme() == "file")
            .and_then(|u| u.to_file_path().ok())
            .is_some_and(|p| p.is_dir());
        if !local {
            return Err(DataError::InvalidLocation {
                location: location.to_string(),
                reason: "nothing is there to hash (no files under it, and no file at it)"
                    .to_string(),
            });
        }
    }
    let base = location.trim_end_matches('/');
    let mut manifest = Sha256::new();
    for object in &listing.objects {
        let at = format!("{base}/{}", object.relative);
        let store_err = |source| DataError::Store {
            location: at.clone(),
            source,
        };
        let mut chunks = listing
            .store
            .get_opts(&object.path, Default::default())
            .await
            .map_err(store_err)?
            .into_stream();
        let mut h = Sha256::new();
        while let Some(chunk) = chunks.try_next().await.map_err(store_err)? {
            h.update(&chunk);
        }
        manifest.update(format!("{}  {}\n", hex(&h.finalize()), object.relative));
    }
    Ok(hex(&manifest.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_and_directories_hash_as_sha256sum_does() {
        let root = std::env::temp_dir().join(format!("flyte-hash-{}", std::process::id()));
        std::fs::create_dir_all(root.join("d/sub")).unwrap();
        std::fs::write(root.join("d/b.txt"), "two\n").unwrap();
        std::fs::write(root.join("d/sub/a.txt"), "one\n").unwrap();
        let fa = FileAccess::shared();
        let file = root.join("d/b.txt");
        // `printf 'two\n' | sha256sum`
        assert_eq!(
            hash_file(&fa, file.to_str().unwrap()).await.unwrap(),
            "27dd8ed44a83ff94d557f9fd0412ed5a8cbca69ea04922d88c01184a07300a5a"
        );
        // `cd d && sha256sum b.txt sub/a.txt | sha256sum`
        let listing = "27dd8ed44a83ff94d557f9fd0412ed5a8cbca69ea04922d88c01184a07300a5a  b.txt\n\
                       2c8b08da5ce60398e1f19af0e5dccc744df274b826abe585eaba68c525434806  sub/a.txt\n";
        assert_eq!(
            hash_directory(&fa, root.join("d").to_str().unwrap())
                .await
                .unwrap(),
            hex(&Sha256::digest(listing))
        );
        // A folder that is not there has no hash; a file where a folder was
        // expected (a dataframe in one file) hashes as the file.
        let missing = root.join("nowhere");
        assert!(
            hash_directory(&fa, missing.to_str().unwrap())
                .await
                .is_err()
        );
        assert_eq!(
            hash_directory(&fa, file.to_str().unwrap()).await.unwrap(),
            "27dd8ed44a83ff94d557f9fd0412ed5a8cbca69ea04922d88c01184a07300a5a"
        );
        std::fs::create_dir_all(root.join("empty")).unwrap();
        assert_eq!(
            hash_directory(&fa, root.join("empty").to_str().unwrap())
                .await
                .unwrap(),
            hex(&Sha256::digest(b""))
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
