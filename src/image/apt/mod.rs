//! `--apt PACKAGE`: Debian packages laid onto the base as one layer, with no container
//! run and no package manager in the image (distroless bases have none), as
//! distroless's own build and `apko` do. The package and what it depends on (less what
//! the base has, by its dpkg status) are resolved from the repository's `Packages`
//! index, downloaded, checked against the index's SHA-256, and their `data.tar`
//! unpacked into the layer; each gets a `/var/lib/dpkg/status.d/` entry, as distroless
//! records its packages. Maintainer scripts are not run.

mod index;
mod source;
mod unpack;

use std::collections::BTreeSet;

use super::ImageError;
use super::layer::{self, Layer};
use super::rootfs::RootFs;
use index::{Index, dependency_groups, stanzas};
pub use source::AptSource;
use unpack::{Unpacker, append_status, download};

/// The packages the base has, by its dpkg status (`/var/lib/dpkg/status`, and the
/// `status.d` folder distroless writes), with what they provide.
fn installed(base: &RootFs) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (path, bytes) in base.contents_under("/var/lib/dpkg/") {
        if path != "var/lib/dpkg/status" && !path.starts_with("var/lib/dpkg/status.d/") {
            continue;
        }
        for stanza in stanzas(&String::from_utf8_lossy(bytes)) {
            let status = stanza.get("Status").unwrap_or("install ok installed");
            if !status.ends_with(" installed") {
                continue;
            }
            names.extend(stanza.get("Package").map(String::from));
            for provided in dependency_groups(stanza.get("Provides").unwrap_or_default()) {
                names.extend(provided);
            }
        }
    }
    names
}

/// The layer of the packages `wanted` (and their dependencies the base lacks), and the
/// names installed.
pub(super) async fn packages_layer(
    sources: &[AptSource],
    wanted: &[String],
    arch: &str,
    base: &RootFs,
) -> Result<(Layer, Vec<String>), ImageError> {
    let apt_error = |what: &str, reason: String| ImageError::Apt {
        what: what.to_string(),
        reason,
    };
    let client = reqwest::Client::new();
    let index = Index::fetch(&client, sources, arch)
        .await
        .map_err(|e| apt_error(&wanted.join(" "), e))?;
    let names = index
        .resolve(wanted, &installed(base))
        .map_err(|e| apt_error(&wanted.join(" "), e))?;
    let mut unpacker = Unpacker {
        base,
        tar: tar::Builder::new(Vec::new()),
        folders: BTreeSet::new(),
    };
    for name in &names {
        let (stanza, archive) = &index.packages[name];
        let deb = download(&client, archive, stanza)
            .await
            .map_err(|e| apt_error(name, e))?;
        unpacker.unpack_deb(&deb).map_err(|e| apt_error(name, e))?;
        append_status(&mut unpacker.tar, name, stanza)
            .map_err(|e| apt_error(name, e.to_string()))?;
    }
    let tar = unpacker
        .tar
        .into_inner()
        .map_err(|e| apt_error("layer", e.to_string()))?;
    let layer = layer::from_tar(tar).map_err(|e| apt_error("layer", e.to_string()))?;
    Ok((layer, names))
}

#[cfg(test)]
mod tests {
    use super::index::release_sha256;
    use super::*;

    #[test]
    fn distroless_says_its_release_only_in_version() {
        let mut tar = tar::Builder::new(Vec::new());
        let text = b"PRETTY_NAME=\"Distroless\"\nID=debian\nVERSION_ID=\"12\"\nVERSION=\"Debian GNU/Linux 12 (bookworm)\"\n";
        let mut h = tar::Header::new_ustar();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, "etc/os-release", &text[..])
            .unwrap();
        let mut fs = RootFs::default();
        fs.apply(&tar.into_inner().unwrap()[..]).unwrap();
        let sources = AptSource::for_base(&fs, "curl").unwrap();
        let names: Vec<String> = sources
            .iter()
            .map(|s| format!("{} {}", s.url, s.suite))
            .collect();
        assert_eq!(
            names,
            [
                "https://deb.debian.org/debian-security bookworm-security",
                "https://deb.debian.org/debian bookworm-updates",
                "https://deb.debian.org/debian bookworm"
            ]
        );
        assert_eq!(
            release_sha256(
                "Origin: x\nSHA256:\n 00ab 12 main/binary-amd64/Packages.gz\n",
                "main/binary-amd64/Packages.gz"
            ),
            Some("00ab".to_string())
        );
    }

    #[test]
    fn a_source_is_a_sources_list_line() {
        let s: AptSource = "http://deb.debian.org/debian/ bookworm".parse().unwrap();
        assert_eq!(
            (s.url.as_str(), s.suite.as_str()),
            ("http://deb.debian.org/debian", "bookworm")
        );
        assert_eq!(s.components, ["main"]);
        assert!("bookworm main".parse::<AptSource>().is_err());
    }
}
