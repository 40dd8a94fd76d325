//! The program's container image, built and pushed with no Docker daemon (feature
//! `image`), as `ko` builds Go images: the program is laid onto a base image as one
//! layer at `/usr/local/bin/<name>`, and the layers, config and manifest are pushed
//! to the registry over the OCI distribution API. The tag is derived from the base
//! image's digest and the new config (which names the program's layer by digest),
//! so an unchanged program is a no-op.
//!
//! ```no_run
//! use flytekit::image::ImageSpec;
//! use flytekit::platform::{LinuxProgram, Platform};
//!
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! let program = LinuxProgram::this_program(Platform::LinuxAmd64)?;
//! let pushed = ImageSpec::new("ghcr.io/acme/etl")
//!     .env("RUST_LOG", "info")
//!     .build(&program, true)
//!     .await?;
//! println!("{}", pushed.reference); // ghcr.io/acme/etl:rs-1f0c...
//! # Ok(())
//! # }
//! ```
//!
//! The command line's `image` subcommand and `--image auto` call it.

mod apt;
mod config;
mod layer;
mod registry;
mod rootfs;

use oci_client::manifest::{
    IMAGE_CONFIG_MEDIA_TYPE, IMAGE_DOCKER_CONFIG_MEDIA_TYPE, IMAGE_DOCKER_LAYER_GZIP_MEDIA_TYPE,
    IMAGE_LAYER_GZIP_MEDIA_TYPE, IMAGE_MANIFEST_MEDIA_TYPE, OCI_IMAGE_MEDIA_TYPE, OciDescriptor,
};
use oci_client::{Reference, RegistryOperation};

pub use apt::AptSource;
pub use config::parse_env;
pub use layer::ExtraFile;
pub use registry::{PASSWORD_ENV, USERNAME_ENV};

use crate::platform::{LinuxProgram, Platform, ProgramError};
use registry::{Base, Registries};

/// The default base image: Debian 12's distroless `cc` image, which has what a Rust
/// program linked against glibc needs (glibc, libgcc_s, libssl) and CA certificates
/// for TLS, and nothing else (no shell, no package manager): 9 MB compressed against
/// 28 MB for `debian:bookworm-slim`, which also lacks CA certificates.
pub const DEFAULT_BASE: &str = "gcr.io/distroless/cc-debian12";

/// An image to build: a base, the repository to push to, and what goes beside the
/// program.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ImageSpec {
    /// The base image (default [`DEFAULT_BASE`]).
    pub base: String,
    /// Where to push: `REGISTRY/NAME`, without a tag (the tag is derived).
    pub repository: String,
    /// The pods' platform; a multi-platform base is resolved to it.
    pub platform: Platform,
    /// Environment variables added to the base's.
    pub env: Vec<(String, String)>,
    /// Files and folders added to the image.
    pub files: Vec<ExtraFile>,
    /// Registries (`host:port`) spoken to over plain http.
    pub insecure_registries: Vec<String>,
    /// Debian packages to install (with their dependencies the base lacks).
    pub apt: Vec<String>,
    /// Where they come from, the first that has a package giving it (default:
    /// Debian's archive for the base's release: its security suite, updates, release).
    pub apt_sources: Vec<AptSource>,
}

/// What [`ImageSpec::build`] did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Pushed {
    /// `REGISTRY/NAME:TAG`.
    pub reference: String,
    /// The program's path in the image: what the tasks' container arguments start
    /// with.
    pub entrypoint: String,
    /// Whether it was pushed now, was there already, or was not pushed.
    pub state: PushState,
    /// Blobs (layers and the config) uploaded.
    pub uploaded: usize,
    /// Their bytes.
    pub uploaded_bytes: u64,
    /// Layers the registry had already (or mounted from the base's repository).
    pub reused: usize,
    /// What was found in the base that will likely fail the pods.
    pub warnings: Vec<String>,
}

/// Whether an image was pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushState {
    /// Pushed now.
    Pushed,
    /// The registry had this tag already: the same base and program.
    Unchanged,
    /// Checked, and not pushed (`push` was false).
    NotPushed,
}

impl std::fmt::Display for Pushed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.state {
            PushState::Unchanged => write!(
                f,
                "{} is up to date (the same base and program): nothing uploaded",
                self.reference
            ),
            PushState::NotPushed => write!(
                f,
                "{} is not in the registry: pass --push to push it",
                self.reference
            ),
            PushState::Pushed => write!(
                f,
                "pushed {}: uploaded {} blob(s) ({:.1} MB), reused {} layer(s) the registry had",
                self.reference,
                self.uploaded,
                self.uploaded_bytes as f64 / 1e6,
                self.reused
            ),
        }
    }
}

