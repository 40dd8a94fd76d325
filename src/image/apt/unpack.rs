//! Packages downloaded, checked, and unpacked into the layer over the base.

use std::collections::BTreeSet;
use std::io::Read;

use super::index::{Stanza, decompress, fetch};
use crate::image::rootfs::RootFs;

/// A package's `.deb`, checked against the index's SHA-256 (an index without one is
/// refused).
pub(super) async fn download(
    client: &reqwest::Client,
    archive: &str,
    stanza: &Stanza,
) -> Result<Vec<u8>, String> {
    let file = stanza
        .get("Filename")
        .ok_or("the index gives no Filename")?;
    let expected = stanza
        .get("SHA256")
        .ok_or("the index gives no SHA256 to check it against")?;
    let url = format!("{archive}/{file}");
    let deb = fetch(client, &url)
        .await?
        .ok_or_else(|| format!("{url} is not there"))?;
    let digest = crate::digest::sha256_hex(&deb);
    if !expected.eq_ignore_ascii_case(&digest) {
        return Err(format!(
            "{url} has SHA-256 {digest}, not the index's {expected}"
        ));
    }
    Ok(deb)
}

/// Packages' files written into the layer over the base: paths through the base's
/// symlinks (a package's `./lib/` is the base's `/usr/lib` on a merged-/usr base, and
/// must not replace the `/lib` symlink), folders the base or the layer has left out.
pub(super) struct Unpacker<'a> {
    pub(super) base: &'a RootFs,
    pub(super) tar: tar::Builder<Vec<u8>>,
    pub(super) folders: BTreeSet<String>,
}

impl Unpacker<'_> {
    /// Copies a `.deb`'s `data.tar.*` into the layer, owners and modes as packaged.
    pub(super) fn unpack_deb(&mut self, deb: &[u8]) -> Result<(), String> {
        let mut archive = ar::Archive::new(deb);
        while let Some(entry) = archive.next_entry() {
            let mut entry = entry.map_err(|e| format!("not a Debian package: {e}"))?;
            if !entry.header().identifier().starts_with(b"data.tar") {
                continue;
            }
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
            let data = decompress(bytes)?;
            let mut tar = tar::Archive::new(&data[..]);
            for file in tar.entries().map_err(|e| e.to_string())? {
                self.copy(file.map_err(|e| e.to_string())?)
                    .map_err(|e| e.to_string())?;
            }
            return Ok(());
        }
        Err("not a Debian package: it has no data.tar".to_string())
    }

    fn copy(&mut self, mut file: tar::Entry<'_, &[u8]>) -> std::io::Result<()> {
        let written = file.path()?.to_string_lossy().into_owned();
        let written = written.trim_start_matches("./").trim_end_matches('/');
        if written.is_empty() {
            return Ok(());
        }
        let path = self.in_base(written);
        let mut header = file.header().clone();
        if header.entry_type() == tar::EntryType::Directory {
            if self.base.has_dir(&path) || !self.folders.insert(path.clone()) {
                return Ok(());
            }
            return self
                .tar
                .append_data(&mut header, format!("{path}/"), std::io::empty());
        }
        match file.link_name()? {
            Some(target) => {
                let target = target.to_string_lossy().into_owned();
                let target = match header.entry_type() {
                    // A hard link names a file of the same archive, rewritten alike.
                    tar::EntryType::Link => self.in_base(target.trim_start_matches("./")),
                    _ => target,
                };
                self.tar.append_link(&mut header, &path, target)
            }
            None => self.tar.append_data(&mut header, &path, &mut file),
        }
    }

    /// Where a package's path lands in the base: its folder through the base's
    /// symlinks.
    fn in_base(&self, written: &str) -> String {
        let (parent, name) = written.rsplit_once('/').unwrap_or(("", written));
        let parent = self.base.canonical(parent);
        if parent.is_empty() {
            name.to_string()
        } else {
            format!("{parent}/{name}")
        }
    }
}

/// `/var/lib/dpkg/status.d/NAME`: the package's control fields, as distroless
/// records what it installed (scanners read it).
pub(super) fn append_status(
    out: &mut tar::Builder<Vec<u8>>,
    name: &str,
    stanza: &Stanza,
) -> std::io::Result<()> {
    const INDEX_ONLY: [&str; 5] = ["Filename", "Size", "MD5sum", "SHA256", "Description-md5"];
    let mut text = String::new();
    for (key, value) in &stanza.0 {
        if !INDEX_ONLY.contains(&key.as_str()) {
            text.push_str(&format!("{key}: {value}\n"));
        }
    }
    let mut header = tar::Header::new_ustar();
    header.set_mode(0o644);
    header.set_size(text.len() as u64);
    header.set_mtime(0);
    header.set_cksum();
    out.append_data(
        &mut header,
        format!("var/lib/dpkg/status.d/{name}"),
        text.as_bytes(),
    )
}
