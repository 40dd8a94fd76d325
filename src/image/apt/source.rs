//! Where packages come from: a `sources.list` line, or Debian's archive for the
//! base's release.

use super::super::ImageError;
use super::super::rootfs::RootFs;

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
    /// Debian's own archive for the base's release (from `/etc/os-release`: its
    /// `VERSION_CODENAME`, or the name in `VERSION`, which is all distroless writes):
    /// the security suite first, then the point-release updates, then the release, so
    /// the first that has a package gives its newest version.
    pub(in crate::image) fn for_base(base: &RootFs, name: &str) -> Result<Vec<Self>, ImageError> {
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
        // `VERSION="12 (bookworm)"`: the word in parentheses.
        let from_version = field("VERSION").and_then(|v| {
            let (_, rest) = v.split_once('(')?;
            Some(rest.split(')').next()?.trim().to_string())
        });
        let codename = field("VERSION_CODENAME")
            .filter(|c| !c.is_empty())
            .or(from_version)
            .filter(|c| !c.is_empty());
        match (field("ID").as_deref(), codename) {
            (Some("debian"), Some(codename)) => Ok(vec![
                AptSource::debian("debian-security", &format!("{codename}-security")),
                AptSource::debian("debian", &format!("{codename}-updates")),
                AptSource::debian("debian", &codename),
            ]),
            _ => Err(ImageError::Apt {
                what: name.to_string(),
                reason: "the base is not a Debian release this can tell (no ID=debian and release name in /etc/os-release): name the repository with `--apt-source \"URL SUITE COMPONENT\"`".to_string(),
            }),
        }
    }

    fn debian(archive: &str, suite: &str) -> Self {
        AptSource {
            url: format!("https://deb.debian.org/{archive}"),
            suite: suite.to_string(),
            components: vec!["main".to_string()],
        }
    }
}
