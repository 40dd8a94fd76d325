//! The registries, over the OCI distribution API (oras-project's `oci-client`):
//! credentials from the environment or the user's docker config, http only for a
//! registry named insecure, and the few calls an image push needs.

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::OciDistributionError;
use oci_client::manifest::{ImageIndexEntry, OciDescriptor, OciImageManifest, OciManifest};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference, RegistryOperation};

use super::ImageError;
use crate::platform::Platform;

/// The environment variables with credentials for the registry pushed to; they come
/// before the docker config.
pub const USERNAME_ENV: &str = "FLYTE_REGISTRY_USERNAME";
/// See [`USERNAME_ENV`].
pub const PASSWORD_ENV: &str = "FLYTE_REGISTRY_PASSWORD";

/// A client for the base's and the target's registries.
pub(super) struct Registries {
    client: Client,
}

/// The base image, resolved to one platform.
pub(super) struct Base {
    pub(super) reference: Reference,
    pub(super) manifest: OciImageManifest,
    /// `sha256:` of its (platform) manifest.
    pub(super) digest: String,
    pub(super) config: serde_json::Value,
}

impl Registries {
    /// A client speaking http to the `insecure` registries (`host:port`) and https to
    /// the others, picking `platform` from multi-platform bases.
    pub(super) fn new(insecure: &[String], platform: Platform) -> Self {
        let resolver = move |entries: &[ImageIndexEntry]| -> Option<String> {
            entries
                .iter()
                .find(|e| {
                    e.platform.as_ref().is_some_and(|p| {
                        p.os.to_string() == platform.os()
                            && p.architecture.to_string() == platform.architecture()
                    })
                })
                .map(|e| e.digest.clone())
        };
        let config = ClientConfig {
            protocol: ClientProtocol::HttpsExcept(insecure.to_vec()),
            platform_resolver: Some(Box::new(resolver)),
            ..Default::default()
        };
        Registries {
            client: Client::new(config),
        }
    }

    /// Signs in to `reference`'s registry for `operation`, with `auth`.
    pub(super) async fn sign_in(
        &self,
        reference: &Reference,
        auth: &RegistryAuth,
        operation: RegistryOperation,
    ) -> Result<(), ImageError> {
        self.client
            .auth(reference, auth, operation)
            .await
            .map(drop)
            .map_err(|e| registry_error(reference, "sign in to", e))
    }

    /// The base's manifest for the platform, its digest and config.
    pub(super) async fn base(
        &self,
        reference: &Reference,
        auth: &RegistryAuth,
    ) -> Result<Base, ImageError> {
        let (manifest, digest, config) = self
            .client
            .pull_manifest_and_config(reference, auth)
            .await
            .map_err(|e| registry_error(reference, "read the base image", e))?;
        let config = serde_json::from_str(&config).map_err(|e| ImageError::Base {
            base: reference.whole(),
            reason: format!("its config is not JSON: {e}"),
        })?;
        Ok(Base {
            reference: reference.clone(),
            manifest,
            digest,
            config,
        })
    }

    /// The blob, downloaded into a temporary file (a base's layer may be gigabytes:
    /// a CUDA image's), its digest checked.
    pub(super) async fn pull_blob(
        &self,
        reference: &Reference,
        layer: &OciDescriptor,
    ) -> Result<Download, ImageError> {
        let download = Download::new();
        let io = |source| ImageError::File {
            path: download.path.clone(),
            source,
        };
        let file = tokio::fs::File::create(&download.path).await.map_err(io)?;
        let mut file = tokio::io::BufWriter::new(file);
        self.client
            .pull_blob(reference, layer, &mut file)
            .await
            .map_err(|e| registry_error(reference, "download a layer of", e))?;
        tokio::io::AsyncWriteExt::flush(&mut file)
            .await
            .map_err(io)?;
        Ok(download)
    }

    /// Uploads a downloaded blob, as it streams.
    pub(super) async fn push_download(
        &self,
        reference: &Reference,
        download: &Download,
        digest: &str,
    ) -> Result<u64, ImageError> {
        let io = |source| ImageError::File {
            path: download.path.clone(),
            source,
        };
        let file = tokio::fs::File::open(&download.path).await.map_err(io)?;
        let size = file.metadata().await.map_err(io)?.len();
        let stream = futures::TryStreamExt::map_err(
            tokio_util::io::ReaderStream::new(file),
            OciDistributionError::IoError,
        );
        self.client
            .push_blob_stream(reference, stream, digest, Some(size))
            .await
            .map_err(|e| registry_error(reference, "upload a layer to", e))?;
        Ok(size)
    }

    pub(super) async fn has_blob(
        &self,
        reference: &Reference,
        digest: &str,
    ) -> Result<bool, ImageError> {
        match self.client.blob_exists(reference, digest).await {
            Ok(there) => Ok(there),
            // Some registries (Docker Hub) answer a repository not made yet with 401.
            Err(e) if is_denied(&e) => Ok(false),
            Err(e) => Err(registry_error(reference, "look for a layer in", e)),
        }
    }

    pub(super) async fn push_blob(
        &self,
        reference: &Reference,
        bytes: Vec<u8>,
        digest: &str,
    ) -> Result<(), ImageError> {
        self.client
            .push_blob(reference, bytes, digest)
            .await
            .map(drop)
            .map_err(|e| registry_error(reference, "upload a layer to", e))
    }

    /// Mounts a blob of `from` into `to` (same registry); false when the registry
    /// would not.
    pub(super) async fn mount_blob(&self, to: &Reference, from: &Reference, digest: &str) -> bool {
        self.client.mount_blob(to, from, digest).await.is_ok()
    }