/// An image that could not be built or pushed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The program cannot run on the platform, or in the base.
    #[error(transparent)]
    Program(#[from] ProgramError),
    /// A setting is wrong: a reference, an `--env` or a `--file`.
    #[error("`{value}`: {reason}")]
    Setting {
        /// The value given.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// The base image cannot be used.
    #[error("base image {base}: {reason}")]
    Base {
        /// The base.
        base: String,
        /// Why.
        reason: String,
    },
    /// A registry refused a call or could not be reached.
    #[error("cannot {action} {reference}: {reason}")]
    Registry {
        /// What was being done.
        action: String,
        /// The image.
        reference: String,
        /// The registry's answer, and a hint.
        reason: String,
    },
    /// The docker config names a credential helper that failed.
    #[error("credentials for {registry}: {reason}")]
    Credentials {
        /// The registry.
        registry: String,
        /// The helper's failure.
        reason: String,
    },
    /// Debian packages could not be resolved, fetched or unpacked.
    #[error("--apt {what}: {reason}")]
    Apt {
        /// The package, or the repository.
        what: String,
        /// Why.
        reason: String,
    },
    /// An extra file could not be read, or the layer written.
    #[error("cannot read `{}`", path.display())]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl ImageSpec {
    /// An image pushed to `repository` (`REGISTRY/NAME`), on [`DEFAULT_BASE`], for
    /// `linux/amd64`.
    pub fn new(repository: impl Into<String>) -> Self {
        ImageSpec {
            base: DEFAULT_BASE.to_string(),
            repository: repository.into(),
            platform: Platform::default(),
            env: Vec::new(),
            files: Vec::new(),
            insecure_registries: Vec::new(),
            apt: Vec::new(),
            apt_sources: Vec::new(),
        }
    }

    /// Another base image.
    pub fn base(mut self, base: impl Into<String>) -> Self {
        self.base = base.into();
        self
    }

    /// Another platform.
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = platform;
        self
    }

    /// Adds an environment variable (replacing the base's of that name).
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Adds a file or folder.
    pub fn file(mut self, file: ExtraFile) -> Self {
        self.files.push(file);
        self
    }

    /// Installs a Debian package and what it depends on that the base lacks, from
    /// [`ImageSpec::apt_source`] or Debian's archive for the base's release, in a layer
    /// of its own (maintainer scripts are not run).
    pub fn apt(mut self, package: impl Into<String>) -> Self {
        self.apt.push(package.into());
        self
    }

    /// A Debian repository `apt` packages come from (repeatable; the first that has
    /// a package gives it).
    pub fn apt_source(mut self, source: AptSource) -> Self {
        self.apt_sources.push(source);
        self
    }

    /// Speaks plain http to this registry (`host:port`).
    pub fn insecure_registry(mut self, registry: impl Into<String>) -> Self {
        self.insecure_registries.push(registry.into());
        self
    }

    /// Checks `program` against the base, and with `push` pushes the image unless
    /// the registry has it already. Nothing is uploaded before every check passed.
    pub async fn build(&self, program: &LinuxProgram, push: bool) -> Result<Pushed, ImageError> {
        let (base_ref, target_repo) = self.references()?;
        let registries = Registries::new(&self.insecure_registries, self.platform);
        let target_auth = registry::credentials(target_repo.registry(), true)?;
        // One registry, one set of credentials: the client keeps one per registry.
        let base_auth = if base_ref.resolve_registry() == target_repo.resolve_registry() {
            target_auth.clone()
        } else {
            registry::credentials(base_ref.registry(), false)?
        };
        let base = registries.base(&base_ref, &base_auth).await?;
        self.check_base(&base)?;
        // The packages' layer needs the base's tree; the loader check too, but only
        // for an image not pushed yet (one that is was checked when it was).
        let mut tree = None;
        let mut layers = Vec::new();
        if !self.apt.is_empty() {
            let read = read_tree(&registries, &base).await?;
            layers.push(self.apt_layer(read.as_ref()).await?);
            tree = Some(read);
        }
        let entrypoint = format!("/{}/{}", layer::PROGRAM_DIR, program.name);
        let mut files = vec![layer::LayerFile {
            path: entrypoint.trim_start_matches('/').to_string(),
            mode: 0o755,
            bytes: program.bytes[..].into(),
        }];
        for extra in &self.files {
            files.extend(extra.read()?);
        }
        layers.push(layer::build(files).map_err(|source| ImageError::File {
            path: program.path.clone(),
            source,
        })?);
        let diff_ids: Vec<&str> = layers.iter().map(|l| l.diff_id.as_str()).collect();
        let config = config::image_config(&base.config, &diff_ids, &entrypoint, &self.env)?;
        let tag = config::image_tag(&base.digest, &layer::sha256_digest(&config));
        let target = Reference::with_tag(
            target_repo.registry().to_string(),
            target_repo.repository().to_string(),
            tag,
        );
        let mut pushed = Pushed {
            reference: target.whole(),
            entrypoint,
            state: PushState::NotPushed,
            uploaded: 0,
            uploaded_bytes: 0,
            reused: 0,
            warnings: Vec::new(),
        };
        if push {
            // Signed in for pushing first: bad credentials are said now, and the
            // lookups below go out with them.
            registries
                .sign_in(&target, &target_auth, RegistryOperation::Push)
                .await?;
        }
        let there = registries.manifest_digest(&target, &target_auth).await?;
        if there.is_some() {
            pushed.state = PushState::Unchanged;
            return Ok(pushed);
        }
        if let Some(loader) = &program.loader {
            let tree = match tree {
                Some(tree) => tree,
                None => read_tree(&registries, &base).await?,
            };
            if let Some(tree) = &tree {
                pushed.warnings = check_loader(tree, &base, program, loader)?;
            }
        }
        if !push {
            return Ok(pushed);
        }
        let manifest = push_blobs(&registries, &base, &target, layers, config, &mut pushed).await?;
        registries.push_manifest(&target, manifest).await?;
        pushed.state = PushState::Pushed;
        Ok(pushed)
    }

    /// The layer of the `--apt` packages, resolved against the base's tree.
    async fn apt_layer(&self, tree: Option<&rootfs::RootFs>) -> Result<layer::Layer, ImageError> {
        let tree = tree.ok_or_else(|| ImageError::Apt {
            what: self.apt.join(" "),
            reason: "the base's layers cannot be read, so what it has installed is unknown"
                .to_string(),
        })?;
        let sources = match &self.apt_sources[..] {
            [] => apt::AptSource::for_base(tree, &self.apt.join(" "))?,
            given => given.to_vec(),
        };
        let (layer, names) =
            apt::packages_layer(&sources, &self.apt, self.platform.architecture(), tree).await?;
        tracing::info!(packages = %names.join(" "), "Debian packages laid onto the base");
        Ok(layer)
    }

    fn references(&self) -> Result<(Reference, Reference), ImageError> {
        let parse = |value: &str| {
            value.parse::<Reference>().map_err(|e| ImageError::Setting {
                value: value.to_string(),
                reason: format!("not an image reference: {e}"),
            })
        };
        let base = parse(&self.base)?;
        let last = self.repository.rsplit('/').next().unwrap_or_default();
        if last.contains([':', '@']) || !self.repository.contains('/') {
            return Err(ImageError::Setting {
                value: self.repository.clone(),
                reason: "expected REGISTRY/NAME without a tag (the tag is derived from the base and the program)".to_string(),
            });
        }
        Ok((base, parse(&self.repository)?))
    }

    fn check_base(&self, base: &Base) -> Result<(), ImageError> {
        let field = |name: &str| base.config.get(name).and_then(|v| v.as_str()).unwrap_or("");
        let (os, arch) = (field("os"), field("architecture"));
        if os != self.platform.os() || arch != self.platform.architecture() {
            return Err(ImageError::Base {
                base: self.base.clone(),
                reason: format!(
                    "it is for {os}/{arch}, not {}: pick a base for that platform, or pass --platform {os}/{arch}",
                    self.platform
                ),
            });
        }
        Ok(())
    }
}

