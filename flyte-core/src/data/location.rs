//! Locations as text, split into the store they live in and the object's path in it.
//!
//! Everything after the bucket (or after `file://`, or a whole plain path) is the
//! object's key *byte for byte*, as fsspec and so flytekit read them: nothing is
//! percent-decoded, and `#`, `?`, `%`, `+`, spaces and non-ASCII letters are part of
//! the name. So `s3://b/dir/café #1.csv` is the key `dir/café #1.csv`, and a local
//! file named `100%.txt` is `/data/100%.txt` or `file:///data/100%.txt`.
//! object_store's own URL parsing decodes and re-encodes and would change such names.

use std::path::{Component, Path as FsPath, PathBuf};

use object_store::ObjectStoreScheme;
use object_store::path::Path;
use url::Url;

use super::DataError;

/// Where a location's object is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// This machine's disk (a plain path or `file://`).
    Local,
    /// Any other store (`memory://`, `s3://`, `gs://`, `az://`, ...).
    Store,
}

/// A location split up.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) kind: Kind,
    /// `scheme://authority/` followed by the key's parts, percent-encoded as a URL
    /// must be: what the store registry matches registered stores against.
    pub(crate) url: Url,
    /// The key's parts, exactly as written.
    pub(crate) parts: Vec<String>,
}

impl Parsed {
    /// The object's path in the store the registry found for [`Parsed::url`], which
    /// consumed `consumed` leading parts (a store registered at `s3://b/raw` takes
    /// `raw`).
    pub(crate) fn path_after(&self, consumed: usize) -> Path {
        // The parts were checked by `Path::parse` already; joined they parse again.
        Path::parse(self.parts[consumed.min(self.parts.len())..].join("/")).unwrap_or_default()
    }
}

/// Splits `location` (a URL or a local path; relative paths are taken from the
/// current directory) into its store and key.
pub(crate) fn parse(location: &str) -> Result<Parsed, DataError> {
    let invalid = |reason: String| DataError::InvalidLocation {
        location: location.to_string(),
        reason,
    };
    if location.is_empty() {
        return Err(invalid("it is empty".to_string()));
    }
    let Some((scheme, rest)) = location.split_once("://").filter(|(s, _)| is_scheme(s)) else {
        return local(location, FsPath::new(location));
    };
    let scheme = scheme.to_ascii_lowercase();
    match scheme.as_str() {
        "file" => {
            let path = rest.strip_prefix("localhost").unwrap_or(rest);
            if !path.starts_with('/') {
                return Err(invalid(
                    "a file:// URL needs an absolute path (file:///data/x.csv)".to_string(),
                ));
            }
            local(location, FsPath::new(path))
        }
        _ => {
            let (authority, key) = rest.split_once('/').unwrap_or((rest, ""));
            let mut url = Url::parse(&format!("{scheme}://{authority}/")).map_err(|e| {
                invalid(format!(
                    "`{scheme}://{authority}` is not a valid store: {e}"
                ))
            })?;
            if ObjectStoreScheme::parse(&url).is_err() {
                return Err(DataError::UnsupportedScheme {
                    location: location.to_string(),
                    reason: format!(
                        "no object store handles `{scheme}://` locations (use file://, memory:///, s3://, gs://, az:// or a local path)"
                    ),
                });
            }
            let parts = key_parts(key).map_err(invalid)?;
            push_parts(&mut url, &parts);
            Ok(Parsed {
                kind: Kind::Store,
                url,
                parts,
            })
        }
    }
}

/// Whether `s` is a URL scheme (a letter, then letters, digits, `+`, `-`, `.`), so
/// that a local folder named `a b://c` is not taken for one.
fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// An object key's parts: `/`-separated, leading and trailing `/` ignored.
fn key_parts(key: &str) -> Result<Vec<String>, String> {
    let path = Path::parse(key).map_err(|e| match e {
        object_store::path::Error::EmptySegment { .. } => {
            format!("the key `{key}` has an empty part (`//`), which object stores do not address")
        }
        _ => format!("the key `{key}` has a part that is `.`, `..` or holds a control character"),
    })?;
    Ok(path.parts().map(|p| p.as_ref().to_string()).collect())
}

