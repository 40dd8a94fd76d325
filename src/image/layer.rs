//! The layer laid onto the base: the program at `/usr/local/bin/<name>` and any extra
//! files, as a gzipped tar with fixed owners, modes and times, so the same program
//! gives the same bytes, digest and tag.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::ImageError;

/// Where the program goes in the image; the tasks' container arguments start with
/// `/usr/local/bin/<name>` (`--entrypoint`'s default).
pub(super) const PROGRAM_DIR: &str = "usr/local/bin";

/// A file of the layer: its path in the image (no leading `/`), mode and bytes.
pub(super) struct LayerFile<'a> {
    pub(super) path: String,
    pub(super) mode: u32,
    /// Borrowed for the program (tens of MB, laid into every image built), owned for
    /// files read from disk.
    pub(super) bytes: std::borrow::Cow<'a, [u8]>,
}

/// A layer ready to push.
pub(super) struct Layer {
    /// The tar.
    pub(super) tar: Vec<u8>,
    /// `sha256:` of the tar (the config's `diff_id`).
    pub(super) diff_id: String,
}

/// A layer as pushed: gzipped (only when pushing: the tag needs the `diff_id` alone).
pub(super) struct Gzipped {
    pub(super) bytes: Vec<u8>,
    /// `sha256:` of the bytes (the blob's digest).
    pub(super) digest: String,
}

impl Layer {
    pub(super) fn gzip(&self) -> std::io::Result<Gzipped> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&self.tar)?;
        let bytes = gz.finish()?;
        Ok(Gzipped {
            digest: sha256_digest(&bytes),
            bytes,
        })
    }
}

/// `sha256:` and the hex digest, as OCI names blobs.
pub(super) fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", crate::digest::sha256_hex(bytes))
}

/// The layer holding `files`. It has no folder entries: a runtime makes a missing
/// folder when it unpacks a file, and an entry for a folder the base has would replace
/// it (the base's `/tmp` is 1777, its `/lib` may be a symlink).
pub(super) fn build(mut files: Vec<LayerFile<'_>>) -> std::io::Result<Layer> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut tar = tar::Builder::new(Vec::new());
    for file in &files {
        let mut header = header(file.mode, file.bytes.len() as u64);
        header.set_cksum();
        tar.append_data(&mut header, &file.path, &file.bytes[..])?;
    }
    from_tar(tar.into_inner()?)
}

/// A layer of a tar made elsewhere.
pub(super) fn from_tar(tar: Vec<u8>) -> std::io::Result<Layer> {
    Ok(Layer {
        diff_id: sha256_digest(&tar),
        tar,
    })
}

fn header(mode: u32, size: u64) -> tar::Header {
    let mut header = tar::Header::new_ustar();
    header.set_mode(mode);
    header.set_size(size);
    header.set_mtime(0);
    header.set_uid(0);
    header.set_gid(0);
    header
}

/// An extra file or folder: `SRC:DEST`, DEST an absolute path in the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraFile {
    /// The file or folder on this machine.
    pub source: PathBuf,
    /// Its path in the image (absolute).
    pub dest: String,
}

impl std::str::FromStr for ExtraFile {
    type Err = ImageError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| ImageError::Setting {
            value: s.to_string(),
            reason: reason.to_string(),
        };
        let (source, dest) = s
            .rsplit_once(':')
            .ok_or_else(|| bad("expected SRC:DEST, DEST an absolute path in the image"))?;
        if !dest.starts_with('/') || dest.split('/').any(|part| part == "..") {
            return Err(bad(
                "DEST must be an absolute path in the image, without `..`",
            ));
        }
        if source.is_empty() {
            return Err(bad("SRC is empty"));
        }
        Ok(ExtraFile {
            source: PathBuf::from(source),
            dest: dest.to_string(),
        })
    }
}

impl ExtraFile {
    /// The files it adds: the file, or every file under the folder (modes kept:
    /// executable or not).
    pub(super) fn read(&self) -> Result<Vec<LayerFile<'static>>, ImageError> {
        let mut out = Vec::new();
        let dest = self.dest.trim_start_matches('/').trim_end_matches('/');
        read_into(&self.source, dest, &mut out).map_err(|source| ImageError::File {
            path: self.source.clone(),
            source,
        })?;
        Ok(out)
    }
}

fn read_into(source: &Path, dest: &str, out: &mut Vec<LayerFile<'static>>) -> std::io::Result<()> {
    let meta = std::fs::metadata(source)?;
    if meta.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(source)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            read_into(&entry.path(), &format!("{dest}/{name}"), out)?;
        }
        return Ok(());
    }
    out.push(LayerFile {
        path: dest.to_string(),
        mode: if executable(&meta) { 0o755 } else { 0o644 },
        bytes: std::fs::read(source)?.into(),
    });
    Ok(())
}

#[cfg(unix)]
fn executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn executable(_: &std::fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_files_give_the_same_layer() {
        let files = || {
            vec![LayerFile {
                path: "usr/local/bin/app".into(),
                mode: 0o755,
                bytes: b"\x7fELF"[..].into(),
            }]
        };
        let (a, b) = (build(files()).unwrap(), build(files()).unwrap());
        let (a, b) = (a.gzip().unwrap(), b.gzip().unwrap());
        assert_eq!(a.digest, b.digest);
        assert_eq!(a.bytes, b.bytes);
        let mut names = Vec::new();
        let gz = flate2::read::GzDecoder::new(&a.bytes[..]);
        for entry in tar::Archive::new(gz).entries().unwrap() {
            let entry = entry.unwrap();
            let mode = entry.header().mode().unwrap();
            names.push(format!("{} {mode:o}", entry.path().unwrap().display()));
        }
        assert_eq!(names, ["usr/local/bin/app 755"]);
    }

    #[test]
    fn extra_files_are_src_colon_absolute_dest() {
        let f: ExtraFile = "conf/app.toml:/etc/app.toml".parse().unwrap();
        assert_eq!(f.dest, "/etc/app.toml");
        let err = "a.toml:etc/a".parse::<ExtraFile>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "`a.toml:etc/a`: DEST must be an absolute path in the image, without `..`"
        );
    }
}
