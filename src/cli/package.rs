//! `serialize` and `package`: the protobuf files `pyflyte package` writes, unpacked
//! into a folder or in a tarball for `flytectl register files`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use clap::Args;
use flytekit_core::idl::SerializationSettings;

use super::{App, CliError};

#[derive(Args)]
pub(super) struct SettingsArgs {
    /// The image holding this program (`FQN:TAG`, or `default=FQN:TAG`), and more
    /// images tasks name with `image = "NAME"` (`NAME=FQN:TAG`); repeatable.
    #[arg(long, required = true)]
    image: Vec<String>,
    /// Flyte project (empty: filled in at registration).
    #[arg(long, default_value = "")]
    project: String,
    /// Flyte domain (empty: filled in at registration).
    #[arg(long, default_value = "")]
    domain: String,
    /// Version (empty: filled in at registration).
    #[arg(long, default_value = "")]
    version: String,
    /// This program's path inside the image (default: `/usr/local/bin/` and the
    /// program's file name).
    #[arg(long)]
    entrypoint: Option<String>,
    #[command(flatten)]
    pub(super) ship: super::image::ShipArgs,
}

impl SettingsArgs {
    /// Builds and pushes the images `--image` asks for with `auto`.
    pub(super) async fn resolve_auto(&mut self, err: &mut dyn Write) -> Result<(), CliError> {
        super::image::resolve_auto(&mut self.image, &self.ship, err).await
    }

    fn settings(self) -> Result<SerializationSettings, CliError> {
        let entrypoint = self.entrypoint.unwrap_or_else(|| self.ship.entrypoint());
        let (image, images) = images(&self.image)?;
        Ok(SerializationSettings {
            project: self.project,
            domain: self.domain,
            version: self.version,
            image,
            images,
            entrypoint,
            fast: None,
        })
    }
}

/// The default image and the named ones from `--image` arguments.
pub(super) fn images(args: &[String]) -> Result<(String, BTreeMap<String, String>), CliError> {
    let mut default = None;
    let mut named = BTreeMap::new();
    for arg in args {
        let (name, reference) = super::image::split_image(arg);
        if name.is_empty() || reference.is_empty() {
            return Err(CliError::Image(format!(
                "`{arg}` is not `FQN:TAG` or `NAME=FQN:TAG`"
            )));
        }
        let slot = if name == "default" {
            default.replace(reference.to_string()).is_some()
        } else {
            named
                .insert(name.to_string(), reference.to_string())
                .is_some()
        };
        if slot {
            return Err(CliError::Image(format!(
                "the image `{name}` is given twice"
            )));
        }
    }
    let default = default.ok_or_else(|| {
        CliError::Image("no default image: give one as `--image FQN:TAG`".to_string())
    })?;
    Ok((default, named))
}

impl App {
    /// What was written, as `package` and `serialize` say it: how many entities of
    /// each kind, and where.
    fn written(&self, files: usize, place: &Path) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "wrote {}, {} and {} ({}) to {}",
            plural(self.registry.tasks().len(), "task", "tasks"),
            plural(self.registry.workflows().len(), "workflow", "workflows"),
            plural(
                self.registry.launch_plans().len(),
                "launch plan",
                "launch plans"
            ),
            plural(files, "file", "files"),
            place.display()
        )
    }

    /// `serialize`: the files into a folder (with `json`, a readable copy beside each);
    /// returns what it wrote, to say.
    pub(super) fn serialize(
        &self,
        settings: SettingsArgs,
        out: &Path,
        json: bool,
    ) -> Result<String, CliError> {
        let settings = settings.settings()?;
        self.check_tasks(&settings)?;
        let mut files = self.registry.package_files(&settings)?;
        if json {
            let copies = self.registry.package_json(&settings)?;
            files.extend(copies.into_iter().map(|(n, text)| (n, text.into_bytes())));
        }
        std::fs::create_dir_all(out).map_err(|source| CliError::Io {
            path: out.to_path_buf(),
            source,
        })?;
        let count = files.len();
        for (name, bytes) in files {
            let path = out.join(name);
            std::fs::write(&path, bytes).map_err(|source| CliError::Io { path, source })?;
        }
        Ok(self.written(count, out))
    }

    /// `package`: the files in a gzipped tarball; with `fast` (and a destination
    /// folder or none), this build beside them and the tasks' containers starting it
    /// through `fast-execute`, where flytectl fills in `{{ .remote_package_path }}`
    /// (and `{{ .dest_dir }}` when no folder is given). Returns what it wrote, to say.
    pub(super) fn package(
        &self,
        settings: SettingsArgs,
        output: &Path,
        fast: Option<Option<String>>,
    ) -> Result<String, CliError> {
        let program = fast
            .is_some()
            .then(|| settings.ship.program().cloned())
            .transpose()?;
        let mut settings = settings.settings()?;
        self.check_tasks(&settings)?;
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| CliError::Io { path, source }
        };
        let mut source = None;
        if let (Some(dest_dir), Some(program)) = (fast, program) {
            let build = super::fast::ThisBuild::checked(program);
            // flytectl takes a file named `fast*.tar.gz` for the code to upload.
            let archive = format!("fast{}.tar.gz", &build.digest[..32]);
            let mut files = vec![(build.name, build.bytes)];
            let zipped = tarball(&mut files, 0o755).map_err(io(Path::new(&archive)))?;
            source = Some((archive, zipped));
            let mut fast = flytekit_core::idl::FastSettings::placeholders(build.digest);
            if let Some(dir) = dest_dir {
                fast.dest_dir = dir;
            }
            settings.fast = Some(fast);
        }
        let fast_build = source.as_ref().map(|(name, _)| name.clone());
        let mut files = self.registry.package_files(&settings)?;
        files.extend(source);
        let count = files.len();
        let bytes = tarball(&mut files, 0o644).map_err(io(output))?;
        std::fs::write(output, bytes).map_err(io(output))?;
        let mut said = self.written(count, output);
        if let Some(name) = fast_build {
            said.push_str(&format!(
                ", with this build as {name} for fast registration"
            ));
        }
        Ok(said)
    }
}

impl App {
    /// Every task's settings and image, checked before anything is written for a
    /// cluster.
    pub(super) fn check_tasks(&self, settings: &SerializationSettings) -> Result<(), CliError> {
        for task in self.registry.tasks() {
            task.validate().map_err(|source| CliError::InvalidTask {
                task: task.name().to_string(),
                source,
            })?;
            settings
                .image_for(task.metadata().node.image.as_deref())
                .map_err(|reason| CliError::TaskImage {
                    task: task.name().to_string(),
                    reason,
                })?;
        }
        Ok(())
    }
}

/// A gzipped tarball of the files, each at the top level, with fixed times and the
/// given mode so the same entities give the same bytes. The files' bytes are taken.
fn tarball(files: &mut [(String, Vec<u8>)], mode: u32) -> std::io::Result<Vec<u8>> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, bytes) in files {
        let bytes = std::mem::take(bytes);
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(mode);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes.as_slice())?;
    }
    let mut gz = tar.into_inner()?;
    gz.flush()?;
    gz.finish()
}