/// The base's file tree, or `None` (with a warning logged) when a layer cannot be read.
async fn read_tree(
    registries: &Registries,
    base: &Base,
) -> Result<Option<rootfs::RootFs>, ImageError> {
    let mut fs = rootfs::RootFs::default();
    for layer in &base.manifest.layers {
        let blob = registries.pull_blob(&base.reference, layer).await?;
        if let Err(reason) = fs.apply(blob.open()?) {
            tracing::warn!(
                base = %base.reference.whole(),
                layer = %layer.digest,
                "the base's layers cannot be read ({reason}): the program's loader is not checked"
            );
            return Ok(None);
        }
    }
    Ok(Some(fs))
}

/// Refuses a program whose loader is not in the base; warns when there are no CA
/// certificates, without which the program's object-store client cannot even be made.
fn check_loader(
    fs: &rootfs::RootFs,
    base: &Base,
    program: &LinuxProgram,
    loader: &str,
) -> Result<Vec<String>, ImageError> {
    if !fs.has_file(loader) {
        return Err(ProgramError::MissingLoader {
            path: program.path.clone(),
            loader: loader.to_string(),
            base: base.reference.whole(),
            platform: program.platform,
        }
        .into());
    }
    let mut warnings = Vec::new();
    if !fs.has_ca_certificates() {
        warnings.push(format!(
            "the base image {} has no CA certificates (/etc/ssl/certs): the program cannot reach an object store from it, even over http; use a base with them (such as {DEFAULT_BASE})",
            base.reference.whole()
        ));
    }
    Ok(warnings)
}

