//! [`FlyteFile`] and [`FlyteDirectory`]: files and directories passed between tasks by
//! URI, as Flyte's blob type.
//!
//! A task may return a file or directory on its local disk; when the attempt finishes
//! it is uploaded under the run's raw-output prefix (a local folder by default, or any
//! location [`FileAccess`] opens, such as `memory:///raw` or `s3://bucket/raw`), and
//! the value handed on points there. Values that already point into an object store
//! are passed on as they are.

use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures::TryStreamExt;

use super::content_hash::ContentHash;
use super::file_format::{AnyFormat, FileFormat};
use super::{BlobDimensionality, BlobType, FlyteType, Literal, LiteralMismatch, LiteralType};
use crate::data::{DataError, FileAccess};

/// A file inside a value, as [`FlyteType::visit_blobs`] hands it out.
pub struct BlobRef<'a> {
    /// Its location; rewritten when the file is uploaded.
    pub uri: &'a mut String,
    /// File or directory.
    pub dimensionality: BlobDimensionality,
    /// Its content hash; a wanted one is computed when the task returning the value
    /// finishes.
    pub hash: &'a mut ContentHash,
}

fn access() -> Arc<FileAccess> {
    crate::data::current()
}

pub(crate) fn is_local(uri: &str) -> bool {
    !uri.contains("://") || uri.starts_with("file://")
}

/// A file, by URI or local path.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::types::FlyteFile;
/// let f = FlyteFile::new("s3://bucket/data.csv");
/// assert_eq!(f.uri(), "s3://bucket/data.csv");
/// assert!(!f.is_local());
/// ```
///
/// `F` is its format ([`AnyFormat`] unless given): `FlyteFile<Csv>` is a CSV file, and
/// its Flyte type says so, as flytekit's `FlyteFile[typing.TypeVar("csv")]` does.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::types::{Csv, FlyteFile, FlyteType, LiteralType};
/// let report: FlyteFile<Csv> = FlyteFile::new("s3://bucket/report.csv").format();
/// let LiteralType::Blob(blob) = FlyteFile::<Csv>::literal_type() else { unreachable!() };
/// assert_eq!(blob.format, "csv");
/// assert_eq!(report.untyped().uri(), "s3://bucket/report.csv");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct FlyteFile<F: FileFormat = AnyFormat> {
    uri: String,
    /// Not in a struct field's form: flytekit's dataclass fields carry no hash.
    #[serde(skip)]
    hash: ContentHash,
    #[serde(skip)]
    _format: PhantomData<F>,
}

impl FlyteFile {
    /// A file at `location`: a URL, or a path on this machine (of any format; see
    /// [`FlyteFile::format`]).
    pub fn new(location: impl Into<String>) -> Self {
        FlyteFile {
            uri: location.into(),
            hash: ContentHash::None,
            _format: PhantomData,
        }
    }
}

impl FlyteFile {
    /// Copies the local file at `from` to `to` (any location) and returns it.
    pub async fn upload(from: impl AsRef<Path>, to: &str) -> Result<Self, DataError> {
        upload_file(&access(), from.as_ref(), to).await?;
        Ok(FlyteFile::new(to))
    }
}

impl<F: FileFormat> FlyteFile<F> {
    /// The same file, declared to be of format `G`.
    pub fn format<G: FileFormat>(self) -> FlyteFile<G> {
        FlyteFile {
            uri: self.uri,
            hash: self.hash,
            _format: PhantomData,
        }
    }

    /// The same file, of any format.
    pub fn untyped(self) -> FlyteFile {
        self.format()
    }

    /// Where the file is.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Whether it is on this machine's disk (a plain path or a `file://` URL).
    pub fn is_local(&self) -> bool {
        is_local(&self.uri)
    }

    /// Asks for the file's content hash (the SHA-256 of its bytes) to be computed
    /// when the task returning it finishes, so a cached task it is handed to keys on
    /// its bytes, not on where it was put (flytekit's `HashMethod`;
    /// `#[task(hash_outputs)]` asks it for every output). A hash already known is
    /// kept.
    pub fn with_content_hash(mut self) -> Self {
        self.hash = self.hash.wanted();
        self
    }

    /// Gives the file a hash of your own (any text that changes when what matters
    /// in it changes, as a flytekit `HashMethod` returns), used in cache keys in
    /// place of its location.
    pub fn with_hash(mut self, hash: impl Into<String>) -> Self {
        self.hash = ContentHash::Known(hash.into());
        self
    }

    /// Computes the content hash now (reading the whole file), for a value that is
    /// not a task's output, such as a workflow's input given in code.
    pub async fn hashed(mut self) -> Result<Self, DataError> {
        if self.hash.known().is_none() {
            let hash = super::content_hash::hash_file(&access(), &self.uri).await?;
            self.hash = ContentHash::Known(hash);
        }
        Ok(self)
    }