    /// The digest of the manifest tagged `reference`, if there is one.
    pub(super) async fn manifest_digest(
        &self,
        reference: &Reference,
        auth: &RegistryAuth,
    ) -> Result<Option<String>, ImageError> {
        match self.client.fetch_manifest_digest(reference, auth).await {
            Ok(digest) => Ok(Some(digest)),
            Err(OciDistributionError::ImageManifestNotFoundError(_)) => Ok(None),
            Err(OciDistributionError::RegistryError { envelope, .. })
                if envelope.errors.iter().any(|e| {
                    matches!(
                        e.code,
                        oci_client::errors::OciErrorCode::ManifestUnknown
                            | oci_client::errors::OciErrorCode::NameUnknown
                    )
                }) =>
            {
                Ok(None)
            }
            Err(OciDistributionError::ServerError { code: 404, .. }) => Ok(None),
            // Docker Hub answers a repository not made yet with 401; the push that
            // follows says whether the credentials are good.
            Err(e) if is_denied(&e) => Ok(None),
            Err(e) => Err(registry_error(reference, "look up", e)),
        }
    }

    /// Pushes the manifest under `reference`'s tag; returns its URL.
    pub(super) async fn push_manifest(
        &self,
        reference: &Reference,
        manifest: OciImageManifest,
    ) -> Result<String, ImageError> {
        self.client
            .push_manifest(reference, &OciManifest::Image(manifest))
            .await
            .map_err(|e| registry_error(reference, "push the manifest to", e))
    }
}

/// A blob in a temporary file, removed when dropped.
pub(super) struct Download {
    pub(super) path: std::path::PathBuf,
}

impl Download {
    fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("flytekit-image-{}-{n}.blob", std::process::id());
        Download {
            path: std::env::temp_dir().join(name),
        }
    }

    /// The file, to read.
    pub(super) fn open(&self) -> Result<std::fs::File, ImageError> {
        std::fs::File::open(&self.path).map_err(|source| ImageError::File {
            path: self.path.clone(),
            source,
        })
    }
}

impl Drop for Download {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The credentials for `registry`: for the registry pushed to, `FLYTE_REGISTRY_USERNAME`
/// and `FLYTE_REGISTRY_PASSWORD` first; then the docker config (`$DOCKER_CONFIG` or
/// `~/.docker/config.json`: `auths`, and the `credsStore` and `credHelpers` programs);
/// anonymous when neither has any.
pub(super) fn credentials(registry: &str, pushed_to: bool) -> Result<RegistryAuth, ImageError> {
    if pushed_to
        && let (Ok(user), Ok(password)) = (std::env::var(USERNAME_ENV), std::env::var(PASSWORD_ENV))
    {
        return Ok(RegistryAuth::Basic(user, password));
    }
    // Docker keys Docker Hub by its v1 URL, others by host[:port], sometimes with a
    // scheme.
    let keys = match registry {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => {
            vec!["https://index.docker.io/v1/".to_string()]
        }
        _ => vec![registry.to_string(), format!("https://{registry}")],
    };
    for key in keys {
        use docker_credential::{CredentialRetrievalError as E, DockerCredential};
        match docker_credential::get_credential(&key) {
            Ok(DockerCredential::UsernamePassword(user, password)) => {
                return Ok(RegistryAuth::Basic(user, password));
            }
            // An OAuth refresh token for the registry's token service, which this
            // client cannot exchange.
            Ok(DockerCredential::IdentityToken(_)) => {
                return Err(ImageError::Credentials {
                    registry: registry.to_string(),
                    reason: format!(
                        "the docker config holds an identity token, which is not read here: set {USERNAME_ENV} and {PASSWORD_ENV}"
                    ),
                });
            }
            Err(E::ConfigNotFound | E::NoCredentialConfigured | E::ConfigReadError) => {}
            // What credential helpers answer for a registry they hold nothing for.
            Err(E::HelperFailure { stdout, .. }) if stdout.contains("credentials not found") => {}
            Err(e) => {
                return Err(ImageError::Credentials {
                    registry: registry.to_string(),
                    reason: format!("{e:?}"),
                });
            }
        }
    }
    Ok(RegistryAuth::Anonymous)
}

/// Whether the registry refused a call for its credentials.
fn is_denied(e: &OciDistributionError) -> bool {
    let text = e.to_string();
    matches!(
        e,
        OciDistributionError::AuthenticationFailure(_)
            | OciDistributionError::UnauthorizedError { .. }
            | OciDistributionError::ServerError {
                code: 401 | 403,
                ..
            }
    ) || text.contains("401")
        || text.contains("UNAUTHORIZED")
        || text.contains("DENIED")
}

/// A failed registry call, with a hint when it was refused for credentials.
fn registry_error(reference: &Reference, action: &str, e: OciDistributionError) -> ImageError {
    let text = e.to_string();
    let denied = is_denied(&e);
    let hint = if denied {
        format!(
            " (sign in with `docker login {}`, or set {USERNAME_ENV} and {PASSWORD_ENV})",
            reference.registry()
        )
    } else if text.contains("http") && text.contains("error sending request") {
        format!(
            " (is the registry up? a registry served over plain http needs `--insecure-registry {}`)",
            reference.registry()
        )
    } else {
        String::new()
    };
    ImageError::Registry {
        action: action.to_string(),
        reference: reference.whole(),
        reason: format!("{text}{hint}"),
    }
}
