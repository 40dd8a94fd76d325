//! `image`, `--image auto` and `--binary`: the program shipped to the cluster,
//! checked as a Linux executable for the pods' platform, and its image built and
//! pushed with no Docker daemon (feature `image`, [`crate::image`]).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::platform::{LinuxProgram, Platform};

/// The environment variable `--repo` defaults to.
#[cfg(feature = "image")]
pub(super) const REPO_ENV: &str = "FLYTE_IMAGE_REPO";

/// What is shipped and where its image goes: `image`'s, and `package`, `register`
/// and `run --remote`'s for `--image auto` and `--fast`.
#[derive(Args, Default, Clone)]
pub(super) struct ShipArgs {
    /// The program to ship instead of this one: a Linux build made elsewhere
    /// (`cargo zigbuild`, `cross`, CI), checked for `--platform` before anything is
    /// uploaded. Needed on a machine that is not Linux.
    #[arg(long, value_name = "PATH")]
    pub(super) binary: Option<PathBuf>,
    /// The platform of the cluster's pods (default: the program's image's, as
    /// `App::image` gives it, or linux/amd64).
    #[arg(long, value_parser = parse_platform)]
    pub(super) platform: Option<Platform>,
    /// Where images are pushed, `REGISTRY/NAME` (default: $FLYTE_IMAGE_REPO).
    #[arg(long, value_name = "REGISTRY/NAME")]
    pub(super) repo: Option<String>,
    /// A registry (`host:port`) spoken to over plain http; repeatable.
    #[arg(long = "insecure-registry", value_name = "HOST:PORT")]
    pub(super) insecure_registries: Vec<String>,
    /// A Debian package to add to the image, with what it depends on that the base
    /// lacks (unpacked into a layer; maintainer scripts are not run); repeatable.
    #[arg(long = "apt", value_name = "PACKAGE")]
    pub(super) apt: Vec<String>,
    /// A Debian repository `--apt` packages come from, `"URL SUITE [COMPONENT...]"`;
    /// repeatable, the first that has a package gives it (default: Debian's archive for
    /// the base's release, over https).
    #[arg(long = "apt-source", value_name = "SOURCE")]
    pub(super) apt_sources: Vec<String>,
    /// The image the program describes in code ([`super::App::image`]), which these
    /// arguments add to.
    #[cfg(feature = "image")]
    #[arg(skip)]
    pub(super) described: Option<crate::image::ImageSpec>,
    /// The program, once read and checked.
    #[arg(skip)]
    checked: std::sync::OnceLock<LinuxProgram>,
}

fn parse_platform(text: &str) -> Result<Platform, String> {
    text.parse()
        .map_err(|e: crate::platform::ProgramError| e.to_string())
}

impl ShipArgs {
    /// The program to ship, checked for the platform: `--binary`, or this program.
    /// Read once: `--image auto` and `--fast` ship the same bytes.
    pub(super) fn program(&self) -> Result<&LinuxProgram, CliError> {
        if let Some(program) = self.checked.get() {
            return Ok(program);
        }
        let platform = self.platform();
        let program = match &self.binary {
            Some(path) => LinuxProgram::read(path, platform),
            None => LinuxProgram::this_program(platform),
        };
        let program = program.map_err(|e| CliError::Program(Box::new(e)))?;
        Ok(self.checked.get_or_init(|| program))
    }

    /// `--platform`, else the described image's, else linux/amd64.
    fn platform(&self) -> Platform {
        #[cfg(feature = "image")]
        if let (None, Some(described)) = (self.platform, &self.described) {
            return described.platform;
        }
        self.platform.unwrap_or_default()
    }

    /// The program's path in the image: `/usr/local/bin/` and its file name.
    pub(super) fn entrypoint(&self) -> String {
        match self.binary.as_ref().and_then(|p| p.file_name()) {
            Some(name) => format!("/usr/local/bin/{}", name.to_string_lossy()),
            None => default_entrypoint(),
        }
    }

    /// The image to build: the described one (or a default one) with these
    /// arguments over it, on `base` when given.
    #[cfg(feature = "image")]
    fn spec(&self, base: Option<&str>) -> Result<crate::image::ImageSpec, CliError> {
        let mut spec = self
            .described
            .clone()
            .unwrap_or_else(|| crate::image::ImageSpec::new(""));
        // `--repo`, else the described image's, else the environment's.
        if let Some(repository) = &self.repo {
            spec.repository = repository.clone();
        }
        if spec.repository.is_empty() {
            spec.repository = std::env::var(REPO_ENV).unwrap_or_default();
        }
        if spec.repository.is_empty() {
            return Err(CliError::Image(format!(
                "where should the image go? give `--repo REGISTRY/NAME` or set {REPO_ENV}"
            )));
        }
        spec.platform = self.platform();
        if let Some(base) = base {
            spec = spec.base(base);
        }
        for registry in &self.insecure_registries {
            spec = spec.insecure_registry(registry.clone());
        }
        for package in &self.apt {
            spec = spec.apt(package.clone());
        }
        for source in &self.apt_sources {
            spec = spec.apt_source(source.parse().map_err(image_error)?);
        }
        Ok(spec)
    }
}

