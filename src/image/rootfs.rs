//! The base image's file tree, read from its layers (whiteouts applied), enough to
//! tell whether a path exists once symlinks are followed: the program's dynamic
//! loader must be there, or every pod fails with "no such file or directory".

use std::collections::BTreeMap;
use std::io::{BufRead, Read};

/// What a path of the tree is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Dir,
    File,
    /// A symlink and its target, as written.
    Link(String),
}

/// Paths (no leading `/`) of the layers read so far.
#[derive(Debug, Default)]
pub(super) struct RootFs {
    nodes: BTreeMap<String, Node>,
    /// The bytes of the few files read for what they say: the release
    /// (`os-release`) and the dpkg status, for `--apt`.
    contents: BTreeMap<String, Vec<u8>>,
}

/// Whether a file's bytes are kept.
fn kept(path: &str) -> bool {
    matches!(
        path,
        "etc/os-release" | "usr/lib/os-release" | "var/lib/dpkg/status"
    ) || path.starts_with("var/lib/dpkg/status.d/")
}

impl RootFs {
    /// Applies one layer, read as it streams: its tar, gzipped or not (zstd is not
    /// read).
    pub(super) fn apply(&mut self, blob: impl Read) -> Result<(), String> {
        let mut blob = std::io::BufReader::new(blob);
        let magic = blob
            .fill_buf()
            .map_err(|e| format!("cannot read it: {e}"))?
            .to_vec();
        let tar: Box<dyn Read + '_> = if magic.starts_with(&[0x1f, 0x8b]) {
            Box::new(flate2::bufread::GzDecoder::new(blob))
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            return Err("it is zstd-compressed, which this check does not read".to_string());
        } else {
            Box::new(blob)
        };
        let mut added = Vec::new();
        let mut bytes = Vec::new();
        let mut archive = tar::Archive::new(tar);
        for entry in archive.entries().map_err(|e| format!("not a tar: {e}"))? {
            let mut entry = entry.map_err(|e| format!("not a readable tar: {e}"))?;
            let path = clean(&entry.path().map_err(|e| e.to_string())?.to_string_lossy());
            let (parent, name) = path.rsplit_once('/').unwrap_or(("", &path));
            // OCI whiteouts: `.wh..wh..opq` empties its folder of what lower layers
            // put there, `.wh.NAME` removes NAME.
            if name == ".wh..wh..opq" {
                self.remove_under(parent);
                continue;
            }
            if let Some(gone) = name.strip_prefix(".wh.") {
                let gone = join(parent, gone);
                self.remove_under(&gone);
                self.nodes.remove(&gone);
                self.contents.remove(&gone);
                continue;
            }
            let node = match entry.header().entry_type() {
                tar::EntryType::Directory => Node::Dir,
                tar::EntryType::Symlink => {
                    let target = entry.link_name().ok().flatten().unwrap_or_default();
                    Node::Link(target.to_string_lossy().into_owned())
                }
                _ => Node::File,
            };
            if node == Node::File && kept(&path) {
                let mut content = Vec::new();
                entry
                    .read_to_end(&mut content)
                    .map_err(|e| format!("not a readable tar: {e}"))?;
                bytes.push((path.clone(), content));
            } else {
                self.contents.remove(&path);
            }
            added.push((path, node));
        }
        self.nodes.extend(added);
        self.contents.extend(bytes);
        Ok(())
    }

    /// The bytes of a kept file (`/etc/os-release`, the dpkg status), following
    /// symlinks.
    pub(super) fn contents(&self, path: &str) -> Option<&[u8]> {
        let (at, node) = self.resolve(path)?;
        (node == Node::File)
            .then(|| self.contents.get(&at).map(Vec::as_slice))
            .flatten()
    }

    /// The kept files under a folder (absolute), by path (no leading `/`).
    pub(super) fn contents_under<'a>(
        &'a self,
        folder: &str,
    ) -> impl Iterator<Item = (&'a str, &'a [u8])> {
        let prefix = clean(folder);
        self.contents
            .iter()
            .filter(move |(p, _)| p.starts_with(&prefix))
            .map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    fn remove_under(&mut self, folder: &str) {
        let prefix = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        self.nodes.retain(|p, _| !p.starts_with(&prefix));
        self.contents.retain(|p, _| !p.starts_with(&prefix));
    }

    /// Whether `path` (absolute) leads to a file, following symlinks.
    pub(super) fn has_file(&self, path: &str) -> bool {
        matches!(self.resolve(path), Some((_, Node::File)))
    }

    /// Whether the tree has CA certificates where TLS libraries look for them
    /// (Debian's, Alpine's and Red Hat's bundles, or a certificate folder).
    pub(super) fn has_ca_certificates(&self) -> bool {
        const BUNDLES: [&str; 4] = [
            "/etc/ssl/certs/ca-certificates.crt",
            "/etc/pki/tls/certs/ca-bundle.crt",
            "/etc/ssl/cert.pem",
            "/etc/ssl/ca-bundle.pem",
        ];
        BUNDLES.iter().any(|b| self.has_file(b))
            || self
                .nodes
                .keys()
                .any(|p| p.starts_with("etc/ssl/certs/") && self.has_file(p))
    }

    /// Where `path` leads once symlinks are followed, and what is there.
    fn resolve(&self, path: &str) -> Option<(String, Node)> {
        match self.walk(path) {
            (at, Some(node)) => Some((at, node)),
            (_, None) => None,
        }
    }

    /// The path `path` names once the tree's symlinks are followed (the parts the
    /// tree lacks kept as written), and what is there, if anything.
    pub(super) fn canonical(&self, path: &str) -> String {
        self.walk(path).0
    }

    /// Whether `path` is a folder of the tree (symlinks followed).
    pub(super) fn has_dir(&self, path: &str) -> bool {
        matches!(self.walk(path).1, Some(Node::Dir))
    }

    fn walk(&self, path: &str) -> (String, Option<Node>) {
        let mut pending: Vec<String> = clean(path).split('/').rev().map(String::from).collect();
        let mut at = String::new();
        let mut hops = 0;
        let mut missing = false;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "" | "." => continue,
                ".." => {
                    at = at
                        .rsplit_once('/')
                        .map(|(p, _)| p.to_string())
                        .unwrap_or_default();
                    continue;
                }
                _ => {}
            }
            let next = join(&at, &part);
            // A tar may leave out the folders of its files; they exist all the same.
            let node = if missing { None } else { self.nodes.get(&next) };
            match node {
                Some(Node::Link(target)) if hops < 40 => {
                    hops += 1;
                    if target.starts_with('/') {
                        at.clear();
                    }
                    pending.extend(clean(target).split('/').rev().map(String::from));
                }
                Some(Node::Link(_)) => return (next, None),
                Some(node) if pending.is_empty() => return (next, Some(node.clone())),
                Some(_) => at = next,
                None if pending.is_empty() => return (next, None),
                None => {
                    // Below a missing part, nothing is known: keep the rest as written.
                    missing = !self
                        .nodes
                        .keys()
                        .any(|p| p.starts_with(&format!("{next}/")));
                    at = next;
                }
            }
        }
        (at, Some(Node::Dir))
    }
}