fn push_parts(url: &mut Url, parts: &[String]) {
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().extend(parts);
    }
}

/// A local path: made absolute against the current directory, `.` and `..` resolved
/// by the text (as a shell's `cd` does), each file or folder name kept as it is.
fn local(location: &str, path: &FsPath) -> Result<Parsed, DataError> {
    let invalid = |reason: String| DataError::InvalidLocation {
        location: location.to_string(),
        reason,
    };
    let absolute = std::path::absolute(path)
        .map_err(|e| invalid(format!("cannot make it an absolute path: {e}")))?;
    let mut parts: Vec<String> = Vec::new();
    for component in absolute.components() {
        match component {
            Component::Normal(name) => {
                let name = name.to_str().ok_or_else(|| {
                    invalid(format!(
                        "the name `{}` is not UTF-8, which object stores cannot hold",
                        name.to_string_lossy()
                    ))
                })?;
                if name.chars().any(|c| c.is_control()) {
                    return Err(invalid(format!(
                        "the name {name:?} holds a control character"
                    )));
                }
                parts.push(name.to_string());
            }
            Component::ParentDir => {
                parts.pop();
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    let mut url = Url::parse("file:///").map_err(|e| invalid(e.to_string()))?;
    push_parts(&mut url, &parts);
    Ok(Parsed {
        kind: Kind::Local,
        url,
        parts,
    })
}

/// A local path's parts as a filesystem path.
pub(crate) fn local_path(parts: &[String]) -> PathBuf {
    let mut path = PathBuf::from("/");
    path.extend(parts);
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(location: &str) -> String {
        parse(location).unwrap().parts.join("/")
    }

    #[test]
    fn keys_are_taken_byte_for_byte() {
        for name in [
            "a b.txt",
            "100%.txt",
            "café.txt",
            "report#1.csv",
            "q?x=1",
            "a+b",
            "%2E%2E",
            "a%2Fb",
        ] {
            assert_eq!(
                key(&format!("s3://bucket/dir/{name}")),
                format!("dir/{name}")
            );
            assert_eq!(key(&format!("memory:///dir/{name}")), format!("dir/{name}"));
            assert_eq!(key(&format!("file:///dir/{name}")), format!("dir/{name}"));
            assert_eq!(key(&format!("/dir/{name}")), format!("dir/{name}"));
        }
        // The URL the registry sees is encoded, so it round-trips through url's parser.
        let p = parse("s3://bucket/dir/café #1.csv").unwrap();
        assert_eq!(p.url.as_str(), "s3://bucket/dir/caf%C3%A9%20%231.csv");
    }

    #[test]
    fn relative_paths_and_dot_dot_resolve_against_the_working_directory() {
        let cwd = std::env::current_dir().unwrap();
        let expected = cwd.parent().unwrap().join("data").join("x.csv");
        let p = parse("../data/x.csv").unwrap();
        assert_eq!(p.kind, Kind::Local);
        assert_eq!(local_path(&p.parts), expected);
        assert_eq!(
            local_path(&parse("./a/./b").unwrap().parts),
            cwd.join("a/b")
        );
    }

    #[test]
    fn bad_locations_say_what_is_wrong() {
        let msg = |l: &str| parse(l).unwrap_err().to_string();
        assert!(
            msg("s3://b/a//c").contains("empty part"),
            "{}",
            msg("s3://b/a//c")
        );
        assert!(
            msg("s3://b/a/../c").contains("`..`"),
            "{}",
            msg("s3://b/a/../c")
        );
        assert!(msg("ftp://host/x").contains("no object store handles `ftp://`"));
        assert!(msg("file://relative/x").contains("absolute path"));
        assert!(msg("").contains("empty"));
    }
}
