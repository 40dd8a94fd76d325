//! `--apt PACKAGE`: Debian packages laid onto the base as one layer, with no container
//! run and no package manager in the image (distroless bases have none), as
//! distroless's own build and `apko` do. The package and what it depends on (less what
//! the base has, by its dpkg status) are resolved from the repository's `Packages`
//! index, downloaded, checked against the index's SHA-256, and their `data.tar`
//! unpacked into the layer; each gets a `/var/lib/dpkg/status.d/` entry, as distroless
//! records its packages. Maintainer scripts are not run.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::Read;

use sha2::{Digest, Sha256};

use super::ImageError;
use super::layer::{self, Layer};
use super::rootfs::RootFs;

/// A Debian repository: `URL SUITE [COMPONENT...]`, as a `sources.list` line says it
/// after `deb`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AptSource {
    /// The archive's root (`http://deb.debian.org/debian`).
    pub url: String,
    /// The suite (`bookworm`).
    pub suite: String,
    /// The components (`main`).
    pub components: Vec<String>,
}

impl std::str::FromStr for AptSource {
    type Err = ImageError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut words = s.split_whitespace();
        match (words.next(), words.next()) {
            (Some(url), Some(suite)) if url.contains("://") => {
                let mut components: Vec<String> = words.map(String::from).collect();
                if components.is_empty() {
                    components.push("main".to_string());
                }
                Ok(AptSource {
                    url: url.trim_end_matches('/').to_string(),
                    suite: suite.to_string(),
                    components,
                })
            }
            _ => Err(ImageError::Setting {
                value: s.to_string(),
                reason: "expected `URL SUITE [COMPONENT...]`, as after `deb` in sources.list"
                    .to_string(),
            }),
        }
    }
}

impl AptSource {
    /// Debian's own archive for the base's release (`/etc/os-release`'s
    /// `VERSION_CODENAME`), when the base is Debian.
    pub(super) fn for_base(base: &RootFs, name: &str) -> Result<Self, ImageError> {
        let release = base
            .contents("/etc/os-release")
            .or_else(|| base.contents("/usr/lib/os-release"))
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let field = |key: &str| {
            release.lines().find_map(|l| {
                l.strip_prefix(key)
                    .and_then(|v| v.strip_prefix('='))
                    .map(|v| v.trim_matches('"').to_string())
            })
        };
        match (field("ID").as_deref(), field("VERSION_CODENAME")) {
            (Some("debian"), Some(codename)) if !codename.is_empty() => Ok(AptSource {
                url: "http://deb.debian.org/debian".to_string(),
                suite: codename,
                components: vec!["main".to_string()],
            }),
            _ => Err(ImageError::Apt {
                what: name.to_string(),
                reason: "the base is not a Debian release this can tell (no ID=debian and VERSION_CODENAME in /etc/os-release): name the repository with `--apt-source \"URL SUITE COMPONENT\"`".to_string(),
            }),
        }
    }
}

/// One package of the index: its fields, in order.
#[derive(Debug, Clone)]
struct Stanza(Vec<(String, String)>);