fn clean(path: &str) -> String {
    path.trim_start_matches("./")
        .trim_start_matches('/')
        .trim_end_matches('/')
        .to_string()
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(entries: &[(&str, Option<&str>)]) -> Vec<u8> {
        let mut tar = tar::Builder::new(Vec::new());
        for (path, link) in entries {
            let mut h = tar::Header::new_ustar();
            h.set_size(0);
            h.set_mode(0o755);
            match link {
                Some(target) => {
                    h.set_entry_type(tar::EntryType::Symlink);
                    tar.append_link(&mut h, path, target).unwrap();
                }
                None if path.ends_with('/') => {
                    h.set_entry_type(tar::EntryType::Directory);
                    h.set_cksum();
                    tar.append_data(&mut h, path, std::io::empty()).unwrap();
                }
                None => {
                    h.set_cksum();
                    tar.append_data(&mut h, path, std::io::empty()).unwrap();
                }
            }
        }
        tar.into_inner().unwrap()
    }

    #[test]
    fn the_loader_is_found_through_debians_merged_usr_symlinks() {
        let mut fs = RootFs::default();
        fs.apply(&*layer(&[
            ("lib", Some("usr/lib")),
            ("lib64", Some("usr/lib64")),
            ("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", None),
            (
                "usr/lib64/ld-linux-x86-64.so.2",
                Some("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
            ),
        ]))
        .unwrap();
        assert!(fs.has_file("/lib64/ld-linux-x86-64.so.2"));
        assert!(!fs.has_file("/lib/ld-linux-aarch64.so.1"));
        assert!(!fs.has_file("/lib64"), "a folder is not a file");

        // A later layer's whiteout removes it.
        fs.apply(&*layer(&[(
            "usr/lib/x86_64-linux-gnu/.wh.ld-linux-x86-64.so.2",
            None,
        )]))
        .unwrap();
        assert!(!fs.has_file("/lib64/ld-linux-x86-64.so.2"));
    }

    #[test]
    fn an_opaque_folder_hides_what_lower_layers_put_in_it() {
        let mut fs = RootFs::default();
        fs.apply(&*layer(&[("opt/a", None), ("opt/b", None)]))
            .unwrap();
        fs.apply(&*layer(&[("opt/.wh..wh..opq", None), ("opt/b", None)]))
            .unwrap();
        assert!(!fs.has_file("/opt/a"));
        assert!(fs.has_file("/opt/b"));
        // A symlink loop is not a file.
        fs.apply(&*layer(&[("x", Some("y")), ("y", Some("x"))]))
            .unwrap();
        assert!(!fs.has_file("/x"));
    }
}
