//! Object-store access for tasks: [`FileAccess`] resolves `file://`, `memory://`,
//! `s3://`, `gs://`, `az://` URLs and plain local paths to an `object_store` store.
//!
//! Stores are created on first use and kept, so every `memory:///...` location of
//! one `FileAccess` lands in the same in-memory store. A cloud store's settings come
//! from flytekit's variables and config file (`FLYTE_AWS_ENDPOINT`, ..., what a stock
//! Flyte cluster gives task pods) over object_store's own (`AWS_*`, `GOOGLE_*`,
//! `AZURE_*`); the [`settings`] module lists them.

mod listing;
mod local;
pub mod location;
pub mod settings;

use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path;
use object_store::registry::{DefaultObjectStoreRegistry, ObjectStoreRegistry};
use object_store::{ObjectStore, ObjectStoreExt, ObjectStoreScheme, PutPayload};
use url::Url;

/// A location could not be opened or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// Neither a URL nor a usable local path.
    #[error("`{location}` is not a valid URL or local path: {reason}")]
    InvalidLocation {
        /// The location as given.
        location: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A scheme no store handles, or one whose store this build leaves out.
    #[error("`{location}`: {reason}")]
    UnsupportedScheme {
        /// The location as given.
        location: String,
        /// What is wrong, with the fix where there is one.
        reason: String,
    },
    /// The store reported an error.
    #[error("object store error at `{location}`")]
    Store {
        /// The location as given.
        location: String,
        /// The store's error.
        #[source]
        source: object_store::Error,
    },
}

impl DataError {
    /// Whether the object was simply not there.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            DataError::Store {
                source: object_store::Error::NotFound { .. },
                ..
            }
        )
    }

    /// Whether trying again may help (a network hiccup), as opposed to an error that
    /// will not go away by itself (bad location, permission denied, unsupported call).
    pub fn is_transient(&self) -> bool {
        use object_store::Error as E;
        match self {
            DataError::InvalidLocation { .. } | DataError::UnsupportedScheme { .. } => false,
            DataError::Store { source, .. } => !matches!(
                source,
                E::PermissionDenied { .. }
                    | E::Unauthenticated { .. }
                    | E::InvalidPath { .. }
                    | E::NotSupported { .. }
                    | E::NotImplemented { .. }
                    | E::UnknownConfigurationKey { .. }
            ),
        }
    }
}

/// `scheme://authority` of a URL: the bucket (or container) a store serves.
fn root_of(url: &Url) -> String {
    format!("{}://{}", url.scheme(), url.authority())
}