    /// Its content hash, when known (computed, given, or read with the value).
    pub fn hash(&self) -> Option<&str> {
        self.hash.known()
    }

    /// Reads the whole file, through the running task's object-store access.
    pub async fn read(&self) -> Result<Bytes, DataError> {
        access().get(&self.uri).await
    }

    /// Opens the file for streaming: its bytes arrive in chunks, so large files need
    /// not fit in memory.
    pub async fn open(
        &self,
    ) -> Result<futures::stream::BoxStream<'static, Result<Bytes, DataError>>, DataError> {
        let (store, path) = access().resolve(&self.uri)?;
        let uri = self.uri.clone();
        let result = store
            .get_opts(&path, Default::default())
            .await
            .map_err(|source| DataError::Store {
                location: uri.clone(),
                source,
            })?;
        Ok(Box::pin(result.into_stream().map_err(move |source| {
            DataError::Store {
                location: uri.clone(),
                source,
            }
        })))
    }

    /// Copies the file to `to` on this machine.
    pub async fn download(&self, to: impl AsRef<Path>) -> Result<(), DataError> {
        let bytes = self.read().await?;
        write_local(to.as_ref(), &bytes).await
    }
}

/// A directory (many files under one prefix), by URI or local path.
///
/// A task takes or returns one as it would a [`FlyteFile`]: locally it is the path or
/// URL given; on a cluster flytekit's and ours upload a returned local directory to
/// the raw output prefix and pass its URL on.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use flytekit::types::FlyteDirectory;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let root = std::env::temp_dir().join(format!("flyte-dir-doc-{}", std::process::id()));
/// std::fs::create_dir_all(root.join("b"))?;
/// std::fs::write(root.join("a.txt"), "one")?;
/// std::fs::write(root.join("b/c.txt"), "two")?;
///
/// let dir = FlyteDirectory::new(root.to_str().unwrap());
/// assert!(dir.is_local());
/// // Every file below it, sorted by location.
/// let files = dir.files().await?;
/// assert_eq!(files.len(), 2);
/// assert!(files[1].uri().ends_with("b/c.txt"));
/// assert_eq!(&files[1].read().await?[..], b"two");
/// # std::fs::remove_dir_all(&root)?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FlyteDirectory {
    uri: String,
    /// Not in a struct field's form: flytekit's dataclass fields carry no hash.
    #[serde(skip)]
    hash: ContentHash,
}

impl FlyteDirectory {
    /// A directory at `location`: a URL prefix, or a path on this machine.
    pub fn new(location: impl Into<String>) -> Self {
        FlyteDirectory {
            uri: location.into(),
            hash: ContentHash::None,
        }
    }

    /// Where the directory is.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Whether it is on this machine's disk.
    pub fn is_local(&self) -> bool {
        is_local(&self.uri)
    }

    /// Asks for the directory's content hash (of its files' names and bytes; see
    /// [`ContentHash`]) to be computed when the task returning it finishes, as
    /// [`FlyteFile::with_content_hash`] does for a file.
    pub fn with_content_hash(mut self) -> Self {
        self.hash = self.hash.wanted();
        self
    }

    /// Gives the directory a hash of your own, used in cache keys in place of its
    /// location.
    pub fn with_hash(mut self, hash: impl Into<String>) -> Self {
        self.hash = ContentHash::Known(hash.into());
        self
    }

    /// Computes the content hash now (reading every file).
    pub async fn hashed(mut self) -> Result<Self, DataError> {
        if self.hash.known().is_none() {
            let hash = super::content_hash::hash_directory(&access(), &self.uri).await?;
            self.hash = ContentHash::Known(hash);
        }
        Ok(self)
    }

    /// Its content hash, when known.
    pub fn hash(&self) -> Option<&str> {
        self.hash.known()
    }

    /// The files in the directory and below it, sorted by location.
    pub async fn files(&self) -> Result<Vec<FlyteFile>, DataError> {
        let found = access().list(&self.uri).await?;
        Ok(found.into_iter().map(FlyteFile::new).collect())
    }

    /// Copies the directory's files under `to` on this machine.
    ///
    /// Each listed object is read by its path in the store, never by turning its name
    /// back into a URL, so names holding `%2E%2E`, `#` or `?` fetch that very object
    /// and land inside `to`. Empty folder markers (`dir/sub/`) are skipped.
    pub async fn download(&self, to: impl AsRef<Path>) -> Result<(), DataError> {
        let listing = access().list_objects(&self.uri).await?;
        let base = self.uri.trim_end_matches('/');
        for object in listing.objects {
            let location = format!("{base}/{}", object.relative);
            let bytes = crate::data::get_path(&*listing.store, &object.path, &location).await?;
            // `relative`'s parts are never empty, `.` or `..`: the file stays in `to`.
            let target = object
                .relative
                .split('/')
                .fold(to.as_ref().to_path_buf(), |p, part| p.join(part));
            write_local(&target, &bytes).await?;
        }
        Ok(())
    }