impl Stanza {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// The stanzas of a control file (`Key: value`, continuation lines start with a
/// space, blank lines between stanzas).
fn stanzas(text: &str) -> Vec<Stanza> {
    let mut out = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !fields.is_empty() {
                out.push(Stanza(std::mem::take(&mut fields)));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push('\n');
                value.push_str(line);
            }
        } else if let Some((key, value)) = line.split_once(':') {
            fields.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    if !fields.is_empty() {
        out.push(Stanza(fields));
    }
    out
}

/// The package names a `Depends` value asks for: per group, its alternatives (version
/// constraints and architecture qualifiers dropped).
fn dependency_groups(value: &str) -> Vec<Vec<String>> {
    value
        .split(',')
        .map(|group| {
            group
                .split('|')
                .map(|alt| {
                    let name = alt.trim().split([' ', '(', '[']).next().unwrap_or_default();
                    name.split(':').next().unwrap_or_default().to_string()
                })
                .filter(|n| !n.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|g| !g.is_empty())
        .collect()
}

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

/// The repository's index for one architecture.
struct Index {
    packages: BTreeMap<String, Stanza>,
    /// Virtual package -> the real packages that provide it.
    providers: BTreeMap<String, Vec<String>>,
}

async fn fetch(client: &reqwest::Client, url: &str) -> Result<Option<Vec<u8>>, String> {
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if response.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    let response = response
        .error_for_status()
        .map_err(|e| format!("{url}: {e}"))?;
    let bytes = response.bytes().await.map_err(|e| format!("{url}: {e}"))?;
    Ok(Some(bytes.to_vec()))
}

/// Decompresses by magic number: xz, gzip, or plain.
fn decompress(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    if bytes.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        lzma_rs::xz_decompress(&mut &bytes[..], &mut out).map_err(|e| format!("xz: {e}"))?;
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .map_err(|e| format!("gzip: {e}"))?;
    } else if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Err("zstd-compressed, which is not read (Debian's archive uses xz)".to_string());
    } else {
        return Ok(bytes);
    }
    Ok(out)
}

impl Index {
    async fn fetch(
        client: &reqwest::Client,
        source: &AptSource,
        arch: &str,
    ) -> Result<Index, String> {
        let mut index = Index {
            packages: BTreeMap::new(),
            providers: BTreeMap::new(),
        };
        for component in &source.components {
            let folder = format!(
                "{}/dists/{}/{component}/binary-{arch}",
                source.url, source.suite
            );
            let mut found = None;
            for name in ["Packages.xz", "Packages.gz", "Packages"] {
                if let Some(bytes) = fetch(client, &format!("{folder}/{name}")).await? {
                    found = Some(decompress(bytes)?);
                    break;
                }
            }
            let text = found.ok_or_else(|| format!("no Packages index under {folder}"))?;
            for stanza in stanzas(&String::from_utf8_lossy(&text)) {
                let Some(name) = stanza.get("Package").map(String::from) else {
                    continue;
                };
                for provided in dependency_groups(stanza.get("Provides").unwrap_or_default()) {
                    for p in provided {
                        index.providers.entry(p).or_default().push(name.clone());
                    }
                }
                index.packages.entry(name).or_insert(stanza);
            }
        }
        Ok(index)
    }