/// Opens object stores by URL or local path, creating each store once.
#[derive(Debug, Default)]
pub struct FileAccess {
    registry: DefaultObjectStoreRegistry,
    /// The `scheme://bucket` roots whose store is registered, and the locations
    /// given to [`FileAccess::with_store`]: under either, no store is built from the
    /// settings (so the registry never builds one from the bare environment).
    configured: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl FileAccess {
    /// A `FileAccess` with no stores yet; they are created as locations are used.
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide `FileAccess` used when a run sets none, so `memory:///`
    /// locations are shared across runs of one program.
    pub fn shared() -> Arc<FileAccess> {
        static SHARED: std::sync::LazyLock<Arc<FileAccess>> =
            std::sync::LazyLock::new(Default::default);
        SHARED.clone()
    }

    /// Uses `store` for every location under `url` (such as `"s3://bucket"` or
    /// `"memory:///"`), instead of creating one from the URL. Tests use it to plug in
    /// an in-memory store or a wrapped one.
    pub fn with_store(self, url: &str, store: Arc<dyn ObjectStore>) -> Result<Self, DataError> {
        let parsed = to_url(url)?;
        // Locations under it never get a store built from the settings.
        self.configured_roots()
            .insert(parsed.as_str().trim_end_matches('/').to_string());
        self.registry.register(parsed, store);
        Ok(self)
    }

    /// The store holding `location` and the object's path inside it.
    ///
    /// The key is taken byte for byte (see the [`location`] rules): nothing is
    /// percent-decoded, so names with spaces, `%`, `#`, `?`, `+` or non-ASCII letters
    /// reach the object of that very name.
    pub fn resolve(&self, location: &str) -> Result<(Arc<dyn ObjectStore>, Path), DataError> {
        self.open(location).map(|(store, path, _)| (store, path))
    }

    fn open(
        &self,
        location: &str,
    ) -> Result<(Arc<dyn ObjectStore>, Path, location::Parsed), DataError> {
        let parsed = location::parse(location)?;
        let url = &parsed.url;
        if let Ok((scheme, _)) = ObjectStoreScheme::parse(url)
            && let Some(feature) = missing_feature(&scheme)
        {
            return Err(DataError::UnsupportedScheme {
                location: location.to_string(),
                reason: format!(
                    "`{}://` needs the `{feature}` feature of flytekit, which this build leaves out",
                    url.scheme()
                ),
            });
        }
        if let Ok((scheme, _)) = ObjectStoreScheme::parse(url) {
            self.configure_cloud_store(&scheme, url)
                .map_err(|source| DataError::Store {
                    location: location.to_string(),
                    source,
                })?;
        }
        match self.registry.resolve(url) {
            Ok((store, suffix)) => {
                // The registry's own path re-encodes names; only its length is used.
                let consumed = parsed.parts.len().saturating_sub(suffix.parts().count());
                let path = parsed.path_after(consumed);
                Ok((store, path, parsed))
            }
            // The registry hides why it could not create a store; building one
            // directly gives the real cause.
            Err(e) => {
                let source = object_store::parse_url_opts(url, std::env::vars())
                    .err()
                    .unwrap_or(e);
                Err(DataError::Store {
                    location: location.to_string(),
                    source,
                })
            }
        }
    }

    fn configured_roots(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<String>> {
        self.configured.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers the store of `url`'s bucket, built with flytekit's settings over the
    /// native ones ([`settings::store_options`]), unless one is registered already.
    fn configure_cloud_store(
        &self,
        scheme: &ObjectStoreScheme,
        url: &Url,
    ) -> Result<(), object_store::Error> {
        // Only the stores' own schemes name the bucket in the authority: an
        // `https://s3.<region>.amazonaws.com/<bucket>/..` URL is left to object_store,
        // which reads the bucket from the path.
        let native = matches!(
            url.scheme(),
            "s3" | "s3a" | "gs" | "az" | "adl" | "azure" | "abfs" | "abfss"
        );
        if !native
            || !matches!(
                scheme,
                ObjectStoreScheme::AmazonS3
                    | ObjectStoreScheme::GoogleCloudStorage
                    | ObjectStoreScheme::MicrosoftAzure
            )
        {
            return Ok(());
        }
        let root = root_of(url);
        let mut roots = self.configured_roots();
        let whole = url.as_str();
        // Configured already, or under a store given with `with_store`.
        if roots.iter().any(|r| {
            whole == r
                || whole
                    .strip_prefix(r.as_str())
                    .is_some_and(|t| t.starts_with('/'))
        }) {
            return Ok(());
        }
        static FILE: std::sync::OnceLock<settings::ConfigFile> = std::sync::OnceLock::new();
        let file = FILE.get_or_init(settings::ConfigFile::find);
        let env: Vec<(String, String)> = std::env::vars().collect();
        let options = settings::store_options(scheme, &env, file);
        let root_url = Url::parse(&root).map_err(|e| object_store::Error::Generic {
            store: "url",
            source: Box::new(e),
        })?;
        let (store, _) = object_store::parse_url_opts(&root_url, options)?;
        self.registry.register(root_url, Arc::from(store));
        roots.insert(root);
        Ok(())
    }

    /// Whether an object exists at `location`.
    pub async fn exists(&self, location: &str) -> Result<bool, DataError> {
        let (store, path) = self.resolve(location)?;
        match store.head(&path).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(source) => Err(DataError::Store {
                location: location.to_string(),
                source,
            }),
        }
    }

    /// Reads the whole object at `location`.
    pub async fn get(&self, location: &str) -> Result<Bytes, DataError> {
        let (store, path) = self.resolve(location)?;
        get_path(&*store, &path, location).await
    }

    /// Every object under the folder `prefix`, as locations written like `prefix`
    /// (`s3://b/landing/a.csv` for prefix `s3://b/landing`), sorted. Folder markers
    /// (the empty `dir/sub/` keys consoles create) are left out.
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>, DataError> {
        let base = prefix.trim_end_matches('/');
        Ok(self
            .list_objects(prefix)
            .await?
            .objects
            .into_iter()
            .map(|o| format!("{base}/{}", o.relative))
            .collect())
    }

    /// The objects under the folder `prefix`, each with its path in the store, so
    /// they can be read without turning their names back into locations.
    pub(crate) async fn list_objects(&self, prefix: &str) -> Result<Listing, DataError> {
        let (store, path, parsed) = self.open(prefix)?;
        let store_err = |source| DataError::Store {
            location: prefix.to_string(),
            source,
        };
        let mut objects = match parsed.kind {
            // object_store's local listing re-encodes names (`100%.txt` comes back
            // as `100%25.txt`); the folder is walked directly instead.
            location::Kind::Local => local::list(prefix, &parsed.parts).await?,
            location::Kind::Store => listing::list(&*store, &path).await.map_err(store_err)?,
        };
        objects.sort_unstable_by(|a, b| a.relative.cmp(&b.relative));
        Ok(Listing { store, objects })
    }
    /// Writes `bytes` to `location`, replacing what was there.
    pub async fn put(&self, location: &str, bytes: impl Into<Bytes>) -> Result<(), DataError> {
        let (store, path) = self.resolve(location)?;
        store
            .put(&path, PutPayload::from(bytes.into()))
            .await
            .map(|_| ())
            .map_err(|source| DataError::Store {
                location: location.to_string(),
                source,
            })
    }
}

/// A location as a URL: its key taken byte for byte (see [`location`]) and
/// percent-encoded as a URL's path must be. Relative paths are taken from the
/// current directory.
pub fn to_url(location: &str) -> Result<Url, DataError> {
    Ok(location::parse(location)?.url)
}

/// Finds the object-store access of the task attempt running here; set by the task
/// layer, which knows about attempts (this module does not).
static CURRENT: std::sync::OnceLock<fn() -> Option<Arc<FileAccess>>> = std::sync::OnceLock::new();

/// Installs how [`current`] finds the running attempt's access (once per process).
pub(crate) fn set_current(find: fn() -> Option<Arc<FileAccess>>) {
    let _ = CURRENT.set(find);
}

/// The object-store access of the task attempt running here (what [`FlyteFile`] and
/// [`FlyteDirectory`] use), or [`FileAccess::shared`] outside a task attempt.
///
/// [`FlyteFile`]: crate::types::FlyteFile
/// [`FlyteDirectory`]: crate::types::FlyteDirectory
pub fn current() -> Arc<FileAccess> {
    CURRENT
        .get()
        .and_then(|find| find())
        .unwrap_or_else(FileAccess::shared)
}

/// `prefix/name`, with one slash between them.
pub(crate) fn join_prefix(prefix: &str, name: &str) -> String {
    format!("{}/{name}", prefix.trim_end_matches('/'))
}

/// Reads the whole object at `path` of `store`; `location` names it in errors.
pub(crate) async fn get_path(
    store: &dyn ObjectStore,
    path: &Path,
    location: &str,
) -> Result<Bytes, DataError> {
    let store_err = |source| DataError::Store {
        location: location.to_string(),
        source,
    };
    store
        .get(path)
        .await
        .map_err(store_err)?
        .bytes()
        .await
        .map_err(store_err)
}

/// The objects under a folder, from [`FileAccess::list_objects`].
pub(crate) struct Listing {
    /// The store they are in.
    pub(crate) store: Arc<dyn ObjectStore>,
    /// Each object, sorted by its name under the folder.
    pub(crate) objects: Vec<Listed>,
}

/// One object of a [`Listing`].
pub(crate) struct Listed {
    /// Its name under the folder (`sub/a.csv`): parts that are never empty, `.` or
    /// `..`, so joining it to a local folder stays inside that folder.
    pub(crate) relative: String,
    /// Its path in the store.
    pub(crate) path: Path,
}

fn missing_feature(scheme: &ObjectStoreScheme) -> Option<&'static str> {
    match scheme {
        #[cfg(not(feature = "aws"))]
        ObjectStoreScheme::AmazonS3 => Some("aws"),
        #[cfg(not(feature = "gcp"))]
        ObjectStoreScheme::GoogleCloudStorage => Some("gcp"),
        #[cfg(not(feature = "azure"))]
        ObjectStoreScheme::MicrosoftAzure => Some("azure"),
        ObjectStoreScheme::Http => Some("http (not offered)"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_store::memory::InMemory;

    #[tokio::test]
    async fn plain_paths_and_file_urls_reach_the_same_file() {
        let dir = std::env::temp_dir().join(format!("flyte-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.txt");
        std::fs::write(&file, "hi").unwrap();
        let fa = FileAccess::new();
        let plain = file.display().to_string();
        assert!(fa.exists(&plain).await.unwrap());
        let url = Url::from_file_path(&file).unwrap().to_string();
        assert_eq!(fa.get(&url).await.unwrap(), Bytes::from("hi"));
        assert!(!fa.exists(&format!("{plain}.missing")).await.unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn memory_locations_share_one_store() {
        let fa = FileAccess::new();
        fa.put("memory:///a/b", "x").await.unwrap();
        assert!(fa.exists("memory:///a/b").await.unwrap());
        assert!(!fa.exists("memory:///a/c").await.unwrap());
    }

    #[tokio::test]
    async fn a_registered_store_is_used() {
        let store = Arc::new(InMemory::new());
        store
            .put(&Path::from("k"), PutPayload::from("v"))
            .await
            .unwrap();
        let fa = FileAccess::new().with_store("memory:///", store).unwrap();
        assert_eq!(fa.get("memory:///k").await.unwrap(), Bytes::from("v"));
    }

    #[test]
    fn unknown_schemes_and_empty_locations_are_rejected_by_name() {
        let fa = FileAccess::new();
        let err = fa.resolve("ftp://host/x").unwrap_err();
        assert!(!err.is_transient());
        let msg = err.to_string();
        assert!(
            msg.contains("ftp://host/x") && msg.contains("`ftp://`"),
            "{msg}"
        );
        assert!(matches!(
            fa.resolve(""),
            Err(DataError::InvalidLocation { .. })
        ));
    }
}

#[cfg(all(test, feature = "aws", feature = "gcp", feature = "azure"))]
mod cloud_tests {
    use super::*;
    use object_store::memory::InMemory;

    // Resolving builds the store from the URL and the environment; no request is sent,
    // so this needs no server or credentials.
    #[test]
    fn an_s3_url_resolves_to_its_store_and_keeps_the_object_path() {
        let (store, path) = FileAccess::new()
            .resolve("s3://bucket/dir/file.csv")
            .unwrap();
        assert_eq!(path.as_ref(), "dir/file.csv");
        assert!(store.to_string().contains("bucket"), "{store}");
    }

    #[test]
    fn a_store_that_cannot_be_configured_says_why() {
        // Azure needs an account name, from AZURE_STORAGE_ACCOUNT_NAME.
        if std::env::var_os("AZURE_STORAGE_ACCOUNT_NAME").is_some() {
            return;
        }
        let err = FileAccess::new()
            .resolve("az://container/file")
            .unwrap_err();
        let cause = std::error::Error::source(&err).unwrap().to_string();
        assert!(cause.to_lowercase().contains("account"), "{cause}");
        assert!(err.to_string().contains("az://container/file"));
    }

    #[tokio::test]
    async fn a_store_given_for_a_folder_is_used_without_building_the_buckets() {
        // `az://c` alone could not be built here (no account name); the folder's own
        // store serves what is under it.
        let store = Arc::new(InMemory::new());
        store
            .put(&Path::from("x"), PutPayload::from("v"))
            .await
            .unwrap();
        let fa = FileAccess::new()
            .with_store("az://c/prefix", store)
            .unwrap();
        assert_eq!(fa.get("az://c/prefix/x").await.unwrap(), Bytes::from("v"));
    }
}