/// `/usr/local/bin/` and this program's file name: where the image holds it.
fn default_entrypoint() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "app".to_string());
    format!("/usr/local/bin/{exe}")
}

/// `image`'s arguments.
#[derive(Args)]
pub(super) struct ImageArgs {
    #[command(flatten)]
    pub(super) ship: ShipArgs,
    /// The base image (default: gcr.io/distroless/cc-debian12: glibc, libgcc, CA
    /// certificates, no shell).
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// An environment variable of the image, `NAME=VALUE`; repeatable.
    #[arg(long = "env", value_name = "NAME=VALUE")]
    env: Vec<String>,
    /// A file or folder to add, `SRC:DEST` (DEST absolute in the image); repeatable.
    #[arg(long = "file", value_name = "SRC:DEST")]
    files: Vec<String>,
    /// Push the image (without it: everything is checked, and the reference it
    /// would have is printed).
    #[arg(long)]
    push: bool,
}

/// `image`: builds and pushes; prints the reference on `out` and what was done on
/// `err`.
#[cfg(feature = "image")]
pub(super) async fn image(
    args: ImageArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let program = args.ship.program()?;
    let mut spec = args.ship.spec(args.base.as_deref())?;
    for env in &args.env {
        let (name, value) = crate::image::parse_env(env).map_err(image_error)?;
        spec = spec.env(name, value);
    }
    for file in &args.files {
        spec = spec.file(file.parse().map_err(image_error)?);
    }
    let pushed = spec.build(program, args.push).await.map_err(image_error)?;
    say(&pushed, err)?;
    writeln!(out, "{}", pushed.reference).map_err(super::console)
}

/// `image` in a build without the `image` feature.
#[cfg(not(feature = "image"))]
pub(super) async fn image(
    _: ImageArgs,
    _: &mut dyn Write,
    _: &mut dyn Write,
) -> Result<(), CliError> {
    Err(CliError::Image(NO_FEATURE.to_string()))
}

#[cfg(not(feature = "image"))]
const NO_FEATURE: &str =
    "this program was built without flytekit's `image` feature, which builds and pushes images";

/// What was pushed, and the warnings about the base.
#[cfg(feature = "image")]
fn say(pushed: &crate::image::Pushed, err: &mut dyn Write) -> Result<(), CliError> {
    for warning in &pushed.warnings {
        writeln!(err, "warning: {warning}").map_err(super::console)?;
    }
    writeln!(err, "{pushed}").map_err(super::console)
}

#[cfg(feature = "image")]
fn image_error(e: crate::image::ImageError) -> CliError {
    CliError::ImageBuild(Box::new(e))
}

/// The base of an `--image` value that asks for a built image: `auto` (the default
/// base) or `auto:BASE`; `None` for a reference.
fn auto_base(reference: &str) -> Option<Option<&str>> {
    match reference {
        "auto" => Some(None),
        _ => reference.strip_prefix("auto:").map(Some),
    }
}

/// Builds and pushes the images `--image` asks for with `auto` (`auto`, `auto:BASE`,
/// `NAME=auto:BASE`), replacing each by the pushed reference; says what was done on
/// `err`. The program lands at [`ShipArgs::entrypoint`] in each.
pub(super) async fn resolve_auto(
    images: &mut [String],
    ship: &ShipArgs,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let wanted: Vec<usize> = (0..images.len())
        .filter(|&i| auto_base(split_image(&images[i]).1).is_some())
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    #[cfg(not(feature = "image"))]
    {
        let _ = (ship, err);
        Err(CliError::Image(format!("`auto`: {NO_FEATURE}")))
    }
    #[cfg(feature = "image")]
    {
        let program = ship.program()?;
        for i in wanted {
            let (name, reference) = split_image(&images[i]);
            let base = auto_base(reference).flatten();
            let pushed = ship
                .spec(base)?
                .build(program, true)
                .await
                .map_err(image_error)?;
            say(&pushed, err)?;
            images[i] = format!("{name}={}", pushed.reference);
        }
        Ok(())
    }
}

/// An `--image` value's name (`default` when it has none) and reference.
pub(super) fn split_image(arg: &str) -> (&str, &str) {
    // A name has no `/` or `:`; `ghcr.io/a=b:1` is a reference, not a name.
    match arg.split_once('=') {
        Some((name, reference)) if !name.contains(['/', ':']) => (name, reference),
        _ => ("default", arg),
    }
}