/// Uploads what the target repository lacks (the base's layers are mounted from
/// the base's repository when on the same registry), and returns the manifest.
async fn push_blobs(
    registries: &Registries,
    base: &Base,
    target: &Reference,
    layers: Vec<layer::Layer>,
    config: Vec<u8>,
    pushed: &mut Pushed,
) -> Result<oci_client::manifest::OciImageManifest, ImageError> {
    let same_registry = base.reference.resolve_registry() == target.resolve_registry();
    for descriptor in &base.manifest.layers {
        let digest = &descriptor.digest;
        if registries.has_blob(target, digest).await?
            || (same_registry && registries.mount_blob(target, &base.reference, digest).await)
        {
            pushed.reused += 1;
            continue;
        }
        let blob = registries.pull_blob(&base.reference, descriptor).await?;
        pushed.uploaded_bytes += registries.push_download(target, &blob, digest).await?;
        pushed.uploaded += 1;
    }
    let docker = base.manifest.media_type.as_deref() == Some(IMAGE_MANIFEST_MEDIA_TYPE);
    let (layer_type, config_type) = if docker {
        (
            IMAGE_DOCKER_LAYER_GZIP_MEDIA_TYPE,
            IMAGE_DOCKER_CONFIG_MEDIA_TYPE,
        )
    } else {
        (IMAGE_LAYER_GZIP_MEDIA_TYPE, IMAGE_CONFIG_MEDIA_TYPE)
    };
    let layers = layers
        .iter()
        .map(layer::Layer::gzip)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| ImageError::File {
            path: "<the new layers>".into(),
            source,
        })?;
    let layer_descriptors: Vec<OciDescriptor> = layers
        .iter()
        .map(|l| descriptor(layer_type, &l.digest, l.bytes.len()))
        .collect();
    let config_descriptor = descriptor(config_type, &layer::sha256_digest(&config), config.len());
    let blobs = layers
        .into_iter()
        .map(|l| (l.bytes, l.digest))
        .chain([(config, config_descriptor.digest.clone())]);
    for (bytes, digest) in blobs {
        let digest = &digest;
        if registries.has_blob(target, digest).await? {
            pushed.reused += 1;
            continue;
        }
        pushed.uploaded_bytes += bytes.len() as u64;
        registries.push_blob(target, bytes, digest).await?;
        pushed.uploaded += 1;
    }
    let mut manifest = base.manifest.clone();
    manifest.layers.extend(layer_descriptors);
    manifest.config = config_descriptor;
    manifest.annotations = None;
    if manifest.media_type.is_none() {
        manifest.media_type = Some(OCI_IMAGE_MEDIA_TYPE.to_string());
    }
    Ok(manifest)
}

fn descriptor(media_type: &str, digest: &str, size: usize) -> OciDescriptor {
    OciDescriptor {
        media_type: media_type.to_string(),
        digest: digest.to_string(),
        size: size as i64,
        urls: None,
        annotations: None,
        artifact_type: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_with_a_tag_is_refused() {
        let err = ImageSpec::new("ghcr.io/acme/app:v1")
            .references()
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("`ghcr.io/acme/app:v1`: expected REGISTRY/NAME without a tag")
        );
        assert!(config::parse_env("A").is_err());
        assert_eq!(
            config::parse_env("A=b=c").unwrap(),
            ("A".into(), "b=c".into())
        );
    }
}