    /// Copies the local directory `from` (recursively) under `to` and returns it.
    pub async fn upload(from: impl AsRef<Path>, to: &str) -> Result<FlyteDirectory, DataError> {
        upload_dir(&access(), from.as_ref(), to).await?;
        Ok(FlyteDirectory::new(to))
    }
}

impl<F: FileFormat> FlyteType for FlyteFile<F> {
    const UNION_TAG: Option<&'static str> = Some("FlyteFilePath");
    const HAS_BLOBS: bool = true;
    fn literal_type() -> LiteralType {
        LiteralType::Blob(BlobType {
            format: F::FORMAT.to_string(),
            dimensionality: BlobDimensionality::Single,
        })
    }
    fn to_literal(&self) -> Literal {
        Literal::Blob {
            uri: self.uri.clone(),
            ty: BlobType {
                format: F::FORMAT.to_string(),
                dimensionality: BlobDimensionality::Single,
            },
            hash: self.hash.known().map(str::to_string),
        }
    }
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
        match literal {
            // A file of no stated format fits any, as Flyte's type checker has it.
            Literal::Blob { uri, ty, hash }
                if ty.dimensionality == BlobDimensionality::Single
                    && (ty.format.is_empty() || F::FORMAT.is_empty() || ty.format == F::FORMAT) =>
            {
                Ok(FlyteFile {
                    uri: uri.clone(),
                    hash: ContentHash::from_literal(hash),
                    _format: PhantomData,
                })
            }
            other => Err(LiteralMismatch::new::<Self>(other)),
        }
    }
    fn visit_blobs<'a>(&'a mut self, f: &mut dyn FnMut(BlobRef<'a>)) {
        f(BlobRef {
            uri: &mut self.uri,
            dimensionality: BlobDimensionality::Single,
            hash: &mut self.hash,
        })
    }
}

impl FlyteType for FlyteDirectory {
    const UNION_TAG: Option<&'static str> = Some("FlyteDirectory");
    const HAS_BLOBS: bool = true;
    fn literal_type() -> LiteralType {
        LiteralType::Blob(BlobType {
            format: String::new(),
            dimensionality: BlobDimensionality::Multipart,
        })
    }
    fn to_literal(&self) -> Literal {
        Literal::Blob {
            uri: self.uri.clone(),
            ty: BlobType {
                format: String::new(),
                dimensionality: BlobDimensionality::Multipart,
            },
            hash: self.hash.known().map(str::to_string),
        }
    }
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
        match literal {
            Literal::Blob { uri, ty, hash }
                if ty.dimensionality == BlobDimensionality::Multipart =>
            {
                Ok(FlyteDirectory {
                    uri: uri.clone(),
                    hash: ContentHash::from_literal(hash),
                })
            }
            other => Err(LiteralMismatch::new::<Self>(other)),
        }
    }
    fn visit_blobs<'a>(&'a mut self, f: &mut dyn FnMut(BlobRef<'a>)) {
        f(BlobRef {
            uri: &mut self.uri,
            dimensionality: BlobDimensionality::Multipart,
            hash: &mut self.hash,
        })
    }
}

async fn write_local(to: &Path, bytes: &[u8]) -> Result<(), DataError> {
    let io_err = |e: std::io::Error| DataError::InvalidLocation {
        location: to.display().to_string(),
        reason: e.to_string(),
    };
    if let Some(parent) = to.parent() {
        tokio::fs::create_dir_all(parent).await.map_err(io_err)?;
    }
    tokio::fs::write(to, bytes).await.map_err(io_err)
}

pub(crate) fn local_path(uri: &str) -> PathBuf {
    match uri.strip_prefix("file://") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(uri),
    }
}

pub(crate) async fn upload_file(fa: &FileAccess, from: &Path, to: &str) -> Result<(), DataError> {
    let bytes = tokio::fs::read(from)
        .await
        .map_err(|e| DataError::InvalidLocation {
            location: from.display().to_string(),
            reason: e.to_string(),
        })?;
    fa.put(to, bytes).await
}

pub(crate) async fn upload_dir(fa: &FileAccess, from: &Path, to: &str) -> Result<(), DataError> {
    let root = from.to_path_buf();
    let files = tokio::task::spawn_blocking(move || walk(&root))
        .await
        .map_err(|e| DataError::InvalidLocation {
            location: from.display().to_string(),
            reason: e.to_string(),
        })?
        .map_err(|e| DataError::InvalidLocation {
            location: from.display().to_string(),
            reason: e.to_string(),
        })?;
    let base = to.trim_end_matches('/');
    for file in files {
        let rel = file.strip_prefix(from).unwrap_or(&file);
        let rel = rel.to_string_lossy().replace('\\', "/");
        upload_file(fa, &file, &format!("{base}/{rel}")).await?;
    }
    Ok(())
}

fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
