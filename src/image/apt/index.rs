//! A repository's `Packages` index, checked against its `Release` file, and the
//! packages a request resolves to.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::Read;

use super::source::AptSource;

/// One package of the index: its fields, in order.
#[derive(Debug, Clone)]
pub(super) struct Stanza(pub(super) Vec<(String, String)>);

impl Stanza {
    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// The stanzas of a control file (`Key: value`, continuation lines start with a
/// space, blank lines between stanzas).
pub(super) fn stanzas(text: &str) -> Vec<Stanza> {
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
pub(super) fn dependency_groups(value: &str) -> Vec<Vec<String>> {
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

/// The repository's index for one architecture.
pub(super) struct Index {
    /// Each package's stanza and the archive it comes from.
    pub(super) packages: BTreeMap<String, (Stanza, String)>,
    /// Virtual package -> the real packages that provide it.
    providers: BTreeMap<String, Vec<String>>,
}

pub(super) async fn fetch(client: &reqwest::Client, url: &str) -> Result<Option<Vec<u8>>, String> {
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

/// A component's `Packages` index (xz, gzip or plain), checked against the suite's
/// `Release` file when it has one. (`Release`'s GPG signature is not checked: the
/// default archive is reached over https.)
async fn packages_file(
    client: &reqwest::Client,
    source: &AptSource,
    component: &str,
    arch: &str,
) -> Result<String, String> {
    let suite = format!("{}/dists/{}", source.url, source.suite);
    let release = fetch(client, &format!("{suite}/Release"))
        .await?
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    for name in ["Packages.xz", "Packages.gz", "Packages"] {
        let path = format!("{component}/binary-{arch}/{name}");
        let Some(bytes) = fetch(client, &format!("{suite}/{path}")).await? else {
            continue;
        };
        if let Some(release) = &release {
            let digest = crate::digest::sha256_hex(&bytes);
            match release_sha256(release, &path) {
                Some(expected) if expected.eq_ignore_ascii_case(&digest) => {}
                Some(expected) => {
                    return Err(format!(
                        "{suite}/{path} has SHA-256 {digest}, not {expected} as its Release file says"
                    ));
                }
                None => return Err(format!("{suite}/Release does not list {path}")),
            }
        }
        return Ok(String::from_utf8_lossy(&decompress(bytes)?).into_owned());
    }
    Err(format!(
        "no Packages index under {suite}/{component}/binary-{arch}"
    ))
}

/// The SHA-256 a `Release` file gives for `path`.
pub(super) fn release_sha256(release: &str, path: &str) -> Option<String> {
    let section = release.split("\nSHA256:").nth(1)?;
    section
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .find_map(|l| {
            let mut words = l.split_whitespace();
            let (hash, _size, name) = (words.next()?, words.next()?, words.next()?);
            (name == path).then(|| hash.to_string())
        })
}

/// Decompresses by magic number: xz, gzip, or plain.
pub(super) fn decompress(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
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
    /// The indexes of the sources, the first source's package winning.
    pub(super) async fn fetch(
        client: &reqwest::Client,
        sources: &[AptSource],
        arch: &str,
    ) -> Result<Index, String> {
        let mut index = Index {
            packages: BTreeMap::new(),
            providers: BTreeMap::new(),
        };
        for source in sources {
            for component in &source.components {
                let text = packages_file(client, source, component, arch).await?;
                index.add(&text, &source.url);
            }
        }
        Ok(index)
    }

    fn add(&mut self, text: &str, url: &str) {
        for stanza in stanzas(text) {
            let Some(name) = stanza.get("Package").map(String::from) else {
                continue;
            };
            for provided in dependency_groups(stanza.get("Provides").unwrap_or_default()) {
                for p in provided {
                    self.providers.entry(p).or_default().push(name.clone());
                }
            }
            self.packages
                .entry(name)
                .or_insert_with(|| (stanza, url.to_string()));
        }
    }

    /// The packages to install for `wanted`, dependencies first-come, less what
    /// `have` has: each dependency group is met by the first alternative installed,
    /// or else the first one the index has (versions are not compared).
    pub(super) fn resolve(
        &self,
        wanted: &[String],
        have: &BTreeSet<String>,
    ) -> Result<Vec<String>, String> {
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
            let (stanza, _) = &self.packages[&real];
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
        index.add(INDEX, "http://archive");
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
}