    /// The packages to install for `wanted`, dependencies first-come, less what
    /// `have` has: each dependency group is met by the first alternative installed,
    /// or else the first one the index has (versions are not compared).
    fn resolve(&self, wanted: &[String], have: &BTreeSet<String>) -> Result<Vec<String>, String> {
        let mut order = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut queue: VecDeque<(String, String)> = wanted
            .iter()
            .map(|w| (w.clone(), "asked for".to_string()))
            .collect();
        while let Some((name, why)) = queue.pop_front() {
            if seen.contains(&name) || have.contains(&name) {
                continue;
            }
            let real = if self.packages.contains_key(&name) {
                name.clone()
            } else if let Some(p) = self.providers.get(&name).and_then(|p| p.first()) {
                p.clone()
            } else {
                return Err(format!("no package `{name}` in the index ({why})"));
            };
            seen.insert(name.clone());
            if real != name && !seen.insert(real.clone()) {
                continue;
            }
            let stanza = &self.packages[&real];
            order.push(real.clone());
            for key in ["Pre-Depends", "Depends"] {
                for group in dependency_groups(stanza.get(key).unwrap_or_default()) {
                    if group
                        .iter()
                        .any(|alt| have.contains(alt) || seen.contains(alt))
                    {
                        continue;
                    }
                    let pick = group
                        .iter()
                        .find(|alt| {
                            self.packages.contains_key(*alt) || self.providers.contains_key(*alt)
                        })
                        .unwrap_or(&group[0]);
                    queue.push_back((pick.clone(), format!("a dependency of {real}")));
                }
            }
        }
        Ok(order)
    }
}

/// The layer of the packages `wanted` (and their dependencies the base lacks), and the
/// names installed.
pub(super) async fn packages_layer(
    source: &AptSource,
    wanted: &[String],
    arch: &str,
    base: &RootFs,
) -> Result<(Layer, Vec<String>), ImageError> {
    let apt_error = |what: &str, reason: String| ImageError::Apt {
        what: what.to_string(),
        reason,
    };
    let client = reqwest::Client::new();
    let index = Index::fetch(&client, source, arch)
        .await
        .map_err(|e| apt_error(&source.url, e))?;
    let names = index
        .resolve(wanted, &installed(base))
        .map_err(|e| apt_error(&wanted.join(" "), e))?;
    let mut tar = tar::Builder::new(Vec::new());
    for name in &names {
        let stanza = &index.packages[name];
        let file = stanza
            .get("Filename")
            .ok_or_else(|| apt_error(name, "the index gives no Filename".into()))?;
        let url = format!("{}/{file}", source.url);
        let deb = fetch(&client, &url)
            .await
            .map_err(|e| apt_error(name, e))?
            .ok_or_else(|| apt_error(name, format!("{url} is not there")))?;
        let digest = layer::hex(&Sha256::digest(&deb));
        if let Some(expected) = stanza
            .get("SHA256")
            .filter(|e| !e.eq_ignore_ascii_case(&digest))
        {
            return Err(apt_error(
                name,
                format!("{url} has SHA-256 {digest}, not the index's {expected}"),
            ));
        }
        unpack_deb(&deb, &mut tar).map_err(|e| apt_error(name, e))?;
        append_status(&mut tar, name, stanza).map_err(|e| apt_error(name, e.to_string()))?;
    }
    let tar = tar
        .into_inner()
        .map_err(|e| apt_error("layer", e.to_string()))?;
    let layer = layer::from_tar(tar).map_err(|e| apt_error("layer", e.to_string()))?;
    Ok((layer, names))
}

/// Copies a `.deb`'s `data.tar.*` into `out`, owned by root.
fn unpack_deb(deb: &[u8], out: &mut tar::Builder<Vec<u8>>) -> Result<(), String> {
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
            let mut file = file.map_err(|e| e.to_string())?;
            let path = file
                .path()
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .into_owned();
            let path = path.trim_start_matches("./").to_string();
            if path.is_empty() {
                continue;
            }
            let mut header = file.header().clone();
            header.set_uid(0);
            header.set_gid(0);
            let link = file.link_name().map_err(|e| e.to_string())?;
            let result = match link {
                Some(target) => {
                    let target = target.to_string_lossy().into_owned();
                    let target = match header.entry_type() {
                        tar::EntryType::Link => target.trim_start_matches("./").to_string(),
                        _ => target,
                    };
                    out.append_link(&mut header, &path, target)
                }
                None => out.append_data(&mut header, &path, &mut file),
            };
            result.map_err(|e| e.to_string())?;
        }
        return Ok(());
    }
    Err("not a Debian package: it has no data.tar".to_string())
}

/// `/var/lib/dpkg/status.d/NAME`: the package's control fields, as distroless
/// records what it installed (scanners read it).
fn append_status(
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

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "Package: curl\nVersion: 7.88\nDepends: libcurl4 (= 7.88), libc6 (>= 2.34)\nFilename: pool/c/curl.deb\n\n\
Package: libcurl4\nDepends: libssl3 | libssl1.1, zlib1g:any\nFilename: pool/l/libcurl4.deb\n\n\
Package: libssl3\nFilename: pool/l/libssl3.deb\n\n\
Package: zlib1g\nProvides: libz1\nFilename: pool/z/zlib1g.deb\n\n\
Package: libc6\nFilename: pool/l/libc6.deb\n";

    fn index() -> Index {
        let mut index = Index {
            packages: BTreeMap::new(),
            providers: BTreeMap::new(),
        };
        for s in stanzas(INDEX) {
            let name = s.get("Package").unwrap().to_string();
            for p in dependency_groups(s.get("Provides").unwrap_or_default()) {
                index
                    .providers
                    .entry(p[0].clone())
                    .or_default()
                    .push(name.clone());
            }
            index.packages.insert(name, s);
        }
        index
    }

    #[test]
    fn dependencies_are_resolved_less_what_the_base_has() {
        let have: BTreeSet<String> = ["libc6".to_string()].into();
        let order = index().resolve(&["curl".into()], &have).unwrap();
        assert_eq!(order, ["curl", "libcurl4", "libssl3", "zlib1g"]);
        // A virtual package is met by its provider.
        assert_eq!(
            index().resolve(&["libz1".into()], &have).unwrap(),
            ["zlib1g"]
        );
        let err = index().resolve(&["nope".into()], &have).unwrap_err();
        assert_eq!(err, "no package `nope` in the index (asked for)");
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
